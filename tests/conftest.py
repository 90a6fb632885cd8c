"""Shared fixtures: a command-line runner and copies of the example project."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from i18nprofiles.cli import main

ROOT = Path(__file__).resolve().parent.parent

# Verify mode: every recalled or accelerated result of the store is checked against the full stage, in every
# test and every command the tests start (they inherit the environment).
os.environ.setdefault("I18NPROFILES_VERIFY", "1")


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run ``i18nprofiles ARGS`` in a folder; returns exit code, stdout and stderr."""

    def run(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        captured = capsys.readouterr()
        return Result(exit_info.value.code, captured.out, captured.err)

    return run


def copy_example(target: Path) -> Path:
    """A copy of the repository's example project (profiles, catalogues, configuration)."""
    shutil.copytree(ROOT / "examples", target / "examples")
    shutil.copytree(ROOT / "locales", target / "locales", ignore=shutil.ignore_patterns("*.mo"))
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    table = config[config.index("[tool.i18nprofiles]") :]
    (target / "i18nprofiles.toml").write_text(table.replace("[tool.i18nprofiles]\n", ""), encoding="utf-8")
    return target


@pytest.fixture
def example(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under a folder, by relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


needs_gettext = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
