"""Profiles → message template: one entry per distinct segment text; and the Babel extractor plugin."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from typing import IO, Any

import polib

from i18nprofiles.errors import ProfileError
from i18nprofiles.source.model import Profile

LOG = logging.getLogger("i18nprofiles")  # the Babel plugin's messages: pybabel shows them

GENERATOR = "i18nprofiles"


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


def template_options(width: int, **flags: bool) -> dict[str, Any]:
    """The writer's options for a template: ``width``, ``no_location``, ``omit_header``, ``sort_output``."""
    options: dict[str, Any] = {"width": width}
    options.update((name, flags.get(name, False)) for name in ("no_location", "omit_header", "sort_output"))
    return options


def extract_babel(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extractor (``[i18nprofiles: **.md]`` in a mapping file) yielding every segment.

    Options: ``source_locale`` (default ``fr``) and ``translatable_fields``
    (comma-separated), as in ``[tool.i18nprofiles]``.
    """
    from i18nprofiles.source.parse import decode_text, parse_profile

    name = getattr(fileobj, "name", "profile.md")
    path = name if isinstance(name, str) else "profile.md"
    fields = [f.strip() for f in options.get("translatable_fields", "").split(",") if f.strip()]
    source_locale = options.get("source_locale", "fr")
    try:
        text = decode_text(fileobj.read(), path)
        if not path.endswith((".yaml", ".yml")) and not text.startswith("---"):
            LOG.warning("%s: skipped: not a profile (no YAML front matter)", path)  # a README caught by **.md
            return
        profile = parse_profile(text, path, source_locale=source_locale, translatable_fields=fields)
    except ProfileError as exc:  # pybabel would end in a traceback: say where, and go on with the other files
        LOG.error("%s (file skipped)", exc)
        return
    for segment in profile.segments:
        yield segment.line, None, segment.text, [segment_comment(profile, segment.label, source_locale)]
