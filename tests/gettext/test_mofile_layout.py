"""``build_mo`` on purpose-made catalogues: each layout case byte for byte against ``msgfmt``."""

from __future__ import annotations

import gettext
import io
import random
import struct
from pathlib import Path

import pytest
from po_corpus import needs_msgfmt, read_po, run_msgfmt

from i18nprofiles.errors import CatalogError
from i18nprofiles.gettext.mofile import (
    build_mo,
    hash_string,
    hash_strings,
    header_translation,
    next_prime,
)

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\\n"
"POT-Creation-Date: 2024-01-02 03:04+0000\\n"
"PO-Revision-Date: 2024-01-03 03:04+0000\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset={charset}\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
'''

CASES = {
    "header only": "",
    "one entry": 'msgid "a"\nmsgstr "b"\n',
    "two entries (table of 5, not 3)": 'msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgstr "d"\n',
    "context, empty context and none": (
        'msgctxt "menu"\nmsgid "Open"\nmsgstr "Ouvrir"\n\n'
        'msgctxt ""\nmsgid "Open"\nmsgstr "Ouvre"\n\n'
        'msgid "Open"\nmsgstr "Ouvrez"\n'
    ),
    "plurals, one form left empty": (
        'msgid "file"\nmsgid_plural "files"\nmsgstr[0] "fichier"\nmsgstr[1] "fichiers"\n\n'
        'msgid "dir"\nmsgid_plural "dirs"\nmsgstr[0] "dossier"\nmsgstr[1] ""\n\n'
        'msgid "link"\nmsgid_plural "links"\nmsgstr[0] ""\nmsgstr[1] "liens"\n'
    ),
    "fuzzy, untranslated and obsolete left out": (
        '#, fuzzy\nmsgid "f"\nmsgstr "F"\n\nmsgid "u"\nmsgstr ""\n\n#~ msgid "o"\n#~ msgstr "O"\n'
    ),
    "system-dependent: msgid, context, plural": (
        '#, c-format\nmsgid "%<PRIuMAX> objects"\nmsgstr "%<PRIuMAX> objets"\n\n'
        '#, c-format\nmsgctxt "count"\nmsgid "%<PRId64> of %<PRIu32>"\nmsgstr "%<PRId64> sur %<PRIu32>"\n\n'
        '#, c-format\nmsgid "%<PRIuMAX> file"\nmsgid_plural "%<PRIuMAX> files"\n'
        'msgstr[0] "%<PRIuMAX> fichier"\nmsgstr[1] "%<PRIuMAX> fichiers"\n\n'
        '#, c-format\nmsgid "plain %d"\nmsgstr "simple %d"\n'
    ),
    "system-dependent in the translation only, and the I flag (revision 1.1)": (
        '#, c-format\nmsgid "%d items"\nmsgstr "%Id articles"\n\n'
        '#, c-format\nmsgid "%s size"\nmsgstr "%s taille %<PRIx64>"\n'
    ),
    "not system-dependent: no c-format, invalid, other language": (
        'msgid "%<PRIuMAX> no flag"\nmsgstr "%<PRIuMAX> sans"\n\n'
        '#, no-c-format\nmsgid "%<PRIuMAX> negated"\nmsgstr "%<PRIuMAX> nie"\n\n'
        '#, c-format\nmsgid "%<PRIfoo> bad"\nmsgstr "%<PRIfoo> mauvais"\n\n'
        '#, python-format\nmsgid "%<PRIuMAX> python"\nmsgstr "%<PRIuMAX> python"\n\n'
        '#, possible-c-format\nmsgid "%<PRIuMAX> possible"\nmsgstr "%<PRIuMAX> possible"\n'
    ),
    "sorting is by bytes": 'msgid "Zebra"\nmsgstr "z"\n\nmsgid "apple"\nmsgstr "a"\n\nmsgid "été"\nmsgstr "e"\n',
}


def write_po(folder: Path, body: str, charset: str = "UTF-8", header: str = HEADER) -> Path:
    path = folder / "case.po"
    path.write_bytes((header.format(charset=charset) + "\n" + body).encode(charset))
    return path


@needs_msgfmt
@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("charset", ["UTF-8", "ISO-8859-1"])
def test_bytes_equal_msgfmt(name: str, charset: str, tmp_path: Path) -> None:
    po = write_po(tmp_path, CASES[name], charset)
    assert run_msgfmt(po, tmp_path / "msgfmt.mo").returncode == 0
    assert build_mo(read_po(po)) == (tmp_path / "msgfmt.mo").read_bytes()


@needs_msgfmt
def test_system_dependent_tables(tmp_path: Path) -> None:
    """The file has revision 0.1 or 1.1, the segments named without angle brackets."""
    data = build_mo(read_po(write_po(tmp_path, CASES["system-dependent: msgid, context, plural"])))
    fields = struct.unpack_from("<12I", data)
    assert fields[1] == 1  # revision 0.1
    segments = [struct.unpack_from("<2I", data, fields[8] + 8 * i) for i in range(fields[7])]
    assert [data[offset:offset + length] for length, offset in segments] == [b"PRIuMAX\0", b"PRId64\0", b"PRIu32\0"]
    assert fields[9] == 3  # the three messages with macros; "plain %d" is a plain one
    case = CASES["system-dependent in the translation only, and the I flag (revision 1.1)"]
    i_flag = build_mo(read_po(write_po(tmp_path, case)))
    assert struct.unpack_from("<2I", i_flag)[1] == (1 << 16) + 1


@needs_msgfmt
def test_fuzzy_header_kept_and_pot_creation_date_dropped(tmp_path: Path) -> None:
    po = write_po(tmp_path, CASES["one entry"], header=HEADER.replace('msgid ""', '#, fuzzy\nmsgid ""', 1))
    assert run_msgfmt(po, tmp_path / "msgfmt.mo").returncode == 0
    ours = build_mo(read_po(po))
    assert ours == (tmp_path / "msgfmt.mo").read_bytes()
    info = gettext.GNUTranslations(io.BytesIO(ours)).info()
    assert "pot-creation-date" not in info and info["project-id-version"] == "demo 1.0"


def test_use_fuzzy_header(tmp_path: Path) -> None:
    po = write_po(tmp_path, '#, fuzzy\nmsgid "f"\nmsgstr "F"\n')
    data = build_mo(read_po(po), use_fuzzy=True)
    translations = gettext.GNUTranslations(io.BytesIO(data))
    assert translations.gettext("f") == "F"
    assert translations.info()["x-use-fuzzy"] == "yes"
    assert gettext.GNUTranslations(io.BytesIO(build_mo(read_po(po)))).gettext("f") == "f"
    assert header_translation("A: 1\nX-Use-Fuzzy: yes\n", False) == "A: 1\n"
    assert header_translation("A: 1", True) == "A: 1\nX-Use-Fuzzy: yes\n"
    assert header_translation(None, True) == "X-Use-Fuzzy: yes\n"
    twice = "POT-Creation-Date: x\nB: 2\nPOT-Creation-Date: y\n"
    assert header_translation(twice, False) == "B: 2\nPOT-Creation-Date: y\n"  # msgfmt drops the first


@needs_msgfmt
def test_non_utf8_header_fails_in_python_for_both(tmp_path: Path) -> None:
    """Python's gettext decodes the header as UTF-8: a Latin-1 one fails to load, msgfmt's file as ours."""
    header = HEADER.replace("demo 1.0", "démo 1.0")
    po = write_po(tmp_path, CASES["one entry"], "ISO-8859-1", header)
    assert run_msgfmt(po, tmp_path / "msgfmt.mo").returncode == 0
    ours = build_mo(read_po(po))
    assert ours == (tmp_path / "msgfmt.mo").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gettext.GNUTranslations(io.BytesIO(ours))


@needs_msgfmt
def test_charset_placeholder_is_read_and_written_as_utf8(tmp_path: Path) -> None:
    """A template's ``charset=CHARSET``: the strings were read as UTF-8 and are written back as such."""
    po = write_po(tmp_path, 'msgid "été"\nmsgstr "summer ☀"\n', charset="UTF-8")
    po.write_bytes(po.read_bytes().replace(b"charset=UTF-8", b"charset=CHARSET"))
    assert run_msgfmt(po, tmp_path / "msgfmt.mo").returncode == 0
    data = build_mo(read_po(po))
    assert data == (tmp_path / "msgfmt.mo").read_bytes()
    assert "summer ☀".encode() in data


def test_unencodable_and_duplicate_entries(tmp_path: Path) -> None:
    catalog = read_po(write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n', "ISO-8859-1"))
    catalog[0].msgstr = "snowman ☃"
    with pytest.raises(CatalogError, match="cannot be written in iso8859-1"):
        build_mo(catalog)
    catalog = read_po(write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n'))
    duplicate = type(catalog[0])(msgid="a", msgstr="c")
    duplicate.linenum = 99
    catalog.append(duplicate)
    with pytest.raises(CatalogError, match="duplicate message definition") as error:
        build_mo(catalog)
    assert error.value.line == 99
    catalog[1].msgid = "menu\x04a"  # msgfmt refuses EOT in a string: it would look like a context
    with pytest.raises(CatalogError, match="context separator <EOT> within string"):
        build_mo(catalog)


def test_hash_strings_equals_hash_string() -> None:
    rng = random.Random(1309)
    keys = [bytes(rng.randrange(1, 256) for _ in range(rng.choice([0, 1, 5, 7, 8, 40, 300]))) for _ in range(3000)]
    keys += [b"\xff" * 64, b"\x01" * 9, b"menu\x04Open"]
    assert hash_strings(keys, group=97) == [hash_string(key) for key in keys]
    assert hash_string(b"") == 0 and hash_string(b"a") == 97


def test_next_prime_as_gettext() -> None:
    """gettext's test calls 3 composite (it is meant for odd numbers from 10): 2 messages get a table of 5."""
    assert [next_prime(seed) for seed in (0, 1, 2, 3, 4, 9, 10, 24, 25, 1000)] == [1, 1, 5, 5, 5, 11, 11, 29, 29, 1009]


def test_unknown_charset(tmp_path: Path) -> None:
    catalog = read_po(write_po(tmp_path, 'msgid "a"\nmsgstr "b"\n'))
    catalog.metadata["Content-Type"] = "text/plain; charset=NO-SUCH-CHARSET"
    with pytest.raises(CatalogError, match="unknown charset 'NO-SUCH-CHARSET'"):
        build_mo(catalog)
