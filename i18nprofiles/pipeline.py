"""``build``: extract → update (creating missing catalogues) → compile → render, with one store open."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from i18nprofiles.commands.catalogs import remove_catalog_leftovers
from i18nprofiles.commands.compile import compile_catalogs
from i18nprofiles.commands.extract import extract
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.commands.render import RenderResult, check_site_inputs, render_site
from i18nprofiles.commands.update import update_catalogs
from i18nprofiles.config import Config
from i18nprofiles.paths import PROFILES_DOMAIN, select_catalogs, template_path
from i18nprofiles.progress import Progress
from i18nprofiles.runtime import paused_gc
from i18nprofiles.store import Store, open_store


@dataclass(frozen=True)
class BuildResult:
    """The results of each step of ``build_project``."""

    extract: Any
    update: list[Any]
    compile: list[Any]
    render: RenderResult | None  # None when a catalogue could not compile


def build_project(config: Config, *, output: str | Path | None = None, workers: int | None = None,
                  store: Store | None = None, progress: Progress | None = None) -> BuildResult:
    """extract → update (creating missing catalogues) → compile → render.

    Rendering is skipped when a catalogue has problems that stop it compiling.
    Every input is read and checked before anything is made (profiles,
    photos, templates, UI catalogues, the output folder), and nothing is
    written before everything is made: each step hands the next what it
    made in memory (profiles, merged catalogues, what changed) or through
    the store, which reads a staged file as its new bytes.  The store's
    commit then puts the template, the catalogues, the .mo files and the
    site in place (with ``store``, the caller commits).  ``progress`` hears
    of each step in turn ("read profiles", "extract", "update", "compile", "render").
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    remove_catalog_leftovers(config)
    targets = select_catalogs(config, config.locales_dir, PROFILES_DOMAIN, (), create_missing=True)
    store.prefetch([template_path(config), *targets.values()])  # read while the profiles are
    with paused_gc():
        profiles = read_profiles(config, store=store, progress=progress)
        gc.freeze()  # the profiles live to the end: no collection need scan them, not even once as it resumes
    check_site_inputs(config, profiles, output)
    try:
        with paused_gc():  # catalogues and their entries hold no cycles
            extracted = extract(config, profiles=profiles, store=store, progress=progress)
            updated = update_catalogs(config, init_missing=True, describe=True, store=store, progress=progress)
            changes = {result.locale: result.change for result in updated if result.change is not None}
            catalogs_made = {result.locale: result.path for result in updated}
            compiled = compile_catalogs(config, use_fuzzy=bool(config["use_fuzzy"]), changes=changes, store=store,
                                        catalogs=catalogs_made, progress=progress)
        if any(result.problems for result in compiled):
            if own:
                store.commit()
            return BuildResult(extracted, updated, compiled, None)
        gc.freeze()
        catalogs = {result.locale: result.catalog for result in updated if result.catalog is not None}
        rendered = render_site(config, output=output, profiles=profiles, workers=workers, catalogs=catalogs,
                               changes=changes, store=store, progress=progress)
        if own:
            store.commit()
        return BuildResult(extracted, updated, compiled, rendered)
    except BaseException:
        if own:
            store.discard()
        raise
    finally:
        gc.unfreeze()
