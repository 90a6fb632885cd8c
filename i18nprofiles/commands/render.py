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
)
from i18nprofiles.source.model import Profile
from i18nprofiles.store import Step, Store, open_store
from i18nprofiles.store.changes import CatalogChange
from i18nprofiles.store.site import (
    RenderInputs,
    RenderOutput,
    keep_files,
    keep_state,
    recall_files,
    reuse_pages,
)
from i18nprofiles.store.tables import (
    KIND,
    KeptTable,
    TableInputs,
    decode_table,
    keep_table,
    patch_table,
    table_slot,
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


def make_table(inputs: TableInputs) -> KeptTable:
    """The translations a catalogue file holds, as rendering uses them (the full stage: the file parsed)."""
    return keep_table(parse_input(inputs.file))


TABLE: Step[TableInputs, KeptTable] = Step(KIND, make_table, accelerate=patch_table, encode=tuple, decode=decode_table)


def read_tables(config: Config, locales: Iterable[str], store: Store | None = None,
                catalogs: Mapping[str, polib.POFile] | None = None,
                changes: Mapping[str, CatalogChange] | None = None) -> dict[str, dict[str, Translation]]:
    """The content translations of each locale, read from its ``profiles.po`` (none if missing).

    A catalogue whose bytes the store has seen gives the table it kept,
    without being parsed; ``catalogs`` (by locale) are catalogues already in
    memory, as their files hold them; ``changes`` (by locale) say what
    ``update`` changed, to patch the table kept for the file before.
    """
    store = store or open_store(None)
    tables: dict[str, dict[str, Translation]] = {}
    for code in locales:
        found = store.read(catalog_path(config, code, PROFILES_DOMAIN))
        if not found.exists:
            tables[code] = {}
            continue
        inputs = TableInputs(found, (catalogs or {}).get(code), (changes or {}).get(code))
        tables[code] = store.run(TABLE, inputs, key=found.digest, slot=table_slot(inputs)).table
    return tables


def check_names(output: Path, names: Iterable[str]) -> None:
    """ConfigError for an output name that is not a plain relative path (it could land outside the folder)."""
    for name in names:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or "\\" in name or ".." in parts or "\0" in name:
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
    changes: Mapping[str, CatalogChange] | None = None,
    store: Store | None = None,
) -> RenderResult:
    """Render the project's site into ``output`` (default: ``output_dir``).

    ``profiles`` and ``tables`` (content translations by locale, as
    ``table_from_catalog`` makes them) are read from the project unless
    given; ``catalogs`` (by locale) stand for catalogues already in memory,
    and ``changes`` say what ``update`` changed in the others.
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
        tables = read_tables(config, config.locales, store, catalogs, changes)
    inputs = SiteInputs(config, profiles, tables, fuzzy)
    published, withheld = published_locales(inputs)
    records = plan_pages(plan_site(inputs, published))
    check_names(folder, records)  # every name checked before anything is made
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
