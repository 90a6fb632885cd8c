"""Compare FuzzyMatcher with GNU msgmerge's fuzzy choices, and time it at scale.

Usage: python benchmarks/matcher_agreement.py [--size 2000] [--scale 60000] [--near-duplicates 0.25]

Builds N old paragraph msgids with translations and a new template in which 5 %
of the msgids are edited by 1-3 words and 5 % are replaced by unrelated
paragraphs (half drawn independently, half "siblings": an old paragraph's
sentences and function words with every content word redrawn);
runs ``msgmerge --previous`` and reads its ``#|`` previous msgids; reports the
agreement of our choices on the edited messages, the unrelated paragraphs each
tool matched, and our index build and query times (also at --scale, ours only).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polib  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import drafts, edit, paragraphs, render, sibling  # noqa: E402
from run import agreement_rate, classify  # noqa: E402  (one classifier for both harnesses)

from i18nprofiles.gettext.matcher import FuzzyMatcher  # noqa: E402


@dataclass
class Case:
    """A generated old catalogue and the new template derived from it."""

    old: list[str]
    new: list[str]
    edited: dict[str, str]  # new msgid -> the old msgid it was edited from
    fresh: list[str]  # new paragraphs drawn independently
    siblings: list[str]  # new paragraphs on an old one's pattern, all content words changed


def build_case(size: int, seed: int = 0, near_duplicates: float = 0.0) -> Case:
    """Return a deterministic case: 5 % of the msgids edited, 5 % replaced by unrelated ones.

    With *near_duplicates*, that share of *size* is added to the old msgids as
    1-4-word variants of others (boilerplate), left unchanged in the new template.
    """
    rng = random.Random(seed)
    old_drafts = drafts(size, seed=seed)
    old = [render(d) for d in old_drafts]
    variants: list[str] = []
    taken = set(old)
    for _ in range(round(size * near_duplicates)):
        variant = edit(rng.choice(old), rng, rng.randint(1, 4))
        if variant not in taken:
            taken.add(variant)
            variants.append(variant)
    fresh_pool = iter(paragraphs(size // 20 + 10, seed=seed + 1_000_003))
    positions = list(range(size))
    rng.shuffle(positions)
    n_changed = size * 5 // 100
    to_edit = set(positions[:n_changed])
    to_replace = positions[n_changed : 2 * n_changed]
    to_fresh, to_sibling = set(to_replace[::2]), set(to_replace[1::2])
    new: list[str] = []
    edited: dict[str, str] = {}
    fresh: list[str] = []
    siblings: list[str] = []
    for i, text in enumerate(old):
        if i in to_edit:
            changed = edit(text, rng, rng.randint(1, 3))
            while changed in taken:
                changed = edit(text, rng, rng.randint(1, 3))
            edited[changed] = text
        elif i in to_fresh:
            changed = next(fresh_pool)
            while changed in taken:
                changed = next(fresh_pool)
            fresh.append(changed)
        elif i in to_sibling:
            changed = render(sibling(old_drafts[i], rng))
            while changed in taken:
                changed = render(sibling(old_drafts[i], rng))
            siblings.append(changed)
        else:
            new.append(text)
            continue
        new.append(changed)
        taken.add(changed)
    return Case(old + variants, new + variants, edited, fresh, siblings)


def write_files(case: Case, directory: Path) -> tuple[Path, Path]:
    """Write old.po (translated) and new.pot into *directory*."""
    metadata = {"Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    po = polib.POFile()
    po.metadata = dict(metadata, Language="es")
    for i, msgid in enumerate(case.old):
        po.append(polib.POEntry(msgid=msgid, msgstr=f"[es {i}] {msgid}", occurrences=[("p.md", str(i + 1))]))
    pot = polib.POFile()
    pot.metadata = dict(metadata)
    for i, msgid in enumerate(case.new):
        pot.append(polib.POEntry(msgid=msgid, msgstr="", occurrences=[("p.md", str(i + 1))]))
    old_path, new_path = directory / "old.po", directory / "new.pot"
    po.save(str(old_path))
    pot.save(str(new_path))
    return old_path, new_path


def run_msgmerge(old_path: Path, new_path: Path) -> tuple[dict[str, str], float, float]:
    """Run GNU msgmerge; return {new msgid: previous msgid}, its wall and CPU seconds."""
    out = old_path.with_name("merged.po")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", str(out), str(old_path), str(new_path)], check=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    merged = polib.pofile(str(out))
    return {e.msgid: e.previous_msgid for e in merged if not e.obsolete and e.previous_msgid}, wall, cpu


@dataclass
class Timing:
    """Seconds to build the index and to answer all queries, wall and CPU, best of the runs."""

    build_wall: float
    build_cpu: float
    query_wall: float
    query_cpu: float
    queries: int

    def __str__(self) -> str:
        return (
            f"build {self.build_wall:.3f} s, {self.queries} queries {self.query_wall:.3f} s, "
            f"total {self.build_wall + self.query_wall:.3f} s wall "
            f"({self.build_cpu + self.query_cpu:.3f} s CPU)"
        )


def run_ours(case: Case, repeat: int = 1) -> tuple[dict[str, str], Timing]:
    """Match the changed msgids with FuzzyMatcher; return the choices and the best timings."""
    old_set = set(case.old)
    queries = [msgid for msgid in case.new if msgid not in old_set]
    runs: list[tuple[float, float, float, float]] = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        matcher = FuzzyMatcher(case.old)
        built_wall, built_cpu = time.perf_counter(), time.process_time()
        found = [matcher.find(msgid) for msgid in queries]
        done_wall, done_cpu = time.perf_counter(), time.process_time()
        runs.append((built_wall - wall, built_cpu - cpu, done_wall - built_wall, done_cpu - built_cpu))
        del matcher
    chosen = {msgid: case.old[match.index] for msgid, match in zip(queries, found) if match is not None}
    build_wall, build_cpu, query_wall, query_cpu = (min(run[i] for run in runs) for i in range(4))
    return chosen, Timing(build_wall, build_cpu, query_wall, query_cpu, len(queries))


def report_agreement(label: str, tally: dict[str, int], total: int) -> None:
    """Print one agreement line."""
    judged = total - tally["no_reference"]
    rate = agreement_rate(tally)
    rate = 1.0 if rate is None else rate
    print(
        f"  {label}: {rate:.1%} of {judged} edited msgids "
        f"(same {tally['same']}, at least as close {tally['closer']}, "
        f"worse {tally['worse']}, missed {tally['missed']}; reference had no match for {tally['no_reference']})"
    )


def describe(case: Case) -> str:
    """Return a one-line summary of *case*."""
    return (
        f"{len(case.old)} old msgids; {len(case.edited)} edited, "
        f"{len(case.fresh)} fresh and {len(case.siblings)} sibling unrelated paragraphs"
    )


def unrelated_matches(case: Case, chosen: dict[str, str]) -> str:
    """Return how many unrelated paragraphs got a fuzzy match, per kind."""
    fresh = sum(text in chosen for text in case.fresh)
    siblings = sum(text in chosen for text in case.siblings)
    return f"{fresh + siblings} (fresh {fresh} of {len(case.fresh)}, siblings {siblings} of {len(case.siblings)})"


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="old msgids compared with msgmerge")
    parser.add_argument("--scale", type=int, default=60000, help="old msgids timed for us only (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of ours; the best is reported")
    parser.add_argument("--no-msgmerge", action="store_true", help="skip GNU msgmerge")
    parser.add_argument(
        "--near-duplicates", type=float, default=0.0, metavar="SHARE",
        help="add this share of old msgids as 1-4-word variants of others (boilerplate)",
    )
    args = parser.parse_args(argv)

    case = build_case(args.size, args.seed, args.near_duplicates)
    print(f"size {args.size}: {describe(case)}")
    ours, timing = run_ours(case, args.repeat)
    print(f"  ours: {timing}")
    report_agreement("ours vs original", classify(case.edited, ours, case.edited), len(case.edited))
    print(f"  unrelated matched by ours: {unrelated_matches(case, ours)}")
    if not args.no_msgmerge:
        with tempfile.TemporaryDirectory() as tmp:
            theirs, wall, cpu = run_msgmerge(*write_files(case, Path(tmp)))
        ours_wall = timing.build_wall + timing.query_wall
        print(f"  msgmerge: {wall:.3f} s wall ({cpu:.3f} s CPU), {wall / ours_wall:.0f}x ours")
        report_agreement("ours vs msgmerge", classify(case.edited, ours, theirs), len(case.edited))
        print(f"  unrelated matched by msgmerge: {unrelated_matches(case, theirs)}")

    if args.scale:
        case = build_case(args.scale, args.seed, args.near_duplicates)
        print(f"size {args.scale}: {describe(case)}")
        ours, timing = run_ours(case, args.repeat)
        print(f"  ours: {timing}")
        report_agreement("ours vs original", classify(case.edited, ours, case.edited), len(case.edited))
        print(f"  unrelated matched by ours: {unrelated_matches(case, ours)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
