"""Catalogue → ``.mo`` bytes, laid out exactly as GNU ``msgfmt`` 0.21 lays them out.

The file is little-endian, its strings unaligned, in the catalogue's own charset (as msgfmt:
the header keeps saying which, and both glibc and Python's ``gettext`` convert from it).  It has
msgfmt's hash table (which glibc uses to find a message in one or two probes) and, when a C
format string uses an ``<inttypes.h>`` macro such as ``%<PRIuMAX>`` or a translation uses the
``I`` flag, msgfmt's *system-dependent strings* (revision 0.1, or 1.1 with ``I``): glibc spells
each macro for the running system (``%<PRIuMAX>`` becomes ``%lu`` or ``%llu``) when it loads the
file, which is how a program's ``_("%" PRIuMAX " objects")`` finds its translation.  Python's
``gettext`` reads only the plain strings, as it does in msgfmt's file.

What goes in: the header (the msgstr of the empty msgid, fuzzy or not) without its
``POT-Creation-Date`` line, as msgfmt, plus ``X-Use-Fuzzy: yes`` when fuzzy entries are
included, so that the next compile knows which policy made the file; then the entries msgfmt
compiles (``messages.is_compiled``).  Without ``use_fuzzy`` the bytes are those of
``msgfmt -o``; with it, those of ``msgfmt -f -o`` but for that header line.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

import polib

from i18nprofiles.errors import CatalogError
from i18nprofiles.gettext.formats import (
    FormatError,
    parse_directives,
    read_format_flags,
)
from i18nprofiles.gettext.messages import (
    MSGCTXT_SEPARATOR,
    compiled_entries,
    header_charset,
    message_key,
    read_header,
    translations,
)

MO_MAGIC = 0x950412DE
SEGMENTS_END = 0xFFFFFFFF
FUZZY_HEADER = "X-Use-Fuzzy"
DROPPED_HEADER = "POT-Creation-Date:"  # msgfmt leaves it out: a new extraction alone does not change the .mo
HEADER_FIELDS = 7  # a revision 0.0 header; 0.1 has 5 more numbers, for the system-dependent strings
SYSDEP_FIELDS = 5
HASH_LANE = 5  # bytes per string in the wide-integer hash computation: 33 bits of state and a carry-free gap


@dataclass(frozen=True)
class MoMessage:
    """One message of a .mo, in the catalogue's charset.

    ``key`` is what a program looks up (``msgctxt\\x04msgid``), ``plural`` the msgid_plural,
    ``translation`` the msgstr or the plural forms joined by NULs; ``c_format`` says the strings
    may hold system-dependent C directives.
    """

    key: bytes
    plural: bytes | None
    translation: bytes
    c_format: bool = False


def build_mo(catalog: polib.POFile, *, use_fuzzy: bool = False) -> bytes:
    """The .mo bytes of a catalogue: the entries msgfmt compiles (fuzzy ones only with ``use_fuzzy``).

    CatalogError (as msgfmt's errors) when two entries have the same msgctxt and msgid, a msgctxt or
    msgid holds the context separator (EOT), or a string cannot be written in the catalogue's charset.
    """
    header = read_header(catalog)
    charset = header_charset(header)
    messages = []
    translation = header_translation(header, use_fuzzy)
    if translation:
        messages.append(MoMessage(b"", None, encode(translation, charset, 0)))
    seen: dict[bytes, int] = {}
    for entry in compiled_entries(catalog, use_fuzzy):
        message = make_message(entry, charset)
        if message.key in seen:
            raise CatalogError(f"duplicate message definition (first at line {seen[message.key]})", None, entry.linenum)
        seen[message.key] = entry.linenum
        messages.append(message)
    return write_mo(messages)


def header_translation(header: str | None, use_fuzzy: bool) -> str:
    """What the .mo gives for the empty msgid: the header without ``POT-Creation-Date`` (its first
    line, as msgfmt) and without ``X-Use-Fuzzy``, plus ``X-Use-Fuzzy: yes`` with ``use_fuzzy``."""
    lines = [line + "\n" for line in (header or "").split("\n")]
    lines[-1] = lines[-1][:-1]  # the text after the last newline
    for index, line in enumerate(lines):
        if line.startswith(DROPPED_HEADER):
            del lines[index]
            break
    lines = [line for line in lines if line and not line.startswith(FUZZY_HEADER + ":")]
    if use_fuzzy:
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines.append(f"{FUZZY_HEADER}: yes\n")
    return "".join(lines)


def encode(text: str, charset: str, line: int) -> bytes:
    try:
        return text.encode(charset)
    except UnicodeEncodeError as error:
        raise CatalogError(f"{text[error.start:error.end]!r} cannot be written in {charset}", None, line) from None


def make_message(entry: polib.POEntry, charset: str) -> MoMessage:
    """The message of a compiled entry, encoded in the catalogue's charset."""
    if MSGCTXT_SEPARATOR in entry.msgid or (entry.msgctxt and MSGCTXT_SEPARATOR in entry.msgctxt):
        raise CatalogError("context separator <EOT> within string", None, entry.linenum)
    try:
        key = message_key(entry).encode(charset)
        if entry.msgid_plural:
            plural = entry.msgid_plural.encode(charset)
            translation = b"\0".join([form.encode(charset) for form in translations(entry)])
        else:
            plural, translation = None, entry.msgstr.encode(charset)
    except UnicodeEncodeError:
        for text in (message_key(entry), entry.msgid_plural or "", *translations(entry)):
            encode(text, charset, entry.linenum)
        raise
    languages = read_format_flags(entry.flags).languages if entry.flags else ()
    return MoMessage(key, plural, translation, "c" in languages or "objc" in languages)


# -- system-dependent strings -------------------------------------------------------------------


def sysdep_spans(text: bytes, translated: bool) -> list[tuple[int, int]]:
    """Where a C format string holds ``<PRI...>`` macros (angle brackets included) or, in a
    translation, ``I`` flags; none when it is not a valid format string."""
    if b"<" not in text and not (translated and b"I" in text):
        return []
    try:
        directives = parse_directives(text.decode("latin-1"), "objc", translated=translated)
    except FormatError:
        return []
    return [span for directive in directives for span in directive.sysdep]


@dataclass(frozen=True)
class SysdepString:
    """A string cut at its system-dependent parts: static pieces, each followed by the index of a
    segment name (``SEGMENTS_END`` after the last)."""

    pieces: tuple[tuple[bytes, int], ...]


def message_spans(message: MoMessage) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The system-dependent spans of a message's key and of its translation (every form)."""
    if not message.c_format:
        return [], []
    separator = message.key.find(b"\x04")
    shift = separator + 1 if separator >= 0 else 0  # msgctxt holds no directives
    key_spans = [(start + shift, end + shift) for start, end in sysdep_spans(message.key[shift:], False)]
    translation_spans: list[tuple[int, int]] = []
    at = 0
    for form in message.translation.split(b"\0"):
        translation_spans += [(start + at, end + at) for start, end in sysdep_spans(form, True)]
        at += len(form) + 1
    return key_spans, translation_spans


def cut_sysdep(text: bytes, spans: list[tuple[int, int]], segments: dict[bytes, int],
               tail: bytes = b"") -> SysdepString:
    """``text`` cut at ``spans``, ``tail`` (a msgid_plural and its NUL) after its last piece; new
    segment names (without angle brackets) are numbered in ``segments``."""
    pieces = []
    last = 0
    for start, end in spans:
        name = text[start:end]
        if len(name) >= 2 and name[:1] == b"<" and name[-1:] == b">":
            name = name[1:-1]
        pieces.append((text[last:start], segments.setdefault(name, len(segments))))
        last = end
    pieces.append((text[last:] + tail, SEGMENTS_END))
    return SysdepString(tuple(pieces))


def split_messages(messages: Sequence[MoMessage]) -> tuple[list[MoMessage], list[tuple[SysdepString, SysdepString]],
                                                           dict[bytes, int]]:
    """The plain messages, the system-dependent ones (original and translation cut in pieces, in the
    given order) and the names of their segments."""
    static: list[MoMessage] = []
    sysdep: list[tuple[SysdepString, SysdepString]] = []
    segments: dict[bytes, int] = {}
    for message in messages:
        key_spans, translation_spans = message_spans(message)
        if not (key_spans or translation_spans):
            static.append(message)
            continue
        tail = message.plural + b"\0" if message.plural is not None else b""
        sysdep.append((cut_sysdep(message.key + b"\0", key_spans, segments, tail),
                       cut_sysdep(message.translation + b"\0", translation_spans, segments)))
    return static, sysdep, segments


# -- the file ----------------------------------------------------------------------------------


def write_mo(messages: Sequence[MoMessage]) -> bytes:
    """A .mo of these messages, in msgfmt's layout.

    Header; tables of the plain messages (sorted by key) and hash table; for system-dependent
    messages, the tables of revision 0.1; then the strings in the same order as the tables.
    """
    static, sysdep, segments = split_messages(messages)
    static.sort(key=lambda message: message.key)
    count = len(static)
    hash_size = hash_table_size(len(messages))
    originals_at = 4 * (HEADER_FIELDS + (SYSDEP_FIELDS if sysdep else 0))
    translations_at = originals_at + 8 * count
    hash_at = translations_at + 8 * count
    offset = hash_at + 4 * hash_size
    revision = ((1 if b"I" in segments else 0) << 16) + (1 if sysdep else 0)
    fields = [MO_MAGIC, revision, count, originals_at, translations_at, hash_size, hash_at]
    if sysdep:
        segments_at = offset
        sysdep_originals_at = segments_at + 8 * len(segments)
        sysdep_translations_at = sysdep_originals_at + 4 * len(sysdep)
        descriptors_at = sysdep_translations_at + 4 * len(sysdep)
        offset = descriptors_at + sum(descriptor_size(string) for pair in sysdep for string in pair)
        fields += [len(segments), segments_at, len(sysdep), sysdep_originals_at, sysdep_translations_at]
    originals = [message.key + b"\0" + message.plural if message.plural is not None else message.key
                 for message in static]
    translations = [message.translation for message in static]
    original_table, offset = string_table(originals, offset)
    translation_table, offset = string_table(translations, offset)
    hash_table = build_hash_table([message.key for message in static], hash_size)
    parts = [pack(fields), original_table, translation_table, pack(hash_table)]
    strings = [b"".join(text + b"\0" for text in originals), b"".join(text + b"\0" for text in translations)]
    if sysdep:
        segment_table, offset = string_table(list(segments), offset, counted_nul=1)
        parts.append(segment_table)
        strings.append(b"".join(name + b"\0" for name in segments))
        strings_in_order = [pair[column] for column in (0, 1) for pair in sysdep]
        parts.append(pack(list(accumulate(map(descriptor_size, strings_in_order[:-1]), initial=descriptors_at))))
        for string in strings_in_order:
            numbers = [offset]
            for text, reference in string.pieces:
                numbers += [len(text), reference]
                offset += len(text)
                strings.append(text)
            parts.append(pack(numbers))
    return b"".join(parts + strings)


def descriptor_size(string: SysdepString) -> int:
    """The bytes of a system-dependent string's descriptor: its offset, then (size, segment) per piece."""
    return 4 + 8 * len(string.pieces)


def pack(numbers: Sequence[int]) -> bytes:
    return struct.pack(f"<{len(numbers)}I", *numbers)


def string_table(strings: Sequence[bytes], offset: int, counted_nul: int = 0) -> tuple[bytes, int]:
    """The (length, offset) table of strings laid out from ``offset``, each followed by a NUL, and the
    offset after them.  ``counted_nul`` is 1 where the length counts the NUL (segment names)."""
    lengths = [len(text) for text in strings]
    starts = list(accumulate((length + 1 for length in lengths), initial=offset))
    numbers = [0] * (2 * len(lengths))
    numbers[0::2] = [length + counted_nul for length in lengths] if counted_nul else lengths
    numbers[1::2] = starts[:-1]
    return pack(numbers), starts[-1]


# -- the hash table --------------------------------------------------------------------------------


def hash_table_size(count: int) -> int:
    """msgfmt's table size for ``count`` messages: the next "prime" after 4/3 of it, at least 3."""
    size = next_prime(count * 4 // 3)
    return size if size > 2 else 3


def next_prime(seed: int) -> int:
    """The smallest odd number >= ``seed`` that gettext's primality test accepts (it calls 3 composite)."""
    seed |= 1
    while not is_prime(seed):
        seed += 2
    return seed


def is_prime(candidate: int) -> bool:
    """gettext's trial division (which, meant for odd numbers of 10 and more, says 3 is not prime)."""
    divisor = 3
    square = divisor * divisor
    while square < candidate and candidate % divisor != 0:
        divisor += 1
        square += 4 * divisor
        divisor += 1
    return candidate % divisor != 0


def build_hash_table(keys: Sequence[bytes], size: int) -> list[int]:
    """Open addressing with double hashing: each key's index + 1 in its slot, keys inserted in order."""
    table = [0] * size
    for index, value in enumerate(hash_strings(keys)):
        slot = value % size
        if table[slot]:
            step = 1 + value % (size - 2)
            while table[slot]:
                slot = slot - (size - step) if slot >= size - step else slot + step
        table[slot] = index + 1
    return table


def hash_string(text: bytes) -> int:
    """gettext's ``hash_string`` (hashpjw on 32 bits) of a key."""
    value = 0
    for byte in text:
        value = (value << 4) + byte
        high = value & 0xF0000000
        if high:
            value ^= high >> 24
            value ^= high
    return value & 0xFFFFFFFF


def hash_strings(keys: Sequence[bytes], group: int = 2048) -> list[int]:
    """``hash_string`` of every key, computed for many keys at once.

    Keys of similar lengths are right-aligned in one wide integer, ``HASH_LANE`` bytes each (the
    leading NULs leave a hash at 0), and advance one byte per step with a few whole-integer
    operations.  Same results as ``hash_string``, several times faster on large catalogues.
    """
    results = [0] * len(keys)
    order = sorted(range(len(keys)), key=lambda index: len(keys[index]))
    for first in range(0, len(order), group):
        indices = order[first:first + group]
        width = len(keys[indices[-1]])
        if width == 0:
            continue
        lanes = len(indices)
        matrix = b"".join(keys[index].rjust(width, b"\0") for index in indices)
        ones = int.from_bytes((b"\x01" + b"\0" * (HASH_LANE - 1)) * lanes, "little")
        high_bits, low_bits = ones * 0xF0000000, ones * 0x0FFFFFFF
        column = bytearray(HASH_LANE * lanes)
        state = 0
        for position in range(width):
            column[0::HASH_LANE] = matrix[position::width]
            state = (state << 4) + int.from_bytes(column, "little")
            high = state & high_bits
            state = (state ^ (high >> 24)) & low_bits
        packed = state.to_bytes(HASH_LANE * lanes, "little")
        for lane, index in enumerate(indices):
            results[index] = int.from_bytes(packed[HASH_LANE * lane:HASH_LANE * lane + 4], "little")
    return results
