"""Profiles → message template (.pot), and the Babel extractor plugin."""

from __future__ import annotations

import hashlib
import json
import os
from bisect import bisect_right
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, count, repeat
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

import polib

from i18nprofiles.cache import digest_file, load_snapshot, save_snapshot
from i18nprofiles.catalog import (
    Key, Layout, build_date, entry_block, format_po_date, generate_blocks, join_blocks, layout_options, read_catalog,
    read_layout, stage_catalog, stage_data, stage_layout,
)
from i18nprofiles.config import Config
from i18nprofiles.files import commit_files
from i18nprofiles.model import Profile

# i18nprofiles.profiles (markdown-it, PyYAML) is imported where profiles are
# read: init, update and compile import this module for its paths alone.

PROFILES_DOMAIN = "profiles"
HISTORY = 16  # the extractions whose changes a template's layout keeps
TEMPLATE_MEMO = "template:"  # snapshot name: the key of the profiles a template was extracted from
GENERATOR = "i18nprofiles"


@dataclass(frozen=True)
class ExtractResult:
    """What ``extract`` did: the template path, whether it was written, and counts."""

    path: Path
    written: bool
    messages: int
    profiles: int


def template_path(config: Config, domain: str = PROFILES_DOMAIN) -> Path:
    return config.locales_dir / f"{domain}.pot"


def new_template(project: str, created: str) -> polib.POFile:
    """An empty template with the header gettext tools expect."""
    template = polib.POFile(wrapwidth=0)
    name = project or "PROJECT"
    template.header = (
        f"Translation template for {name}.\n"
        "Written by i18nprofiles: run `i18nprofiles extract` rather than editing it."
    )
    template.metadata_is_fuzzy = True
    template.metadata = {
        "Project-Id-Version": name,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": created,
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    return template


def segment_comment(profile: Profile, label: str, source_locale: str) -> str:
    """The ``#.`` comment that tells a translator what a segment is."""
    lang = f" ({profile.lang})" if profile.lang != source_locale else ""
    return f"{profile.slug}{lang}: {label}"


def build_template(
    profiles: Sequence[Profile],
    *,
    project: str = "",
    created: str = "",
    source_locale: str = "fr",
    only: Collection[str] | None = None,
) -> polib.POFile:
    """The message template of a set of profiles: one entry per distinct segment text.

    Entries come in the order of their first appearance; an entry used in
    several places has one reference and one comment for each.  With
    ``only``, the entries of those texts alone (each as in the whole template).
    """
    template = new_template(project, created)
    entries: dict[str, polib.POEntry] = {}
    comments: dict[str, dict[str, None]] = {}
    for profile in profiles:
        for segment in profile.segments:
            if only is not None and segment.text not in only:
                continue
            entry = entries.get(segment.text)
            if entry is None:
                entry = entries[segment.text] = polib.POEntry(msgid=segment.text, msgstr="")
                comments[segment.text] = {}
                template.append(entry)
            entry.occurrences.append((segment.path, str(segment.line)))
            comments[segment.text][segment_comment(profile, segment.label, source_locale)] = None
    for text, entry in entries.items():
        entry.comment = "\n".join(comments[text])
    return template


def extract(
    config: Config,
    *,
    output: str | Path | None = None,
    no_location: bool = False,
    omit_header: bool = False,
    width: int | None = None,
    sort_output: bool = False,
    profiles: Sequence[Profile] | None = None,
) -> ExtractResult:
    """Extract the project's profiles into the template (default ``locales/profiles.pot``).

    The file is left alone when only its creation date would change.  When
    the template on disk is the one the last extract wrote, only the entries
    of the profiles that changed since are made again; the others are copied
    from it byte for byte (see ``splice_template``).
    """
    if profiles is None:
        from i18nprofiles.profiles import read_profiles

        profiles = read_profiles(config)
    path = Path(output) if output else template_path(config)
    options = template_options(config, width, no_location=no_location, omit_header=omit_header, sort_output=sort_output)
    key = template_key(config, profiles, options)
    if is_template_current(config, path, key):
        return ExtractResult(path, False, len({s.text for p in profiles for s in p.segments}), len(profiles))
    created = format_po_date(build_date())
    inputs = template_inputs(config, profiles)
    spliced = splice_template(config, path, profiles, options, inputs, created) if key is not None else None
    if spliced is not None:
        changed, staged, messages, digest = spliced
    else:
        template = build_template(profiles, project=config["project"], created=created, source_locale=config.source_locale)
        changed, staged = stage_catalog(path, template, cache=config.cache_dir, extra=inputs, **options)
        messages, digest = len(template), None
    commit_files(staged)
    if key is not None:
        save_snapshot(config.cache_dir, TEMPLATE_MEMO + os.path.abspath(path), key, digest or digest_file(path))
    return ExtractResult(path, changed, messages, len(profiles))


def template_inputs(config: Config, profiles: Sequence[Profile]) -> dict[str, Any]:
    """What a template is made from, kept in its layout: the settings and each profile's digest."""
    return {"settings": (config["project"], config.source_locale, tuple(config.translatable_fields)),
            "profiles": {profile.path: profile.digest for profile in profiles}}


def referring(layout: Layout, ends: list[int], data: bytes, name: str) -> Iterator[Key]:
    """The keys of the entries of a template file whose ``#:`` references name the file ``name``.

    ``ends`` are the layout's (``Layout.ends``).  Found by searching the
    bytes: a msgid that happens to quote the reference only adds an entry
    to make again, never misses one.
    """
    needle = b" " + name.encode("utf-8")
    found = data.find(needle, layout.header)
    while found >= 0:
        end = found + len(needle)
        if data[end:end + 1] in (b":", b" ", b"\n"):
            yield layout.keys[bisect_right(ends, found) - 1]
        found = data.find(needle, end)


def splice_template(
    config: Config, path: Path, profiles: Sequence[Profile], options: dict[str, Any], inputs: dict[str, Any],
    created: str,
) -> tuple[bool, list[tuple[Path, Path]], int, str] | None:
    """Stage the template again from the one on disk, making only the entries of the profiles that changed.

    The entry of a text that no changed profile gives, before (the entries
    whose references name it) or after, is the same bytes as before: its
    references and comments come from the same profiles, in the same order.
    The others are built as ``build_template`` builds them.  The layout
    written with the file says which entries changed and which left at each
    of the last ``HISTORY`` extractions (``history``), for ``update``.
    Returns None, to write the whole template, when the file on disk is not
    the one its layout describes or was written with other settings.
    Otherwise: whether the file changes, the staged files, the number of
    messages and the SHA-256 of the file it leaves.
    """
    before_digest = digest_file(path)
    found = read_layout(config.cache_dir, path, before_digest)
    if found is None or options["sort_output"] or options["omit_header"] or options["no_location"]:
        return None
    layout, data = found
    extra = layout.extra
    if layout.options != layout_options(options) or extra.get("settings") != inputs["settings"]:
        return None
    before, now = extra["profiles"], inputs["profiles"]
    touched = {name for name in before.keys() | now.keys() if before.get(name) != now.get(name)}
    ends = layout.ends()
    affected = {msgid for name in touched & before.keys() for _, msgid in referring(layout, ends, data, name)}
    affected.update(s.text for p in profiles if p.path in touched for s in p.segments)
    giving = [p for p in profiles if not affected.isdisjoint(map(itemgetter(0), p.segments))]
    made = {entry.msgid: entry for entry in build_template(
        giving, project=config["project"], source_locale=config.source_locale, only=affected)}
    index = dict(zip(layout.keys, count()))
    header = "".join(next(generate_blocks(new_template(config["project"], created), **options))[1]).encode("utf-8")
    keys = list(zip(repeat(None), dict.fromkeys(chain.from_iterable(map(itemgetter(0), p.segments) for p in profiles))))
    blocks = {(None, msgid): entry_block(entry, options["width"]) for msgid, entry in made.items()}
    if not all(map(index.__contains__, keys)) and any(key not in index and key not in blocks for key in keys):
        return None  # a text no changed profile gives that the old template does not have
    changed = {key for key, block in blocks.items()
               if key not in index or data[ends[index[key]]:ends[index[key] + 1]] != block}
    removed = {(None, text) for text in affected if text not in made} & index.keys()
    inputs["history"] = [*extra.get("history", [])[1 - HISTORY:], (before_digest, changed, removed)]
    text, sizes = join_blocks(header, keys, blocks, found, index)
    written, staged, whole = stage_data(path, text, data)
    if not staged:
        return False, [], len(keys), before_digest
    spliced = Layout(layout.options, inputs, len(header), keys, sizes, len(keys))
    return written, staged + stage_layout(config.cache_dir, path, whole, spliced, text), len(keys), whole


def template_options(config: Config, width: int | None = None, **flags: bool) -> dict[str, Any]:
    """The writer's options for a template: ``width`` (default: the setting), ``no_location``, ``omit_header``, ``sort_output``."""
    options: dict[str, Any] = {"width": config["width"] if width is None else width}
    options.update((name, flags.get(name, False)) for name in ("no_location", "omit_header", "sort_output"))
    return options


def template_key(config: Config, profiles: Sequence[Profile], options: dict[str, Any]) -> str | None:
    """What the template's text depends on: the profiles' bytes, the settings, the options (None: unknown)."""
    if not all(profile.digest for profile in profiles):
        return None
    parts = [config["project"], config.source_locale, config.translatable_fields, sorted(options.items()),
             [(profile.path, profile.digest) for profile in profiles]]
    return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def is_template_current(config: Config, path: Path, key: str | None) -> bool:
    """Whether ``path`` holds (dates aside) what ``extract`` wrote last for the same ``key``."""
    if key is None:
        return False
    known = load_snapshot(config.cache_dir, TEMPLATE_MEMO + os.path.abspath(path), key)
    return known is not None and known == digest_file(path)


def read_template(config: Config, input_file: str | Path | None = None, domain: str = PROFILES_DOMAIN) -> polib.POFile:
    """Read the template that init and update start from."""
    return read_catalog(Path(input_file) if input_file else template_path(config, domain), config.cache_dir)


def extract_babel(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (``[i18nprofiles: **.md]`` in a mapping file) yielding every segment.

    Options: ``source_locale`` (default ``fr``) and ``translatable_fields``
    (comma-separated), as in ``[tool.i18nprofiles]``.
    """
    from i18nprofiles.profiles import decode_text, parse_profile

    name = getattr(fileobj, "name", "profile.md")
    path = name if isinstance(name, str) else "profile.md"
    fields = [f.strip() for f in options.get("translatable_fields", "").split(",") if f.strip()]
    source_locale = options.get("source_locale", "fr")
    profile = parse_profile(
        decode_text(fileobj.read(), path),
        path,
        source_locale=source_locale,
        translatable_fields=fields,
    )
    for segment in profile.segments:
        yield segment.line, None, segment.text, [segment_comment(profile, segment.label, source_locale)]
