"""Judge the fuzzy suggestions of ``update`` and of GNU ``msgmerge --previous`` on real catalogues.

Usage: python benchmarks/fuzzy_real.py [--repeat 3] [--held-out] [--only NAME ...]
                                       [--markdown FILE] [--list]

Each merge takes a team's published catalogue of one release, merges the
template of a later release into it with both tools, and judges every
suggestion against what the same team published for that later release
(the catalogues are read from ``../shared/realworld-po/``; nothing is copied
into the repository).

How a merge is judged (the same rule for both tools):

* a *suggestion* is an active entry of the merged catalogue that has a
  translation and got it from another msgid: the old catalogue had no entry
  (active or obsolete) with its msgctxt and msgid.  It is flagged fuzzy,
  except when ``update`` gave back the reviewed translation of a fuzzy entry
  whose previous msgid it is (msgmerge leaves that one fuzzy).  (The issue's
  count, every fuzzy entry with a translation, also counts the entries that
  were fuzzy already and the ones msgmerge flags because their msgid_plural
  changed; it is printed too, judged alike.)
* a suggestion is *judged* when the reference catalogue has the same
  msgctxt and msgid translated and not fuzzy; others (the team left it
  untranslated or fuzzy, or dropped it) are counted apart as *unjudged*;
* its translation and the reference's are compared as one text each, the
  plural forms joined by a newline, with rapidfuzz's normalised Indel
  similarity: *useful* from 0.6, *far-off* below 0.4;
* *agreement*: among the template entries that had no entry with the same
  msgctxt and msgid in the old catalogue (those that fuzzy matching decides),
  the share where both tools did the same: no suggestion from either, or a
  suggestion from the same previous msgctxt and msgid.

Times are wall seconds, medians of ``--repeat`` runs, taken in turn in the
same run: msgmerge with and without fuzzy matching (``-N``), our command line
``update`` on a fresh temporary project (Python start-up included), and, in
this process, ``merge_catalog`` and the part of it spent in ``FuzzyMatcher``
(building the index and answering the queries).

``--held-out`` adds merges that no rule was tuned on: git fr 2.34→2.35 and
merges in the other direction (a newer catalogue merged with the msgids of an
older one, judged against the older one), and, for the catalogues with one
release only (git ru, BleachBit de), ten-fold splits: a tenth of the
translated entries is removed from the catalogue and merged back in as new
msgids, for each tenth in turn, judged against the catalogue itself.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz.distance import Indel

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import i18nprofiles.gettext.merge as merge_module  # noqa: E402
from i18nprofiles.gettext.matcher import FuzzyMatcher  # noqa: E402

CORPUS = ROOT.parent / "shared" / "realworld-po"
USEFUL = 0.6
FAR_OFF = 0.4
FOLDS = 10
DOMAIN = "messages"
Key = tuple[str | None, str]


# -- the merges ------------------------------------------------------------------


@dataclass(frozen=True)
class Merge:
    """An old catalogue, the template merged into it, and the team's catalogue to judge against.

    ``template`` may be a .po file: its msgids are then written as a template
    first.  With ``fold``, the old catalogue is ``reference`` without the
    ``fold``-th tenth of its translated entries (and ``template`` is unused).
    """

    name: str
    old: str
    template: str
    reference: str
    fold: int | None = None


MERGES = [
    Merge("git fr 2.35→2.36", "git/fr-v2.35.0.po", "git/git-v2.36.0.pot", "git/fr-v2.36.0.po"),
    Merge("git de 2.35→2.36", "git/de-v2.35.0.po", "git/git-v2.36.0.pot", "git/de-v2.36.0.po"),
    Merge("git fr 2.34→2.36", "git/fr-v2.34.0.po", "git/git-v2.36.0.pot", "git/fr-v2.36.0.po"),
    Merge("BleachBit fr 5.0→6.0", "bleachbit/fr-v5.0.0.po", "bleachbit/bleachbit-v6.0.0.pot",
          "bleachbit/fr-v6.0.0.po"),
]

HELD_OUT = [
    Merge("git fr 2.34→2.35", "git/fr-v2.34.0.po", "git/git-v2.35.0.pot", "git/fr-v2.35.0.po"),
    Merge("git fr 2.36→2.35", "git/fr-v2.36.0.po", "git/fr-v2.35.0.po", "git/fr-v2.35.0.po"),
    Merge("git fr 2.36→2.34", "git/fr-v2.36.0.po", "git/fr-v2.34.0.po", "git/fr-v2.34.0.po"),
    Merge("git fr 2.35→2.34", "git/fr-v2.35.0.po", "git/fr-v2.34.0.po", "git/fr-v2.34.0.po"),
    Merge("git de 2.36→2.35", "git/de-v2.36.0.po", "git/de-v2.35.0.po", "git/de-v2.35.0.po"),
    Merge("BleachBit fr 6.0→5.0", "bleachbit/fr-v6.0.0.po", "bleachbit/fr-v5.0.0.po", "bleachbit/fr-v5.0.0.po"),
    *(Merge(f"git ru 2.36, tenth {k + 1}", "", "", "git/ru-v2.36.0.po", k) for k in range(FOLDS)),
    *(Merge(f"BleachBit de 6.0, tenth {k + 1}", "", "", "bleachbit/de-v6.0.0.po", k) for k in range(FOLDS)),
]


def key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def translation(entry: polib.POEntry) -> str:
    """The entry's translation as one text (plural forms joined by a newline)."""
    if entry.msgid_plural:
        return "\n".join(entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural))
    return entry.msgstr


def is_translated(entry: polib.POEntry) -> bool:
    return any(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)


def write_template(source: Path, target: Path) -> None:
    """Write the msgids of a catalogue (active entries) as a template, without translations."""
    catalog = polib.pofile(str(source), wrapwidth=0)
    template = polib.POFile(wrapwidth=0)
    template.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    for entry in catalog:
        if entry.obsolete or not entry.msgid:
            continue
        template.append(polib.POEntry(
            msgid=entry.msgid, msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural, msgstr="",
            msgstr_plural={0: "", 1: ""} if entry.msgid_plural else {},
            occurrences=list(entry.occurrences), flags=[f for f in entry.flags if f.endswith("-format")],
        ))
    template.save(str(target))


def write_fold(source: Path, fold: int, target: Path) -> None:
    """Write the catalogue without the ``fold``-th tenth of its translated entries."""
    catalog = polib.pofile(str(source), wrapwidth=0)
    translated = [e for e in catalog if not e.obsolete and e.msgid and not e.fuzzy and is_translated(e)]
    left_out = {id(e) for n, e in enumerate(translated) if n % FOLDS == fold}
    kept = polib.POFile(wrapwidth=0)
    kept.header, kept.metadata = catalog.header, dict(catalog.metadata)
    for entry in catalog:
        if id(entry) not in left_out:
            kept.append(entry)
    kept.save(str(target))


@dataclass
class Inputs:
    """The files of one merge, ready for both tools."""

    old: Path
    template: Path
    reference: Path

    @property
    def locale(self) -> str:
        """The language of the catalogues, from the corpus's file names (``fr-v2.36.0.po``)."""
        return self.reference.name.split("-")[0]


def prepare(merge: Merge, folder: Path) -> Inputs:
    """Write what a merge needs (templates from catalogues, folds) into *folder*."""
    reference = CORPUS / merge.reference
    if merge.fold is not None:
        old, template = folder / "old.po", folder / "template.pot"
        write_fold(reference, merge.fold, old)
        write_template(reference, template)
        return Inputs(old, template, reference)
    template = CORPUS / merge.template
    if template.suffix == ".po":
        template = folder / "template.pot"
        write_template(CORPUS / merge.template, template)
    return Inputs(CORPUS / merge.old, template, reference)


# -- running the tools -------------------------------------------------------------


@dataclass(frozen=True)
class Seconds:
    """Wall and CPU (user + system, every thread and child process) seconds of one run."""

    wall: float
    cpu: float


def run_timed(command: list[str], **kwargs: object) -> Seconds:
    """Run *command* to completion; return its wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, **kwargs)  # type: ignore[call-overload]
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Seconds(wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)


def run_msgmerge(inputs: Inputs, output: Path, fuzzy: bool = True) -> Seconds:
    """Run ``msgmerge --previous``; return its seconds."""
    command = ["msgmerge", "--previous", "-q", "-o", str(output), str(inputs.old), str(inputs.template)]
    return run_timed(command + ([] if fuzzy else ["-N"]))


def run_cli(inputs: Inputs, project: Path, fuzzy: bool = True) -> tuple[Seconds, Path]:
    """Run our ``update`` on a fresh project holding the two files; return its seconds and the catalogue."""
    if project.exists():
        shutil.rmtree(project)
    catalog = project / "locales" / inputs.locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog.parent.mkdir(parents=True)
    shutil.copyfile(inputs.old, catalog)
    shutil.copyfile(inputs.template, project / "locales" / f"{DOMAIN}.pot")
    config = f'project = "fuzzy_real"\nlocales = ["{inputs.locale}"]\n'
    (project / "i18nprofiles.toml").write_text(config, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "i18nprofiles", "update", "-D", DOMAIN, "-l", inputs.locale]
    command += [] if fuzzy else ["-N"]
    return run_timed(command, cwd=project, env=env, stdout=subprocess.DEVNULL), catalog


class TimedMatcher(FuzzyMatcher):
    """FuzzyMatcher that adds the wall and CPU seconds it spends to ``wall`` and ``cpu``."""

    wall = 0.0
    cpu = 0.0

    def __init__(self, *args: object, **kwargs: object) -> None:
        with self.timed():
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def find(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        with self.timed():
            return super().find(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    @contextmanager
    def timed() -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            TimedMatcher.wall += time.perf_counter() - wall
            TimedMatcher.cpu += time.process_time() - cpu


@contextmanager
def timed_matcher() -> Iterator[type[TimedMatcher]]:
    """Make ``merge_catalog`` use ``TimedMatcher`` for the time being."""
    saved = merge_module.FuzzyMatcher
    merge_module.FuzzyMatcher = TimedMatcher  # type: ignore[misc]
    TimedMatcher.wall = TimedMatcher.cpu = 0.0
    try:
        yield TimedMatcher
    finally:
        merge_module.FuzzyMatcher = saved  # type: ignore[misc]


def run_library(inputs: Inputs) -> tuple[Seconds, Seconds, polib.POFile]:
    """``merge_catalog`` in this process: its seconds, the matcher's share, and the merged catalogue."""
    template = polib.pofile(str(inputs.template), wrapwidth=0)
    catalog = polib.pofile(str(inputs.old), wrapwidth=0)
    with timed_matcher() as matcher:
        wall, cpu = time.perf_counter(), time.process_time()
        merged, _ = merge_module.merge_catalog(template, catalog)
        seconds = Seconds(time.perf_counter() - wall, time.process_time() - cpu)
    return seconds, Seconds(matcher.wall, matcher.cpu), merged


# -- judging -----------------------------------------------------------------------


@dataclass
class Verdict:
    """How one tool's suggestions fared against the reference."""

    suggestions: int = 0
    useful: int = 0
    far_off: int = 0
    unjudged: int = 0
    issue_count: int = 0  # every fuzzy entry with a translation, as the issue counted them
    issue_useful: int = 0
    issue_far_off: int = 0
    chosen: dict[Key, Key] = field(default_factory=dict)  # new key -> previous key

    def add(self, other: Verdict) -> None:
        for name in ("suggestions", "useful", "far_off", "unjudged", "issue_count", "issue_useful", "issue_far_off"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def cell(self) -> str:
        return f"{self.suggestions} / {self.useful} / {self.far_off}"


def judge(merged: polib.POFile, old_keys: set[Key], reference: dict[Key, polib.POEntry]) -> Verdict:
    """Count the suggestions of a merged catalogue and how close each is to the reference."""
    verdict = Verdict()
    for entry in merged:
        if entry.obsolete or not entry.msgid or not is_translated(entry):
            continue
        fuzzy = "fuzzy" in entry.flags
        if not fuzzy and key(entry) in old_keys:
            continue  # kept from the old catalogue
        published = reference.get(key(entry))
        similarity = Indel.normalized_similarity(translation(entry), translation(published)) if published else None
        if fuzzy:
            verdict.issue_count += 1
            verdict.issue_useful += similarity is not None and similarity >= USEFUL
            verdict.issue_far_off += similarity is not None and similarity < FAR_OFF
        if key(entry) in old_keys:
            continue
        verdict.suggestions += 1
        # A restored entry (not fuzzy) came from the fuzzy entry whose previous msgid it is.
        verdict.chosen[key(entry)] = (entry.previous_msgctxt, entry.previous_msgid) if fuzzy else key(entry)
        if similarity is None:
            verdict.unjudged += 1
            continue
        verdict.useful += similarity >= USEFUL
        verdict.far_off += similarity < FAR_OFF
    return verdict


def read_reference(path: Path) -> dict[Key, polib.POEntry]:
    """The team's translated, reviewed entries, by key."""
    return {key(e): e for e in polib.pofile(str(path), wrapwidth=0)
            if not e.obsolete and e.msgid and not e.fuzzy and is_translated(e)}


def decided(template: Path, old_keys: set[Key]) -> list[Key]:
    """The keys of the template entries that fuzzy matching decides (no same key in the old catalogue)."""
    return [key(e) for e in polib.pofile(str(template), wrapwidth=0) if e.msgid and key(e) not in old_keys]


# -- one merge ---------------------------------------------------------------------


@dataclass
class Outcome:
    """Everything measured on one merge."""

    merge: Merge
    ours: Verdict
    theirs: Verdict
    decided: int
    agreed: int
    times: dict[str, Seconds] = field(default_factory=dict)

    @property
    def agreement(self) -> float:
        return self.agreed / self.decided if self.decided else 1.0


def median(values: Iterable[Seconds]) -> Seconds:
    """The median wall and the median CPU seconds of several runs."""
    values = list(values)
    return Seconds(statistics.median(v.wall for v in values), statistics.median(v.cpu for v in values))


def run_merge(merge: Merge, repeat: int, work: Path, timed: bool = True) -> Outcome:
    """Merge with both tools, judge both, and (when *timed*) time them in turn."""
    folder = work / "".join(c if c.isalnum() else "-" for c in merge.name)
    folder.mkdir(parents=True, exist_ok=True)
    inputs = prepare(merge, folder)
    old_keys = {key(e) for e in polib.pofile(str(inputs.old), wrapwidth=0) if e.msgid}
    reference = read_reference(inputs.reference)
    samples: dict[str, list[Seconds]] = {name: [] for name in
                                       ("msgmerge", "msgmerge -N", "ours", "ours -N", "library", "matcher")}
    theirs_file = folder / "msgmerge.po"
    ours_file: Path | None = None
    for _ in range(repeat if timed else 1):
        samples["msgmerge"].append(run_msgmerge(inputs, theirs_file))
        if timed:
            seconds, ours_file = run_cli(inputs, folder / "project")
            samples["ours"].append(seconds)
            samples["msgmerge -N"].append(run_msgmerge(inputs, folder / "msgmerge-N.po", fuzzy=False))
            samples["ours -N"].append(run_cli(inputs, folder / "project-N", fuzzy=False)[0])
        seconds, matcher, library = run_library(inputs)
        samples["library"].append(seconds)
        samples["matcher"].append(matcher)
    merged = polib.pofile(str(ours_file), wrapwidth=0) if ours_file else library
    ours = judge(merged, old_keys, reference)
    theirs = judge(polib.pofile(str(theirs_file), wrapwidth=0), old_keys, reference)
    keys = decided(inputs.template, old_keys)
    agreed = sum(ours.chosen.get(k) == theirs.chosen.get(k) for k in keys)
    times = {name: median(values) for name, values in samples.items() if values}
    return Outcome(merge, ours, theirs, len(keys), agreed, times)


# -- reporting ---------------------------------------------------------------------


def describe(outcome: Outcome) -> str:
    """One merge in a few lines."""
    o, t = outcome.ours, outcome.theirs
    lines = [
        f"{outcome.merge.name}: {outcome.decided} msgids decided by fuzzy matching, "
        f"agreement {outcome.agreement:.1%}",
        f"  suggestions / useful / far-off: ours {o.cell()} (unjudged {o.unjudged}), "
        f"msgmerge {t.cell()} (unjudged {t.unjudged})",
        f"  the issue's count (every fuzzy entry with a translation): ours {o.issue_count} / {o.issue_useful} / "
        f"{o.issue_far_off}, msgmerge {t.issue_count} / {t.issue_useful} / {t.issue_far_off}",
    ]
    s = outcome.times
    if "ours" in s:
        lines.append(
            f"  update {seconds(s['ours'])} vs msgmerge {seconds(s['msgmerge'])}: "
            f"{s['msgmerge'].wall / s['ours'].wall:.2f}x wall, {s['msgmerge'].cpu / s['ours'].cpu:.2f}x CPU; "
            f"-N {seconds(s['ours -N'])} vs {seconds(s['msgmerge -N'])}"
        )
        fuzzy_wall = s["msgmerge"].wall - s["msgmerge -N"].wall
        fuzzy_cpu = s["msgmerge"].cpu - s["msgmerge -N"].cpu
        lines.append(
            f"  merge_catalog {seconds(s['library'])}, of which FuzzyMatcher {seconds(s['matcher'])}; "
            f"msgmerge's fuzzy matching (msgmerge minus msgmerge -N) {fuzzy_wall:.3f} s ({fuzzy_cpu:.3f} s CPU)"
        )
    return "\n".join(lines)


def seconds(value: Seconds) -> str:
    return f"{value.wall:.3f} s ({value.cpu:.3f} s CPU)"


def verdicts(ours: Verdict, theirs: Verdict) -> str:
    return "pass" if ours.useful >= theirs.useful and ours.far_off <= theirs.far_off else "FAIL"


def markdown(outcomes: list[Outcome], held_out: list[Outcome], repeat: int) -> str:
    """The tables for docs/performance.md."""
    rows = [
        "## Fuzzy suggestions on real catalogues (`benchmarks/fuzzy_real.py`)",
        "",
        "Each merge puts a later template into a team's published catalogue. Every suggestion (an entry that",
        "got its translation from another msgid: a fuzzy match, or for `update` the reviewed translation of a",
        "fuzzy entry whose previous msgid it is) is compared with what the team published for that msgid in",
        f"the later release: *useful* when at least {USEFUL} similar (normalised Indel, plural forms joined),",
        f"*far-off* below {FAR_OFF}; suggestions for msgids the team left untranslated or fuzzy are not judged.",
        "Agreement: share of the msgids decided by fuzzy matching (no entry with the same msgctxt and msgid in",
        "the old catalogue) where both tools made the same choice (none, or the same previous msgid).",
        f"Times: wall seconds (CPU seconds, every thread and process), medians of {repeat} runs taken in turn;",
        "`update` is the command line on a fresh project (Python start-up included); msgmerge's fuzzy matching",
        "is msgmerge's time less msgmerge -N's; FuzzyMatcher is its own share of `merge_catalog` (index and",
        "queries). msgmerge runs its fuzzy search in two threads.",
        "",
        "| merge | msgmerge: suggestions / useful / far-off | ours | agreement | msgmerge | `update` "
        "| msgmerge -N | `update` -N | msgmerge's fuzzy matching | FuzzyMatcher | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        s = outcome.times
        fuzzy = Seconds(s["msgmerge"].wall - s["msgmerge -N"].wall, s["msgmerge"].cpu - s["msgmerge -N"].cpu)
        rows.append(
            f"| {outcome.merge.name} | {outcome.theirs.cell()} | {outcome.ours.cell()} | {outcome.agreement:.1%} "
            f"| {cell(s['msgmerge'])} | {cell(s['ours'])} | {cell(s['msgmerge -N'])} | {cell(s['ours -N'])} "
            f"| {cell(fuzzy)} | {cell(s['matcher'])} | {verdicts(outcome.ours, outcome.theirs)} |"
        )
    if held_out:
        rows += [
            "",
            "Held out (no rule was tuned on these): other version pairs, merges in the other direction, and",
            "ten-fold splits of the catalogues that have one release (a tenth of the translations removed and",
            "merged back as new msgids, each tenth in turn; summed):",
            "",
            "| merge | msgmerge: suggestions / useful / far-off | ours | agreement | verdict |",
            "|---|---|---|---|---|",
        ]
        for name, group in grouped(held_out):
            ours, theirs = Verdict(), Verdict()
            for outcome in group:
                ours.add(outcome.ours)
                theirs.add(outcome.theirs)
            decided_count = sum(o.decided for o in group)
            agreement = sum(o.agreed for o in group) / decided_count if decided_count else 1.0
            rows.append(f"| {name} | {theirs.cell()} | {ours.cell()} | {agreement:.1%} | {verdicts(ours, theirs)} |")
    return "\n".join(rows) + "\n"


def cell(value: Seconds) -> str:
    """Wall seconds, and CPU seconds in parentheses."""
    return f"{value.wall:.2f} s ({value.cpu:.2f})"


def grouped(outcomes: list[Outcome]) -> list[tuple[str, list[Outcome]]]:
    """Outcomes grouped by merge name, the folds of one catalogue together."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        name = outcome.merge.name.split(", tenth")[0]
        if outcome.merge.fold is not None:
            name += f", {FOLDS} folds"
        groups.setdefault(name, []).append(outcome)
    return list(groups.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each tool; medians are reported")
    parser.add_argument("--held-out", action="store_true", help="also judge the held-out merges (not timed)")
    parser.add_argument("--only", nargs="*", default=None, help="merges whose name contains one of these")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--json", type=Path, help="also write the timed merges' numbers to this file")
    parser.add_argument("--list", action="store_true", help="list the merges and stop")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        parser.error(f"no catalogues in {CORPUS}")
    chosen: Callable[[Merge], bool] = lambda m: args.only is None or any(s in m.name for s in args.only)  # noqa: E731
    merges = [m for m in MERGES if chosen(m)]
    held = [m for m in HELD_OUT if chosen(m)] if args.held_out else []
    if args.list:
        print("\n".join(m.name for m in merges + held))
        return 0
    with tempfile.TemporaryDirectory(prefix="fuzzy-real-") as tmp:
        work = Path(tmp)
        outcomes = []
        for merge in merges:
            outcomes.append(run_merge(merge, args.repeat, work))
            print(describe(outcomes[-1]), flush=True)
        held_out = []
        for merge in held:
            held_out.append(run_merge(merge, 1, work, timed=False))
            print(describe(held_out[-1]), flush=True)
    if outcomes:
        total_o, total_t = Verdict(), Verdict()
        for outcome in outcomes:
            total_o.add(outcome.ours)
            total_t.add(outcome.theirs)
        decided_count = sum(o.decided for o in outcomes)
        agreed = sum(o.agreed for o in outcomes)
        print(f"all {len(outcomes)} merges: ours {total_o.cell()}, msgmerge {total_t.cell()}, "
              f"agreement {agreed / decided_count:.1%} of {decided_count}")
    table = markdown(outcomes, held_out, args.repeat)
    print()
    print(table)
    if args.markdown:
        args.markdown.write_text(table, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps([as_plain(outcome) for outcome in outcomes], indent=1), encoding="utf-8")
    return 0


def as_plain(outcome: Outcome) -> dict[str, object]:
    """One timed merge as plain data: both tools' counts, the agreement, the median times (wall, CPU)."""
    def counts(verdict: Verdict) -> dict[str, int]:
        return {"suggestions": verdict.suggestions, "useful": verdict.useful, "far_off": verdict.far_off}
    return {"merge": outcome.merge.name, "ours": counts(outcome.ours), "msgmerge": counts(outcome.theirs),
            "agreement": outcome.agreement, "verdict": verdicts(outcome.ours, outcome.theirs),
            "times": {name: [value.wall, value.cpu] for name, value in outcome.times.items()}}


if __name__ == "__main__":
    raise SystemExit(main())
