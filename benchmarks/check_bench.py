"""Time `i18nprofiles check` on 60,000 paragraph messages × 3 locales.

Usage: python benchmarks/check_bench.py [--messages 60000] [--runs 3] [--work benchmarks/work/check]

Generates, deterministically, a project of 600 profiles of 100 French-like
paragraphs (one in ten with markup, a link or a number), its template and
three catalogues (es, en, de) whose translations keep the markup, links and
numbers; 2 % of the entries are left untranslated and 1 % fuzzy.  Then runs
the command line ``check`` several times, without and with the cache folder,
and prints the median wall times and the peak memory of the slowest process.
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpus import VOCABULARY  # noqa: E402

from i18nprofiles.gettext.pofile import catalog_text, read_catalog  # noqa: E402
from i18nprofiles.files import write_text_atomic  # noqa: E402
from i18nprofiles.config import load_config  # noqa: E402
from i18nprofiles.commands.extract import extract  # noqa: E402

LOCALES = ("es", "en", "de")
PER_PROFILE = 100
DECORATIONS = (
    lambda text, n: text.replace(" ", " **", 1).replace(" ", "** ", 1) if " " in text else text,
    lambda text, n: f"{text} Voir [le site](https://example.org/{n}).",
    lambda text, n: f"{text} Depuis {1990 + n % 30}, avec {n % 500} membres.",
)


def make_paragraphs(count: int, seed: int) -> list[str]:
    """Distinct French-like paragraphs: 20 to 80 Zipf-drawn words, in sentences of 7 to 20.

    (benchmarks/corpus.py draws richer sentences, but its ``paragraphs`` can
    loop for ever on some seeds, so this one stays independent.)
    """
    rng = random.Random(seed)
    weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(VOCABULARY) + 1)))
    found: dict[str, None] = {}
    while len(found) < count:
        words = rng.choices(VOCABULARY, cum_weights=weights, k=rng.randint(20, 80))
        sentences = []
        while words:
            size = rng.randint(7, 20)
            sentence = " ".join(words[:size])
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
            words = words[size:]
        found[" ".join(sentences)] = None
    return list(found)


def decorate(texts: list[str], rng: random.Random) -> list[str]:
    """One paragraph in ten gets markup, a link or numbers."""
    out = []
    for n, text in enumerate(texts):
        if rng.random() < 0.1:
            text = rng.choice(DECORATIONS)(text, n)
        out.append(text)
    return out


def pseudo_translate(text: str) -> str:
    """A stand-in translation: alphabetic words reversed, markup, links and numbers kept."""
    return " ".join(word[::-1] if word.isalpha() else word for word in text.split(" "))


def generate(work: Path, messages: int) -> None:
    """Write the project: pyproject.toml, profiles, template and catalogues."""
    if work.exists():
        shutil.rmtree(work)
    (work / "profiles").mkdir(parents=True)
    (work / "pyproject.toml").write_text(
        '[tool.i18nprofiles]\nsource_locale = "fr"\nlocales = ["fr", "es", "en", "de"]\n'
        'profiles = ["profiles/*.md"]\n', encoding="utf-8")
    rng = random.Random(7)
    texts = decorate(make_paragraphs(messages, seed=11), rng)
    for start in range(0, messages, PER_PROFILE):
        body = "\n\n".join(texts[start:start + PER_PROFILE])
        number = start // PER_PROFILE
        (work / "profiles" / f"person-{number:05d}.md").write_text(
            f"---\nname: Person {number}\n---\n\n{body}\n", encoding="utf-8")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1710754200")  # same bytes on every run
    config = load_config(work)
    result = extract(config)
    template = read_catalog(result.path)
    for locale in LOCALES:
        template.metadata["Language"] = locale
        for entry in template:
            chance = rng.random()
            entry.msgstr = "" if chance < 0.02 else pseudo_translate(entry.msgid)
            entry.flags = ["fuzzy"] if 0.02 <= chance < 0.03 else []
        path = work / "locales" / locale / "LC_MESSAGES" / "profiles.po"
        write_text_atomic(path, catalog_text(template).encode("utf-8"))


def time_check(work: Path, runs: int, *, warm: bool) -> tuple[list[float], list[float], int]:
    """Wall and CPU times of ``check`` runs, and the peak resident memory (kB) of any one process.

    Cold runs start without the cache folder (a fresh clone); warm runs with
    the one the previous run left (a CI job that keeps it).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "i18nprofiles", "-P", str(work), "check", "--format", "json",
               "--output", str(work / "check.json")]
    times, cpu = [], []
    shutil.rmtree(work / ".i18nprofiles-cache", ignore_errors=True)
    if warm:
        subprocess.run(command, env=env, capture_output=True, check=False)
    for _ in range(runs):
        if not warm:
            shutil.rmtree(work / ".i18nprofiles-cache", ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise SystemExit(f"check failed to run:\n{done.stderr}")
    return times, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=HERE / "work" / "check", help="reused when already generated")
    args = parser.parse_args()
    stamp = args.work / f".generated-{args.messages}"
    if stamp.exists():
        print(f"reusing {args.work} ({args.messages} messages × {len(LOCALES)} locales)")
    else:
        start = time.perf_counter()
        generate(args.work, args.messages)
        stamp.touch()
        print(f"generated {args.messages} messages × {len(LOCALES)} locales in {time.perf_counter() - start:.1f} s")
    load = os.getloadavg()[0]  # before the runs, which raise it themselves
    for warm in (False, True):
        times, cpu, peak = time_check(args.work, args.runs, warm=warm)
        print(f"check, {'warm cache' if warm else 'no cache'}: median {statistics.median(times):.2f} s wall over "
              f"{args.runs} runs ({', '.join(f'{t:.2f}' for t in times)}), median CPU {statistics.median(cpu):.2f} s, "
              f"peak memory {peak / 1024:.0f} MB; {os.cpu_count()} CPUs, load average {load:.1f} before")


if __name__ == "__main__":
    main()
