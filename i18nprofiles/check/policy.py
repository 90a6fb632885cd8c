"""The publishing policy: which translations a site may show.

One rule for ``check`` and for ``build``/``render``: a translation in which
a quality check of severity *error* finds a problem (``findings.CHECKS``)
is not published; its segment shows the source text instead.  Both run the
checks through ``translation_problems``, so a check turned off with ``skip``
or silenced for an entry with ``# i18nprofiles-ignore: name`` neither fails
the gate nor keeps a translation off the site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from i18nprofiles.check.conventions import PROFILES, Conventions, build_conventions
from i18nprofiles.check.findings import CHECKS, ERROR, ignored_checks
from i18nprofiles.check.quality import QUALITY_CHECKS, Context, applies, build_context

Problem = tuple[str, str]  # (check name, message)
IGNORE_MARK = "i18nprofiles-ignore"


def active_checks(locale: str, skip: Iterable[str] = ()) -> tuple[str, ...]:
    """The quality checks that run on a catalogue of ``locale``, in the gate's order."""
    skipped = frozenset(skip)
    return tuple(name for name in QUALITY_CHECKS if name not in skipped and applies(name, locale))


def blocking_checks(locale: str, skip: Iterable[str] = ()) -> tuple[str, ...]:
    """The active checks of severity error: a problem found by one keeps a translation off the site."""
    return tuple(name for name in active_checks(locale, skip) if CHECKS[name].severity == ERROR)


def translation_problems(pairs: Sequence[tuple[str, str]], ctx: Context, checks: Sequence[str],
                         ignored: frozenset[str] = frozenset()) -> list[Problem]:
    """What each check finds in a translation ((source, translation) pairs: one, or one per plural form);
    at most one problem per check, the first pair's that has one."""
    found = []
    for name in checks:
        if name in ignored:
            continue
        check = QUALITY_CHECKS[name]
        for source, target in pairs:
            problem = check(source, target, ctx)
            if problem:
                found.append((name, problem))
                break
    return found


@dataclass(frozen=True)
class PublishingPolicy:
    """What decides, for one locale, whether a translation may be published.

    The checks run as the gate runs them on the profiles' catalogues: with the domain's conventions
    (placeholders, markup).  The habits the gate learns from a whole catalogue (usual length ratio,
    final marks) only matter to warnings, which never withhold a translation.
    """

    locale: str
    checks: tuple[str, ...]  # the blocking checks
    glossary: tuple[str, ...] = ()
    ignored: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (msgid, checks its entry silences), sorted
    placeholders: tuple[tuple[str, str], ...] = build_conventions(PROFILES).placeholders
    markup: str = build_conventions(PROFILES).markup
    context: Context = field(init=False, compare=False, repr=False)
    silenced: dict[str, frozenset[str]] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        conventions = Conventions(self.placeholders, self.markup)
        object.__setattr__(self, "context", build_context(self.locale, self.glossary, conventions=conventions))
        object.__setattr__(self, "silenced", {msgid: frozenset(names) for msgid, names in self.ignored})

    @property
    def key(self) -> tuple[object, ...]:
        """Plain data that identifies the policy (for records)."""
        return (self.locale, self.checks, self.glossary, self.ignored, self.placeholders, self.markup)


def build_policy(locale: str, skip: Iterable[str] = (), glossary: Sequence[str] = (),
                 ignored: Mapping[str, frozenset[str]] | None = None,
                 conventions: Conventions | None = None) -> PublishingPolicy:
    """The policy of a locale: the gate's blocking checks less ``skip`` and the checks the profiles' domain
    skips, its conventions, the glossary, the entries' ignores."""
    conventions = conventions or build_conventions(PROFILES)
    found = tuple(sorted((msgid, tuple(sorted(names))) for msgid, names in (ignored or {}).items() if names))
    return PublishingPolicy(locale, blocking_checks(locale, {*skip, *conventions.skip}), tuple(glossary), found,
                            conventions.placeholders, conventions.markup)


def entry_ignores(entries: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """The checks each msgid's entry silences, from (msgid, translator comment) pairs."""
    found = {}
    for msgid, comment in entries:
        if comment and IGNORE_MARK in comment:
            found[msgid] = ignored_checks(comment)
    return found


def withholding_problem(policy: PublishingPolicy, source: str, translation: str) -> Problem | None:
    """Why a translation may not be published (the first blocking problem), or None when it may."""
    ignored = policy.silenced.get(source, frozenset())
    found = translation_problems(((source, translation),), policy.context, policy.checks, ignored)
    return found[0] if found else None


def withheld_translations(table: Mapping[str, tuple[str, bool]], policy: PublishingPolicy, use_fuzzy: bool,
                          msgids: Iterable[str] | None = None) -> dict[str, Problem]:
    """The translations of a table (msgid → (translation, fuzzy)) that the policy keeps off the site, with why;
    only those that would otherwise show (reviewed ones, and fuzzy ones with ``use_fuzzy``); ``msgids``
    limits the look to some msgids."""
    found = {}
    for msgid in table if msgids is None else msgids:
        entry = table.get(msgid)
        if entry is None or (entry[1] and not use_fuzzy):
            continue
        problem = withholding_problem(policy, msgid, entry[0])
        if problem is not None:
            found[msgid] = problem
    return found
