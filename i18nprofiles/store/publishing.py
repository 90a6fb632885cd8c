"""The translations ``render`` withholds, worked out in proportion to what changed since the last render.

The full stage (``check.policy.withheld_translations``) runs every blocking
check on every translation of a catalogue.  After ``update`` or an edit
changed a few entries, the answer for the catalogue the last render used is
recalled and only the msgids whose translation changed are checked again.

(Whether a locale reaches ``publish_threshold`` is counted in full at every
render: an accelerator that bounded the count from the last render's saved
0.13 s of a 4.4 s build after one edit at 10,000 profiles, and was removed.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from i18nprofiles.check.policy import Problem, PublishingPolicy, withheld_translations
from i18nprofiles.site.pages import Table
from i18nprofiles.store import Step, Store

KIND = "withheld"


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
