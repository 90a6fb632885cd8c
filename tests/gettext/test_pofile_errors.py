"""The reader rejects what msgfmt rejects, naming the file and the line; and accepts the tricky files msgfmt accepts."""

from __future__ import annotations

import re
import shutil

import pytest
from gnu import msgfmt

from i18nprofiles.errors import CatalogError
from i18nprofiles.gettext.pofile import read_po, read_po_file

HEADER = b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'  # 4 lines

# (name, body after the header, words of the message, line, whether msgfmt points at the same line)
BAD = [
    ("unterminated msgstr mid-file", b'msgid "a"\nmsgstr "b\n\nmsgid "c"\nmsgstr "d"\n', "end-of-line within string", 6),
    ("unterminated msgid at the end", b'msgid "broken', "end-of-file within string", 5),
    ("entry cut after msgid", b'msgid "a"\n', "missing 'msgstr' section", 5),
    ("invalid escape", b'msgid "a"\nmsgstr "b\\q"\n', "invalid control sequence", 6),
    ("unknown keyword", b'msgid "a"\nmsgstrr "b"\n', 'keyword "msgstrr" unknown', 6),
    ("msgstr[n] without msgid_plural", b'msgid "a"\nmsgstr[0] "b"\n', "missing 'msgid_plural' section", 5),
    ("msgid_plural without msgstr[n]", b'msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', "syntax error", 7),
    ("plural forms out of order", b'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "b"\nmsgstr[2] "c"\n',
     "plural form has wrong index", 8),
    ("first plural form not 0", b'msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', "first plural form has nonzero index", 7),
    ("duplicate entry", b'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', "duplicate message definition", 8),
    ("duplicate with context", b'msgctxt "x"\nmsgid "a"\nmsgstr "b"\n\nmsgctxt "x"\nmsgid "a"\nmsgstr "c"\n',
     "duplicate message definition", 10),
    ("duplicate obsolete entry", b'#~ msgid "a"\n#~ msgstr "b"\n\n#~ msgid "a"\n#~ msgstr "c"\n',
     "duplicate message definition", 8),
    ("comment inside an entry", b'msgid "a"\n# note\nmsgstr "b"\n', "missing 'msgstr' section", 5),
    ("control character outside strings", b'msgid "a"\nmsgstr "b"\n\x01\n', "syntax error", 7),
    ("context separator in a string", b'msgid "a\\004b"\nmsgstr "c"\n', "context separator", 5),
    ("invalid UTF-8 in a msgstr", b'msgid "a"\nmsgstr "\xff"\n', "invalid multibyte sequence", 6),
    ("invalid byte right after #", b'msgid "a"\nmsgstr "b"\n\n#\xff comment\nmsgid "c"\nmsgstr "d"\n',
     "invalid multibyte sequence", 8),
    ("inconsistent #~", b'#~ msgid "a"\nmsgstr "b"\n', "inconsistent use of #~", 6),
    ("leading newline mismatch", b'msgid "\\na"\nmsgstr "b"\n', "begin with '\\n'", 6),
    ("trailing newline mismatch", b'msgid "a\\n"\nmsgid_plural "b\\n"\nmsgstr[0] "c\\n"\nmsgstr[1] "d"\n',
     "end with '\\n'", 7),
    ("previous msgid then msgstr", b'#| msgid "x"\n#| msgstr "y"\nmsgid "a"\nmsgstr "b"\n', 'keyword "msgstr" unknown', 6),
    ("backslash-newline splitting a character", b'msgid "a"\nmsgstr "\xd1\\\n\x82"\n', "invalid multibyte sequence", 6),
    ("msgctxt without msgid", b'msgctxt "x"\nmsgstr "b"\n', "syntax error", 6),
]


@pytest.mark.parametrize(("name", "body", "words", "line"), BAD, ids=[case[0] for case in BAD])
def test_rejected_with_path_and_line(tmp_path, name, body, words, line):
    path = tmp_path / "bad.po"
    path.write_bytes(HEADER + body)
    with pytest.raises(CatalogError) as caught:
        read_po_file(path)
    assert words in caught.value.message
    assert (caught.value.path, caught.value.line) == (str(path), line)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    if shutil.which("msgfmt"):
        gnu = msgfmt(path, tmp_path / "bad.mo")
        assert gnu.returncode != 0, f"msgfmt accepts {name}"
        lines = [int(found) for found in re.findall(rf"{re.escape(str(path))}:(\d+):", gnu.stderr.decode())]
        # GNU reports a string cut by the end of its line on the next line (its lexer has read the newline)
        expected = line + 1 if "end-of-line" in words else line
        assert expected in lines, f"msgfmt points at {lines}, the reader at {line}"


GOOD = [
    ("backslash-newline joins lines", b'msgid "a\\\nb"\nmsgstr "c"\n', {"ab": "c"}),
    ("NUL ends a string", b'msgid "a"\nmsgstr "b\\0c"\n', {"a": "b"}),
    ("hex and octal escapes", b'msgid "a"\nmsgstr "\\x41\\102\\303\\251"\n', {"a": "ABé"}),
    ("strings after blank lines continue", b'msgid "a"\nmsgstr "b"\n\n"c"\n', {"a": "bc"}),
    ("tokens on one line", b'msgid "a" "b" msgstr "c"\n', {"ab": "c"}),
    ("spaces in msgstr [n]", b'msgid "a"\nmsgid_plural "b"\nmsgstr [0] "c"\nmsgstr[ 1 ] "d"\n', {"a": "c"}),
    ("invalid bytes in a comment", b'# caf\xe9\nmsgid "a"\nmsgstr "b"\n', {"a": "b"}),
    ("domain directive ignored", b'domain "other"\nmsgid "a"\nmsgstr "b"\n', {"a": "b"}),
    ("fuzzy untranslated newline mismatch", b'#, fuzzy\nmsgid "a\\n"\nmsgstr "b"\n', {"a\n": "b"}),
]


@pytest.mark.parametrize(("name", "body", "strings"), GOOD, ids=[case[0] for case in GOOD])
def test_accepted_like_msgfmt(tmp_path, name, body, strings):
    path = tmp_path / "good.po"
    path.write_bytes(HEADER + body)
    catalog = read_po_file(path)
    assert {entry.msgid: entry.msgstr or entry.msgstr_plural[0] for entry in catalog} == strings
    if shutil.which("msgfmt"):
        assert msgfmt(path, tmp_path / "good.mo").returncode == 0


DOCUMENTED = [
    ("charset GNU does not know", b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-9\\n"\n', "portable"),
    ("non-UTF-8 bytes without a charset", b'msgid "a"\nmsgstr "caf\xe9"\n', "invalid multibyte sequence"),
    ("escape making an invalid byte", HEADER + b'msgid "a"\nmsgstr "\\351"\n', "made by an escape"),
]


@pytest.mark.parametrize(("name", "data", "words"), DOCUMENTED, ids=[case[0] for case in DOCUMENTED])
def test_documented_differences_with_msgfmt(tmp_path, name, data, words):
    """Files msgfmt accepts (with a warning) but that the reader refuses, as msgcat and msgmerge do."""
    path = tmp_path / "odd.po"
    path.write_bytes(data)
    with pytest.raises(CatalogError, match=words):
        read_po(data, path)
    if shutil.which("msgfmt"):
        assert msgfmt(path, tmp_path / "odd.mo").returncode == 0


def test_string_before_any_keyword(tmp_path):
    path = tmp_path / "floating.po"
    path.write_bytes(b'"floating"\n' + HEADER)
    with pytest.raises(CatalogError, match="syntax error") as caught:
        read_po_file(path)
    assert caught.value.line == 1
    if shutil.which("msgfmt"):
        assert msgfmt(path, tmp_path / "floating.mo").returncode != 0


def test_unreadable_file_names_the_path(tmp_path):
    with pytest.raises(CatalogError, match="cannot read catalogue") as caught:
        read_po_file(tmp_path / "missing.po")
    assert caught.value.path == str(tmp_path / "missing.po")


def test_byte_order_mark_is_skipped():
    catalog = read_po(b"\xef\xbb\xbf" + HEADER + b'msgid "a"\nmsgstr "b"\n', "bom.po")
    assert [entry.msgstr for entry in catalog] == ["b"]


def test_header_is_not_checked_for_bytes_before_its_charset_applies():
    """GNU reads the header itself as bytes: a Latin-1 byte in a UTF-8 header is kept, and written back."""
    data = b'msgid ""\nmsgstr ""\n"Last-Translator: Ren\xe9\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
    catalog = read_po(data, "header.po")
    assert catalog.metadata["Last-Translator"] == "Ren\udce9"
    from i18nprofiles.gettext.pofile import encode_po

    assert encode_po(catalog) == data


def test_compile_checks_can_be_left_to_the_compiler():
    """msgmerge and msgcat accept a newline mismatch that msgfmt rejects: so does ``compile_checks=False``."""
    data = HEADER + b'msgid "\\na"\nmsgstr "b"\n'
    with pytest.raises(CatalogError, match="begin with"):
        read_po(data, "mismatch.po")
    assert [entry.msgstr for entry in read_po(data, "mismatch.po", compile_checks=False)] == ["b"]
