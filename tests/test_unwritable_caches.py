"""A cache folder that cannot be written (read-only, a file in its place) or a read-only project: every command
that could otherwise succeed succeeds, with the same output and at most one warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import copy_example
from reliability import files_of, remount_read_only, run_cli, tmpfs

COMMANDS = [
    ("extract",), ("update",), ("update", "--check"), ("compile",), ("compile", "--statistics"), ("check",),
    ("render",), ("build",), ("prefill", "-e", "pseudo", "-l", "en"), ("extract", "-D", "messages"),
]


def edit(root: Path) -> None:
    path = root / "examples" / "profiles" / "maria-quispe.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Témoignage", "## Mon témoignage"), encoding="utf-8")


def project_files(root: Path) -> dict[str, bytes]:
    return {name: data for name, data in files_of(root).items() if not name.startswith(".i18nprofiles-cache")}


def run_all(cli, root: Path) -> list[tuple[int, str, list[str]]]:
    """Each command once, in order: its exit code, its output and its warnings."""
    found = []
    for command in COMMANDS:
        result = cli(*command, cwd=root)
        assert "Traceback" not in result.err, (command, result.err)
        found.append((result.code, result.out,
                       [line for line in result.err.splitlines() if line.startswith("warning: ")]))
    return found


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The example project twice, built and then edited: one keeps a normal cache (the reference)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")  # the same dates in both, whenever each runs
    roots = []
    for name in ("reference", "project"):
        root = copy_example(tmp_path / name)
        assert run_cli(root, "build").returncode == 0
        edit(root)
        roots.append(root)
    return roots[0], roots[1]


def compare(cli, reference: Path, root: Path) -> None:
    expected, found = run_all(cli, reference), run_all(cli, root)
    for command, (want, got) in zip(COMMANDS, zip(expected, found)):
        assert got[0] == want[0], command
        assert got[1].replace(str(root), str(reference)) == want[1], command
        assert len(got[2]) <= 1 and all("cache not written" in w or "not kept" in w for w in got[2]), (command, got[2])
    assert project_files(root) == project_files(reference)


def test_a_file_in_place_of_the_cache_folder(pair: tuple[Path, Path], cli) -> None:
    reference, root = pair
    shutil.rmtree(root / ".i18nprofiles-cache")
    (root / ".i18nprofiles-cache").write_text("not a folder")
    compare(cli, reference, root)


def test_a_read_only_cache_folder(pair: tuple[Path, Path], tmp_path: Path, cli) -> None:
    reference, root = pair
    cache = root / ".i18nprofiles-cache"
    kept = tmp_path / "kept-cache"
    shutil.move(cache, kept)
    with tmpfs(cache, "16m"):
        shutil.copytree(kept, cache, dirs_exist_ok=True)
        remount_read_only(cache)
        compare(cli, reference, root)


def test_a_read_only_project_renders_elsewhere(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "ro", "16m") as disk:
        root = copy_example(disk)
        assert run_cli(root, "build").returncode == 0
        remount_read_only(disk)
        for command in (("render", "-o", str(tmp_path / "out")), ("build", "-o", str(tmp_path / "out2")),
                        ("check",), ("update", "--check"), ("compile", "--statistics")):
            result = run_cli(root, *command)
            assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (command, result.stderr)
            warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
            assert len(warnings) <= 1, (command, warnings)
        assert files_of(tmp_path / "out") == files_of(root / "site") == files_of(tmp_path / "out2")
        result = run_cli(root, "render")  # the site itself cannot be written: an error, not a traceback
        assert result.returncode in (0, 2) and "Traceback" not in result.stderr
