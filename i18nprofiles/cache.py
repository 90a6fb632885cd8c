"""Snapshots of parsed files, so that a file read before is not parsed again.

A snapshot is what parsing a file gave, stored under the project's
``cache_dir`` with the SHA-256 of the file's bytes and a digest of the code
that parsed it.  It is used only when both still match: a file edited by
hand, or a new version of i18nprofiles, is parsed afresh.  A missing,
unreadable or corrupt snapshot is a miss, never an error, and deleting the
cache folder is always safe.

Snapshots are pickles of plain data (strings, numbers, lists, tuples,
dicts); like the rest of the project folder they are trusted input.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from i18nprofiles.files import commit_files, stage_with

SNAPSHOT_FORMAT = 1
CODE_DIGEST = hashlib.sha256(
    b"".join(path.read_bytes() for path in sorted(Path(__file__).parent.glob("*.py")))
).hexdigest()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that hold no cycles.

    Unpickling a snapshot of tens of thousands of entries is three times
    faster without the collections that every few hundred new containers trigger.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def digest_bytes(data: bytes) -> str:
    """The SHA-256 of a file's bytes, the usual key of its snapshot."""
    return hashlib.sha256(data).hexdigest()


def digest_file(path: Path) -> str | None:
    """The SHA-256 of a file's bytes, read in chunks; None when there is no such file."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def snapshot_path(folder: Path, name: str) -> Path:
    """Where the snapshot called ``name`` (a file's path, or a kind) is kept.

    The folder ignores itself in git: snapshots are derived data.
    """
    return folder / "snapshots" / (hashlib.sha256(name.encode("utf-8")).hexdigest()[:32] + ".pickle")


def load_snapshot(folder: Path | None, name: str, key: Any) -> Any | None:
    """The value saved as ``name`` with the same ``key`` (and by the same code), or None."""
    if folder is None:
        return None
    try:
        data = snapshot_path(folder, name).read_bytes()
        with paused_gc():
            stamp, value = pickle.loads(data)
    except Exception:  # noqa: BLE001 - any damage to the cache is a miss
        return None
    return value if stamp == (SNAPSHOT_FORMAT, CODE_DIGEST, name, key) else None


def save_snapshot(folder: Path | None, name: str, key: Any, value: Any, *, memo: bool = False) -> None:
    """Keep ``value`` as snapshot ``name`` for ``key``, atomically; a cache that cannot be written is skipped.

    ``memo`` as for ``dump_plain``.
    """
    staged = stage_snapshot(folder, name, key, value, memo=memo)
    if staged is not None:
        commit_files([staged])


def dump_plain(value: Any, handle: BinaryIO, *, memo: bool = False) -> None:
    """Pickle plain data (no cycles), by default without the memo of every object seen: tens of MB less at 60,000 entries.

    With ``memo``, an object shared by many entries (a path, a dictionary
    key) is written and loaded once: a third faster to load, for values
    small enough that the memo costs little, such as a shard of profiles.
    """
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.fast = not memo  # no memo: shared objects are written twice, which plain data can afford
    pickler.dump(value)


def make_ignored_folder(folder: Path, what: str) -> None:
    """Make a cache folder that git ignores (it holds its own ``.gitignore``), unless it is there; OSError if it cannot."""
    if not folder.is_dir():
        folder.mkdir(parents=True)
        (folder / ".gitignore").write_text(f"# {what}, made by i18nprofiles\n*\n")


def stage_snapshot(
    folder: Path | None, name: str, key: Any, value: Any, *, memo: bool = False
) -> tuple[Path, Path] | None:
    """Write a snapshot to a temporary file; returns (temporary, final) for ``commit_files``, None if it cannot."""
    if folder is None:
        return None
    stamped = ((SNAPSHOT_FORMAT, CODE_DIGEST, name, key), value)
    path = snapshot_path(folder, name)
    try:
        make_ignored_folder(path.parent, "snapshots of parsed files")
        return stage_with(path, lambda handle: dump_plain(stamped, handle, memo=memo)), path
    except OSError:
        return None  # a read-only project still works, only slower
