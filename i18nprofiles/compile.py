"""Catalogue → machine object (.mo), with honest statistics."""

from __future__ import annotations

import gettext
import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from i18nprofiles.catalog import plural_count, read_catalog
from i18nprofiles.files import commit_files, discard_files, stage_file
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.extract import PROFILES_DOMAIN
from i18nprofiles.merge import select_catalogs

FUZZY_HEADER = "X-Use-Fuzzy"


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


@dataclass(frozen=True)
class CompileResult:
    path: Path
    mo_path: Path
    locale: str
    statistics: Statistics | None  # None when the .mo was up to date and the .po not read
    written: bool
    skipped: bool
    problems: list[Problem] = field(default_factory=list)


def is_translated(entry: polib.POEntry) -> bool:
    """Every form of the entry has a translation."""
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def count_entries(catalog: polib.POFile) -> Statistics:
    """Translated, fuzzy, untranslated and obsolete entries of a catalogue."""
    translated = fuzzy = untranslated = obsolete = 0
    for entry in catalog:
        if entry.obsolete:
            obsolete += 1
        elif entry.fuzzy:
            fuzzy += 1
        elif is_translated(entry):
            translated += 1
        else:
            untranslated += 1
    return Statistics(translated, fuzzy, untranslated, obsolete)


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


def encode_mo(pairs: Iterable[tuple[bytes, bytes]]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) from (original, translation) byte strings.

    Originals are sorted by bytes, as gettext's binary search expects.
    """
    items = sorted(pairs)
    count = len(items)
    originals_at = 28
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    table: list[int] = []
    blobs: list[bytes] = []
    offset = data_at
    for column in (0, 1):
        for item in items:
            table += (len(item[column]), offset)
            blobs.append(item[column] + b"\0")
            offset += len(item[column]) + 1
    header = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, data_at)
    return header + struct.pack(f"<{4 * count}I", *table) + b"".join(blobs)


def build_mo(catalog: polib.POFile, *, use_fuzzy: bool = False) -> bytes:
    """The .mo bytes of a catalogue: translated entries, and fuzzy ones only with ``use_fuzzy``.

    The header is the catalogue's own, without POT-Creation-Date (as msgfmt
    does: a re-extraction alone does not change the .mo), plus
    ``X-Use-Fuzzy: yes`` when fuzzy entries are included, so that a later
    compile knows what it finds.
    """
    headers = [(k, v) for k, v in catalog.metadata.items() if k not in (FUZZY_HEADER, "POT-Creation-Date")]
    if use_fuzzy:
        headers.append((FUZZY_HEADER, "yes"))
    pairs = [(b"", "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8"))]
    for entry in catalog:
        if entry.obsolete or not entry.msgid or not is_translated(entry) or (entry.fuzzy and not use_fuzzy):
            continue
        original = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural:
            original += "\0" + entry.msgid_plural
            translation = "\0".join(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
        else:
            translation = entry.msgstr
        pairs.append((original.encode("utf-8"), translation.encode("utf-8")))
    return encode_mo(pairs)


def _mo_is_current(po_path: Path, mo_path: Path, use_fuzzy: bool) -> bool:
    if not mo_path.is_file() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        return False
    try:
        with mo_path.open("rb") as handle:
            info = gettext.GNUTranslations(handle).info()
    except (OSError, ValueError, UnicodeDecodeError, struct.error):
        return False
    return (info.get(FUZZY_HEADER.lower()) == "yes") == use_fuzzy


def compile_catalogs(
    config: Config,
    *,
    locales: Iterable[str] = (),
    directory: str | Path | None = None,
    domain: str = PROFILES_DOMAIN,
    input_file: str | Path | None = None,
    output: str | Path | None = None,
    use_fuzzy: bool = False,
    statistics: bool = False,
    force: bool = False,
) -> list[CompileResult]:
    """Compile each catalogue of the domain to ``.mo`` beside it.

    A ``.mo`` newer than its ``.po`` (compiled with the same fuzzy policy) is
    left alone unless ``force``.  A catalogue with problems is not compiled.
    """
    folder = Path(directory) if directory else config.locales_dir
    if input_file:
        wanted = [normalize_locale(loc) for loc in locales]
        if len(wanted) != 1:
            raise ConfigError("--input-file needs exactly one --locale")
        targets = {wanted[0]: Path(input_file)}
    else:
        targets = select_catalogs(config, folder, domain, locales)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    results = []
    staged: list[tuple[Path, Path]] = []
    try:
        for locale, po_path in sorted(targets.items()):
            mo_path = Path(output) if output else po_path.with_suffix(".mo")
            if not force and not statistics and _mo_is_current(po_path, mo_path, use_fuzzy):
                results.append(CompileResult(po_path, mo_path, locale, None, False, True))
                continue
            catalog = read_catalog(po_path, config.cache_dir)
            problems = find_problems(catalog, po_path)
            written = False
            if not problems:
                data = build_mo(catalog, use_fuzzy=use_fuzzy)
                if not mo_path.is_file() or mo_path.read_bytes() != data:
                    staged.append((stage_file(mo_path, data), mo_path))
                    written = True
                elif mo_path.stat().st_mtime < po_path.stat().st_mtime:
                    mo_path.touch()
            results.append(CompileResult(po_path, mo_path, locale, count_entries(catalog), written, False, problems))
    except BaseException:
        discard_files(staged)
        raise
    commit_files(staged)
    return results
