"""Read and write gettext catalogues (.po/.pot): the format, in memory as polib objects.

Reading goes through polib; writing is a pure generator of lines
(``generate_po``) in the layout of GNU gettext, behind a small atomic writer
(``write_catalog``).  Nothing here remembers anything between calls.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polib

from i18nprofiles.errors import CatalogError
from i18nprofiles.files import write_text_atomic
from i18nprofiles.runtime import paused_gc

DEFAULT_WIDTH = 76
CHARSET_RE = re.compile(rb'"Content-Type:[^"]*?charset=([\w.:-]+)')
POLIB_LINE_RE = re.compile(r"\(line (\d+)\)")
DATED_LINE = b'"POT-Creation-Date:'

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
    return _parse_with_polib(text.removeprefix("\ufeff"), path)


def declared_charset(head: bytes) -> str:
    """The charset a catalogue's header declares (UTF-8 when none, or gettext's placeholder)."""
    match = CHARSET_RE.search(head)
    charset = match.group(1).decode("ascii") if match else "utf-8"
    return "utf-8" if charset.lower() == "charset" else charset


def _parse_with_polib(source: str, path: str | Path) -> polib.POFile:
    """polib on a text; its syntax errors become CatalogError with their line."""
    try:
        with paused_gc():  # entries hold no cycles; collections would cost a tenth of the parse
            catalog = polib.pofile(source, encoding="utf-8", wrapwidth=DEFAULT_WIDTH)
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


def read_catalog(path: str | Path) -> polib.POFile:
    """Read a .po or .pot file; CatalogError (with the line) when it cannot be read or parsed."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
    return parse_catalog(data, path)


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
        yield None, header_lines(catalog)
    plurals = plural_count(catalog)
    first = omit_header
    for entry in entry_order(catalog, sort_output=sort_output, ignore_obsolete=ignore_obsolete):
        lines = [] if first else ["\n"]
        first = False
        lines += [line + "\n" for line in generate_entry(entry, width, no_location, plurals)]
        yield entry, lines


def header_lines(catalog: polib.POFile) -> list[str]:
    """The lines of a catalogue's header entry, its comments first."""
    lines = [line + "\n" for line in _comment_lines(catalog.header, "#")] if catalog.header else []
    if catalog.metadata_is_fuzzy:
        lines.append("#, fuzzy\n")
    lines += ['msgid ""\n', 'msgstr ""\n']
    lines += [f'"{escape(f"{key}: {value}")}\\n"\n' for key, value in catalog.metadata.items()]
    return lines


def entry_order(catalog: polib.POFile, *, sort_output: bool = False, ignore_obsolete: bool = False) -> list[polib.POEntry]:
    """The entries in the order they are written: active ones (sorted by msgid if asked), then obsolete ones."""
    entries = [e for e in catalog if not e.obsolete]
    if sort_output:
        entries.sort(key=lambda e: (e.msgid, e.msgctxt or ""))
    if not ignore_obsolete:
        entries += [e for e in catalog if e.obsolete]
    return entries


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


def catalog_bytes(catalog: polib.POFile, **options: Any) -> bytes:
    """The bytes of a catalogue as ``generate_po`` writes it (UTF-8)."""
    return "".join(generate_po(catalog, **options)).encode("utf-8")


def same_but_date(first: bytes, second: bytes) -> bool:
    """Whether two catalogues' bytes differ at most by the header's POT-Creation-Date line.

    The header is every line before the first empty one.
    """
    ends = [0 if data.startswith(b"\n") else (data.find(b"\n\n") + 1 or len(data)) for data in (first, second)]
    return (memoryview(first)[ends[0]:] == memoryview(second)[ends[1]:]
            and _without_date(first[: ends[0]]) == _without_date(second[: ends[1]]))


def _without_date(head: bytes) -> bytes:
    return b"".join(line for line in head.splitlines(keepends=True) if not line.startswith(DATED_LINE))


def write_catalog(path: str | Path, catalog: polib.POFile, **options: Any) -> bool:
    """Write a catalogue through a temporary file and a rename, unless the file already holds the same
    text apart from POT-Creation-Date; returns whether it was written."""
    file = Path(path)
    data = catalog_bytes(catalog, **options)
    try:
        if same_but_date(file.read_bytes(), data):
            return False
    except OSError:
        pass
    write_text_atomic(file, data)
    return True


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
