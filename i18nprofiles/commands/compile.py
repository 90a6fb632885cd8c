"""``compile``: catalogues → machine objects (.mo), with honest statistics."""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, field
from pathlib import Path

from i18nprofiles.commands.catalogs import parse_input, remove_catalog_leftovers
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import CatalogError, ConfigError, I18nProfilesError
from i18nprofiles.gettext.checks import Problem, find_problems
from i18nprofiles.gettext.mofile import build_mo
from i18nprofiles.gettext.stats import Statistics, count_entries
from i18nprofiles.paths import PROFILES_DOMAIN, select_catalogs
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.store import Input, Mismatch, Step, Store, digest_bytes, open_store
from i18nprofiles.store.changes import CatalogChange
from i18nprofiles.store.mopatch import patch_compiled

COMPILED = "compile"  # record kind: the .mo bytes' digest and the statistics of a .po compiled a way


@dataclass(frozen=True)
class CompileResult:
    path: Path
    mo_path: Path
    locale: str
    statistics: Statistics | None
    written: bool
    skipped: bool  # the .mo already held what compiling gives
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class CompileInputs:
    """A catalogue to compile, whether fuzzy entries go in, and (for a patch) the .mo and what ``update`` changed."""

    po: Input
    use_fuzzy: bool
    mo: Input | None = None
    change: CatalogChange | None = None


@dataclass(frozen=True)
class Compilation:
    """What compiling one catalogue gave: the .mo bytes (None when it has problems), counts, problems."""

    data: bytes | None
    statistics: Statistics
    problems: list[Problem]


def compile_file(inputs: CompileInputs) -> Compilation:
    """The full stage: parse the catalogue, check it as ``msgfmt -c`` would, encode the .mo."""
    catalog = parse_input(inputs.po)
    problems = find_problems(catalog, inputs.po.path, use_fuzzy=inputs.use_fuzzy)
    data = None if problems else build_mo(catalog, use_fuzzy=inputs.use_fuzzy)
    return Compilation(data, count_entries(catalog), problems)


def patch_file(store: Store, inputs: CompileInputs) -> Compilation | None:
    """The .mo patched with the change, when the store knows the .mo on disk was compiled from the catalogue
    as it was before the change, the same way."""
    change, mo = inputs.change, inputs.mo
    if change is None or mo is None or mo.data is None or change.before is None or change.after != inputs.po.digest:
        return None
    known = store.recall(COMPILED, os.path.abspath(mo.path), (change.before, inputs.use_fuzzy))
    if not isinstance(known, tuple) or known[0] != mo.digest:
        return None
    try:
        patched = patch_compiled(mo.data, Statistics(*known[1]), change, inputs.use_fuzzy)
    except (struct.error, IndexError, TypeError, ValueError, I18nProfilesError):
        return None  # a .mo or a change it cannot take: the full compile says why
    return Compilation(patched[0], patched[1], []) if patched is not None else None


COMPILE: Step[CompileInputs, Compilation] = Step(
    "compile", compile_file, accelerate=patch_file, compare=lambda done: (done.data, done.statistics, done.problems))


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
    store: Store | None = None,
    progress: Progress | None = None,
    catalogs: Mapping[str, Path] | None = None,
) -> list[CompileResult]:
    """Compile each catalogue of the domain to ``.mo`` beside it.

    A ``.mo`` that the store knows was compiled from the same ``.po`` bytes
    the same way, and still holds those bytes, is left alone unless ``force``.
    A catalogue with problems is not compiled.  ``statistics`` is accepted for
    compatibility: the counts are always given.  ``changes`` (by locale) say
    how ``update`` changed catalogues: their .mo is patched when the store
    can vouch for it (``store.mopatch``).  ``progress`` hears of step "compile", in catalogues.
    ``catalogs`` (by locale) name the catalogues to compile, for a caller that
    staged new ones not yet on disk.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    folder = Path(directory) if directory else config.locales_dir
    remove_catalog_leftovers(config, folder)
    if input_file:
        wanted = [normalize_locale(loc) for loc in locales]
        if len(wanted) != 1:
            raise ConfigError("--input-file needs exactly one --locale")
        targets = {wanted[0]: Path(input_file)}
    elif catalogs is not None:
        targets = dict(catalogs)
    else:
        targets = select_catalogs(config, folder, domain, locales)
    if output and len(targets) != 1:
        raise ConfigError("--output needs exactly one --locale")
    results: list[CompileResult] = []
    report = report_progress(progress)
    report("compile", 0, len(targets))
    try:
        for locale, po_path in sorted(targets.items()):
            mo_path = Path(output) if output else po_path.with_suffix(".mo")
            change = (changes or {}).get(locale) if not force else None
            results.append(compile_one(store, locale, po_path, mo_path, use_fuzzy, force, change))
            report("compile", len(results), len(targets))
    except BaseException:
        store.discard()
        raise
    if own:
        store.commit()
    return results


def compile_one(store: Store, locale: str, po_path: Path, mo_path: Path, use_fuzzy: bool, force: bool,
                change: CatalogChange | None = None) -> CompileResult:
    """Compile one catalogue, unless its .mo already holds what that gives."""
    po = store.read(po_path)
    if not po.exists:
        raise CatalogError("cannot read catalogue: No such file or directory", po_path)
    mo = store.read(mo_path)
    slot, key = os.path.abspath(mo_path), (po.digest, use_fuzzy)
    known = store.recall(COMPILED, slot, key)
    if not force and isinstance(known, tuple) and mo.digest is not None and known[0] == mo.digest \
            and store.uses("compile"):
        if store.verify and compile_file(CompileInputs(po, use_fuzzy)).data != mo.data:
            raise Mismatch(f"the store says {mo_path} is current, compiling again differs")
        return CompileResult(po_path, mo_path, locale, Statistics(*known[1]), False, True)
    done = store.run(COMPILE, CompileInputs(po, use_fuzzy, mo, change))
    if done.data is None:
        return CompileResult(po_path, mo_path, locale, done.statistics, False, False, done.problems)
    written = done.data != mo.data
    if written:
        store.stage(mo_path, done.data)
    store.keep(COMPILED, slot, key, (digest_bytes(done.data), astuple(done.statistics)))
    return CompileResult(po_path, mo_path, locale, done.statistics, written, False)
