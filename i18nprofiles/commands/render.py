"""``render``: the site, one page per profile per published locale, indexes, 404 pages, sitemap."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polib

from i18nprofiles.check.conventions import PROFILES, build_conventions
from i18nprofiles.check.policy import (
    IGNORE_MARK,
    PublishingPolicy,
    build_policy,
    entry_ignores,
)
from i18nprofiles.commands.catalogs import parse_input
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.config import Config, parse_locale, read_glossary
from i18nprofiles.errors import ConfigError
from i18nprofiles.paths import catalog_path
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.publish import (
    SiteFiles,
    check_output_folder,
    is_plain_name,
    prepare_site,
    real_folder,
)
from i18nprofiles.site.pages import (
    CoverageInputs,
    SiteInputs,
    Table,
    Verdict,
    check_slug,
    counted_locales,
    coverage_inputs,
    coverage_verdict,
    photo_file,
    plan_pages,
    plan_site,
    published_locales,
    record_digests,
    render_pages,
)
from i18nprofiles.site.theme import check_templates, load_ui_translations
from i18nprofiles.source.model import Profile
from i18nprofiles.store import Input, Mismatch, Step, Store, open_store
from i18nprofiles.store.changes import CatalogChange
from i18nprofiles.store.publishing import WithheldInputs, run_withheld
from i18nprofiles.store.site import (
    FolderListings,
    RenderInputs,
    RenderOutput,
    keep_files,
    keep_staging,
    keep_state,
    recall_files,
    recall_staging,
    recall_state,
    reuse_pages,
)
from i18nprofiles.store.tables import KeptTable, count_covered, table_of


@dataclass(frozen=True)
class HeldBack:
    """A translation the publishing policy kept off the site: where it is, and why."""

    path: Path  # the catalogue
    line: int
    locale: str
    check: str
    message: str
    msgid: str


@dataclass(frozen=True)
class RenderResult:
    """What ``render_site`` did."""

    output: Path
    written: list[str]
    unchanged: list[str]
    published: list[str]
    withheld: dict[str, float] = field(default_factory=dict)  # locale -> coverage %
    removed: list[str] = field(default_factory=list)  # files of a previous render no longer produced
    rendered: int = 0  # files made this time (the others were reused unchanged)
    held_back: list[HeldBack] = field(default_factory=list)  # translations not published, on published pages


def render_all(inputs: RenderInputs) -> RenderOutput:
    """The full stage: every file of the site."""
    return RenderOutput(inputs.folder, render_pages(inputs.records, inputs.records, inputs.tables, inputs.workers,
                                                    inputs.progress))


RENDER: Step[RenderInputs, RenderOutput] = Step("render", render_all, accelerate=reuse_pages,
                                                compare=RenderOutput.contents)
COVERAGE: Step[CoverageInputs, Verdict] = Step("coverage", coverage_verdict, accelerate=count_covered)


@dataclass(frozen=True)
class TableInputs:
    """A locale's catalogue file; the catalogue when already in memory; what ``update`` changed in it."""

    file: Input
    parsed: polib.POFile | None = None
    change: CatalogChange | None = None


def make_table(store: Store, inputs: TableInputs) -> KeptTable:
    """The translations of a catalogue file as rendering uses them, from the file parsed."""
    return table_of(store, str(inputs.file.path), parse_input(inputs.file))


def find_table(store: Store, inputs: TableInputs) -> tuple[KeptTable, frozenset[str] | None] | None:
    """The table without parsing the file: kept by the store, made from the catalogue in memory, or patched
    with ``update``'s change; with the msgids the change touched when patched."""
    path, found = str(inputs.file.path), inputs.file
    kept = KeptTable.recall(store, path, found.digest)
    if kept is not None:
        return kept, None
    if inputs.parsed is not None:
        return table_of(store, path, inputs.parsed), None
    change = inputs.change
    if change is not None and change.after == found.digest:
        base = KeptTable.recall(store, path, change.before)
        try:
            return base.patched(change.entries) if base is not None else None
        except LookupError:
            return None
    return None


@dataclass(frozen=True)
class LocaleTranslations:
    """A locale's translations, the digest of the catalogue they come from, what changed since the last render."""

    table: Table
    digest: str | None  # None: no catalogue (or a table the caller gave)
    changed: frozenset[str] | None  # msgids translated otherwise than in the last render; None: not known
    kept: KeptTable | None = None  # to keep for next time


def read_translations(store: Store, inputs: TableInputs, rendered: str | None) -> LocaleTranslations:
    """A locale's translations, and what changed since the catalogue ``rendered`` (the last render's)."""
    found = inputs.file
    if not found.exists:
        return LocaleTranslations({}, None, frozenset() if rendered is None else None)
    made = find_table(store, inputs) if store.uses("tables") else None
    if made is None:
        made = make_table(store, inputs), None
    elif store.verify:
        check_table(store, inputs, made[0])
    table, touched = made
    if rendered == found.digest:
        changed: frozenset[str] | None = frozenset()
    elif touched is not None and inputs.change is not None and inputs.change.before == rendered:
        changed = touched
    else:
        previous = KeptTable.recall(store, str(found.path), rendered)
        try:
            changed = table.changed_since(previous) if previous is not None else None
        except LookupError:
            changed = None
    return LocaleTranslations(table, found.digest, changed, table)


def check_table(store: Store, inputs: TableInputs, table: KeptTable) -> None:
    """Verify mode: a table found without parsing is what parsing the catalogue gives."""
    if table.whole() != make_table(store, inputs).whole():
        raise Mismatch(f"the table of {inputs.file.path} differs from the catalogue's translations")


def read_tables(config: Config, locales: Iterable[str], store: Store | None = None) -> dict[str, Table]:
    """The content translations of each locale, read from its ``profiles.po`` (none if missing)."""
    store = store or open_store(None)
    return {code: read_translations(store, TableInputs(store.read(catalog_path(config, code))), None).table
            for code in locales}


def skipped_checks(config: Config) -> frozenset[str]:
    """The checks the configuration turns off (``skip``), for the gate and the publishing policy alike."""
    return frozenset(part.strip() for value in config["skip"] for part in value.split(",") if part.strip())


def catalogue_ignores(found: Input, parsed: polib.POFile | None) -> dict[str, frozenset[str]]:
    """The checks each entry of a catalogue silences (``# i18nprofiles-ignore: …``); the file is parsed only
    when it holds such a comment."""
    if found.data is None or IGNORE_MARK.encode() not in found.data:
        return {}
    catalog = parsed if parsed is not None else parse_input(found)
    return entry_ignores((entry.msgid, entry.tcomment or "") for entry in catalog if not entry.obsolete)


def locale_policy(config: Config, code: str, found: Input | None, parsed: polib.POFile | None) -> PublishingPolicy:
    """The publishing policy of a locale: the gate's blocking checks, ``skip``, the glossary, the ignores."""
    glossary = tuple(read_glossary(config.root / config["glossary"])) if config["glossary"] else ()
    ignored = catalogue_ignores(found, parsed) if found is not None else {}
    conventions = build_conventions(PROFILES, config["check"])  # the gate's for the profiles' catalogues
    return build_policy(code, skipped_checks(config), glossary, ignored, conventions)


def entry_lines(found: Input) -> dict[str, int]:
    """The line of each msgid's entry in a catalogue file (the last entry wins, as in the table)."""
    if found.data is None:
        return {}
    return {entry.msgid: max(entry.linenum, 1) for entry in parse_input(found) if not entry.obsolete}


def held_back(config: Config, profiles: Sequence[Profile], published: Sequence[str],
              withheld: Mapping[str, Mapping[str, tuple[str, str]]], files: Mapping[str, Input]) -> list[HeldBack]:
    """The withheld translations that published pages would show, with their catalogue's file and line."""
    found = []
    for code in published:
        problems = withheld.get(code)
        if not problems:
            continue
        language = parse_locale(code)
        used = {s.text for p in profiles if parse_locale(p.lang) != language for s in p.segments}
        shown = sorted(msgid for msgid in problems if msgid in used)
        if not shown:
            continue
        lines = entry_lines(files[code])
        for msgid in shown:
            check, message = problems[msgid]
            found.append(HeldBack(files[code].path, lines.get(msgid, 1), code, check, message, msgid))
    return sorted(found, key=lambda item: (str(item.path), item.line))


def check_names(output: Path, names: Iterable[str]) -> None:
    """ConfigError for an output name that is not a plain relative path (it could land outside the folder)."""
    for name in names:
        if not is_plain_name(name):
            raise ConfigError(f"refusing to write outside the output folder: {name!r}", output)


def output_files(output: Path, names: Iterable[str]) -> dict[str, Path]:
    """The file of each output name; ConfigError if one would land outside the output folder.

    Besides the names themselves, the folders they go through are resolved
    (each once): a symbolic link inside the output folder cannot lead a write outside it.
    """
    names = list(names)
    check_names(output, names)
    root = output.resolve()
    resolved: dict[str, Path] = {}
    targets = {}
    for name in names:
        folder, _, base = name.rpartition("/")
        if folder not in resolved:
            resolved[folder] = (root / folder).resolve()
            if not resolved[folder].is_relative_to(root):
                raise ConfigError(f"refusing to write outside the output folder: {name!r}", output)
        targets[name] = resolved[folder] / base
    return targets


def output_file(output: Path, name: str) -> Path:
    """The file for an output name; ConfigError if it would land outside the output folder."""
    return output_files(output, [name])[name]


def render_site(
    config: Config,
    *,
    output: str | Path | None = None,
    use_fuzzy: bool | None = None,
    profiles: Sequence[Profile] | None = None,
    workers: int | None = None,
    tables: Mapping[str, Table] | None = None,
    catalogs: Mapping[str, polib.POFile] | None = None,
    changes: Mapping[str, CatalogChange] | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """Render the project's site into ``output`` (default: ``output_dir``).

    ``profiles`` and ``tables`` (content translations by locale, as
    ``table_from_catalog`` makes them) are read from the project unless
    given; ``catalogs`` (by locale) stand for catalogues already in memory,
    and ``changes`` say what ``update`` changed in the others.
    Every file is made in memory before any is written; a file whose record
    did not change since the last render into the folder is not made again,
    and a file whose bytes did not change is not rewritten.  The site is
    published whole or not at all (``publish``): it is made ready beside the
    output folder and swapped in when the store commits (at the end of this
    call when no ``store`` is given); until then the folder holds the old site.
    ``progress`` hears of steps "read profiles" and "render" (in files made).
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    fuzzy = bool(config["use_fuzzy"] if use_fuzzy is None else use_fuzzy)
    folder = Path(output) if output else config.output_dir
    if profiles is None:
        profiles = read_profiles(config, store=store, progress=progress)
    report = report_progress(progress)
    report("render", 0, 0)
    previous = recall_state(store, folder)
    sources: dict[str, Input] = {}  # the catalogue files read
    if tables is not None:
        translations = {code: LocaleTranslations(tables.get(code, {}), None, None) for code in config.locales}
    else:
        sources = {code: store.read(catalog_path(config, code)) for code in config.locales}
        translations = {
            code: read_translations(store, TableInputs(sources[code], (catalogs or {}).get(code),
                                                       (changes or {}).get(code)), previous.tables.get(code))
            for code in config.locales}
    withheld = {}
    for code, found in translations.items():
        file = sources.get(code)
        if (file is None and not found.table) or (file is not None and not file.exists):
            continue  # no translations
        policy = locale_policy(config, code, file, (catalogs or {}).get(code))
        path = str(file.path) if file is not None else str(catalog_path(config, code))
        withheld[code] = run_withheld(store, WithheldInputs(found.table, policy, fuzzy, path,
                                                            previous.tables.get(code), found.changed), found.digest)
    inputs = SiteInputs(config, profiles, {code: found.table for code, found in translations.items()}, fuzzy,
                        withheld)
    verdicts = {code: store.run(COVERAGE, coverage_inputs(inputs, code)) for code in counted_locales(inputs)}
    published, withheld_locales = published_locales(inputs, verdicts)
    records = plan_pages(plan_site(inputs, published))
    check_names(folder, records)  # every name checked before anything is made
    digests = record_digests(records) if store.folder else {}
    made = store.run(RENDER, RenderInputs(folder, records, digests, inputs.tables,
                                          {code: found.changed for code, found in translations.items()}, previous,
                                          workers, lambda done, total: report("render", done, total)))
    listings = FolderListings(store, folder)
    site = SiteFiles(made.files, made.reused, previous.known(), recall_staging(store, folder),
                     recall_files(store, folder), lambda names: render_pages(records, names, inputs.tables, 1),
                     listings.walk)
    publication = prepare_site(folder, site, project_folders(config))
    listings.keep()
    store.defer(publication)
    if publication.warning:
        store.warn(publication.warning)
    keep_files(store, folder, list(records))
    keep_state(store, folder, {code: found.digest for code, found in translations.items()}, digests,
               publication.live)
    keep_staging(store, folder, publication.staging)
    for found in translations.values():
        if found.kept is not None and found.digest is not None:
            found.kept.keep(found.digest)
    if own:
        store.commit()
    notes = held_back(config, profiles, published, withheld, sources) if sources else []
    return RenderResult(folder, publication.written, sorted(publication.unchanged), published, withheld_locales,
                        publication.removed, len(made.files), notes)


def check_site_inputs(config: Config, profiles: Sequence[Profile], output: str | Path | None = None) -> None:
    """Everything a render reads but translations, checked before a command writes anything: slugs and
    photos of the profiles, the templates, the UI catalogues, the output folder."""
    for profile in profiles:
        check_slug(profile)
        photo_file(profile, config.root)
    check_templates(config)
    for code in config.locales:
        load_ui_translations(config, code)
    check_output_folder(real_folder(Path(output) if output else config.output_dir), project_folders(config))


def project_folders(config: Config) -> list[Path]:
    """The project's own folders, which an output folder must not hold: the project, its catalogues, cache
    and templates, and the folders its profile patterns start from."""
    folders = [config.root, config.locales_dir, config.cache_dir]
    if config.templates_dir:
        folders.append(config.templates_dir)
    for pattern in config.profile_globs:
        parts = PurePosixPath(pattern).parts
        fixed = list(itertools.takewhile(lambda part: not any(char in part for char in "*?["), parts[:-1]))
        if fixed:
            folders.append(config.root / PurePosixPath(*fixed))
    return folders
