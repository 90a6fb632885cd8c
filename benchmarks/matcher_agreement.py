"""Compare FuzzyMatcher with GNU msgmerge's fuzzy choices, and time it at scale.

Usage: python benchmarks/matcher_agreement.py [--size 2000] [--scale 60000]

Builds N old paragraph msgids with translations and a new template in which 5 %
of the msgids are edited by 1-3 words and 5 % are new unrelated paragraphs;
runs ``msgmerge --previous`` and reads its ``#|`` previous msgids; reports the
agreement of our choices on the edited messages, the unrelated paragraphs each
tool matched, and our index build and query times (also at --scale, ours only).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polib
from rapidfuzz.distance import Indel

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import edit, paragraphs  # noqa: E402

from i18nprofiles.matcher import FuzzyMatcher  # noqa: E402


@dataclass
class Case:
    """A generated old catalogue and the new template derived from it."""

    old: list[str]
    new: list[str]
    edited: dict[str, str]  # new msgid -> the old msgid it was edited from
    unrelated: list[str]


def build_case(size: int, seed: int = 0) -> Case:
    """Return a deterministic case of *size* old msgids."""
    rng = random.Random(seed)
    old = paragraphs(size, seed=seed)
    fresh = iter(paragraphs(size // 10 + size // 20 + 10, seed=seed + 1_000_003))
    old_set = set(old)
    positions = list(range(size))
    rng.shuffle(positions)
    n_changed = size * 5 // 100
    to_edit = set(positions[:n_changed])
    to_replace = set(positions[n_changed : 2 * n_changed])
    new: list[str] = []
    edited: dict[str, str] = {}
    unrelated: list[str] = []
    taken = set(old_set)
    for i, text in enumerate(old):
        if i in to_edit:
            changed = edit(text, rng, rng.randint(1, 3))
            while changed in taken:
                changed = edit(text, rng, rng.randint(1, 3))
            edited[changed] = text
            new.append(changed)
        elif i in to_replace:
            other = next(fresh)
            while other in taken:
                other = next(fresh)
            unrelated.append(other)
            new.append(other)
        else:
            new.append(text)
            continue
        taken.add(new[-1])
    return Case(old, new, edited, unrelated)


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


def run_msgmerge(old_path: Path, new_path: Path) -> tuple[dict[str, str], float]:
    """Run GNU msgmerge; return {new msgid: previous msgid} and the wall time."""
    out = old_path.with_name("merged.po")
    start = time.perf_counter()
    subprocess.run(
        ["msgmerge", "--previous", "-q", "-o", str(out), str(old_path), str(new_path)], check=True
    )
    elapsed = time.perf_counter() - start
    merged = polib.pofile(str(out))
    return {e.msgid: e.previous_msgid for e in merged if not e.obsolete and e.previous_msgid}, elapsed


def run_ours(case: Case) -> tuple[dict[str, str], float, float, int]:
    """Match the changed msgids with FuzzyMatcher; return choices, build and query times, queries."""
    start = time.perf_counter()
    matcher = FuzzyMatcher(case.old)
    built = time.perf_counter()
    old_set = set(case.old)
    queries = [msgid for msgid in case.new if msgid not in old_set]
    chosen: dict[str, str] = {}
    for msgid in queries:
        found = matcher.find(msgid)
        if found is not None:
            chosen[msgid] = case.old[found.index]
    done = time.perf_counter()
    return chosen, built - start, done - built, len(queries)


def agreement(case: Case, ours: dict[str, str], reference: dict[str, str]) -> dict[str, int]:
    """Classify our choice on each edited msgid against *reference* (msgmerge or the original)."""
    tally = {"same": 0, "closer": 0, "worse": 0, "missed": 0, "reference_none": 0}
    for new, _ in case.edited.items():
        theirs = reference.get(new)
        mine = ours.get(new)
        if theirs is None:
            tally["reference_none"] += 1
        elif mine == theirs:
            tally["same"] += 1
        elif mine is None:
            tally["missed"] += 1
        elif Indel.normalized_similarity(new, mine) >= Indel.normalized_similarity(new, theirs):
            tally["closer"] += 1
        else:
            tally["worse"] += 1
    return tally


def report_agreement(label: str, tally: dict[str, int], total: int) -> None:
    """Print one agreement line."""
    judged = total - tally["reference_none"]
    rate = (tally["same"] + tally["closer"]) / judged if judged else 1.0
    print(
        f"  {label}: {rate:.1%} of {judged} edited msgids "
        f"(same {tally['same']}, at least as close {tally['closer']}, "
        f"worse {tally['worse']}, missed {tally['missed']}; reference had no match for {tally['reference_none']})"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2000, help="old msgids compared with msgmerge")
    parser.add_argument("--scale", type=int, default=60000, help="old msgids timed for us only (0: skip)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-msgmerge", action="store_true", help="skip GNU msgmerge")
    args = parser.parse_args(argv)

    case = build_case(args.size, args.seed)
    print(f"size {args.size}: {len(case.edited)} edited, {len(case.unrelated)} unrelated new paragraphs")
    ours, build_s, query_s, n_queries = run_ours(case)
    print(f"  ours: build {build_s:.3f} s, {n_queries} queries {query_s:.3f} s, total {build_s + query_s:.3f} s")
    report_agreement("ours vs original", agreement(case, ours, case.edited), len(case.edited))
    print(f"  unrelated matched by ours: {sum(u in ours for u in case.unrelated)} of {len(case.unrelated)}")
    if not args.no_msgmerge:
        with tempfile.TemporaryDirectory() as tmp:
            theirs, msgmerge_s = run_msgmerge(*write_files(case, Path(tmp)))
        print(f"  msgmerge: {msgmerge_s:.3f} s wall")
        report_agreement("ours vs msgmerge", agreement(case, ours, theirs), len(case.edited))
        print(f"  unrelated matched by msgmerge: {sum(u in theirs for u in case.unrelated)} of {len(case.unrelated)}")

    if args.scale:
        case = build_case(args.scale, args.seed)
        print(f"size {args.scale}: {len(case.edited)} edited, {len(case.unrelated)} unrelated new paragraphs")
        ours, build_s, query_s, n_queries = run_ours(case)
        print(f"  ours: build {build_s:.3f} s, {n_queries} queries {query_s:.3f} s, total {build_s + query_s:.3f} s")
        report_agreement("ours vs original", agreement(case, ours, case.edited), len(case.edited))
        print(f"  unrelated matched by ours: {sum(u in ours for u in case.unrelated)} of {len(case.unrelated)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
