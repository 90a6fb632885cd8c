"""Merging a template into a catalogue (``update``, as ``msgmerge --previous``) and new catalogues (``init``).

Pure: catalogues in, catalogue and report out.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    active: dict[Key, polib.POEntry] = {}
    obsolete: dict[Key, polib.POEntry] = {}
    for entry in catalog:
        (obsolete if entry.obsolete else active)[entry_key(entry)] = entry

    merged = polib.POFile(wrapwidth=0)
    merged.header = catalog.header
    merged.metadata = dict(catalog.metadata)
    merged.metadata["Content-Type"] = "text/plain; charset=UTF-8"  # what the writer writes
    merged.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    if "POT-Creation-Date" in template.metadata:
        merged.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]

    # A fuzzy entry whose source went back to its previous msgid gets its
    # translation back as it was.
    previous: dict[Key, polib.POEntry] = {
        (e.previous_msgctxt, e.previous_msgid): e for e in catalog if e.fuzzy and e.previous_msgid and not e.obsolete
    }
    used: set[Key] = set()
    unmatched: list[polib.POEntry] = []
    results: list[polib.POEntry | None] = []
    for new in template:
        key = entry_key(new)
        old = active.get(key)
        if old is None and key in obsolete:
            old = obsolete[key]
            report.revived.append(new)
        if old is not None:
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
        matches = match_departed(unmatched, (e for e in catalog if not e.obsolete and entry_key(e) not in template_keys))
        unmatched = [new for new in unmatched if entry_key(new) not in matches]
        pool = [e for e in catalog if has_translation(e) and e.msgid] if unmatched else []
        if pool:
            matcher = FuzzyMatcher([e.msgid for e in pool])
            for new in unmatched:
                found = matcher.find(new.msgid)
                if found is not None:
                    matches[entry_key(new)] = pool[found.index]
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
        key = entry_key(entry)
        if key in used or not entry.msgid:
            continue
        if keep_obsolete and has_translation(entry):
            merged.append(obsolete_entry(entry))
            if not entry.obsolete:
                report.obsoleted.append(entry)
        elif not entry.obsolete:
            report.removed.append(entry)
    return merged, report


def new_catalog(template: polib.POFile, locale: str, *, created: str = "") -> polib.POFile:
    """A fresh catalogue for ``locale`` from the template (``pybabel init``)."""
    from babel.messages.plurals import get_plural  # here: it imports babel's catalogue model, which update needs not

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
