"""What ``render`` publishes, worked out in proportion to what changed since the last render.

- Withheld translations: the full stage (``check.policy.withheld_translations``)
  runs every blocking check on every translation of a catalogue.  After
  ``update`` or an edit changed a few entries, the answer for the catalogue
  the last render used is recalled and only the msgids whose translation
  changed are checked again.
- Whether a locale reaches ``publish_threshold``: the full stage
  (``site.pages.coverage_verdict``) looks up every distinct segment.  The
  last render's counts are kept with each profile's digest and number of
  segments; the number of texts that can have changed since (the segments of
  the profiles that changed, the msgids translated otherwise, the
  translations withheld otherwise) bounds the new counts.  When even the
  lowest coverage they allow reaches the threshold, the locale is published
  without counting; otherwise everything is counted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from collections.abc import Sequence
from typing import Any

from i18nprofiles.check.policy import Problem, PublishingPolicy, withheld_translations
from i18nprofiles.gettext.stats import floor_percent
from i18nprofiles.site.pages import CoverageInputs, Table, Verdict, coverage_verdict
from i18nprofiles.source.model import Profile
from i18nprofiles.store import Step, Store

KIND = "withheld"
COVERAGE = "coverage"


@dataclass(frozen=True)
class WithheldInputs:
    """A locale's translations and policy; the catalogue (path) and what changed since the version
    ``previous`` (the last render's), None when not known."""

    table: Table
    policy: PublishingPolicy
    use_fuzzy: bool
    path: str
    previous: str | None = None
    changed: frozenset[str] | None = None


def withheld_key(digest: str, inputs: WithheldInputs) -> tuple[object, ...]:
    return (digest, inputs.policy.key, inputs.use_fuzzy)


def find_withheld(inputs: WithheldInputs) -> dict[str, Problem]:
    """The full stage: every translation of the table checked."""
    return withheld_translations(inputs.table, inputs.policy, inputs.use_fuzzy)


def patch_withheld(store: Store, inputs: WithheldInputs) -> dict[str, Problem] | None:
    """The answer for the previous catalogue, with the changed msgids checked again; None when unknown."""
    if inputs.changed is None or inputs.previous is None:
        return None
    before = store.recall(KIND, os.path.abspath(inputs.path), withheld_key(inputs.previous, inputs))
    if not isinstance(before, dict):
        return None
    found = {msgid: problem for msgid, problem in before.items() if msgid not in inputs.changed}
    found.update(withheld_translations(inputs.table, inputs.policy, inputs.use_fuzzy, sorted(inputs.changed)))
    return found


WITHHELD: Step[WithheldInputs, dict[str, Problem]] = Step(KIND, find_withheld, accelerate=patch_withheld)


def run_withheld(store: Store, inputs: WithheldInputs, digest: str | None) -> dict[str, Problem]:
    """The withheld translations of a catalogue version (``digest``; None: a table given, nothing kept)."""
    if digest is None:
        return find_withheld(inputs)
    return store.run(WITHHELD, inputs, key=withheld_key(digest, inputs), slot=os.path.abspath(inputs.path))


# -- the publishing threshold -----------------------------------------------------------


Signatures = dict[str, tuple[str, int]]


@dataclass(frozen=True)
class VerdictInputs:
    """A locale's coverage inputs; its catalogue (path), the version the last render used (``previous``),
    the msgids translated otherwise since (None: not known) and the policy's key."""

    coverage: CoverageInputs
    path: str
    previous: str | None = None
    changed: frozenset[str] | None = None
    policy: tuple[Any, ...] = ()
    signatures: Signatures | None = None  # ``profile_signatures`` of the profiles, made once for every locale


def profile_signatures(profiles: Sequence[Profile]) -> Signatures | None:
    """Each profile's digest and number of segments, by path; None when a profile was not read from a file."""
    found = {}
    for profile in profiles:
        if not profile.digest:
            return None
        found[profile.path] = (profile.digest, len(profile.segments))
    return found


def coverage_key(digest: str, inputs: VerdictInputs) -> tuple[Any, ...]:
    return (digest, inputs.coverage.code, inputs.coverage.use_fuzzy, inputs.policy)


def valid_state(found: Any) -> bool:
    return (isinstance(found, tuple) and len(found) == 4 and isinstance(found[0], int) and isinstance(found[1], int)
            and isinstance(found[2], dict) and isinstance(found[3], tuple))


def bound_verdict(store: Store, inputs: VerdictInputs) -> Verdict | None:
    """Published, from the last render's counts and a bound on what changed since; None when the bound
    does not settle it."""
    if inputs.changed is None or inputs.previous is None:
        return None
    state = store.recall(COVERAGE, os.path.abspath(inputs.path), coverage_key(inputs.previous, inputs))
    now = inputs.signatures
    if not valid_state(state) or now is None:
        return None
    done, total, before, withheld = state
    lost = sum(count for path, (digest, count) in before.items() if now.get(path) != (digest, count))
    gained = sum(count for path, (digest, count) in now.items() if before.get(path) != (digest, count))
    flipped = len(set(withheld) ^ inputs.coverage.withheld)
    low, high = done - lost - len(inputs.changed) - flipped, total + gained
    if high <= 0 or low <= 0 or floor_percent(low, high) < inputs.coverage.threshold:  # rounded as the full count
        return None
    return Verdict(True, low, high, exact=False)


def full_verdict(inputs: VerdictInputs) -> Verdict:
    return coverage_verdict(inputs.coverage)


VERDICT: Step[VerdictInputs, Verdict] = Step("verdict", full_verdict, accelerate=bound_verdict,
                                             compare=lambda verdict: verdict.published)


def run_verdict(store: Store, inputs: VerdictInputs, digest: str | None) -> Verdict:
    """Whether a locale is published; its counts (or their bounds) kept for the next render."""
    if digest is None:
        return full_verdict(inputs)
    verdict = store.run(VERDICT, inputs)
    signatures = inputs.signatures
    if signatures is not None:
        store.keep(COVERAGE, os.path.abspath(inputs.path), coverage_key(digest, inputs),
                   (verdict.done, verdict.total, signatures, tuple(sorted(inputs.coverage.withheld))))
    return verdict
