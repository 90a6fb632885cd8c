"""Benchmark of ``prefill`` against the LibreTranslate-compatible test server with added latency.

Run on demand (not part of the tests):

    PYTHONPATH=. python benchmarks/prefill_bench.py [--latency 0.05] [--copies 2]

It pre-fills copies of the example catalogues twice (the second run with the
cache of the first) and compares the first run with a plain sequential loop
over deep-translator's LibreTranslator, one request per empty entry.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from deep_translator import LibreTranslator  # noqa: E402

import polib  # noqa: E402

from i18nprofiles.gettext.pofile import read_catalog, write_catalog  # noqa: E402
from i18nprofiles.config import load_config  # noqa: E402
from i18nprofiles.mt.engines import build_engine  # noqa: E402
from i18nprofiles.gettext.merge import new_catalog  # noqa: E402
from i18nprofiles.commands.prefill import is_candidate, prefill_catalogs  # noqa: E402
from prefill.server import LibreServer  # noqa: E402

LOCALES = ["es", "en", "pt", "it"]


def make_project(folder: Path, copies: int) -> Path:
    """The example project with empty catalogues for four locales, each template text in ``copies`` variants."""
    shutil.copytree(ROOT / "examples", folder / "examples")
    locales = ", ".join(f'"{locale}"' for locale in ["fr", *LOCALES])
    (folder / "i18nprofiles.toml").write_text(f'locales = [{locales}]\ncache_dir = ".cache"\n', encoding="utf-8")
    template = read_catalog(ROOT / "locales" / "profiles.pot")
    variants = polib.POFile()
    variants.metadata = template.metadata
    for number in range(copies):
        for entry in template:
            variants.append(polib.POEntry(msgid=f"({number}) {entry.msgid}" if number else entry.msgid, msgstr=""))
    for locale in LOCALES:
        write_catalog(folder / "locales" / locale / "LC_MESSAGES" / "profiles.po", new_catalog(variants, locale))
    return folder


def snapshot(project: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in project.rglob("*.po")}


def run_sequential(project: Path, url: str) -> tuple[int, float]:
    """The plain way: one LibreTranslator call per empty entry, one after the other."""
    config = load_config(project)
    start = time.perf_counter()
    count = 0
    for locale in LOCALES:
        client = LibreTranslator(source="fr", target=locale, api_key="-", custom_url=url)
        for entry in read_catalog(config.locales_dir / locale / "LC_MESSAGES" / "profiles.po"):
            if is_candidate(entry):
                client.translate(entry.msgid)
                count += 1
    return count, time.perf_counter() - start


def run_prefill(project: Path, url: str) -> tuple[int, int, float]:
    config = load_config(project)
    engine = build_engine("libre", config, url=url, environ={})
    start = time.perf_counter()
    result = prefill_catalogs(config, engine)
    return result.unique_texts, result.requests, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--copies", type=int, default=2, help="variants of each example text")
    options = parser.parse_args()
    os.environ.pop("I18NPROFILES_LIBRE_KEY", None)
    with tempfile.TemporaryDirectory() as tmp, LibreServer(latency=options.latency) as server:
        project = make_project(Path(tmp) / "project", options.copies)
        pristine = snapshot(project)
        entries, sequential = run_sequential(project, server.url)
        server.requests.clear()
        unique, first_requests, first = run_prefill(project, server.url)
        served = len(server.requests)
        for path, data in pristine.items():
            path.write_bytes(data)
        _, second_requests, second = run_prefill(project, server.url)
        print(f"latency per request:        {options.latency * 1000:.0f} ms")
        print(f"empty entries:              {entries} ({len(LOCALES)} locales)")
        print(f"unique texts:               {unique}")
        print(f"sequential loop:            {entries} requests, {sequential:.2f} s")
        print(f"prefill, first run:         {first_requests} requests ({served} seen by the server), "
              f"{first_requests / unique:.2f} per unique text, {first:.2f} s")
        print(f"prefill, second run:        {second_requests} requests, {second:.2f} s (cache)")
        print(f"speed-up, first run:        {sequential / first:.1f}x")


if __name__ == "__main__":
    main()
