"""compile patches a .mo from what update changed: always the bytes of a full compile, on real files."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import astuple
from pathlib import Path

import polib
import pytest

from i18nprofiles.cache import digest_file
from i18nprofiles.catalog import read_catalog, write_catalog
from i18nprofiles.changes import CatalogChange, diff_catalogs
from i18nprofiles.compile import compile_catalogs, compile_patched, count_entries
from i18nprofiles.config import Config, load_config

HEADER = {
    "Project-Id-Version": "delta 1.0",
    "POT-Creation-Date": "2024-03-18 09:30+0000",
    "PO-Revision-Date": "2024-03-19 10:00+0000",
    "Last-Translator": "Ana <ana@example.org>",
    "Language-Team": "Spanish <es@example.org>",
    "Language": "es",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def base_catalog() -> polib.POFile:
    """A Spanish catalogue with an entry of every kind compile cares about."""
    catalog = polib.POFile()
    catalog.metadata = dict(HEADER)
    catalog.extend([
        polib.POEntry(msgid="Bonjour", msgstr="Hola", occurrences=[("profiles/ana.md", "3")]),
        polib.POEntry(msgid="Au revoir", msgstr="Adiós", flags=["fuzzy"]),
        polib.POEntry(msgid="Merci", msgstr=""),
        polib.POEntry(msgid="Année", msgstr="Año"),
        polib.POEntry(msgid="Zèbre", msgstr="Cebra"),
        polib.POEntry(msgid="un fichier", msgid_plural="%d fichiers",
                      msgstr_plural={0: "un archivo", 1: "%d archivos"}),
        polib.POEntry(msgctxt="menu", msgid="Ouvrir", msgstr="Abrir"),
        polib.POEntry(msgid="Ancien", msgstr="Antiguo", obsolete=True),
    ])
    return catalog


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """A project with one compiled Spanish catalogue (and its compile memo)."""
    (tmp_path / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es"]\n', encoding="utf-8")
    project = load_config(tmp_path)
    write_catalog(po_path(project), base_catalog(), cache=project.cache_dir)
    return project


def po_path(config: Config) -> Path:
    return config.locales_dir / "es" / "LC_MESSAGES" / "profiles.po"


def change_catalog(config: Config, edit: Callable[[polib.POFile], object]) -> CatalogChange:
    """Edit the catalogue in memory and write it, as update does; the change it describes."""
    path = po_path(config)
    before = digest_file(path)
    old, new = read_catalog(path), read_catalog(path)
    edit(new)
    write_catalog(path, new, cache=config.cache_dir)
    return diff_catalogs(old, new, path, before, digest_file(path) or "")


def full_compile(config: Config, tmp_path: Path, use_fuzzy: bool) -> bytes:
    """The .mo that compiling the whole catalogue gives, written elsewhere."""
    out = tmp_path / "full" / "profiles.mo"
    out.parent.mkdir(exist_ok=True)
    compile_catalogs(config, locales=["es"], output=out, use_fuzzy=use_fuzzy, force=True)
    return out.read_bytes()


def patch(config: Config, change: CatalogChange, use_fuzzy: bool) -> bytes | None:
    """The .mo that patching gives, or None when it refuses (nothing is written)."""
    path = po_path(config)
    patched = compile_patched(config.cache_dir, path, path.with_suffix(".mo"), change, digest_file(path), use_fuzzy)
    return patched.data if patched is not None else None


def files_with_times(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under a folder with its bytes and modification time."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_reads_back(mo: Path, catalog: polib.POFile, use_fuzzy: bool) -> None:
    """GNU gettext's reader finds in the .mo what the catalogue says should be published."""
    with mo.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    for entry in catalog:
        if entry.obsolete:
            continue
        published = not entry.fuzzy or use_fuzzy
        if entry.msgid_plural:
            forms = entry.msgstr_plural
            wanted = forms[1] if published and forms and all(forms.values()) else entry.msgid_plural
            assert translations.ngettext(entry.msgid, entry.msgid_plural, 2) == wanted
        elif entry.msgctxt is not None:
            wanted = entry.msgstr if published and entry.msgstr else entry.msgid
            assert translations.pgettext(entry.msgctxt, entry.msgid) == wanted
        else:
            assert translations.gettext(entry.msgid) == (entry.msgstr if published and entry.msgstr else entry.msgid)


def assert_msgfmt_accepts(po: Path) -> None:
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(po)], check=True, capture_output=True)


def find(catalog: polib.POFile, msgid: str, msgctxt: str | None = None) -> polib.POEntry:
    return next(e for e in catalog if e.msgid == msgid and e.msgctxt == msgctxt)


def make_fuzzy(entry: polib.POEntry) -> None:
    entry.flags.append("fuzzy")


def set_field(entry: polib.POEntry, name: str, value: object) -> None:
    setattr(entry, name, value)


EDITS: dict[str, Callable[[polib.POFile], object]] = {
    "new translated entry": lambda c: c.append(polib.POEntry(msgid="Nouveau", msgstr="Nuevo")),
    "new untranslated entry": lambda c: c.append(polib.POEntry(msgid="Vide", msgstr="")),
    "new fuzzy entry": lambda c: c.append(polib.POEntry(msgid="Peut-être", msgstr="Quizás", flags=["fuzzy"])),
    "msgstr edited": lambda c: set_field(find(c, "Bonjour"), "msgstr", "Buenos días"),
    "msgstr cleared": lambda c: set_field(find(c, "Bonjour"), "msgstr", ""),
    "entry translated": lambda c: set_field(find(c, "Merci"), "msgstr", "Gracias"),
    "entry made fuzzy": lambda c: make_fuzzy(find(c, "Bonjour")),
    "entry unfuzzied": lambda c: find(c, "Au revoir").flags.remove("fuzzy"),
    "entry made obsolete": lambda c: set_field(find(c, "Zèbre"), "obsolete", True),
    "obsolete entry revived": lambda c: set_field(find(c, "Ancien"), "obsolete", False),
    "entry removed": lambda c: c.remove(find(c, "Année")),
    "obsolete entry removed": lambda c: c.remove(find(c, "Ancien")),
    "first entry removed": lambda c: c.remove(find(c, "Au revoir")),
    "comment only": lambda c: set_field(find(c, "Bonjour"), "tcomment", "a note for the translator"),
    "new plural entry": lambda c: c.append(polib.POEntry(
        msgid="une page", msgid_plural="%d pages", msgstr_plural={0: "una página", 1: "%d páginas"})),
    "plural form edited": lambda c: find(c, "un fichier").msgstr_plural.update({1: "%d ficheros"}),
    "plural form cleared": lambda c: find(c, "un fichier").msgstr_plural.update({1: ""}),
    "new entry with msgctxt": lambda c: c.append(
        polib.POEntry(msgctxt="verbe", msgid="Ouvrir", msgstr="Abrir (verbo)")),
    "msgctxt entry edited": lambda c: set_field(find(c, "Ouvrir", "menu"), "msgstr", "Abre"),
    "msgid sorting before all others": lambda c: c.append(polib.POEntry(msgid="!Attention", msgstr="¡Atención")),
    "msgid sorting after all others": lambda c: c.append(
        polib.POEntry(msgid="\U0001f600 fin", msgstr="\U0001f600 fin")),
    "Plural-Forms expression": lambda c: c.metadata.update({"Plural-Forms": "nplurals=2; plural=(n > 1);"}),
    "other header": lambda c: c.metadata.update({"Language-Team": "Español <es@example.net>"}),
    "header field removed": lambda c: c.metadata.pop("Last-Translator"),
    "POT-Creation-Date with a new entry": lambda c: [
        c.metadata.update({"POT-Creation-Date": "2025-01-01 00:00+0000"}),
        c.append(polib.POEntry(msgid="Oui", msgstr="Sí"))],
    "several at once": lambda c: [
        set_field(find(c, "Bonjour"), "msgstr", "Buenas"), make_fuzzy(find(c, "Année")),
        set_field(find(c, "Ancien"), "obsolete", False), c.remove(find(c, "Zèbre")),
        c.append(polib.POEntry(msgid="Aa", msgstr="Bb")), c.append(polib.POEntry(msgid="Zz", msgstr="Yy")),
        c.metadata.update({"Language-Team": "Equipo"}),
    ],
}


@pytest.mark.parametrize("use_fuzzy", [False, True], ids=["no-fuzzy", "use-fuzzy"])
@pytest.mark.parametrize("name", list(EDITS))
def test_patched_mo_is_the_full_compile(config: Config, tmp_path: Path, name: str, use_fuzzy: bool) -> None:
    compile_catalogs(config, use_fuzzy=use_fuzzy)
    change = change_catalog(config, EDITS[name])
    po = po_path(config)
    expected = full_compile(config, tmp_path, use_fuzzy)
    assert patch(config, change, use_fuzzy) == expected
    [result] = compile_catalogs(config, use_fuzzy=use_fuzzy, changes={"es": change})
    assert po.with_suffix(".mo").read_bytes() == expected
    assert not result.problems and not result.skipped
    assert result.statistics == count_entries(read_catalog(po))
    assert_reads_back(po.with_suffix(".mo"), read_catalog(po), use_fuzzy)
    assert_msgfmt_accepts(po)


def test_each_change_patches_the_last_patched_mo(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config)
    for name in ("new translated entry", "msgstr edited", "entry made obsolete", "obsolete entry revived"):
        change = change_catalog(config, EDITS[name])
        assert patch(config, change, False) == full_compile(config, tmp_path, False), name
        compile_catalogs(config, changes={"es": change})
        assert po_path(config).with_suffix(".mo").read_bytes() == full_compile(config, tmp_path, False)


def test_statistics_of_a_patched_compile_count_the_new_catalogue(config: Config) -> None:
    compile_catalogs(config)
    change = change_catalog(config, EDITS["several at once"])
    [result] = compile_catalogs(config, statistics=True, changes={"es": change})
    assert result.statistics == count_entries(read_catalog(po_path(config)))
    assert astuple(result.statistics) == (6, 2, 1, 0)  # Ancien revived, Zèbre removed, Année fuzzy, Aa and Zz new


def test_rerun_after_a_patched_compile_writes_nothing(config: Config) -> None:
    compile_catalogs(config)
    change = change_catalog(config, EDITS["msgstr edited"])
    compile_catalogs(config, changes={"es": change})
    files = files_with_times(config.root)
    assert compile_catalogs(config, changes={"es": change})[0].skipped
    assert compile_catalogs(config)[0].skipped
    assert files_with_times(config.root) == files


def test_mo_remembered_as_compiled_from_the_same_po_is_up_to_date(config: Config) -> None:
    compile_catalogs(config)
    po = po_path(config)
    later = po.with_suffix(".mo").stat().st_mtime_ns + 10**9
    os.utime(po, ns=(later, later))  # newer than the .mo, same bytes
    files = files_with_times(config.root)
    [result] = compile_catalogs(config)
    assert result.skipped and files_with_times(config.root) == files
    assert not compile_catalogs(config, use_fuzzy=True)[0].skipped  # not with another fuzzy policy


def test_tampered_mo_is_compiled_in_full(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config)
    mo = po_path(config).with_suffix(".mo")
    mo.write_bytes(mo.read_bytes().replace(b"Cebra", b"Cebro"))
    change = change_catalog(config, EDITS["msgstr edited"])
    assert patch(config, change, False) is None
    compile_catalogs(config, changes={"es": change})
    assert mo.read_bytes() == full_compile(config, tmp_path, False)
    assert b"Cebra" in mo.read_bytes()


def test_po_edited_after_the_change_is_compiled_in_full(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config)
    change = change_catalog(config, EDITS["msgstr edited"])
    change_catalog(config, EDITS["entry translated"])  # by hand, after update
    assert patch(config, change, False) is None
    compile_catalogs(config, changes={"es": change})
    mo = po_path(config).with_suffix(".mo")
    assert mo.read_bytes() == full_compile(config, tmp_path, False)
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Merci") == "Gracias"


def test_no_memo_or_another_fuzzy_policy_compiles_in_full(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config)
    change = change_catalog(config, EDITS["entry unfuzzied"])
    assert patch(config, change, True) is None  # the .mo was compiled without fuzzy entries
    shutil.rmtree(config.cache_dir)
    assert patch(config, change, False) is None
    compile_catalogs(config, changes={"es": change})
    assert po_path(config).with_suffix(".mo").read_bytes() == full_compile(config, tmp_path, False)


def test_change_in_the_number_of_plural_forms_checks_every_entry(config: Config) -> None:
    compile_catalogs(config)
    mo = po_path(config).with_suffix(".mo")
    before = mo.read_bytes()
    change = change_catalog(config, lambda c: c.metadata.update({"Plural-Forms": "nplurals=1; plural=0;"}))
    assert patch(config, change, False) is None
    [result] = compile_catalogs(config, changes={"es": change})
    line = find(read_catalog(po_path(config)), "un fichier").linenum
    assert [(p.line, p.message) for p in result.problems] == [(line, "2 plural forms, the header says 1")]
    assert mo.read_bytes() == before


def test_problem_in_a_changed_entry_is_reported_at_its_line(config: Config) -> None:
    compile_catalogs(config)
    mo = po_path(config).with_suffix(".mo")
    before = mo.read_bytes()
    change = change_catalog(config, lambda c: c.append(polib.POEntry(msgid="Fin", msgstr="Fin\n")))
    assert patch(config, change, False) is None
    [result] = compile_catalogs(config, changes={"es": change})
    line = find(read_catalog(po_path(config)), "Fin").linenum
    assert line > 1
    assert [(p.path, p.line, p.message) for p in result.problems] == [
        (po_path(config), line, "msgid and msgstr differ in a trailing line break")]
    assert not result.written and mo.read_bytes() == before


def test_two_entries_with_the_same_original_are_compiled_in_full(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config)
    change = change_catalog(config, lambda c: c.extend([
        polib.POEntry(msgctxt="a", msgid="b", msgstr="uno"), polib.POEntry(msgid="a\x04b", msgstr="dos")]))
    assert patch(config, change, False) is None  # both are a\x04b in a .mo: only a full compile orders them
    compile_catalogs(config, changes={"es": change})
    assert po_path(config).with_suffix(".mo").read_bytes() == full_compile(config, tmp_path, False)


def test_a_mo_found_current_without_a_memo_gets_one_and_is_patched_next(config: Config, tmp_path: Path) -> None:
    compile_catalogs(config, locales=["es"])
    shutil.rmtree(config.cache_dir)  # as after an upgrade: no memo, the .mo newer than the .po
    assert compile_catalogs(config, locales=["es"])[0].skipped
    change = change_catalog(config, lambda catalog: setattr(catalog[0], "msgstr", "Otra cosa"))
    assert patch(config, change, use_fuzzy=False) == full_compile(config, tmp_path, use_fuzzy=False)
    result = compile_catalogs(config, locales=["es"], changes={"es": change})[0]
    assert result.written and result.statistics is None  # patched: the memo had no statistics to carry


@pytest.mark.parametrize("use_fuzzy", [False, True])
def test_the_header_of_a_mo_is_read_alone(config: Config, tmp_path: Path, use_fuzzy: bool) -> None:
    from i18nprofiles.compile import FUZZY_HEADER, read_mo_header

    compile_catalogs(config, locales=["es"], use_fuzzy=use_fuzzy)
    mo = po_path(config).with_suffix(".mo")
    with mo.open("rb") as handle:
        expected = gettext.GNUTranslations(handle).info()
    header = read_mo_header(mo)
    assert header is not None and (f"{FUZZY_HEADER}: yes" in header.splitlines()) == use_fuzzy
    assert {k.lower(): v for k, v in (line.split(": ", 1) for line in header.splitlines() if line)} == expected
    (tmp_path / "broken.mo").write_bytes(b"\x00" * 10)
    assert read_mo_header(tmp_path / "broken.mo") is None
