"""Where the profiles of a project are: the files its globs name, paths relative to its root."""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from i18nprofiles.config import Config
from i18nprofiles.errors import ProfileError
from i18nprofiles.source.model import Profile

PROFILE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")


def relative_path(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute if outside root).

    Worked out on the names first (no system call for the usual case), then
    with symbolic links resolved, for a path that reaches the root another way.
    """
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if absolute.startswith(base + os.sep):
        return absolute[len(base) + 1 :].replace(os.sep, "/")
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def find_profiles(config: Config, patterns: Iterable[str] | None = None) -> dict[str, str]:
    """The profile files the configured globs name, each once: file name by name relative to the root, sorted."""
    found: dict[str, str] = {}
    for pattern in patterns if patterns is not None else config.profile_globs:
        full = pattern if os.path.isabs(pattern) else os.path.join(config.root, pattern)
        for name in glob.glob(full, recursive=True):
            if name.endswith(PROFILE_SUFFIXES):
                try:
                    status = os.stat(name)
                except OSError:
                    continue  # gone since the glob, or unreachable: not a profile file
                if stat.S_ISREG(status.st_mode):
                    found[relative_path(name, config.root)] = name
    return {key: found[key] for key in sorted(found)}


def locate_profiles(config: Config, paths: Iterable[str | Path]) -> dict[str, str]:
    """The given profile files: file name by name relative to the root."""
    return {relative_path(path, config.root): os.fspath(path) for path in paths}


def read_profile_bytes(file: str | Path, rel: str) -> bytes:
    """The bytes of a profile file; ProfileError when it cannot be read."""
    try:
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ProfileError(f"cannot read profile: {exc.strerror}", rel) from None


def check_unique_slugs(profiles: Sequence[Profile]) -> None:
    """Raise ProfileError when two profiles share a slug."""
    seen: dict[str, Profile] = {}
    for profile in profiles:
        other = seen.setdefault(profile.slug, profile)
        if other is not profile:
            raise ProfileError(f"duplicate slug {profile.slug!r} (also used by {other.path})", profile.path, 1)
