"""The profiles snapshot: in shards, trusted by file signature, and always what a parse gives."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from i18nprofiles import profiles as profiles_module
from i18nprofiles.cache import load_snapshot, snapshot_path
from i18nprofiles.config import Config, load_config
from i18nprofiles.model import Profile
from i18nprofiles.profiles import profiles_snapshot_key, read_profile, read_profiles, shard_name, shard_of

PROFILES = 40  # enough to fill many of the 32 shards


def make_project(root: Path) -> Config:
    """A project of PROFILES profiles, all last modified an hour ago (old enough for their signature to be trusted)."""
    (root / "profiles").mkdir()
    for number in range(PROFILES):
        path = root / "profiles" / f"p{number:02d}.md"
        path.write_text(f"---\nname: Personne {number}\nheadline: Ingénieure {number}\n---\n\n"
                        f"Premier paragraphe {number:02d}.\n", encoding="utf-8")
        set_age(path, 3600)
    (root / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\n', encoding="utf-8")
    return load_config(root)


def set_age(path: Path, seconds: int) -> None:
    """Give a file a modification time ``seconds`` in the past."""
    stamp = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def shard_file(config: Config, rel: str) -> Path:
    return snapshot_path(config.cache_dir, shard_name(shard_of(rel)))


def cache_state(config: Config) -> dict[Path, tuple[int, bytes]]:
    """Every file of the cache folder with its modification time and bytes."""
    return {f: (f.stat().st_mtime_ns, f.read_bytes()) for f in config.cache_dir.rglob("*") if f.is_file()}


def parsed_afresh(config: Config) -> list[Profile]:
    """The project's profiles parsed one by one, without any snapshot."""
    return [read_profile(path, config) for path in sorted((config.root / "profiles").glob("*.md"))]


@pytest.fixture
def calls(monkeypatch) -> dict[str, list[str]]:
    """The profiles read from disk and those parsed, by relative path, while a test runs."""
    seen: dict[str, list[str]] = {"read": [], "parsed": []}
    real_read, real_parse = profiles_module.read_profile_bytes, profiles_module.parse_profile_bytes

    def reading(file, rel):
        seen["read"].append(rel)
        return real_read(file, rel)

    def parsing(data, rel, config):
        seen["parsed"].append(rel)
        return real_parse(data, rel, config)

    monkeypatch.setattr(profiles_module, "read_profile_bytes", reading)
    monkeypatch.setattr(profiles_module, "parse_profile_bytes", parsing)
    return seen


def test_unchanged_files_are_not_even_read_and_a_rerun_writes_nothing(tmp_path: Path, calls) -> None:
    config = make_project(tmp_path)
    first = read_profiles(config)
    assert len(calls["parsed"]) == PROFILES and first == parsed_afresh(config)
    assert len({shard_of(p.path) for p in first}) == len(list((config.cache_dir / "snapshots").glob("*.pickle")))
    before = cache_state(config)
    calls["read"].clear()
    assert read_profiles(config) == first
    assert calls["read"] == [] and cache_state(config) == before


def test_an_edit_rewrites_only_the_shard_of_the_edited_profile(tmp_path: Path, calls) -> None:
    config = make_project(tmp_path)
    read_profiles(config)
    before = cache_state(config)
    edited = tmp_path / "profiles" / "p07.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Premier", "Dernier"), encoding="utf-8")
    set_age(edited, 60)
    calls["parsed"].clear()
    again = read_profiles(config)
    assert calls["parsed"] == ["profiles/p07.md"] and again == parsed_afresh(config)
    after = cache_state(config)
    assert {f for f in after if after[f] != before.get(f)} == {shard_file(config, "profiles/p07.md")}


def test_an_edit_of_the_same_size_is_seen_by_its_modification_time(tmp_path: Path, calls) -> None:
    config = make_project(tmp_path)
    read_profiles(config)
    edited = tmp_path / "profiles" / "p11.md"
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("Premier", "Dernier"), encoding="utf-8")
    assert len(edited.read_bytes()) == len(text.encode("utf-8"))
    set_age(edited, 1800)
    calls["parsed"].clear()
    again = read_profiles(config)
    assert calls["parsed"] == ["profiles/p11.md"]
    assert again[11].segments[-1].text == "Dernier paragraphe 11." and again == parsed_afresh(config)


def test_a_recent_file_is_read_even_when_its_signature_matches(tmp_path: Path, calls) -> None:
    """An edit within one tick of the file system's clock keeps size and time: the bytes tell."""
    config = make_project(tmp_path)
    edited = tmp_path / "profiles" / "p03.md"
    set_age(edited, 0)
    read_profiles(config)
    stamp = edited.stat().st_mtime_ns
    edited.write_text(edited.read_text(encoding="utf-8").replace("Premier", "Dernier"), encoding="utf-8")
    os.utime(edited, ns=(stamp, stamp))
    calls["parsed"].clear()
    assert read_profiles(config)[3].segments[-1].text == "Dernier paragraphe 03."
    assert calls["parsed"] == ["profiles/p03.md"]


def test_a_file_touched_without_change_keeps_its_parse_and_digest(tmp_path: Path, calls) -> None:
    config = make_project(tmp_path)
    first = read_profiles(config)
    touched = tmp_path / "profiles" / "p20.md"
    set_age(touched, 120)
    calls["read"].clear()
    calls["parsed"].clear()
    again = read_profiles(config)
    assert calls["read"] == ["profiles/p20.md"] and calls["parsed"] == []
    assert again == first and again[20].digest == hashlib.sha256(touched.read_bytes()).hexdigest()
    calls["read"].clear()
    assert read_profiles(config) == first and calls["read"] == []  # its new signature was recorded


def test_a_damaged_shard_is_a_miss(tmp_path: Path, calls) -> None:
    config = make_project(tmp_path)
    first = read_profiles(config)
    damaged = shard_file(config, "profiles/p05.md")
    damaged.write_bytes(b"\x80\x05 not a pickle")
    in_shard = [p.path for p in first if shard_of(p.path) == shard_of("profiles/p05.md")]
    calls["parsed"].clear()
    assert read_profiles(config) == first and calls["parsed"] == in_shard
    key = profiles_snapshot_key(config)
    assert sorted(load_snapshot(config.cache_dir, shard_name(shard_of("profiles/p05.md")), key)) == in_shard


def test_a_removed_profile_is_gone_from_the_result_and_its_shard(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    read_profiles(config)
    (tmp_path / "profiles" / "p13.md").unlink()
    again = read_profiles(config)
    assert "profiles/p13.md" not in {p.path for p in again} and again == parsed_afresh(config)
    shard = load_snapshot(config.cache_dir, shard_name(shard_of("profiles/p13.md")), profiles_snapshot_key(config))
    assert "profiles/p13.md" not in shard


def test_reading_given_files_loads_their_shards_and_writes_nothing(tmp_path: Path, calls, monkeypatch) -> None:
    config = make_project(tmp_path)
    first = read_profiles(config)
    before = cache_state(config)
    calls["parsed"].clear()
    monkeypatch.chdir(tmp_path)  # a relative path is relative to the current folder, as on the command line
    given = read_profiles(config, [tmp_path / "profiles" / "p01.md", "profiles/p02.md"])
    assert given == first[1:3] and calls["parsed"] == [] and cache_state(config) == before


def test_a_cache_folder_that_cannot_be_written_still_works(tmp_path: Path) -> None:
    config = make_project(tmp_path)
    (tmp_path / "blocked").write_text("a file where the cache folder would go\n", encoding="utf-8")
    blocked = config.with_options(cache_dir="blocked/cache")
    assert read_profiles(blocked) == read_profiles(blocked) == parsed_afresh(config)


def test_many_profiles_are_parsed_in_worker_processes_with_the_same_result(tmp_path: Path, monkeypatch) -> None:
    config = make_project(tmp_path)
    alone = read_profiles(config.with_options(cache_dir=str(tmp_path / "alone")))
    monkeypatch.setattr(profiles_module, "PARALLEL_PARSES", 1)
    monkeypatch.setattr(profiles_module.os, "cpu_count", lambda: 3)
    assert read_profiles(config.with_options(cache_dir=str(tmp_path / "shared"))) == alone


def test_the_first_bad_profile_in_order_is_the_one_reported(tmp_path: Path, monkeypatch) -> None:
    from i18nprofiles.errors import ProfileError

    config = make_project(tmp_path)
    names = sorted(p.name for p in (tmp_path / "profiles").glob("*.md"))
    for name in names[20:]:  # the first share, parsed in this process, is fine; both workers' shares fail
        (tmp_path / "profiles" / name).write_text("---\nname: [unclosed\n---\nTexte.\n", encoding="utf-8")
    monkeypatch.setattr(profiles_module, "PARALLEL_PARSES", 1)
    monkeypatch.setattr(profiles_module.os, "cpu_count", lambda: 3)
    with pytest.raises(ProfileError) as error:
        read_profiles(config)
    assert str(error.value.path) == f"profiles/{names[20]}"
