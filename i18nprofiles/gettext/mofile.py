"""Catalogue → machine object (.mo): the bytes GNU gettext's readers expect."""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping
from itertools import accumulate, chain, repeat
from operator import add
from pathlib import Path

import polib

from i18nprofiles.gettext.stats import is_translated

FUZZY_HEADER = "X-Use-Fuzzy"
Buffer = bytes | memoryview


# -- the .mo format ------------------------------------------------------------
#
# Our .mo files are little-endian with no hash table: a header of seven
# numbers, a table of (length, offset) for every original, the same for every
# translation, then every original and every translation, each followed by a
# NUL, in the order of the originals' bytes.

MO_MAGIC = 0x950412DE
MO_HEADER = struct.Struct("<7I")


def encode_mo(pairs: Iterable[tuple[bytes, bytes]]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) from (original, translation) byte strings.

    Originals are sorted by bytes, as gettext's binary search expects.
    """
    items = sorted(pairs)
    originals = b"".join(original + b"\0" for original, _ in items)
    translations = b"".join(translation + b"\0" for _, translation in items)
    return assemble_mo([len(o) for o, _ in items], [len(t) for _, t in items], [originals], [translations])


def assemble_mo(
    original_lengths: list[int], translation_lengths: list[int], originals: list[Buffer], translations: list[Buffer]
) -> bytes:
    """A .mo from the lengths of its strings, in order, and the pieces of its originals and translations.

    The pieces are the strings one after the other, each ending with a NUL.
    """
    count = len(original_lengths)
    originals_at = MO_HEADER.size
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    strings = chain(original_lengths, translation_lengths)
    starts = list(accumulate(map(add, strings, repeat(1)), initial=data_at))  # each string and its NUL, in C
    table = [0] * (4 * count)
    table[0 : 2 * count : 2] = original_lengths
    table[1 : 2 * count : 2] = starts[:count]
    table[2 * count :: 2] = translation_lengths
    table[2 * count + 1 :: 2] = starts[count:-1]
    header = MO_HEADER.pack(MO_MAGIC, 0, count, originals_at, translations_at, 0, data_at)
    return b"".join([header, struct.pack(f"<{4 * count}I", *table), *originals, *translations])


def header_translation(metadata: Mapping[str, str], use_fuzzy: bool) -> bytes:
    """The translation of the empty original: the catalogue's header without POT-Creation-Date, plus X-Use-Fuzzy."""
    headers = [(k, v) for k, v in metadata.items() if k not in (FUZZY_HEADER, "POT-Creation-Date")]
    if use_fuzzy:
        headers.append((FUZZY_HEADER, "yes"))
    return "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8")


def entry_pair(entry: polib.POEntry, use_fuzzy: bool) -> tuple[bytes, bytes] | None:
    """The (original, translation) an entry puts in the .mo, or None when it is left out.

    Left out: obsolete, untranslated (some form empty), and fuzzy unless
    ``use_fuzzy``.  The original is ``msgctxt\\x04msgid``, plus
    ``\\0msgid_plural`` for a plural entry, whose forms are joined by NULs.
    """
    if entry.obsolete or not entry.msgid or not is_translated(entry) or (entry.fuzzy and not use_fuzzy):
        return None
    original = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
    if entry.msgid_plural:
        original += "\0" + entry.msgid_plural
        translation = "\0".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    else:
        translation = entry.msgstr
    return original.encode("utf-8"), translation.encode("utf-8")


def build_mo(catalog: polib.POFile, *, use_fuzzy: bool = False) -> bytes:
    """The .mo bytes of a catalogue: translated entries, and fuzzy ones only with ``use_fuzzy``.

    The header is the catalogue's own, without POT-Creation-Date (as msgfmt
    does: a re-extraction alone does not change the .mo), plus
    ``X-Use-Fuzzy: yes`` when fuzzy entries are included, so that a later
    compile knows what it finds.
    """
    pairs = [(b"", header_translation(catalog.metadata, use_fuzzy))]
    pairs += [pair for pair in (entry_pair(entry, use_fuzzy) for entry in catalog) if pair is not None]
    return encode_mo(pairs)


def read_mo_header(path: Path) -> str | None:
    """The header (translation of the empty msgid) of a .mo file, read alone; None if it has none or is damaged."""
    try:
        with path.open("rb") as handle:
            head = handle.read(28)
            order = {0x950412DE: "<", 0xDE120495: ">"}.get(struct.unpack("<I", head[:4])[0]) if len(head) == 28 else None
            if order is None:
                return None
            _, _, count, originals, translations = struct.unpack(f"{order}5I", head[:20])
            if count == 0:
                return None
            handle.seek(originals)
            if struct.unpack(f"{order}I", handle.read(4))[0] != 0:
                return None  # the first original, in sorted order, is not the empty msgid
            handle.seek(translations)
            size, offset = struct.unpack(f"{order}2I", handle.read(8))
            handle.seek(offset)
            return handle.read(size).decode("utf-8")
    except (OSError, struct.error, UnicodeDecodeError):
        return None
