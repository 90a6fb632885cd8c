"""Counts of a catalogue's entries: fuzzy is never translated."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import polib


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


def is_translated(entry: polib.POEntry) -> bool:
    """Every form of the entry has a translation."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def first_form(entry: polib.POEntry) -> str:
    """The translation's first form (the msgstr of a singular entry)."""
    return entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr


def entry_status(entry: polib.POEntry) -> str:
    """Which count of ``Statistics`` an entry belongs to: obsolete, fuzzy, translated or untranslated.

    As ``msgfmt --statistics``: an entry whose first form is empty is untranslated, fuzzy flag or not
    (GNU does not even write the flag of such an entry).
    """
    if entry.obsolete:
        return "obsolete"
    if entry.fuzzy and first_form(entry):
        return "fuzzy"
    return "translated" if not entry.fuzzy and is_translated(entry) else "untranslated"


def count_entries(catalog: polib.POFile) -> Statistics:
    """Translated, fuzzy, untranslated and obsolete entries of a catalogue."""
    return Statistics(**Counter(entry_status(entry) for entry in catalog))
