"""Read and write gettext catalogues (.po/.pot).

Reading goes through polib, which keeps everything a translator's tool may
have written: previous msgids, obsolete entries, unknown headers, line
numbers.  Writing is a pure generator of lines (``generate_po``) in the
layout of GNU gettext, behind a small atomic writer (``write_catalog``).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter
from pathlib import Path
from typing import Any

import polib

from i18nprofiles.cache import digest_bytes, digest_file, load_snapshot, paused_gc, stage_snapshot
from i18nprofiles.errors import CatalogError
from i18nprofiles.files import commit_files, stage_file, temp_beside

DEFAULT_WIDTH = 76
CHARSET_RE = re.compile(rb'"Content-Type:[^"]*?charset=([\w.:-]+)')
POLIB_LINE_RE = re.compile(r"\(line (\d+)\)")
UNSAFE_COMMENT_RE = re.compile(r"[^\S\n](?=\n|\Z)|\r")  # space that polib would strip off the end of a line
UNSAFE_PATH_RE = re.compile(r"[\s:]")  # a reference polib would not read back as written

Key = tuple[str | None, str]  # (msgctxt, msgid)


# -- reading -----------------------------------------------------------------


def parse_catalog(data: bytes, path: str | Path) -> polib.POFile:
    """Parse the bytes of a .po/.pot file; CatalogError with the line on bad input."""
    charset = declared_charset(data[:4096])
    try:
        text = data.decode(charset)
    except LookupError:
        raise CatalogError(f"unknown charset {charset!r}", path) from None
    except UnicodeDecodeError:
        line = _bad_line(data, charset)
        raise CatalogError(f"not valid {charset}", path, line) from None
    return _parse_with_polib(text.removeprefix("\ufeff"), path, "utf-8")


def declared_charset(head: bytes) -> str:
    """The charset a catalogue's header declares (UTF-8 when none, or gettext's placeholder)."""
    match = CHARSET_RE.search(head)
    charset = match.group(1).decode("ascii") if match else "utf-8"
    return "utf-8" if charset.lower() == "charset" else charset


def _parse_with_polib(source: str, path: str | Path, encoding: str) -> polib.POFile:
    """polib on a text or a file name; its syntax errors become CatalogError with their line."""
    try:
        with paused_gc():  # entries hold no cycles; collections would cost a tenth of the parse
            catalog = polib.pofile(source, encoding=encoding, wrapwidth=DEFAULT_WIDTH)
    except UnicodeDecodeError:
        raise
    except (OSError, ValueError) as exc:
        found = POLIB_LINE_RE.search(str(exc))
        detail = str(exc).split(": ", 1)[1] if ": " in str(exc) else "syntax error"
        raise CatalogError(f"syntax error in catalogue: {detail}", path, int(found.group(1)) if found else None) from None
    check_duplicates(catalog, path)
    return catalog


def _bad_line(data: bytes, charset: str) -> int:
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode(charset)
        except UnicodeDecodeError:
            return number
    return 1


def check_duplicates(catalog: polib.POFile, path: str | Path) -> None:
    """Raise CatalogError on a msgid (with its context) that appears twice."""
    seen: dict[tuple[str | None, str], int] = {}
    for entry in catalog:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogError(f"duplicate message definition (first at line {seen[key]})", path, entry.linenum)
        seen[key] = entry.linenum


def read_catalog(
    path: str | Path, cache: Path | None = None, *, remember: bool = True, staged: list[tuple[Path, Path]] | None = None
) -> polib.POFile:
    """Read a .po or .pot file.

    A UTF-8 file is streamed line by line through polib, never held whole in
    memory; any other charset, or a decoding error (reported with its line),
    goes through ``parse_catalog``.  With a ``cache`` folder, a file whose
    bytes are those of its last snapshot (see ``stage_catalog``) is not parsed
    again: it is rebuilt from the snapshot, five times faster; a file that had
    to be parsed leaves its snapshot there, unless ``remember`` is false (the
    caller is about to rewrite it).
    """
    file = Path(path)
    try:
        with file.open("rb") as handle:
            head = handle.read(4096)
        digest = (digest_file(file) or "") if cache is not None else ""
        name = snapshot_name(file)
        snapshot = load_snapshot(cache, name, digest) if cache is not None else None
        if snapshot is not None:
            return catalog_from_snapshot(snapshot, file)
        if declared_charset(head).lower() in ("utf-8", "utf8"):
            try:
                catalog = _parse_with_polib(str(file), path, "utf-8-sig")
            except UnicodeDecodeError:
                catalog = parse_catalog(file.read_bytes(), path)
        else:
            catalog = parse_catalog(file.read_bytes(), path)
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
    if cache is not None and remember:
        pair = stage_snapshot(cache, name, digest, snapshot_of(catalog))
        if staged is None:
            commit_files([pair] if pair else [])
        elif pair:
            staged.append(pair)
    return catalog


# -- snapshots ---------------------------------------------------------------
#
# A snapshot is a catalogue as plain tuples: the header, then one tuple per
# entry with every attribute polib gives it.  Reading one back builds the same
# polib objects that parsing the file would, without the parsing.

ENTRY_FIELDS = (
    "msgid", "msgstr", "msgid_plural", "msgstr_plural", "msgctxt", "obsolete", "comment", "tcomment",
    "occurrences", "flags", "previous_msgctxt", "previous_msgid", "previous_msgid_plural", "linenum",
)


def snapshot_name(path: Path) -> str:
    return "catalog:" + os.path.abspath(path)


def snapshot_of(catalog: polib.POFile) -> tuple[Any, ...]:
    """A parsed catalogue as plain data."""
    entries = list(map(attrgetter(*ENTRY_FIELDS), catalog))  # one tuple per entry, in ENTRY_FIELDS order
    return (catalog.header, dict(catalog.metadata), list(catalog.metadata_is_fuzzy or []), catalog.encoding, entries)


def catalog_from_snapshot(snapshot: tuple[Any, ...], path: Path) -> polib.POFile:
    """The polib catalogue a snapshot holds, as read from ``path``."""
    header, metadata, fuzzy, encoding, entries = snapshot
    catalog = polib.POFile(wrapwidth=DEFAULT_WIDTH, encoding=encoding)
    catalog.fpath = str(path)
    catalog.header = header
    catalog.metadata = metadata
    catalog.metadata_is_fuzzy = fuzzy
    with paused_gc():
        catalog.extend(
            polib.POEntry(msgid=v[0], msgstr=v[1], msgid_plural=v[2], msgstr_plural=v[3], msgctxt=v[4], obsolete=v[5],
                          comment=v[6], tcomment=v[7], occurrences=v[8], flags=v[9], previous_msgctxt=v[10],
                          previous_msgid=v[11], previous_msgid_plural=v[12], linenum=v[13])
            for v in entries
        )
    return catalog


def written_snapshot(
    blocks: Iterable[tuple[polib.POEntry, int]], catalog: polib.POFile, plurals: int, no_location: bool = False
) -> tuple[Any, ...] | None:
    """The snapshot polib would give for the text ``generate_po`` wrote, or None when unsure.

    ``blocks`` are the entries with the line each starts on.  polib reads
    back exactly what was written for the catalogues this project writes;
    anything unusual (a comment line ending in a space, a reference with a
    space, a header value spanning lines, a duplicate message…) gets no
    snapshot, and the next read parses the file.
    """
    metadata = dict(catalog.metadata)
    if not all(_plain_header_value(key, value) for key, value in metadata.items()):
        return None
    entries = []
    for entry, line in blocks:
        values = _entry_as_read(entry, line, plurals, no_location)
        if values is None:
            return None
        entries.append(values)
    if len({(values[4], values[0]) for values in entries}) < len(entries):
        return None  # a duplicate message: reading the file must report it
    references = {pair for values in entries for pair in values[ENTRY_FIELDS.index("occurrences")]}
    if any(not path or UNSAFE_PATH_RE.search(path) or not (line.isdigit() or not line) for path, line in references):
        return None
    header = catalog.header or ""
    if _unsafe_comment(header):
        return None
    return (header, metadata, ["fuzzy"] if catalog.metadata_is_fuzzy else [], "utf-8-sig", entries)


def _plain_header_value(key: str, value: str) -> bool:
    text = f"{key}: {value}"
    return bool(key) and ":" not in key and key == key.strip() and value == value.strip() and len(text.splitlines()) == 1


def _unsafe_comment(text: str) -> bool:
    """Whether polib would not read back a comment line by line as written (it strips each line)."""
    if "\n" not in text and "\r" not in text:
        return text[-1:].isspace()  # the usual one-line comment, without a regular expression
    return bool(UNSAFE_COMMENT_RE.search(text))


def _entry_as_read(entry: polib.POEntry, line: int, plurals: int, no_location: bool) -> tuple[Any, ...] | None:
    """What polib reads back for an entry that ``generate_entry`` wrote (in ENTRY_FIELDS order), or None when unsure."""
    obsolete = bool(entry.obsolete)
    comment = "" if obsolete else entry.comment
    if not entry.msgid or _unsafe_comment(entry.tcomment) or _unsafe_comment(comment):
        return None
    if "\n" in comment:  # polib skips the empty "#." lines
        comment = "\n".join(part for part in comment.split("\n") if part)
    occurrences: list[tuple[str, str]] = []
    if not obsolete and not no_location:
        occurrences = list(dict.fromkeys((path, str(number) if number else "") for path, number in entry.occurrences))
    forms = {}
    if entry.msgid_plural:
        given = entry.msgstr_plural or {}
        forms = {index: given.get(index, "") for index in range(max(plurals, len(given)))}
    if any(flag != flag.strip() or "," in flag or not flag for flag in entry.flags):
        return None
    live = not obsolete
    return (
        entry.msgid, "" if entry.msgid_plural else entry.msgstr, entry.msgid_plural or "", forms, entry.msgctxt,
        int(obsolete), comment, entry.tcomment, occurrences, list(entry.flags),
        (entry.previous_msgctxt or None) if live else None, (entry.previous_msgid or None) if live else None,
        (entry.previous_msgid_plural or None) if live else None, line,
    )


# -- writing -----------------------------------------------------------------


def escape(text: str) -> str:
    """Escape text for a double-quoted PO string (without the quotes)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if '"' in text:
        text = text.replace('"', '\\"')
    if "\t" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\r", "\\r")
    return text.replace("\n", "\\n")


def wrap_escaped(piece: str, room: int) -> list[str]:
    """Cut an escaped string into parts of at most ``room`` characters, after spaces.

    A word longer than ``room`` stays whole on its own line, as GNU gettext does.
    """
    parts = []
    while len(piece) > room:
        cut = piece.rfind(" ", 0, room) + 1
        if cut <= 0:
            cut = piece.find(" ", room) + 1
            if cut <= 0:
                break
        parts.append(piece[:cut])
        piece = piece[cut:]
    if piece:
        parts.append(piece)
    return parts


def format_string(keyword: str, text: str, width: int, prefix: str = "") -> list[str]:
    """The lines of ``keyword "text"``, wrapped like GNU gettext at ``width`` columns.

    Lines break after each ``\\n`` and, past the width, after a space; a
    string that spans several lines starts with an empty ``""``.
    """
    head = f"{prefix}{keyword} "
    if "\n" not in text[:-1]:
        escaped = escape(text)
        if width <= 0 or len(head) + len(escaped) + 2 <= width:
            return [f'{head}"{escaped}"']
        pieces = [escaped]
    else:
        raw = text.split("\n")
        pieces = [escape(piece + "\n") for piece in raw[:-1]]
        if raw[-1]:
            pieces.append(escape(raw[-1]))
    lines = [f'{head}""']
    room = width - len(prefix) - 2
    for piece in pieces:
        parts = wrap_escaped(piece, room) if width > 0 else [piece]
        lines.extend(f'{prefix}"{part}"' for part in parts)
    return lines


def format_references(occurrences: Iterable[tuple[str, str]], width: int) -> list[str]:
    """The ``#:`` lines for a list of (path, line) references."""
    refs = [f"{path}:{line}" if line else path for path, line in occurrences]
    lines: list[str] = []
    current = "#:"
    for ref in dict.fromkeys(refs):
        if current != "#:" and width > 0 and len(current) + 1 + len(ref) > width:
            lines.append(current)
            current = "#:"
        current += " " + ref
    if current != "#:":
        lines.append(current)
    return lines


def _comment_lines(text: str, mark: str) -> Iterator[str]:
    for line in text.split("\n"):
        yield f"{mark} {line}".rstrip() if line else mark


def generate_entry(entry: polib.POEntry, width: int, no_location: bool = False, plurals: int = 2) -> Iterator[str]:
    """Yield the lines of one entry (no trailing blank line)."""
    prefix = "#~ " if entry.obsolete else ""
    if entry.tcomment:
        yield from _comment_lines(entry.tcomment, "#")
    if entry.comment and not entry.obsolete:
        yield from _comment_lines(entry.comment, "#.")
    if entry.occurrences and not no_location and not entry.obsolete:
        yield from format_references(entry.occurrences, width)
    if entry.flags:
        yield "#, " + ", ".join(entry.flags)
    if not entry.obsolete:
        if entry.previous_msgctxt:
            yield from format_string("msgctxt", entry.previous_msgctxt, width, "#| ")
        if entry.previous_msgid:
            yield from format_string("msgid", entry.previous_msgid, width, "#| ")
        if entry.previous_msgid_plural:
            yield from format_string("msgid_plural", entry.previous_msgid_plural, width, "#| ")
    if entry.msgctxt is not None:
        yield from format_string("msgctxt", entry.msgctxt, width, prefix)
    yield from format_string("msgid", entry.msgid, width, prefix)
    if entry.msgid_plural:
        yield from format_string("msgid_plural", entry.msgid_plural, width, prefix)
        forms = entry.msgstr_plural or {}
        for index in range(max(plurals, len(forms))):
            yield from format_string(f"msgstr[{index}]", forms.get(index, ""), width, prefix)
    else:
        yield from format_string("msgstr", entry.msgstr, width, prefix)


def generate_po(catalog: polib.POFile, **options: Any) -> Iterator[str]:
    """Yield the text of a catalogue, line by line (each line ends with ``\\n``).

    Options: ``width`` (default 76), ``no_location``, ``omit_header``,
    ``sort_output``, ``ignore_obsolete``.
    """
    for _, lines in generate_blocks(catalog, **options):
        yield from lines


def generate_blocks(
    catalog: polib.POFile,
    *,
    width: int = DEFAULT_WIDTH,
    no_location: bool = False,
    omit_header: bool = False,
    sort_output: bool = False,
    ignore_obsolete: bool = False,
) -> Iterator[tuple[polib.POEntry | None, list[str]]]:
    """The text of a catalogue as blocks: the header (entry None), then each entry after a blank line."""
    if not omit_header:
        lines = [line + "\n" for line in _comment_lines(catalog.header, "#")] if catalog.header else []
        if catalog.metadata_is_fuzzy:
            lines.append("#, fuzzy\n")
        lines += ['msgid ""\n', 'msgstr ""\n']
        lines += [f'"{escape(f"{key}: {value}")}\\n"\n' for key, value in catalog.metadata.items()]
        yield None, lines
    plurals = plural_count(catalog)
    entries = [e for e in catalog if not e.obsolete]
    if sort_output:
        entries.sort(key=lambda e: (e.msgid, e.msgctxt or ""))
    if not ignore_obsolete:
        entries += [e for e in catalog if e.obsolete]
    first = omit_header
    for entry in entries:
        lines = [] if first else ["\n"]
        first = False
        lines += [line + "\n" for line in generate_entry(entry, width, no_location, plurals)]
        yield entry, lines


def has_translation(entry: polib.POEntry) -> bool:
    """Some form of the entry is translated: worth keeping, or offering as a fuzzy match."""
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_block(entry: polib.POEntry, width: int, no_location: bool = False, plurals: int = 2) -> bytes:
    """The bytes of one entry as ``generate_blocks`` writes it after the header: a blank line, then its lines."""
    return ("\n" + "".join(line + "\n" for line in generate_entry(entry, width, no_location, plurals))).encode("utf-8")


def plural_count(catalog: polib.POFile) -> int:
    """The number of plural forms that the catalogue's Plural-Forms header declares (default 2)."""
    found = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2


def catalog_text(catalog: polib.POFile, **options: object) -> str:
    """The whole text of a catalogue."""
    return "".join(generate_po(catalog, **options))  # type: ignore[arg-type]


DATED_LINE = b'"POT-Creation-Date:'


class ContentDigest:
    """SHA-256 of a catalogue's bytes, and of the same bytes without the header's POT-Creation-Date.

    The header is every line before the first empty one.  Two catalogues with
    the same ``dateless`` digest differ at most by the date the template was
    made: such a file is not rewritten.
    """

    def __init__(self) -> None:
        self.whole, self._dateless = hashlib.sha256(), hashlib.sha256()
        self._head: bytearray | None = bytearray()  # the header so far; None once it is over

    def update(self, data: bytes) -> None:
        self.whole.update(data)
        if self._head is None:
            self._dateless.update(data)
            return
        searched = max(len(self._head) - 1, 0)
        self._head += data
        if self._head.startswith(b"\n"):
            end = 0
        elif (found := self._head.find(b"\n\n", searched)) >= 0:
            end = found + 1
        else:
            return
        head, self._head = self._head, None
        self._dateless.update(_without_date(bytes(head[:end])) + head[end:])

    @property
    def dateless(self) -> str:
        if self._head is not None:
            self._dateless.update(_without_date(self._head))
            self._head = None
        return self._dateless.hexdigest()


def _without_date(head: bytes) -> bytes:
    return b"".join(line for line in head.splitlines(keepends=True) if not line.startswith(DATED_LINE))


def file_digest(path: Path) -> str | None:
    """The dateless digest of a file (see ``ContentDigest``), or None when there is no readable file."""
    digest = ContentDigest()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.dateless


def stage_catalog(
    path: Path, catalog: polib.POFile, *, check: bool = False, cache: Path | None = None,
    extra: dict[str, Any] | None = None, **options: Any
) -> tuple[bool, list[tuple[Path, Path]]]:
    """Write a catalogue to a temporary file beside ``path``, block by block, unless nothing would change.

    Returns whether the file would change (dates aside) and the staged
    (temporary, final) files for ``commit_files``: none when unchanged or with
    ``check``, which writes nothing.  With a ``cache`` folder, the snapshot of
    what is written is staged too, so that the next ``read_catalog`` need not
    parse the file, and so is its ``Layout`` (with ``extra``).
    """
    layout = Layout(options=layout_options(options), extra=extra or {})
    starts: list[tuple[polib.POEntry, int]] = []
    count = 0

    def pieces() -> Iterator[bytes]:
        nonlocal count
        for entry, lines in generate_blocks(catalog, **options):
            data = "".join(lines).encode("utf-8")
            if entry is not None:
                starts.append((entry, count + 1 + (lines[:1] == ["\n"])))
                layout.add(entry, len(data))
            else:
                layout.header = len(data)
            count += len(lines)
            yield data

    changed, staged, whole = stage_pieces(path, pieces(), check=check)
    if not staged:
        return changed, [] if check or changed else keep_layout(cache, path, layout)
    if cache is not None and not options.get("omit_header") and _declares_utf8(catalog):
        snapshot = written_snapshot(starts, catalog, plural_count(catalog), bool(options.get("no_location")))
        pair = stage_snapshot(cache, snapshot_name(path), whole, snapshot) if snapshot else None
        staged += [pair] if pair else []
    return changed, staged + stage_layout(cache, path, whole, layout)


def stage_pieces(path: Path, pieces: Iterable[bytes], *, check: bool = False) -> tuple[bool, list[tuple[Path, Path]], str]:
    """Write ``pieces`` to a temporary file beside ``path`` unless the file already holds them, dates aside.

    Returns whether the file would change, the staged (temporary, final)
    pair (none when unchanged or with ``check``) and the SHA-256 of the bytes.
    Pieces are hashed and written a megabyte at a time.
    """
    before = file_digest(path)
    digest = ContentDigest()
    fd, temp = (None, None) if check else temp_beside(path)
    try:
        with os.fdopen(fd, "wb") if fd is not None else contextlib.nullcontext() as handle:
            for data in batched_bytes(pieces):
                digest.update(data)
                if handle is not None:
                    handle.write(data)
    except BaseException:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise
    changed = digest.dateless != before
    if temp is not None and not changed:
        temp.unlink()
    staged = [(temp, path)] if temp is not None and changed else []
    return changed, staged, digest.whole.hexdigest()


def stage_data(path: Path, data: bytes, old: bytes, *, check: bool = False) -> tuple[bool, list[tuple[Path, Path]], str]:
    """``stage_pieces`` for a file made in memory whose current bytes are ``old``: compared, not hashed."""
    changed = not same_but_date(old, data)
    staged = [(stage_file(path, data), path)] if changed and not check else []
    return changed, staged, digest_bytes(data)


def same_but_date(first: bytes, second: bytes) -> bool:
    """Whether two catalogues' bytes differ at most by the header's POT-Creation-Date (see ``ContentDigest``)."""
    ends = [0 if data.startswith(b"\n") else (data.find(b"\n\n") + 1 or len(data)) for data in (first, second)]
    return (memoryview(first)[ends[0]:] == memoryview(second)[ends[1]:]
            and _without_date(first[: ends[0]]) == _without_date(second[: ends[1]]))


def batched_bytes(pieces: Iterable[bytes], size: int = 1 << 20) -> Iterator[bytes]:
    """The pieces joined into runs of about ``size`` bytes."""
    run: list[bytes] = []
    length = 0
    for piece in pieces:
        run.append(piece)
        length += len(piece)
        if length >= size:
            yield b"".join(run)
            run, length = [], 0
    if run:
        yield b"".join(run)


# -- layouts -----------------------------------------------------------------
#
# A layout says where each entry of a file we wrote lies, so that the next
# writer of that file can copy the entries that did not change, byte for
# byte, instead of generating them again (see ``extract.splice_template``
# and ``merge.splice_catalog``).


LAYOUT = "layout:"  # snapshot name prefix, with the file's absolute path


@dataclass
class Layout:
    """The entries of a catalogue file in order, with the length in bytes of each block.

    The header block comes first (``header`` bytes); entry ``i`` is the block
    that follows, ``sizes[i]`` bytes (its leading blank line included).
    Active entries come first, then ``len(keys) - active`` obsolete ones.
    ``translated`` holds one byte per entry, 1 when it has a translation
    (some form of it).  ``previous`` maps the key of each active fuzzy entry
    with a previous msgid to that msgid's key, in file order.  ``extra`` is
    what the writing command keeps about its inputs.
    """

    options: tuple[Any, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    header: int = 0
    keys: list[Key] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    active: int = 0
    previous: dict[Key, Key] = field(default_factory=dict)
    translated: bytearray = field(default_factory=bytearray)

    def add(self, entry: polib.POEntry, size: int) -> None:
        """Append an entry's block (active entries must all come before obsolete ones)."""
        key = (entry.msgctxt, entry.msgid)
        self.keys.append(key)
        self.sizes.append(size)
        self.translated.append(has_translation(entry))
        if not entry.obsolete:
            self.active += 1
            if entry.previous_msgid and "fuzzy" in entry.flags:
                self.previous[key] = (entry.previous_msgctxt, entry.previous_msgid)

    def ends(self) -> list[int]:
        """Where each block ends in the file: entry ``i`` is ``data[ends[i]:ends[i + 1]]``, the header ``data[:ends[0]]``."""
        return list(accumulate(self.sizes, initial=self.header))


def join_blocks(
    head: bytes, keys: list[Key], blocks: dict[Key, bytes], old: tuple[Layout, bytes], index: dict[Key, int]
) -> tuple[bytes, list[int]]:
    """A file's bytes and entry sizes: ``head``, then for each key its new block or, else, its block in ``old``.

    ``index`` gives each key's position in the old layout; runs of entries
    that follow each other there are copied in one slice.
    """
    layout, data = old
    ends = layout.ends()
    source = [None if key in blocks else index[key] for key in keys]
    pieces = [head]
    first = last = -2
    for key, position in zip(keys, source):
        if position is not None and position == last + 1:
            last = position
            continue
        if last >= 0:
            pieces.append(data[ends[first]:ends[last + 1]])
        first = last = -2
        if position is None:
            pieces.append(blocks[key])
        else:
            first = last = position
    if last >= 0:
        pieces.append(data[ends[first]:ends[last + 1]])
    sizes = [len(blocks[key]) if position is None else layout.sizes[position] for key, position in zip(keys, source)]
    return b"".join(pieces), sizes


def layout_options(options: dict[str, Any]) -> tuple[Any, ...]:
    """The writer's options that shape the bytes, in a fixed order."""
    return tuple(options.get(name, default) for name, default in
                 (("width", DEFAULT_WIDTH), ("no_location", False), ("omit_header", False), ("sort_output", False),
                  ("ignore_obsolete", False)))


#: The layout and bytes of the file this process last spliced, by absolute path, with their SHA-256:
#: the next step of the same ``build`` reads it from here (``read_layout`` checks the digest).
_SPLICED: dict[str, tuple[str, Layout, bytes]] = {}


def stage_layout(
    cache: Path | None, path: Path, whole: str, layout: Layout, data: bytes | None = None
) -> list[tuple[Path, Path]]:
    """Stage the layout of the file ``path`` whose bytes have SHA-256 ``whole`` (nothing without a cache).

    With ``data``, the file's bytes, both are also kept in memory for ``read_layout``.
    """
    pair = stage_snapshot(cache, LAYOUT + os.path.abspath(path), whole, layout) if cache is not None else None
    if pair and data is not None:
        _SPLICED.clear()
        _SPLICED[os.path.abspath(path)] = (whole, layout, data)
    return [pair] if pair else []


def keep_layout(cache: Path | None, path: Path, layout: Layout) -> list[tuple[Path, Path]]:
    """Stage ``layout`` for the file ``path``, which holds that text but for a date, unless it is kept already.

    The date has a fixed length: entries lie where the layout says.  (A new
    version of the code, for one, leaves the file alone but not its layout.)
    """
    if cache is None:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    digest = digest_bytes(data)
    if len(data) != layout.header + sum(layout.sizes) or read_layout(cache, path, digest) is not None:
        return []
    return stage_layout(cache, path, digest, layout)


def read_layout(cache: Path | None, path: Path, digest: str | None = None) -> tuple[Layout, bytes] | None:
    """The layout of ``path`` with the file's bytes, when the file is still the one it describes.

    ``digest`` is the SHA-256 of the file, when the caller has just computed it.
    """
    if cache is None:
        return None
    kept = _SPLICED.get(os.path.abspath(path))
    if kept is not None and digest is not None and kept[0] == digest:
        return kept[1], kept[2]
    try:
        data = path.read_bytes()
    except OSError:
        return None
    layout = load_snapshot(cache, LAYOUT + os.path.abspath(path), digest or digest_bytes(data))
    if not isinstance(layout, Layout) or layout.header + sum(layout.sizes) != len(data):
        return None
    return layout, data


def _declares_utf8(catalog: polib.POFile) -> bool:
    found = re.search(r"charset=([\w.:-]+)", catalog.metadata.get("Content-Type", ""))
    return found is None or found.group(1).lower() in ("utf-8", "utf8")


def write_catalog(path: str | Path, catalog: polib.POFile, **options: Any) -> bool:
    """Write a catalogue unless the file already holds the same text (dates aside).

    Returns whether the file was written.
    """
    file = Path(path)
    changed, staged = stage_catalog(file, catalog, **options)
    commit_files(staged)
    return changed


# -- dates -------------------------------------------------------------------


def build_date() -> datetime.datetime:
    """The time to stamp on new files: SOURCE_DATE_EPOCH when set, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def format_po_date(moment: datetime.datetime) -> str:
    """A date in the form gettext headers use: ``2024-03-18 09:30+0000``."""
    return moment.strftime("%Y-%m-%d %H:%M%z")
