"""Merging a template into a catalogue (``update``, as ``msgmerge --previous``) and new catalogues (``init``).

Pure: catalogues in, catalogue and report out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polib

from i18nprofiles.config import parse_locale
from i18nprofiles.gettext.pofile import Key, has_translation
from i18nprofiles.matcher import FuzzyMatcher
from i18nprofiles.source.template import GENERATOR


@dataclass
class MergeReport:
    """What merging a template into a catalogue changed, entry by entry."""

    added: list[polib.POEntry] = field(default_factory=list)
    fuzzy: list[polib.POEntry] = field(default_factory=list)
    revived: list[polib.POEntry] = field(default_factory=list)
    obsoleted: list[polib.POEntry] = field(default_factory=list)
    removed: list[polib.POEntry] = field(default_factory=list)



def entry_key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def own_flags(entry: polib.POEntry) -> list[str]:
    """The flags a translator or a tool set on an entry: not fuzzy, not format flags."""
    return [f for f in entry.flags if f != "fuzzy" and not f.endswith("-format")]


def merged_entry(new: polib.POEntry, old: polib.POEntry | None, *, fuzzy: bool = False) -> polib.POEntry:
    """The template entry ``new`` carrying the translation of ``old``.

    References, extracted comments and format flags come from the template;
    translation, translator comments and other flags from the old entry.
    """
    flags = [f for f in new.flags if f != "fuzzy"]
    entry = polib.POEntry(
        msgid=new.msgid,
        msgid_plural=new.msgid_plural,
        msgctxt=new.msgctxt,
        occurrences=list(new.occurrences),
        comment=new.comment,
        flags=flags,
    )
    if old is None:
        entry.msgstr = ""
        entry.msgstr_plural = {i: "" for i in range(2)} if new.msgid_plural else {}
        return entry
    entry.tcomment = old.tcomment
    entry.flags = flags + [f for f in own_flags(old) if f not in flags]
    if new.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural) if old.msgid_plural else {0: old.msgstr}
    else:
        entry.msgstr = old.msgstr if not old.msgid_plural else old.msgstr_plural.get(0, "")
    if fuzzy or old.fuzzy:
        entry.flags.insert(0, "fuzzy")
        if fuzzy:
            entry.previous_msgid = old.msgid
            entry.previous_msgid_plural = old.msgid_plural or None
            entry.previous_msgctxt = old.msgctxt
        elif old.previous_msgid:
            entry.previous_msgid = old.previous_msgid
            entry.previous_msgid_plural = old.previous_msgid_plural
            entry.previous_msgctxt = old.previous_msgctxt
    return entry


def restored_entry(new: polib.POEntry, old: polib.POEntry) -> polib.POEntry:
    """``new`` with the translation of the fuzzy entry ``old`` whose previous msgid it is."""
    entry = merged_entry(new, old)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return entry


def obsolete_entry(old: polib.POEntry) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=old.msgid,
        msgid_plural=old.msgid_plural,
        msgstr=old.msgstr,
        msgstr_plural=dict(old.msgstr_plural),
        msgctxt=old.msgctxt,
        tcomment=old.tcomment,
        flags=[f for f in old.flags if not f.endswith("-format")],
        obsolete=True,
    )
    return entry


def match_departed(unmatched: list[polib.POEntry], departed: Iterable[polib.POEntry]) -> dict[Key, polib.POEntry]:
    """The fuzzy matches of new entries among the translated entries that left the template (a small pool:
    an edited paragraph finds its own old version there first)."""
    pool = [entry for entry in departed if has_translation(entry) and entry.msgid]
    matcher = FuzzyMatcher([entry.msgid for entry in pool]) if pool and unmatched else None
    return {entry_key(new): pool[found.index] for new in unmatched if matcher and (found := matcher.find(new.msgid))}


def find_fuzzy(
    unmatched: list[polib.POEntry],
    departed: Iterable[polib.POEntry],
    pool: Sequence[Key],
    fetch: Callable[[set[Key]], Mapping[Key, polib.POEntry]],
) -> dict[Key, polib.POEntry]:
    """The fuzzy match of each new entry that has one: first among the ``departed`` entries (those that
    left the template), then among the ``pool`` (the keys of every translated entry of the catalogue, in
    file order); ``fetch`` gives the entries of the keys matched in the pool."""
    matches = match_departed(unmatched, departed)
    rest = [new for new in unmatched if entry_key(new) not in matches]
    if rest and pool:
        matcher = FuzzyMatcher([msgid for _, msgid in pool])
        found = {entry_key(new): pool[match.index] for new in rest if (match := matcher.find(new.msgid))}
        old = fetch(set(found.values()))
        matches.update((key, old[other]) for key, other in found.items())
    return matches


def merged_header(catalog: polib.POFile, template: Mapping[str, str]) -> polib.POFile:
    """An empty catalogue with the header of ``catalog`` as a merge leaves it (``template``: the template's fields)."""
    merged = polib.POFile(wrapwidth=0)
    merged.header = catalog.header
    merged.metadata = dict(catalog.metadata)
    merged.metadata["Content-Type"] = "text/plain; charset=UTF-8"  # what the writer writes
    merged.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    if "POT-Creation-Date" in template:
        merged.metadata["POT-Creation-Date"] = template["POT-Creation-Date"]
    return merged


def retire(entry: polib.POEntry, keep_obsolete: bool, report: MergeReport) -> polib.POEntry | None:
    """What becomes of an old entry no template entry took: an obsolete ``#~`` entry, or nothing."""
    if keep_obsolete and has_translation(entry):
        if not entry.obsolete:
            report.obsoleted.append(entry)
        return obsolete_entry(entry)
    if not entry.obsolete:
        report.removed.append(entry)
    return None


def merge_catalog(
    template: polib.POFile,
    catalog: polib.POFile,
    *,
    fuzzy_matching: bool = True,
    keep_obsolete: bool = True,
) -> tuple[polib.POFile, MergeReport]:
    """Merge a template into a catalogue, as ``msgmerge --previous`` does, and better.

    - an exact msgid keeps its translation; an obsolete one comes back to life;
    - a new msgid close to an old translated one gets that translation, marked
      fuzzy, with the old msgid as ``#|`` previous msgid.  The old msgids that
      left the template are tried first (an edited paragraph keeps its own
      translation); only when none is close enough is the whole catalogue
      searched;
    - old entries that left the template are kept as obsolete ``#~`` entries
      (when translated), unless ``keep_obsolete`` is false.
    """
    report = MergeReport()
    template_keys = {entry_key(e) for e in template}
    by_key = {entry_key(entry): entry for entry in catalog}
    merged = merged_header(catalog, template.metadata)

    # A fuzzy entry whose source went back to its previous msgid gets its
    # translation back as it was.
    previous = {previous_key(e): e for e in catalog if not e.obsolete and previous_key(e) is not None}
    used: set[Key] = set()
    unmatched: list[polib.POEntry] = []
    results: list[polib.POEntry | None] = []
    for new in template:
        key = entry_key(new)
        old = by_key.get(key)
        if old is not None:
            if old.obsolete:
                report.revived.append(new)
            used.add(key)
            results.append(merged_entry(new, old))
        elif key in previous and entry_key(previous[key]) not in template_keys:
            old = previous[key]
            used.add(entry_key(old))
            report.revived.append(new)
            results.append(restored_entry(new, old))
        else:
            unmatched.append(new)
            results.append(None)

    matches: dict[Key, polib.POEntry] = {}
    if fuzzy_matching and unmatched:
        departed = (e for e in catalog if not e.obsolete and entry_key(e) not in template_keys)
        pool = [entry_key(e) for e in catalog if has_translation(e) and e.msgid]
        matches = find_fuzzy(unmatched, departed, pool, lambda keys: by_key)
        used.update(entry_key(old) for old in matches.values())

    for index, new in enumerate(template):
        if results[index] is not None:
            merged.append(results[index])
            continue
        old = matches.get(entry_key(new))
        entry = merged_entry(new, old, fuzzy=old is not None)
        (report.fuzzy if old is not None else report.added).append(entry)
        merged.append(entry)

    for entry in catalog:
        if entry_key(entry) not in used and entry.msgid:
            kept = retire(entry, keep_obsolete, report)
            if kept is not None:
                merged.append(kept)
    return merged, report


def previous_key(entry: polib.POEntry) -> Key | None:
    """The key of a fuzzy entry's previous msgid, if it has one."""
    return (entry.previous_msgctxt, entry.previous_msgid) if entry.previous_msgid and "fuzzy" in entry.flags else None


def new_catalog(template: polib.POFile, locale: str, *, created: str = "") -> polib.POFile:
    """A fresh catalogue for ``locale`` from the template (``pybabel init``)."""
    from babel.messages.plurals import (
        get_plural,  # here: it imports babel's catalogue model, which update needs not
    )

    babel_locale = parse_locale(locale)
    plurals, expression = get_plural(babel_locale)
    catalog = polib.POFile(wrapwidth=0)
    project = template.metadata.get("Project-Id-Version", "PROJECT")
    catalog.header = f"{babel_locale.english_name} translations for {project}."
    catalog.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": template.metadata.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": template.metadata.get("POT-Creation-Date", created),
        "PO-Revision-Date": created,
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language": str(babel_locale),
        "Language-Team": f"{babel_locale} <LL@li.org>",
        "Plural-Forms": f"nplurals={plurals}; plural={expression};",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Generator": GENERATOR,
    }
    for new in template:
        entry = merged_entry(new, None)
        if new.msgid_plural:
            entry.msgstr_plural = {i: "" for i in range(plurals)}
        catalog.append(entry)
    return catalog
