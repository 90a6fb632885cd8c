"""Merging a template into a catalogue (``update``, as ``msgmerge --previous``) and new catalogues (``init``).

Pure: catalogues in, catalogue and report out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import polib

from i18nprofiles.config import parse_locale
from i18nprofiles.gettext.pofile import Key, has_translation, plural_count
from i18nprofiles.gettext.matcher import DEFAULT_CUTOFF, SURE_CHARACTERS, FuzzyMatcher
from i18nprofiles.source.template import GENERATOR


@dataclass
class MergeReport:
    """What merging a template into a catalogue changed, entry by entry."""

    added: list[polib.POEntry] = field(default_factory=list)
    fuzzy: list[polib.POEntry] = field(default_factory=list)
    revived: list[polib.POEntry] = field(default_factory=list)
    obsoleted: list[polib.POEntry] = field(default_factory=list)
    removed: list[polib.POEntry] = field(default_factory=list)

    def counts(self) -> tuple[int, int, int, int, int]:
        """How many entries were added, made fuzzy, revived, made obsolete and removed."""
        return len(self.added), len(self.fuzzy), len(self.revived), len(self.obsoleted), len(self.removed)


def entry_key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def first_form(entry: polib.POEntry) -> str:
    """The msgstr, or the first plural form: what says whether GNU tools count an entry as translated."""
    if entry.msgid_plural:
        return entry.msgstr_plural.get(0, "") if entry.msgstr_plural else ""
    return entry.msgstr


def merged_entry(new: polib.POEntry, old: polib.POEntry | None, *, fuzzy: bool = False,
                 plurals: int = 2) -> polib.POEntry:
    """The template entry ``new`` carrying the translation of ``old``, as ``msgmerge --previous`` makes it.

    msgid, msgid_plural, references, extracted comments and flags (format,
    range, no-wrap) come from the template; the translation and the
    translator comments from the old entry.  The result is fuzzy when the old
    entry was, when ``fuzzy`` (a fuzzy match), when the msgid_plural changed,
    or when singular and plural forms had to be converted (``plurals`` forms).
    A fuzzy, translated result keeps the msgid its translation was made for
    as the previous msgid (``#|``): the old entry's own, or its previous one
    when it was fuzzy already.
    """
    flags = [flag for flag in new.flags if flag != "fuzzy"]
    entry = polib.POEntry(msgid=new.msgid, msgid_plural=new.msgid_plural, msgctxt=new.msgctxt,
                          occurrences=list(new.occurrences), comment=new.comment, flags=flags)
    if getattr(new, "blank_comment", False):
        entry.blank_comment = True
    if old is None:
        entry.msgstr = ""
        entry.msgstr_plural = {i: "" for i in range(plurals)} if new.msgid_plural else {}
        return entry
    entry.tcomment = old.tcomment
    if getattr(old, "blank_tcomment", False):
        entry.blank_tcomment = True
    is_fuzzy = fuzzy or old.fuzzy or (new.msgid_plural or None) != (old.msgid_plural or None)
    if new.msgid_plural and old.msgid_plural:
        entry.msgstr_plural = dict(old.msgstr_plural)
    elif new.msgid_plural:  # a message that became plural: the translation in every form, to review
        entry.msgstr_plural = {i: old.msgstr for i in range(plurals)}
    elif old.msgid_plural:  # a message that became singular: its first form
        entry.msgstr = first_form(old)
    else:
        entry.msgstr = old.msgstr
    if is_fuzzy:
        entry.flags.insert(0, "fuzzy")
        if first_form(entry):
            source = old if not old.fuzzy else None
            entry.previous_msgctxt = old.msgctxt if source else old.previous_msgctxt
            entry.previous_msgid = old.msgid if source else old.previous_msgid
            entry.previous_msgid_plural = (old.msgid_plural if source else old.previous_msgid_plural) or None
    return entry


def restored_entry(new: polib.POEntry, old: polib.POEntry, plurals: int = 2) -> polib.POEntry:
    """``new`` with the translation of the fuzzy entry ``old`` whose previous msgid it is."""
    entry = merged_entry(new, old, plurals=plurals)
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    return entry


def obsolete_entry(old: polib.POEntry) -> polib.POEntry:
    """An old entry no template entry took, as ``msgmerge`` keeps it: without references and extracted comments."""
    entry = polib.POEntry(
        msgid=old.msgid, msgid_plural=old.msgid_plural, msgstr=old.msgstr, msgstr_plural=dict(old.msgstr_plural),
        msgctxt=old.msgctxt, tcomment=old.tcomment, flags=list(old.flags), obsolete=True,
        previous_msgctxt=old.previous_msgctxt, previous_msgid=old.previous_msgid,
        previous_msgid_plural=old.previous_msgid_plural,
    )
    if getattr(old, "blank_tcomment", False):
        entry.blank_tcomment = True
    return entry


def match_departed(unmatched: list[polib.POEntry], departed: Iterable[polib.POEntry],
                   cutoff: float = DEFAULT_CUTOFF) -> dict[Key, polib.POEntry]:
    """The fuzzy matches of new entries among the translated entries that left the template: an edited
    paragraph finds its own old version there first.

    Only near-identical msgids are taken here (more than ``SURE_CHARACTERS`` similar): a merely similar
    one may hide a closer match elsewhere in the catalogue, which the search of the whole catalogue finds.
    """
    pool = [entry for entry in departed if has_translation(entry) and entry.msgid]
    if not pool or not unmatched:
        return {}
    matcher = fuzzy_matcher([entry_key(entry) for entry in pool], max(cutoff, SURE_CHARACTERS))
    return {entry_key(new): pool[found.index] for new in unmatched
            if (found := matcher.find(new.msgid, new.msgctxt))}


def fuzzy_matcher(keys: Sequence[Key], cutoff: float) -> FuzzyMatcher:
    """The fuzzy index of the msgids of ``keys``, with their msgctxt (the same context wins ties)."""
    return FuzzyMatcher([msgid for _, msgid in keys], cutoff=cutoff, contexts=[msgctxt for msgctxt, _ in keys])


def find_fuzzy(
    unmatched: list[polib.POEntry],
    departed: Iterable[polib.POEntry],
    pool: Sequence[Key],
    fetch: Callable[[set[Key]], Mapping[Key, polib.POEntry]],
    cutoff: float = DEFAULT_CUTOFF,
    index: Callable[[Sequence[Key], float], FuzzyMatcher] = fuzzy_matcher,
) -> dict[Key, polib.POEntry]:
    """The fuzzy match of each new entry that has one, more than ``cutoff`` similar: first a near-identical
    one among the ``departed`` entries (those that left the template), then the best among the ``pool``
    (the keys of every translated entry of the catalogue, in file order); ``fetch`` gives the entries of
    the keys matched in the pool, ``index`` the fuzzy index of the pool."""
    matches = match_departed(unmatched, departed, cutoff)
    rest = [new for new in unmatched if entry_key(new) not in matches]
    if rest and pool:
        matcher = index(pool, cutoff)
        found = {entry_key(new): pool[match.index] for new in rest if (match := matcher.find(new.msgid, new.msgctxt))}
        old = fetch(set(found.values()))
        matches.update((key, old[other]) for key, other in found.items())
    return matches


#: The header fields msgmerge writes first, in this order (the others follow, in the catalogue's order).
HEADER_ORDER = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date",
                "Last-Translator", "Language-Team", "Language", "MIME-Version", "Content-Type",
                "Content-Transfer-Encoding")
#: The header fields that come from the template.
TEMPLATE_FIELDS = ("Report-Msgid-Bugs-To", "POT-Creation-Date")


def merged_header(catalog: polib.POFile, template: Mapping[str, str]) -> polib.POFile:
    """An empty catalogue with the header of ``catalog`` as a merge leaves it (``template``: the template's fields).

    As ``msgmerge``: Report-Msgid-Bugs-To and POT-Creation-Date come from the
    template, the other fields from the catalogue, the known ones in GNU's order.
    """
    fields = dict(catalog.metadata)
    fields.update((name, template[name]) for name in TEMPLATE_FIELDS if name in template)
    fields["Content-Type"] = "text/plain; charset=UTF-8"  # what the writer writes
    merged = polib.POFile(wrapwidth=0)
    merged.header = catalog.header
    merged.metadata_is_fuzzy = catalog.metadata_is_fuzzy
    merged.metadata = {name: fields[name] for name in HEADER_ORDER if name in fields}
    merged.metadata.update((name, value) for name, value in fields.items() if name not in HEADER_ORDER)
    return merged


def retire(entry: polib.POEntry, keep_obsolete: bool, report: MergeReport) -> polib.POEntry | None:
    """What becomes of an old entry no template entry took: an obsolete ``#~`` entry when it is translated
    (``msgmerge`` writes no untranslated obsolete entry), or nothing."""
    if keep_obsolete and first_form(entry):
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
    fuzzy_threshold: float = DEFAULT_CUTOFF,
    keep_obsolete: bool = True,
) -> tuple[polib.POFile, MergeReport]:
    """Merge a template into a catalogue, as ``msgmerge --previous`` does, and better.

    - an exact msgid keeps its translation; an obsolete one comes back to life;
    - a new msgid close to an old translated one (more than ``fuzzy_threshold``
      similar, sharing words: ``matcher.FuzzyMatcher``) gets that translation,
      marked fuzzy, with the old msgid as ``#|`` previous msgid.  A
      near-identical msgid among those that left the template is taken first
      (an edited paragraph keeps its own translation); otherwise the whole
      catalogue is searched;
    - old entries that left the template are kept as obsolete ``#~`` entries
      (when translated), unless ``keep_obsolete`` is false.
    """
    report = MergeReport()
    template_keys = {entry_key(e) for e in template}
    by_key = {entry_key(entry): entry for entry in catalog}
    merged = merged_header(catalog, template.metadata)
    plurals = plural_count(merged)

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
            results.append(merged_entry(new, old, plurals=plurals))
        elif key in previous and entry_key(previous[key]) not in template_keys:
            old = previous[key]
            used.add(entry_key(old))
            report.revived.append(new)
            results.append(restored_entry(new, old, plurals))
        else:
            unmatched.append(new)
            results.append(None)

    matches: dict[Key, polib.POEntry] = {}
    if fuzzy_matching and unmatched:
        departed = (e for e in catalog if not e.obsolete and entry_key(e) not in template_keys)
        pool = [entry_key(e) for e in catalog if has_translation(e) and e.msgid]
        matches = find_fuzzy(unmatched, departed, pool, lambda keys: by_key, fuzzy_threshold)
        used.update(entry_key(old) for old in matches.values())

    for index, new in enumerate(template):
        if results[index] is not None:
            merged.append(results[index])
            continue
        old = matches.get(entry_key(new))
        entry = merged_entry(new, old, fuzzy=old is not None, plurals=plurals)
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
    """A fresh catalogue for ``locale`` from the template (``pybabel init``), its header fields in the order
    GNU's ``msginit`` writes and ``msgmerge`` keeps."""
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
        "Language-Team": f"{babel_locale} <LL@li.org>",
        "Language": str(babel_locale),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": f"nplurals={plurals}; plural={expression};",
        "X-Generator": GENERATOR,
    }
    catalog.extend(merged_entry(new, None, plurals=plurals) for new in template)
    return catalog
