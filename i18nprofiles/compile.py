"""Catalogue → machine object (.mo), with honest statistics.

A ``.mo`` is compiled from its whole ``.po``, or patched: when ``update``
says exactly which entries it changed (a ``CatalogChange``) and the compile
memo vouches that the ``.mo`` on disk was compiled from the file as it was
before, only the pairs of those entries are replaced.  Both ways give the
same bytes.
"""

from __future__ import annotations

import bisect
import math
import os
import struct
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, astuple, dataclass, field
from itertools import accumulate, chain, repeat
from operator import add
from pathlib import Path

import polib

from i18nprofiles.cache import digest_bytes, digest_file, load_snapshot, save_snapshot
from i18nprofiles.catalog import plural_count, read_catalog
from i18nprofiles.changes import CatalogChange
from i18nprofiles.files import commit_files, discard_files, file_signature, stage_file
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.extract import PROFILES_DOMAIN
from i18nprofiles.merge import select_catalogs

FUZZY_HEADER = "X-Use-Fuzzy"
Buffer = bytes | memoryview


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


def patch_mo(data: bytes, edits: Mapping[bytes, tuple[bytes | None, bytes | None]]) -> bytes | None:
    """The .mo ``data`` (written by ``encode_mo``) with some pairs replaced, added or dropped.

    ``edits`` maps an original to (the translation ``data`` must hold for it,
    the translation it gets), None meaning no pair.  Returns None when
    ``data`` does not hold what ``edits`` expects.
    """
    count = MO_HEADER.unpack_from(data)[2]
    table = struct.unpack_from(f"<{4 * count}I", data, MO_HEADER.size)
    view = memoryview(data)  # slices of a view copy nothing

    def original(index: int) -> bytes:
        return data[table[2 * index + 1] : table[2 * index + 1] + table[2 * index]]

    def translation(index: int) -> bytes:
        at = 2 * (count + index)
        return data[table[at + 1] : table[at + 1] + table[at]]

    removed: set[int] = set()
    added: list[tuple[int, bytes, bytes]] = []
    for source, (expected, wanted) in edits.items():
        index = bisect.bisect_left(range(count), source, key=original)
        present = index < count and original(index) == source
        if (translation(index) if present else None) != expected:
            return None
        if present:
            removed.add(index)
        if wanted is not None:
            added.append((index, source, wanted))
    added.sort()
    lengths: tuple[list[int], list[int]] = ([], [])
    pieces: tuple[list[Buffer], list[Buffer]] = ([], [])

    def keep(start: int, stop: int) -> None:
        """Copy the pairs ``start`` to ``stop`` (excluded) of ``data``, strings and lengths."""
        for column in (0, 1):
            first, last = 2 * (column * count + start), 2 * (column * count + stop - 1)
            lengths[column].extend(table[first : last + 1 : 2])
            pieces[column].append(view[table[first + 1] : table[last + 1] + table[last] + 1])

    start = 0
    inserted = iter(added)
    upcoming = next(inserted, None)
    for index in sorted(removed | {position for position, _, _ in added}) + [count]:
        if start < index:
            keep(start, index)
        while upcoming is not None and upcoming[0] == index:
            for column in (0, 1):
                lengths[column].append(len(upcoming[1 + column]))
                pieces[column].append(upcoming[1 + column] + b"\0")
            upcoming = next(inserted, None)
        start = index + 1 if index in removed else index
    return assemble_mo(lengths[0], lengths[1], pieces[0], pieces[1])


# -- compiling one catalogue -----------------------------------------------------


@dataclass(frozen=True)
class Compilation:
    """What compiling one catalogue gave.

    ``data`` is None when the catalogue has problems; ``po_digest`` is the
    SHA-256 of the .po compiled, ``mo_digest`` that of the .mo on disk when
    it is known without reading it again.
    """

    data: bytes | None
    statistics: Statistics
    problems: list[Problem]
    po_digest: str | None
    mo_digest: str | None = None


def memo_name(mo_path: Path) -> str:
    """The name of the compile memo of a .mo: what it was compiled from."""
    return "compile:" + os.path.abspath(mo_path)


def load_memo(
    cache: Path | None, mo_path: Path, po_digest: str | None, use_fuzzy: bool
) -> tuple[str, Statistics | None] | None:
    """The digest of the .mo and the statistics of the .po (None: not counted), if the .mo was last
    compiled from that .po that way."""
    value = load_snapshot(cache, memo_name(mo_path), (po_digest, use_fuzzy))
    if value is None:
        return None
    return value[0], Statistics(*value[1]) if value[1] is not None else None


def save_memo(cache: Path | None, mo_path: Path, po_digest: str | None, use_fuzzy: bool, mo_digest: str,
              statistics: Statistics | None) -> None:
    """Remember what a .mo was compiled from; a memo that already says so is not rewritten."""
    if load_memo(cache, mo_path, po_digest, use_fuzzy) != (mo_digest, statistics):
        counts = astuple(statistics) if statistics is not None else None
        save_snapshot(cache, memo_name(mo_path), (po_digest, use_fuzzy), (mo_digest, counts))


def is_mo_remembered(cache: Path | None, po_digest: str | None, mo_path: Path, use_fuzzy: bool) -> bool:
    """Whether the memo says the .mo on disk was compiled from the .po with this digest, with this fuzzy policy."""
    memo = load_memo(cache, mo_path, po_digest, use_fuzzy)
    return memo is not None and digest_file(mo_path) == memo[0]


def _mo_is_current(po_path: Path, mo_path: Path, use_fuzzy: bool) -> bool:
    if not mo_path.is_file() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
        return False
    header = read_mo_header(mo_path)
    return header is not None and (f"{FUZZY_HEADER}: yes" in header.splitlines()) == use_fuzzy


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


def compile_fully(po_path: Path, cache: Path | None, po_digest: str | None, use_fuzzy: bool) -> Compilation:
    """Compile a .po from the whole file.

    A .po that has to be parsed leaves no snapshot: keeping one costs a
    tenth of the compile, and the catalogues ``update`` writes have theirs.
    """
    catalog = read_catalog(po_path, cache, remember=False)
    problems = find_problems(catalog, po_path)
    data = None if problems else build_mo(catalog, use_fuzzy=use_fuzzy)
    return Compilation(data, count_entries(catalog), problems, po_digest)


def compile_patched(cache: Path | None, po_path: Path, mo_path: Path, change: CatalogChange, po_digest: str | None,
                    use_fuzzy: bool) -> Compilation | None:
    """Compile a .po by patching its .mo with ``change``; None when that cannot give the bytes of a full compile.

    That needs the memo to say the .mo was compiled from ``change.before``
    the same way, the .mo to be untouched since, the .po to be
    ``change.after``, the number of plural forms unchanged, and no problem
    in the changed entries (a full compile reports them with their lines).
    """
    memo = load_memo(cache, mo_path, change.before, use_fuzzy) if change.before is not None else None
    old_header, new_header = (make_catalog(metadata) for metadata in change.metadata)
    if memo is None or po_digest != change.after or plural_count(old_header) != plural_count(new_header):
        return None
    try:
        data = mo_path.read_bytes()
    except OSError:
        return None
    changed = make_catalog(change.metadata[1], [new for _, new in change.entries.values() if new is not None])
    if digest_bytes(data) != memo[0] or find_problems(changed, po_path):
        return None
    edits = collect_edits(change, use_fuzzy)
    patched = patch_mo(data, edits) if edits is not None else None
    if patched is None:
        return None
    return Compilation(patched, adjust_statistics(memo[1], change), [], po_digest, memo[0])


def make_catalog(metadata: Mapping[str, str], entries: Iterable[polib.POEntry] = ()) -> polib.POFile:
    """A catalogue in memory with this header and these entries."""
    catalog = polib.POFile()
    catalog.metadata = dict(metadata)
    catalog.extend(entries)
    return catalog


def collect_edits(change: CatalogChange, use_fuzzy: bool) -> dict[bytes, tuple[bytes | None, bytes | None]] | None:
    """For ``patch_mo``: each original the change touches, with its translation before and after.

    None when two entries would give the same original (only a full compile
    reproduces such a file).
    """
    old_header, new_header = (header_translation(metadata, use_fuzzy) for metadata in change.metadata)
    versions: tuple[dict[bytes, bytes], dict[bytes, bytes]] = ({b"": old_header}, {b"": new_header})
    for entries in change.entries.values():
        for side, entry in enumerate(entries):
            pair = entry_pair(entry, use_fuzzy) if entry is not None else None
            if pair is None:
                continue
            if pair[0] in versions[side]:
                return None
            versions[side][pair[0]] = pair[1]
    return {source: (versions[0].get(source), versions[1].get(source)) for source in versions[0].keys() | versions[1]}


def adjust_statistics(statistics: Statistics | None, change: CatalogChange) -> Statistics | None:
    """The statistics of the catalogue before ``change``, brought to the catalogue after it (None: not known)."""
    if statistics is None:
        return None
    counts = Counter(asdict(statistics))
    for old, new in change.entries.values():
        if old is not None:
            counts[entry_status(old)] -= 1
        if new is not None:
            counts[entry_status(new)] += 1
    return Statistics(**counts)


def stage_mo(mo_path: Path, po_path: Path, data: bytes, digest: str, old_digest: str | None) -> list[tuple[Path, Path]]:
    """Stage the .mo when its bytes change; an unchanged .mo older than its .po is touched instead.

    ``digest`` is that of ``data``, ``old_digest`` that of the .mo on disk when known.
    """
    if (old_digest or digest_file(mo_path)) != digest:
        return [(stage_file(mo_path, data), mo_path)]
    if mo_path.stat().st_mtime < po_path.stat().st_mtime:
        mo_path.touch()
    return []


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
    changes: Mapping[str, CatalogChange] | None = None,
) -> list[CompileResult]:
    """Compile each catalogue of the domain to ``.mo`` beside it.

    A ``.mo`` newer than its ``.po`` (compiled with the same fuzzy policy), or
    that the compile memo says was compiled from the same ``.po`` bytes, is
    left alone unless ``force``.  A catalogue with problems is not compiled.
    ``changes`` (by locale) says how ``update`` changed catalogues: their
    ``.mo`` is patched rather than rebuilt when the memo allows it (not with
    ``force``).
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
    cache = config.cache_dir
    results = []
    staged: list[tuple[Path, Path]] = []
    memos: list[tuple[Path, str | None, str, Statistics | None]] = []
    try:
        for locale, po_path in sorted(targets.items()):
            mo_path = Path(output) if output else po_path.with_suffix(".mo")
            may_skip = not force and not statistics
            if may_skip and _mo_is_current(po_path, mo_path, use_fuzzy):
                po_digest = digest_file(po_path) if cache is not None else None
                if cache is not None and load_memo(cache, mo_path, po_digest, use_fuzzy) is None:
                    memos.append((mo_path, po_digest, digest_file(mo_path) or "", None))  # the next change can patch it
                results.append(CompileResult(po_path, mo_path, locale, None, False, True))
                continue
            change = (changes or {}).get(locale)
            known = change is not None and change.signature is not None and change.signature == file_signature(po_path)
            po_digest = change.after if known else digest_file(po_path)
            if may_skip and is_mo_remembered(cache, po_digest, mo_path, use_fuzzy):
                results.append(CompileResult(po_path, mo_path, locale, None, False, True))
                continue
            patched = None
            if change is not None and not force:
                patched = compile_patched(cache, po_path, mo_path, change, po_digest, use_fuzzy)
            compilation = patched or compile_fully(po_path, cache, po_digest, use_fuzzy)
            written = False
            if compilation.data is not None:
                digest = digest_bytes(compilation.data)
                new = stage_mo(mo_path, po_path, compilation.data, digest, compilation.mo_digest)
                staged += new
                written = bool(new)
                memos.append((mo_path, compilation.po_digest, digest, compilation.statistics))
            results.append(CompileResult(po_path, mo_path, locale, compilation.statistics, written, False,
                                         compilation.problems))
    except BaseException:
        discard_files(staged)
        raise
    commit_files(staged)
    for mo_path, po_digest, mo_digest, counts in memos:
        save_memo(cache, mo_path, po_digest, use_fuzzy, mo_digest, counts)
    return results
