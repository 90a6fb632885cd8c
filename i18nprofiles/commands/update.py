"""``init`` and ``update``: catalogues created from the template, and the template merged into them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path

import polib

from i18nprofiles.commands.catalogs import parse_input, stage_catalog
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ConfigError
from i18nprofiles.gettext.merge import MergeReport, merge_catalog, new_catalog
from i18nprofiles.gettext.pofile import build_date, catalog_bytes, format_po_date, same_but_date
from i18nprofiles.paths import PROFILES_DOMAIN, catalog_path, select_catalogs, template_path
from i18nprofiles.store import Input, Mismatch, Step, Store, digest_bytes, open_store
from i18nprofiles.store.changes import CatalogChange, diff_catalogs

MERGED = "update"  # record kind: the digest of what the last update of a catalogue left, by template and options


@dataclass(frozen=True)
class UpdateResult:
    """The outcome of updating one catalogue."""

    path: Path
    locale: str
    changed: bool
    written: bool
    report: MergeReport
    change: CatalogChange | None = None  # what a written catalogue changed, for compile
    digest: str | None = None  # SHA-256 of the catalogue's bytes after the update (None: no file)
    catalog: polib.POFile | None = field(default=None, repr=False, compare=False)  # the merged catalogue, if made


@dataclass(frozen=True)
class UpdateOptions:
    """Everything besides the two files that decides a merge's bytes (the update record's key holds them all)."""

    width: int
    fuzzy_matching: bool = True
    keep_obsolete: bool = True


@dataclass(frozen=True)
class MergeInputs:
    """One catalogue to update: the template (file and parsed), the catalogue as it is, the options."""

    template: Input
    parse_template: Callable[[], polib.POFile]
    catalog: Input
    locale: str
    created: str
    options: UpdateOptions


@dataclass(frozen=True)
class Merged:
    """What merging gave: the new bytes, the report, and the catalogues before and after (None: not parsed)."""

    data: bytes
    report: MergeReport
    old: polib.POFile | None = None
    new: polib.POFile | None = None


def merge_file(inputs: MergeInputs) -> Merged:
    """The full stage: parse the catalogue, merge the template into it (or create it), write it."""
    template, options = inputs.parse_template(), inputs.options
    if inputs.catalog.exists:
        old = parse_input(inputs.catalog)
        merged, report = merge_catalog(template, old, fuzzy_matching=options.fuzzy_matching,
                                       keep_obsolete=options.keep_obsolete)
    else:
        old = None
        merged = new_catalog(template, inputs.locale, created=inputs.created)
        report = MergeReport(added=list(merged))
    return Merged(catalog_bytes(merged, width=options.width), report, old, merged)


MERGE: Step[MergeInputs, Merged] = Step("merge", merge_file, compare=lambda merged: merged.data)


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
    store = open_store(None)
    template = parse_input(read_template_input(store, Path(input_file) if input_file else template_path(config, domain)))
    catalog = new_catalog(template, locale, created=format_po_date(build_date()))
    store.stage(path, catalog_bytes(catalog, width=config["width"] if width is None else width))
    store.commit()
    return path


def read_template_input(store: Store, path: Path) -> Input:
    """The template file; CatalogError when there is none."""
    from i18nprofiles.errors import CatalogError

    found = store.read(path)
    if not found.exists:
        raise CatalogError("no template (run `i18nprofiles extract` first)", path)
    return found


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
    describe: bool = False,
    store: Store | None = None,
    workers: int | None = None,
) -> list[UpdateResult]:
    """Merge the template into every catalogue of the domain (or those of ``locales``).

    With ``check`` nothing is written; each result says whether the file would change.
    Every catalogue is read, merged and staged before any is put in place, so
    a bad file leaves all of them as they were.  A catalogue that is what the
    last update left with the same template and options is not merged again.
    With ``describe``, each written catalogue's result says what changed in it
    (``UpdateResult.change``), for ``compile``.  ``workers`` is accepted for
    compatibility and ignored.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    folder = Path(directory) if directory else config.locales_dir
    template_file = Path(input_file) if input_file else template_path(config, domain)
    targets = select_catalogs(config, folder, domain, locales, create_missing=init_missing)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    options = UpdateOptions(config["width"] if width is None else width, fuzzy_matching, not ignore_obsolete)
    template = read_template_input(store, template_file) if targets else store.read(template_file)
    parse_template = lru_cache(maxsize=1)(lambda: parse_input(template))
    created = format_po_date(build_date())
    results = []
    try:
        for locale, path in sorted(targets.items()):
            target = Path(output) if output else path
            found = store.read(path)
            key = (template.digest, astuple(options))
            slot = os.path.abspath(target)
            if (not output and found.digest is not None and store.recall(MERGED, slot, key) == found.digest
                    and not _verify_unchanged(store, MergeInputs(template, parse_template, found, locale, created,
                                                                 options))):
                results.append(UpdateResult(target, locale, False, False, MergeReport(), digest=found.digest))
                continue
            inputs = MergeInputs(template, parse_template, found, locale, created, options)
            merged = store.run(MERGE, inputs)
            old = store.read(target) if output else found
            changed = stage_catalog(store, target, old, merged.data) if not check else (
                old.data is None or not same_but_date(old.data, merged.data))
            after = digest_bytes(merged.data) if changed else old.digest
            change = None
            if describe and changed and merged.new is not None:
                change = diff_catalogs(merged.old, merged.new, target, found.digest, after)
            if not check and not output:
                store.keep(MERGED, slot, key, after)
            results.append(UpdateResult(target, locale, changed, changed and not check, merged.report, change, after,
                                        merged.new))
    except BaseException:
        store.discard()
        raise
    if own and not check:
        store.commit()
    return results


def _verify_unchanged(store: Store, inputs: MergeInputs) -> bool:
    """Verify mode: the record says the catalogue is what merging gives; check it (raises Mismatch)."""
    if store.verify and merge_file(inputs).data != inputs.catalog.data:
        raise Mismatch(f"the store says {inputs.catalog.path} is up to date, merging again changes it")
    return False
