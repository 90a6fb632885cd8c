"""Publishing a site folder whole: the next version is made in a second folder, then swapped in.

Beside the output folder ``site/`` lives ``.site.staging/``.  A render that
changes the site makes ``.site.staging/`` hold the new site (with the
files in ``site/`` that no render made, such as a ``CNAME``), then swaps the
two folders in one step (``files.exchange_folders``: Linux
``renameat2(RENAME_EXCHANGE)``).  Until the swap, ``site/`` is the old site;
after it, the new one; there is no moment in between.  The old site is now
``.site.staging/``, and the next render brings it up to date: it writes only
the files that differ from what the staging folder holds (known from the
manifest of each folder, checked by each file's size, times and inode), and
takes every other file from ``site/`` as a hard link, so the two folders
share the files that did not change and cost the disk space of one site.

A render killed at any moment, or that fails (a full disk), leaves
``site/`` as it was; what it did to the staging folder is undone or used by
the next render, which removes any file there that it does not expect.

Where folders cannot be exchanged in one step (not Linux, or a file system
without ``RENAME_EXCHANGE``) the swap is three renames (``site`` →
``.site.old``, ``.site.staging`` → ``site``, ``.site.old`` →
``.site.staging``): for the moment between the first two, ``site/`` does not
exist, and a run killed there is finished by the next.  Where the staging
folder cannot be made (the folder above the output folder is read-only, or
the output folder is a mount point), files are written one by one: each is
staged beside its target first, so a full disk still changes nothing, but a
kill during the renames leaves a mix; a warning says so.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from i18nprofiles.errors import ConfigError
from i18nprofiles.files import (
    Signature,
    exchange_folders,
    is_leftover,
    signature_of,
    temp_beside,
    temp_name,
)

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; two renders into one folder at once are not serialised
    fcntl = None  # type: ignore[assignment]

Known = tuple[str, Signature]  # a file's content digest and its signature (size, times, inode)
Manifest = Mapping[str, Known]
Render = Callable[[list[str]], Mapping[str, bytes]]

FILE, LINK, FOLDER, OTHER = "file", "link", "folder", "other"
LINKED, SAME, COPIED = "linked", "same", "copied"  # how a file of the output folder came into the staging folder


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lstat(path: str) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except OSError:
        return None


def staging_folder(live: Path) -> Path:
    """Where the next version of the site at ``live`` is made: ``.<name>.staging`` beside it."""
    return live.with_name(f".{live.name}.staging")


def old_folder(live: Path) -> Path:
    """Where the old site waits during a swap made of renames: ``.<name>.old``."""
    return live.with_name(f".{live.name}.old")


def real_folder(folder: Path) -> Path:
    """The output folder with symbolic links resolved (a link to a folder: the folder is swapped, not the link)."""
    return Path(os.path.realpath(os.path.abspath(folder)))


def check_output_folder(live: Path, sources: Collection[Path]) -> None:
    """ConfigError when the output folder cannot be published whole: it is a file, the root of the file
    system, or holds one of the project's own folders (``sources``: the project, its catalogues, cache…)."""
    if live.parent == live:
        raise ConfigError("the output folder cannot be the root of the file system", live)
    if live.exists() and not live.is_dir():
        raise ConfigError("the output folder is not a folder", live)
    for source in sources:
        resolved = real_folder(source)
        if resolved == live or resolved.is_relative_to(live):
            raise ConfigError(f"the output folder must not hold the project's files ({source})", live)


def list_folder(path: str) -> tuple[tuple[str, str], ...]:
    """The entries of one folder with their kinds (file, link, folder or other); none if it cannot be read."""
    found = []
    try:
        with os.scandir(path) as entries:
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):  # the usual kinds first: one look each
                        kind = FOLDER
                    elif entry.is_file(follow_symlinks=False):
                        kind = FILE
                    else:
                        kind = LINK if entry.is_symlink() else OTHER
                except OSError:
                    kind = OTHER
                found.append((entry.name, kind))
    except OSError:
        return ()
    return tuple(found)


Lister = Callable[[str, str], Iterable[tuple[str, str]]]  # (the folder's relative name, its path) -> its entries


def walk(folder: Path, lister: Lister | None = None) -> dict[str, str]:
    """Every entry under ``folder`` by ``/``-separated relative name: file, link, folder or other.

    Symbolic links are listed, never followed.  ``lister`` lists each folder
    (by default ``list_folder``; the store gives one that remembers folders that did not change).
    """
    found: dict[str, str] = {}
    pending = [("", str(folder))]
    while pending:
        rel, path = pending.pop()
        prefix = rel + "/" if rel else ""
        for name, kind in (lister(rel, path) if lister is not None else list_folder(path)):
            found[prefix + name] = kind
            if kind == FOLDER:
                pending.append((prefix + name, f"{path}/{name}"))
    return found


def is_plain_name(name: str) -> bool:
    """Whether a name is a plain relative path inside a folder (no ``..``, no leading ``/``, no ``\\``)."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    return bool(parts) and not name.startswith("/") and "\\" not in name and ".." not in parts and "\0" not in name


def parents(name: str) -> Iterator[str]:
    """The folders a relative name goes through, the outermost first."""
    parts = name.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        yield "/".join(parts[:end])


def folders_of(names: Iterable[str]) -> set[str]:
    """Every folder that the relative names go through (each looked at once: a folder seen ends the climb)."""
    found: set[str] = set()
    for name in names:
        folder = name.rpartition("/")[0]
        while folder and folder not in found:
            found.add(folder)
            folder = folder.rpartition("/")[0]
    return found


def depth(name: str) -> int:
    return name.count("/")


# -- locks ---------------------------------------------------------------------------------------

_held: dict[str, tuple[int, int]] = {}  # folder -> (descriptor, count): a process may lock a folder twice


def lock_folder(folder: Path) -> str:
    """Wait for and take the lock of the folder that holds the output folder; return its key for ``unlock``."""
    key = os.path.abspath(folder)
    if key in _held:
        descriptor, count = _held[key]
        _held[key] = (descriptor, count + 1)
        return key
    try:
        descriptor = os.open(key, os.O_RDONLY)
    except OSError:
        descriptor = -1  # a folder that cannot be opened cannot be locked: the render goes on without
    try:
        if fcntl is not None and descriptor >= 0:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
    except BaseException:
        os.close(descriptor)
        raise
    _held[key] = (descriptor, 1)
    return key


def unlock_folder(key: str) -> None:
    descriptor, count = _held.pop(key)
    if count > 1:
        _held[key] = (descriptor, count - 1)
        return
    if descriptor >= 0:
        os.close(descriptor)  # closing releases the lock


# -- the outcome ------------------------------------------------------------------------------------


@dataclass
class Publication:
    """A site made ready to be put in place: ``commit`` publishes it, ``discard`` gives up.

    ``live`` is what the output folder will hold (each file's content digest
    and signature), ``staging`` what the staging folder will hold once the
    old site is in it; ``written``, ``unchanged`` and ``removed`` say what
    changes for a reader of the site.
    """

    folder: Path
    live: dict[str, Known]
    staging: dict[str, Known] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    warning: str | None = None
    mode: str = "none"  # "none": nothing to change; "swap"; "files": file by file
    _lock: str | None = None
    _staged: list[tuple[Path, Path]] = field(default_factory=list)  # file by file: (temporary file, target)
    _stale: list[Path] = field(default_factory=list)  # file by file: files to delete

    def commit(self) -> None:
        """Put the new site in place (one swap, or the renames of the file-by-file mode)."""
        try:
            if self.mode == "swap":
                swap_folders(real_folder(self.folder))
            elif self.mode == "files":
                commit_file_by_file(real_folder(self.folder), self._staged, self._stale)
                self._staged = []
        finally:
            self.release()

    def discard(self) -> None:
        """Leave the site as it was (the staging folder is left for the next render to use)."""
        for temp, _ in self._staged:
            with suppress(OSError):
                temp.unlink()
        self._staged = []
        self.release()

    def release(self) -> None:
        if self._lock is not None:
            unlock_folder(self._lock)
            self._lock = None


# -- preparing ---------------------------------------------------------------------------------------


@dataclass
class SiteFiles:
    """What a render gives the publisher: the files rendered, the files reused from the output folder,
    what is known of both folders, and the files a render made there last time."""

    rendered: Mapping[str, bytes]
    reused: Collection[str]
    live_known: Manifest
    staging_known: Manifest
    previous: Collection[str]
    render: Render  # renders files again (a reused file that changed under us)
    walk: Callable[[Path], dict[str, str]] = walk  # the entries of a folder (the store's remembers folders)


def prepare_site(folder: Path, files: SiteFiles, sources: Collection[Path] = ()) -> Publication:
    """Make the new site ready in the staging folder (or beside each file) without changing the site.

    Takes the folder's lock until ``commit`` or ``discard``.  Raises OSError
    (a full disk…) with the site as it was.
    """
    live = real_folder(folder)
    check_output_folder(live, sources)
    key = lock_folder(live.parent)
    try:
        recover_swap(live)
        publication = _prepare(folder, live, files)
    except BaseException:
        unlock_folder(key)
        raise
    publication._lock = key
    if publication.mode == "none":
        publication.release()
    return publication


def recover_swap(live: Path) -> None:
    """Finish a swap made of renames that a killed run left half done."""
    old, staging = old_folder(live), staging_folder(live)
    if not os.path.lexists(old):
        return
    if not os.path.lexists(live) and os.path.isdir(staging):
        os.rename(staging, live)
    if os.path.lexists(staging):
        remove_tree(old)
    else:
        os.rename(old, staging)


def _prepare(folder: Path, live: Path, files: SiteFiles) -> Publication:
    names = sorted({*files.rendered, *files.reused})
    wanted = {name: content_digest(data) for name, data in files.rendered.items()}
    for name in files.reused:
        wanted[name] = files.live_known[name][0]
    live_exists = live.is_dir()
    publication = Publication(folder, {})
    fresh: dict[str, os.stat_result | None] = {}  # names in the output folder: their status now
    for name in names:
        if name in files.reused:
            publication.unchanged.append(name)
            continue
        status = fresh[name] = lstat(f"{live}/{name}") if live_exists else None
        if status is not None and stat.S_ISREG(status.st_mode) and _holds(live, name, status, wanted[name],
                                                                          files.live_known, files.rendered[name]):
            publication.unchanged.append(name)
        else:
            publication.written.append(name)
    stale = [name for name in sorted(set(files.previous) - set(names))
             if live_exists and os.path.lexists(f"{live}/{name}")]
    publication.removed = stale
    if not publication.written and not stale:
        for name in names:  # nothing changes: what is known of each file is brought up to date
            status = fresh.get(name) or lstat(f"{live}/{name}")
            if name in files.reused or status is None:
                publication.live[name] = files.live_known[name]
            else:
                publication.live[name] = (wanted[name], signature_of(status))
        publication.staging = dict(files.staging_known)
        return publication
    in_live = files.walk(live) if live_exists else {}
    reason = staging_impossible(live, in_live)
    if reason is not None:
        return prepare_file_by_file(publication, live, files, wanted, reason)
    prepare_staging(publication, live, in_live, files, names, wanted)
    return publication


def _holds(live: Path, name: str, status: os.stat_result, digest: str, known: Manifest, data: bytes) -> bool:
    """Whether the output folder's file holds ``data`` (by what is known of it, or by reading it)."""
    found = known.get(name)
    if found is not None and tuple(found[1]) == signature_of(status):
        return found[0] == digest
    if status.st_size != len(data):
        return False
    try:
        with open(f"{live}/{name}", "rb") as handle:
            return handle.read() == data
    except OSError:
        return False


def staging_impossible(live: Path, in_live: Mapping[str, str]) -> str | None:
    """Why the site cannot be made in a staging folder and swapped in, or None when it can: the folder above
    cannot be written, the output folder is a mount point, or it holds a special file (a socket, a pipe, a
    device) that a new folder could not carry over."""
    special = next((name for name, kind in in_live.items() if kind == OTHER), None)
    if special is not None:
        return f"it holds a special file, {special}"
    parent = live.parent
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot write in {parent}"
    if live.is_dir():
        try:
            if os.lstat(live).st_dev != os.lstat(parent).st_dev:
                return f"{live} is a mount point"
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def prepare_staging(publication: Publication, live: Path, in_live: Mapping[str, str], files: SiteFiles,
                    names: list[str], wanted: dict[str, str]) -> None:
    """Make the staging folder hold the new site and the output folder's own files (see the module)."""
    staging = staging_folder(live)
    status = lstat(str(staging))
    if status is not None and not stat.S_ISDIR(status.st_mode):
        os.unlink(staging)  # a file or a link where the staging folder goes: never written through
        status = None
    if status is None:
        os.mkdir(staging)
    copy_folder_attributes(live, staging)
    in_staging = files.walk(staging)
    ours = set(names)
    ours_folders = folders_of(names)
    made = set(files.previous) | folders_of(files.previous) | ours | ours_folders
    own = {name: kind for name, kind in in_live.items()
           if kind in (FILE, LINK, FOLDER) and name not in made and not any(p in ours for p in parents(name))
           and not (name.endswith(".tmp") and is_leftover(name.rpartition("/")[2], None, live / name.rpartition("/")[0]))}
    own_files = {name: kind for name, kind in own.items() if kind != FOLDER}
    folders = ours_folders | folders_of(own_files) | {name for name, kind in own.items() if kind == FOLDER}
    # 1. Remove what the new site does not hold (deepest first), and anything of the wrong kind.
    unwanted = [name for name, kind in in_staging.items()
                if not ((kind == FILE and name in ours) or (kind == FOLDER and name in folders)
                        or (name in own_files and own_files[name] == kind))]
    for name in sorted(unwanted, key=depth, reverse=True):
        remove_entry(staging, name, in_staging[name])
    # 2. Folders (with the mode and owner of the output folder's own, where it has them).
    for name in sorted((name for name in folders if in_staging.get(name) != FOLDER), key=depth):
        os.mkdir(f"{staging}/{name}")
        if in_live.get(name) == FOLDER:
            copy_folder_attributes(Path(f"{live}/{name}"), Path(f"{staging}/{name}"))
    # 3. The site's files: kept if already there, linked from the output folder if it holds them, else written.
    # A file of the output folder whose count of links changes (linked here, or its twin here replaced) gets a
    # new change time: those are looked at again for what the staging folder will hold after the swap.
    missing: list[str] = []
    touched: set[str] = set()
    for name in names:
        target = f"{staging}/{name}"
        now = lstat(target) if in_staging.get(name) == FILE else None
        if now is not None:
            found = files.staging_known.get(name)
            if found is not None and found[0] == wanted[name] and tuple(found[1]) == signature_of(now):
                publication.live[name] = (wanted[name], signature_of(now))
                continue
            if now.st_nlink > 1:
                touched.add(name)
        if name in files.reused or name in publication.unchanged:
            linked = link_from_live(live, staging, name, files.live_known.get(name), wanted[name],
                                    files.rendered.get(name))
            if linked:
                if linked == LINKED:
                    touched.add(name)
                publication.live[name] = (wanted[name], signature_of(os.lstat(target)))
                continue
        data = files.rendered.get(name)
        if data is None:
            missing.append(name)
            continue
        write_into(staging, name, data)
        publication.live[name] = (wanted[name], signature_of(os.lstat(target)))
    if missing:  # reused files that changed in the output folder since the render looked
        for name, data in files.render(missing).items():
            write_into(staging, name, data)
            publication.live[name] = (content_digest(data), signature_of(os.lstat(f"{staging}/{name}")))
            if name in publication.unchanged:
                publication.unchanged.remove(name)
                publication.written.append(name)
    # 4. The output folder's own files, as they are there.
    for name, kind in own_files.items():
        mirror_entry(live, staging, name, kind, in_staging.get(name))
    # What the staging folder holds after the swap: the old site, as recorded, but for the files whose change
    # time moved (a file shared with the new site is known by the new site's record of it).
    publication.staging = dict(files.live_known)
    for name in touched:
        status = lstat(f"{live}/{name}")
        made, known = publication.live.get(name), files.live_known.get(name)
        if status is None or not stat.S_ISREG(status.st_mode):
            publication.staging.pop(name, None)
        elif made is not None and made[1][3] == status.st_ino:
            publication.staging[name] = (made[0], signature_of(status))
        elif known is not None and known[1][3] == status.st_ino:
            publication.staging[name] = (known[0], signature_of(status))
        else:
            publication.staging.pop(name, None)
    publication.written.sort()
    publication.mode = "swap"


def copy_folder_attributes(source: Path, target: Path) -> None:
    """Give ``target`` the permissions and (where this process may) the owner of the folder ``source``."""
    found = lstat(str(source))
    if found is None or not stat.S_ISDIR(found.st_mode):
        return
    now = os.lstat(target)
    if (now.st_uid, now.st_gid) != (found.st_uid, found.st_gid):
        with suppress(OSError):
            os.chown(target, found.st_uid, found.st_gid)
    if stat.S_IMODE(now.st_mode) != stat.S_IMODE(found.st_mode):
        os.chmod(target, stat.S_IMODE(found.st_mode))


def link_from_live(live: Path, staging: Path, name: str, known: Known | None, digest: str,
                   data: bytes | None) -> str | None:
    """Put the output folder's file in the staging folder as a hard link (a copy where links fail), when it
    holds the content wanted: ``LINKED`` (or ``SAME``: it was already there, ``COPIED``); None when the
    output folder's file does not hold it (any more)."""
    source = f"{live}/{name}"
    before = lstat(source)
    if before is None or not stat.S_ISREG(before.st_mode):
        return None
    if known is None or tuple(known[1]) != signature_of(before) or known[0] != digest:
        if data is None or not _holds(live, name, before, digest, {}, data):
            return None
    target = Path(f"{staging}/{name}")
    there = lstat(str(target))
    if there is not None and (there.st_ino, there.st_dev) == (before.st_ino, before.st_dev):
        return SAME  # already the same file (a rename onto it would do nothing)
    temp = temp_name(target)
    try:
        os.link(source, temp)
    except FileExistsError:
        return COPIED if copy_into(source, staging, name, before) else None  # a name taken by chance
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES):
            raise
        return COPIED if copy_into(source, staging, name, before) else None
    try:
        if os.lstat(temp).st_ino != before.st_ino:  # replaced between the look and the link
            os.unlink(temp)
            return None
        os.replace(temp, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    return LINKED


def copy_into(source: str, staging: Path, name: str, before: os.stat_result) -> bool:
    """Copy a file of the output folder into the staging folder (for file systems without hard links)."""
    try:
        with open(source, "rb") as handle:
            data = handle.read()
    except OSError:
        return False
    if len(data) != before.st_size:
        return False
    write_into(staging, name, data)
    return True


def write_into(folder: Path, name: str, data: bytes) -> None:
    """Write a file through a temporary file and a rename (a full disk leaves no half file)."""
    target = Path(f"{folder}/{name}")
    fd, temp = temp_beside(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except OSError as exc:
        with suppress(OSError):
            temp.unlink()
        if exc.filename is None:  # a full disk: say which file could not be written
            raise OSError(exc.errno, exc.strerror, str(target)) from None
        raise
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise


def mirror_entry(live: Path, staging: Path, name: str, kind: str, there: str | None) -> None:
    """Give the staging folder the output folder's own file or link ``name`` (a hard link to the same file)."""
    source, target = f"{live}/{name}", f"{staging}/{name}"
    if kind == LINK:
        pointer = os.readlink(source)
        if there == LINK and os.readlink(target) == pointer:
            return
        temp = temp_name(Path(target))
        os.symlink(pointer, temp)
        os.replace(temp, target)
        return
    before, now = lstat(source), lstat(target)
    if before is None:
        return
    if now is not None and (now.st_ino, now.st_dev) == (before.st_ino, before.st_dev):
        return
    temp = temp_name(Path(target))
    try:
        os.link(source, temp)
    except OSError:
        shutil.copy2(source, temp)
    os.replace(temp, target)


def remove_entry(folder: Path, name: str, kind: str) -> None:
    """Delete a file, link or folder (with what it holds) of the staging folder."""
    path = f"{folder}/{name}"
    if kind == FOLDER:
        remove_tree(Path(path))
    else:
        with suppress(FileNotFoundError):
            os.unlink(path)


def remove_tree(path: Path) -> None:
    """Delete a folder and everything in it, never following a link."""
    if os.path.islink(path) or not os.path.isdir(path):
        with suppress(FileNotFoundError):
            os.unlink(path)
        return
    shutil.rmtree(path)


# -- swapping ------------------------------------------------------------------------------------


def swap_folders(live: Path) -> None:
    """Put the staging folder in place of the output folder, and the old site in the staging folder."""
    staging = staging_folder(live)
    if not os.path.lexists(live):
        os.rename(staging, live)
        return
    if exchange_folders(live, staging):
        return
    old = old_folder(live)
    os.rename(live, old)
    os.rename(staging, live)  # between these two renames, the output folder does not exist
    os.rename(old, staging)


# -- file by file ------------------------------------------------------------------------------------


def prepare_file_by_file(publication: Publication, live: Path, files: SiteFiles, wanted: dict[str, str],
                         reason: str) -> Publication:
    """Stage every changed file beside its target in the output folder; ``commit`` renames them all."""
    publication.mode = "files"
    publication.warning = f"{publication.folder} is updated file by file, not swapped whole ({reason})"
    for folder, _, names in os.walk(live) if live.is_dir() else []:
        for name in names:
            if name.endswith(".tmp") and is_leftover(name, None, folder):
                with suppress(OSError):
                    os.unlink(os.path.join(folder, name))
    try:
        for name in publication.written:
            data = files.rendered[name]
            target = Path(f"{live}/{name}")
            make_folders(live, name)
            fd, temp = temp_beside(target)
            publication._staged.append((temp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
    except BaseException:
        publication.discard()
        raise
    publication._stale = [Path(f"{live}/{name}") for name in publication.removed]
    for name in {*files.rendered, *files.reused}:  # a file renamed into place is known from the next render on
        if name in files.reused:
            publication.live[name] = files.live_known[name]
        elif name not in publication.written:
            status = lstat(f"{live}/{name}")
            if status is not None:
                publication.live[name] = (wanted[name], signature_of(status))
    return publication


def make_folders(live: Path, name: str) -> None:
    """Make the folders of ``name`` in the output folder; a link or file in their way is replaced."""
    for folder in parents(name):
        path = f"{live}/{folder}"
        status = lstat(path)
        if status is not None and stat.S_ISDIR(status.st_mode):
            continue
        if status is not None:
            os.unlink(path)
        os.mkdir(path)


def commit_file_by_file(live: Path, staged: list[tuple[Path, Path]], stale: list[Path]) -> None:
    for temp, target in staged:
        os.replace(temp, target)
    for path in stale:
        with suppress(FileNotFoundError):
            path.unlink()
        for parent in path.parents:
            if parent == live or not parent.is_relative_to(live):
                break
            try:
                parent.rmdir()
            except OSError:
                break
