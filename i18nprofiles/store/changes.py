"""What ``update`` changed in a catalogue, handed to ``compile`` so that it patches the ``.mo``.

A change names the file's bytes before and after (SHA-256): a step that
cannot vouch for its own earlier output ignores it and does its whole work,
so a change is only ever a shortcut to the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polib

from i18nprofiles.gettext.pofile import Key, entry_content


@dataclass(frozen=True)
class CatalogChange:
    """How ``update`` changed one catalogue, entry by entry.

    ``entries`` maps the key of every entry whose content differs between
    the two files (obsolete entries included) to its (old, new) versions;
    None stands for an entry the file did not or does not hold.  ``before``
    and ``after`` are the SHA-256 of the file's bytes (``before`` is None
    for a catalogue that did not exist).
    """

    path: Path
    before: str | None
    after: str
    metadata: tuple[dict[str, str], dict[str, str]]  # the header before and after
    entries: dict[Key, tuple[polib.POEntry | None, polib.POEntry | None]] = field(default_factory=dict)


def diff_catalogs(
    old: polib.POFile | None, new: polib.POFile, path: Path, before: str | None, after: str
) -> CatalogChange:
    """The change from ``old`` (None: no file) to ``new``, comparing every entry."""
    was = {(e.msgctxt, e.msgid): e for e in old} if old is not None else {}
    now = {(e.msgctxt, e.msgid): e for e in new}
    entries: dict[Key, tuple[polib.POEntry | None, polib.POEntry | None]] = {}
    for key in [*was, *(k for k in now if k not in was)]:
        first, second = was.get(key), now.get(key)
        if first is None or second is None or entry_content(first) != entry_content(second):
            entries[key] = (first, second)
    metadata = dict(old.metadata) if old is not None else {}
    return CatalogChange(path, before, after, (metadata, dict(new.metadata)), entries)
