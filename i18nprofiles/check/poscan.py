"""A read-only view of a catalogue for the CI gate: the entries as the checks need them."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import polib

from i18nprofiles.gettext.messages import header_charset, read_header
from i18nprofiles.gettext.pofile import parse_catalog, read_catalog
from i18nprofiles.check.placeholders import PluralInfo
from i18nprofiles.errors import CatalogError
from i18nprofiles.gettext.plurals import (
    GERMANIC,
    PluralDistribution,
    PluralError,
    check_plural_values,
    find_plural_forms,
    parse_nplurals,
    parse_plural,
)


class Message(NamedTuple):
    """One entry of a catalogue, as the checks need it (a tuple: built tens of thousands of times per catalogue)."""

    msgid: str
    strings: tuple[str, ...]  # msgstr, or msgstr[0], msgstr[1]…
    line: int  # first line of the entry, comments included (as polib counts)
    msgctxt: str | None = None
    msgid_plural: str = ""
    flags: tuple[str, ...] = ()
    tcomment: str = ""
    comment: str = ""
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Every form has a translation (fuzzy or not)."""
        return bool(self.strings) and all(self.strings)


class PoFile(NamedTuple):
    """A catalogue as the checks need it: its header text (None without one) and its entries."""

    header: str | None
    messages: list[Message]

    @property
    def language(self) -> str:
        """The header's ``Language:`` value ("" when none)."""
        for line in (self.header or "").split("\n"):
            if line.startswith("Language:"):
                return line[len("Language:"):].strip()
        return ""


def read_po(path: str | Path) -> PoFile:
    """The header and the entries of a .po/.pot file, in file order."""
    catalog = read_catalog(path)
    return PoFile(read_header(catalog), messages_of(catalog))


def read_messages(path: str | Path) -> list[Message]:
    """The entries of a .po/.pot file, the header left out, in file order."""
    return read_po(path).messages


def read_plural_info(header: str | None) -> PluralInfo:
    """What the format check needs of a header: its plural forms and charset."""
    return PluralInfo(plural_distribution(header), file_charset(header))


def plural_distribution(header: str | None) -> PluralDistribution | None:
    """The forms the header's plural expression takes often (as msgfmt -c sees them); None when it has
    none that works (msgfmt's plural check reports that), Germanic without a header."""
    if header is None:
        return GERMANIC
    forms = find_plural_forms(header)
    if forms.plural is None or forms.nplurals is None:
        return GERMANIC
    nplurals = parse_nplurals(forms.nplurals)
    try:
        expression = parse_plural(forms.plural)
    except PluralError:
        return None
    return check_plural_values(expression, nplurals)[1] if nplurals else None


def file_charset(header: str | None) -> str:
    """The header's charset as a Python codec ("utf-8" when none or unknown)."""
    try:
        return header_charset(header)
    except CatalogError:  # the reader decoded the file; only msgfmt's byte-wise view needs the charset
        return "utf-8"


def read_keys(path: str | Path, data: bytes | None = None) -> dict[tuple[str | None, str], int]:
    """The (msgctxt, msgid) of every active entry with its line: all a template check needs (``data``: the
    file's bytes, already read)."""
    catalog = read_catalog(path) if data is None else parse_catalog(data, path)
    return {m.key: m.line for m in messages_of(catalog) if not m.obsolete}


def messages_of(catalog: polib.POFile) -> list[Message]:
    """The entries of a catalogue, the header left out, in file order."""
    return [message_from_entry(entry) for entry in catalog if entry.msgid or entry.msgctxt]


def message_from_entry(entry: polib.POEntry) -> Message:
    """The Message of a polib entry."""
    if entry.msgid_plural:
        strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    else:
        strings = (entry.msgstr,)
    return Message(
        msgid=entry.msgid,
        strings=strings,
        line=max(entry.linenum or 0, 1),  # polib counts the first entry of a headerless file as line 0 (None: built)
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural or "",
        flags=tuple(entry.flags),
        tcomment=entry.tcomment or "",
        comment=entry.comment or "",
        obsolete=bool(entry.obsolete),
    )
