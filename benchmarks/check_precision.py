"""How precise `check` is on real catalogues, side by side with pofilter (translate-toolkit).

Usage: python benchmarks/check_precision.py [--docs] [--sample N] [--seed S] [--pofilter PATH]

Runs the quality checks of ``check`` and ``pofilter`` on every catalogue of
``../shared/realworld-po/`` (git and BleachBit, read where they are, never
copied) and prints the number of findings of each check beside the number of
the pofilter tests that look for the same thing.  Both count the translated
entries, obsolete ones included, fuzzy ones left out (pofilter --nofuzzy).

``--sample N`` adds to ``tests/check/judged.json`` up to N findings of each
check, drawn with the seed from the distinct findings of all the catalogues,
with no verdict: a person judges each one (``"true": true`` or ``false`` and
``"why"``), from the source and the translation.  Verdicts already there are
kept.  The judged file also holds every ``numbers`` finding (4 distinct ones
in these catalogues: too few to judge a check by) of the fr, de and ru
catalogues of six other projects (Geany, HexChat, Transmission, Audacious,
MATE Panel, Lutris), judged the same way: the entries only, each catalogue
with a finding named with its source and commit under ``"from"``.
``tests/test_check_precision.py`` runs the checks on the judged entries again
and fails when a check's precision drops below its target or a true finding is
no longer found.

``--docs`` writes the counts and the judged precision into docs/check.md,
between ``<!-- precision:begin -->`` and ``<!-- precision:end -->``.

pofilter is not a dependency of i18nprofiles: ``pip install translate-toolkit``
in the environment that runs this harness.  Its outputs are kept in
``benchmarks/work/pofilter/``.  Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from i18nprofiles.check.conventions import build_conventions  # noqa: E402
from i18nprofiles.check.findings import CHECKS, ERROR  # noqa: E402
from i18nprofiles.check.gate import (  # noqa: E402
    CatalogueHabits,
    CheckOptions,
    learn_habits,
    quality_findings,
    scan_catalog,
)
from i18nprofiles.check.poscan import Message, read_plural_info, read_po  # noqa: E402
from i18nprofiles.commands.check import locale_of  # noqa: E402

REAL = ROOT.parent / "shared" / "realworld-po"
JUDGED = ROOT / "tests" / "check" / "judged.json"
DOCS = ROOT / "docs" / "check.md"
WORK = HERE / "work" / "pofilter"
BEGIN, END = "<!-- precision:begin -->", "<!-- precision:end -->"
SHOWCASE = "git/fr-v2.36.0.po"
# Our check → the pofilter tests that look for the same thing.
COUNTERPARTS = {
    "format": ["printf", "pythonbraceformat"],
    "placeholders": ["printf", "variables"],
    "markup": ["xmltags"],
    "urls": ["urls", "emails"],
    "line-breaks": ["newlines"],
    "escapes": ["escapes"],
    "printf": ["printf"],
    "brackets": ["brackets"],
    "doubled-words": ["doublewords"],
    "tabs": ["tabs"],
    "numbers": ["numbers"],
    "whitespace": ["startwhitespace", "endwhitespace"],
    "end-punctuation": ["endpunc"],
    "double-space": ["doublespacing"],
    "unchanged": ["unchanged"],
    "length": ["long", "short"],
    "fr-typography": ["puncspacing"],
}
# The true findings of issue 18's sample (git fr): always in the judged file.
ISSUE_SAMPLE = [
    ("doubled-words", "don't show filenames"),
    ("doubled-words", "unknown mandatory capability %s; this remote helper probably needs newer version of Git"),
    ("doubled-words", "user.signingkey needs to be set for ssh signing"),
    ("escapes", "Escape character '\\' not allowed as last character in attr value"),
    ("printf", "Branch '%s' set up to track local branch '%s' by rebasing."),
    ("end-punctuation", "git version:\n"),
    ("brackets", "git switch [<options>] [<branch>]"),
    ("tabs", "The permissions on your socket directory are too loose; other\nusers may be able to read your cached "
             "credentials. Consider running:\n\n\tchmod 0700 %s"),
]
ENTRY_CHECKS = [name for name, info in CHECKS.items() if info.scope == "entry" and name not in
                ("untranslated", "fuzzy", "obsolete", "glossary")]
POFILTER_RE = re.compile(r"^# \(pofilter\) ([\w-]+):", re.MULTILINE)


def catalogues() -> list[Path]:
    return sorted(REAL.glob("*/*.po"))


def name_of(path: Path) -> str:
    return path.relative_to(REAL).as_posix()


def run_ours(path: Path) -> tuple[str, list, dict, dict]:
    """Our findings in the translated (not fuzzy) entries of a catalogue, its locale, its entries by line and
    its habits."""
    po = read_po(path)
    locale = locale_of(path, po.language)
    conventions = build_conventions(None)
    scan = scan_catalog(po.messages, locale, name_of(path), CheckOptions(), conventions, read_plural_info(po.header))
    findings = [f for f in scan.findings if f.check in ENTRY_CHECKS and not f.fuzzy]
    checked = [m for m in po.messages if m.translated and not m.fuzzy and not m.obsolete]
    habits = learn_habits(checked, locale, conventions)
    facts = {"locale": locale, "length_ratio": round(habits.length_ratio, 6),
             "period_habits": sorted(habits.period_habits)}
    return locale, findings, {m.line: m for m in po.messages}, facts


def run_pofilter(path: Path, locale: str, program: str) -> Counter[str]:
    """pofilter's findings by test (its output kept in benchmarks/work/pofilter/)."""
    out = WORK / (name_of(path).replace("/", "--"))
    if not out.is_file():
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([program, "--progress=none", "--nofuzzy", f"--language={locale}", "-i", str(path),
                        "-o", str(out)], check=True, capture_output=True)
    return Counter(POFILTER_RE.findall(out.read_text(encoding="utf-8")))


def entry_record(name: str, message, finding) -> dict:  # type: ignore[no-untyped-def]
    return {
        "catalogue": name, "line": message.line, "msgctxt": message.msgctxt, "msgid": message.msgid,
        "msgid_plural": message.msgid_plural, "msgstr": list(message.strings), "flags": list(message.flags),
        "obsolete": message.obsolete, "check": finding.check, "finding": finding.message.replace(" (obsolete entry)", ""),
        "true": None, "why": "",
    }


def sample(found: dict[str, list[dict]], per_check: int, seed: int) -> None:
    """Add up to ``per_check`` distinct findings of each check to the judged file, keeping its verdicts."""
    data = json.loads(JUDGED.read_text(encoding="utf-8")) if JUDGED.is_file() else {"catalogues": {}, "findings": []}
    have = {(r["check"], r["msgid"], tuple(r["msgstr"])) for r in data["findings"]}
    rng = random.Random(seed)
    for check, msgid in ISSUE_SAMPLE:
        wanted = [r for r in found.get(check, []) if r["msgid"] == msgid]
        if wanted and (check, msgid, tuple(wanted[0]["msgstr"])) not in have:
            data["findings"].append(wanted[0])
            have.add((check, msgid, tuple(wanted[0]["msgstr"])))
    for check in ENTRY_CHECKS:
        distinct: dict[tuple, dict] = {}
        for record in found.get(check, []):
            distinct.setdefault((record["check"], record["msgid"], tuple(record["msgstr"])), record)
        already = sum(1 for r in data["findings"] if r["check"] == check)
        pool = [record for key, record in sorted(distinct.items(), key=lambda kv: repr(kv[0])) if key not in have]
        rng.shuffle(pool)
        data["findings"] += pool[:max(0, per_check - already)]
    data["findings"].sort(key=lambda r: (ENTRY_CHECKS.index(r["check"]), r["catalogue"], r["line"]))
    JUDGED.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def judged_message(record: dict) -> Message:
    """The entry of a judged finding, as the checks read it."""
    return Message(record["msgid"], tuple(record["msgstr"]), record["line"], record["msgctxt"], record["msgid_plural"],
                   tuple(record["flags"]), obsolete=record["obsolete"])


def rerun_judged(data: dict) -> list[tuple[dict, bool]]:
    """Each judged finding, and whether the checks find it again today (on its entry alone, with its
    catalogue's habits as the judged file records them)."""
    conventions = build_conventions(None)
    done = []
    for record in data["findings"]:
        facts = data["catalogues"][record["catalogue"]]
        habits = CatalogueHabits(facts["length_ratio"], frozenset(facts["period_habits"]))
        findings = quality_findings([judged_message(record)], facts["locale"], record["catalogue"], CheckOptions(),
                                    conventions, catalogue=habits)
        done.append((record, any(f.check == record["check"] for f in findings)))
    return done


def judged_precision() -> dict[str, tuple[int, int]]:
    """(true, found) judged findings of each check that the checks find again today."""
    data = json.loads(JUDGED.read_text(encoding="utf-8"))
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for record, found in rerun_judged(data):
        if found and record["true"] is not None:
            counts[record["check"]][0] += bool(record["true"])
            counts[record["check"]][1] += 1
    return {check: (t, n) for check, (t, n) in counts.items()}


def docs_table(ours: dict[str, Counter[str]], theirs: dict[str, Counter[str]]) -> str:
    """The side-by-side counts and the judged precision, in Markdown."""
    total_ours = sum(ours.values(), Counter())
    total_theirs = sum(theirs.values(), Counter())
    precision = judged_precision() if JUDGED.is_file() else {}
    names = ", ".join(f"`{n}`" for n in ours)
    lines = [
        f"Catalogues: {names} ({len(ours)} catalogues of git and BleachBit, read from `../shared/realworld-po/`). "
        "Findings in translated entries (obsolete ones included, fuzzy ones left out, as `pofilter --nofuzzy`), "
        "with the conventions of an application's catalogue. Precision: true findings among those judged by hand "
        "in `tests/check/judged.json`.",
        "",
        f"| check | severity | `check` (all) | `check` ({SHOWCASE}) | pofilter test | pofilter (all) | pofilter "
        f"({SHOWCASE}) | judged precision |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for check in ENTRY_CHECKS:
        tests = COUNTERPARTS.get(check, [])
        t, n = precision.get(check, (0, 0))
        shown = f"{100 * t / n:.0f} % ({t}/{n})" if n else "—"
        lines.append(
            f"| `{check}` | {CHECKS[check].severity} | {total_ours[check]} | {ours[SHOWCASE][check]} | "
            f"{', '.join(tests) or '—'} | {sum(total_theirs[x] for x in tests) if tests else '—'} | "
            f"{sum(theirs[SHOWCASE][x] for x in tests) if tests else '—'} | {shown} |")
    mapped = {test for tests in COUNTERPARTS.values() for test in tests}
    others = sorted((test for test in total_theirs if test not in mapped), key=lambda t: -total_theirs[t])
    lines += ["", "pofilter tests with no counterpart here (all catalogues): " +
              ", ".join(f"{test} {total_theirs[test]}" for test in others) + "."]
    return "\n".join(lines) + "\n"


def write_docs(table: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOCS.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", action="store_true", help="write the table into docs/check.md")
    parser.add_argument("--sample", type=int, default=0, help="add up to N findings per check to the judged file")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--pofilter", default=shutil.which("pofilter") or str(Path(sys.executable).parent / "pofilter"))
    args = parser.parse_args()
    if not REAL.is_dir():
        raise SystemExit(f"no real catalogues in {REAL}")
    ours: dict[str, Counter[str]] = {}
    theirs: dict[str, Counter[str]] = {}
    found: dict[str, list[dict]] = defaultdict(list)
    facts = {}
    for path in catalogues():
        name = name_of(path)
        locale, findings, messages, facts[name] = run_ours(path)
        ours[name] = Counter(f.check for f in findings)
        theirs[name] = run_pofilter(path, locale, args.pofilter)
        for finding in findings:
            found[finding.check].append(entry_record(name, messages[finding.line], finding))
        print(f"{name}: check {sum(ours[name].values())}, pofilter {sum(theirs[name].values())}")
    if args.sample:
        sample(found, args.sample, args.seed)
        data = json.loads(JUDGED.read_text(encoding="utf-8"))
        data["catalogues"] = {name: facts[name] for name in sorted({r["catalogue"] for r in data["findings"]})}
        JUDGED.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = docs_table(ours, theirs)
    print(table)
    if args.docs:
        write_docs(table)
    levels = {check: CHECKS[check].severity for check in ENTRY_CHECKS}
    for check, (t, n) in sorted(judged_precision().items()):
        target = 0.9 if levels[check] == ERROR else 0.75
        print(f"{check}: {t}/{n} true ({100 * t / n:.0f} %, target {100 * target:.0f} %)")


if __name__ == "__main__":
    main()
