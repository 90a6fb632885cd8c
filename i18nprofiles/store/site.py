"""Renders that redo only what changed: pages reused, translations patched.

The state of a render into a folder records, for every file it left there,
the digest of the file's record (``site.pages.record_digest``: everything
the file is made from but translations), the file's signature (size,
times, inode) and the digest of its bytes; and, per locale, the digest of
the catalogue whose translations it used.  The next render into that folder
reuses a file when

- its record has the same digest,
- none of the texts the record shows (``texts()``) translates otherwise than
  in the catalogue the last render used (``changed`` msgids, per locale), and
- the file has the same signature: the bytes that render wrote.

The files of the folder where the next version of the site is made
(``publish``: the staging folder) are recorded too, by content digest and
signature, so that only the files that differ there are written again.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from i18nprofiles.files import Signature, file_signature
from i18nprofiles.publish import FILE, FOLDER, LINK, OTHER, is_plain_name, list_folder, walk
from i18nprofiles.site.pages import Record, Table, render_pages
from i18nprofiles.store import Mismatch, Store

STATE = "render-state"  # record kind: the state of the last render into a folder, by the folder's path
FILES = "render-files"  # durable record kind: the files a render left in a folder, whatever the code
STAGING = "render-staging"  # durable record kind: what the staging folder of a folder holds
LISTINGS = "render-listings"  # record kind: the entries of the folders of a site and its staging folder
KINDS = frozenset({FILE, FOLDER, LINK, OTHER})

Known = tuple[str, Signature]  # a file's content digest and signature


@dataclass(frozen=True)
class RenderState:
    """What the last render into a folder made its files from."""

    tables: dict[str, str | None] = field(default_factory=dict)  # locale -> digest of its catalogue (None: none)
    pages: dict[str, tuple[str, Signature, str]] = field(default_factory=dict)  # name -> (record, signature, content)

    def known(self) -> dict[str, Known]:
        """What is known of each file in the folder: its content digest and signature."""
        return {name: (content, signature) for name, (_, signature, content) in self.pages.items()}


@dataclass(frozen=True)
class RenderInputs:
    """The files of a site to make in ``folder``: their records, the records' digests, the translations,
    and the msgids of each locale that translate otherwise than for the last render (None: not known)."""

    folder: Path
    records: Mapping[str, Record]
    digests: Mapping[str, str]
    tables: Mapping[str, Table]
    changed: Mapping[str, frozenset[str] | None]
    previous: RenderState
    workers: int | None = None
    progress: Callable[[int, int], None] | None = field(default=None, compare=False)  # files made, of how many


@dataclass(frozen=True)
class RenderOutput:
    """The bytes of the files rendered, and the names of the files reused as they are on disk."""

    folder: Path
    files: dict[str, bytes]
    reused: frozenset[str] = frozenset()

    def contents(self) -> dict[str, bytes]:
        """Every file's bytes, the reused ones read from the folder (what verify mode compares)."""
        found = dict(self.files)
        found.update((name, (self.folder / name).read_bytes()) for name in self.reused)
        return dict(sorted(found.items()))


def state_slot(folder: Path) -> str:
    return os.path.abspath(folder)


def recall_state(store: Store, folder: Path) -> RenderState:
    """The state the last render (by this code) left in ``folder``; an empty one when there is none."""
    found = store.recall(STATE, state_slot(folder), "state")
    if not isinstance(found, tuple) or len(found) != 2 or not isinstance(found[0], dict) or not isinstance(found[1], dict):
        return RenderState()
    pages = {name: known for name, known in found[1].items() if _valid_page(known)}
    return RenderState(found[0], pages)


def _valid_page(known: object) -> bool:
    return (isinstance(known, tuple) and len(known) == 3 and isinstance(known[0], str) and isinstance(known[2], str)
            and isinstance(known[1], tuple) and len(known[1]) == 4)


def keep_state(store: Store, folder: Path, tables: dict[str, str | None], digests: Mapping[str, str],
               files: Mapping[str, Known]) -> None:
    """Record the translations used and, for every file the folder will hold, its record's digest, signature
    and content digest (``files``: what publishing says of each)."""
    pages = {name: (digest, tuple(files[name][1]), files[name][0]) for name, digest in digests.items() if name in files}
    store.keep(STATE, state_slot(folder), "state", (tables, pages), shared=True)


def reuse_pages(store: Store, inputs: RenderInputs) -> RenderOutput | None:
    """Render only the files whose inputs changed since the last render into the folder; None without one."""
    previous = inputs.previous.pages
    if not previous:
        return None
    base = str(inputs.folder)
    reused = set()
    for name, digest in inputs.digests.items():
        known = previous.get(name)
        if known is None or known[0] != digest:
            continue
        record = inputs.records[name]
        lang = getattr(record, "lang", None)
        changed = inputs.changed.get(lang.code) if lang is not None else frozenset()
        if changed is None or (changed and not changed.isdisjoint(record.texts())):
            continue
        if tuple(known[1]) == file_signature(f"{base}/{name}"):
            reused.add(name)
    todo = [name for name in inputs.records if name not in reused]
    return RenderOutput(inputs.folder, render_pages(inputs.records, todo, inputs.tables, inputs.workers,
                                                    inputs.progress), frozenset(reused))


def recall_files(store: Store, folder: Path) -> list[str]:
    """The files the last render (by any version of the code) left in ``folder`` (plain relative names only:
    those no longer made are removed, and a crafted record must not name a file outside the folder)."""
    found = store.recall(FILES, state_slot(folder), "files", durable=True)
    return [name for name in found if isinstance(name, str) and is_plain_name(name)] if isinstance(found, list) else []


def keep_files(store: Store, folder: Path, names: list[str]) -> None:
    store.keep(FILES, state_slot(folder), "files", sorted(names), durable=True)


def recall_staging(store: Store, folder: Path) -> dict[str, Known]:
    """What the staging folder of ``folder`` held when a render last swapped (content digest and signature)."""
    found = store.recall(STAGING, state_slot(folder), "staging", durable=True)
    if not isinstance(found, dict):
        return {}
    return {name: (known[0], tuple(known[1])) for name, known in found.items()
            if isinstance(name, str) and isinstance(known, tuple) and len(known) == 2 and isinstance(known[0], str)
            and isinstance(known[1], tuple) and len(known[1]) == 4}


def keep_staging(store: Store, folder: Path, files: Mapping[str, Known]) -> None:
    store.keep(STAGING, state_slot(folder), "staging", dict(files), shared=True, durable=True)


class FolderListings:
    """Folder listings kept between renders: a folder whose inode, modification and change times are the ones
    recorded holds the entries recorded (adding, removing or renaming an entry sets both times).

    Only folders settled when listed are kept (``Store.settled``): a folder
    changed again within the same tick of the clock keeps its times.  The
    site and its staging folder swap names, not inodes: one record serves both.
    In verify mode each walk is compared with a walk that lists every folder.
    """

    def __init__(self, store: Store, folder: Path) -> None:
        self.store, self.slot = store, state_slot(folder)
        found = store.recall(LISTINGS, self.slot, "listings") if store.uses("listings") else None
        self.known: dict[int, tuple[int, int, tuple[tuple[str, str], ...]]] = found if isinstance(found, dict) else {}
        self.seen: dict[int, tuple[int, int, tuple[tuple[str, str], ...]]] = {}
        self.walked = False
        self.shared: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}
        self.checked: dict[object, bool] = {}  # recalled listings checked (``_valid``)

    def list(self, rel: str, path: str) -> tuple[tuple[str, str], ...]:
        """The entries of the folder at ``path`` (``rel``: its name in the site; the top one is always listed)."""
        try:
            status = os.lstat(path)
        except OSError:
            return ()
        known = self.known.get(status.st_ino) if rel else None
        if (isinstance(known, tuple) and len(known) == 3 and known[0] == status.st_mtime_ns
                and known[1] == status.st_ctime_ns and self._valid(known[2])):
            entries = known[2]
        else:  # (the same entries are one tuple: page folders hold one index.html each, kept once)
            entries = list_folder(path)
            entries = self.shared.setdefault(entries, entries)
        if self.store.settled(status.st_ctime_ns):
            self.seen[status.st_ino] = (status.st_mtime_ns, status.st_ctime_ns, entries)
        return entries

    def _valid(self, entries: object) -> bool:
        """Whether a recalled listing is one ``list_folder`` could give: plain names (a crafted record must not
        name ``..`` or a path, which the render would then remove), known kinds.  Each distinct one checked once."""
        try:
            found = self.checked.get(entries) if isinstance(entries, tuple) else False
        except TypeError:  # (a tuple that holds a list: no listing)
            return False
        if found is None:
            found = self.checked[entries] = all(
                isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], str)
                and entry[0] not in ("", ".", "..") and "/" not in entry[0] and "\0" not in entry[0]
                and entry[1] in KINDS for entry in entries)
        return found

    def walk(self, root: Path) -> dict[str, str]:
        """``publish.walk`` of ``root``, listing only the folders that changed."""
        self.walked = True
        found = walk(root, self.list)
        if self.store.verify and found != walk(root):
            raise Mismatch(f"the folders kept of {root} differ from what they hold")
        return found

    def keep(self) -> None:
        """Keep the folders listed this run (when none was, the record stays as it is)."""
        if self.walked:
            self.store.keep(LISTINGS, self.slot, "listings", self.seen, shared=True)
