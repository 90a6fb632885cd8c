"""The PO writer: GNU layout, exact round trips through polib, Babel and GNU gettext."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po

from i18nprofiles.gettext.pofile import catalog_text, parse_catalog, read_catalog, write_catalog
from i18nprofiles.errors import CatalogError

from conftest import needs_gettext

TRICKY = [
    "plain",
    "",
    'quotes "inside" and a back\\slash',
    "tab\there",
    "line one\nline two\n",
    "\nleading break",
    "trailing spaces   ",
    "narrow\u202fno-break\u00a0spaces : ; ! ?",
    "100 % bio and 50 %s and %(name)s",
    "a very long paragraph " * 12,
    "averyveryverylongwordwithoutanyspacethatcannotbebrokenanywhereatallbecauseithasnospaces",
]


def make_catalog() -> polib.POFile:
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es",
                        "Plural-Forms": "nplurals=2; plural=(n != 1);", "X-Custom": "kept"}
    for index, text in enumerate(TRICKY[:1] + TRICKY[2:]):
        catalog.append(polib.POEntry(msgid=text, msgstr=text.upper(), occurrences=[("p/a b.md", str(index + 1))],
                                     comment="a: paragraph", tcomment="translator note"))
    fuzzy = polib.POEntry(msgid="new text", msgstr="texto", flags=["fuzzy"], previous_msgid=TRICKY[9])
    catalog.append(fuzzy)
    catalog.append(polib.POEntry(msgid="one file", msgid_plural="%(n)s files",
                                 msgstr_plural={0: "un fichero", 1: "%(n)s ficheros"}, flags=["python-format"]))
    catalog.append(polib.POEntry(msgid="gone", msgstr="ido", obsolete=True))
    return catalog


def test_round_trip_through_polib_is_exact() -> None:
    catalog = make_catalog()
    text = catalog_text(catalog)
    again = parse_catalog(text.encode("utf-8"), "x.po")
    assert [(e.msgid, e.msgstr, e.flags, e.obsolete, e.previous_msgid, e.msgstr_plural) for e in again] == [
        (e.msgid, e.msgstr, e.flags, e.obsolete, e.previous_msgid, e.msgstr_plural) for e in catalog
    ]
    assert again.metadata == catalog.metadata
    assert catalog_text(again) == text  # writing what we read gives the same bytes


def test_babel_reads_the_same_messages() -> None:
    catalog = make_catalog()
    babel = read_po(io.BytesIO(catalog_text(catalog).encode("utf-8")))
    ours = {e.msgid: e.msgstr for e in catalog if not e.obsolete and not e.msgid_plural}
    theirs = {m.id: m.string for m in babel if m.id and not m.pluralizable}
    assert theirs == ours
    assert set(babel.obsolete) == {"gone"}


@pytest.mark.parametrize("width", [76, 40, 0])
def test_wrapping_respects_width_and_never_breaks_at_no_break_spaces(width: int) -> None:
    text = "Une phrase assez longue\u202f: elle doit être coupée «\u00a0proprement\u00a0» aux espaces ordinaires. " * 3
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid=text, msgstr=""))
    written = catalog_text(catalog, width=width, omit_header=True).split("\n")
    lines = written[: written.index('msgstr ""')]
    if width:
        assert all(len(line) <= width for line in lines)
        assert len(lines) > 2 and lines[0] == 'msgid ""'
    else:
        assert len(lines) == 1
    joined = "".join(line.split('"', 1)[1].rsplit('"', 1)[0] for line in lines)
    assert joined == text
    assert all(not line.startswith('"\u202f') and not line.startswith('"\u00a0') for line in lines)


@needs_gettext
def test_gnu_gettext_accepts_and_reads_back(tmp_path: Path) -> None:
    catalog = make_catalog()
    path = tmp_path / "es.po"
    write_catalog(path, catalog)
    subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "es.mo"), str(path)], check=True, capture_output=True)
    # msgcat re-reads and re-writes: the messages must not change
    out = subprocess.run(["msgcat", "--no-wrap", str(path)], check=True, capture_output=True, text=True).stdout
    again = polib.pofile(out)
    assert {e.msgid: e.msgstr for e in again} == {e.msgid: e.msgstr for e in catalog}


def test_write_catalog_writes_nothing_when_only_the_date_changes(tmp_path: Path) -> None:
    catalog = make_catalog()
    catalog.metadata["POT-Creation-Date"] = "2024-01-01 00:00+0000"
    path = tmp_path / "x.pot"
    assert write_catalog(path, catalog) is True
    before = path.stat().st_mtime_ns
    catalog.metadata["POT-Creation-Date"] = "2025-01-01 00:00+0000"
    assert write_catalog(path, catalog) is False
    assert path.stat().st_mtime_ns == before
    catalog[0].msgstr = "changed"
    assert write_catalog(path, catalog) is True


def test_broken_catalogue_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.po"
    path.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\nthis is not po\n')
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.line == 7
    assert str(info.value).startswith(f"{path}:7: ")


def test_duplicate_msgid_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n')
    with pytest.raises(CatalogError, match="duplicate message definition"):
        read_catalog(path)


def test_non_utf8_catalogue_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(CatalogError) as info:
        read_catalog(path)
    assert info.value.line == 5


def test_same_but_date_ignores_only_the_template_date() -> None:
    from i18nprofiles.gettext.pofile import same_but_date

    header = b'msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"POT-Creation-Date: %s\\n"\n'
    body = b'\nmsgid "a"\nmsgstr ""\n\nmsgid "POT-Creation-Date: kept"\nmsgstr ""\n'
    one, other = header % b"2024-01-01 10:00+0000" + body, header % b"2026-11-26 16:00+0000" + body
    assert same_but_date(one, other)
    assert not same_but_date(one, one.replace(b'"a"', b'"b"'))
    assert not same_but_date(one.replace(b"kept", b"changed"), one)  # only the header's date is ignored
    assert same_but_date(header % b"1", header % b"2")  # a header with nothing after it
