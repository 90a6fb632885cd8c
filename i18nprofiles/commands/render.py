"""``render``: the site, one page per profile per published locale, indexes, 404 pages, sitemap."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polib

from i18nprofiles.commands.catalogs import parse_input
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.config import Config
from i18nprofiles.errors import ConfigError
from i18nprofiles.files import write_text_atomic
from i18nprofiles.paths import PROFILES_DOMAIN, catalog_path
from i18nprofiles.site.pages import (
    SiteInputs,
    Table,
    Translation,
    plan_pages,
    plan_site,
    published_locales,
    record_digest,
    render_pages,
    table_from_catalog,
)
from i18nprofiles.source.model import Profile
from i18nprofiles.store import Step, Store, open_store
from i18nprofiles.store.site import (
    RenderInputs,
    RenderOutput,
    keep_files,
    keep_state,
    recall_files,
    reuse_pages,
)


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


def render_all(inputs: RenderInputs) -> RenderOutput:
    """The full stage: every file of the site."""
    return RenderOutput(inputs.folder, render_pages(inputs.records, inputs.records, inputs.workers))


RENDER: Step[RenderInputs, RenderOutput] = Step("render", render_all, accelerate=reuse_pages,
                                                compare=RenderOutput.contents)


def read_tables(config: Config, locales: Iterable[str], store: Store | None = None) -> dict[str, dict[str, Translation]]:
    """The content translations of each locale, read from its ``profiles.po`` (none if missing)."""
    store = store or open_store(None)
    tables: dict[str, dict[str, Translation]] = {}
    for code in locales:
        found = store.read(catalog_path(config, code, PROFILES_DOMAIN))
        tables[code] = table_from_catalog(parse_input(found)) if found.exists else {}
    return tables


def output_files(output: Path, names: Iterable[str]) -> dict[str, Path]:
    """The file of each output name; ConfigError if one would land outside the output folder."""
    root = output.resolve()
    targets = {}
    for name in names:
        target = (root / name).resolve()
        if not target.is_relative_to(root) or ".." in PurePosixPath(name).parts:
            raise ConfigError(f"refusing to write outside the output folder: {name!r}", output)
        targets[name] = target
    return targets


def output_file(output: Path, name: str) -> Path:
    """The file for an output name; ConfigError if it would land outside the output folder."""
    return output_files(output, [name])[name]


def write_site(output: Path, files: Mapping[str, bytes]) -> tuple[list[str], list[str]]:
    """Write the files whose bytes differ; return (written, unchanged) names."""
    targets = output_files(output, files)
    written, unchanged = [], []
    for name, data in files.items():
        target = targets[name]
        if target.is_file() and target.read_bytes() == data:
            unchanged.append(name)
            continue
        write_text_atomic(target, data)
        written.append(name)
    return written, unchanged


def remove_stale(folder: Path, previous: Iterable[str], names: Iterable[str]) -> list[str]:
    """Delete the files a previous render wrote that this one does not (a withheld locale, a removed profile)."""
    removed = []
    for name, target in output_files(folder, sorted(set(previous) - set(names))).items():
        if target.is_file():
            target.unlink()
            removed.append(name)
            for parent in target.parents:
                if parent == folder.resolve() or any(parent.iterdir()):
                    break
                parent.rmdir()
    return removed


def render_site(
    config: Config,
    *,
    output: str | Path | None = None,
    use_fuzzy: bool | None = None,
    profiles: Sequence[Profile] | None = None,
    workers: int | None = None,
    tables: Mapping[str, Table] | None = None,
    catalogs: Mapping[str, polib.POFile] | None = None,
    store: Store | None = None,
) -> RenderResult:
    """Render the project's site into ``output`` (default: ``output_dir``).

    ``profiles`` and ``tables`` (content translations by locale, as
    ``table_from_catalog`` makes them) are read from the project unless
    given; ``catalogs`` (by locale) stand for catalogues already in memory.
    Every file is made in memory before any is written; a file whose record
    did not change since the last render into the folder is not made again,
    and a file whose bytes did not change is not rewritten.
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    fuzzy = bool(config["use_fuzzy"] if use_fuzzy is None else use_fuzzy)
    folder = Path(output) if output else config.output_dir
    if profiles is None:
        profiles = read_profiles(config, store=store)
    if tables is None:
        known = {code: table_from_catalog(catalog) for code, catalog in (catalogs or {}).items()}
        tables = {**read_tables(config, [code for code in config.locales if code not in known], store), **known}
    inputs = SiteInputs(config, profiles, tables, fuzzy)
    published, withheld = published_locales(inputs)
    records = plan_pages(plan_site(inputs, published))
    output_files(folder, records)  # every name checked before anything is made
    digests = {name: record_digest(record) for name, record in records.items()} if store.folder else {}
    made = store.run(RENDER, RenderInputs(folder, records, digests, workers))
    previous = recall_files(store, folder)
    written, unchanged = write_site(folder, made.files)
    removed = remove_stale(folder, previous, records)
    keep_files(store, folder, list(records))
    keep_state(store, folder, digests)
    if own:
        store.commit()
    return RenderResult(folder, written, sorted([*unchanged, *made.reused]), published, withheld, removed,
                        len(made.files))
