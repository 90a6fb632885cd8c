"""Renders that redo only what changed: pages reused, translations patched.

The state of a render into a folder records, for every file it left there,
the digest of the file's record (``site.pages.record_digest``: everything
the file is made from but translations) and the file's signature (size,
times, inode); and, per locale, the digest of the catalogue whose
translations it used.  The next render into that folder reuses a file when

- its record has the same digest,
- none of the texts the record shows (``texts()``) translates otherwise than
  in the catalogue the last render used (``changed`` msgids, per locale), and
- the file has the same signature: the bytes that render wrote.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from i18nprofiles.files import Signature, file_signature
from i18nprofiles.site.pages import Record, Table, render_pages
from i18nprofiles.store import Store

STATE = "render-state"  # record kind: the state of the last render into a folder, by the folder's path
FILES = "render-files"  # durable record kind: the files a render left in a folder, whatever the code


@dataclass(frozen=True)
class RenderState:
    """What the last render into a folder made its files from."""

    tables: dict[str, str | None] = field(default_factory=dict)  # locale -> digest of its catalogue (None: none)
    pages: dict[str, tuple[str, Signature]] = field(default_factory=dict)  # name -> (record digest, signature)


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
    return RenderState(*found)


def keep_state(store: Store, output: RenderOutput, tables: dict[str, str | None], digests: Mapping[str, str],
               previous: RenderState) -> None:
    """Record the translations used and the digest and signature of every file as it now is in the folder
    (a reused file kept its signature; only the files made are looked at)."""
    base = str(output.folder)
    pages = {name: (digest, previous.pages[name][1] if name in output.reused else file_signature(f"{base}/{name}"))
             for name, digest in digests.items()}
    pages = {name: known for name, known in pages.items() if known[1] is not None}
    store.keep(STATE, state_slot(output.folder), "state", (tables, pages), shared=True)


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
    """The files the last render (by any version of the code) left in ``folder``."""
    found = store.recall(FILES, state_slot(folder), "files", durable=True)
    return [name for name in found if isinstance(name, str)] if isinstance(found, list) else []


def keep_files(store: Store, folder: Path, names: list[str]) -> None:
    store.keep(FILES, state_slot(folder), "files", sorted(names), durable=True)
