"""``check``: the CI gate over the project's profiles, template and catalogues.

Catalogues are scanned in worker processes when they are large, while this
process reads the profiles and the template.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from i18nprofiles.check.gate import (
    CatalogScan,
    CheckOptions,
    CheckReport,
    Key,
    assemble_report,
    build_options,
    scan_catalog,
    segment_keys,
)
from i18nprofiles.check.poscan import read_keys, read_messages
from i18nprofiles.commands.extract import (
    CURRENT,
    TemplateInputs,
    make_template,
    template_key,
)
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.config import Config
from i18nprofiles.errors import ConfigError
from i18nprofiles.gettext.pofile import same_but_date
from i18nprofiles.paths import PROFILES_DOMAIN, select_catalogs, template_path
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.runtime import cpu_count, paused_gc, process_pool
from i18nprofiles.source.discover import relative_path
from i18nprofiles.source.model import Profile
from i18nprofiles.source.template import template_options
from i18nprofiles.store import Store, open_store

PARALLEL_BYTES = 4_000_000  # below this, worker processes cost more than they save


def scan_file(file: str, locale: str, path: str, options: CheckOptions) -> CatalogScan:
    """Scan one catalogue file (in a worker process, or this one)."""
    with paused_gc():
        return scan_catalog(read_messages(file), locale, path, options)


def count_jobs(files: list[Path], jobs: int | None) -> int:
    """Worker processes for the catalogues: none below PARALLEL_BYTES, else one per catalogue up to the CPUs."""
    if jobs is not None:
        return max(1, jobs)
    size = sum(f.stat().st_size for f in files)
    return min(len(files), cpu_count()) if size >= PARALLEL_BYTES else 1


def check_project(
    config: Config,
    *,
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
    """Check the project's catalogues against its profiles; see docs/check.md.

    Raises I18nProfilesError (exit 2) for bad input: a profile or catalogue
    that cannot be read, a wrong option.  Writes nothing but the store's records.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    options = build_options(config, fail_under=fail_under, fail_on=fail_on, skip=skip, fail_level=fail_level)
    with paused_gc():  # profiles, entries and findings hold no cycles: collections took a sixth of the time
        report = _check_catalogs(config, options, locales, directory, jobs, store, report_progress(progress))
    if own:
        store.commit()
    return report


def _check_catalogs(config: Config, options: CheckOptions, locales: Iterable[str], directory: str | Path | None,
                    jobs: int | None, store: Store, progress: Progress) -> CheckReport:
    """``check_project``'s work, in a frame of its own: profiles and entries are freed before the collector resumes."""
    folder = Path(directory) if directory else config.locales_dir
    targets = select_catalogs(config, folder, PROFILES_DOMAIN, locales, create_missing=True)
    if not targets:
        raise ConfigError("nothing to check: no target locale (list the locales to publish in 'locales')",
                          config.source)
    rel = {loc: relative_path(path, config.root) for loc, path in targets.items()}
    existing = {loc: path for loc, path in targets.items() if path.is_file()}
    pot = template_path(config)
    workers = count_jobs(list(existing.values()), jobs)
    scans: dict[str, CatalogScan] = {}
    if workers > 1:
        with process_pool(workers) as pool:
            futures = {loc: pool.submit(scan_file, str(p), loc, rel[loc], options) for loc, p in existing.items()}
            profiles = read_profiles(config, store=store, progress=progress)
            template_found = template_keys(config, profiles, pot, store)
            progress("check", 0, len(existing))
            for loc, future in futures.items():
                scans[loc] = future.result()
                progress("check", len(scans), len(existing))
    else:
        profiles = read_profiles(config, store=store, progress=progress)
        template_found = template_keys(config, profiles, pot, store)
        progress("check", 0, len(existing))
        for loc, p in existing.items():
            scans[loc] = scan_file(str(p), loc, rel[loc], options)
            progress("check", len(scans), len(existing))
    if not any(profile.segments for profile in profiles):
        raise ConfigError(f"nothing to check: the {len(profiles)} profiles give no message to translate",
                          config.source)
    return assemble_report(options, rel, scans, profiles, segment_keys(profiles), template_found,
                           relative_path(pot, config.root))


def template_keys(config: Config, profiles: list[Profile], pot: Path, store: Store) -> dict[Key, int] | None:
    """The keys of the .pot with their lines (None when there is none).

    When the file holds what ``extract`` would write now (dates aside), it is
    up to date and is not parsed: its keys are the profiles'.
    """
    found = store.read(pot)
    if found.data is None:
        return None
    options = template_options(config["width"])
    key = template_key(config, profiles, options)
    if key is not None and store.recall(CURRENT, os.path.abspath(pot), key) == found.digest and not store.verify:
        return {key: 0 for key in segment_keys(profiles)}
    made = make_template(TemplateInputs(profiles, config["project"], config.source_locale, "", options)).data
    if same_but_date(made, found.data):
        return {key: 0 for key in segment_keys(profiles)}
    return read_keys(pot)
