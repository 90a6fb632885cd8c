"""Benchmark harness (``make bench``): our commands and the anchors side by side.

Usage: python benchmarks/run.py [--sizes 2000,20000,60000] [--profiles 100,1000,10000]
                                [--repeat 3] [--quick] [--output docs/performance.md]

Generates the inputs (``benchmarks/generate.py``, seeded) under
``benchmarks/work/``, runs every command in a fresh copy of them, several
times, and writes the medians, ratios to the anchors, peak memory (maximum
resident set of the process, from ``wait4``) and the fuzzy agreement with GNU
msgmerge to ``docs/performance.md``.  Commands that this checkout does not
have yet (``check``, ``render``, ``build``) are reported as not available.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polib
from rapidfuzz.distance import Indel

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import generate  # noqa: E402

WORK = BENCH_DIR / "work"
CODE = [ROOT]  # the checkout whose i18nprofiles the commands run (--before switches it for a while)
PYBABEL = [sys.executable, "-c", "from babel.messages.frontend import main; main()"]
OURS = [sys.executable, "-m", "i18nprofiles"]
LOCALE = "es"  # the catalogue that update and compile are timed on
QUADRATIC_TIMEOUT = 120.0  # seconds, for the fuzzy anchors at 2,000 messages
QUADRATIC_MAX = 2000  # above this the fuzzy anchors are not run
QUADRATIC_NOTE = "not run: quadratic, > 5 min measured in the issue"
TIMEOUT = 900.0  # any other command
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


# -- running one command -------------------------------------------------------


@dataclass
class Run:
    """One execution: wall time, peak resident memory, exit code."""

    seconds: float
    peak_mb: float
    code: int
    timed_out: bool = False


@dataclass
class Result:
    """All executions of one command (or why it was not run)."""

    label: str
    runs: list[Run] = field(default_factory=list)
    note: str = ""  # "not available", "not run: …", "failed: …"
    timeout: float | None = None

    @property
    def median(self) -> float | None:
        ok = [r.seconds for r in self.runs if not r.timed_out and r.code in (0, 1)]
        return statistics.median(ok) if ok and len(ok) == len(self.runs) else None

    @property
    def peak_mb(self) -> float | None:
        return max((r.peak_mb for r in self.runs), default=None)

    def cell(self) -> str:
        """The time as shown in a table: median seconds, "> N s", or the note."""
        if self.note:
            return self.note
        if any(r.timed_out for r in self.runs):
            return f"> {self.timeout:g} s (timed out)"
        if self.median is None:
            codes = sorted({r.code for r in self.runs})
            return f"failed (exit {', '.join(map(str, codes))})"
        return seconds_text(self.median)


def seconds_text(value: float) -> str:
    """Seconds with two significant decimals below 10 s."""
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def run_once(command: Sequence[str], cwd: Path, timeout: float, log: Path, extra_env: dict[str, str] | None = None) -> Run:
    """Run *command* in *cwd*; kill its process group after *timeout* seconds.

    The peak memory comes from GNU time when it is installed: the resident
    set that ``wait4`` reports for a direct child also counts the copy of
    this Python process it was forked from.
    """
    env = dict(os.environ, PYTHONPATH=str(CODE[0]), SOURCE_DATE_EPOCH="1710754200", LC_ALL="C.UTF-8",
               **(extra_env or {}))
    memory_file = log.with_suffix(".rss")
    wrapper = [GNU_TIME, "-f", "%M", "-o", str(memory_file)] if GNU_TIME else []
    with log.open("ab") as out:
        out.write(f"$ {' '.join(command)}\n".encode())
        out.flush()
        start = time.perf_counter()
        process = subprocess.Popen(
            [*wrapper, *command], cwd=cwd, env=env, stdout=out, stderr=out, start_new_session=True
        )
        expired = threading.Event()
        timer = threading.Timer(timeout, _kill_group, (process.pid, expired))
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:  # interrupted: take the command down too
            _kill_group(process.pid, expired)
            os.wait4(process.pid, 0)
            raise
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = usage.ru_maxrss
    if GNU_TIME and memory_file.is_file():
        last = memory_file.read_text().split()
        peak_kb = int(last[-1]) if last and last[-1].isdigit() else peak_kb
        memory_file.unlink()
    return Run(elapsed, peak_kb / 1024, process.returncode, expired.is_set())


def _kill_group(pid: int, expired: threading.Event) -> None:
    expired.set()
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def fresh_copy(source: Path, name: str) -> Path:
    """A new copy of an input folder under ``work/runs`` (commands write their outputs)."""
    target = WORK / "runs" / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def measure(
    label: str,
    source: Path,
    command: Sequence[str],
    repeat: int,
    *,
    timeout: float = TIMEOUT,
    keep: Path | None = None,
    prepare: Callable[[Path], None] | None = None,
) -> Result:
    """Run *command* *repeat* times, each in a fresh copy of *source*.

    A run that times out is not repeated.  With *keep*, the copy of the first
    run is moved there, for a look at its outputs.
    """
    result = Result(label, timeout=timeout)
    log = WORK / "logs" / f"{slug(label)}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    for index in range(repeat):
        copy = fresh_copy(source, slug(label))
        if prepare:
            prepare(copy)
        run = run_once(command, copy, timeout, log)
        result.runs.append(run)
        if index == 0 and keep is not None:
            if keep.exists():
                shutil.rmtree(keep)
            copy.rename(keep)
        else:
            shutil.rmtree(copy)
        if run.timed_out or run.code not in (0, 1):
            break
    print(f"  {label}: {result.cell()}" + (f", peak {result.peak_mb:.0f} MB" if result.runs else ""), flush=True)
    return result


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def has_command(name: str) -> bool:
    """Whether this checkout's CLI has *name* (``python -m i18nprofiles NAME --help``)."""
    env = dict(os.environ, PYTHONPATH=str(CODE[0]))
    found = subprocess.run([*OURS, name, "--help"], env=env, cwd=CODE[0], capture_output=True)
    return found.returncode == 0


def not_available(label: str) -> Result:
    return Result(label, note="not available")


# -- inputs ----------------------------------------------------------------------


def catalog_set(size: int) -> Path:
    """The catalogue set of *size* messages, generated once."""
    path = WORK / "inputs" / f"catalogs-{size}"
    if not (path / "manifest.json").is_file():
        shutil.rmtree(path, ignore_errors=True)
        start = time.perf_counter()
        generate.write_catalog_set(size, path)
        print(f"  generated {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


def project(count: int) -> Path:
    """The project of *count* profiles, generated once."""
    path = WORK / "inputs" / f"project-{count}"
    if not (path / "locales" / "en" / "LC_MESSAGES" / "profiles.po").is_file():
        shutil.rmtree(path, ignore_errors=True)
        start = time.perf_counter()
        generate.write_project(count, path)
        print(f"  generated {path.name} in {time.perf_counter() - start:.1f} s", flush=True)
    return path


# -- the measurements ----------------------------------------------------------


@dataclass
class SizeResults:
    """Everything measured on one catalogue set."""

    size: int
    results: dict[str, Result] = field(default_factory=dict)
    agreement: dict[str, object] = field(default_factory=dict)


def bench_catalogs(size: int, repeat: int, quadratic_timeout: float) -> SizeResults:
    """update, compile (ours and anchors) on the catalogue set of *size* messages."""
    print(f"catalogues, {size:,} messages", flush=True)
    source = catalog_set(size)
    out = SizeResults(size)
    po = f"locales/{LOCALE}/LC_MESSAGES/profiles.po"
    pot = "locales/profiles.pot"
    kept = WORK / "kept" / str(size)
    kept.mkdir(parents=True, exist_ok=True)
    r = out.results
    r["ours"] = measure(f"ours update {size}", source, [*OURS, "update", "-l", LOCALE], repeat, keep=kept / "ours")
    r["ours_all"] = measure(f"ours update 3 locales {size}", source, [*OURS, "update"], repeat)
    r["ours_n"] = measure(f"ours update -N {size}", source, [*OURS, "update", "-N", "-l", LOCALE], repeat)
    babel_update = [*PYBABEL, "update", "-i", pot, "-d", "locales", "-D", "profiles", "-l", LOCALE]
    r["pybabel_n"] = measure(f"pybabel update -N {size}", source, [*babel_update, "-N"], repeat)
    msgmerge = ["msgmerge", "--previous", "-q", "-o", "merged.po", po, pot]
    r["msgmerge_n"] = measure(f"msgmerge -N {size}", source, [*msgmerge, "-N"], repeat)
    if size <= QUADRATIC_MAX:
        r["pybabel"] = measure(
            f"pybabel update {size}", source, [*babel_update, "--previous"], repeat, timeout=quadratic_timeout
        )
        r["msgmerge"] = measure(
            f"msgmerge {size}", source, msgmerge, repeat, timeout=quadratic_timeout, keep=kept / "msgmerge"
        )
    else:
        r["pybabel"] = Result(f"pybabel update {size}", note=QUADRATIC_NOTE)
        r["msgmerge"] = Result(f"msgmerge {size}", note=QUADRATIC_NOTE)
    r["compile"] = measure(f"ours compile {size}", source, [*OURS, "compile", "-l", LOCALE], repeat)
    r["compile_current"] = measure(
        f"ours compile, .mo up to date {size}",
        source,
        [*OURS, "compile", "-l", LOCALE],
        repeat,
        prepare=lambda copy: _compile_first(copy),
    )
    r["pybabel_compile"] = measure(
        f"pybabel compile {size}", source, [*PYBABEL, "compile", "-d", "locales", "-D", "profiles", "-l", LOCALE], repeat
    )
    r["msgfmt"] = measure(f"msgfmt {size}", source, ["msgfmt", "-o", "out.mo", po], repeat)
    out.agreement = measure_agreement(source, kept)
    shutil.rmtree(kept)
    return out


def _compile_first(copy: Path) -> None:
    """Compile once (untimed), so that the timed compile finds its .mo up to date."""
    run_once([*OURS, "compile", "-l", LOCALE], copy, TIMEOUT, WORK / "logs" / "compile-first.log")


def previous_msgids(path: Path) -> dict[str, str]:
    """{msgid: previous msgid} of the fuzzy entries of a merged catalogue."""
    if not path.is_file():
        return {}
    return {e.msgid: e.previous_msgid for e in polib.pofile(str(path)) if not e.obsolete and e.previous_msgid}


def measure_agreement(source: Path, kept: Path) -> dict[str, object]:
    """Our fuzzy choices on the edited msgids against msgmerge's (when it ran) and the original msgids."""
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    edited: dict[str, str] = manifest["edited"]
    unrelated: list[str] = manifest["unrelated"]
    ours = previous_msgids(kept / "ours" / "locales" / LOCALE / "LC_MESSAGES" / "profiles.po")
    found: dict[str, object] = {
        "edited": len(edited),
        "unrelated": len(unrelated),
        "ours_vs_original": classify(edited, ours, edited),
        "ours_unrelated": sum(text in ours for text in unrelated),
    }
    theirs_path = kept / "msgmerge" / "merged.po"
    if theirs_path.is_file():
        theirs = previous_msgids(theirs_path)
        found["ours_vs_msgmerge"] = classify(edited, ours, theirs)
        found["msgmerge_vs_original"] = classify(edited, theirs, edited)
        found["msgmerge_unrelated"] = sum(text in theirs for text in unrelated)
    return found


def classify(edited: dict[str, str], mine: dict[str, str], reference: dict[str, str]) -> dict[str, int]:
    """Per edited msgid: same choice as *reference*, at least as close, worse, missed, or no reference."""
    tally = {"same": 0, "closer": 0, "worse": 0, "missed": 0, "no_reference": 0}
    for new in edited:
        theirs, choice = reference.get(new), mine.get(new)
        if theirs is None:
            tally["no_reference"] += 1
        elif choice == theirs:
            tally["same"] += 1
        elif choice is None:
            tally["missed"] += 1
        elif Indel.normalized_similarity(new, choice) >= Indel.normalized_similarity(new, theirs):
            tally["closer"] += 1
        else:
            tally["worse"] += 1
    return tally


def agreement_rate(tally: dict[str, int]) -> float | None:
    """Share of the judged msgids where the choice is the reference's or at least as close."""
    judged = sum(tally.values()) - tally["no_reference"]
    return (tally["same"] + tally["closer"]) / judged if judged else None


@dataclass
class ProjectResults:
    """Everything measured on one project of profiles."""

    count: int
    messages: int
    results: dict[str, Result] = field(default_factory=dict)


def bench_project(count: int, repeat: int, commands: dict[str, bool]) -> ProjectResults:
    """extract, check, render and build after one edit, on a project of *count* profiles."""
    print(f"project, {count:,} profiles", flush=True)
    source = project(count)
    messages = sum(1 for e in polib.pofile(str(source / "locales" / "profiles.pot")) if e.msgid)
    out = ProjectResults(count, messages)
    r = out.results
    r["extract"] = measure(f"ours extract {count}", source, [*OURS, "extract"], repeat)
    r["check"] = (
        measure(f"ours check {count}", source, [*OURS, "check"], repeat)
        if commands["check"]
        else not_available(f"check {count}")
    )
    r["check_warm"] = (
        measure(f"ours check warm {count}", source, [*OURS, "check"], repeat, prepare=warm_up([*OURS, "check"]))
        if commands["check"]
        else not_available(f"check warm {count}")
    )
    if commands["render"]:
        r["render"] = measure(f"ours render {count}", source, [*OURS, "render", "-o", "site"], repeat)
    else:
        r["render"] = not_available(f"render {count}")
    if commands["build"]:
        r["build_edit"] = bench_build_after_edit(count, source, repeat)
        r["build_new"] = bench_build_after_edit(count, source, repeat, new_paragraph=True)
        r["build_noop"] = measure(f"ours build unchanged {count}", source, [*OURS, "build"], repeat,
                                  prepare=warm_up([*OURS, "build"]))
        if count == max(PROJECT_SIZES):
            r.update(bench_accelerators(count, source, repeat))
    else:
        r["build_edit"] = not_available(f"build after one edit {count}")
        r["build_new"] = not_available(f"build after a new paragraph {count}")
        r["build_noop"] = not_available(f"build unchanged {count}")
    return out


def warm_up(command: Sequence[str]) -> Callable[[Path], None]:
    """A ``prepare`` step that runs *command* once, untimed: its caches are then warm."""

    def run(copy: Path) -> None:
        run_once(command, copy, TIMEOUT, WORK / "logs" / "warm-up.log")

    return run


def bench_build_after_edit(count: int, source: Path, repeat: int, new_paragraph: bool = False) -> Result:
    """``build`` once (untimed), then *repeat* times: edit one profile, time ``build``.

    The edit adds a few words to a paragraph, or with *new_paragraph* a paragraph of new words.
    """
    who = "ours" if CODE[0] == ROOT else "before"
    label = f"{who} build after {'a new paragraph' if new_paragraph else 'one edit'} {count}"
    result = Result(label, timeout=TIMEOUT)
    copy = fresh_copy(source, slug(label))
    log = WORK / "logs" / f"{slug(label)}.log"
    warm = run_once([*OURS, "build"], copy, TIMEOUT, log)
    if warm.code not in (0, 1):
        result.note = f"failed (first build exit {warm.code})"
        return result
    profile = sorted((copy / "profiles").glob("*.md"))[count // 2]
    for index in range(repeat):
        text = profile.read_text(encoding="utf-8")
        added = (f"\n\nUn paragraphe tout neuf numéro {index + 1}, sur la tonte des lamas à Juliaca."
                 if new_paragraph else f" Modifié {index + 1}.")
        profile.write_text(text.replace("\n\n## ", f"{added}\n\n## ", 1), encoding="utf-8")
        run = run_once([*OURS, "build"], copy, TIMEOUT, log)
        result.runs.append(run)
        if run.timed_out or run.code not in (0, 1):
            break
    shutil.rmtree(copy)
    print(f"  {label}: {result.cell()}", flush=True)
    return result


def bench_before(ref: str, sizes: list[int], count: int, repeat: int) -> dict[str, object]:
    """Our side of the targets again, with the code of *ref* (a git worktree under work/): the
    before-and-after table, measured in the same run as everything else."""
    folder = WORK / "before"
    subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)
    made = subprocess.run(["git", "worktree", "add", "--detach", str(folder), ref], cwd=ROOT, capture_output=True,
                          text=True)
    if made.returncode != 0:
        return {"ref": ref, "failed": made.stderr.strip()}
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=folder, capture_output=True, text=True)
    print(f"before: {ref} ({commit.stdout.strip()})", flush=True)
    CODE[0] = folder
    results: dict[str, Result] = {}
    try:
        compileall.compile_dir(folder / "i18nprofiles", quiet=1)
        for size in sizes:
            source = catalog_set(size)
            results[f"update_{size}"] = measure(f"before update {size}", source, [*OURS, "update", "-l", LOCALE], repeat)
            results[f"update_all_{size}"] = measure(f"before update 3 locales {size}", source, [*OURS, "update"], repeat)
        source = project(count)
        results["check"] = measure(f"before check {count}", source, [*OURS, "check"], repeat)
        results["check_warm"] = measure(f"before check warm {count}", source, [*OURS, "check"], repeat,
                                        prepare=warm_up([*OURS, "check"]))
        results["render"] = measure(f"before render {count}", source, [*OURS, "render", "-o", "site"], repeat)
        results["build_edit"] = bench_build_after_edit(count, source, repeat)
    finally:
        CODE[0] = ROOT
        subprocess.run(["git", "worktree", "remove", "--force", str(folder)], cwd=ROOT, capture_output=True)
    return {"ref": ref, "commit": commit.stdout.strip(), "results": {k: asdict(v) for k, v in results.items()}}


def before_section(before: dict[str, object], sizes: list[SizeResults], projects: list[ProjectResults]) -> list[str]:
    """The targets measured with the code before (``--before``) and now, side by side."""
    if not before:
        return []
    if "failed" in before:
        return ["## Before and after", "", f"`--before {before['ref']}` failed: {before['failed']}", ""]
    old = {key: _result(value) for key, value in before["results"].items()}  # type: ignore[union-attr]
    rows = ["## Before and after", "",
            f"The same inputs, in the same run, with the code of `{before['ref']}` ({before['commit']}) and with",
            "the code measured here.", "",
            "| measure | target | before | after |", "|---|---|---|---|"]
    for found in sizes:
        limit = {2000: "< 0.5 s", 20000: "< 5 s", 60000: "< 15 s"}.get(found.size, "")
        if f"update_{found.size}" in old:
            rows.append(f"| `update` (fuzzy), {found.size:,} messages | {limit} | {old[f'update_{found.size}'].cell()} "
                        f"| {found.results['ours'].cell()} |")
            was, now = old[f"update_all_{found.size}"], found.results["ours_all"]
            rows.append(f"| peak memory, `update` of {found.size:,} messages × 3 locales | < 500 MB | "
                        f"{was.peak_mb or 0:.0f} MB | {now.peak_mb or 0:.0f} MB |")
    largest = projects[-1] if projects else None
    if largest is not None:
        r = largest.results
        for key, text, limit in (("check", "`check`, fresh clone", "< 10 s"), ("check_warm", "`check`, warm cache", "< 10 s"),
                                 ("render", "`render`, 3 locales", "< 60 s"), ("build_edit", "`build` after one edit", "< 3 s")):
            if key in old and key in r:
                rows.append(f"| {text}, {largest.count:,} profiles | {limit} | {old[key].cell()} | {r[key].cell()} |")
    return [*rows, ""]


#: The store's accelerators (``I18NPROFILES_WITHOUT`` names), in the order a build meets them.
ACCELERATORS = ("profiles", "extract", "merge", "compile", "tables", "withheld", "coverage", "render", "listings")
PROJECT_SIZES = (100, 1000, 10000)


def bench_accelerators(count: int, source: Path, repeat: int) -> dict[str, Result]:
    """``build`` after one edit with each accelerator left out in turn (and with all of them): what each
    one is worth.  One untimed build first; each variant then edits and builds *repeat* times."""
    copy = fresh_copy(source, f"accelerators-{count}")
    log = WORK / "logs" / f"accelerators-{count}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, Result] = {}
    warm = run_once([*OURS, "build"], copy, TIMEOUT, log)
    profile = sorted((copy / "profiles").glob("*.md"))[count // 2]
    for name in (*ACCELERATORS, ",".join(ACCELERATORS)):
        label = f"ours build after one edit without {'any accelerator' if ',' in name else name} {count}"
        result = results[f"build_edit_without_{'all' if ',' in name else name}"] = Result(label, timeout=TIMEOUT)
        if warm.code not in (0, 1):
            result.note = f"failed (first build exit {warm.code})"
            continue
        for index in range(repeat):
            text = profile.read_text(encoding="utf-8")
            profile.write_text(text.replace("\n\n## ", f" Sans {name} {index + 1}.\n\n## ", 1), encoding="utf-8")
            run = run_once([*OURS, "build"], copy, TIMEOUT, log, {"I18NPROFILES_WITHOUT": name})
            result.runs.append(run)
            if run.timed_out or run.code not in (0, 1):
                break
        print(f"  {label}: {result.cell()}", flush=True)
    shutil.rmtree(copy)
    return results


# -- raw results ---------------------------------------------------------------


def save_results(path: Path, sizes: list[SizeResults], projects: list[ProjectResults], meta: dict) -> None:
    """Keep every measurement, so that the report can be written again without running."""
    data = {"meta": meta, "sizes": [asdict(s) for s in sizes], "projects": [asdict(p) for p in projects]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _result(data: dict) -> Result:
    return Result(data["label"], [Run(**run) for run in data["runs"]], data["note"], data["timeout"])


def load_results(path: Path) -> tuple[list[SizeResults], list[ProjectResults], dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    sizes = [
        SizeResults(s["size"], {k: _result(v) for k, v in s["results"].items()}, s["agreement"]) for s in data["sizes"]
    ]
    projects = [
        ProjectResults(p["count"], p["messages"], {k: _result(v) for k, v in p["results"].items()})
        for p in data["projects"]
    ]
    return sizes, projects, data["meta"]


# -- real catalogues ---------------------------------------------------------------

CORPUS = ROOT.parent / "shared" / "realworld-po"


def bench_reads(paths: list[Path], repeat: int) -> list[dict[str, object]]:
    """Reading and writing catalogues in this process: ours against polib (read) and msgcat (write)."""
    from pofile_bench import best as best_cpu  # the least CPU time of some calls (in this process: no start-up)

    from i18nprofiles.gettext.pofile import encode_po, read_po

    rows = []
    for path in paths:
        data = path.read_bytes()
        catalog = read_po(data, path)
        row: dict[str, object] = {
            "name": f"{path.parent.name}/{path.name}" if path.is_relative_to(CORPUS) else f"{len(catalog):,} paragraphs",
            "megabytes": len(data) / 1e6, "entries": len(catalog),
            "ours": best_cpu(lambda: read_po(data, path), repeat),
            "polib": best_cpu(lambda: polib.pofile(str(path)), repeat),
            "write": best_cpu(lambda: encode_po(catalog, width=76), repeat),
        }
        if shutil.which("msgcat"):
            start = time.perf_counter()
            reference = subprocess.run(["msgcat", "-w", "76", str(path)], capture_output=True).stdout
            row["msgcat"] = time.perf_counter() - start
            row["same_bytes"] = encode_po(catalog, width=76) == reference
        print(f"  read {row['name']}: ours {row['ours']:.3f} s, polib {row['polib']:.3f} s", flush=True)
        rows.append(row)
    return rows


def bench_real(repeat: int, sizes: list[int]) -> dict[str, object]:
    """The real catalogues of ../shared/realworld-po: fuzzy suggestions and times against msgmerge
    (``fuzzy_real.py``, in its own process), reading and writing against polib and msgcat."""
    if not CORPUS.is_dir():
        return {}
    print("real catalogues", flush=True)
    markdown, numbers = WORK / "fuzzy-real.md", WORK / "fuzzy-real.json"
    WORK.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(BENCH_DIR / "fuzzy_real.py"), "--repeat", str(repeat), "--held-out",
               "--markdown", str(markdown), "--json", str(numbers)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT)
    if done.returncode != 0:
        return {"failed": done.stderr[-2000:]}
    paths = [CORPUS / "git" / "fr-v2.36.0.po", CORPUS / "bleachbit" / "de-v6.0.0.po"]
    if 60000 in sizes:
        paths.append(catalog_set(60000) / "locales" / LOCALE / "LC_MESSAGES" / "profiles.po")
    return {"merges": json.loads(numbers.read_text(encoding="utf-8")),
            "markdown": markdown.read_text(encoding="utf-8"), "reads": bench_reads(paths, max(repeat, 3))}


def real_targets(real: dict[str, object]) -> list[str]:
    """The rows of the targets table that the real catalogues measure (issues 13 and 14)."""
    rows = []
    merges = {merge["merge"]: merge for merge in real.get("merges", [])}  # type: ignore[union-attr]
    git = merges.get("git fr 2.35→2.36")
    if git:
        times = git["times"]
        ours, theirs = times["ours"][0], times["msgmerge"][0]
        rows.append(f"| `update` (fuzzy), git fr 2.35→2.36, at least 2x faster than msgmerge | {seconds_text(ours)} "
                    f"| msgmerge {seconds_text(theirs)} | {theirs / ours:.1f}x faster | "
                    f"{'**pass**' if theirs >= 2 * ours else '**FAIL**'} |")
        ours, theirs = times["ours -N"][0], times["msgmerge -N"][0]
        rows.append(f"| `update -N`, git fr 2.35→2.36, at most msgmerge -N's time | {seconds_text(ours)} "
                    f"| msgmerge -N {seconds_text(theirs)} | {ours / theirs:.1f}x slower | "
                    f"{'**pass**' if ours <= theirs else '**FAIL**'} |")
    if merges:
        passed = sum(merge["verdict"] == "pass" for merge in merges.values())
        rows.append(f"| fuzzy suggestions: useful ≥ msgmerge's, far-off ≤, on the four merges | {passed} of "
                    f"{len(merges)} | msgmerge --previous | — | "
                    f"{'**pass**' if passed == len(merges) else '**FAIL**'} |")
    for row in real.get("reads", []):  # type: ignore[union-attr]
        ratio = row["polib"] / row["ours"]
        rows.append(f"| read {row['name']} at least 3x polib's speed | {seconds_text(row['ours'])} CPU | "
                    f"polib {seconds_text(row['polib'])} | {ratio:.1f}x faster | "
                    f"{'**pass**' if ratio >= 3 else '**FAIL**'} |")
    return rows


def real_section(real: dict[str, object]) -> list[str]:
    """The real catalogues: fuzzy_real.py's tables, then reading and writing."""
    if not real:
        return ["## Real catalogues", "", f"Not measured: no {CORPUS}.", ""]
    if "failed" in real:
        return ["## Real catalogues", "", "`fuzzy_real.py` failed:", "", "```", str(real["failed"]), "```", ""]
    lines = ["## Real catalogues", "",
             "git (5,282 messages, c-format, plurals) and BleachBit (msgctxt, python-format), read from",
             "`../shared/realworld-po/` (see its provenance); nothing is copied into the repository.", "",
             str(real["markdown"]).replace("## ", "### "), "",
             "### Reading and writing a catalogue (`read_po`, `encode_po`, in one process)", "",
             "CPU seconds, least of several runs; msgcat is a wall time (its own process).", "",
             "| catalogue | size | entries | read, ours | read, polib | ratio | write (width 76), ours | "
             "msgcat -w 76 | same bytes as msgcat |",
             "|---|---|---|---|---|---|---|---|---|"]
    for row in real["reads"]:  # type: ignore[union-attr]
        lines.append(f"| {row['name']} | {row['megabytes']:.1f} MB | {row['entries']:,} | {row['ours']:.3f} s | "
                     f"{row['polib']:.3f} s | {row['polib'] / row['ours']:.1f}x | {row['write']:.3f} s | "
                     f"{row.get('msgcat', 0):.3f} s | {'yes' if row.get('same_bytes') else 'no'} |")
    return [*lines, ""]


# -- the report ------------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import babel
    import rapidfuzz

    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        ram_kb = int(handle.readline().split()[1])
    gettext_version = subprocess.run(["msgmerge", "--version"], capture_output=True, text=True).stdout.splitlines()
    return {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": f"{ram_kb / 1024 / 1024:.1f} GiB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Babel": babel.__version__,
        "polib": polib.__version__,
        "rapidfuzz": rapidfuzz.__version__,
        "GNU gettext": gettext_version[0] if gettext_version else "not found",
    }


def source_version() -> str:
    """The commit of the checkout being measured, marked when files differ from it."""
    def git(*args: str) -> str:
        found = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return found.stdout.strip() if found.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown (not a git checkout)"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "i18nprofiles", "benchmarks")
    return f"{commit}{' with uncommitted changes' if dirty else ''}"


def ratio(mine: Result, theirs: Result) -> str:
    """How many times faster we are than an anchor (or a lower bound when it timed out)."""
    if mine.median is None:
        return "—"
    if any(r.timed_out for r in theirs.runs) and theirs.timeout:
        return f"> {theirs.timeout / mine.median:.0f}x faster"
    if theirs.median is None:
        return "—"
    factor = theirs.median / mine.median
    return f"{factor:.1f}x faster" if factor >= 1 else f"{1 / factor:.1f}x slower"


def verdict(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "**pass**" if value < limit else "**FAIL**"


def write_report(path: Path, sizes: list[SizeResults], projects: list[ProjectResults], meta: dict) -> None:
    """Write the Markdown report."""
    repeat, loads, elapsed, argv = meta["repeat"], meta["loads"], meta["elapsed"], meta["argv"]
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`benchmarks/run.py`); do not edit by hand. Every command runs",
        f"as its own process in a fresh copy of its inputs, {repeat} time(s); times are medians of the wall",
        "time (Python start-up included), memory is the peak resident set of the process.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in meta["machine"].items()],
        f"| load average before / after | {loads[0]} / {loads[1]} |",
        f"| date | {meta['date']}, whole run {elapsed / 60:.1f} min |",
        f"| code measured | {meta.get('commit', 'unknown')} |",
        "",
        "The machine may be shared with other jobs: the load average says how busy it was.",
        "",
    ]
    lines += targets_section(sizes, projects, meta.get("real", {}))
    lines += before_section(meta.get("before", {}), sizes, projects)
    lines += update_section(sizes)
    lines += compile_section(sizes)
    lines += project_section(projects)
    lines += agreement_section(sizes)
    lines += real_section(meta.get("real", {}))
    lines += notes_section()
    lines += [
        "## How to reproduce",
        "",
        "```",
        "make bench                                  # everything, with the code before the store (072eedc)",
        "                                            # side by side: about 30-50 minutes",
        "python benchmarks/run.py --quick            # 2,000 messages and 100/1,000 profiles, once",
        "python benchmarks/run.py --sizes 2000,20000 --profiles 1000 --repeat 5",
        "python benchmarks/generate.py catalogs 20000 /tmp/c20k   # just the inputs",
        "python benchmarks/generate.py project 1000 /tmp/p1000",
        "```",
        "",
        f"This report: `{' '.join(['python benchmarks/run.py', *argv])}`.",
        "Inputs are generated with fixed seeds under `benchmarks/work/inputs/` (kept between runs),",
        "logs of every command under `benchmarks/work/logs/`. Catalogue sets: a template whose msgids are",
        "French-like paragraphs of 20-80 words (`benchmarks/corpus.py`), 5 % of them edited by 1-3 words and",
        "5 % new, and complete es/en/pt catalogues of the previous msgids. `update` and `compile` are timed on",
        f"the `{LOCALE}` catalogue (`-l {LOCALE}`), like the anchors; \"3 locales\" runs `update` on all three.",
        "Projects: N profiles of 4-7 paragraphs, a headline, tags, a link, with complete es/en catalogues.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


def notes_section() -> list[str]:
    """How to read the numbers."""
    return [
        "## Reading the numbers",
        "",
        "- Wall times include starting Python and importing the modules a command needs (about 0.1 s); the",
        "  package's bytecode is compiled before the runs, as an installed package's is.",
        f"- `update` and `compile` run on one catalogue (`-l {LOCALE}`) like the anchors; \"3 locales\" is one",
        "  `update` of es, en and pt, one catalogue after the other (one fuzzy index each).",
        "- `update` keeps every catalogue it writes staged until all are made (a failure writes none); the",
        "  peak memory is that of the merge of the last catalogue with what the others left staged.",
        "- Fuzzy anchors are quadratic; they run at 2,000 messages only, with a timeout, and a timed-out run is",
        "  not repeated (its cell says \"> N s\"; the ratio is then a lower bound).",
        "- `build` after one edit (a few words added to one paragraph of one profile, then `build`, three",
        "  times) starts from a build of the same copy, so its cache is warm: `extract` and `update` splice the",
        "  template and catalogues (the edited paragraph finds its fuzzy match among the msgids that left the",
        "  template), `compile` patches each `.mo`, `render` redoes the edited profile's pages and what shows it.",
        "  A new paragraph, with no old version, makes `update` build the fuzzy index of the whole catalogue",
        "  (\"build after a new paragraph\").",
        "- `render` writes 30,000 files into a copy made right after the previous copy was deleted: on an ext4",
        "  file system, creating files for a few minutes after a mass delete costs extra kernel time (inode",
        "  scans), which the column includes. Into a folder not just emptied, one render measured 32 s against 52 s.",
        "- \"not available\": the command is not in this checkout yet; the harness finds it once it lands",
        "  (`python -m i18nprofiles COMMAND --help`).",
        "",
    ]


def _find(sizes: list[SizeResults], size: int) -> SizeResults | None:
    return next((s for s in sizes if s.size == size), None)


def targets_section(sizes: list[SizeResults], projects: list[ProjectResults],
                    real: dict[str, object] | None = None) -> list[str]:
    """The targets (issues 6, 12, 13 and 14), with our numbers and pass or fail."""
    rows = ["## Targets", "", "| target | measured | anchor | ratio | verdict |", "|---|---|---|---|---|"]
    for size, limit in ((2000, 0.5), (20000, 5.0), (60000, 15.0)):
        found = _find(sizes, size)
        if found is None:
            continue
        ours, anchor = found.results["ours"], found.results["msgmerge"]
        rows.append(
            f"| `update` (fuzzy), {size:,} messages < {limit:g} s | {ours.cell()} | msgmerge {anchor.cell()} | "
            f"{ratio(ours, anchor) if not anchor.note else '—'} | {verdict(ours.median, limit)} |"
        )
    small = _find(sizes, 2000)
    if small is not None and small.results["msgmerge"].median:
        ours, anchor = small.results["ours"], small.results["msgmerge"]
        factor = anchor.median / ours.median if ours.median else 0.0
        rows.append(
            f"| `update` 2,000: over 50x faster than msgmerge | {factor:.0f}x | msgmerge {anchor.cell()} | | "
            f"{'**pass**' if factor > 50 else '**FAIL**'} |"
        )
    if small is not None and "ours_vs_msgmerge" in small.agreement:
        rate = agreement_rate(small.agreement["ours_vs_msgmerge"])  # type: ignore[arg-type]
        rows.append(
            f"| agreement with msgmerge on edited msgids ≥ 95 % (2,000) | {rate:.1%} | | | "
            f"{'**pass**' if rate is not None and rate >= 0.95 else '**FAIL**'} |"
        )
    big = _find(sizes, 60000) or (sizes[-1] if sizes else None)
    if big is not None:
        ours, anchor = big.results["compile"], big.results["msgfmt"]
        within = ours.median is not None and anchor.median is not None and ours.median <= 2 * anchor.median
        rows.append(
            f"| `compile` within 2x of msgfmt ({big.size:,}) | {ours.cell()} | msgfmt {anchor.cell()} | "
            f"{ratio(ours, anchor)} | {'**pass**' if within else '**FAIL**'} |"
        )
        every = big.results["ours_all"]
        rows.append(
            f"| peak memory, `update` of {big.size:,} messages × 3 locales < 500 MB | "
            f"{every.peak_mb:.0f} MB ({every.cell()}) | | | "
            f"{verdict(every.peak_mb, 500) if every.median is not None else 'not measured'} |"
        )
    largest = projects[-1] if projects else None
    if largest is not None:
        checked = f"`check`, {largest.messages:,} messages × es/en (source fr)"
        for key, text, limit in (
            ("check", f"{checked}, fresh clone < 10 s", 10.0),
            ("check_warm", f"{checked}, warm cache < 10 s", 10.0),
            ("extract", f"`extract` of {largest.count:,} profiles < 10 s", 10.0),
            ("render", f"`render` of {largest.count:,} profiles × 3 locales < 60 s", 60.0),
            ("build_edit", f"`build` after editing one profile ({largest.count:,}) < 3 s", 3.0),
        ):
            res = largest.results.get(key, Result("", note="not measured"))
            rows.append(f"| {text} | {res.cell()} | | | {verdict(res.median, limit) if not res.note else res.note} |")
    rows += real_targets(real or {})
    return rows + [""]


def update_section(sizes: list[SizeResults]) -> list[str]:
    """The issue's update table, for us and the anchors."""
    rows = [
        "## update (merge a new template into a catalogue)",
        "",
        "| messages | ours (fuzzy) | pybabel update (fuzzy) | msgmerge (fuzzy, --previous) "
        "| ours -N | pybabel update -N | msgmerge -N | ours, 3 locales (fuzzy) | peak memory, ours |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        r = s.results
        memory = max(filter(None, (r["ours"].peak_mb, r["ours_all"].peak_mb)), default=0.0)
        rows.append(
            f"| {s.size:,} | {r['ours'].cell()} | {r['pybabel'].cell()} | {r['msgmerge'].cell()} | "
            f"{r['ours_n'].cell()} | {r['pybabel_n'].cell()} | {r['msgmerge_n'].cell()} | "
            f"{r['ours_all'].cell()} | {memory:.0f} MB |"
        )
    rows += ["", "Ratios (how many times faster ours is):", ""]
    for s in sizes:
        r = s.results
        parts = [
            f"vs pybabel {ratio(r['ours'], r['pybabel']) if not r['pybabel'].note else '—'}",
            f"vs msgmerge {ratio(r['ours'], r['msgmerge']) if not r['msgmerge'].note else '—'}",
            f"-N vs pybabel -N {ratio(r['ours_n'], r['pybabel_n'])}",
            f"-N vs msgmerge -N {ratio(r['ours_n'], r['msgmerge_n'])}",
        ]
        rows.append(f"- {s.size:,}: " + "; ".join(parts))
    return rows + [""]


def compile_section(sizes: list[SizeResults]) -> list[str]:
    rows = [
        "## compile (.po → .mo)",
        "",
        "| messages | ours | ours, .mo up to date | pybabel compile | msgfmt | ours vs msgfmt | peak memory, ours |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        r = s.results
        rows.append(
            f"| {s.size:,} | {r['compile'].cell()} | {r['compile_current'].cell()} | {r['pybabel_compile'].cell()} | "
            f"{r['msgfmt'].cell()} | {ratio(r['compile'], r['msgfmt'])} | {r['compile'].peak_mb or 0:.0f} MB |"
        )
    return rows + ["", "`msgfmt` is run without `-c`: the faster anchor.", ""]


def project_section(projects: list[ProjectResults]) -> list[str]:
    rows = [
        "## Projects of profiles (locales fr, es, en)",
        "",
        "| profiles | messages | extract | check | check, warm cache | render (3 locales) | build after one edit "
        "| build after a new paragraph | build, nothing changed | peak memory (extract / check / render) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    missing = Result("", note="—")
    for p in projects:
        r = p.results
        peaks = " / ".join(f"{r[k].peak_mb:.0f} MB" if r[k].peak_mb else "—" for k in ("extract", "check", "render"))
        rows.append(
            f"| {p.count:,} | {p.messages:,} | {r['extract'].cell()} | {r['check'].cell()} | "
            f"{r.get('check_warm', missing).cell()} | {r['render'].cell()} | {r['build_edit'].cell()} | "
            f"{r.get('build_new', missing).cell()} | {r.get('build_noop', missing).cell()} | {peaks} |"
        )
    return rows + [
        "",
        "`check` runs with the project's defaults; exit 1 (findings) counts as a completed run. Each run starts",
        "from a fresh copy of the project, without `.i18nprofiles-cache`, except the *warm* columns, where the",
        "same command ran once (untimed) before, as in a CI job that keeps the cache folder between runs.",
        "",
        *accelerators_section(projects),
    ]


def accelerators_section(projects: list[ProjectResults]) -> list[str]:
    """What each accelerator is worth: build after one edit with it left out."""
    largest = projects[-1] if projects else None
    if largest is None or "build_edit_without_all" not in largest.results:
        return []
    r = largest.results
    rows = [f"### What each accelerator is worth ({largest.count:,} profiles, build after one edit)", "",
            "The same edit and build with one accelerator left out (`I18NPROFILES_WITHOUT`, see",
            "[cache.md](cache.md)), then with all of them: the difference is what the accelerator saves.", "",
            "| left out | build after one edit | slower by | target (< 3 s) |", "|---|---|---|---|",
            f"| nothing | {r['build_edit'].cell()} | | {verdict(r['build_edit'].median, 3.0)} |"]
    base = r["build_edit"].median
    for name in (*ACCELERATORS, "all"):
        res = r.get(f"build_edit_without_{name}")
        if res is None:
            continue
        slower = f"{res.median - base:+.2f} s" if res.median is not None and base is not None else "—"
        rows.append(f"| {'every accelerator' if name == 'all' else f'`{name}`'} | {res.cell()} | {slower} | "
                    f"{verdict(res.median, 3.0) if res.median is not None else res.cell()} |")
    return [*rows, ""]


def agreement_section(sizes: list[SizeResults]) -> list[str]:
    rows = [
        "## Fuzzy matching quality",
        "",
        "Read from the merged catalogues themselves (the `#|` previous msgid of each fuzzy entry), on the",
        "msgids edited by 1-3 words and on the new unrelated paragraphs. \"At least as close\" means our",
        "previous msgid differs from the reference's but is as similar or more to the new msgid",
        "(rapidfuzz Indel, as msgmerge's `fstrcmp`).",
        "",
        "| messages | compared with | agreement | same | at least as close | worse | missed | reference had none "
        "| unrelated matched (ours / msgmerge) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for s in sizes:
        a = s.agreement
        if not a:
            continue
        unrelated = f"{a['ours_unrelated']} / {a.get('msgmerge_unrelated', '—')} of {a['unrelated']}"
        for key, name in (
            ("ours_vs_msgmerge", "msgmerge"),
            ("ours_vs_original", "the original msgid"),
            ("msgmerge_vs_original", "(msgmerge vs the original)"),
        ):
            if key not in a:
                continue
            t = a[key]  # type: ignore[assignment]
            rate = agreement_rate(t)  # type: ignore[arg-type]
            rows.append(
                f"| {s.size:,} | {name} | {rate:.1%} | {t['same']} | {t['closer']} | {t['worse']} | "  # type: ignore[index]
                f"{t['missed']} | {t['no_reference']} | {unrelated} |"  # type: ignore[index]
            )
    return rows + [""]


# -- main ------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def parse_list(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the report."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_list, help="catalogue sizes (default 2000,20000,60000)")
    parser.add_argument("--profiles", type=parse_list, help="project sizes (default 100,1000,10000)")
    parser.add_argument("--repeat", type=int, help="runs per command (default 3; --quick: 1)")
    parser.add_argument("--quick", action="store_true", help="2,000 messages, 100 and 1,000 profiles, one run")
    parser.add_argument("--quadratic-timeout", type=float, default=QUADRATIC_TIMEOUT)
    parser.add_argument("--output", type=Path, help="report (default docs/performance.md; --quick: work/)")
    parser.add_argument("--report-only", action="store_true", help="write the report again from work/results.json")
    parser.add_argument("--before", metavar="REF", help="also measure our side of the targets with the code of this "
                        "git commit (before and after in one run)")
    args = parser.parse_args(argv)
    sizes = args.sizes or ([2000] if args.quick else [2000, 20000, 60000])
    counts = args.profiles or ([100, 1000] if args.quick else list(PROJECT_SIZES))
    repeat = args.repeat or (1 if args.quick else 3)
    output = args.output or (WORK / "performance-quick.md" if args.quick else ROOT / "docs" / "performance.md")

    results_file = WORK / ("results-quick.json" if args.quick else "results.json")
    if args.report_only:
        size_results, project_results, meta = load_results(results_file)
        write_report(output, size_results, project_results, meta)
        print(f"wrote {output}")
        return 0
    started = time.perf_counter()
    load_before = load_average()
    # Bytecode compiled once, as an installed package has it: with PYTHONDONTWRITEBYTECODE set, every run
    # of an editable install would otherwise compile the modules changed since their last .pyc.
    compileall.compile_dir(ROOT / "i18nprofiles", quiet=1)
    commands = {name: has_command(name) for name in ("check", "render", "build")}
    print("commands: " + ", ".join(f"{k} {'available' if v else 'not available'}" for k, v in commands.items()))
    size_results = [bench_catalogs(size, repeat, args.quadratic_timeout) for size in sizes]
    project_results = [bench_project(count, repeat, commands) for count in counts]
    real = bench_real(repeat, sizes)
    before = bench_before(args.before, sizes, counts[-1], repeat) if args.before else {}
    meta = {
        "before": before,
        "real": real,
        "repeat": repeat,
        "loads": [load_before, load_average()],
        "elapsed": time.perf_counter() - started,
        "argv": list(argv),
        "machine": machine(),
        "date": f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        "commit": source_version(),
    }
    save_results(results_file, size_results, project_results, meta)
    write_report(output, size_results, project_results, meta)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
