"""A .mo remade from the .mo compiled before a change, instead of from the whole catalogue.

When the store knows that the .mo on disk was compiled from the catalogue
as it was before a change (a ``CatalogChange`` from ``update``), the same
way, its messages are read back from it, those of the changed entries
replaced, and the file written again: no parse of the catalogue.  The full
compile is the definition; verify mode compares the bytes.
"""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict

import polib

from i18nprofiles.gettext.checks import find_problems
from i18nprofiles.gettext.messages import header_charset, is_compiled, read_header
from i18nprofiles.gettext.mofile import (
    MO_MAGIC,
    MoMessage,
    header_translation,
    make_message,
    message_spans,
    write_mo,
)
from i18nprofiles.gettext.stats import Statistics, entry_status
from i18nprofiles.store.changes import CatalogChange

HEADER = struct.Struct("<7I")
DATED = "POT-Creation-Date"


def read_messages(data: bytes) -> dict[bytes, MoMessage] | None:
    """The messages of a .mo with no system-dependent strings, by key; None for any other file."""
    magic, revision, count, originals_at, translations_at, _, _ = HEADER.unpack_from(data)
    if magic != MO_MAGIC or revision != 0:
        return None
    originals = struct.unpack_from(f"<{2 * count}I", data, originals_at)
    translations = struct.unpack_from(f"<{2 * count}I", data, translations_at)
    messages = {}
    for index in range(count):
        size, at = originals[2 * index], originals[2 * index + 1]
        key, nul, plural = data[at:at + size].partition(b"\0")
        size, at = translations[2 * index], translations[2 * index + 1]
        messages[key] = MoMessage(key, plural if nul else None, data[at:at + size])
    return messages


def read_header_translation(data: bytes) -> bytes | None:
    """The translation of the empty msgid (the header) in a .mo with no system-dependent strings; None
    when it has none (its originals are sorted: the empty one is first)."""
    magic, revision, count, originals_at, translations_at, _, _ = HEADER.unpack_from(data)
    if magic != MO_MAGIC or revision != 0 or count == 0 or struct.unpack_from("<I", data, originals_at)[0] != 0:
        return None
    size, at = struct.unpack_from("<2I", data, translations_at)
    return data[at:at + size]


def make_header(metadata: Mapping[str, str]) -> polib.POFile:
    catalog = polib.POFile()
    catalog.metadata = dict(metadata)
    return catalog


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

    None when a patch might not give the bytes of a full compile: the header
    changed otherwise than by its POT-Creation-Date (charset, plural forms),
    a changed entry has a problem (a full compile reports it with its line),
    or the .mo holds system-dependent strings.
    """
    before, after = ({k: v for k, v in metadata.items() if k != DATED} for metadata in change.metadata)
    if before != after:
        return None
    header = make_header(change.metadata[1])
    changed = make_header(change.metadata[1])
    changed.extend(new for _, new in change.entries.values() if new is not None)
    if find_problems(changed, change.path, use_fuzzy=use_fuzzy):
        return None
    charset = header_charset(read_header(header))
    text = header_translation(read_header(header), use_fuzzy)
    compiled = [entry for pair in change.entries.values() for entry in pair
                if entry is not None and is_compiled(entry, use_fuzzy)]
    if not compiled and read_header_translation(mo) == text.encode(charset):
        # No changed entry is in the .mo, before or after, and its header is the same: the same messages
        # make the same bytes.
        return mo, adjust_statistics(statistics, change)
    messages = read_messages(mo)
    if messages is None:
        return None
    for old, new in change.entries.values():
        for entry in (old, new):
            if entry is not None and is_compiled(entry, use_fuzzy):
                messages.pop(make_message(entry, charset).key, None)
    for _, new in change.entries.values():
        if new is not None and is_compiled(new, use_fuzzy):
            message = make_message(new, charset)
            if message.key in messages or message_spans(message) != ([], []):
                return None  # two entries, one original (only the full compile reports it), or a <PRI…> string
            messages[message.key] = message
    messages.pop(b"", None)
    head = [MoMessage(b"", None, text.encode(charset))] if text else []
    return write_mo(head + list(messages.values())), adjust_statistics(statistics, change)
