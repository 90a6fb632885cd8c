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
from i18nprofiles.check.conventions import MESSAGES, PROFILES, Conventions, build_conventions
from i18nprofiles.check.placeholders import PluralInfo, check_format, read_entry_formats
from i18nprofiles.check.poscan import Message
from i18nprofiles.check.quality import (
    QUALITY_CHECKS,
    Context,
    applies,
    build_context,
    find_period_habits,
    usual_length_ratio,
)
from i18nprofiles.config import Config, normalize_locale, read_glossary
from i18nprofiles.errors import ConfigError
from i18nprofiles.gettext.stats import floor_percent
from i18nprofiles.source.model import Profile, shorten

Key = tuple[str | None, str]
STATES = ("translated", "fuzzy", "untranslated", "obsolete", "exempt")
STATE_MESSAGES = {"untranslated": "no translation", "fuzzy": "fuzzy, so not published", "obsolete": "obsolete entry"}
COMPLETE = 100.0  # the threshold when none is configured: a CI gate fails on an incomplete locale
# Entries whose translation lists the translators (GNOME, KDE): no source to compare with.
CREDITS_MSGIDS = frozenset({"translator-credits", "translator_credits", "Your names", "Your emails"})
CREDITS_CONTEXTS = frozenset({"NAME OF TRANSLATORS", "EMAIL OF TRANSLATORS"})


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
    """The coverage of one catalogue (of the UI strings of a locale, for ``messages``) and its threshold."""

    locale: str
    path: str
    coverage: Coverage
    threshold: float = COMPLETE
    profiles: tuple[ProfileProgress, ...] = ()
    domain: str | None = PROFILES  # None: a catalogue given by path, of no known domain

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
    check_tables: dict[str, Any] = field(default_factory=dict)  # [tool.i18nprofiles.check.<domain>]

    def conventions(self, domain: str | None) -> Conventions:
        """The placeholder and markup conventions of a domain, and the checks it skips."""
        return build_conventions(domain, self.check_tables)

    def threshold(self, locale: str) -> float:
        """The locale's threshold; with none configured, every locale must be complete."""
        return self.fail_under.get(locale, self.fail_under.get("*", COMPLETE))


@dataclass(frozen=True)
class CatalogScan:
    """What a worker learns from one catalogue: coverage, entry findings and each key's state (and, for a
    catalogue given by path, the locale and domain it says it has)."""

    coverage: Coverage
    findings: list[Finding]
    states: dict[Key, str]
    lines: dict[Key, int]
    locale: str = ""
    domain: str | None = None


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


def _fail_severity(names: frozenset[str]) -> str | None:
    """The severity ``--fail-on`` names (``error`` or ``warning``; the lower wins), None when it names none."""
    levels = [level for level in FAIL_LEVELS if level in names]
    return levels[-1] if levels else None


def build_options(
    config: Config,
    *,
    fail_under: float | None = None,
    fail_on: Iterable[str] = (),
    skip: Iterable[str] = (),
    fail_level: str | None = None,
) -> CheckOptions:
    """Options from ``[tool.i18nprofiles]``, with command-line values laid over them.

    ``fail_under`` replaces the configured thresholds; ``skip`` adds to the configured list.  ``fail_on``
    takes states (``fuzzy``…) and a severity (``error``, ``warning``) that stands for ``fail_level``.
    """
    where = config.source
    thresholds = parse_fail_under(config["fail_under"], where) if fail_under is None else parse_fail_under(fail_under)
    given, configured = _names(fail_on), _names(config["fail_on"])
    severity = _fail_severity(given) or (None if given else _fail_severity(configured))
    states = _checked_names(given - set(FAIL_LEVELS), COVERAGE_STATES, "fail_on: unknown state", None)
    states = states or _checked_names(configured - set(FAIL_LEVELS), COVERAGE_STATES, "fail_on: unknown state", where)
    skipped = _checked_names(_names(config["skip"]), CHECKS, "skip: unknown check", where)
    skipped |= _checked_names(_names(skip), CHECKS, "skip: unknown check", None)
    level = fail_level or severity or config["fail_level"]
    if level not in FAIL_LEVELS:
        raise ConfigError(f"fail_level must be one of {', '.join(FAIL_LEVELS)}, not {level!r}", where)
    glossary = tuple(read_glossary(config.root / config["glossary"])) if config["glossary"] else ()
    tables = config["check"]
    for domain, table in tables.items():
        _checked_names(_names(table.get("skip", [])), CHECKS, f"check.{domain}.skip: unknown check", where)
    return CheckOptions(thresholds, states, skipped, level, glossary, tables)


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


def scan_catalog(messages: list[Message], locale: str, path: str, options: CheckOptions,
                 conventions: Conventions | None = None, plurals: PluralInfo = PluralInfo(),
                 exempt: bool = False) -> CatalogScan:
    """Coverage, coverage findings and quality findings of one catalogue's messages.

    ``conventions`` are the domain's (the profiles' by default); ``exempt`` says no entry needs a
    translation in this locale (the UI strings in their own language).
    """
    conventions = conventions or options.conventions(PROFILES)
    skip = options.skip | conventions.skip
    tallies = {state: [0, 0] for state in STATES}
    findings: list[Finding] = []
    states: dict[Key, str] = {}
    lines: dict[Key, int] = {}
    checked: list[Message] = []
    for message in messages:
        state = entry_state(message, locale)
        if exempt and state in ("fuzzy", "untranslated"):
            state = "exempt"
        tallies[state][0] += 1
        tallies[state][1] += _words(message)
        if not message.obsolete:
            states[message.key] = state
            lines[message.key] = message.line
        if state in COVERAGE_STATES and state not in skip and state not in _ignored(message):
            severity = ERROR if state in options.fail_on else NOTICE
            findings.append(Finding(path, message.line, state, severity,
                                    f"{STATE_MESSAGES[state]}: {shorten(message.msgid)}", locale, message.msgid))
        if state == "translated" or (state in ("fuzzy", "obsolete") and message.translated):
            if message.msgid not in CREDITS_MSGIDS and message.msgctxt not in CREDITS_CONTEXTS:
                checked.append(message)
    findings += quality_findings(checked, locale, path, options, conventions, plurals, exempt)
    coverage = Coverage(*(Tally(*tallies[state]) for state in STATES))
    return CatalogScan(coverage, findings, states, lines)


@dataclass(frozen=True)
class CatalogueHabits:
    """What the checks learn from a whole catalogue: its usual length ratio and what it does to a final "."."""

    length_ratio: float = 1.0
    period_habits: frozenset[str] = frozenset()


def learn_habits(checked: list[Message], locale: str, conventions: Conventions,
                 skip: frozenset[str] = frozenset()) -> CatalogueHabits:
    """The habits of a catalogue, from its published translations."""
    published = [pair for m in checked if not m.fuzzy and not m.obsolete for pair in _pairs(m)]
    habits = find_period_habits(published, locale, conventions) if "end-punctuation" not in skip else frozenset()
    return CatalogueHabits(usual_length_ratio(published), habits)


def quality_findings(checked: list[Message], locale: str, path: str, options: CheckOptions,
                     conventions: Conventions | None = None, plurals: PluralInfo = PluralInfo(),
                     exempt: bool = False, catalogue: CatalogueHabits | None = None) -> list[Finding]:
    """The quality checks on translated messages; findings in fuzzy or obsolete entries are notices.

    ``catalogue`` gives the catalogue's habits when ``checked`` is a part of it (the judged sample of the
    precision test); otherwise they are learnt from ``checked``.
    """
    conventions = conventions or options.conventions(PROFILES)
    skip = options.skip | conventions.skip
    catalogue = catalogue or learn_habits(checked, locale, conventions, skip)
    base = build_context(locale, options.glossary, catalogue.length_ratio, conventions, catalogue.period_habits)
    contexts: dict[tuple[tuple[str, ...], bool], Context] = {}
    active = [(name, QUALITY_CHECKS[name], CHECKS[name].severity) for name in QUALITY_CHECKS
              if name not in skip and applies(name, locale)]
    check_formats = "format" not in skip
    findings = []
    for message in checked:
        ignored = _ignored(message)
        own = exempt or bool(message.comment and is_exempt(message, locale))
        ctx = contexts.get((message.flags, own))
        if ctx is None:
            ctx = contexts[(message.flags, own)] = replace(base, exempt=own,
                                                           formats=read_entry_formats(message.flags, conventions))
        found = []
        if check_formats and ctx.formats.languages and "format" not in ignored:
            problem = check_format(message.msgid, message.msgid_plural, message.strings, ctx.formats.languages,
                                   message.flags, plurals)
            if problem:
                found.append(("format", CHECKS["format"].severity, problem))
        if len(message.strings) == 1:  # the usual entry: one pair, no loop over pairs
            source, target = message.msgid, message.strings[0]
            for name, check, severity in active:
                if ignored and name in ignored:
                    continue
                problem = check(source, target, ctx)
                if problem:
                    found.append((name, severity, problem))
        else:
            pairs = _pairs(message)
            for name, check, severity in active:
                if ignored and name in ignored:
                    continue
                for source, target in pairs:
                    problem = check(source, target, ctx)
                    if problem:
                        found.append((name, severity, problem))
                        break
        if not found:
            continue
        for name, severity, problem in found:
            if message.obsolete:
                severity, problem = NOTICE, f"{problem} (obsolete entry)"
            elif message.fuzzy:
                severity, problem = NOTICE, f"{problem} (fuzzy entry)"
            findings.append(Finding(path, message.line, name, severity, problem, locale, message.msgid,
                                    message.fuzzy and not message.obsolete, message.obsolete))
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


@dataclass(frozen=True)
class Part:
    """What the gate found in one domain: its catalogues' coverage and its findings."""

    catalogs: tuple[CatalogReport, ...] = ()
    findings: tuple[Finding, ...] = ()


def coverage_finding(report: CatalogReport) -> Finding:
    """The error of a catalogue below its threshold, at its first line."""
    what = "of the UI strings " if report.domain == MESSAGES else ""
    return Finding(report.path, 1, "coverage", ERROR, f"{report.coverage.percent:.1f}% {what}translated, below "
                   f"{report.threshold:g}%", report.locale)


def profiles_part(
    options: CheckOptions,
    rel: dict[str, str],
    scans: dict[str, CatalogScan],
    profiles: list[Profile],
    expected: dict[Key, tuple[str, int]],
    template_found: dict[Key, int] | None,
    template_rel: str,
) -> Part:
    """The profiles domain: the template and catalogues against the profiles, and each catalogue's scan."""
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
            findings.append(coverage_finding(report))
        catalogs.append(report)
    return Part(tuple(catalogs), tuple(findings))


def domain_part(options: CheckOptions, domain: str | None, rel: dict[str, str], scans: dict[str, CatalogScan]) -> Part:
    """Catalogues of any other domain, or given by path: coverage and findings, nothing to be stale against."""
    catalogs, findings = [], []
    for key in sorted(scans, key=lambda k: (rel[k], k)):
        scan = scans[key]
        locale = scan.locale or key
        findings += scan.findings
        report = CatalogReport(locale, rel[key], scan.coverage, options.threshold(locale), (), domain or scan.domain)
        if "coverage" not in options.skip and not report.passed:
            findings.append(coverage_finding(report))
        catalogs.append(report)
    return Part(tuple(catalogs), tuple(findings))


def ui_coverage(template: list[Message], layers: list[dict[Key, str]], exempt: bool) -> tuple[Coverage, dict[Key, str]]:
    """The coverage of the UI strings of one locale, and the state of each, from the catalogues a page
    looks them up in (the project's, then the theme's): translated when one of them translates it."""
    tallies = {state: [0, 0] for state in STATES}
    states: dict[Key, str] = {}
    for message in template:
        found = [layer.get(message.key) for layer in layers]
        if "translated" in found:
            state = "translated"
        elif exempt:
            state = "exempt"
        else:
            state = "fuzzy" if "fuzzy" in found else "untranslated"
        states[message.key] = state
        tallies[state][0] += 1
        tallies[state][1] += _words(message)
    return Coverage(*(Tally(*tallies[state]) for state in STATES)), states


def ui_part(options: CheckOptions, locale: str, template: list[Message], layers: list[dict[Key, str]],
            path: str, override_path: str, override: CatalogScan | None, exempt: bool) -> Part:
    """The UI strings (domain ``messages``) of one published locale: their coverage over the project's and the
    theme's catalogues (``layers``; ``path`` names the first), a state finding for each string neither
    translates (in the project's catalogue, ``override_path``, existing or not), and the project catalogue's
    quality findings.  A locale with no catalogue at all is ``stale-catalog``: its pages' interface shows in
    English.  ``exempt``: the locale is the UI strings' own language."""
    coverage, states = ui_coverage(template, layers, exempt)
    report = CatalogReport(locale, path, coverage, options.threshold(locale), (), MESSAGES)
    findings: list[Finding] = []
    if not layers and not exempt:
        if "stale-catalog" not in options.skip:
            findings.append(Finding(override_path, 1, "stale-catalog", ERROR, f"no UI strings for {locale}: its pages show the "
                                    "interface in English (run `i18nprofiles extract -D messages`, then "
                                    f"`i18nprofiles init -D messages -l {locale}`)", locale))
    else:
        for message in template:
            state = states[message.key]
            if state in ("fuzzy", "untranslated") and state not in options.skip:
                severity = ERROR if state in options.fail_on else NOTICE
                line = override.lines.get(message.key, 1) if override is not None else 1
                findings.append(Finding(override_path, line, state, severity,
                                        f"{STATE_MESSAGES[state]}: {shorten(message.msgid)}", locale, message.msgid))
    if override is not None:
        findings += [f for f in override.findings if f.check not in COVERAGE_STATES or f.check == "obsolete"]
    if "coverage" not in options.skip and not report.passed and (layers or exempt):
        findings.append(coverage_finding(report))
    return Part((report,), tuple(findings))


def build_report(options: CheckOptions, parts: Iterable[Part], template_rel: str = "") -> CheckReport:
    """The report of every domain checked: catalogues in the order of the parts, findings sorted."""
    parts = list(parts)
    catalogs = tuple(catalog for part in parts for catalog in part.catalogs)
    findings = [finding for part in parts for finding in part.findings]
    return CheckReport(catalogs, tuple(sort_findings(findings)), options.fail_level, template_rel, options.skip)


def assemble_report(
    options: CheckOptions,
    rel: dict[str, str],
    scans: dict[str, CatalogScan],
    profiles: list[Profile],
    expected: dict[Key, tuple[str, int]],
    template_found: dict[Key, int] | None,
    template_rel: str,
) -> CheckReport:
    """The report of the profiles domain alone."""
    return build_report(options, [profiles_part(options, rel, scans, profiles, expected, template_found,
                                                template_rel)], template_rel)
