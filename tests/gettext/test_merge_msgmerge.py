"""update's merge against ``msgmerge --previous`` on real catalogues: the same entries, apart from fuzzy choices."""

from __future__ import annotations

import difflib
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from i18nprofiles.gettext.merge import merge_catalog

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "realworld-po"
MERGES = {
    "git fr 2.35→2.36": ("git/fr-v2.35.0.po", "git/git-v2.36.0.pot"),
    "git de 2.35→2.36": ("git/de-v2.35.0.po", "git/git-v2.36.0.pot"),
    "git fr 2.34→2.36": ("git/fr-v2.34.0.po", "git/git-v2.36.0.pot"),
    "BleachBit fr 5.0→6.0": ("bleachbit/fr-v5.0.0.po", "bleachbit/bleachbit-v6.0.0.pot"),
}
FIELDS = ("msgstr", "msgstr_plural", "flags", "tcomment", "comment", "occurrences", "previous_msgctxt",
          "previous_msgid", "previous_msgid_plural", "obsolete")

pytestmark = [
    pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU gettext (msgmerge) is not installed"),
    pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the real-world corpus is not at {CORPUS}"),
]


def content(entry: polib.POEntry) -> dict[str, object]:
    found = {name: getattr(entry, name) for name in FIELDS}
    found["flags"] = sorted(entry.flags)
    found["occurrences"] = [tuple(reference) for reference in entry.occurrences]
    for name in ("previous_msgctxt", "previous_msgid", "previous_msgid_plural"):
        found[name] = found[name] or None
    return found


@pytest.mark.parametrize("merge", sorted(MERGES))
def test_without_fuzzy_matching_every_entry_and_the_header_are_msgmerges(merge: str, tmp_path: Path) -> None:
    po, pot = (CORPUS / name for name in MERGES[merge])
    reference = tmp_path / "msgmerge.po"
    subprocess.run(["msgmerge", "-N", "--previous", "-q", "-o", str(reference), str(po), str(pot)], check=True)
    ours, _ = merge_catalog(polib.pofile(str(pot)), polib.pofile(str(po)), fuzzy_matching=False)
    theirs = polib.pofile(str(reference))
    mine = {(e.msgctxt, e.msgid, e.obsolete): content(e) for e in ours}
    gnu = {(e.msgctxt, e.msgid, e.obsolete): content(e) for e in theirs}
    assert mine.keys() == gnu.keys()
    assert [key for key in mine if mine[key] != gnu[key]] == []
    assert list(ours.metadata.items()) == list(theirs.metadata.items())


def run_update(po: Path, pot: Path, folder: Path, *, fuzzy: bool) -> bytes:
    """``update -i POT -d FOLDER -l fr -D app -w 79`` on a copy of ``po`` (no project around it; the folder is
    called fr whatever the language: update does not care)."""
    from i18nprofiles.commands.update import update_catalogs
    from i18nprofiles.config import Config
    from i18nprofiles.store import NullStore

    target = folder / "fr" / "LC_MESSAGES" / "app.po"
    target.parent.mkdir(parents=True)
    shutil.copy(po, target)
    store = NullStore()
    update_catalogs(Config(folder), locales=["fr"], input_file=pot, directory=folder, domain="app", width=79,
                    fuzzy_matching=fuzzy, store=store)
    store.commit()
    return target.read_bytes()


@pytest.mark.parametrize("merge", sorted(MERGES))
def test_without_fuzzy_matching_update_writes_msgmerges_bytes(merge: str, tmp_path: Path) -> None:
    po, pot = (CORPUS / name for name in MERGES[merge])
    reference = subprocess.run(["msgmerge", "-N", "--previous", "-q", "-o", "-", str(po), str(pot)],
                               check=True, capture_output=True).stdout
    assert run_update(po, pot, tmp_path, fuzzy=False) == reference


def test_with_its_own_template_update_changes_what_msgmerge_changes(tmp_path: Path) -> None:
    po, pot = CORPUS / "git" / "fr-v2.36.0.po", CORPUS / "git" / "git-v2.36.0.pot"
    reference = subprocess.run(["msgmerge", "--previous", "-q", "-o", "-", str(po), str(pot)],
                               check=True, capture_output=True).stdout
    ours = run_update(po, pot, tmp_path, fuzzy=True)
    assert ours in (reference, po.read_bytes())  # msgmerge's bytes, or the file left as it was (the same content)
    diff = difflib.unified_diff(po.read_text(encoding="utf-8").splitlines(), ours.decode("utf-8").splitlines(),
                                lineterm="", n=0)
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert len(changed) <= 5  # msgmerge changes 5 of 28,086 lines: the header's dates
