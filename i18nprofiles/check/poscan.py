"""A read-only view of a catalogue for the CI gate: the entries as the checks need them."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import polib

from i18nprofiles.gettext.pofile import read_catalog


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


def read_messages(path: str | Path) -> list[Message]:
    """The entries of a .po/.pot file, the header left out, in file order."""
    return [message_from_entry(entry) for entry in read_catalog(path) if entry.msgid or entry.msgctxt]


def read_keys(path: str | Path) -> dict[tuple[str | None, str], int]:
    """The (msgctxt, msgid) of every active entry with its line: all a template check needs."""
    return {m.key: m.line for m in read_messages(path) if not m.obsolete}


def message_from_entry(entry: polib.POEntry) -> Message:
    """The Message of a polib entry."""
    if entry.msgid_plural:
        strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    else:
        strings = (entry.msgstr,)
    return Message(
        msgid=entry.msgid,
        strings=strings,
        line=max(entry.linenum, 1),  # polib counts the first entry of a headerless file as line 0
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural or "",
        flags=tuple(entry.flags),
        tcomment=entry.tcomment or "",
        comment=entry.comment or "",
        obsolete=bool(entry.obsolete),
    )
