"""prefill never overwrites what it did not write: a translator who saves a catalogue while it runs keeps every
edit, and the machine translations go only where entries are still empty."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from test_prefill_libre import make_project, po_path, run

import i18nprofiles.commands.prefill as prefill_module
from i18nprofiles.errors import CatalogError
from prefill.server import LibreServer, fake_translate


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")
    monkeypatch.delenv("I18NPROFILES_LIBRE_KEY", raising=False)
    return make_project(tmp_path / "project", locales=("es",))


def translator_saves(path: Path) -> None:
    """What a translator's editor does meanwhile: translate an empty entry, reword a reviewed one, save (polib's
    own layout, as another tool would write it)."""
    catalog = polib.pofile(str(path))
    next(e for e in catalog if e.msgid == "Commerce équitable").msgstr = "Comercio justo (Ana)"
    next(e for e in catalog if e.msgid == "Coordinatrice de projets").msgstr = "Coordinadora de proyectos (revisado)"
    catalog.save(str(path))


def entries(path: Path) -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


def test_an_edit_saved_while_prefill_runs_is_kept(project: Path) -> None:
    path = po_path(project)
    saved = []

    def progress(*args: object) -> None:
        if not saved and args[-2]:  # (step,) done, total: after the first answer, before the save that follows
            translator_saves(path)
            saved.append(True)

    with LibreServer(latency=0.05) as server:
        result = run(project, server, progress=progress, save_every=0.0)
    found = entries(path)
    assert found["Commerce équitable"].msgstr == "Comercio justo (Ana)"
    assert not found["Commerce équitable"].fuzzy and not found["Commerce équitable"].tcomment
    assert found["Coordinatrice de projets"].msgstr == "Coordinadora de proyectos (revisado)"
    machine = [e for e in found.values() if e.tcomment.startswith("machine pre-fill")]
    assert machine and all(e.fuzzy and "es: " in e.msgstr for e in machine)
    assert "Commerce équitable" not in {e.msgid for e in machine}
    assert result.reports[0].filled == len(machine) and result.reports[0].written


def test_a_save_that_meets_a_change_before_its_rename_starts_again(project: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = po_path(project)
    original = prefill_module.stage_file
    calls = []

    def stage_then_translator_saves(target: Path, data: bytes) -> Path:
        temp = original(target, data)
        if not calls:
            translator_saves(path)  # between this run's read of the file and its rename
        calls.append(target)
        return temp

    monkeypatch.setattr(prefill_module, "stage_file", stage_then_translator_saves)
    with LibreServer() as server:
        run(project, server)
    assert len(calls) >= 2
    found = entries(path)
    assert found["Commerce équitable"].msgstr == "Comercio justo (Ana)"
    assert found["Coordinatrice de projets"].msgstr == "Coordinadora de proyectos (revisado)"
    elle = next(e for e in found.values() if e.msgid.startswith("Elle"))
    assert elle.fuzzy and elle.msgstr.startswith("es: ")
    assert not list(path.parent.glob(".*.tmp"))


def test_a_catalogue_saved_broken_meanwhile_stops_the_run_and_stays_as_saved(project: Path) -> None:
    path = po_path(project)
    broken = b'msgid "Un"\nmsgstr "Uno"\n\nmsgid "Un"\nmsgstr "Una"\n'  # the same msgid twice

    def progress(*_: object) -> None:
        path.write_bytes(broken)

    with LibreServer() as server, pytest.raises(CatalogError) as failure:
        run(project, server, progress=progress, save_every=0.0)
    assert failure.value.path == str(path) and failure.value.line
    assert path.read_bytes() == broken


def test_answers_not_kept_in_an_unwritable_cache_only_cost_a_warning(project: Path) -> None:
    (project / ".cache").write_text("a file where the cache folder goes")
    with LibreServer() as server:
        result = run(project, server)
    assert result.warnings and "machine translations not kept in the cache" in result.warnings[0]
    assert entries(po_path(project))["Commerce équitable"].msgstr == fake_translate("Commerce équitable", "es")
