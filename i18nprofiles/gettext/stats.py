"""Counts of a catalogue's entries (fuzzy is never translated) and the checks msgfmt -c makes on prose."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polib

from i18nprofiles.gettext.pofile import plural_count


def floor_percent(part: int, total: int) -> float:
    """``part`` of ``total`` in percent, rounded down to a tenth: 199 of 200 is 99.5, never 100."""
    return math.floor(1000.0 * part / total) / 10 if total else 100.0


@dataclass(frozen=True)
class Statistics:
    """Counts of the active entries of a catalogue: fuzzy is never counted as translated."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return floor_percent(self.translated, self.total)


@dataclass(frozen=True)
class Problem:
    """Something in a catalogue that stops it from compiling (msgfmt -c would refuse it)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def is_translated(entry: polib.POEntry) -> bool:
    """Every form of the entry has a translation."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def entry_status(entry: polib.POEntry) -> str:
    """Which count of ``Statistics`` an entry belongs to: obsolete, fuzzy, translated or untranslated."""
    if entry.obsolete:
        return "obsolete"
    if entry.fuzzy:
        return "fuzzy"
    return "translated" if is_translated(entry) else "untranslated"


def count_entries(catalog: polib.POFile) -> Statistics:
    """Translated, fuzzy, untranslated and obsolete entries of a catalogue."""
    return Statistics(**Counter(entry_status(entry) for entry in catalog))


def find_problems(catalog: polib.POFile, path: Path) -> list[Problem]:
    """The checks of ``msgfmt -c`` that concern prose: line ends and plural forms."""
    problems = []
    plurals = plural_count(catalog)
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            if entry.msgstr_plural and len(entry.msgstr_plural) != plurals:
                problems.append(Problem(path, entry.linenum, f"{len(entry.msgstr_plural)} plural forms, the header says {plurals}"))
            pairs = [(entry.msgid if i == 0 else entry.msgid_plural, s) for i, s in sorted(entry.msgstr_plural.items())]
        for source, target in pairs:
            if not target:
                continue
            if source.startswith("\n") != target.startswith("\n"):
                problems.append(Problem(path, entry.linenum, "msgid and msgstr differ in a leading line break"))
            if source.endswith("\n") != target.endswith("\n"):
                problems.append(Problem(path, entry.linenum, "msgid and msgstr differ in a trailing line break"))
    return problems
