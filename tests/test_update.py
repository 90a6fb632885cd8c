"""init / update / compile through the command line, on real files."""

from __future__ import annotations

import gettext
import re
import subprocess
from pathlib import Path

import polib
import pytest

from i18nprofiles.gettext.pofile import read_catalog, write_catalog

from conftest import needs_gettext, snapshot

PARAGRAPH = ("La coopérative rassemble cent vingt familles de producteurs de café dans la vallée, "
             "qui vendent ensemble leur récolte au marché équitable.")
EDITED = PARAGRAPH.replace("dans la vallée", "dans la haute vallée")
RESTORED = "Un paragraphe qui sera supprimé puis restauré plus tard."


def write_profile(root: Path, *paragraphs: str, tags: str = '["100 % bio"]') -> None:
    body = "\n\n".join(paragraphs)
    (root / "profiles").mkdir(exist_ok=True)
    (root / "profiles" / "ana.md").write_text(f"---\nname: Ana\ntags: {tags}\n---\n{body}\n", encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es"]\n')
    write_profile(tmp_path, PARAGRAPH, RESTORED)
    return tmp_path


def translate(po_path: Path, translations: dict[str, str]) -> None:
    catalog = polib.pofile(str(po_path))
    for entry in catalog:
        if entry.msgid in translations:
            entry.msgstr = translations[entry.msgid]
    catalog.save()


def entries(po_path: Path) -> dict[str, polib.POEntry]:
    return {e.msgid: e for e in polib.pofile(str(po_path))}


@pytest.fixture
def translated(project: Path, cli) -> Path:
    assert cli("extract", cwd=project).code == 0
    assert cli("init", "-l", "es", cwd=project).code == 0
    po = project / "locales/es/LC_MESSAGES/profiles.po"
    translate(po, {"100 % bio": "100% organic", PARAGRAPH: "La cooperativa reúne a ciento veinte familias.",
                   RESTORED: "Un párrafo borrado y restaurado."})
    write_catalog(po, read_catalog(po), width=76)  # GNU's layout again (update leaves a current file as it is)
    return po


def test_slight_edit_becomes_fuzzy_with_previous_msgid(project: Path, translated: Path, cli) -> None:
    write_profile(project, EDITED, RESTORED)
    assert cli("extract", cwd=project).code == 0
    result = cli("update", cwd=project)
    assert result.code == 0 and "1 fuzzy" in result.out
    entry = entries(translated)[EDITED]
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPH
    assert entry.msgstr == "La cooperativa reúne a ciento veinte familias."
    assert "#| msgid" in translated.read_text(encoding="utf-8")


def test_removed_then_restored_msgid_gets_its_translation_back(project: Path, translated: Path, cli) -> None:
    write_profile(project, PARAGRAPH)
    cli("extract", cwd=project)
    cli("update", cwd=project)
    gone = [e for e in polib.pofile(str(translated)) if e.obsolete]
    assert [e.msgid for e in gone] == [RESTORED]
    assert "#~ msgid" in translated.read_text(encoding="utf-8")
    write_profile(project, PARAGRAPH, RESTORED)
    cli("extract", cwd=project)
    result = cli("update", cwd=project)
    assert "1 revived" in result.out
    entry = entries(translated)[RESTORED]
    assert entry.msgstr == "Un párrafo borrado y restaurado." and not entry.fuzzy and not entry.obsolete


def test_reverting_an_edit_restores_the_reviewed_translation(project: Path, translated: Path, cli) -> None:
    before = translated.read_bytes()
    write_profile(project, EDITED, RESTORED)
    cli("extract", cwd=project)
    cli("update", cwd=project)
    write_profile(project, PARAGRAPH, RESTORED)
    cli("extract", cwd=project)
    cli("update", cwd=project)
    entry = entries(translated)[PARAGRAPH]
    assert not entry.fuzzy and entry.msgstr.startswith("La cooperativa")
    def undated(data: bytes) -> bytes:  # the template's date moves on with each extraction
        return re.sub(rb'"POT-Creation-Date: [^"]*"\n', b"", data.split(b"\n#~")[0])

    assert undated(translated.read_bytes()) == undated(before)


def test_unrelated_new_paragraph_is_not_matched(project: Path, translated: Path, cli) -> None:
    other = "Elle enseigne la comptabilité aux jeunes du village chaque samedi matin, avec patience."
    write_profile(project, other, RESTORED)
    cli("extract", cwd=project)
    cli("update", cwd=project)
    entry = entries(translated)[other]
    assert entry.msgstr == "" and not entry.fuzzy


def test_no_fuzzy_matching_and_ignore_obsolete(project: Path, translated: Path, cli) -> None:
    write_profile(project, EDITED)
    cli("extract", cwd=project)
    cli("update", "--no-fuzzy-matching", "--ignore-obsolete", cwd=project)
    catalog = polib.pofile(str(translated))
    assert entries(translated)[EDITED].msgstr == ""
    assert not [e for e in catalog if e.obsolete]


def test_fuzzy_threshold_option_and_setting(project: Path, translated: Path, cli) -> None:
    write_profile(project, EDITED, RESTORED)  # EDITED is 0.98 similar to PARAGRAPH
    cli("extract", cwd=project)
    assert "  fuzzy: profiles/ana.md:5: La coopérative" in cli("update", "--check", cwd=project).out
    result = cli("update", "--check", "--fuzzy-threshold", "0.99", cwd=project)
    assert "  new: profiles/ana.md:5: La coopérative" in result.out and "fuzzy:" not in result.out
    assert "run `i18nprofiles update --fuzzy-threshold 0.99`" in result.err
    config = project / "i18nprofiles.toml"
    config.write_text(config.read_text() + "fuzzy_threshold = 0.99\n")
    assert cli("update", cwd=project).code == 0
    assert entries(translated)[EDITED].msgstr == "" and not entries(translated)[EDITED].fuzzy
    config.write_text(config.read_text().replace("0.99", "1.5"))
    result = cli("update", cwd=project)
    assert result.code == 2 and "error: " in result.err and "fuzzy_threshold" in result.err


def test_update_check_lists_changes_and_writes_nothing(project: Path, translated: Path, cli) -> None:
    assert cli("update", "--check", cwd=project).code == 0
    write_profile(project, EDITED, RESTORED, "Un nouveau paragraphe sur le marché du samedi.")
    cli("extract", cwd=project)
    before = snapshot(project)
    result = cli("update", "--check", cwd=project)
    assert result.code == 1
    assert "locales/es/LC_MESSAGES/profiles.po: out of date" in result.out
    assert "new: profiles/ana.md:9: Un nouveau paragraphe sur le marché du samedi." in result.out
    assert "fuzzy: profiles/ana.md:5: La coopérative rassemble" in result.out
    assert "Traceback" not in result.err
    assert snapshot(project) == before


def test_init_missing_creates_catalogues_of_configured_locales(project: Path, cli) -> None:
    cli("extract", cwd=project)
    result = cli("update", "--init-missing", cwd=project)
    assert result.code == 0
    catalog = polib.pofile(str(project / "locales/es/LC_MESSAGES/profiles.po"))
    assert catalog.metadata["Language"] == "es" and "Plural-Forms" in catalog.metadata
    assert not (project / "locales/fr").exists()  # the source locale needs no catalogue


def test_init_refuses_to_overwrite(project: Path, translated: Path, cli) -> None:
    before = translated.read_bytes()
    result = cli("init", "-l", "es", cwd=project)
    assert result.code == 2 and "already exists" in result.err
    assert translated.read_bytes() == before


def test_rerun_writes_nothing(project: Path, translated: Path, cli) -> None:
    pot = project / "locales/profiles.pot"
    stamps = {p: p.stat().st_mtime_ns for p in (pot, translated)}
    for _ in range(2):
        assert "unchanged" in cli("extract", cwd=project).out
        assert "unchanged" in cli("update", cwd=project).out
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps


def test_source_date_epoch_sets_the_creation_date(project: Path, cli, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710763200")
    cli("extract", cwd=project)
    header = polib.pofile(str(project / "locales/profiles.pot")).metadata
    assert header["POT-Creation-Date"] == "2024-03-18 12:00+0000"


@needs_gettext
def test_hundred_percent_bio_passes_msgfmt_after_translation(project: Path, translated: Path, tmp_path) -> None:
    text = translated.read_text(encoding="utf-8")
    assert 'msgid "100 % bio"\nmsgstr "100% organic"' in text
    assert "python-format" not in text and "python-format" not in (project / "locales/profiles.pot").read_text()
    subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "x.mo"), str(translated)], check=True, capture_output=True)


def test_compile_excludes_fuzzy_unless_asked_and_counts_honestly(project: Path, translated: Path, cli) -> None:
    write_profile(project, EDITED, RESTORED)
    cli("extract", cwd=project)
    cli("update", cwd=project)
    result = cli("compile", "--statistics", cwd=project)
    assert result.code == 0
    assert "2 translated, 1 fuzzy, 0 untranslated" in result.out
    mo = project / "locales/es/LC_MESSAGES/profiles.mo"
    with mo.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    assert catalog.gettext("100 % bio") == "100% organic"
    assert catalog.gettext(EDITED) == EDITED  # fuzzy: not published
    assert cli("compile", cwd=project).out.strip().endswith("up to date")
    cli("compile", "--use-fuzzy", cwd=project)
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext(EDITED).startswith("La cooperativa")
    cli("compile", cwd=project)  # a fuzzy .mo is not "up to date" for a normal compile
    with mo.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext(EDITED) == EDITED


def test_compile_refuses_line_break_mismatch(project: Path, translated: Path, cli) -> None:
    catalog = polib.pofile(str(translated))
    catalog.find("100 % bio").msgstr = "100% organic\n"
    catalog.save()
    result = cli("compile", cwd=project)
    assert result.code == 1
    assert "do not both end with" in result.err  # msgfmt -c's words
    assert not (project / "locales/es/LC_MESSAGES/profiles.mo").exists()


def test_a_bad_catalogue_leaves_every_catalogue_as_it_was(project: Path, translated: Path, cli) -> None:
    assert cli("init", "-l", "en", cwd=project).code == 0
    write_profile(project, EDITED)
    assert cli("extract", cwd=project).code == 0
    translated.write_text(translated.read_text(encoding="utf-8") + '\nmsgid "x"\nnot po at all\n', encoding="utf-8")
    before = snapshot(project)
    result = cli("update", cwd=project)
    assert result.code == 2 and result.err.startswith("error: locales/es/LC_MESSAGES/profiles.po:")
    assert "Traceback" not in result.err
    assert snapshot(project) == before  # en.po, merged fine before es, was not put in place


def test_a_bad_template_is_reported_at_its_line(project: Path, translated: Path, cli) -> None:
    pot = project / "locales/profiles.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + '\nmsgid "x"\nnot po at all\n', encoding="utf-8")
    before = snapshot(project)
    result = cli("update", cwd=project)
    assert result.code == 2 and result.err.startswith("error: locales/profiles.pot:")
    assert "Traceback" not in result.err and snapshot(project) == before
