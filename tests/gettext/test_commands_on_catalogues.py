"""update, compile and init on any application's catalogues, outside a project; and every command on a
catalogue it must reject: exit 2 with path:line, and every file as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import copy_example
from i18nprofiles import build_project, load_config
from gnu import CORPUS_DIR, msgfmt, needs_corpus, needs_gettext

BLEACHBIT = CORPUS_DIR / "bleachbit"


def snapshot_tree(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: its bytes and its modification time."""
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def break_string(path: Path) -> int:
    """Drop the closing quote of a translation in the middle of ``path``; the line number broken."""
    lines = path.read_bytes().split(b"\n")
    middle = len(lines) // 2
    number = next(i for i in range(middle, len(lines)) if lines[i].startswith(b'msgstr "') and len(lines[i]) > 10)
    lines[number] = lines[number][:-1]
    path.write_bytes(b"\n".join(lines))
    return number + 1


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder with BleachBit's 6.0 template and its French catalogue laid out as po/fr/LC_MESSAGES, and no
    i18nprofiles configuration anywhere above it."""
    folder = tmp_path / "app"
    (folder / "po" / "fr" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(BLEACHBIT / "bleachbit-v6.0.0.pot", folder / "bleachbit.pot")
    shutil.copy(BLEACHBIT / "fr-v5.0.0.po", folder / "po" / "fr" / "LC_MESSAGES" / "bleachbit.po")
    return folder


@needs_corpus
@needs_gettext
def test_update_and_compile_take_any_catalogue_outside_a_project(outside: Path, cli, tmp_path: Path) -> None:
    update = ("update", "-i", "bleachbit.pot", "-d", "po", "-l", "fr", "-D", "bleachbit")
    result = cli(*update, cwd=outside)
    assert result.code == 0, result.err
    assert "po/fr/LC_MESSAGES/bleachbit.po:" in result.out and "(written: GNU layout, width 76)" in result.out
    assert cli(*update, "--check", cwd=outside).code == 0
    result = cli("compile", "-d", "po", "-l", "fr", "-D", "bleachbit", cwd=outside)
    assert result.code == 0, result.err
    ours = outside / "po" / "fr" / "LC_MESSAGES" / "bleachbit.mo"
    assert msgfmt(outside / "po" / "fr" / "LC_MESSAGES" / "bleachbit.po", tmp_path / "gnu.mo").returncode == 0
    assert ours.read_bytes() == (tmp_path / "gnu.mo").read_bytes()
    result = cli("init", "-l", "de", "-i", "bleachbit.pot", "-o", "de.po", cwd=outside)
    assert result.code == 0, result.err
    assert not (outside / ".i18nprofiles-cache").exists(), "no project: no cache folder left behind"


@needs_corpus
def test_without_named_files_outside_a_project_is_an_error(outside: Path, cli) -> None:
    for args in (("update",), ("update", "-l", "fr"), ("compile",), ("check",)):
        result = cli(*args, cwd=outside)
        assert result.code == 2 and "not an i18nprofiles project" in result.err, args


@needs_corpus
def test_a_broken_catalogue_outside_a_project_changes_nothing(outside: Path, cli) -> None:
    catalogue = outside / "po" / "fr" / "LC_MESSAGES" / "bleachbit.po"
    line = break_string(catalogue)
    before = snapshot_tree(outside)
    for args in (("update", "-i", "bleachbit.pot", "-d", "po", "-l", "fr", "-D", "bleachbit"),
                 ("update", "-i", "bleachbit.pot", "-d", "po", "-l", "fr", "-D", "bleachbit", "--check"),
                 ("compile", "-d", "po", "-l", "fr", "-D", "bleachbit"),
                 ("compile", "-l", "fr", "-i", "po/fr/LC_MESSAGES/bleachbit.po", "-o", "fr.mo")):
        result = cli(*args, cwd=outside)
        assert result.code == 2, (args, result.out, result.err)
        assert result.err.startswith(f"error: po/fr/LC_MESSAGES/bleachbit.po:{line}: "), (args, result.err)
        assert "Traceback" not in result.err
        assert snapshot_tree(outside) == before, args


@needs_corpus
def test_a_broken_template_changes_no_catalogue(outside: Path, cli) -> None:
    template = outside / "bleachbit.pot"
    lines = template.read_bytes().split(b"\n")
    number = next(i for i in range(len(lines) // 2, len(lines)) if lines[i].startswith(b'msgid "') and len(lines[i]) > 10)
    lines[number] = lines[number][:-1]
    template.write_bytes(b"\n".join(lines))
    line = number + 1
    before = snapshot_tree(outside)
    result = cli("update", "-i", "bleachbit.pot", "-d", "po", "-l", "fr", "-D", "bleachbit", cwd=outside)
    assert result.code == 2 and result.err.startswith(f"error: bleachbit.pot:{line}: "), result.err
    assert snapshot_tree(outside) == before


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project, built: every output exists, so that none may change."""
    project = copy_example(tmp_path_factory.mktemp("built"))
    build_project(load_config(project))
    return project


@pytest.mark.parametrize("command", [("update",), ("update", "--check"), ("compile",), ("check",), ("build",),
                                     ("render",)])
def test_every_project_command_stops_on_a_broken_catalogue(built: Path, tmp_path: Path, cli,
                                                           command: tuple[str, ...]) -> None:
    project = tmp_path / "project"
    shutil.copytree(built, project)
    line = break_string(project / "locales" / "es" / "LC_MESSAGES" / "profiles.po")
    before = snapshot_tree(project)
    result = cli(*command, cwd=project)
    assert result.code == 2, (result.out, result.err)
    assert f"error: locales/es/LC_MESSAGES/profiles.po:{line}: " in result.err, result.err
    assert "Traceback" not in result.err
    changed = {name for name, state in snapshot_tree(project).items() if before.get(name) != state}
    assert not {name for name in changed if not name.startswith(".i18nprofiles-cache/")}
    assert set(before) <= set(snapshot_tree(project))
