"""The shipped example: its catalogues are valid gettext for every tool, and stable."""

from __future__ import annotations

import gettext
import io
import subprocess
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po

from i18nprofiles.gettext.mofile import build_mo
from i18nprofiles.gettext.pofile import read_catalog

from conftest import ROOT, needs_gettext

CATALOGUES = [ROOT / "locales/es/LC_MESSAGES/profiles.po", ROOT / "locales/en/LC_MESSAGES/profiles.po"]
TEMPLATE = ROOT / "locales/profiles.pot"


@needs_gettext
@pytest.mark.parametrize("path", [TEMPLATE, *CATALOGUES], ids=lambda p: p.parent.parent.name)
def test_msgfmt_check_passes(path: Path, tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "x.mo"), str(path)], check=True, capture_output=True)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_complete_and_reads_back_the_same_in_babel_and_polib(path: Path) -> None:
    ours = read_catalog(path)
    assert len(ours) == len(read_catalog(TEMPLATE)) > 40
    assert all(entry.translated() for entry in ours)
    babel = read_po(io.BytesIO(path.read_bytes()))
    assert {m.id: m.string for m in babel if m.id} == {e.msgid: e.msgstr for e in polib.pofile(str(path))}
    assert {m.id for m in babel if m.id and m.fuzzy} == set()


@needs_gettext
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_msgmerge_changes_no_translation(path: Path) -> None:
    merged = subprocess.run(["msgmerge", "-q", "--previous", str(path), str(TEMPLATE)], check=True,
                            capture_output=True, text=True).stdout
    theirs = polib.pofile(merged)
    assert [(e.msgid, e.msgstr, e.fuzzy) for e in theirs] == [(e.msgid, e.msgstr, e.fuzzy) for e in read_catalog(path)]


@needs_gettext
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_our_mo_says_what_msgfmt_mo_says(path: Path, tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(path)], check=True)
    with (tmp_path / "gnu.mo").open("rb") as handle:
        gnu = gettext.GNUTranslations(handle)
    ours = gettext.GNUTranslations(io.BytesIO(build_mo(read_catalog(path))))
    assert ours._catalog == gnu._catalog  # type: ignore[attr-defined]


def test_extract_then_update_twice_leaves_git_clean(example: Path, cli) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=example, check=True, capture_output=True, text=True).stdout

    git("init", "-q")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "example")
    for _ in range(2):
        assert cli("extract", cwd=example).code == 0
        assert cli("update", cwd=example).code == 0
    assert git("status", "--porcelain") == ""
    assert cli("update", "--check", cwd=example).code == 0
