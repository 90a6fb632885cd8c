"""Line breaking: libunistring's facts (the library msgcat uses), and the uniseg fallback's guarantees."""

from __future__ import annotations

import random

import pytest
from gnu import CORPUS, msgcat, needs_corpus, needs_gettext

from i18nprofiles.gettext import linebreak
from i18nprofiles.gettext.pofile import encode_po, read_po, read_po_file

needs_library = pytest.mark.skipif(not linebreak.using_libunistring(), reason="libunistring cannot be loaded here")

ALPHABET = (
    "aé1 ,.;:!?-/()[]{}«»\"'%$€+*=<>_&#@\\\t"
    "\u0301\u0308\u200b\u200d\u2060\u00a0\u202f\u00ad\u2010\u2014\u2026"
    "中文字かなカナ。、「」ー한국어각"
    "שלום־"
    "\U0001f44d\U0001f3fd"
)


@pytest.fixture
def fallback(monkeypatch):
    """Break lines through uniseg and wcwidth, as where libunistring cannot be loaded."""
    monkeypatch.setattr(linebreak, "_LIBRARY", None)


def random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 120))) for _ in range(count)]


@needs_library
def test_libunistring_breaks_as_gnu_does():
    """Facts of libunistring (1.0, the one GNU gettext 0.21 links to on this system)."""
    assert linebreak.width_breaks("aaaa bbbb cccc", 8, 0) == [5, 10]  # after spaces
    assert linebreak.width_breaks("aaaa bbbb cccc", 9, 0) == [5]  # "bbbb cccc" fits in 9 columns
    assert linebreak.width_breaks("averyveryverylongword tail", 5, 0) == [22]  # a long word stays whole
    assert linebreak.width_breaks("a b c", 2, 0, [2]) == [4]  # an override forbids the break before 'b'
    assert linebreak.width_breaks("全角全角全角", 4, 0) == [2, 4]  # wide characters take two columns
    if linebreak.library_version() == (1, 0):
        assert linebreak.width_breaks("well-known/path.txt", 6, 0) == [5, 11, 16]  # after '-', '/', '.'
    texts = random_texts(3, 400)
    assert linebreak.width_breaks_many([(t, []) for t in texts], 20) == [linebreak.width_breaks(t, 20, 0) for t in texts]


@pytest.mark.parametrize("cjk", [False, True])
def test_the_fallback_fills_lines_within_the_width(fallback, cjk):
    for index, text in enumerate(random_texts(7, 2000)):
        width, start = 10 + index % 60, index % 9
        prohibited = [i for i in range(1, len(text)) if (i * 7 + index) % 11 == 0]
        breaks = linebreak.width_breaks(text, width, start, prohibited, cjk)
        assert breaks == sorted(set(breaks)) and all(0 < b < len(text) for b in breaks)
        assert not set(breaks) & set(prohibited)
        cuts = [0, *breaks, len(text)]
        lines = [text[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)]
        for number, line in enumerate(lines):
            column = start if number == 0 else 0
            if column + linebreak.text_width(line.rstrip(" "), cjk) > width:
                # a line too wide holds one piece that has no break opportunity in it
                assert linebreak.width_breaks(line, 10**6, 0) == [] or number == 0, (text, width, line)


def test_the_fallback_knows_the_common_cases(fallback):
    assert linebreak.width_breaks("aaaa bbbb cccc", 8, 0) == [5, 10]
    assert linebreak.width_breaks("aaaa bbbb cccc", 9, 0) == [5]
    assert linebreak.width_breaks("averyveryverylongword tail", 5, 0) == [22]
    assert linebreak.width_breaks("a b c", 2, 0, [2]) == [4]
    assert linebreak.width_breaks("全角全角全角", 4, 0) == [2, 4]
    assert linebreak.text_width("e\u0301") == 1 and linebreak.text_width("全角") == 4
    assert linebreak.text_width("\u00b1") == 1 and linebreak.text_width("\u00b1", cjk=True) == 2


@needs_gettext
@needs_corpus
def test_the_fallback_keeps_every_string_of_the_corpus(fallback):
    """Written with the fallback, catalogues read back as the same content as msgcat's version: git's
    Russian one and every BleachBit file (the fallback writes a git catalogue in seconds: the other
    six would add a minute to the suite and nothing the Russian one does not try).

    Lines may break elsewhere than msgcat 0.21 breaks them (uniseg follows a
    newer UAX #14); the count is printed, the content must be the same.
    """
    differing = 0
    for path in [p for p in CORPUS if p.parent.name == "bleachbit" or p.name.startswith("ru-")]:
        ours = encode_po(read_po_file(path), width=76)
        reference = msgcat(path, "-w", "76").stdout
        differing += sum(a != b for a, b in zip(ours.splitlines(), reference.splitlines()))
        mine, theirs = read_po(ours, path), read_po(reference, path)
        assert [(e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.flags, e.obsolete) for e in mine] == [
            (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, e.msgstr_plural, e.flags, e.obsolete) for e in theirs]
    print(f"lines broken elsewhere than msgcat's, corpus at width 76: {differing}")
