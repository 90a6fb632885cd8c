"""``check``: the CI gate over a project's domains, or over catalogues given by path.

By default every domain of the project: ``profiles`` (the template and
catalogues against the profiles) and ``messages`` (the UI strings of every
published locale, from the project's catalogues over the theme's).  ``domain``
picks one, which may be any other domain of the locales folder; ``paths``
checks any application's catalogues without a project.  Large catalogues are
scanned in worker processes while this process reads the profiles and the
template.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from i18nprofiles.check.conventions import MESSAGES, PROFILES, domain_of
from i18nprofiles.check.gate import (
    CatalogScan,
    CheckOptions,
    CheckReport,
    Key,
    Part,
    build_options,
    build_report,
    domain_part,
    entry_state,
    profiles_part,
    scan_catalog,
    segment_keys,
    ui_part,
)
from i18nprofiles.check.poscan import message_from_entry, read_keys, read_plural_info, read_po
from i18nprofiles.commands.extract import CURRENT, template_key
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.config import Config, normalize_locale, parse_locale
from i18nprofiles.errors import CatalogError, ConfigError, LocaleError
from i18nprofiles.paths import catalog_path, select_catalogs, template_path
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.runtime import cpu_count, paused_gc, process_pool
from i18nprofiles.source.discover import relative_path
from i18nprofiles.source.model import Profile
from i18nprofiles.source.template import template_options
from i18nprofiles.store import Mismatch, Store, open_store

PARALLEL_BYTES = 4_000_000  # below this, worker processes cost more than they save
THEME_LABEL = "i18nprofiles/themes/default/locales"  # how reports name the theme's catalogues
T = TypeVar("T")


@dataclass(frozen=True)
class Job:
    """One catalogue to scan: the file, its locale (None: the file says), how to name it, its domain."""

    file: str
    locale: str | None
    path: str
    domain: str | None
    exempt: bool = False  # no entry needs a translation (UI strings in their own language)


def scan_file(job: Job, options: CheckOptions) -> CatalogScan:
    """Scan one catalogue file (in a worker process, or this one)."""
    with paused_gc():
        po = read_po(job.file)
        locale = job.locale or locale_of(Path(job.file), po.language)
        scan = scan_catalog(po.messages, locale, job.path, options, options.conventions(job.domain),
                            read_plural_info(po.header), job.exempt)
        return replace(scan, locale=locale, domain=job.domain)


def locale_of(path: Path, language: str) -> str:
    """A catalogue's locale: its ``Language:`` header, else its place (``<ll>/LC_MESSAGES/``), else its name
    (``ll.po``); CatalogError when none is a locale."""
    folder = path.parent.parent.name if path.parent.name == "LC_MESSAGES" else ""
    for candidate in (language, folder, path.stem):
        if candidate:
            try:
                return normalize_locale(candidate)
            except LocaleError:
                continue
    raise CatalogError("cannot tell the catalogue's locale: give it a 'Language:' header", path)


def count_jobs(files: list[Path], jobs: int | None) -> int:
    """Worker processes for the catalogues: none below PARALLEL_BYTES, else one per catalogue up to the CPUs."""
    if jobs is not None:
        return max(1, jobs)
    size = sum(f.stat().st_size for f in files)
    return min(len(files), cpu_count()) if size >= PARALLEL_BYTES else 1


def run_jobs(jobs: dict[str, Job], options: CheckOptions, workers: int | None, meanwhile: Callable[[], T],
             progress: Progress | None = None) -> tuple[dict[str, CatalogScan], T]:
    """Scan the catalogues, in worker processes when they are large, while ``meanwhile`` runs here;
    ``progress`` hears of step "check", in catalogues."""
    report = report_progress(progress)
    count = count_jobs([Path(job.file) for job in jobs.values()], workers)
    scans: dict[str, CatalogScan] = {}
    if count > 1:
        with process_pool(count) as pool:
            futures = {key: pool.submit(scan_file, job, options) for key, job in jobs.items()}
            done = meanwhile()
            report("check", 0, len(jobs))
            for key, future in futures.items():
                scans[key] = future.result()
                report("check", len(scans), len(jobs))
            return scans, done
    done = meanwhile()
    report("check", 0, len(jobs))
    for key, job in jobs.items():
        scans[key] = scan_file(job, options)
        report("check", len(scans), len(jobs))
    return scans, done


def check_project(
    config: Config,
    *,
    paths: Iterable[str | Path] = (),
    domain: str | None = None,
    locales: Iterable[str] = (),
    directory: str | Path | None = None,
    fail_under: float | None = None,
    fail_on: Iterable[str] = (),
    skip: Iterable[str] = (),
    fail_level: str | None = None,
    jobs: int | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> CheckReport:
    """Check the project's domains (or ``domain`` alone), or the catalogues at ``paths``; see docs/check.md.

    Raises I18nProfilesError (exit 2) for bad input: a profile or catalogue that cannot be read, a wrong
    option.  Writes nothing but the store's records (none for ``paths``: no project is needed).
    """
    options = build_options(config, fail_under=fail_under, fail_on=fail_on, skip=skip, fail_level=fail_level)
    paths = [Path(path) for path in paths]
    if paths:
        with paused_gc():
            return check_files(config, options, paths, domain, jobs)
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    with paused_gc():  # profiles, entries and findings hold no cycles: collections took a sixth of the time
        report = _check_domains(config, options, domain, locales, directory, jobs, store, report_progress(progress))
    if own:
        store.commit()
    return report


def check_files(config: Config, options: CheckOptions, paths: list[Path], domain: str | None,
                jobs: int | None) -> CheckReport:
    """Catalogues given by path: coverage and quality, each with its domain's conventions (``domain``, else the
    ``<domain>.po`` of an ``LC_MESSAGES`` folder, else an application's)."""
    for path in paths:
        if path.suffix == ".pot":
            raise ConfigError("a template has no translations to check: give .po catalogues", path)
    work = {str(index): Job(str(path), None, relative_path(path, config.root), domain or domain_of(path))
            for index, path in enumerate(paths)}
    scans, _ = run_jobs(work, options, jobs, lambda: None)
    return build_report(options, [domain_part(options, None, {key: job.path for key, job in work.items()}, scans)])


def _check_domains(config: Config, options: CheckOptions, domain: str | None, locales: Iterable[str],
                   directory: str | Path | None, jobs: int | None, store: Store, progress: Progress) -> CheckReport:
    """``check_project``'s work, in a frame of its own: profiles and entries are freed before the collector resumes."""
    folder = Path(directory) if directory else config.locales_dir
    locales = list(locales)
    parts: list[Part] = []
    template = ""
    for name in [domain] if domain else [PROFILES, MESSAGES]:
        if name == PROFILES:
            template = relative_path(template_path(config), config.root)
            parts.append(_check_profiles(config, options, locales, folder, jobs, store, progress))
        elif name == MESSAGES:
            parts.append(_check_ui_strings(config, options, locales, folder))
        else:
            parts.append(_check_domain(config, options, name, locales, folder, jobs))
    return build_report(options, parts, template)


def _check_profiles(config: Config, options: CheckOptions, locales: list[str], folder: Path, jobs: int | None,
                    store: Store, progress: Progress) -> Part:
    """The profiles domain: template and catalogues against the profiles, read meanwhile."""
    targets = select_catalogs(config, folder, PROFILES, locales, create_missing=True)
    if not targets:
        raise ConfigError("nothing to check: no target locale (list the locales to publish in 'locales')",
                          config.source)
    rel = {loc: relative_path(path, config.root) for loc, path in targets.items()}
    work = {loc: Job(str(path), loc, rel[loc], PROFILES) for loc, path in targets.items() if path.is_file()}
    pot = template_path(config)

    def read_sources() -> tuple[list[Profile], dict[Key, int] | None]:
        profiles = read_profiles(config, store=store, progress=progress)
        return profiles, template_keys(config, profiles, pot, store)

    scans, (profiles, template_found) = run_jobs(work, options, jobs, read_sources, progress)
    if not any(profile.segments for profile in profiles):
        raise ConfigError(f"nothing to check: the {len(profiles)} profiles give no message to translate",
                          config.source)
    return profiles_part(options, rel, scans, profiles, segment_keys(profiles), template_found,
                         relative_path(pot, config.root))


def _check_domain(config: Config, options: CheckOptions, domain: str, locales: list[str], folder: Path,
                  jobs: int | None) -> Part:
    """Another domain of the locales folder (``locales/<ll>/LC_MESSAGES/<domain>.po``): coverage and quality."""
    targets = select_catalogs(config, folder, domain, locales)
    if not targets:
        raise ConfigError(f"no {domain}.po catalogues in this folder", folder)
    rel = {loc: relative_path(path, config.root) for loc, path in targets.items()}
    scans, _ = run_jobs({loc: Job(str(path), loc, rel[loc], domain) for loc, path in targets.items()},
                        options, jobs, lambda: None)
    return domain_part(options, domain, rel, scans)


def _candidates(locale: str) -> list[str]:
    """The catalogue folders a locale's pages look in, as the theme does: ``pt_BR``, then ``pt``."""
    parsed = parse_locale(locale)
    return list(dict.fromkeys([str(parsed), parsed.language]))


def _first_file(config: Config, folder: Path, locale: str) -> Path | None:
    """The UI catalogue a locale's pages read in a locales folder, if any."""
    for candidate in _candidates(locale):
        path = catalog_path(config, candidate, MESSAGES, folder)
        if path.is_file():
            return path
    return None


def _check_ui_strings(config: Config, options: CheckOptions, locales: list[str], folder: Path) -> Part:
    """The UI strings of every published locale (or of ``locales``): the project's catalogue over the theme's."""
    from i18nprofiles.site.theme import THEME_DIR, UI_SOURCE_LANG, build_messages_template

    template = [message_from_entry(entry) for entry in build_messages_template(config) if entry.msgid]
    theme = THEME_DIR / "locales"
    parts = []
    for locale in sorted({normalize_locale(loc) for loc in locales} or set(config.locales)):
        exempt = parse_locale(locale).language == UI_SOURCE_LANG
        override, shipped = _first_file(config, folder, locale), _first_file(config, theme, locale)
        override_rel = relative_path(override or catalog_path(config, locale, MESSAGES, folder), config.root)
        layers: list[dict[Key, str]] = []
        scan = None
        if override is not None:
            scan = scan_file(Job(str(override), locale, override_rel, MESSAGES, exempt), options)
            layers.append(scan.states)
        if shipped is not None:
            messages = read_po(shipped).messages
            layers.append({m.key: entry_state(m, locale) for m in messages if not m.obsolete})
        if override is None and shipped is not None:
            path = f"{THEME_LABEL}/{shipped.parent.parent.name}/LC_MESSAGES/{MESSAGES}.po"
        else:
            path = override_rel
        parts.append(ui_part(options, locale, template, layers, path, override_rel, scan, exempt))
    return Part(tuple(c for part in parts for c in part.catalogs), tuple(f for part in parts for f in part.findings))


def template_keys(config: Config, profiles: list[Profile], pot: Path, store: Store) -> dict[Key, int] | None:
    """The keys of the .pot with their lines (None when there is none).

    When the store says ``extract`` wrote this file for these profiles, its
    keys are the profiles' and it is not parsed (verify mode parses it and
    compares).  Otherwise it is parsed: reading the keys of a file costs less
    than making the template again to compare it with.
    """
    found = store.read(pot)
    if found.data is None:
        return None
    inputs = template_key(config, profiles, template_options(config["width"]))
    if inputs is not None and store.recall(CURRENT, os.path.abspath(pot), inputs) == found.digest:
        keys = {key: 0 for key in segment_keys(profiles)}
        if store.verify and read_keys(pot, found.data).keys() != keys.keys():
            raise Mismatch(f"the store says {pot} is the template of the profiles, its keys differ")
        return keys
    return read_keys(pot, found.data)
