"""The store: records that cannot run code or lie about their inputs, verified accelerators, one interface."""

from __future__ import annotations

import ast
import marshal
import os
import pickle
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import polib
import pytest
from conftest import ROOT, copy_example, needs_gettext, snapshot

from i18nprofiles.commands.compile import compile_catalogs
from i18nprofiles.commands.update import update_catalogs
from i18nprofiles.config import load_config
from i18nprofiles.pipeline import build_project
from i18nprofiles.store import ChangedMeanwhile, Mismatch, NullStore, Store, open_store
from i18nprofiles.store.codec import MAGIC, SIZE, decode_record, encode_record
from i18nprofiles.store.keys import code_key

STAGE_PACKAGES = ("source", "gettext", "mt", "site", "check")
REALWORLD = ROOT.parent / "shared" / "realworld-po"


def outputs(root: Path) -> dict[str, bytes]:
    """Every file a build makes or rewrites: template, catalogues, .mo files and the site."""
    found = snapshot(root / "locales") if (root / "locales").is_dir() else {}
    site = snapshot(root / "site") if (root / "site").is_dir() else {}
    return {**{f"locales/{name}": data for name, data in found.items()}, **{f"site/{name}": data for name, data in site.items()}}


def build(root: Path, store: Store | None = None) -> None:
    config = load_config(root)
    store = open_store(config.cache_dir) if store is None else store
    build_project(config, store=store)
    store.commit()


class Marker:
    """Unpickling this would create the marker file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.path), "w"))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "project")
    build(root)
    build(root)  # a second build leaves every record
    return root


# -- records -----------------------------------------------------------------------------------


def test_a_record_reads_back_only_for_its_stamp() -> None:
    value = {"a": [1, 2.5, None, True], "b": (b"x", frozenset({"y"}), {("k", None): "v"})}
    data = encode_record(("kind", "slot", "key"), value)
    assert decode_record(data, ("kind", "slot", "key")) == value
    with pytest.raises(ValueError):
        decode_record(data, ("kind", "slot", "other key"))
    damaged = bytearray(data)
    damaged[-3] ^= 1
    with pytest.raises(ValueError):
        decode_record(bytes(damaged), ("kind", "slot", "key"))
    with pytest.raises(Exception):
        decode_record(data[: len(data) // 2], ("kind", "slot", "key"))


def test_a_record_that_names_a_global_never_runs_it(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    stamp = ("kind", "slot", "key")
    payload = pickle.dumps(Marker(marker), protocol=5)
    head = pickle.dumps(stamp, protocol=5)
    forged = b"".join([MAGIC, SIZE.pack(len(head)), head, SIZE.pack(__import__("zlib").crc32(payload)), payload])
    with pytest.raises(pickle.UnpicklingError):
        decode_record(forged, stamp)  # a perfectly stamped record: its value is refused, not run
    evil_stamp = b"".join([MAGIC, SIZE.pack(len(payload)), payload, SIZE.pack(0)])
    with pytest.raises(pickle.UnpicklingError):
        decode_record(evil_stamp, stamp)  # nor is a stamp that names a global
    assert not marker.exists()


def test_a_record_is_encoded_at_commit_and_one_that_is_no_plain_data_never_costs_the_outputs(tmp_path: Path) -> None:
    """Records are encoded when the store commits (none is held as bytes while a command works). In verify
    mode a value that does not read back as kept stops the commit before anything is written; otherwise
    it is a record not written, with a warning, and the outputs are in place."""
    output = tmp_path / "out.txt"
    for verify in (True, False):
        output.unlink(missing_ok=True)
        store = Store(tmp_path / "cache", verify=verify)
        kept = {"plain": [1, 2]}
        store.keep("kind", "good", "key", kept)
        assert store.recall("kind", "good", "key") is kept  # (given back as kept, not encoded yet)
        assert not (tmp_path / "cache").exists()
        store.keep("kind", "bad", "key", {"a lambda": lambda: None})
        store.stage(output, b"made")
        if verify:
            with pytest.raises(Mismatch):
                store.commit()
            assert not output.exists() and not (tmp_path / "cache").exists()
        else:
            store.commit()
            assert output.read_bytes() == b"made"
            assert any("cache not written" in warning for warning in store.warnings)
            assert Store(tmp_path / "cache").recall("kind", "good", "key") == kept
            assert Store(tmp_path / "cache").recall("kind", "bad", "key") is None


def crafted_files(tmp_path: Path) -> dict[str, bytes | None]:
    """What an attacker or an accident could leave in place of a record (None: a directory)."""
    marker = tmp_path / "marker"
    code = compile(f"open({str(marker)!r}, 'w')", "<crafted>", "exec")
    return {
        "pickle": pickle.dumps(Marker(marker), protocol=2),
        "pickle after our magic": MAGIC + pickle.dumps(Marker(marker)),
        "jinja bytecode": b"j2\x05" + pickle.dumps((2, 3)) + marshal.dumps(code),
        "truncated": None,  # filled from a real record below
        "directory": None,
    }


@pytest.mark.parametrize("kind", ["pickle", "pickle after our magic", "jinja bytecode", "truncated", "directory"])
def test_a_crafted_file_in_every_cache_location_is_a_miss(built: Path, tmp_path: Path, kind: str) -> None:
    reference = tmp_path / "reference"
    shutil.copytree(built, reference, ignore=shutil.ignore_patterns(".i18nprofiles-cache", "site"))
    build(reference, NullStore())
    cache = built / ".i18nprofiles-cache"
    records = [path for path in cache.rglob("*") if path.is_file() and path.name != ".gitignore"]
    assert len(records) > 10
    crafted = crafted_files(tmp_path)
    for path in records:
        if kind == "directory":
            path.unlink()
            path.mkdir()
        elif kind == "truncated":
            path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
        else:
            path.write_bytes(crafted[kind])  # type: ignore[arg-type]
    # Old-style caches too: a Jinja bytecode cache and a render state pickle where earlier versions kept them.
    (cache / "templates").mkdir(exist_ok=True)
    (cache / "templates" / "__jinja2_profile.html.cache").write_bytes(crafted["jinja bytecode"])  # type: ignore[arg-type]
    (cache / "render-0123456789abcdef.pickle").write_bytes(crafted["pickle"])  # type: ignore[arg-type]
    # The site and the catalogues are rebuilt from scratch in both projects: the same outputs.
    shutil.rmtree(built / "site")
    for mo in built.rglob("*.mo"):
        mo.unlink()
    store = open_store(built / ".i18nprofiles-cache")
    build(built, store)
    assert not (tmp_path / "marker").exists()
    assert outputs(built) == outputs(reference)
    if kind == "directory":
        assert store.warnings == [] or all("cache not written" in w for w in store.warnings)


def test_a_read_only_cache_folder_costs_speed_only(built: Path, tmp_path: Path) -> None:
    cache = built / ".i18nprofiles-cache"
    profile = built / "examples" / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("## Témoignage", "## Mon témoignage"),
                       encoding="utf-8")
    for path in [cache, *cache.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        if os.access(cache / "store", os.W_OK):
            pytest.skip("running as a user who may write anyway (root)")
        store = open_store(cache)
        build(built, store)
        assert len(store.warnings) == 1 and "cache not written" in store.warnings[0]
    finally:
        for path in [cache, *cache.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_cache_path_that_is_a_file_costs_speed_only(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    (root / ".i18nprofiles-cache").write_text("not a folder")
    store = open_store(root / ".i18nprofiles-cache")
    build(root, store)
    assert len(store.warnings) == 1
    assert (root / "site" / "es" / "constant-piscart" / "index.html").is_file()


# -- what the records promise -------------------------------------------------------------------


@needs_gettext
def test_a_hand_edited_catalogue_with_an_old_time_is_compiled_again(built: Path) -> None:
    po = built / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    mo = po.with_suffix(".mo")
    old = po.stat()
    text = po.read_text(encoding="utf-8")
    entry = next(e for e in polib.pofile(str(po)) if e.msgstr and not e.fuzzy and len(e.msgstr) > 8)
    edited = text.replace(f'msgstr "{entry.msgstr}"', f'msgstr "{entry.msgstr[::-1]}"', 1)
    assert edited != text and len(edited) == len(text)
    po.write_text(edited, encoding="utf-8")
    os.utime(po, ns=(old.st_atime_ns, old.st_mtime_ns - 10**12))  # older than the .mo, same size
    config = load_config(built)
    result = compile_catalogs(config, locales=["es"])[0]
    assert result.written and not result.skipped
    fresh = built.parent / "fresh.mo"
    subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)
    import gettext

    assert gettext.GNUTranslations(mo.open("rb")).gettext(entry.msgid) == entry.msgstr[::-1]
    force = compile_catalogs(config, locales=["es"], force=True)[0]
    assert not force.written  # the .mo already holds what a forced compile gives
    os.utime(po)  # a touch changes nothing either
    assert compile_catalogs(config, locales=["es"])[0].skipped


def test_a_catalogue_changed_while_update_runs_is_not_overwritten(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    profile = built / "examples" / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("## Témoignage", "## Mon témoignage"),
                       encoding="utf-8")
    config = load_config(built)
    store = open_store(config.cache_dir)
    from i18nprofiles.commands.extract import extract

    extract(config, store=store)
    store.commit()
    po = built / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    saved = po.read_text(encoding="utf-8") + "\n# saved by a translator meanwhile\n"
    real_read = Store.read

    def read_then_edit(self: Store, path: str | Path):  # type: ignore[no-untyped-def]
        found = real_read(self, path)
        if Path(path) == po:
            po.write_text(saved, encoding="utf-8")  # a same-size edit or any other: the file now differs
        return found

    monkeypatch.setattr(Store, "read", read_then_edit)
    before = snapshot(built / "locales")
    with pytest.raises(ChangedMeanwhile):
        update_catalogs(config, store=store)
        store.commit()
    after = snapshot(built / "locales")
    assert after["es/LC_MESSAGES/profiles.po"] == saved.encode("utf-8")  # the translator's edit is kept
    assert {k: v for k, v in after.items() if k != "es/LC_MESSAGES/profiles.po"} == {
        k: v for k, v in before.items() if k != "es/LC_MESSAGES/profiles.po"}
    assert not [p for p in po.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_page_showing_other_profiles_stays_right_after_incremental_builds(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "project")
    theme = root / "theme"
    theme.mkdir()
    (theme / "profile.html").write_text(
        '{% extends "base.html" %}{% block main %}<p class="others">{{ site.profiles|length - 1 }} other profiles:'
        ' {% for other in site.profiles %}{{ other.name }}; {% endfor %}</p>{% endblock %}\n', encoding="utf-8")
    config_file = root / "i18nprofiles.toml"
    config_file.write_text(config_file.read_text(encoding="utf-8") + 'templates_dir = "theme"\n', encoding="utf-8")
    build(root)
    page = root / "site" / "fr" / "constant-piscart" / "index.html"
    assert "2 other profiles" in page.read_text(encoding="utf-8")
    source = root / "examples" / "profiles" / "maria-quispe.md"
    (source.parent / "ana-perez.md").write_text(
        source.read_text(encoding="utf-8").replace("name: María Quispe", "name: Ana Pérez"), encoding="utf-8")
    build(root)
    assert "3 other profiles" in page.read_text(encoding="utf-8")
    assert "Ana Pérez;" in (root / "site" / "es" / "lucia-mamani" / "index.html").read_text(encoding="utf-8")
    scratch = tmp_path / "scratch"
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".i18nprofiles-cache", "site"))
    build(scratch, NullStore())
    assert outputs(root)["site/fr/constant-piscart/index.html"] == outputs(scratch)["site/fr/constant-piscart/index.html"]
    assert {k: v for k, v in outputs(root).items() if k.startswith("site/")} == {
        k: v for k, v in outputs(scratch).items() if k.startswith("site/")}


def test_verify_mode_catches_an_accelerator_that_lies(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    import i18nprofiles.commands.update as update_module

    profile = built / "examples" / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("## Témoignage", "## Mon témoignage"),
                       encoding="utf-8")
    real = update_module.splice_file
    lied = []

    def lying(store, inputs):  # type: ignore[no-untyped-def]
        found = real(store, inputs)
        if found is None:
            return None
        lied.append(inputs.catalog.path)
        return replace(found, written=replace(found.written, data=found.written.data + b"\n# not the merge\n"))

    monkeypatch.setattr(update_module, "MERGE", replace(update_module.MERGE, accelerate=lying))
    with pytest.raises(Mismatch):
        build(built, Store(built / ".i18nprofiles-cache", verify=True))
    assert lied


def test_the_code_key_covers_every_file_of_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import i18nprofiles.store.keys as keys

    copy = tmp_path / "i18nprofiles"
    shutil.copytree(keys.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(keys, "PACKAGE_DIR", copy)
    keys.code_key.cache_clear()
    try:
        first = keys.code_key()
        for name in ("check/quality.py", "themes/default/templates/base.html",
                     "themes/default/locales/es/LC_MESSAGES/messages.po"):
            with (copy / name).open("a", encoding="utf-8") as handle:
                handle.write("\n")
            keys.code_key.cache_clear()
            assert keys.code_key() != first
            first = keys.code_key()
    finally:
        keys.code_key.cache_clear()
    assert code_key()  # the real one still works


def test_no_stage_imports_the_store() -> None:
    """Stages (source, gettext, mt, site, check) import nothing that remembers between runs."""
    package = ROOT / "i18nprofiles"
    forbidden = ("i18nprofiles.store", "i18nprofiles.commands", "i18nprofiles.pipeline", "i18nprofiles.cli")
    offenders = []
    for stage in STAGE_PACKAGES:
        for path in sorted((package / stage).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                offenders += [f"{path.relative_to(package)}: {name}" for name in names
                              if name.startswith(forbidden)]
    assert offenders == []
    # And importing every stage module loads none of them.
    code = ("import sys, importlib, pkgutil, i18nprofiles\n"
            f"for stage in {STAGE_PACKAGES!r}:\n"
            "    package = importlib.import_module('i18nprofiles.' + stage)\n"
            "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
            "        importlib.import_module(info.name)\n"
            f"print(sorted(m for m in sys.modules if m.startswith({forbidden!r})))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_accelerator_left_out_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """I18NPROFILES_WITHOUT (for the benchmarks) leaves the named accelerators out: the full stage runs."""
    from i18nprofiles.store import Step

    def refuse(store: Store, inputs: int) -> int:
        raise AssertionError("the accelerator ran")

    step = Step("double", lambda value: 2 * value, accelerate=refuse)
    monkeypatch.setenv("I18NPROFILES_WITHOUT", "profiles, double")
    store = Store(tmp_path / "cache")
    assert store.run(step, 21) == 42 and not store.uses("profiles") and store.uses("merge")
    monkeypatch.delenv("I18NPROFILES_WITHOUT")
    with pytest.raises(AssertionError, match="the accelerator ran"):
        Store(tmp_path / "cache").run(step, 21)
    project = copy_example(tmp_path / "project")
    build_project(load_config(project))
    before = snapshot(project / "locales")
    monkeypatch.setenv("I18NPROFILES_WITHOUT", "extract,merge,compile,render,withheld,profiles,tables,coverage,listings")
    build_project(load_config(project))
    assert snapshot(project / "locales") == before


def test_library_versions_are_the_installed_ones(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The versions in the code key, read from the names of the .dist-info folders, are importlib.metadata's,
    the first along sys.path as Python imports."""
    import importlib.metadata

    from i18nprofiles.store.keys import LIBRARIES, library_versions

    expected = tuple((name, importlib.metadata.version(name)) for name in LIBRARIES)
    assert library_versions() == expected
    shadow = tmp_path / "path"
    (shadow / "babel-0.0.1.dist-info").mkdir(parents=True)  # first on the path: what Python would import
    monkeypatch.syspath_prepend(str(shadow))
    found = dict(library_versions())
    assert found["babel"] == "0.0.1" and found["polib"] == importlib.metadata.version("polib")


def test_a_large_file_changed_between_two_reads_is_not_overwritten(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file read again is not hashed again when its signature is the one read; a version other than
    the first read never vouches for it at commit."""
    import i18nprofiles.store as store_module

    monkeypatch.setattr(store_module, "LARGE_FILE", 10)  # every file of this test is large
    path = tmp_path / "catalogue.po"
    path.write_bytes(b"a" * 100)
    store = Store(tmp_path / "cache")
    first = store.read(path)
    assert store.read(path) == first
    path.write_bytes(b"b" * 100)  # the same size, another version
    again = store.read(path)
    assert again.data == b"b" * 100 and again.digest != first.digest
    store.stage(path, b"made from the first version")
    with pytest.raises(ChangedMeanwhile):
        store.commit()
    assert path.read_bytes() == b"b" * 100
    store = Store(tmp_path / "cache")
    store.read(path)
    store.read(path)
    store.stage(path, b"new")
    store.commit()
    assert path.read_bytes() == b"new"


def test_catalogues_with_the_same_translated_msgids_share_one_fuzzy_index() -> None:
    """The splice's fuzzy index of a pool of msgids is made once for every catalogue with that pool (the
    verify mode of the suite compares what it finds with a full merge's own index), until forgotten."""
    from i18nprofiles.store.splice import forget_indexes, shared_index

    pool = [(None, "Un paragraphe sur la tonte des lamas."), ("menu", "Ouvrir le fichier")]
    first = shared_index(list(pool), 0.6)
    assert shared_index(list(pool), 0.6) is first
    assert shared_index(pool[:1], 0.6) is not first
    forget_indexes()
    again = shared_index(list(pool), 0.6)
    assert again is not first and again.find("Un paragraphe sur la tonte des lamas !").index == 0
    forget_indexes()


# -- files the store vouches for ------------------------------------------------------------------


def test_a_file_settled_when_read_is_vouched_for_until_anything_changes_it(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import i18nprofiles.store as store_module

    path = tmp_path / "profile.md"
    path.write_bytes(b"un texte")
    assert Store(tmp_path / "cache").read(path).settled is None  # just written: not settled
    monkeypatch.setattr(store_module, "SETTLED_NS", 0)  # any file written before the store opened is settled
    time.sleep(0.05)
    store = Store(tmp_path / "cache")
    found = store.read(path)
    assert found.settled is not None and store.unchanged(path, found.settled)
    assert not store.unchanged(path, None) and not store.unchanged(tmp_path / "missing", found.settled)
    before = os.stat(path)
    path.write_bytes(b"un texto")  # the same size, written back with the old times
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert not store.unchanged(path, found.settled)  # (its change time moved)
    monkeypatch.setattr(store_module, "SETTLED_NS", 2_000_000_000)  # (file times lag the clock by up to a tick)
    assert store.read(path).settled is None  # changed after the store opened


@pytest.fixture
def settled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example project, every profile read once by a store for which they were settled (their signatures
    kept): any file written before a store opens is settled for it here."""
    import time

    import i18nprofiles.store as store_module
    from i18nprofiles.commands.profiles import read_profiles

    monkeypatch.setattr(store_module, "SETTLED_NS", 0)
    root = copy_example(tmp_path / "project")
    time.sleep(0.05)
    read_profiles(load_config(root))  # (its own store, committed)
    return root


def test_profiles_the_store_vouches_for_are_not_read_and_a_changed_one_is(settled: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from i18nprofiles.commands.profiles import read_profiles

    root, config = settled, load_config(settled)
    read = []
    real = Store.read

    def spying(self, path):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return real(self, path)

    monkeypatch.setattr(Store, "read", spying)
    time.sleep(0.05)
    mine = read_profiles(config, store=Store(config.cache_dir, verify=False))
    assert read == []  # not one profile file read
    assert mine == read_profiles(config, store=NullStore()) and len(read) == len(mine)
    profile = root / "examples" / "profiles" / "maria-quispe.md"
    before = os.stat(profile)
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("Témoignage", "Temoignagé"), encoding="utf-8")  # the same size
    os.utime(profile, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(profile).st_size == before.st_size
    read.clear()
    mine = read_profiles(config, store=Store(config.cache_dir, verify=False))
    assert read == ["maria-quispe.md"]
    assert mine == read_profiles(config, store=NullStore())


def test_verify_mode_catches_a_profile_vouched_for_that_changed(settled: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from i18nprofiles.commands.profiles import read_profiles

    root, config = settled, load_config(settled)
    profile = root / "examples" / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("## Témoignage", "## Mon témoignage"),
                       encoding="utf-8")
    monkeypatch.setattr(Store, "unchanged", lambda self, path, settled: settled is not None)  # vouches wrongly
    with pytest.raises(Mismatch):
        read_profiles(config, store=Store(config.cache_dir, verify=True))


def test_a_table_status_recalled_or_patched_counts_coverage_as_the_whole_table_does(tmp_path: Path) -> None:
    """A table's status (the hashes of its msgids, reviewed and fuzzy) read from its record, or patched with
    update's changes, is the status of the whole table; coverage counted with it is the full stage's."""
    from i18nprofiles.site.pages import CoverageInputs, coverage_verdict
    from i18nprofiles.source.model import Profile, Segment
    from i18nprofiles.store.tables import KeptTable, count_covered, status_of

    path = str(tmp_path / "es.po")
    table = {f"Texte {i}": (f"Texto {i}", i % 3 == 0) for i in range(300)}  # every third one fuzzy
    store = Store(tmp_path / "cache")
    KeptTable.of(store, path, table, False).keep("v1")
    store.commit()
    store = Store(tmp_path / "cache")
    kept = KeptTable.recall(store, path, "v1")
    assert kept is not None and kept.status() == status_of(table)
    assert kept._shards == {}  # no shard read for it
    entry = polib.POEntry(msgid="Texte 1", msgstr="Texto uno", flags=["fuzzy"])
    entries = {(None, "Texte 1"): (None, entry), (None, "Texte 2"): (None, None),
               (None, "Texte 400"): (None, polib.POEntry(msgid="Texte 400", msgstr="Texto 400"))}
    patched, changed = kept.patched(entries)  # type: ignore[union-attr]
    assert changed == {"Texte 1", "Texte 2", "Texte 400"}
    status = patched.status()
    assert status == status_of(patched.whole())
    texts = [f"Texte {i}" for i in range(0, 500, 7)] + ["Texte 1", "Texte 2", "Texte 400"]
    profile = Profile("a.md", "a", "A", "fr", {}, "", 1, tuple(Segment(text, "paragraph", "body", "a.md", 1)
                                                               for text in texts))
    withheld = frozenset({"Texte 0", "Texte 7", "Texte 1", "Texte 499"})  # fuzzy, reviewed, fuzzy, none
    for use_fuzzy in (False, True):
        for hidden in (frozenset(), withheld):
            inputs = CoverageInputs([profile], "es", patched, use_fuzzy, hidden, 50.0)
            assert count_covered(store, inputs) == coverage_verdict(inputs), (use_fuzzy, hidden)
    unknown = KeptTable(store, path, ["none"] * 64, False)  # neither shards nor status: the accelerator declines
    assert count_covered(store, CoverageInputs([profile], "es", unknown, True, frozenset(), 50.0)) is None


def test_a_staged_write_that_fails_in_the_store_thread_fails_the_commit_with_nothing_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import i18nprofiles.store as store_module

    first, second = tmp_path / "a.po", tmp_path / "b.po"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    real = store_module.write_temp

    def full_disk(fd, temp, path, write):  # type: ignore[no-untyped-def]
        def failing(handle):  # type: ignore[no-untyped-def]
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, temp, path, failing if path == second else write)

    monkeypatch.setattr(store_module, "write_temp", full_disk)
    store = Store(tmp_path / "cache")
    store.stage(first, b"new a")
    store.stage(second, b"new b")
    with pytest.raises(OSError, match="No space left") as failed:
        store.commit()
    assert failed.value.filename == str(second)
    assert first.read_bytes() == b"old a" and second.read_bytes() == b"old b"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.po", "b.po"]  # no temporary file left
    assert store._writes == {}  # every write was waited for


def test_one_daemon_thread_serves_every_store_of_the_process(tmp_path: Path) -> None:
    """No thread ends with a commit: an ended thread's clean-up runs in weak-reference callbacks of the
    main thread, where a Ctrl-C is printed as "Exception ignored" and lost (a flaky signals test)."""
    def store_threads() -> list[threading.Thread]:
        return [thread for thread in threading.enumerate() if thread.name == "i18nprofiles-store"]

    seen = []
    for run in range(3):
        store = Store(tmp_path / "cache")
        store.prefetch([tmp_path / "missing.po"])
        store.stage(tmp_path / f"out{run}.po", b"new")
        store.commit()
        seen.append(store_threads())
    assert all(len(threads) == 1 and threads[0].daemon for threads in seen)
    assert len({threads[0].ident for threads in seen}) == 1
    assert sorted(path.name for path in tmp_path.glob("*.po")) == ["out0.po", "out1.po", "out2.po"]


def test_a_prefetched_file_is_read_as_it_was_then(tmp_path: Path) -> None:
    """A prefetch is the command's one read of the file: changed after it, the file is not overwritten."""
    path = tmp_path / "es.po"
    path.write_bytes(b"version 1")
    store = Store(tmp_path / "cache")
    store.prefetch([path, tmp_path / "missing.po"])
    store._written()  # (the prefetches done: the thread is stopped, what it read is dropped)
    store.prefetch([path, tmp_path / "missing.po"])
    store._reads[os.path.abspath(path)].result()  # read by the thread
    path.write_bytes(b"version 2")
    found = store.read(path)
    assert found.data == b"version 1" and not store.read(tmp_path / "missing.po").exists
    store.stage(path, found.data + b", merged")
    with pytest.raises(ChangedMeanwhile):
        store.commit()
    assert path.read_bytes() == b"version 2"


def test_a_crafted_list_of_files_a_render_left_names_nothing_outside_the_folder(tmp_path: Path) -> None:
    """The files a render left are removed once no render makes them: a record naming a path outside the
    output folder is read without it."""
    from i18nprofiles.store.site import FILES, recall_files, state_slot

    site = tmp_path / "site"
    store = Store(tmp_path / "cache")
    names = ["fr/index.html", "../victim.txt", "fr/../../victim.txt", "/etc/passwd", "a\\..\\b", "ok/./x.html", 7]
    store.keep(FILES, state_slot(site), "files", names, durable=True)
    store.commit()
    assert recall_files(Store(tmp_path / "cache"), site) == ["fr/index.html", "ok/./x.html"]


def test_files_replaced_at_commit_are_freed_by_the_thread_and_none_is_left(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The outputs and records a commit replaces keep a second name until the store's thread unlinks it
    (freeing tens of MB takes milliseconds); when the commit returns, every one is gone: the folders hold
    the new files and nothing else, and the old bytes are in none of them."""
    import i18nprofiles.store as store_module

    unlinked: list[tuple[str, str]] = []
    real_unlink = os.unlink

    def unlink(path):  # type: ignore[no-untyped-def]
        unlinked.append((str(path), threading.current_thread().name))
        real_unlink(path)

    monkeypatch.setattr(store_module.os, "unlink", unlink)  # (the module's os is the os module: restored after)
    output, cache = tmp_path / "out" / "es.po", tmp_path / "cache"
    for version in (b"old", b"new"):
        store = Store(cache)
        store.keep("kind", "slot", "key", {"version": version})
        store.stage(output, version * 1000)
        store.commit()
    assert output.read_bytes() == b"new" * 1000
    assert Store(cache).recall("kind", "slot", "key") == {"version": b"new"}
    assert sorted(path.name for path in output.parent.iterdir()) == ["es.po"]
    record_folder = next(path.parent for path in cache.rglob("*") if path.is_file() and path.name != ".gitignore")
    assert [path.name for path in record_folder.iterdir()] == [store.record_path("kind", "slot").name]
    freed = [(name, thread) for name, thread in unlinked if name.endswith(".tmp")]
    assert len(freed) == 2  # the old output and the old record, by their second names
    assert {thread for _, thread in freed} == {"i18nprofiles-store"}
    assert store._frees == []


def test_a_record_that_cannot_be_written_stops_the_records_not_the_outputs(tmp_path: Path) -> None:
    """Records are written by the store's thread: a failure there is a warning; the outputs are in place."""
    cache = tmp_path / "cache"
    store = Store(cache)
    first, second = store.record_path("kind", "one"), store.record_path("kind", "two")
    assert first is not None and second is not None
    second.parent.mkdir(parents=True)
    second.mkdir()  # a folder where the record goes: the rename onto it fails
    (second / "inside").write_text("x")
    store.keep("kind", "one", "key", [1])
    store.keep("kind", "two", "key", [2])
    store.stage(tmp_path / "out.po", b"made")
    store.commit()
    assert (tmp_path / "out.po").read_bytes() == b"made"
    assert any("cache not written" in warning for warning in store.warnings)
    assert Store(cache).recall("kind", "one", "key") == [1]
    assert sorted(path.name for path in second.parent.iterdir()) == sorted([first.name, second.name])


def check_joined_blocks(catalog: polib.POFile, trials: int, seed: int) -> int:
    """``join_blocks`` (copy runs of blocks from the old file, format the entries made) against the
    definition, the file written whole, after random moves, removals, new and remade entries of
    ``catalog``; the number of edits compared."""
    import copy
    import random

    from i18nprofiles.gettext.merge import entry_key
    from i18nprofiles.store.splice import join_blocks, write_blocks

    def like(entries: list[polib.POEntry]) -> polib.POFile:
        made = polib.POFile(wrapwidth=79)
        made.header, made.metadata = catalog.header, catalog.metadata
        made.extend(entries)
        return made

    rng = random.Random(seed)
    entries = [entry for entry in catalog if not entry.obsolete]
    obsolete = [entry for entry in catalog if entry.obsolete]
    options = (79, False, False, False, False)
    old = write_blocks(like(entries + obsolete), options)
    for trial in range(trials):
        active = list(entries)
        merged = {}
        for _ in range(rng.randrange(10)):
            at = rng.randrange(len(active))
            choice = rng.random()
            if choice < 0.25:
                del active[at]
            elif choice < 0.5:
                active.insert(at, active.pop(rng.randrange(len(active))))
            else:
                if choice < 0.75:  # an entry made again (its references changed)
                    active[at] = copy.copy(active[at])
                    active[at].occurrences = [("autre.md", "1")]
                else:  # a new one
                    active.insert(at, polib.POEntry(msgid=f"Nouveau {trial} {at}", msgstr=""))
                merged[entry_key(active[at])] = active[at]
        whole = like(active + obsolete)
        joined = join_blocks(whole, [entry_key(item) for item in whole], merged, (old.layout, old.data))
        expected = write_blocks(whole, options)
        assert joined.data == expected.data, trial
        assert joined.layout == expected.layout, trial
    assert join_blocks(like([]), [], {}, (old.layout, old.data)).data == write_blocks(like([]), options).data
    return trials


def test_joined_blocks_are_the_bytes_and_layout_of_the_whole_file_written_again() -> None:
    """On a made catalogue: entries with references, a fuzzy one with its previous msgid, obsolete ones."""
    made = polib.POFile(wrapwidth=79)
    made.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    for n in range(120):
        text = f"Texte {n} " + "mot " * (n * 7 % 30)
        made.append(polib.POEntry(msgid=text, msgstr=text.upper() if n % 3 else "", occurrences=[(f"p{n}.md", str(n))]))
    made[5].previous_msgid, made[5].flags = "Ancien texte", ["fuzzy"]
    made.extend(polib.POEntry(msgid=f"Vieux {n}", msgstr=f"Old {n}", obsolete=True) for n in range(4))
    assert check_joined_blocks(made, 60, 12) == 60


@pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world catalogues are not there")
@pytest.mark.parametrize("name", ["git/fr-v2.36.0.po", "git/ru-v2.36.0.po", "git/git-v2.36.0.pot",
                                  "bleachbit/de-v6.0.0.po", "bleachbit/fr-v5.0.0.po"])
def test_joined_blocks_of_real_catalogues_are_the_whole_file_written_again(name: str) -> None:
    """The same on git's and BleachBit's catalogues: msgctxt, plural forms, c- and python-format, obsolete
    entries, previous msgids, wrapped references."""
    from i18nprofiles.gettext.pofile import parse_catalog

    path = REALWORLD / name
    assert check_joined_blocks(parse_catalog(path.read_bytes(), path), 30, 7) == 30
