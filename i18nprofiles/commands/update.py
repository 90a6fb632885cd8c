"""``init`` and ``update``: catalogues created from the template, and the template merged into them."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import astuple, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import polib

from i18nprofiles.commands.catalogs import parse_input, remove_catalog_leftovers
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import CatalogError, ConfigError
from i18nprofiles.gettext.matcher import DEFAULT_CUTOFF
from i18nprofiles.gettext.merge import MergeReport, merge_catalog, new_catalog
from i18nprofiles.gettext.pofile import (
    Key,
    build_date,
    encode_po,
    format_po_date,
    same_but_date,
    same_content,
)
from i18nprofiles.paths import (
    PROFILES_DOMAIN,
    catalog_path,
    select_catalogs,
    template_path,
)
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.store import Input, Mismatch, Step, Store, digest_bytes, open_store
from i18nprofiles.store.changes import CatalogChange, diff_catalogs
from i18nprofiles.store.splice import (
    forget_indexes,
    keep_layout,
    recall_layout,
    splice_catalog,
    template_hashes,
    write_blocks,
    writer_options,
)

MERGED = "update"  # record kind: how the catalogue at a path was last made (template, options, bytes)


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
    fuzzy_threshold: float = DEFAULT_CUTOFF
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
    describe: bool = False  # for build: what changed (``diff_catalogs``) and the merged catalogue are kept


@dataclass(frozen=True)
class Merged:
    """What merging gave: the new file and its layout, the report, and what changed.

    ``old`` and ``new`` are the catalogues before and after when the merge
    parsed them; a splice gives ``entries`` and ``metadata`` instead (see ``CatalogChange``).
    """

    written: Any  # store.splice.Written
    report: MergeReport
    old: polib.POFile | None = None
    new: polib.POFile | None = None
    entries: dict[Key, tuple[polib.POEntry | None, polib.POEntry | None]] | None = None
    metadata: tuple[dict[str, str], dict[str, str]] | None = None

    @property
    def data(self) -> bytes:
        return self.written.data


def merge_file(inputs: MergeInputs) -> Merged:
    """The full stage: parse the catalogue, merge the template into it (or create it), write it."""
    template, options = inputs.parse_template(), inputs.options
    if inputs.catalog.exists:
        old = parse_input(inputs.catalog)
        merged, report = merge_catalog(template, old, fuzzy_matching=options.fuzzy_matching,
                                       fuzzy_threshold=options.fuzzy_threshold, keep_obsolete=options.keep_obsolete)
        if not inputs.describe and any(report.counts()):
            old = None  # the content changed, no diff is wanted: the old catalogue goes before writing (it is big)
    else:
        old = None
        merged = new_catalog(template, inputs.locale, created=inputs.created)
        report = MergeReport(added=list(merged))
    return Merged(write_blocks(merged, writer_options(options.width)), report, old, merged)


def splice_file(store: Store, inputs: MergeInputs) -> Merged | None:
    """Merge only where the template differs from the one the catalogue was last merged with (``splice_catalog``)."""
    known = store.recall(MERGED, os.path.abspath(inputs.catalog.path), "last")
    if not isinstance(known, tuple) or len(known) != 4 or known[1:3] != (astuple(inputs.options), inputs.catalog.digest):
        return None
    template, catalog = recall_layout(store, inputs.template), recall_layout(store, inputs.catalog)
    if template is None or catalog is None or not isinstance(known[3], bytes):
        return None
    options = inputs.options
    spliced = splice_catalog(template, catalog, known[3], writer_options(options.width),
                             fuzzy_matching=options.fuzzy_matching, fuzzy_threshold=options.fuzzy_threshold,
                             keep_obsolete=options.keep_obsolete)
    if spliced is None:
        return None
    return Merged(spliced.written, spliced.report, entries=spliced.entries, metadata=spliced.metadata)


def merge_outcome(merged: Merged) -> tuple[bytes, tuple[int, ...]]:
    """What verify mode compares: the bytes, and the counts the report gives."""
    return merged.data, merged.report.counts()


MERGE: Step[MergeInputs, Merged] = Step("merge", merge_file, accelerate=splice_file, compare=merge_outcome)


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
    store.stage(path, encode_po(catalog, width=config["width"] if width is None else width))
    store.commit()
    return path


def read_template_input(store: Store, path: Path) -> Input:
    """The template file; CatalogError when there is none."""
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
    fuzzy_threshold: float | None = None,
    ignore_obsolete: bool = False,
    init_missing: bool = False,
    check: bool = False,
    describe: bool = False,
    store: Store | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[UpdateResult]:
    """Merge the template into every catalogue of the domain (or those of ``locales``).

    With ``check`` nothing is written; each result says whether the file would change.
    Every catalogue is read, merged and staged before any is put in place, so
    a bad file leaves all of them as they were.  A catalogue that is what the
    last update made with the same template and options is not merged again;
    one that the last update made with another template is merged only where
    the templates differ (``store.splice``).  With ``describe``, each written
    catalogue's result says what changed in it (``UpdateResult.change``), for
    ``compile``.  ``workers`` is accepted for compatibility and ignored.
    ``progress`` hears of step "update", in catalogues.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    folder = Path(directory) if directory else config.locales_dir
    if not check:
        remove_catalog_leftovers(config, folder)
    template_file = Path(input_file) if input_file else template_path(config, domain)
    targets = select_catalogs(config, folder, domain, locales, create_missing=init_missing)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    options = UpdateOptions(width=config["width"] if width is None else width, fuzzy_matching=fuzzy_matching,
                            fuzzy_threshold=config["fuzzy_threshold"] if fuzzy_threshold is None else fuzzy_threshold,
                            keep_obsolete=not ignore_obsolete)
    template = read_template_input(store, template_file) if targets else store.read(template_file)
    parse_template = lru_cache(maxsize=1)(lambda: parse_input(template))
    created = format_po_date(build_date())
    hashes = lru_cache(maxsize=1)(lambda: _template_hashes(store, template))
    results: list[UpdateResult] = []
    report = report_progress(progress)
    report("update", 0, len(targets))
    try:
        for locale, path in sorted(targets.items()):
            results.append(update_one(store, MergeInputs(template, parse_template, store.read(path), locale, created,
                                                         options, describe), Path(output) if output else None,
                                      check, hashes))
            report("update", len(results), len(targets))
    except BaseException:
        store.discard()
        raise
    finally:
        forget_indexes()  # (a fuzzy index shared by the catalogues is big)
    if own and not check:
        store.commit()
    return results


def _template_hashes(store: Store, template: Input) -> bytes | None:
    """The hashes of the template's blocks (None for a template the store did not write: no splice follows)."""
    found = recall_layout(store, template)
    return template_hashes(found[0]) if found is not None else None


def update_one(store: Store, inputs: MergeInputs, output: Path | None, check: bool,
               hashes: Callable[[], bytes]) -> UpdateResult:
    """Update one catalogue (into ``output`` when given), unless it is up to date.

    A catalogue is up to date when merging gives its content, whatever tool
    laid it out (Poedit, Weblate, ``msgcat -w 79``): it is then left as it is.
    """
    found, target = inputs.catalog, output or inputs.catalog.path
    slot = os.path.abspath(target)
    memo = (inputs.template.digest, astuple(inputs.options), found.digest)
    known = store.recall(MERGED, slot, "last")
    if output is None and found.exists and isinstance(known, tuple) and known[:3] == memo and store.uses("merge"):
        if store.verify and not is_merged(found, merge_file(inputs)):
            raise Mismatch(f"the store says {found.path} is up to date, merging again changes it")
        return UpdateResult(target, inputs.locale, False, False, MergeReport(), digest=found.digest)
    merged = store.run(MERGE, inputs)
    old = store.read(target) if output else found
    laid_out = old.data is not None and same_but_date(old.data, merged.data)  # our layout, dates aside
    if laid_out:
        changed = False
    elif merged.entries or any(merged.report.counts()):  # entries changed (a splice says which): the content did
        changed = True
    else:
        changed = not (output is None and is_merged(old, merged))
    if changed and not check:
        store.stage(target, merged.data)
    after = digest_bytes(merged.data) if changed else old.digest
    assert after is not None
    change = None
    if inputs.describe and changed:
        if merged.new is not None:
            change = diff_catalogs(merged.old, merged.new, target, found.digest, after)
        elif merged.entries is not None and merged.metadata is not None:
            change = CatalogChange(target, found.digest, after, merged.metadata, merged.entries)
    if not check:
        if (changed or laid_out) and merged.written.layout is not None:
            keep_layout(store, target, after, merged.written.layout)  # only for bytes it describes
        if output is None:
            store.keep(MERGED, slot, "last", (inputs.template.digest, astuple(inputs.options), after, hashes()))
    return UpdateResult(target, inputs.locale, changed, changed and not check, merged.report, change, after,
                        merged.new if inputs.describe else None)  # (the merged catalogue is big: kept for build only)


def is_merged(found: Input, merged: Merged) -> bool:
    """Whether the file already holds what the merge gives: its bytes (dates aside), or its content in
    another layout."""
    if found.data is None:
        return False
    if same_but_date(found.data, merged.data):
        return True
    old = merged.old if merged.old is not None else parse_input(found)
    new = merged.new if merged.new is not None else parse_input(Input(found.path, merged.data, None))
    return same_content(old, new)
