"""What publishing the site whole costs: ``build`` after one edit, and the part spent making the staging folder
and swapping it in.

Usage: python benchmarks/publish_bench.py [--profiles 10000] [--repeat 3] [--work DIR]

Generates a project (``generate.py project``), builds it once (untimed), edits
one profile and builds it again (untimed: the staging folder is made from
nothing the first time), then ``--repeat`` times edits it and times ``build``
in this process,
with the time of ``publish.prepare_site`` (walks of both folders, the few
files written, the checks of the others) and of the swap.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

import i18nprofiles.commands.render as render  # noqa: E402
import i18nprofiles.publish as publish  # noqa: E402
from i18nprofiles.config import load_config  # noqa: E402
from i18nprofiles.pipeline import build_project  # noqa: E402
from i18nprofiles.store import open_store  # noqa: E402


def timed_build(root: Path) -> dict[str, float]:
    """One ``build`` in this process: its seconds, and those of the publishing steps."""
    times: dict[str, float] = {}
    prepare, commit = publish.prepare_site, publish.Publication.commit

    def timed_prepare(*args, **options):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return prepare(*args, **options)
        finally:
            times["prepare"] = time.perf_counter() - started

    def timed_commit(self):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            commit(self)
        finally:
            times["swap"] = time.perf_counter() - started

    render.prepare_site, publish.Publication.commit = timed_prepare, timed_commit  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        config = load_config(root)
        store = open_store(config.cache_dir)
        build_project(config, store=store)
        store.commit()
        times["build"] = time.perf_counter() - started
    finally:
        render.prepare_site, publish.Publication.commit = prepare, commit  # type: ignore[assignment]
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=BENCH_DIR / "work" / "publish")
    options = parser.parse_args()
    root = options.work / f"project-{options.profiles}"
    if not (root / "i18nprofiles.toml").is_file():
        shutil.rmtree(root, ignore_errors=True)
        subprocess.run([sys.executable, str(BENCH_DIR / "generate.py"), "project", str(options.profiles), str(root)],
                       check=True)
    profile = sorted((root / "profiles").glob("*.md"))[options.profiles // 2]
    for index in range(-2, options.repeat):  # untimed: a first build, and the first staging folder made
        if index >= -1:
            text = profile.read_text(encoding="utf-8")
            profile.write_text(text.replace("\n\n## ", f" Publié {time.time_ns()}.\n\n## ", 1), encoding="utf-8")
        times = timed_build(root)
        if index < 0:
            continue
        print(f"{options.profiles} profiles, build after one edit: {times['build']:.2f} s, "
              f"of which staging folder {times.get('prepare', 0):.2f} s, swap {times.get('swap', 0) * 1000:.1f} ms",
              flush=True)


if __name__ == "__main__":
    main()
