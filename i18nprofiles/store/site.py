"""Pages reused between renders: a file whose record did not change is not rendered again.

The state of a render into a folder records, for every file it left there,
the digest of the file's record (``site.pages.record_digest``) and the file's
signature (size, times, inode).  The next render into that folder reuses a
file when its record has the same digest and the file the same signature:
the same inputs, and the bytes that render wrote.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from i18nprofiles.files import Signature, file_signature
from i18nprofiles.site.pages import Record, render_pages
from i18nprofiles.store import Store

STATE = "render-state"  # record kind: {file name: (record digest, signature)}, by output folder
FILES = "render-files"  # durable record kind: the files a render left in a folder, whatever the code


@dataclass(frozen=True)
class RenderInputs:
    """The files of a site to make in ``folder``: their records and the records' digests."""

    folder: Path
    records: Mapping[str, Record]
    digests: Mapping[str, str]
    workers: int | None = None


@dataclass(frozen=True)
class RenderOutput:
    """The bytes of the files rendered, and the names of the files reused as they are on disk."""

    folder: Path
    files: dict[str, bytes]
    reused: frozenset[str] = field(default_factory=frozenset)

    def contents(self) -> dict[str, bytes]:
        """Every file's bytes, the reused ones read from the folder (what verify mode compares)."""
        found = dict(self.files)
        found.update((name, (self.folder / name).read_bytes()) for name in self.reused)
        return dict(sorted(found.items()))


def state_slot(folder: Path) -> str:
    return os.path.abspath(folder)


def recall_state(store: Store, folder: Path) -> dict[str, tuple[str, Signature]]:
    """The state the last render (by this code) left in ``folder``; empty when there is none."""
    found = store.recall(STATE, state_slot(folder), "state")
    return found if isinstance(found, dict) else {}


def reuse_pages(store: Store, inputs: RenderInputs) -> RenderOutput | None:
    """Render only the files whose record changed since the last render into the folder; None without one."""
    previous = recall_state(store, inputs.folder)
    if not previous:
        return None
    base = str(inputs.folder)
    reused = frozenset(
        name for name, digest in inputs.digests.items()
        if (known := previous.get(name)) is not None and known[0] == digest
        and tuple(known[1]) == file_signature(f"{base}/{name}")
    )
    todo = [name for name in inputs.records if name not in reused]
    return RenderOutput(inputs.folder, render_pages(inputs.records, todo, inputs.workers), reused)


def keep_state(store: Store, folder: Path, digests: Mapping[str, str]) -> None:
    """Record the digest and the signature of every file of the site as it now is in ``folder``."""
    base = str(folder)
    state = {name: (digest, signature) for name, digest in digests.items()
             if (signature := file_signature(f"{base}/{name}")) is not None}
    store.keep(STATE, state_slot(folder), "state", state, shared=True)


def recall_files(store: Store, folder: Path) -> list[str]:
    """The files the last render (by any version of the code) left in ``folder``."""
    found = store.recall(FILES, state_slot(folder), "files", durable=True)
    return [name for name in found if isinstance(name, str)] if isinstance(found, list) else []


def keep_files(store: Store, folder: Path, names: list[str]) -> None:
    store.keep(FILES, state_slot(folder), "files", sorted(names), durable=True)
