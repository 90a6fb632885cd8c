"""Helpers of the reliability tests: the command line in a process of its own, small file systems, generated
projects, and what a project's files are."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from i18nprofiles.files import TEMP_RE

REPO = Path(__file__).resolve().parent.parent


def run_cli(root: Path, *args: str, file_size: int | None = None, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m i18nprofiles ARGS`` in ``root``, in a process of its own (``file_size``: RLIMIT_FSIZE)."""

    def limit() -> None:
        if file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    return subprocess.run([sys.executable, "-m", "i18nprofiles", *args], cwd=root, capture_output=True, text=True,
                          timeout=timeout, preexec_fn=limit, env={**os.environ, **(env or {})})


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A size-limited tmpfs mounted at ``path`` (skips the test where this process may not mount one)."""
    path.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root (and mount)")
    found = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                           text=True)
    if found.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {found.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def remount_read_only(path: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(path)], check=True, capture_output=True)


def files_of(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (links as their target, prefixed) by relative name."""
    found: dict[str, bytes] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[name] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[name] = path.read_bytes()
    return found


def outputs(root: Path) -> dict[str, bytes]:
    """The files a build writes: template, catalogues, .mo files, the site."""
    found = {f"locales/{name}": data for name, data in files_of(root / "locales").items()}
    found.update((f"site/{name}", data) for name, data in files_of(root / "site").items())
    return found


def leftovers(root: Path) -> list[str]:
    """Temporary files of this package anywhere under ``root`` (the staging folder aside)."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*.tmp")
                  if TEMP_RE.match(path.name) and ".site.staging" not in path.parts)


def translations(path: Path) -> dict[str, str]:
    """The translated active entries of a catalogue, by msgid."""
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if entry.msgstr and not entry.obsolete}


WORDS = ("coopérative", "café", "récolte", "formation", "jeunes", "producteurs", "marché", "qualité", "semences",
         "eau", "terre", "famille", "village", "projet", "réseau", "femmes", "vallée", "saison", "prix", "avenir")


def sentence(rng: random.Random, size: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(size)).capitalize() + "."


def generate_project(root: Path, count: int, seed: int = 0) -> Path:
    """A project of ``count`` profiles (fr, es, en) whose catalogues translate every second segment."""
    rng = random.Random(seed)
    (root / "profiles").mkdir(parents=True)
    (root / "i18nprofiles.toml").write_text(
        'project = "Generated"\nsource_locale = "fr"\nlocales = ["fr", "es", "en"]\n'
        'profiles = ["profiles/*.md"]\nsite_url = "https://example.org/"\npublish_threshold = 0\n', encoding="utf-8")
    for index in range(count):
        body = "\n\n".join(f"## {sentence(rng, 3)}\n\n{sentence(rng, rng.randint(8, 40))}" for _ in range(3))
        (root / "profiles" / f"p{index:04d}.md").write_text(
            f"---\nname: Personne {index}\nheadline: {sentence(rng, 5)[:-1]}\nlocation: {rng.choice(WORDS)}\n"
            f"updated: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\ntags:\n  - {rng.choice(WORDS)}\n---\n\n"
            f"{body}\n", encoding="utf-8")
    return root


def translate_half(root: Path) -> None:
    """Translate every second entry of each catalogue (after a first build made them)."""
    for path in sorted((root / "locales").glob("*/LC_MESSAGES/profiles.po")):
        catalog = polib.pofile(str(path))
        locale = path.parent.parent.name
        for index, entry in enumerate(e for e in catalog if not e.obsolete):
            if index % 2 == 0:
                entry.msgstr = f"[{locale}] {entry.msgid}"
        catalog.save(str(path))
