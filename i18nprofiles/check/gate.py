"""The CI gate: coverage, stale catalogues and quality findings, from what was read.

Pure: catalogue messages and profiles in, a CheckReport out; the ``check``
command reads the files.  Everything is compared by key, in time linear in
the input.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import repeat
from pathlib import Path
from typing import Any

from i18nprofiles.check.findings import (
    CHECKS,
    COVERAGE_STATES,
    ERROR,
    FAIL_LEVELS,
    NOTICE,
    Finding,
    ignored_checks,
    is_failing,
    sort_findings,
)
from i18nprofiles.check.policy import active_checks, translation_problems
from i18nprofiles.check.poscan import Message
from i18nprofiles.check.quality import build_context, usual_length_ratio
from i18nprofiles.config import Config, normalize_locale, read_glossary
from i18nprofiles.errors import ConfigError
from i18nprofiles.gettext.stats import floor_percent
from i18nprofiles.source.model import Profile, shorten

Key = tuple[str | None, str]
STATES = ("translated", "fuzzy", "untranslated", "obsolete", "exempt")
STATE_MESSAGES = {"untranslated": "no translation", "fuzzy": "fuzzy, so not published", "obsolete": "obsolete entry"}
COMPLETE = 100.0  # the threshold when none is configured: a CI gate fails on an incomplete locale


@dataclass(frozen=True)
class Tally:
    """A number of messages and of their source words."""

    messages: int = 0
    words: int = 0


@dataclass(frozen=True)
class Coverage:
    """How much of a catalogue is translated; fuzzy is never translated.

    ``exempt`` entries come from profiles written in the catalogue's own
    language and need no translation: they are left out of the percentages.
    """

    translated: Tally = Tally()
    fuzzy: Tally = Tally()
    untranslated: Tally = Tally()
    obsolete: Tally = Tally()
    exempt: Tally = Tally()

    @property
    def total(self) -> Tally:
        parts = (self.translated, self.fuzzy, self.untranslated)
        return Tally(sum(p.messages for p in parts), sum(p.words for p in parts))

    @property
    def percent(self) -> float:
        return floor_percent(self.translated.messages, self.total.messages)

    @property
    def words_percent(self) -> float:
        return floor_percent(self.translated.words, self.total.words)


@dataclass(frozen=True)
class ProfileProgress:
    """How many of a profile's messages a catalogue translates (exempt ones left out)."""

    path: str
    slug: str
    translated: int
    total: int

    @property
    def percent(self) -> float:
        return floor_percent(self.translated, self.total)


@dataclass(frozen=True)
class CatalogReport:
    """The coverage of one catalogue and its threshold."""

    locale: str
    path: str
    coverage: Coverage
    threshold: float = COMPLETE
    profiles: tuple[ProfileProgress, ...] = ()

    @property
    def passed(self) -> bool:
        return self.coverage.percent >= self.threshold


@dataclass(frozen=True)
class CheckReport:
    """Everything ``check`` found; ``failed`` decides the exit code."""

    catalogs: tuple[CatalogReport, ...]
    findings: tuple[Finding, ...]
    fail_level: str = ERROR
    template: str = ""
    skipped: frozenset[str] = frozenset()

    @property
    def failed(self) -> bool:
        return any(is_failing(f, self.fail_level) for f in self.findings)

    def count(self, severity: str) -> int:
        return self.counts[severity]

    @cached_property
    def counts(self) -> Counter[str]:
        """Findings by severity."""
        return Counter(f.severity for f in self.findings)


@dataclass(frozen=True)
class CheckOptions:
    """The gate's settings, from the configuration and the command line."""

    fail_under: dict[str, float] = field(default_factory=dict)  # locale or "*" -> percent
    fail_on: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    fail_level: str = ERROR
    glossary: tuple[str, ...] = ()

    def threshold(self, locale: str) -> float:
        """The locale's threshold; with none configured, every locale must be complete."""
        return self.fail_under.get(locale, self.fail_under.get("*", COMPLETE))


@dataclass(frozen=True)
class CatalogScan:
    """What a worker learns from one catalogue: coverage, entry findings and each key's state."""

    coverage: Coverage
    findings: list[Finding]
    states: dict[Key, str]
    lines: dict[Key, int]


# -- options ---------------------------------------------------------------------


def _percent(value: Any, where: Path | None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(f"fail_under must be a percentage from 0 to 100, not {value!r}", where)
    return float(value)


def parse_fail_under(value: Any, where: Path | None = None) -> dict[str, float]:
    """``90`` (every locale) or ``{es = 100, en = 90, "*" = 80}`` → thresholds by locale."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {("*" if k == "*" else normalize_locale(k, where)): _percent(v, where) for k, v in value.items()}
    return {"*": _percent(value, where)}


def _names(values: Iterable[str]) -> frozenset[str]:
    return frozenset(part.strip() for value in values for part in value.split(",") if part.strip())


def _checked_names(names: frozenset[str], known: Iterable[str], what: str, where: Path | None) -> frozenset[str]:
    """``names`` if all are known; else ConfigError naming the first unknown one (and the config file)."""
    unknown = sorted(names - set(known))
    if unknown:
        raise ConfigError(f"{what} {unknown[0]!r} (known: {', '.join(known)})", where)
    return names


def build_options(
    config: Config,
    *,
    fail_under: float | None = None,
    fail_on: Iterable[str] = (),
    skip: Iterable[str] = (),
    fail_level: str | None = None,
) -> CheckOptions:
    """Options from ``[tool.i18nprofiles]``, with command-line values laid over them.

    ``fail_under`` replaces the configured thresholds; ``skip`` adds to the configured list.
    """
    where = config.source
    thresholds = parse_fail_under(config["fail_under"], where) if fail_under is None else parse_fail_under(fail_under)
    states = _checked_names(_names(fail_on), COVERAGE_STATES, "fail_on: unknown state", None)
    states = states or _checked_names(_names(config["fail_on"]), COVERAGE_STATES, "fail_on: unknown state", where)
    skipped = _checked_names(_names(config["skip"]), CHECKS, "skip: unknown check", where)
    skipped |= _checked_names(_names(skip), CHECKS, "skip: unknown check", None)
    level = fail_level or config["fail_level"]
    if level not in FAIL_LEVELS:
        raise ConfigError(f"fail_level must be one of {', '.join(FAIL_LEVELS)}, not {level!r}", where)
    glossary = tuple(read_glossary(config.root / config["glossary"])) if config["glossary"] else ()
    return CheckOptions(thresholds, states, skipped, level, glossary)


# -- one catalogue (runs in a worker) ----------------------------------------------


def _words(message: Message) -> int:
    return len(message.msgid.split()) + len(message.msgid_plural.split())


def is_exempt(message: Message, locale: str) -> bool:
    """Whether every profile using the entry is written in ``locale`` (``#. slug (ll): field``)."""
    if f" ({locale}): " not in message.comment:
        return False
    return all(f" ({locale}): " in line for line in message.comment.splitlines())


def entry_state(message: Message, locale: str) -> str:
    """translated, fuzzy, untranslated, obsolete or exempt."""
    if message.obsolete:
        return "obsolete"
    if message.translated and not message.fuzzy:
        return "translated"
    if is_exempt(message, locale):
        return "exempt"
    return "fuzzy" if message.fuzzy else "untranslated"


def _pairs(message: Message) -> tuple[tuple[str, str], ...]:
    """(source, translation) pairs: one, or one per plural form."""
    strings = message.strings or ("",)
    if len(strings) == 1:
        return ((message.msgid, strings[0]),)
    return ((message.msgid, strings[0]),) + tuple((message.msgid_plural or message.msgid, s) for s in strings[1:])


def _ignored(message: Message) -> frozenset[str]:
    return ignored_checks(message.tcomment) if "i18nprofiles-ignore" in message.tcomment else frozenset()


def scan_catalog(messages: list[Message], locale: str, path: str, options: CheckOptions) -> CatalogScan:
    """Coverage, coverage findings and quality findings of one catalogue's messages."""
    tallies = {state: [0, 0] for state in STATES}
    findings: list[Finding] = []
    states: dict[Key, str] = {}
    lines: dict[Key, int] = {}
    checked: list[tuple[Message, bool]] = []
    for message in messages:
        state = entry_state(message, locale)
        tallies[state][0] += 1
        tallies[state][1] += _words(message)
        if not message.obsolete:
            states[message.key] = state
            lines[message.key] = message.line
        if state in COVERAGE_STATES and state not in options.skip and state not in _ignored(message):
            severity = ERROR if state in options.fail_on else NOTICE
            findings.append(Finding(path, message.line, state, severity,
                                    f"{STATE_MESSAGES[state]}: {shorten(message.msgid)}", locale, message.msgid))
        if state == "translated" or (state == "fuzzy" and message.translated):
            checked.append((message, state == "fuzzy"))
    findings += quality_findings(checked, locale, path, options)
    coverage = Coverage(*(Tally(*tallies[state]) for state in STATES))
    return CatalogScan(coverage, findings, states, lines)


def quality_findings(checked: list[tuple[Message, bool]], locale: str, path: str,
                     options: CheckOptions) -> list[Finding]:
    """The quality checks on (message, is fuzzy) pairs; findings in fuzzy entries are notices."""
    ratio = usual_length_ratio([pair for m, fuzzy in checked if not fuzzy for pair in _pairs(m)])
    base = build_context(locale, options.glossary, ratio)
    own = replace(base, exempt=True)
    active = active_checks(locale, options.skip)
    findings = []
    for message, fuzzy in checked:
        ctx = own if message.comment and is_exempt(message, locale) else base
        for name, problem in translation_problems(_pairs(message), ctx, active, _ignored(message)):
            text, level = (f"{problem} (fuzzy entry)", NOTICE) if fuzzy else (problem, CHECKS[name].severity)
            findings.append(Finding(path, message.line, name, level, text, locale, message.msgid, fuzzy))
    return findings


# -- the project -------------------------------------------------------------------


def segment_keys(profiles: list[Profile]) -> dict[Key, tuple[str, int]]:
    """The keys the template of these profiles has, each with its first segment's (path, line).

    The same keys as ``build_template`` gives (one entry per distinct text), without building it.
    """
    found: dict[Key, tuple[str, int]] = {}
    for profile in profiles:
        for segment in profile.segments:
            found.setdefault((None, segment.text), (segment.path, segment.line))
    return found


def stale_findings(
    expected: dict[Key, tuple[str, int]],
    found: dict[Key, int],
    path: str,
    check: str,
    locale: str | None,
) -> list[Finding]:
    """New or changed segments missing from a catalogue (at the profile line), and removed ones (at the entry)."""
    what = "the template" if locale is None else "the catalogue"
    fix = "run `i18nprofiles extract`" if locale is None else "run `i18nprofiles extract` and `update`"
    findings = []
    for key, (source, line) in expected.items():
        if key not in found:
            findings.append(Finding(source, line, check, ERROR, f"new or changed segment not in {path} ({fix}): "
                                    f"{shorten(key[1])}", locale, key[1]))
    for key, line in found.items():
        if key not in expected:
            findings.append(Finding(path, line, check, ERROR, f"{what} keeps a segment no profile has ({fix}): "
                                    f"{shorten(key[1])}", locale, key[1]))
    return findings


def profile_keys(profiles: list[Profile]) -> list[tuple[Profile, tuple[Key, ...]]]:
    """Each profile with its distinct keys, in order."""
    return [(profile, tuple(dict.fromkeys((None, s.text) for s in profile.segments))) for profile in profiles]


def profile_progress(keyed: list[tuple[Profile, tuple[Key, ...]]], states: dict[Key, str]) -> tuple[ProfileProgress, ...]:
    """Translated messages per profile (``profile_keys``); a segment missing from the catalogue is untranslated."""
    rows = []
    for profile, keys in keyed:
        counted = [state for state in map(states.get, keys, repeat("untranslated")) if state != "exempt"]
        rows.append(ProfileProgress(profile.path, profile.slug, counted.count("translated"), len(counted)))
    return tuple(rows)


def assemble_report(
    options: CheckOptions,
    rel: dict[str, str],
    scans: dict[str, CatalogScan],
    profiles: list[Profile],
    expected: dict[Key, tuple[str, int]],
    template_found: dict[Key, int] | None,
    template_rel: str,
) -> CheckReport:
    findings: list[Finding] = []
    stale_on = {name: name not in options.skip for name in ("stale-template", "stale-catalog", "coverage")}
    if stale_on["stale-template"]:
        if template_found is None:
            findings.append(Finding(template_rel, 1, "stale-template", ERROR,
                                    f"no template {template_rel} (run `i18nprofiles extract`)"))
        else:
            findings += stale_findings(expected, template_found, template_rel, "stale-template", None)
    catalogs = []
    keyed = profile_keys(profiles)
    for locale in sorted(rel):
        if locale not in scans:
            if stale_on["stale-catalog"]:
                findings.append(Finding(rel[locale], 1, "stale-catalog", ERROR,
                                        f"no catalogue for {locale} (run `i18nprofiles update --init-missing`)", locale))
            continue
        scan = scans[locale]
        findings += scan.findings
        if stale_on["stale-catalog"]:
            findings += stale_findings(expected, scan.lines, rel[locale], "stale-catalog", locale)
        report = CatalogReport(locale, rel[locale], scan.coverage, options.threshold(locale),
                               profile_progress(keyed, scan.states))
        if stale_on["coverage"] and not report.passed:
            findings.append(Finding(rel[locale], 1, "coverage", ERROR,
                                    f"{report.coverage.percent:.1f}% translated, below {report.threshold:g}%", locale))
        catalogs.append(report)
    return CheckReport(tuple(catalogs), tuple(sort_findings(findings)), options.fail_level, template_rel,
                       options.skip)

