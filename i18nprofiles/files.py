"""Atomic file writes: a temporary file beside the target, then a rename.

Readers never see half a file, and a command that fails before its renames
leaves every file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

Signature = tuple[int, int, int, int]  # a file's size, st_mtime_ns, st_ctime_ns and st_ino


def file_signature(path: str | Path) -> Signature | None:
    """A file's size, modification and change times and inode; None without a file.

    Anything that writes the file, replaces it or changes its metadata changes
    the change time, which no program can set back: a file whose signature is
    the one recorded is the file recorded.
    """
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def temp_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file in the folder of ``path``, with the mode ``path`` has (or would get)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
    return fd, Path(temp)


def stage_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``; ``commit_files`` puts it in place."""
    return stage_with(path, lambda handle: handle.write(data))


def stage_with(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Like ``stage_file``, for a writer that streams into the open file (nothing is held whole in memory)."""
    fd, temp = temp_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def commit_files(staged: Iterable[tuple[Path, Path]]) -> None:
    """Rename staged temporary files over their targets."""
    for temp, path in staged:
        os.replace(temp, path)


def discard_files(staged: Iterable[tuple[Path, Path]]) -> None:
    """Remove staged temporary files after a failure."""
    for temp, _ in staged:
        temp.unlink(missing_ok=True)


def write_text_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary file and a rename: readers never see half a file."""
    commit_files([(stage_file(path, data), path)])


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
