"""``build``: extract → update (creating missing catalogues) → compile → render, with one store open."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from i18nprofiles.commands.compile import compile_catalogs
from i18nprofiles.commands.extract import extract
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.commands.render import RenderResult, render_site
from i18nprofiles.commands.update import update_catalogs
from i18nprofiles.config import Config
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
    Each step hands the next what it made in memory (profiles, merged
    catalogues, what changed); the store commits every file at the end of
    each step that writes catalogues, and the site at the end.  ``progress``
    hears of each step in turn ("read profiles", "extract", "update", "compile", "render").
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    profiles = read_profiles(config, store=store, progress=progress)
    gc.freeze()  # the profiles live to the end: the collector need not scan them again at every collection
    try:
        with paused_gc():  # catalogues and their entries hold no cycles
            extracted = extract(config, profiles=profiles, store=store, progress=progress)
            store.commit()  # update reads the template written
            updated = update_catalogs(config, init_missing=True, describe=True, store=store, progress=progress)
            store.commit()
            changes = {result.locale: result.change for result in updated if result.change is not None}
            compiled = compile_catalogs(config, use_fuzzy=bool(config["use_fuzzy"]), changes=changes, store=store,
                                        progress=progress)
            store.commit()
        if any(result.problems for result in compiled):
            return BuildResult(extracted, updated, compiled, None)
        gc.freeze()
        catalogs = {result.locale: result.catalog for result in updated if result.catalog is not None}
        rendered = render_site(config, output=output, profiles=profiles, workers=workers, catalogs=catalogs,
                               changes=changes, store=store, progress=progress)
        if own:
            store.commit()
        return BuildResult(extracted, updated, compiled, rendered)
    finally:
        gc.unfreeze()
