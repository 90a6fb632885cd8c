"""``build`` killed with SIGKILL at random moments: every file is the old one or the new one, always.

A generated project of 100 profiles (worker processes render its pages) is
built, then edited: profiles changed, added and removed, a translation
changed by hand.  A copy of it is built without interruption: the new files.
Then ``build`` is started and killed (SIGKILL, the main process only) at 10
random moments, half of them late in the run, where files are put in place.
After each kill, every catalogue, template and ``.mo`` file holds its old or
its new bytes, every catalogue parses with all its translations, the site is
wholly the old one or wholly the new one, and no worker process is left.
A normal ``build`` then gives the new files exactly, with no temporary file
left anywhere.  The seed is in the failure message; ``I18NPROFILES_SEED``
sets it.
"""

from __future__ import annotations

import difflib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from reliability import files_of, generate_project, leftovers, run_cli, sentence, translate_half

from i18nprofiles.files import TEMP_RE

KILLS = 10


def catalogue_files(root: Path) -> dict[str, bytes]:
    """The template, catalogues and .mo files (a killed run's temporary files aside: the next run removes them)."""
    return {f"locales/{name}": data for name, data in files_of(root / "locales").items()
            if not TEMP_RE.match(name.rpartition("/")[2])}


def all_translations(path: Path) -> dict[str, str]:
    """Every translation a catalogue holds, obsolete entries included (a removed profile's entries go there)."""
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr}


def edit_project(root: Path, rng: random.Random) -> None:
    """Change ten profiles, add one, remove one, and change a translation by hand."""
    profiles = sorted((root / "profiles").glob("*.md"))
    for path in rng.sample(profiles[1:], 10):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.rstrip("\n") + "\n\n" + sentence(rng, 12) + "\n", encoding="utf-8")
    profiles[0].unlink()
    shutil.copy(profiles[1], root / "profiles" / "p9999.md")
    po = root / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgstr and not e.obsolete)
    entry.msgstr = "Traducción revisada a mano"
    catalog.save(str(po))


def others_in_group(group: int) -> list[str]:
    """Live (not zombie) processes of a process group."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != b"Z":
            found.append(pid)
    return found


def kill_build_at(root: Path, delay: float) -> int | None:
    """Start ``build``, SIGKILL its main process after ``delay`` seconds; its return code (None if killed)."""
    process = subprocess.Popen([sys.executable, "-m", "i18nprofiles", "build"], cwd=root, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.kill()
    process.wait()
    deadline = time.monotonic() + 5
    while others_in_group(process.pid) and time.monotonic() < deadline:  # workers die with their parent
        time.sleep(0.05)
    left = others_in_group(process.pid)
    if left:
        os.killpg(process.pid, signal.SIGKILL)
    assert not left, f"worker processes left after the main one was killed: {left}"
    return None if process.returncode == -signal.SIGKILL else process.returncode


def differences(found: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """The first lines that differ in each file that differs (for failure messages)."""
    out = []
    for name in sorted(found.keys() | expected.keys()):
        if found.get(name) != expected.get(name):
            diff = difflib.unified_diff((expected.get(name) or b"").decode("utf-8", "replace").splitlines(),
                                        (found.get(name) or b"").decode("utf-8", "replace").splitlines(), lineterm="")
            out.append(f"{name}:\n" + "\n".join(list(diff)[:20]))
    return "\n".join(out)


def test_build_killed_at_random_moments_leaves_every_file_old_or_new(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("checks worker processes through /proc")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")  # the same dates in every build
    seed = int(os.environ.get("I18NPROFILES_SEED", random.randrange(2**32)))
    rng = random.Random(seed)
    root = generate_project(tmp_path / "project", 100, seed=seed % 1000)
    assert run_cli(root, "build").returncode == 0
    translate_half(root)
    first = run_cli(root, "build")
    assert first.returncode == 0, first.stderr
    edit_project(root, rng)
    old_site = files_of(root / "site")
    old_catalogues = catalogue_files(root)
    kept = {path: all_translations(root / path) for path in old_catalogues if path.endswith(".po")}

    copy = tmp_path / "reference"
    # From scratch: no records, no site (records are kept by absolute path: a copy would not know which
    # files of its site the last render made, and would keep the removed profile's pages as the user's own).
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".i18nprofiles-cache", "site", ".site.*"))
    started = time.monotonic()
    result = run_cli(copy, "build")
    duration = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    new_site, new_catalogues = files_of(copy / "site"), catalogue_files(copy)
    assert new_site != old_site and new_catalogues != old_catalogues

    moments = sorted([rng.uniform(0.1, duration) for _ in range(KILLS // 2)]
                     + [rng.uniform(0.7 * duration, 1.1 * duration) for _ in range(KILLS - KILLS // 2)])
    rng.shuffle(moments)
    outcomes = []
    for index, moment in enumerate(moments):
        context = f"seed {seed}, kill {index + 1} at {moment:.2f} s of {duration:.2f} s"
        code = kill_build_at(root, moment)
        outcomes.append(code)
        assert code in (None, 0), context
        site = files_of(root / "site")
        assert site in (old_site, new_site), f"{context}: the site is neither the old one nor the new one"
        now = catalogue_files(root)
        assert now.keys() <= old_catalogues.keys() | new_catalogues.keys(), context
        for name, data in now.items():
            assert data in (old_catalogues.get(name), new_catalogues.get(name)), f"{context}: {name} half written"
        for name, translations in kept.items():
            found = all_translations(root / name)
            lost = {msgid for msgid, text in translations.items() if msgid not in found}
            assert not lost, f"{context}: {name} lost translations"
    final = run_cli(root, "build")
    assert final.returncode == 0, final.stderr
    assert files_of(root / "site") == new_site, f"seed {seed}: the site after the kills is not the reference"
    assert catalogue_files(root) == new_catalogues, f"seed {seed}: {differences(catalogue_files(root), new_catalogues)}"
    assert leftovers(root) == [], f"seed {seed}"
    assert None in outcomes, f"seed {seed}: no build was killed ({outcomes})"
