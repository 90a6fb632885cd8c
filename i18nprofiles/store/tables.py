"""Translation tables kept between runs, and patched with what ``update`` changed.

A table (msgid → (translation, fuzzy)) is what rendering needs of a
catalogue.  The store keeps each catalogue's table under the digest of its
bytes; after an ``update`` that changed a few entries, the table of the new
file is the table of the old one with those entries replaced, without
parsing the catalogue.  A catalogue with msgctxt entries that translate is
not patched: which of two entries of one msgid wins depends on their order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import polib

from i18nprofiles.site.pages import Translation, table_from_catalog, translation_of
from i18nprofiles.store import Input, Store
from i18nprofiles.store.changes import CatalogChange


class KeptTable(NamedTuple):
    """A catalogue's table, and whether an entry with a msgctxt gives a translation."""

    table: dict[str, Translation]
    contexts: bool


@dataclass(frozen=True)
class TableInputs:
    """A catalogue file; the catalogue it holds when already in memory; what ``update`` changed in it."""

    file: Input
    parsed: polib.POFile | None = None
    change: CatalogChange | None = None


def keep_table(catalog: polib.POFile) -> KeptTable:
    """The table of a catalogue."""
    contexts = any(entry.msgctxt is not None and translation_of(entry) is not None for entry in catalog)
    return KeptTable(table_from_catalog(catalog), contexts)


def decode_table(data: Any) -> KeptTable | None:
    """A kept table, if the record has the shape of one."""
    if not isinstance(data, tuple) or len(data) != 2 or not isinstance(data[0], dict) or not isinstance(data[1], bool):
        return None
    if not all(isinstance(msgid, str) and isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], str)
               and isinstance(found[1], bool) for msgid, found in data[0].items()):
        return None
    return KeptTable(*data)


KIND = "table"  # record kind: slot = a catalogue's absolute path, key = its digest


def table_slot(inputs: TableInputs) -> str:
    return os.path.abspath(inputs.file.path)


def patch_table(store: Store, inputs: TableInputs) -> KeptTable | None:
    """The table of the catalogue in memory; or the table kept for the file before ``change``, patched."""
    if inputs.parsed is not None:
        return keep_table(inputs.parsed)
    change = inputs.change
    if change is None or change.before is None or change.after != inputs.file.digest:
        return None
    old = decode_table(store.recall(KIND, table_slot(inputs), change.before))
    if old is None or old.contexts:
        return None
    return apply_change(old, change.entries)


def apply_change(kept: KeptTable, entries: Mapping[Any, tuple[polib.POEntry | None, polib.POEntry | None]]
                 ) -> KeptTable | None:
    """``kept`` with the changed entries' translations; None when one has a msgctxt (see the module's docstring)."""
    table = dict(kept.table)
    for (context, msgid), (_, entry) in entries.items():
        found = translation_of(entry) if entry is not None else None
        if context is not None:
            if found is not None:
                return None
            continue
        if found is None:
            table.pop(msgid, None)
        else:
            table[msgid] = found
    return KeptTable(table, False)
