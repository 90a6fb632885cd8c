"""The pure-Python line breaker gives libunistring's breaks: on the corpus's strings and on random Unicode text."""

from __future__ import annotations

import random

import pytest
from gnu import CORPUS, needs_corpus

from i18nprofiles.gettext import linebreak
from i18nprofiles.gettext.pofile import read_po_file

needs_library = pytest.mark.skipif(
    not linebreak.using_libunistring() or linebreak.library_version() != linebreak.PORTED_VERSION,
    reason="libunistring 1.0 cannot be loaded here (the Python port reproduces that version)",
)

# Blocks that exercise the rules: Latin with punctuation, combining marks, CJK and kana, Hangul, Hebrew,
# Thai (complex context), regional indicators, emoji with modifiers and joiners, spaces of all kinds.
ALPHABET = (
    "aé1 ,.;:!?-/()[]{}«»\"'%$€+*=<>_&#@\\\t"
    "\u0301\u0308\u200b\u200d\u2060\u00a0\u202f\u2028\u00ad\u2010\u2014\u2026"
    "中文字かなカナ。、「」ー한국어각"
    "שלום־"
    "ภาษาไทย"
    "\U0001f1eb\U0001f1f7\U0001f44d\U0001f3fd\U0001f469\u200d\U0001f4bb"
)


def random_texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 120))) for _ in range(count)]


def corpus_texts() -> list[str]:
    texts = []
    for path in CORPUS:
        for entry in read_po_file(path):
            texts += [entry.msgid, entry.msgstr, *entry.msgstr_plural.values()]
    return [text.replace("\n", " ") for text in texts if text]


@needs_library
@pytest.mark.parametrize("cjk", [False, True])
def test_python_breaks_like_libunistring_on_random_text(cjk):
    for index, text in enumerate(random_texts(7, 3000)):
        width, start = 10 + index % 60, index % 9
        prohibited = [i for i in range(len(text)) if (i * 7 + index) % 11 == 0]
        assert linebreak.python_width_breaks(text, width, start, prohibited, cjk) == linebreak.library_width_breaks(
            text, width, start, prohibited, cjk), (text, width, start)


@needs_library
@needs_corpus
def test_python_breaks_like_libunistring_on_the_corpus():
    texts = corpus_texts()
    assert len(texts) > 20000
    for width in (30, 74):
        batch = [(text, []) for text in texts]
        assert [linebreak.python_width_breaks(text, width, 0) for text in texts] == linebreak.width_breaks_many(batch, width)


def test_breaks_of_known_strings():
    """Facts of libunistring 1.0, that both implementations must show (a break before each index)."""
    same_library = linebreak.using_libunistring() and linebreak.library_version() == linebreak.PORTED_VERSION
    for function in [linebreak.python_width_breaks] + ([linebreak.library_width_breaks] if same_library else []):
        assert function("aaaa bbbb cccc", 8, 0) == [5, 10]  # after spaces
        assert function("aaaa bbbb cccc", 9, 0) == [5]  # "bbbb cccc" fits in 9 columns
        assert function("e.g. foo,bar", 4, 0) == [2, 5, 9]  # no rule LB29 in libunistring 1.0
        assert function("well-known/path.txt", 6, 0) == [5, 11, 16]  # after '-', '/', '.'
        assert function("averyveryverylongword tail", 5, 0) == [22]  # a long word stays whole
        assert function("a b c", 2, 0, [2]) == [4]  # an override forbids the break before 'b'
        assert function("全角全角全角", 4, 0) == [2, 4]  # wide characters take two columns


def test_library_version_is_read():
    if linebreak.using_libunistring():
        assert linebreak.library_version() >= (0, 9)


def test_widths():
    assert linebreak.text_width("abc") == 3
    assert linebreak.text_width("e\u0301") == 1
    assert linebreak.text_width("全角") == 4
    assert linebreak.text_width("\u00e9\u00b1") == 2 and linebreak.text_width("\u00b1", cjk=True) == 2
