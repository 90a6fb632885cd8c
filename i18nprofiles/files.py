"""Atomic file writes: a temporary file beside the target, then a rename.

Readers never see half a file, and a command that fails before its renames
leaves every file as it was.  A temporary file is named
``.<name>.<pid>-<random>.tmp``: one that a killed run left behind (its
process is gone) is removed by the next run that writes in its folder
(``remove_leftovers``).  ``exchange_folders`` swaps two folders in one
step where the system can.
"""

from __future__ import annotations

import errno
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

TEMP_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
TEMP_RE = re.compile(r"\.(?P<name>.+)\.(?:(?P<pid>\d+)-)?[a-z0-9_]{8}\.tmp\Z")
LEGACY_AGE = 3600  # seconds after which a temporary file without a process id is a leftover

Signature = tuple[int, int, int, int]  # a file's size, st_mtime_ns, st_ctime_ns and st_ino


def signature_of(status: os.stat_result) -> Signature:
    """The signature in a file's status: its size, modification and change times and inode."""
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def file_signature(path: str | Path) -> Signature | None:
    """A file's size, modification and change times and inode; None without a file.

    Anything that writes the file, replaces it or changes its metadata changes
    the change time, which no program can set back: a file whose signature is
    the one recorded is the file recorded.
    """
    try:
        return signature_of(os.stat(path))
    except OSError:
        return None


def temp_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file in the folder of ``path``, with the mode ``path`` has (or would get)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    os.chmod(temp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
    return fd, Path(temp)


def temp_name(target: Path) -> str:
    """A new name for a temporary link beside ``target`` (not made here), in the form ``remove_leftovers`` knows."""
    return f"{target.parent}/.{target.name}.{os.getpid()}-{''.join(random.choices(TEMP_LETTERS, k=8))}.tmp"


def stage_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``; ``commit_files`` puts it in place."""
    return stage_with(path, lambda handle: handle.write(data))


def stage_with(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Like ``stage_file``, for a writer that streams into the open file (nothing is held whole in memory)."""
    fd, temp = temp_beside(path)
    write_temp(fd, temp, path, write)
    return temp


def write_temp(fd: int, temp: Path, path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write the temporary file ``temp`` (open as ``fd``) that will become ``path``; on failure it is removed
    and the OSError names ``path``."""
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        if exc.filename is None:  # a full disk: say which file could not be written
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def commit_files(staged: Iterable[tuple[Path, Path]]) -> None:
    """Rename staged temporary files over their targets."""
    for temp, path in staged:
        os.replace(temp, path)


def replace_keeping_old(temp: Path, path: Path) -> str | None:
    """``os.replace(temp, path)``, the file replaced first given a temporary file's name as a second one.

    The rename then frees nothing: freeing the blocks of a file of tens of MB
    takes milliseconds, which the caller spends when it suits (another thread
    unlinks the name returned).  None when there was no file to replace (or it
    could not be linked).  A run killed before the unlink leaves the name to
    ``remove_leftovers``.
    """
    old = temp_name(path)
    try:
        os.link(path, old)
    except OSError:
        old = None
    try:
        os.replace(temp, path)
    except BaseException:
        if old is not None:
            with suppress(OSError):
                os.unlink(old)
        raise
    return old


def discard_files(staged: Iterable[tuple[Path, Path]]) -> None:
    """Remove staged temporary files after a failure."""
    for temp, _ in staged:
        temp.unlink(missing_ok=True)


def write_text_atomic(path: Path, data: bytes) -> None:
    """Write a file through a temporary file and a rename: readers never see half a file."""
    commit_files([(stage_file(path, data), path)])


def is_leftover(name: str, now: float | None = None, folder: str | Path | None = None) -> bool:
    """Whether a file name is a temporary file of this module whose process has ended.

    A name without a process id (written by an older version) is a leftover
    once it is an hour old.
    """
    found = TEMP_RE.match(name)
    if found is None:
        return False
    pid = found.group("pid")
    if pid is None:
        try:
            age = (now or time.time()) - os.lstat(os.path.join(folder or ".", name)).st_mtime
        except OSError:
            return False
        return age > LEGACY_AGE
    return int(pid) != os.getpid() and not process_exists(int(pid))


def process_exists(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[-1].split()[0] != b"Z"
    except OSError:
        return True


def remove_leftovers(folder: str | Path) -> list[str]:
    """Remove the temporary files that killed runs left in ``folder``; return their names."""
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if name.endswith(".tmp") and is_leftover(name, now, folder):
            try:
                os.unlink(os.path.join(folder, name))
            except OSError:
                continue
            removed.append(name)
    return removed


# -- swapping folders ----------------------------------------------------------

RENAME_EXCHANGE = 2  # linux/fs.h


@lru_cache(maxsize=1)
def _renameat2() -> Callable[..., int] | None:
    """glibc's renameat2, or None where there is none (not Linux, an old or another C library)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes.util  # here: only a render that swaps folders needs it

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


AT_FDCWD = -100


def exchange_folders(first: Path, second: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns False where the system or the file system cannot (the caller
    falls back to renames); raises OSError for other failures.
    """
    function = _renameat2()
    if function is None:
        return False
    result = function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    import ctypes

    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
