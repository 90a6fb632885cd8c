"""Snapshots of parsed catalogues and profiles: what they hold is what parsing gives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polib
import pytest

from conftest import ROOT
from i18nprofiles import catalog as catalog_module, profiles as profiles_module
from i18nprofiles.cache import load_snapshot, snapshot_path
from i18nprofiles.catalog import read_catalog, snapshot_name, snapshot_of, stage_catalog
from i18nprofiles.config import load_config
from i18nprofiles.errors import CatalogError
from i18nprofiles.files import commit_files
from i18nprofiles.profiles import read_profiles, shard_name, shard_of

REAL_CATALOGUES = [
    ROOT / "locales" / "profiles.pot",
    ROOT / "locales" / "es" / "LC_MESSAGES" / "profiles.po",
    ROOT / "locales" / "en" / "LC_MESSAGES" / "profiles.po",
    ROOT / "i18nprofiles" / "themes" / "default" / "locales" / "es" / "LC_MESSAGES" / "messages.po",
]


def awkward_catalogue() -> polib.POFile:
    """Every kind of entry ``update`` writes, with strings that need escaping and wrapping."""
    catalog = polib.POFile()
    catalog.header = "Spanish translations.\nCopyright (C) 2026\n\nLast line"
    catalog.metadata = {"Project-Id-Version": "demo 1.0", "Language": "es", "Last-Translator": "",
                        "Plural-Forms": "nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
                        "Content-Type": "text/plain; charset=UTF-8", "X-Custom": "a: b"}
    catalog.metadata_is_fuzzy = True
    long = "Un párrafo largo con «comillas», \"dobles\", barras \\ y\ttabuladores " * 4
    catalog.append(polib.POEntry(msgid="Hola", msgstr="Hello", occurrences=[("profiles/a.md", "3"), ("profiles/a.md", 3)],
                                 comment="paragraph\n\nsecond", tcomment="a note\n\n  indented inside"))
    catalog.append(polib.POEntry(msgid=long, msgstr=long.upper(), flags=["fuzzy"], previous_msgid=long[:-20],
                                 occurrences=[("profiles/b.md", "12"), ("profiles/c.md", "")]))
    catalog.append(polib.POEntry(msgid="line one\nline two\n", msgstr="", msgctxt="ctx \"x\""))
    catalog.append(polib.POEntry(msgid="%d profile", msgid_plural="%d profiles", msgstr_plural={0: "%d perfil"},
                                 flags=["c-format"], previous_msgctxt="old", previous_msgid_plural="x"))
    catalog.append(polib.POEntry(msgid="Gone", msgstr="Ido", obsolete=True, tcomment="kept", comment="dropped",
                                 occurrences=[("profiles/d.md", "1")], previous_msgid="dropped too"))
    catalog.append(polib.POEntry(msgid="Gone too", msgstr="", msgctxt="", obsolete=True, flags=["fuzzy"]))
    return catalog


def write(path: Path, catalog: polib.POFile, cache: Path, **options: object) -> None:
    changed, staged = stage_catalog(path, catalog, cache=cache, **options)
    assert changed and staged[0][1] == path
    commit_files(staged)


def saved_snapshot(path: Path, cache: Path) -> object:
    return load_snapshot(cache, snapshot_name(path), hashlib.sha256(path.read_bytes()).hexdigest())


@pytest.mark.parametrize("options", [{}, {"width": 0}, {"no_location": True}, {"sort_output": True, "ignore_obsolete": True}],
                         ids=["default", "no-wrap", "no-location", "sorted"])
def test_snapshot_written_with_a_catalogue_is_what_polib_reads_back(tmp_path: Path, options: dict) -> None:
    path, cache = tmp_path / "es.po", tmp_path / "cache"
    write(path, awkward_catalogue(), cache, **options)
    saved = saved_snapshot(path, cache)
    assert saved is not None
    assert saved == snapshot_of(read_catalog(path))


@pytest.mark.parametrize("source", REAL_CATALOGUES, ids=lambda p: p.parent.parent.name + "/" + p.name)
def test_snapshot_of_the_project_catalogues(source: Path, tmp_path: Path) -> None:
    path, cache = tmp_path / source.name, tmp_path / "cache"
    write(path, read_catalog(source), cache)
    assert saved_snapshot(path, cache) == snapshot_of(read_catalog(path))


@pytest.mark.parametrize("change", [
    lambda c: setattr(c[0], "comment", "ends with a space "),
    lambda c: setattr(c[0], "tcomment", "a line of spaces\n   \nthen text"),
    lambda c: setattr(c[0], "occurrences", [("my profiles/a.md", "3")]),
    lambda c: setattr(c[0], "flags", ["fuzzy, c-format"]),
    lambda c: c.metadata.__setitem__("X-Two", "lines\nhere"),
    lambda c: c.append(polib.POEntry(msgid="Hola", msgstr="otra vez")),
], ids=["comment-space", "tcomment-spaces", "path-space", "flag-comma", "header-newline", "duplicate"])
def test_no_snapshot_when_polib_would_read_something_else(change, tmp_path: Path) -> None:
    catalog = awkward_catalogue()
    change(catalog)
    path, cache = tmp_path / "es.po", tmp_path / "cache"
    write(path, catalog, cache)
    assert saved_snapshot(path, cache) is None
    try:
        read_catalog(path)
    except CatalogError:
        with pytest.raises(CatalogError, match="duplicate"):
            read_catalog(path, cache)  # the error a parse gives, not a snapshot
        return
    assert read_catalog(path, cache) is not None  # parsed, and now snapshotted as parsed
    assert saved_snapshot(path, cache) == snapshot_of(read_catalog(path))


def test_read_catalog_uses_the_snapshot_and_only_while_the_bytes_match(tmp_path: Path, monkeypatch) -> None:
    path, cache = tmp_path / "es.po", tmp_path / "cache"
    path.write_bytes(REAL_CATALOGUES[1].read_bytes())
    parsed = snapshot_of(read_catalog(path, cache))
    real_pofile = polib.pofile

    def refuse(*args, **kwargs):
        raise AssertionError("parsed although the snapshot matched")

    monkeypatch.setattr(catalog_module.polib, "pofile", refuse)
    again = read_catalog(path, cache)
    assert snapshot_of(again) == parsed and again.fpath == str(path)
    path.write_text(path.read_text(encoding="utf-8").replace('msgstr "', 'msgstr "¡', 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed although"):
        read_catalog(path, cache)
    monkeypatch.setattr(catalog_module.polib, "pofile", real_pofile)
    assert snapshot_of(read_catalog(path, cache)) == snapshot_of(read_catalog(path))


def test_a_damaged_snapshot_is_a_miss(tmp_path: Path) -> None:
    path, cache = tmp_path / "es.po", tmp_path / "cache"
    path.write_bytes(REAL_CATALOGUES[1].read_bytes())
    expected = snapshot_of(read_catalog(path, cache))
    snapshot_path(cache, snapshot_name(path)).write_bytes(b"\x80\x05 not a pickle")
    assert snapshot_of(read_catalog(path, cache)) == expected


def project(tmp_path: Path) -> Path:
    (tmp_path / "profiles").mkdir()
    for name in ("ana", "bea"):
        (tmp_path / "profiles" / f"{name}.md").write_text(
            f"---\nname: {name.title()}\nheadline: Ingénieure\n---\n\nPremier paragraphe de {name}.\n", encoding="utf-8")
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\n', encoding="utf-8")
    return tmp_path


def test_profiles_parse_once_then_only_when_changed(tmp_path: Path, monkeypatch) -> None:
    config = load_config(project(tmp_path))
    first = read_profiles(config)
    parsed: list[str] = []
    real = profiles_module.parse_profile_bytes

    def counting(data: bytes, rel: str, config):
        parsed.append(rel)
        return real(data, rel, config)

    monkeypatch.setattr(profiles_module, "parse_profile_bytes", counting)
    assert read_profiles(config) == first and parsed == []
    edited = tmp_path / "profiles" / "bea.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Premier", "Second"), encoding="utf-8")
    again = read_profiles(config)
    assert parsed == ["profiles/bea.md"]
    assert again[0] == first[0] and again[1].segments[-1].text == "Second paragraphe de bea."
    parsed.clear()
    assert read_profiles(config.with_options(translatable_fields=["name"]))[0].segments[0].text == "Ana"
    assert parsed == ["profiles/ana.md", "profiles/bea.md"]  # other settings, other snapshot


def test_profiles_snapshot_lives_in_cache_dir_and_ignores_itself(tmp_path: Path) -> None:
    config = load_config(project(tmp_path))
    read_profiles(config)
    shard = snapshot_path(config.cache_dir, shard_name(shard_of("profiles/ana.md")))
    assert shard.is_file()
    folder = shard.parent
    assert folder.parent == tmp_path / ".i18nprofiles-cache"
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"


def test_extract_skips_an_up_to_date_template_and_only_that(tmp_path: Path, monkeypatch) -> None:
    import importlib

    extract_module = importlib.import_module("i18nprofiles.extract")
    extract = extract_module.extract

    config = load_config(project(tmp_path))
    pot = tmp_path / "locales" / "profiles.pot"
    first = extract(config)
    assert first.written and first.messages == 3  # the shared headline once
    text = pot.read_text(encoding="utf-8")
    built: list[int] = []
    real = extract_module.build_template
    monkeypatch.setattr(extract_module, "build_template", lambda *a, **k: built.append(1) or real(*a, **k))
    again = extract(config)
    assert (again.written, again.messages, built) == (False, 3, [])
    pot.write_text(text.replace("Premier paragraphe de ana", "Edited by hand"), encoding="utf-8")
    assert extract(config).written and pot.read_text(encoding="utf-8") == text and built == [1]
    edited = tmp_path / "profiles" / "ana.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Premier", "Dernier"), encoding="utf-8")
    assert extract(config).written and "Dernier paragraphe de ana" in pot.read_text(encoding="utf-8")
    assert extract(config, width=0).written is False and built == [1, 1, 1]  # other options: built, same text


def test_update_skips_a_catalogue_already_merged_with_this_template(tmp_path: Path, monkeypatch) -> None:
    import importlib

    merge_module = importlib.import_module("i18nprofiles.merge")
    extract = importlib.import_module("i18nprofiles.extract").extract
    config = load_config(project(tmp_path))
    extract(config)
    first = merge_module.update_catalogs(config, init_missing=True)
    assert [r.written for r in first] == [True]
    po = first[0].path
    reads: list[int] = []
    real = merge_module.read_catalog
    pot = tmp_path / "locales" / "profiles.pot"

    def counting(path, *args, **kwargs):
        reads.extend([1] if path == pot else [])
        return real(path, *args, **kwargs)

    monkeypatch.setattr(merge_module, "read_catalog", counting)
    cache_files = {f: f.stat().st_mtime_ns for f in config.cache_dir.rglob("*")}
    assert [(r.changed, r.written) for r in merge_module.update_catalogs(config)] == [(False, False)] and reads == []
    assert {f: f.stat().st_mtime_ns for f in config.cache_dir.rglob("*")} == cache_files  # a rerun writes nothing
    assert [r.changed for r in merge_module.update_catalogs(config, check=True)] == [False] and reads == []
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n\n#', 'msgstr "Ingeniera"\n\n#', 1), encoding="utf-8")
    translated = po.read_text(encoding="utf-8")
    assert [r.written for r in merge_module.update_catalogs(config)] == [False] and reads == [1]  # merged: nothing to do
    assert po.read_text(encoding="utf-8") == translated
    assert merge_module.update_catalogs(config, fuzzy_matching=False)[0].written is False and reads == [1, 1]
    edited = tmp_path / "profiles" / "bea.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Premier", "Second"), encoding="utf-8")
    extract(config)
    assert [r.written for r in merge_module.update_catalogs(config)] == [True] and reads == [1, 1, 1]
    assert "Second paragraphe de bea." in po.read_text(encoding="utf-8")


def test_a_snapshot_from_other_code_is_not_used(tmp_path: Path, monkeypatch) -> None:
    import importlib

    cache_module = importlib.import_module("i18nprofiles.cache")
    path, cache = tmp_path / "es.po", tmp_path / "cache"
    path.write_bytes(REAL_CATALOGUES[1].read_bytes())
    read_catalog(path, cache)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_snapshot(cache, snapshot_name(path), digest) is not None
    monkeypatch.setattr(cache_module, "CODE_DIGEST", "another version of i18nprofiles")
    assert load_snapshot(cache, snapshot_name(path), digest) is None
