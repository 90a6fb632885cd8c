"""A .mo patched with what ``update`` changed in its catalogue, instead of compiled from the whole file.

When the store knows that the .mo on disk was compiled from the catalogue
as it was before a change (a ``CatalogChange`` from ``update``), the same
way, only the pairs of the changed entries are replaced.  The full compile
is the definition; verify mode compares the bytes.
"""

from __future__ import annotations

import bisect
import struct
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict

import polib

from i18nprofiles.gettext.mofile import (
    MO_HEADER,
    Buffer,
    assemble_mo,
    entry_pair,
    header_translation,
)
from i18nprofiles.gettext.pofile import plural_count
from i18nprofiles.gettext.stats import Statistics, entry_status, find_problems
from i18nprofiles.store.changes import CatalogChange


def patch_mo(data: bytes, edits: Mapping[bytes, tuple[bytes | None, bytes | None]]) -> bytes | None:
    """The .mo ``data`` (written by ``encode_mo``) with some pairs replaced, added or dropped.

    ``edits`` maps an original to (the translation ``data`` must hold for it,
    the translation it gets), None meaning no pair.  Returns None when
    ``data`` does not hold what ``edits`` expects.
    """
    count = MO_HEADER.unpack_from(data)[2]
    table = struct.unpack_from(f"<{4 * count}I", data, MO_HEADER.size)
    view = memoryview(data)  # slices of a view copy nothing

    def original(index: int) -> bytes:
        return data[table[2 * index + 1] : table[2 * index + 1] + table[2 * index]]

    def translation(index: int) -> bytes:
        at = 2 * (count + index)
        return data[table[at + 1] : table[at + 1] + table[at]]

    removed: set[int] = set()
    added: list[tuple[int, bytes, bytes]] = []
    for source, (expected, wanted) in edits.items():
        index = bisect.bisect_left(range(count), source, key=original)
        present = index < count and original(index) == source
        if (translation(index) if present else None) != expected:
            return None
        if present:
            removed.add(index)
        if wanted is not None:
            added.append((index, source, wanted))
    added.sort()
    lengths: tuple[list[int], list[int]] = ([], [])
    pieces: tuple[list[Buffer], list[Buffer]] = ([], [])

    def keep(start: int, stop: int) -> None:
        """Copy the pairs ``start`` to ``stop`` (excluded) of ``data``, strings and lengths."""
        for column in (0, 1):
            first, last = 2 * (column * count + start), 2 * (column * count + stop - 1)
            lengths[column].extend(table[first : last + 1 : 2])
            pieces[column].append(view[table[first + 1] : table[last + 1] + table[last] + 1])

    start = 0
    inserted = iter(added)
    upcoming = next(inserted, None)
    for index in sorted(removed | {position for position, _, _ in added}) + [count]:
        if start < index:
            keep(start, index)
        while upcoming is not None and upcoming[0] == index:
            for column in (0, 1):
                lengths[column].append(len(upcoming[1 + column]))
                pieces[column].append(upcoming[1 + column] + b"\0")
            upcoming = next(inserted, None)
        start = index + 1 if index in removed else index
    return assemble_mo(lengths[0], lengths[1], pieces[0], pieces[1])



def make_catalog(metadata: Mapping[str, str], entries: Iterable[polib.POEntry] = ()) -> polib.POFile:
    """A catalogue in memory with this header and these entries."""
    catalog = polib.POFile()
    catalog.metadata = dict(metadata)
    catalog.extend(entries)
    return catalog


def collect_edits(change: CatalogChange, use_fuzzy: bool) -> dict[bytes, tuple[bytes | None, bytes | None]] | None:
    """For ``patch_mo``: each original the change touches, with its translation before and after.

    None when two entries would give the same original (only a full compile
    reproduces such a file).
    """
    old_header, new_header = (header_translation(metadata, use_fuzzy) for metadata in change.metadata)
    versions: tuple[dict[bytes, bytes], dict[bytes, bytes]] = ({b"": old_header}, {b"": new_header})
    for entries in change.entries.values():
        for side, entry in enumerate(entries):
            pair = entry_pair(entry, use_fuzzy) if entry is not None else None
            if pair is None:
                continue
            if pair[0] in versions[side]:
                return None
            versions[side][pair[0]] = pair[1]
    return {source: (versions[0].get(source), versions[1].get(source)) for source in versions[0].keys() | versions[1]}


def adjust_statistics(statistics: Statistics, change: CatalogChange) -> Statistics:
    """The statistics of the catalogue before ``change``, brought to the catalogue after it."""
    counts = Counter(asdict(statistics))
    for old, new in change.entries.values():
        if old is not None:
            counts[entry_status(old)] -= 1
        if new is not None:
            counts[entry_status(new)] += 1
    return Statistics(**counts)


def patch_compiled(mo: bytes, statistics: Statistics, change: CatalogChange,
                   use_fuzzy: bool) -> tuple[bytes, Statistics] | None:
    """The .mo and statistics after ``change``, from the .mo and statistics of the catalogue before it.

    None when a patch cannot give the bytes of a full compile: the number of
    plural forms changed, a changed entry has a problem (a full compile
    reports it with its line), or two entries give the same original.
    """
    old_header, new_header = (make_catalog(metadata) for metadata in change.metadata)
    if plural_count(old_header) != plural_count(new_header):
        return None
    changed = make_catalog(change.metadata[1], [new for _, new in change.entries.values() if new is not None])
    if find_problems(changed, change.path):
        return None
    edits = collect_edits(change, use_fuzzy)
    patched = patch_mo(mo, edits) if edits is not None else None
    if patched is None:
        return None
    return patched, adjust_statistics(statistics, change)
