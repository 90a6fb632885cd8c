"""Catalogue upkeep: create a .po from the template (init) and merge the template into it (update)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polib
from babel.messages.plurals import get_plural

from i18nprofiles.cache import digest_file, load_snapshot, save_snapshot
from i18nprofiles.catalog import build_date, format_po_date, read_catalog, stage_catalog, write_catalog
from i18nprofiles.config import Config, normalize_locale, parse_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.extract import GENERATOR, PROFILES_DOMAIN, read_template, template_path
from i18nprofiles.files import commit_files, discard_files
from i18nprofiles.matcher import FuzzyMatcher

Key = tuple[str | None, str]
UPDATE_MEMO = "update:"  # snapshot name: the template and options a catalogue was last merged with
PARALLEL_TEMPLATE_BYTES = 4_000_000  # below this (about 10,000 paragraphs), a second process costs more than it saves


@dataclass
class MergeReport:
    """What merging a template into a catalogue changed, entry by entry."""

    added: list[polib.POEntry] = field(default_factory=list)
    fuzzy: list[polib.POEntry] = field(default_factory=list)
    revived: list[polib.POEntry] = field(default_factory=list)
    obsoleted: list[polib.POEntry] = field(default_factory=list)
    removed: list[polib.POEntry] = field(default_factory=list)


@dataclass(frozen=True)
class UpdateResult:
    """The outcome of updating one catalogue."""

    path: Path
    locale: str
    changed: bool
    written: bool
    report: MergeReport


def catalog_path(config: Config, locale: str, domain: str = PROFILES_DOMAIN, directory: Path | None = None) -> Path:
    """``locales/<ll>/LC_MESSAGES/<domain>.po``."""
    return (directory or config.locales_dir) / locale / "LC_MESSAGES" / f"{domain}.po"


def find_catalogs(directory: Path, domain: str = PROFILES_DOMAIN) -> dict[str, Path]:
    """The existing catalogues of a domain in a locales folder, by locale, sorted."""
    found = {}
    if directory.is_dir():
        for path in sorted(directory.glob(f"*/LC_MESSAGES/{domain}.po")):
            found[path.parent.parent.name] = path
    return found


def select_catalogs(
    config: Config, folder: Path, domain: str, locales: Iterable[str], *, create_missing: bool = False
) -> dict[str, Path]:
    """The catalogues a command works on, by locale: those asked for, or all that exist.

    With ``create_missing``, the configured target locales that have no
    catalogue yet are included too (with the path they will have).
    """
    existing = find_catalogs(folder, domain)
    wanted = [normalize_locale(loc) for loc in locales]
    if create_missing:
        names = wanted or sorted({*existing, *config.target_locales})
        return {loc: existing.get(loc, catalog_path(config, loc, domain, folder)) for loc in names}
    missing = [loc for loc in wanted if loc not in existing]
    if missing:
        raise ConfigError(f"no catalogue for locale {missing[0]!r} (run init, or update --init-missing)", folder)
    return {loc: existing[loc] for loc in wanted} if wanted else existing


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _has_translation(entry: polib.POEntry) -> bool:
    """Some form is translated: worth keeping or offering as a fuzzy match (compile needs all forms)."""
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _own_flags(entry: polib.POEntry) -> list[str]:
    """The flags a translator or a tool set on an entry: not fuzzy, not format flags."""
    return [f for f in entry.flags if f != "fuzzy" and not f.endswith("-format")]


def _merged_entry(new: polib.POEntry, old: polib.POEntry | None, *, fuzzy: bool = False) -> polib.POEntry:
    """The template entry ``new`` carrying the translation of ``old``.

    References, extracted comments and format flags come from the template;
    translation, translator comments and other flags from the old entry.
    """
    flags = [f for f in new.flags if f != "fuzzy"]
    entry = polib.POEntry(
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        msgctxt=new.msgctxt,
        occurrences=list(new.occurrences),
        comment=new.comment,
        flags=flags,
    )
    if old is None:
        entry.msgstr = ""
        entry.msgstr_plural = {i: "" for i in range(2)} if new.msgid_plural else {}
        return entry
    entry.tcomment = old.tcomment
    entry.flags = flags + [f for f in _own_flags(old) if f not in flags]
    if new.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural) if old.msgid_plural else {0: old.msgstr}
    else:
        entry.msgstr = old.msgstr if not old.msgid_plural else old.msgstr_plural.get(0, "")
    if fuzzy or old.fuzzy:
        entry.flags.insert(0, "fuzzy")
        if fuzzy:
            entry.previous_msgid = old.msgid
            entry.previous_msgid_plural = old.msgid_plural or None
            entry.previous_msgctxt = old.msgctxt
        elif old.previous_msgid:
            entry.previous_msgid = old.previous_msgid
            entry.previous_msgid_plural = old.previous_msgid_plural
            entry.previous_msgctxt = old.previous_msgctxt
    return entry


def _restored_entry(new: polib.POEntry, old: polib.POEntry) -> polib.POEntry:
    """``new`` with the translation of the fuzzy entry ``old`` whose previous msgid it is."""
    entry = _merged_entry(new, old)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return entry


def _obsolete_entry(old: polib.POEntry) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=old.msgid,
        msgid_plural=old.msgid_plural,
        msgstr=old.msgstr,
        msgstr_plural=dict(old.msgstr_plural),
        msgctxt=old.msgctxt,
        tcomment=old.tcomment,
        flags=[f for f in old.flags if not f.endswith("-format")],
        obsolete=True,
    )
    return entry


def merge_catalog(
    template: polib.POFile,
    catalog: polib.POFile,
    *,
    fuzzy_matching: bool = True,
    keep_obsolete: bool = True,
) -> tuple[polib.POFile, MergeReport]:
    """Merge a template into a catalogue, as ``msgmerge --previous`` does, and better.

    - an exact msgid keeps its translation; an obsolete one comes back to life;
    - a new msgid close to an old translated one gets that translation, marked
      fuzzy, with the old msgid as ``#|`` previous msgid;
    - old entries that left the template are kept as obsolete ``#~`` entries
      (when translated), unless ``keep_obsolete`` is false.
    """
    report = MergeReport()
    template_keys = {_key(e) for e in template}
    active: dict[Key, polib.POEntry] = {}
    obsolete: dict[Key, polib.POEntry] = {}
    for entry in catalog:
        (obsolete if entry.obsolete else active)[_key(entry)] = entry

    merged = polib.POFile(wrapwidth=0)
    merged.header = catalog.header
    merged.metadata = dict(catalog.metadata)
    merged.metadata["Content-Type"] = "text/plain; charset=UTF-8"  # what the writer writes
    merged.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    if "POT-Creation-Date" in template.metadata:
        merged.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]

    # A fuzzy entry whose source went back to its previous msgid gets its
    # translation back as it was.
    previous: dict[Key, polib.POEntry] = {
        (e.previous_msgctxt, e.previous_msgid): e for e in catalog if e.fuzzy and e.previous_msgid and not e.obsolete
    }
    used: set[Key] = set()
    unmatched: list[polib.POEntry] = []
    results: list[polib.POEntry | None] = []
    for new in template:
        key = _key(new)
        old = active.get(key)
        if old is None and key in obsolete:
            old = obsolete[key]
            report.revived.append(new)
        if old is not None:
            used.add(key)
            results.append(_merged_entry(new, old))
        elif key in previous and _key(previous[key]) not in template_keys:
            old = previous[key]
            used.add(_key(old))
            report.revived.append(new)
            results.append(_restored_entry(new, old))
        else:
            unmatched.append(new)
            results.append(None)

    matches: dict[Key, polib.POEntry] = {}
    if fuzzy_matching and unmatched:
        pool = [e for e in catalog if _has_translation(e) and e.msgid]
        if pool:
            matcher = FuzzyMatcher([e.msgid for e in pool])
            for new in unmatched:
                found = matcher.find(new.msgid)
                if found is not None:
                    matches[_key(new)] = pool[found.index]
                    used.add(_key(pool[found.index]))

    for index, new in enumerate(template):
        if results[index] is not None:
            merged.append(results[index])
            continue
        old = matches.get(_key(new))
        entry = _merged_entry(new, old, fuzzy=old is not None)
        (report.fuzzy if old is not None else report.added).append(entry)
        merged.append(entry)

    for entry in catalog:
        key = _key(entry)
        if key in used or not entry.msgid:
            continue
        if keep_obsolete and _has_translation(entry):
            merged.append(_obsolete_entry(entry))
            if not entry.obsolete:
                report.obsoleted.append(entry)
        elif not entry.obsolete:
            report.removed.append(entry)
    return merged, report


def new_catalog(template: polib.POFile, locale: str, *, created: str = "") -> polib.POFile:
    """A fresh catalogue for ``locale`` from the template (``pybabel init``)."""
    babel_locale = parse_locale(locale)
    plurals, expression = get_plural(babel_locale)
    catalog = polib.POFile(wrapwidth=0)
    project = template.metadata.get("Project-Id-Version", "PROJECT")
    catalog.header = f"{babel_locale.english_name} translations for {project}."
    catalog.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": template.metadata.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": template.metadata.get("POT-Creation-Date", created),
        "PO-Revision-Date": created,
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language": str(babel_locale),
        "Language-Team": f"{babel_locale} <LL@li.org>",
        "Plural-Forms": f"nplurals={plurals}; plural={expression};",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    for new in template:
        entry = _merged_entry(new, None)
        if new.msgid_plural:
            entry.msgstr_plural = {i: "" for i in range(plurals)}
        catalog.append(entry)
    return catalog


def init_catalog(
    config: Config,
    locale: str,
    *,
    input_file: str | Path | None = None,
    output: str | Path | None = None,
    directory: str | Path | None = None,
    domain: str = PROFILES_DOMAIN,
    width: int | None = None,
    force: bool = False,
) -> Path:
    """Create ``locales/<ll>/LC_MESSAGES/<domain>.po`` from the template; refuse to overwrite without ``force``."""
    locale = normalize_locale(locale)
    path = Path(output) if output else catalog_path(config, locale, domain, Path(directory) if directory else None)
    if path.exists() and not force:
        raise ConfigError("catalogue already exists (use update, or init --force to start over)", path)
    template = read_template(config, input_file, domain)
    catalog = new_catalog(template, locale, created=format_po_date(build_date()))
    write_catalog(path, catalog, cache=config.cache_dir, width=config["width"] if width is None else width)
    return path


def update_catalogs(
    config: Config,
    *,
    locales: Iterable[str] = (),
    input_file: str | Path | None = None,
    output: str | Path | None = None,
    directory: str | Path | None = None,
    domain: str = PROFILES_DOMAIN,
    width: int | None = None,
    fuzzy_matching: bool = True,
    ignore_obsolete: bool = False,
    init_missing: bool = False,
    check: bool = False,
    workers: int = 1,
) -> list[UpdateResult]:
    """Merge the template into every catalogue of the domain (or those of ``locales``).

    With ``check`` nothing is written; each result says whether the file would change.
    Every catalogue is read, merged and staged in a temporary file before any
    is put in place, so a bad file leaves all of them as they were.  With
    ``workers`` > 1 and a large template, catalogues are merged in that many
    processes at once (each holds the template and one catalogue in memory).
    """
    folder = Path(directory) if directory else config.locales_dir
    template_file = Path(input_file) if input_file else template_path(config, domain)
    targets = select_catalogs(config, folder, domain, locales, create_missing=init_missing)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    width = config["width"] if width is None else width
    memo_key = (digest_file(template_file), fuzzy_matching, ignore_obsolete, width)
    job = UpdateJob(config, template_file, format_po_date(build_date()), width, fuzzy_matching, ignore_obsolete, check)
    results: dict[str, UpdateResult] = {}
    todo: list[tuple[str, Path, Path]] = []
    for locale, path in sorted(targets.items()):
        if not output and memo_key[0] and is_merged(config, path, memo_key):
            results[locale] = UpdateResult(path, locale, False, False, MergeReport())
        else:
            todo.append((locale, path, Path(output) if output else path))
    parallel = workers > 1 and len(todo) > 1 and template_file.is_file() and template_file.stat().st_size >= PARALLEL_TEMPLATE_BYTES
    staged: list[tuple[Path, Path]] = []
    error: BaseException | None = None
    if parallel:
        with ProcessPoolExecutor(max_workers=min(workers, len(todo))) as pool:
            futures = [pool.submit(job.run, *item) for item in todo]
            for future in futures:
                try:
                    result, files = future.result()
                except BaseException as exc:  # noqa: BLE001 - raised below, once every worker is done
                    error = error or exc
                    continue
                results[result.locale], staged = result, staged + files
    else:
        for item in todo:
            try:
                result, files = job.run(*item)
            except BaseException as exc:  # noqa: BLE001 - raised below
                error = exc
                break
            results[result.locale], staged = result, staged + files
    if error is not None:
        discard_files(staged)
        raise error
    commit_files(staged)
    if not check and not output and memo_key[0]:
        for _, _, path in todo:  # a catalogue the memo skipped needs no new one: a rerun writes nothing
            save_snapshot(config.cache_dir, UPDATE_MEMO + os.path.abspath(path), memo_key, digest_file(path))
    return [results[locale] for locale in sorted(results)]


@dataclass
class UpdateJob:
    """What ``update`` does to one catalogue: merge (or create), then stage; runs in a worker process too."""

    config: Config
    template_file: Path
    created: str
    width: int
    fuzzy_matching: bool
    ignore_obsolete: bool
    check: bool
    template: polib.POFile | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "template": None}  # each worker reads the template (from its snapshot)

    def run(self, locale: str, path: Path, target: Path) -> tuple[UpdateResult, list[tuple[Path, Path]]]:
        if self.template is None:
            self.template = read_catalog(self.template_file, self.config.cache_dir)
        if path.exists():
            catalog = read_catalog(path, self.config.cache_dir, remember=False)  # rewritten below, snapshot too
            merged, report = merge_catalog(
                self.template, catalog, fuzzy_matching=self.fuzzy_matching, keep_obsolete=not self.ignore_obsolete
            )
            del catalog
        else:
            merged = new_catalog(self.template, locale, created=self.created)
            report = MergeReport(added=list(merged))
        changed, files = stage_catalog(target, merged, check=self.check, cache=self.config.cache_dir, width=self.width)
        return UpdateResult(target, locale, changed, changed and not self.check, report), files


def is_merged(config: Config, path: Path, key: tuple[Any, ...]) -> bool:
    """Whether ``path`` is what the last update with the same template and options left.

    Merging is idempotent: such a catalogue would come out of ``update`` unchanged.
    """
    known = load_snapshot(config.cache_dir, UPDATE_MEMO + os.path.abspath(path), key)
    return known is not None and known == digest_file(path)
