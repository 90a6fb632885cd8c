"""The site is published whole or not at all: made in a staging folder, swapped in, never half written."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_example
from reliability import files_of, leftovers, outputs, run_cli, tmpfs

import i18nprofiles.publish as publish
from i18nprofiles.config import load_config
from i18nprofiles.errors import ConfigError
from i18nprofiles.pipeline import build_project
from i18nprofiles.store import NullStore, open_store

MARIA = "examples/profiles/maria-quispe.md"


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same dates in every build, whenever each runs (a minute may turn between two)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")


def build(root: Path, *, no_cache: bool = False) -> None:
    config = load_config(root)
    store = NullStore() if no_cache else open_store(config.cache_dir)
    try:
        build_project(config, store=store, workers=1)
    except BaseException:
        store.discard()
        raise
    store.commit()


def edit(root: Path, old: str = "## Témoignage", new: str = "## Mon témoignage") -> None:
    path = root / MARIA
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def reference(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The site a build from scratch gives for the project as it is now."""
    scratch = tmp_path / "scratch"
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".i18nprofiles-cache", "site", ".site.*"))
    build(scratch, no_cache=True)
    return files_of(scratch / "site")


@pytest.fixture
def built(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "project")
    build(root)
    return root


def test_a_new_version_is_swapped_in_and_the_folders_share_unchanged_files(built: Path, tmp_path: Path) -> None:
    site, staging = built / "site", built / ".site.staging"
    assert not staging.exists()  # a first render renames its folder into place
    old = files_of(site)
    edit(built)
    build(built)
    assert files_of(site) == reference(built, tmp_path)
    assert files_of(staging) == old  # the old site, kept to make the next one
    same = os.stat(site / "fr" / "index.html"), os.stat(staging / "fr" / "index.html")
    assert same[0].st_ino == same[1].st_ino  # unchanged: one file, two names
    changed = os.stat(site / "fr" / "maria-quispe" / "index.html"), os.stat(staging / "fr" / "maria-quispe" / "index.html")
    assert changed[0].st_ino != changed[1].st_ino
    for step in range(3):  # the staging folder is brought up to date, build after build
        edit(built, "## Mon témoignage" if step % 2 == 0 else "## Témoignage",
             "## Témoignage" if step % 2 == 0 else "## Mon témoignage")
        build(built)
        assert files_of(site) == reference(built, tmp_path)
    assert leftovers(built) == []


def test_files_that_no_render_made_survive(built: Path, tmp_path: Path) -> None:
    site = built / "site"
    (site / "CNAME").write_text("profiles.example.org\n")
    (site / ".well-known").mkdir()
    (site / ".well-known" / "security.txt").write_text("Contact: mailto:a@example.org\n")
    (site / "fr" / "notes.txt").write_text("mine\n")
    (site / "empty").mkdir()
    os.symlink("CNAME", site / "cname-link")
    mine = {name: data for name, data in files_of(site).items()
            if name in ("CNAME", ".well-known/security.txt", "fr/notes.txt", "cname-link")}
    for _ in range(2):
        edit(built)
        build(built)
        found = files_of(site)
        assert {name: found.get(name) for name in mine} == mine
        assert (site / "empty").is_dir() and (site / "cname-link").is_symlink()
        edit(built, "## Mon témoignage", "## Témoignage")
        build(built)
    expected = reference(built, tmp_path)
    assert {name: data for name, data in files_of(site).items() if name not in mine} == expected


def test_a_full_disk_leaves_the_old_site(built: Path, tmp_path: Path) -> None:
    """A write that fails (here: a file-size limit smaller than a page) fails the command; the site is the old one."""
    run_cli(built, "build")
    before = outputs(built)
    edit(built)
    result = run_cli(built, "build", file_size=2000)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "File too large" in result.stderr
    assert "Traceback" not in result.stderr
    assert outputs(built) == before and leftovers(built) == []
    assert run_cli(built, "build").returncode == 0
    assert files_of(built / "site") == reference(built, tmp_path)


def test_a_full_file_system_leaves_the_old_site(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        root = copy_example(disk)
        assert run_cli(root, "build").returncode == 0
        before = outputs(root)
        status = os.statvfs(disk)
        words = status.f_bavail * status.f_frsize // 2 // 4  # half the free space: the profile fits, 3 pages do not
        profile = root / MARIA
        text = profile.read_text(encoding="utf-8")
        profile.write_text(text + "\n" + "Mot " * words + "\n", encoding="utf-8")
        result = run_cli(root, "render")
        assert result.returncode == 2 and "No space left on device" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert outputs(root) == before and leftovers(root) == []
        profile.write_text(text, encoding="utf-8")
        result = run_cli(root, "build")
        assert result.returncode == 0, result.stderr


def test_two_builds_at_once_give_one_result(built: Path, tmp_path: Path) -> None:
    edit(built)
    processes = [subprocess.Popen([sys.executable, "-m", "i18nprofiles", "build"], cwd=built, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for _ in range(3)]
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_, err) in zip(processes, results):
        assert process.returncode in (0, 2), err  # 2: a catalogue changed while it ran (another build wrote it)
        assert b"Traceback" not in err
    assert run_cli(built, "build").returncode == 0
    assert files_of(built / "site") == reference(built, tmp_path)
    assert leftovers(built) == []


def test_leftovers_of_killed_runs_are_removed_and_others_kept(built: Path) -> None:
    dead = 2**22 + 12345  # above the usual pid_max: no such process
    po = built / "locales" / "es" / "LC_MESSAGES"
    planted = [po / f".profiles.po.{dead}-abcdefgh.tmp", po / f".profiles.mo.{dead}-abcdefgh.tmp",
               built / "locales" / f".profiles.pot.{dead}-abcdefgh.tmp",
               built / "site" / "fr" / f".index.html.{dead}-abcdefgh.tmp"]
    live = po / f".profiles.po.{os.getppid()}-abcdefgh.tmp"  # a process that runs: its file is in use
    for path in [*planted, live]:
        path.write_text("half written")
    edit(built)
    build(built)
    assert not any(path.exists() for path in planted)
    assert live.exists()
    assert not any(name.endswith(".tmp") for name in files_of(built / "site"))


def test_an_output_folder_that_holds_the_project_is_refused(built: Path) -> None:
    for output in (".", "..", "locales", ".i18nprofiles-cache", "examples", "examples/profiles"):
        result = run_cli(built, "render", "-o", output)
        assert result.returncode == 2, (output, result.stderr)
        assert "the output folder must not hold the project's files" in result.stderr
    (built / "afile").write_text("x")
    result = run_cli(built, "render", "-o", "afile")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_output_folder_that_is_a_link_stays_a_link(built: Path, tmp_path: Path) -> None:
    real = tmp_path / "www" / "html"
    shutil.move(built / "site", real)
    os.symlink(real, built / "site")
    edit(built)
    build(built)
    assert (built / "site").is_symlink() and os.readlink(built / "site") == str(real)
    assert files_of(real) == reference(built, tmp_path)
    assert (tmp_path / "www" / ".html.staging").is_dir()


def test_links_and_strange_files_in_the_staging_folder_are_not_trusted(built: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched")
    edit(built)
    build(built)
    staging = built / ".site.staging"
    (staging / "fr" / "index.html").write_text("tampered")  # same name, other bytes
    (staging / "junk.html").write_text("junk")
    shutil.rmtree(staging / "es")
    os.symlink(outside, staging / "es")  # a link where a folder of the site goes
    edit(built, "## Mon témoignage", "## Témoignage")
    build(built)
    assert files_of(built / "site") == reference(built, tmp_path)
    assert files_of(outside) == {"keep.txt": b"untouched"}
    shutil.rmtree(staging)
    os.symlink(outside, staging)  # the staging folder itself a link
    edit(built)
    build(built)
    assert files_of(built / "site") == reference(built, tmp_path)
    assert files_of(outside) == {"keep.txt": b"untouched"} and not staging.is_symlink()


def test_a_page_replaced_by_a_link_is_replaced_by_the_page(built: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    page = built / "site" / "fr" / "maria-quispe" / "index.html"
    page.unlink()
    os.symlink(secret, page)
    build(built)
    assert not page.is_symlink() and secret.read_text() == "secret"
    assert files_of(built / "site") == reference(built, tmp_path)


def test_without_an_atomic_exchange_the_swap_is_three_renames(built: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(publish, "exchange_folders", lambda first, second: False)
    for step in range(3):
        edit(built, *(("## Témoignage", "## Mon témoignage") if step % 2 == 0 else ("## Mon témoignage", "## Témoignage")))
        build(built)
        assert files_of(built / "site") == reference(built, tmp_path)
    assert not (built / ".site.old").exists()


def test_a_swap_cut_between_its_renames_is_finished_by_the_next_run(built: Path, tmp_path: Path) -> None:
    edit(built)
    build(built)
    new = files_of(built / "site")
    # As a swap made of renames leaves it when killed after "site -> .site.old": the new site is still in the
    # staging folder, the old one in .site.old, and there is no site folder.  The next run rolls forward.
    os.rename(built / ".site.staging", built / "kept")
    os.rename(built / "site", built / ".site.staging")
    os.rename(built / "kept", built / ".site.old")
    build(built)
    assert files_of(built / "site") == new == reference(built, tmp_path)
    assert not (built / ".site.old").exists() and (built / ".site.staging").is_dir()


def test_a_mount_point_is_updated_file_by_file_with_a_warning(built: Path, tmp_path: Path) -> None:
    shutil.rmtree(built / "site")
    with tmpfs(built / "site", "8m"):
        result = run_cli(built, "build")
        assert result.returncode == 0, result.stderr
        edit(built)
        result = run_cli(built, "build")
        assert result.returncode == 0
        assert "updated file by file, not swapped whole" in result.stderr and "mount point" in result.stderr
        assert files_of(built / "site") == reference(built, tmp_path)
        assert leftovers(built) == []


def test_a_render_interrupted_before_the_swap_keeps_the_old_site(built: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = outputs(built)
    edit(built)
    calls = []

    def fail_after_a_few(folder: Path, name: str, data: bytes) -> None:
        calls.append(name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", name)
        original(folder, name, data)

    original = publish.write_into
    monkeypatch.setattr(publish, "write_into", fail_after_a_few)
    with pytest.raises(OSError):
        build(built)
    assert outputs(built) == before and leftovers(built) == []
    monkeypatch.undo()
    build(built)
    assert files_of(built / "site") != before


def test_the_lock_serialises_two_publications_in_one_folder(built: Path) -> None:
    script = ("import sys, time; from i18nprofiles.publish import lock_folder, unlock_folder; "
              "k = lock_folder(sys.argv[1]); print('locked', flush=True); time.sleep(0.5); unlock_folder(k)")
    first = subprocess.Popen([sys.executable, "-c", script, str(built)], stdout=subprocess.PIPE, text=True)
    assert first.stdout is not None and first.stdout.readline().strip() == "locked"
    start = time.monotonic()
    second = subprocess.run([sys.executable, "-c", script, str(built)], capture_output=True, text=True)
    assert second.stdout.strip() == "locked" and time.monotonic() - start >= 0.3
    first.wait()
    key = publish.lock_folder(built)  # in one process the lock is re-entrant
    again = publish.lock_folder(built)
    publish.unlock_folder(again)
    publish.unlock_folder(key)


def test_check_output_folder_refuses_the_root_and_a_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="root of the file system"):
        publish.check_output_folder(Path("/"), [])
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        publish.check_output_folder(tmp_path / "file", [])


def test_the_output_folder_keeps_its_permissions_and_its_own_folders_theirs(built: Path) -> None:
    site = built / "site"
    (site / "private").mkdir()
    (site / "private" / "notes.txt").write_text("mine")
    os.chmod(site / "private", 0o700)
    os.chmod(site, 0o750)
    for step in range(2):
        edit(built, *(("## Témoignage", "## Mon témoignage") if step == 0 else ("## Mon témoignage", "## Témoignage")))
        build(built)
        assert stat.S_IMODE(os.stat(site).st_mode) == 0o750
        assert stat.S_IMODE(os.stat(site / "private").st_mode) == 0o700
        assert (site / "private" / "notes.txt").read_text() == "mine"


def test_a_folder_holding_a_special_file_is_updated_file_by_file(built: Path, tmp_path: Path) -> None:
    os.mkfifo(built / "site" / "pipe")
    edit(built)
    result = run_cli(built, "build")
    assert result.returncode == 0 and "updated file by file" in result.stderr and "special file" in result.stderr
    assert stat.S_ISFIFO(os.lstat(built / "site" / "pipe").st_mode)
    assert {n: d for n, d in files_of(built / "site").items() if n != "pipe"} == reference(built, tmp_path)


def test_remembered_folders_are_not_listed_and_a_file_added_to_one_is_kept(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The store remembers each settled folder of the site and the staging folder by inode and times: an
    unchanged one is not listed again, one where a file was added is (its times moved) and the file is
    carried to the new site.  Verify mode (on in the suite) compares every such walk with a full one."""
    import i18nprofiles.store as store_module
    import i18nprofiles.store.site as site_module

    monkeypatch.setattr(store_module, "SETTLED_NS", 0)  # every folder older than the build is settled
    root = copy_example(tmp_path / "project")
    build(root)
    for old, new in [("## Témoignage", "## Mon témoignage"), ("## Mon témoignage", "## Témoignage")]:
        edit(root, old, new)
        time.sleep(0.05)
        build(root)  # both folders walked, and remembered (those made before this build)
    listed = []
    real = site_module.list_folder
    monkeypatch.setattr(site_module, "list_folder", lambda path: listed.append(path) or real(path))
    folders = [path for path in (root / "site").rglob("*") if path.is_dir()]
    assert len(folders) > 10
    own = folders[len(folders) // 2] / "notes.txt"  # a page's folder: a file no render made
    own.write_text("à garder\n", encoding="utf-8")
    edit(root)
    time.sleep(0.05)
    build(root)
    assert (root / "site" / own.relative_to(root / "site")).read_text(encoding="utf-8") == "à garder\n"
    assert 0 < len(listed) < len(folders)  # of both folders, only those that changed (and the top ones) were listed
    assert any(path.endswith(own.parent.name) for path in listed)


def test_a_crafted_folder_listing_is_a_miss_and_removes_nothing_outside(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A listings record that names a path (``../../victim.txt``) for a real folder, with its real inode and
    times, is a miss: the render lists the folder instead and removes nothing outside the staging folder."""
    import i18nprofiles.store as store_module
    from i18nprofiles.store.site import LISTINGS, state_slot

    monkeypatch.setattr(store_module, "SETTLED_NS", 0)
    root = copy_example(tmp_path / "project")
    build(root)
    edit(root)
    time.sleep(0.05)
    build(root)
    victim = root / "victim.txt"
    victim.write_text("à garder\n", encoding="utf-8")
    config = load_config(root)
    staging = publish.staging_folder(publish.real_folder(config.output_dir))
    crafted = {os.lstat(path).st_ino: (os.lstat(path).st_mtime_ns, os.lstat(path).st_ctime_ns,
                                       (("../../victim.txt", publish.FILE), ("..", publish.FOLDER)))
               for path in staging.rglob("*") if path.is_dir()}
    store = open_store(config.cache_dir)
    store.keep(LISTINGS, state_slot(config.output_dir), "listings", crafted, shared=True)
    store.commit()
    edit(root, "## Mon témoignage", "## Témoignage")
    time.sleep(0.05)
    build(root)
    assert victim.read_text(encoding="utf-8") == "à garder\n"
    assert files_of(root / "site") == reference(root, tmp_path)
