"""Catalogue upkeep: create a .po from the template (init) and merge the template into it (update)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import count
from pathlib import Path
from typing import Any, Literal

import polib

from i18nprofiles.aside import Aside
from i18nprofiles.cache import digest_file, load_snapshot, save_snapshot
from i18nprofiles.catalog import (
    Key, Layout, build_date, catalog_from_snapshot, entry_block, format_po_date, generate_blocks, has_translation,
    join_blocks, plural_count, read_catalog, read_layout, snapshot_of, stage_catalog, stage_data, stage_layout,
    write_catalog,
)
from i18nprofiles.changes import CatalogChange, diff_catalogs, entry_content
from i18nprofiles.config import Config, normalize_locale, parse_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.extract import GENERATOR, PROFILES_DOMAIN, read_template, template_path
from i18nprofiles.files import commit_files, discard_files, file_signature
from i18nprofiles.matcher import DEFAULT_CUTOFF, SURE_CHARACTERS, FuzzyMatcher

UPDATE_MEMO = "update:"  # snapshot name: the template and options a catalogue was last merged with
MEMO_KEY = "memo"
READ_ASIDE_BYTES = 250_000  # below this (about 600 paragraphs), a second process costs what it saves
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
    change: CatalogChange | None = None  # what a written catalogue changed, for compile and render
    digest: str | None = None  # SHA-256 of the catalogue's bytes after the update (None: no file)


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


def match_departed(unmatched: list[polib.POEntry], departed: Iterable[polib.POEntry]) -> dict[Key, polib.POEntry]:
    """The fuzzy matches of new entries among the translated entries that left the template (a small pool:
    an edited paragraph finds its own old version there first).

    Only near-identical msgids are taken here (similarity above ``SURE_CHARACTERS``): a merely similar one
    may have a closer match elsewhere in the catalogue, which the search of the whole catalogue finds.
    """
    pool = [entry for entry in departed if has_translation(entry) and entry.msgid]
    matcher = fuzzy_matcher(pool, cutoff=SURE_CHARACTERS) if pool and unmatched else None
    return {_key(new): pool[found.index] for new in unmatched
            if matcher and (found := matcher.find(new.msgid, new.msgctxt))}


def fuzzy_matcher(pool: list[polib.POEntry], cutoff: float = DEFAULT_CUTOFF) -> FuzzyMatcher:
    """The fuzzy index of the msgids of *pool* (with their msgctxt: the same context is preferred)."""
    return FuzzyMatcher([entry.msgid for entry in pool], cutoff=cutoff, contexts=[entry.msgctxt for entry in pool])


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
      fuzzy, with the old msgid as ``#|`` previous msgid.  The old msgids that
      left the template are tried first (an edited paragraph keeps its own
      translation); only when none is close enough is the whole catalogue
      searched;
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
        matches = match_departed(unmatched, (e for e in catalog if not e.obsolete and _key(e) not in template_keys))
        unmatched = [new for new in unmatched if _key(new) not in matches]
        pool = [e for e in catalog if has_translation(e) and e.msgid] if unmatched else []
        if pool:
            matcher = fuzzy_matcher(pool)
            for new in unmatched:
                found = matcher.find(new.msgid, new.msgctxt)
                if found is not None:
                    matches[_key(new)] = pool[found.index]
        used.update(_key(old) for old in matches.values())

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
        if keep_obsolete and has_translation(entry):
            merged.append(_obsolete_entry(entry))
            if not entry.obsolete:
                report.obsoleted.append(entry)
        elif not entry.obsolete:
            report.removed.append(entry)
    return merged, report


def new_catalog(template: polib.POFile, locale: str, *, created: str = "") -> polib.POFile:
    """A fresh catalogue for ``locale`` from the template (``pybabel init``)."""
    from babel.messages.plurals import get_plural  # here: it imports babel's catalogue model, which update needs not

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
    describe: bool = False,
) -> list[UpdateResult]:
    """Merge the template into every catalogue of the domain (or those of ``locales``).

    With ``check`` nothing is written; each result says whether the file would change.
    Every catalogue is read, merged and staged in a temporary file before any
    is put in place, so a bad file leaves all of them as they were.  With
    ``workers`` > 1 and a large template, catalogues are merged in that many
    processes at once (each holds the template and one catalogue in memory).
    A catalogue that is what the last update left, merged with the template
    the current one was extracted after, is spliced (see ``splice_catalog``).
    With ``describe``, each written catalogue's result says what changed in
    it (``UpdateResult.change``), for ``compile`` and ``render``.
    """
    folder = Path(directory) if directory else config.locales_dir
    template_file = Path(input_file) if input_file else template_path(config, domain)
    targets = select_catalogs(config, folder, domain, locales, create_missing=init_missing)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    width = config["width"] if width is None else width
    template_digest = digest_file(template_file)
    job = UpdateJob(config, template_file, template_digest, format_po_date(build_date()), width, fuzzy_matching,
                    ignore_obsolete, check, describe)
    results: dict[str, UpdateResult] = {}
    todo: list[tuple[str, Path, Path, str | None, Memo | None]] = []
    for locale, path in sorted(targets.items()):
        digest, memo = digest_file(path), read_memo(config, path)
        if not output and template_digest and memo == (template_digest, job.options, digest):
            results[locale] = UpdateResult(path, locale, False, False, MergeReport(), digest=digest)
        else:
            todo.append((locale, path, Path(output) if output else path, digest, memo))
    staged: list[tuple[Path, Path]] = []
    error: BaseException | None = None
    size = template_file.stat().st_size if template_file.is_file() else 0
    if workers > 1 and len(todo) > 1 and size >= PARALLEL_TEMPLATE_BYTES:
        from concurrent.futures import ProcessPoolExecutor  # imported here: most updates run in this process

        job.read_template_delta()  # before the workers start: under fork they inherit it
        with ProcessPoolExecutor(min(workers, len(todo)) - 1, initializer=adopt_job, initargs=(job,)) as pool:
            futures = [pool.submit(run_adopted_job, *item) for item in todo[1:]]
            for run in (lambda: job.run(*todo[0]), *(future.result for future in futures)):  # this process does one
                try:
                    result, files = run()
                except BaseException as exc:  # noqa: BLE001 - raised below, once every worker is done
                    error = error or exc
                    continue
                results[result.locale], staged = result, staged + files
    else:
        job.read_aside = (os.cpu_count() or 1) > 1 and size >= READ_ASIDE_BYTES
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
    if not check and not output and template_digest:
        for locale, _, path, _, _ in todo:  # a catalogue the memo skipped needs no new one: a rerun writes nothing
            save_snapshot(config.cache_dir, UPDATE_MEMO + os.path.abspath(path), MEMO_KEY,
                          (template_digest, job.options, results[locale].digest))
    return [results[locale] for locale in sorted(results)]


Memo = tuple[Any, ...]  # (template digest, options, catalogue digest) of a catalogue's last update


def read_memo(config: Config, path: Path) -> Memo | None:
    """(template digest, options, catalogue digest) of the last update of ``path``, or None."""
    return load_snapshot(config.cache_dir, UPDATE_MEMO + os.path.abspath(path), MEMO_KEY)


@dataclass
class UpdateJob:
    """What ``update`` does to one catalogue: merge (or create), then stage; runs in a worker process too."""

    config: Config
    template_file: Path
    template_digest: str | None
    created: str
    width: int
    fuzzy_matching: bool
    ignore_obsolete: bool
    check: bool
    describe: bool = False
    read_aside: bool = False  # read the template in a second process while this one reads the first catalogue
    template: polib.POFile | None = field(default=None, repr=False)
    template_delta: TemplateDelta | Literal[False] | None = field(default=None, repr=False)  # False: none

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "template": None, "template_delta": None}  # each worker reads its own

    @property
    def options(self) -> tuple[bool, bool, int]:
        """The options a merge's result depends on, as the update memo records them."""
        return self.fuzzy_matching, self.ignore_obsolete, self.width

    def run(
        self, locale: str, path: Path, target: Path, digest: str | None, memo: Memo | None
    ) -> tuple[UpdateResult, list[tuple[Path, Path]]]:
        """Update one catalogue (``digest``: SHA-256 of its bytes; ``memo``: its update memo), spliced if it can
        be, else merged whole.

        Returns its result and the files it staged; if it fails, the files it
        staged are removed.
        """
        files: list[tuple[Path, Path]] = []
        try:
            result = (self._splice(locale, path, target, digest, memo, files)
                      or self._merge(locale, path, target, digest, files))
        except BaseException:
            discard_files(files)
            raise
        return result, files

    def read_template_delta(self) -> TemplateDelta | None:
        """What changed in the template (read once), or None when that is not known."""
        if self.template_delta is None:
            self.template_delta = read_template_delta(self.config.cache_dir, self.template_file, self.template_digest) or False
        return self.template_delta or None

    def _splice(
        self, locale: str, path: Path, target: Path, digest: str | None, memo: Memo | None,
        files: list[tuple[Path, Path]],
    ) -> UpdateResult | None:
        cache = self.config.cache_dir
        if memo is None or memo[1] != self.options or memo[2] != digest:
            return None
        template = self.read_template_delta()
        since = template.since(memo[0]) if template is not None else None
        catalog = read_layout(cache, path, digest) if since is not None else None
        spliced = catalog and splice_catalog(template, catalog, *since, width=self.width,
                                             fuzzy_matching=self.fuzzy_matching, keep_obsolete=not self.ignore_obsolete)
        if not spliced:
            return None
        data, layout, report, header, entries = spliced
        changed, staged, after = stage_data(target, data, catalog[1], check=self.check)
        files += staged + (stage_layout(cache, target, after, layout) if staged else [])
        describe = staged and self.describe
        change = CatalogChange(target, digest, after, header, entries, file_signature(staged[0][0])) if describe else None
        return UpdateResult(target, locale, changed, changed and not self.check, report, change,
                            after if staged else digest)

    def _merge(
        self, locale: str, path: Path, target: Path, digest: str | None, files: list[tuple[Path, Path]]
    ) -> UpdateResult:
        cache = self.config.cache_dir
        catalog: polib.POFile | None = None
        exists = path.exists()
        if self.template is None and self.read_aside and exists:  # both files at once, one in a second process
            reading = Aside(read_snapshot, self.template_file, cache, not self.check)
            try:
                catalog = read_catalog(path, cache, remember=False)
            except BaseException:
                kept = reading.close()  # (snapshot, staged files) if the second process got that far
                discard_files(kept[1] if kept else [])
                raise
            snapshot, staged = reading.result()
            files += staged
            self.template = catalog_from_snapshot(snapshot, self.template_file)
        if self.template is None:  # a template that had to be parsed: its snapshot is committed with the catalogues
            self.template = read_catalog(self.template_file, cache, remember=not self.check, staged=files)
        if exists and catalog is None:
            catalog = read_catalog(path, cache, remember=False)  # rewritten below, snapshot too
        if catalog is not None:
            merged, report = merge_catalog(
                self.template, catalog, fuzzy_matching=self.fuzzy_matching, keep_obsolete=not self.ignore_obsolete
            )
        else:
            merged = new_catalog(self.template, locale, created=self.created)
            report = MergeReport(added=list(merged))
        changed, staged = stage_catalog(target, merged, check=self.check, cache=cache, width=self.width)
        files += staged
        change, after = None, digest
        if changed and staged:
            after = digest_file(staged[0][0])
        if changed and staged and self.describe:  # every entry compared: only when asked
            change = replace(diff_catalogs(catalog, merged, target, digest, after or ""),
                             signature=file_signature(staged[0][0]))
        return UpdateResult(target, locale, changed, changed and not self.check, report, change, after)


def read_snapshot(file: Path, cache: Path | None, remember: bool) -> tuple[tuple[Any, ...], list[tuple[Path, Path]]]:
    """A catalogue as a snapshot (read in a second process), with the files staged to keep it in ``cache``."""
    staged: list[tuple[Path, Path]] = []
    return snapshot_of(read_catalog(file, cache, remember=remember, staged=staged)), staged


_adopted: UpdateJob | None = None  # the job of a worker process


def adopt_job(job: UpdateJob) -> None:
    """Worker initialiser: keep the job (under fork, inherited with the template's layout, not pickled)."""
    global _adopted
    _adopted = job


def run_adopted_job(
    locale: str, path: Path, target: Path, digest: str | None, memo: Memo | None
) -> tuple[UpdateResult, list[tuple[Path, Path]]]:
    """In a worker process: ``UpdateJob.run`` of the adopted job."""
    assert _adopted is not None
    return _adopted.run(locale, path, target, digest, memo)


# -- splicing ------------------------------------------------------------------


@dataclass
class TemplateDelta:
    """A template as splicing needs it, worked out once for all catalogues.

    ``history`` holds, for each of the last extractions, the SHA-256 of the
    template before it and the keys of the entries that changed or left, as
    ``extract`` recorded them; ``entries`` holds every entry that changed
    in that history, parsed.
    """

    layout: Layout
    history: list[tuple[str, set[Key], set[Key]]]
    keys: set[Key]
    position: dict[Key, int]
    header: polib.POFile
    entries: dict[Key, polib.POEntry]

    def since(self, base: str) -> tuple[set[Key], set[Key]] | None:
        """The keys of the entries that changed and that left since the template ``base``, or None if not known."""
        starts = [step for step, (before, _, _) in enumerate(self.history) if before == base]
        if not starts:
            return None
        steps = self.history[starts[-1]:]
        changed = set().union(*(step[1] for step in steps)) & self.keys
        removed = set().union(*(step[2] for step in steps)) - self.keys
        return changed, removed


def read_template_delta(cache: Path | None, path: Path, digest: str | None) -> TemplateDelta | None:
    """The ``TemplateDelta`` of the template file, when its layout says what changed in the last extractions."""
    found = read_layout(cache, path, digest)
    history = found[0].extra.get("history") if found is not None else None
    if found is None or not history:
        return None
    layout, data = found
    position = dict(zip(layout.keys, count()))
    keys = set(position)
    header, entries = parse_blocks(data, layout, position, set().union(*(step[1] for step in history)) & keys)
    return TemplateDelta(layout, history, keys, position, header, entries)


def splice_catalog(
    template: TemplateDelta,
    catalog: tuple[Layout, bytes],
    changed: set[Key],
    removed: set[Key],
    *,
    width: int,
    fuzzy_matching: bool = True,
    keep_obsolete: bool = True,
) -> tuple[bytes, Layout, MergeReport, tuple[dict[str, str], dict[str, str]], dict[Key, Any]] | None:
    """``merge_catalog`` of a template into the catalogue it last merged the template before it into.

    ``changed`` and ``removed`` are the keys of the template entries that
    changed or left since that template.  Every other entry of the result is
    the catalogue's own block, byte for byte (merging is
    idempotent); only those are parsed, merged and written again.  Returns
    the file's bytes, its layout, the report, the header before and after and
    the (old, new) entries that differ; None when the catalogue is not the
    one that template was merged into, or its layout does not say which
    entries are translated (``merge_catalog`` then does it all).
    """
    clayout, cdata = catalog
    template_keys = template.keys
    active = clayout.keys[: clayout.active]
    cindex = dict(zip(clayout.keys, count()))
    is_active = set(active)
    used: set[Key] = template_keys - changed
    if not used <= is_active or not removed <= is_active or len(is_active) != len(used | removed | (changed & is_active)):
        return None  # not the catalogue that template was merged into
    previous = {prior: key for key, prior in clayout.previous.items()}
    wanted = {*changed, *removed, *(previous[k] for k in changed if k not in cindex and k in previous)}
    cheader, centries = parse_blocks(cdata, clayout, cindex, wanted & cindex.keys())
    report = MergeReport()
    merged: dict[Key, polib.POEntry] = {}
    unmatched: list[polib.POEntry] = []
    for key in sorted(changed, key=template.position.__getitem__):
        new, old = template.entries[key], centries.get(key)
        if old is not None:
            if old.obsolete:
                report.revived.append(new)
            used.add(key)
            merged[key] = _merged_entry(new, old)
        elif key in previous and previous[key] not in template_keys:
            used.add(previous[key])
            report.revived.append(new)
            merged[key] = _restored_entry(new, centries[previous[key]])
        else:
            unmatched.append(new)
    matches = match_fuzzy(unmatched, clayout, cdata, cindex, centries, removed) if fuzzy_matching else {}
    if matches is None:
        return None
    for new in unmatched:
        old = matches.get(_key(new))
        merged[_key(new)] = _merged_entry(new, old, fuzzy=old is not None)
        (report.fuzzy if old is not None else report.added).append(merged[_key(new)])
    used.update(_key(old) for old in matches.values())

    header = polib.POFile(wrapwidth=0)
    header.header, header.metadata_is_fuzzy = cheader.header, cheader.metadata_is_fuzzy
    header.metadata = dict(cheader.metadata)
    header.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    if "POT-Creation-Date" in template.header.metadata:
        header.metadata["POT-Creation-Date"] = template.header.metadata["POT-Creation-Date"]
    plurals = plural_count(header)
    entries: dict[Key, Any] = {
        key: (centries.get(key), entry) for key, entry in merged.items()
        if centries.get(key) is None or entry_content(centries[key]) != entry_content(entry)}
    obsolete: list[Key] = []
    leaving = [*sorted(removed, key=cindex.__getitem__), *clayout.keys[clayout.active:]]
    for key in (key for key in leaving if key not in template_keys):
        if key in used:
            entries[key] = (centries[key], None)  # its translation went to a new msgid
        elif key not in is_active:
            obsolete.append(key)  # obsolete already
        elif keep_obsolete and has_translation(centries[key]):
            merged[key] = _obsolete_entry(centries[key])
            obsolete.append(key)
            report.obsoleted.append(centries[key])
            entries[key] = (centries[key], merged[key])
        else:
            report.removed.append(centries[key])
            entries[key] = (centries[key], None)
    keys = [*template.layout.keys, *obsolete]
    blocks = {key: entry_block(entry, width, plurals=plurals) for key, entry in merged.items()}
    head = "".join(next(generate_blocks(header, width=width))[1]).encode("utf-8")
    data, sizes = join_blocks(head, keys, blocks, catalog, cindex)
    translated = bytearray(has_translation(merged[key]) if key in merged else clayout.translated[cindex[key]]
                           for key in keys)
    layout = Layout(clayout.options, clayout.extra, len(head), keys, sizes, len(template.layout.keys), {}, translated)
    fuzzy = [key for key in clayout.previous if key in template_keys and key not in merged]
    fuzzy += [key for key in merged if key in template_keys and previous_key(merged[key])]
    for key in sorted(fuzzy, key=template.position.__getitem__):
        layout.previous[key] = previous_key(merged[key]) if key in merged else clayout.previous[key]
    return data, layout, report, (dict(cheader.metadata), dict(header.metadata)), entries


def match_fuzzy(
    unmatched: list[polib.POEntry], clayout: Layout, cdata: bytes, cindex: dict[Key, int],
    centries: dict[Key, polib.POEntry], removed: set[Key],
) -> dict[Key, polib.POEntry] | None:
    """``merge_catalog``'s fuzzy matches for the new entries, from a catalogue's layout: first among the
    translated entries that left the template, then among every translated msgid of the catalogue.

    The entries matched are parsed into ``centries``.  None when the layout
    does not say which entries are translated.
    """
    matches = match_departed(unmatched, (centries[key] for key in sorted(removed, key=cindex.__getitem__)))
    rest = [new for new in unmatched if _key(new) not in matches]
    if not rest:
        return matches
    if len(clayout.translated) != len(clayout.keys):
        return None
    pool = [key for key, translated in zip(clayout.keys, clayout.translated) if translated and key[1]]
    matcher = FuzzyMatcher([msgid for _, msgid in pool], contexts=[msgctxt for msgctxt, _ in pool]) if pool else None
    found = {_key(new): pool[match.index] for new in rest
             if matcher and (match := matcher.find(new.msgid, new.msgctxt))}
    centries.update(parse_blocks(cdata, clayout, cindex, set(found.values()) - centries.keys())[1])
    return matches | {key: centries[old] for key, old in found.items()}


def previous_key(entry: polib.POEntry) -> Key | None:
    """The key of a fuzzy entry's previous msgid, if it has one."""
    return (entry.previous_msgctxt, entry.previous_msgid) if entry.previous_msgid and "fuzzy" in entry.flags else None


def parse_blocks(
    data: bytes, layout: Layout, index: dict[Key, int], keys: Iterable[Key]
) -> tuple[polib.POFile, dict[Key, polib.POEntry]]:
    """Parse a file's header and the entries of ``keys`` alone, as polib reads them."""
    ends = layout.ends()
    chosen = sorted(map(index.__getitem__, keys))
    text = b"".join([data[: layout.header], *(data[ends[i]:ends[i + 1]] for i in chosen)]).decode("utf-8")
    parsed = polib.pofile(text, wrapwidth=0)
    return parsed, {_key(entry): entry for entry in parsed}
