"""Incremental render: after each kind of change, the site is byte for byte what a render from scratch gives.

Each test starts from the example project, its catalogues merged with its
profiles, rendered once.  Changes to catalogues are handed to ``render_site``
as ``update`` would (``diff_catalogs`` of the file before and after), or not
at all, in which case render finds out by itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polib
import pytest

import i18nprofiles.render as render_module
from i18nprofiles.cache import digest_file, snapshot_path
from i18nprofiles.catalog import read_catalog
from i18nprofiles.changes import CatalogChange, diff_catalogs
from i18nprofiles.config import Config, load_config
from i18nprofiles.extract import extract
from i18nprofiles.merge import catalog_path, update_catalogs
from i18nprofiles.render import RenderResult, render_site
from test_render_helpers import make_project, site_files

TARGETS = ("es", "en")
Catalogues = dict[str, tuple[polib.POFile, str | None]]


@pytest.fixture
def project(tmp_path: Path) -> Config:
    """The example project, its catalogues merged with its profiles, rendered once."""
    config = load_config(make_project(tmp_path / "project"))
    extract(config)
    update_catalogs(config)
    render_site(config)
    return config


def read_catalogues(config: Config) -> Catalogues:
    """Each target catalogue, parsed, with the SHA-256 of its bytes."""
    return {code: (read_catalog(catalog_path(config, code)), digest_file(catalog_path(config, code))) for code in TARGETS}


def changes_since(config: Config, before: Catalogues) -> dict[str, CatalogChange]:
    """How each catalogue changed since ``before``, as ``update`` describes it."""
    changes = {}
    for code, (old, digest) in before.items():
        path = catalog_path(config, code)
        after = digest_file(path)
        assert after is not None
        if after != digest:
            changes[code] = diff_catalogs(old, read_catalog(path), path, digest, after)
    return changes


def update(config: Config) -> dict[str, CatalogChange]:
    """extract, then update, and how update changed the catalogues."""
    before = read_catalogues(config)
    extract(config)
    update_catalogs(config)
    return changes_since(config, before)


@contextmanager
def no_catalogue_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reading a catalogue is an error in this block."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"catalogue read: {args[0]}")

    with monkeypatch.context() as patch:
        patch.setattr(render_module, "read_catalog", refuse)
        yield


def render_with(config: Config, changes: dict[str, CatalogChange] | None,
                monkeypatch: pytest.MonkeyPatch) -> RenderResult:
    """Render with ``changes`` (which must spare reading every catalogue), or without any (None)."""
    if changes is None:
        return render_site(config)
    with no_catalogue_read(monkeypatch):
        return render_site(config, changes=changes)


def fresh_site(config: Config, folder: Path) -> dict[str, bytes]:
    """The site a render from scratch gives: an empty cache and an empty output folder."""
    render_site(config.with_options(cache_dir=str(folder / "cache")), output=folder / "site")
    return site_files(folder / "site")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new), encoding="utf-8")


def translate(config: Config, code: str, msgid: str, msgstr: str) -> None:
    """Change one translation in a catalogue, as a translator's tool would (the whole file is rewritten)."""
    path = catalog_path(config, code)
    catalogue = polib.pofile(str(path))
    catalogue.find(msgid).msgstr = msgstr
    catalogue.save(str(path))


def change_project(config: Config, kind: str) -> None:
    profiles = config.root / "profiles"
    if kind == "paragraph":
        edit(profiles / "maria-quispe.md", "sans quitter la vallée", "sans jamais quitter la vallée")
    elif kind == "headline":
        edit(profiles / "maria-quispe.md", "headline: Productrice", "headline: Cultivatrice")
    elif kind == "translation":
        translate(config, "es", "Pérou", "el Perú")
    elif kind == "removed":
        (profiles / "lucia-mamani.yaml").unlink()
    elif kind == "added":
        text = (profiles / "maria-quispe.md").read_text(encoding="utf-8")
        (profiles / "rosa-quispe.md").write_text(text.replace("María Quispe", "Rosa Quispe"), encoding="utf-8")


# Pages rendered again besides the files produced every time (404 pages, root page, photos, CSS).
RENDERED_AGAIN = {
    "paragraph": 3,  # maria-quispe in fr, es, en
    "headline": 3 + 3,  # and the indexes that show it
    "translation": 3 + 1,  # the Spanish pages showing "Pérou" (a tag, a location) and the Spanish index
    "removed": 3 + 1,  # the indexes and the sitemap
    "added": 3 + 3 + 1 + 1,  # rosa-quispe's pages, the indexes, the sitemap and its photo
}


@pytest.mark.parametrize("with_changes", [False, True], ids=["read", "changes"])
@pytest.mark.parametrize("kind", list(RENDERED_AGAIN))
def test_an_incremental_render_is_a_full_render(project: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                kind: str, with_changes: bool) -> None:
    every_time = render_site(project).rendered
    before = read_catalogues(project)
    change_project(project, kind)
    extract(project)
    update_catalogs(project)
    changes = changes_since(project, before)
    assert changes or kind == "removed"  # update keeps the entries of a removed profile as obsolete
    result = render_with(project, changes if with_changes else None, monkeypatch)
    assert result.rendered == every_time + RENDERED_AGAIN[kind]
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")
    assert render_site(project).written == []


def test_a_removed_profile_takes_its_pages_away(project: Config) -> None:
    (project.root / "profiles" / "lucia-mamani.yaml").unlink()
    result = render_site(project)
    assert [name for name in result.removed if name.endswith("index.html")] == [
        "en/lucia-mamani/index.html", "es/lucia-mamani/index.html", "fr/lucia-mamani/index.html"]
    assert not (project.output_dir / "es" / "lucia-mamani").exists()


def test_edits_in_a_row_each_give_a_full_render(project: Config, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "PATCH_LIMIT", 3)  # the patched table is soon kept whole again
    steps = [("Pérou", "el Perú"), ("Café", "Cafecito"), ("Agroécologie", "Agroecología!"), ("Pérou", "Perú")]
    for number, (msgid, msgstr) in enumerate(steps):
        before = read_catalogues(project)
        translate(project, "es", msgid, msgstr)
        render_with(project, changes_since(project, before), monkeypatch)
        assert site_files(project.output_dir) == fresh_site(project, tmp_path / f"fresh-{number}")
    edit(project.root / "profiles" / "lucia-mamani.yaml", "six mois", "sept mois")
    render_with(project, update(project), monkeypatch)
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh-last")


def test_pages_changed_or_deleted_on_disk_are_rendered_again(project: Config) -> None:
    site = project.output_dir
    expected = site_files(site)
    every_time = render_site(project).rendered
    grown = site / "es" / "maria-quispe" / "index.html"
    grown.write_bytes(grown.read_bytes() + b"<!-- more -->")
    touched = site / "fr" / "index.html"  # same size, same inode: the time tells
    stat = touched.stat()
    touched.write_bytes(touched.read_bytes().replace(b"<html", b"<HTML"))
    os.utime(touched, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    replaced = site / "en" / "lucia-mamani" / "index.html"  # same size and time, another file: the inode tells
    stat = replaced.stat()
    other = replaced.with_name("other.html")
    other.write_bytes(replaced.read_bytes().replace(b"<html", b"<HTML"))
    os.utime(other, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(other, replaced)
    (site / "en" / "constant-piscart" / "index.html").unlink()
    (site / "sitemap.xml").unlink()
    result = render_site(project)
    assert result.rendered == every_time + 5
    assert sorted(result.written) == ["en/constant-piscart/index.html", "en/lucia-mamani/index.html",
                                      "es/maria-quispe/index.html", "fr/index.html", "sitemap.xml"]
    assert site_files(site) == expected


def test_a_catalogue_changed_by_hand_is_read_again(project: Config, tmp_path: Path) -> None:
    translate(project, "es", "Café", "Cafecito")
    render_site(project)
    assert "Cafecito" in (project.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")


def test_a_change_from_another_version_than_the_kept_table_is_not_applied(project: Config, tmp_path: Path) -> None:
    translate(project, "es", "Café", "Cafecito")  # by hand, not rendered: the kept table is older
    before = read_catalogues(project)
    translate(project, "es", "Pérou", "el Perú")
    render_site(project, changes=changes_since(project, before))
    page = (project.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert "Cafecito" in page and "el Perú" in page
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")


def test_a_table_kept_by_a_render_into_another_folder_is_patched_for_this_one_too(project: Config, tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    translate(project, "es", "Café", "Cafecito")
    render_site(project, output=tmp_path / "other")  # keeps the table with Cafecito: this folder's pages lack it
    before = read_catalogues(project)
    translate(project, "es", "Recyclage", "Reciclaje!")  # on another page
    render_with(project, changes_since(project, before), monkeypatch)
    assert "Cafecito" in (project.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")


def test_a_damaged_table_snapshot_is_not_used(project: Config, tmp_path: Path) -> None:
    path = catalog_path(project, "es")
    snapshot_path(project.cache_dir, render_module.TABLE_SNAPSHOT + os.path.abspath(path)).write_bytes(b"damaged")
    before = read_catalogues(project)
    translate(project, "es", "Café", "Cafecito")
    render_site(project, changes=changes_since(project, before))
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")


def test_a_damaged_shard_of_a_kept_table_makes_the_render_start_over(project: Config, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = catalog_path(project, "es")
    for index in range(render_module.TABLE_SHARDS):
        name = f"{render_module.TABLE_SNAPSHOT}{os.path.abspath(path)}#{index}"
        if snapshot_path(project.cache_dir, name).is_file():
            snapshot_path(project.cache_dir, name).write_bytes(b"damaged")
    before = read_catalogues(project)
    translate(project, "es", "Café", "Cafecito")
    reads = []
    monkeypatch.setattr(render_module, "read_catalog", lambda *args, **kwargs: reads.append(args) or read_catalog(*args))
    render_site(project, changes=changes_since(project, before))  # the patched table cannot be read
    assert reads and site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")
    translate(project, "es", "Café", "Café con leche")  # the whole table kept since serves again
    render_site(project)
    assert site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh2")


def test_a_catalogue_with_contexts_is_read_not_patched(project: Config, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    # Two entries for one msgid: the table keeps the last one in the file, which a change cannot tell.
    path = catalog_path(project, "es")
    catalogue = polib.pofile(str(path))
    catalogue.append(polib.POEntry(msgctxt="menu", msgid="Café", msgstr="Café del menú"))
    catalogue.save(str(path))
    render_site(project)
    before = read_catalogues(project)
    translate(project, "es", "Café", "Cafecito")
    reads = []
    monkeypatch.setattr(render_module, "read_catalog", lambda *args, **kwargs: reads.append(args) or read_catalog(*args))
    render_site(project, changes=changes_since(project, before))
    assert reads and site_files(project.output_dir) == fresh_site(project, tmp_path / "fresh")
    assert "Café del menú" in (project.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")


def test_withheld_and_published_again(project: Config, tmp_path: Path) -> None:
    settings = project.root / "i18nprofiles.toml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text + "publish_threshold = 100\n", encoding="utf-8")
    withheld = render_site(load_config(project.root))
    assert withheld.withheld and not (project.output_dir / "en").exists()
    assert site_files(project.output_dir) == fresh_site(load_config(project.root), tmp_path / "fresh-withheld")
    settings.write_text(text, encoding="utf-8")
    render_site(load_config(project.root))
    assert site_files(project.output_dir) == fresh_site(load_config(project.root), tmp_path / "fresh-published")


def test_a_rerun_writes_nothing_not_even_in_the_cache(project: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    def stamps() -> dict[Path, tuple[int, bytes]]:
        return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in sorted(project.root.rglob("*")) if p.is_file()}

    before = read_catalogues(project)
    translate(project, "es", "Café", "Cafecito")
    changes = changes_since(project, before)
    render_with(project, changes, monkeypatch)
    known = stamps()
    every_time = render_site(project).rendered
    assert render_site(project, changes={}).rendered == every_time
    assert render_site(project, changes=changes).rendered == every_time  # a change already rendered
    assert stamps() == known
