"""Ways to show a CheckReport: text, json, github and junit.  Pure: report in, text out."""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from itertools import groupby

import junitparser

from i18nprofiles.check.conventions import PROFILES
from i18nprofiles.check.findings import CHECKS, ERROR, NOTICE, WARNING, Finding, is_failing
from i18nprofiles.check.gate import CatalogReport, CheckReport, Tally
from i18nprofiles.check.quality import applies
from i18nprofiles.gettext.pofile import build_date

JSON_FORMAT_VERSION = 1
# text and github show at most this many findings of a check per file, by severity; json shows them all
SHOWN_LIMITS = {NOTICE: 10, WARNING: 20, ERROR: 50}
NOTICE_LIMIT = SHOWN_LIMITS[NOTICE]
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def visible_findings(findings: tuple[Finding, ...] | list[Finding]) -> tuple[list[Finding], dict[tuple[str, str], int]]:
    """Findings to show, and how many were left out per (file, check): at most SHOWN_LIMITS of a severity."""
    shown: list[Finding] = []
    left: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str, str], int] = {}
    for finding in findings:
        key = (finding.path, finding.check, finding.severity)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > SHOWN_LIMITS.get(finding.severity, NOTICE_LIMIT):
            left[key[:2]] = left.get(key[:2], 0) + 1
            continue
        shown.append(finding)
    return shown, left


# -- text ---------------------------------------------------------------------------


def _threshold(catalog: CatalogReport) -> str:
    return f"{catalog.threshold:g}% {'ok' if catalog.passed else 'FAIL'}"


def format_table(report: CheckReport) -> str:
    """The coverage table: one row per catalogue (the UI strings of a locale are one, ``messages``)."""
    header = ("domain", "locale", "translated", "fuzzy", "untranslated", "obsolete", "words", "threshold",
              "catalogue")
    rows = [header]
    for catalog in report.catalogs:
        c = catalog.coverage
        rows.append((
            catalog.domain or "-",
            catalog.locale,
            f"{c.translated.messages}/{c.total.messages} {c.percent:.1f}%",
            str(c.fuzzy.messages),
            str(c.untranslated.messages),
            str(c.obsolete.messages),
            f"{c.translated.words}/{c.total.words} {c.words_percent:.1f}%",
            _threshold(catalog),
            catalog.path,
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def format_summary(report: CheckReport) -> str:
    """One line: passed or failed, and the counts."""
    state = "failed" if report.failed else "passed"
    counts = ", ".join(f"{report.count(s)} {s}{'' if report.count(s) == 1 else 's'}" for s in ("error", "warning", "notice"))
    return f"check {state}: {counts} (failing at: {report.fail_level})\n"


def _finding_line(finding: Finding) -> str:
    where = f" {finding.locale}" if finding.locale else ""
    return f"{finding.path}:{finding.line}: {finding.severity}: {finding.message} [{finding.check}{where}]"


def _grouped(findings: list[Finding], left: dict[tuple[str, str], int]) -> Iterator[str]:
    for path, group in groupby(findings, key=lambda f: f.path):
        yield ""
        for finding in group:
            yield _finding_line(finding)
        for (file, check), count in sorted(left.items()):
            if file == path:
                yield f"{path}: … and {count} more {check} (all of them in --format json)"


def format_text(report: CheckReport) -> str:
    """The coverage table, the findings grouped by file, findings in fuzzy and obsolete entries apart, and the
    summary."""
    shown, left = visible_findings(report.findings)
    main = [f for f in shown if not f.unpublished]
    apart = [f for f in shown if f.unpublished]
    lines = [format_table(report).rstrip("\n")]
    lines += _grouped(main, left)
    if apart:
        lines += ["", "In fuzzy and obsolete entries (not published):"]
        lines += [_finding_line(f) for f in apart]
    lines += ["", format_summary(report).rstrip("\n")]
    return "\n".join(lines) + "\n"


# -- json ---------------------------------------------------------------------------


def _tally(tally: Tally) -> dict[str, int]:
    return {"messages": tally.messages, "words": tally.words}


def report_data(report: CheckReport) -> dict[str, object]:
    """The report as plain data, in the layout of ``schema.json``."""
    return {
        "format": "i18nprofiles-check",
        "version": JSON_FORMAT_VERSION,
        "passed": not report.failed,
        "fail_level": report.fail_level,
        "template": report.template,
        "skipped": sorted(report.skipped),
        "counts": {s: report.count(s) for s in ("error", "warning", "notice")},
        "catalogs": [
            {
                "locale": c.locale,
                "domain": c.domain,
                "path": c.path,
                "percent": c.coverage.percent,
                "words_percent": c.coverage.words_percent,
                "threshold": c.threshold,
                "passed": c.passed,
                "coverage": {
                    state: _tally(getattr(c.coverage, state))
                    for state in ("translated", "fuzzy", "untranslated", "obsolete", "exempt")
                },
                "profiles": [
                    {"path": p.path, "slug": p.slug, "translated": p.translated, "total": p.total,
                     "percent": p.percent}
                    for p in c.profiles
                ],
            }
            for c in report.catalogs
        ],
        "findings": [
            {"check": f.check, "severity": f.severity, "path": f.path, "line": f.line, "locale": f.locale,
             "message": f.message, "msgid": f.msgid, "fuzzy": f.fuzzy, "obsolete": f.obsolete}
            for f in report.findings
        ],
    }


def format_json(report: CheckReport) -> str:
    return json.dumps(report_data(report), ensure_ascii=False, indent=2) + "\n"


# -- github -------------------------------------------------------------------------


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """A workflow command: ``::error file=…,line=…,title=…::message``."""
    title = f"{finding.check} ({finding.locale})" if finding.locale else finding.check
    props = f"file={_escape_property(finding.path)},line={finding.line},title={_escape_property(title)}"
    return f"::{finding.severity} {props}::{_escape_data(finding.message)}"


def format_github(report: CheckReport) -> str:
    """GitHub Actions annotations, at the .po line or the profile line."""
    shown, _ = visible_findings(report.findings)
    return "".join(github_line(f) + "\n" for f in shown)


# -- junit --------------------------------------------------------------------------
#
# Valid against both schemas CI servers read: Jenkins xunit's junit-10.xsd and
# Apache Ant's JUnit.xsd (tests/data/junit).  So: no attribute on
# <testsuites>; on each <testsuite> the counts (tests, failures, errors,
# skipped), time, timestamp, hostname, package and id; <properties> first and
# <system-out>, <system-err> last; a <testcase> holds at most one of
# <failure>/<skipped> and no output of its own (the findings that do not fail
# go to the suite's <system-out>).


def _clean(text: str) -> str:
    return CONTROL_RE.sub("\ufffd", text)


def _testcase(classname: str, name: str, findings: list[Finding], fail_level: str,
              skipped: str | None) -> tuple[junitparser.TestCase, list[Finding]]:
    """A check's test case, and its findings that do not fail (for the suite's output)."""
    case = junitparser.TestCase(name, classname, 0)
    if skipped:
        case.result = [junitparser.Skipped(skipped)]
        return case, []
    failing = [f for f in findings if is_failing(f, fail_level)]
    if failing:
        failure = junitparser.Failure(f"{len(failing)} finding(s)", name)
        failure.text = _clean("\n".join(_finding_line(f) for f in failing))
        case.result = [failure]
    return case, [f for f in findings if not is_failing(f, fail_level)]


def _domain_of(finding: Finding, report: CheckReport) -> str | None:
    """The domain a finding belongs to: its catalogue's (a profile's file: the profiles')."""
    if not finding.path.endswith(".po"):
        return PROFILES
    for catalog in report.catalogs:
        if catalog.path == finding.path:
            return catalog.domain
    stem = finding.path.rsplit("/", 1)[-1][:-3]
    return stem if any(catalog.domain == stem for catalog in report.catalogs) else None


def format_junit(report: CheckReport, *, timestamp: str | None = None, hostname: str | None = None) -> str:
    """JUnit XML: a test suite per domain and locale (named by the locale for the profiles and for catalogues
    given by path, ``<domain>.<locale>`` for the others) and one for the template, a test case per check.

    ``timestamp`` (``YYYY-MM-DDTHH:MM:SS``) defaults to now, or ``SOURCE_DATE_EPOCH``;
    ``hostname`` to this machine's name.
    """
    stamp = timestamp or build_date().strftime("%Y-%m-%dT%H:%M:%S")
    host = hostname or socket.gethostname() or "localhost"
    by_key: dict[tuple[str | None, str | None, str], list[Finding]] = {}
    for finding in report.findings:
        if CHECKS[finding.check].scope == "template":
            by_key.setdefault((None, None, finding.check), []).append(finding)
        else:
            by_key.setdefault((_domain_of(finding, report), finding.locale, finding.check), []).append(finding)
    names = [name for name, info in CHECKS.items() if info.scope != "template"]
    groups = {(_domain_of(f, report), f.locale) for f in report.findings
              if f.locale and f.path.endswith(".po") and CHECKS[f.check].scope != "template"}
    groups.update((c.domain, c.locale) for c in report.catalogs)
    suites: list[tuple[str, str | None, str | None, list[str]]] = [("template", None, None, ["stale-template"])]
    for domain, locale in sorted(groups, key=lambda group: (group[0] not in (PROFILES, None), group[0] or "",
                                                              group[1])):
        name = locale if domain in (PROFILES, None) else f"{domain}.{locale}"
        suites.append((name, domain, locale, names))
    root = junitparser.JUnitXml()
    for suite_name, domain, locale, checks in suites:
        suite = junitparser.TestSuite(suite_name)
        suite.append(junitparser.Properties())
        passed: list[Finding] = []
        for name in checks:
            skipped = "skipped by configuration" if name in report.skipped else None
            if locale and not skipped and not applies(name, locale):
                skipped = f"does not apply to {locale}"
            case, others = _testcase(f"i18nprofiles.{suite_name}", name, by_key.get((domain, locale, name), []),
                                     report.fail_level, skipped)
            suite.add_testcase(case)
            passed += others
        suite.append(junitparser.SystemOut(_clean("\n".join(_finding_line(f) for f in passed))))
        suite.append(junitparser.SystemErr(""))
        suite.update_statistics()
        suite.time = 0
        suite.timestamp = stamp
        suite.hostname = host
        root.append(suite)
    tree = ET.fromstring(root.tostring())
    for number, element in enumerate(tree.iter("testsuite")):  # Ant's schema wants both; junitparser has neither
        element.set("package", "i18nprofiles")
        element.set("id", str(number))
    ET.indent(tree)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n"


FORMATS: dict[str, Callable[[CheckReport], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "junit": format_junit,
}


def format_report(report: CheckReport, name: str = "text") -> str:
    """The report in one of FORMATS."""
    return FORMATS[name](report)
