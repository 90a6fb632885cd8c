"""Reading and writing every real-world catalogue gives the bytes of ``msgcat -w WIDTH`` (line breaking through
libunistring, as msgcat's); the fallback line breaker keeps every string (tests/gettext/test_linebreak.py)."""

from __future__ import annotations

import difflib
from pathlib import Path

import polib
import pytest
from gnu import CORPUS, converted_corpus, msgcat, needs_corpus, needs_gettext

from i18nprofiles.gettext import linebreak
from i18nprofiles.gettext.pofile import encode_po, read_po_file

pytestmark = [needs_gettext, needs_corpus]

@pytest.fixture
def breaker():
    """GNU's own line breaker: msgcat's bytes need libunistring."""
    if not linebreak.using_libunistring():
        pytest.skip("libunistring cannot be loaded here: lines break through uniseg, not as msgcat's")
    return "libunistring"


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> list[Path]:
    return converted_corpus(tmp_path_factory.mktemp("charsets"))


def differing_lines(ours: bytes, theirs: bytes) -> list[str]:
    diff = difflib.unified_diff(theirs.decode("latin-1").splitlines(), ours.decode("latin-1").splitlines(),
                                lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def assert_msgcat_bytes(path: Path, width: int) -> None:
    reference = msgcat(path, "-w", str(width))
    assert reference.returncode == 0, reference.stderr
    ours = encode_po(read_po_file(path), width=width)
    lines = differing_lines(ours, reference.stdout)
    assert not lines, f"{path.name} at width {width}: {len(lines)} lines differ from msgcat, first: {lines[:6]}"
    assert ours == reference.stdout


@pytest.mark.parametrize("width", [79, 76])
@pytest.mark.parametrize("path", CORPUS, ids=[f"{p.parent.name}/{p.name}" for p in CORPUS])
def test_corpus_round_trip_is_msgcat(path, width, breaker):
    assert_msgcat_bytes(path, width)


@pytest.mark.parametrize("width", [79, 76])
def test_latin1_and_koi8r_round_trip_is_msgcat(converted, width, breaker):
    for path in converted:
        assert_msgcat_bytes(path, width)


def test_converted_catalogues_decode_to_the_same_strings(converted):
    """A Latin-1, CP1252 or KOI8-R catalogue reads as the same text as its UTF-8 version."""
    for path in converted:
        recoded = read_po_file(path)
        original = read_po_file(path.with_name(path.name.rsplit(".", 2)[0] + ".narrowed.po"))
        assert recoded.encoding in ("iso8859_1", "cp1252", "koi8_r")
        assert any(not entry.msgstr.isascii() for entry in recoded)
        assert [(e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural, e.tcomment) for e in recoded] == [
            (e.msgctxt, e.msgid, e.msgstr, e.msgstr_plural, e.tcomment) for e in original]


def test_no_wrap_writes_strings_whole(tmp_path):
    """``width=0`` is ``msgcat --no-wrap``: strings unwrapped, references still wrapped at 79."""
    path = next(p for p in CORPUS if p.name == "fr-v2.36.0.po")
    assert encode_po(read_po_file(path), width=0) == msgcat(path, "--no-wrap").stdout


@pytest.mark.parametrize("path", CORPUS, ids=[f"{p.parent.name}/{p.name}" for p in CORPUS])
def test_line_numbers_and_strings_are_polib_s(path):
    """``linenum`` is polib's (the line an entry starts on); strings and plurals read the same as polib."""
    ours = {(e.msgctxt, e.msgid, e.obsolete): e for e in read_po_file(path)}
    theirs = polib.pofile(str(path))
    assert len(ours) == len(theirs)
    for entry in theirs:
        mine = ours[(entry.msgctxt, entry.msgid, entry.obsolete)]
        assert (mine.linenum, mine.msgstr, mine.msgid_plural, mine.msgstr_plural, mine.occurrences) == (
            entry.linenum, entry.msgstr, entry.msgid_plural, entry.msgstr_plural,
            [(p, str(int(n)) if n else n) for p, n in entry.occurrences])


@pytest.mark.parametrize("path", [p for p in CORPUS if p.suffix in (".po", ".pot")], ids=lambda p: p.name)
def test_a_large_catalogue_read_in_pieces_is_the_catalogue_read_whole(path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """read_po reads a UTF-8 file of more than twice PIECE_BYTES in pieces: made small here, every real
    catalogue is read in many pieces, and gives what reading it whole gives."""
    from fuzzing import entry_facts

    from i18nprofiles.gettext import pofile

    data = path.read_bytes()
    whole = pofile.read_po(data, path)
    monkeypatch.setattr(pofile, "PIECE_BYTES", 4 << 10)
    calls = []
    real = pofile._read_in_pieces
    monkeypatch.setattr(pofile, "_read_in_pieces", lambda *a, **k: calls.append(real(*a, **k)) or calls[-1])
    pieces = pofile.read_po(data, path)
    assert pofile.header_charset(data) == "UTF-8"  # (the corpus's charsets; other ones are read whole)
    assert calls and calls[0] is not None and len(pofile.piece_ends(data, 4 << 10)) > 10
    assert entry_facts(pieces) == entry_facts(whole)
