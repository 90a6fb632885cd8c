"""What the CI gate can find: the named checks, their severities, and findings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

ERROR, WARNING, NOTICE = "error", "warning", "notice"
SEVERITY_RANK = {NOTICE: 0, WARNING: 1, ERROR: 2}
FAIL_LEVELS = (ERROR, WARNING)

# Coverage findings that --fail-on can turn into errors.
COVERAGE_STATES = ("untranslated", "fuzzy", "obsolete")


@dataclass(frozen=True)
class CheckInfo:
    """A named check: its default severity and what it looks for."""

    name: str
    severity: str
    summary: str
    scope: str  # "template", "catalogue" or "entry"


CHECKS: dict[str, CheckInfo] = {
    info.name: info
    for info in (
        CheckInfo("stale-template", ERROR, "the .pot misses a segment of the profiles, or keeps a removed one", "template"),
        CheckInfo("stale-catalog", ERROR, "a .po misses a segment of the profiles, or keeps a removed one; or a "
                                          "published locale has no catalogue", "catalogue"),
        CheckInfo("coverage", ERROR, "the share of translated messages is below --fail-under", "catalogue"),
        CheckInfo("untranslated", NOTICE, "an entry has no translation (an error with --fail-on untranslated)", "entry"),
        CheckInfo("fuzzy", NOTICE, "an entry is fuzzy, so not published (an error with --fail-on fuzzy)", "entry"),
        CheckInfo("obsolete", NOTICE, "an obsolete #~ entry (an error with --fail-on obsolete)", "entry"),
        CheckInfo("format", ERROR, "a translation flagged <lang>-format is not a format string taking the msgid's "
                                   "arguments (msgfmt -c refuses it)", "entry"),
        CheckInfo("markup", ERROR, "inline Markdown or HTML markup differs from the source", "entry"),
        CheckInfo("urls", ERROR, "the URLs differ from the source", "entry"),
        CheckInfo("placeholders", ERROR, "placeholders of the domain's conventions (%s, {name}, <name>) differ", "entry"),
        CheckInfo("line-breaks", ERROR, "line breaks differ (leading, trailing or their number)", "entry"),
        CheckInfo("escapes", ERROR, "backslashes or control characters differ in number", "entry"),
        CheckInfo("glossary", ERROR, "a do-not-translate glossary term of the source is missing", "entry"),
        CheckInfo("printf", WARNING, "a %-directive is spelled otherwise than in the source (%'s for %s)", "entry"),
        CheckInfo("brackets", WARNING, "a usage line's [optional] brackets differ, or brackets are unbalanced", "entry"),
        CheckInfo("doubled-words", WARNING, "a word is written twice in a row", "entry"),
        CheckInfo("tabs", WARNING, "tab characters differ in number", "entry"),
        CheckInfo("numbers", WARNING, "the numbers differ from the source", "entry"),
        CheckInfo("whitespace", WARNING, "leading or trailing spaces differ from the source", "entry"),
        CheckInfo("end-punctuation", WARNING, "the final punctuation differs from the source, or is doubled", "entry"),
        CheckInfo("double-space", WARNING, "the translation has doubled spaces the source has not", "entry"),
        CheckInfo("unchanged", WARNING, "the translation of a long source is the source itself", "entry"),
        CheckInfo("length", WARNING, "the length ratio is far from the usual one of the catalogue", "entry"),
        CheckInfo("fr-typography", WARNING, "French targets: no non-breaking space before : ; ! ? or inside « »", "entry"),
    )
}

IGNORE_COMMENT_RE = re.compile(r"i18nprofiles-ignore:[ \t]*([\w \t,-]+)")


class Finding(NamedTuple):
    """One thing the gate found, at a file and line (paths relative to the project root).

    A tuple: a large catalogue can give tens of thousands, made in worker processes and sent back.
    """

    path: str
    line: int
    check: str
    severity: str
    message: str
    locale: str | None = None
    msgid: str | None = None
    fuzzy: bool = False  # found in a fuzzy entry: not published, reported apart
    obsolete: bool = False  # found in an obsolete entry: not published, reported apart

    @property
    def unpublished(self) -> bool:
        """Found in an entry that is not published (fuzzy or obsolete): a notice, shown apart."""
        return self.fuzzy or self.obsolete


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Findings in a stable order: by file, line, check and message."""
    return sorted(findings, key=lambda f: (f.path, f.line, f.check, f.locale or "", f.message))


def is_failing(finding: Finding, fail_level: str) -> bool:
    """Whether a finding is at or above the failing level (notices never fail)."""
    return finding.severity != NOTICE and SEVERITY_RANK[finding.severity] >= SEVERITY_RANK[fail_level]


def ignored_checks(tcomment: str) -> frozenset[str]:
    """The checks an entry silences with a translator comment ``# i18nprofiles-ignore: a, b``.

    A translator comment, not a flag: msgmerge, msgcat and Poedit keep
    translator comments but drop flags they do not know.
    """
    names: set[str] = set()
    for found in IGNORE_COMMENT_RE.finditer(tcomment):
        names.update(part for part in re.split(r"[,\s]+", found.group(1)) if part)
    return frozenset(names)
