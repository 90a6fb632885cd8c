"""``extract``: the project's profiles → the message template (``locales/profiles.pot``)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from i18nprofiles.commands.catalogs import stage_catalog
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.config import Config
from i18nprofiles.gettext.pofile import build_date, format_po_date, same_but_date
from i18nprofiles.paths import template_path
from i18nprofiles.progress import Progress, report_progress
from i18nprofiles.source.model import Profile
from i18nprofiles.source.template import build_template, template_options
from i18nprofiles.store import Input, Mismatch, Step, Store, digest_bytes, open_store
from i18nprofiles.store.splice import (
    Written,
    keep_layout,
    recall_layout,
    splice_template,
    write_blocks,
    writer_options,
)

CURRENT = "template"  # record kind: the digest of the template extracted for a key


@dataclass(frozen=True)
class ExtractResult:
    """What ``extract`` did: the template path, whether it was written, and counts."""

    path: Path
    written: bool
    messages: int
    profiles: int


@dataclass(frozen=True)
class TemplateInputs:
    """Everything a template's bytes are made from."""

    profiles: Sequence[Profile]
    project: str
    source_locale: str
    created: str
    options: dict[str, Any]
    old: Input | None = None  # the template file as it is
    translatable_fields: tuple[str, ...] = ()

    def kept_inputs(self) -> dict[str, Any]:
        """What the template's layout keeps of its inputs: the settings and each profile's digest."""
        return {"settings": (self.project, self.source_locale, self.translatable_fields),
                "profiles": {profile.path: profile.digest for profile in self.profiles}}


def build(inputs: TemplateInputs, profiles: Sequence[Profile] | None = None, only: set[str] | None = None
          ) -> polib.POFile:
    return build_template(inputs.profiles if profiles is None else profiles, project=inputs.project,
                          created=inputs.created, source_locale=inputs.source_locale, only=only)


def make_template(inputs: TemplateInputs) -> Written:
    """The template of the profiles, written (the full stage)."""
    return write_blocks(build(inputs), writer_options(**inputs.options), inputs.kept_inputs())


def rewrite_template(store: Store, inputs: TemplateInputs) -> Written | None:
    """The template written again over the file the store wrote last: only the entries of the profiles that
    changed are made again (``splice_template``)."""
    old = recall_layout(store, inputs.old) if inputs.old is not None else None
    if old is None or not all(profile.digest for profile in inputs.profiles):
        return None
    return splice_template(old, writer_options(**inputs.options), inputs.profiles, build(inputs, [], set()),
                           inputs.kept_inputs(), lambda profiles, only: build(inputs, profiles, only))


EXTRACT: Step[TemplateInputs, Written] = Step("extract", make_template, accelerate=rewrite_template,
                                              compare=lambda written: written.data)


def template_key(config: Config, profiles: Sequence[Profile], options: dict[str, Any]) -> str | None:
    """What the template's text depends on, dates aside: the profiles' bytes, the settings, the options.

    None when a profile was not read from a file (it has no digest).
    """
    if not all(profile.digest for profile in profiles):
        return None
    parts = [config["project"], config.source_locale, config.translatable_fields, sorted(options.items()),
             [(profile.path, profile.digest) for profile in profiles]]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def extract(
    config: Config,
    *,
    output: str | Path | None = None,
    no_location: bool = False,
    omit_header: bool = False,
    width: int | None = None,
    sort_output: bool = False,
    profiles: Sequence[Profile] | None = None,
    store: Store | None = None,
    progress: Progress | None = None,
) -> ExtractResult:
    """Extract the project's profiles into the template (default ``locales/profiles.pot``).

    The file is left alone when only its creation date would change, and is
    not even made again when the store knows it holds the template of the
    same profiles and settings.  ``progress`` hears of steps "read profiles" and "extract".
    """
    own = store is None
    store = open_store(config.cache_dir) if store is None else store
    if profiles is None:
        profiles = read_profiles(config, store=store, progress=progress)
    report = report_progress(progress)
    report("extract", 0, 1)
    path = Path(output) if output else template_path(config)
    options = template_options(config["width"] if width is None else width, no_location=no_location,
                               omit_header=omit_header, sort_output=sort_output)
    key = template_key(config, profiles, options)
    messages = len({segment.text for profile in profiles for segment in profile.segments})
    old = store.read(path)
    inputs = TemplateInputs(profiles, config["project"], config.source_locale, format_po_date(build_date()), options,
                            old, tuple(config.translatable_fields))
    slot = os.path.abspath(path)
    if key is not None and old.digest is not None and store.uses("extract") and store.recall(CURRENT, slot, key) == old.digest:
        if store.verify and not same_but_date(make_template(inputs).data, old.data or b""):
            raise Mismatch(f"the store says {path} is current, extracting again differs")
        report("extract", 1, 1)
        return ExtractResult(path, False, messages, len(profiles))
    made = store.run(EXTRACT, inputs)
    written = stage_catalog(store, path, old, made.data)
    digest = digest_bytes(made.data) if written else old.digest
    assert digest is not None
    keep_layout(store, path, digest, made.layout)
    if key is not None:
        store.keep(CURRENT, slot, key, digest)
    if own:
        store.commit()
    report("extract", 1, 1)
    return ExtractResult(path, written, messages, len(profiles))
