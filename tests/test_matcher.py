"""Decisions of the fuzzy matcher on purpose-made pairs, and on real catalogues (no timing)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from rapidfuzz.distance import Indel

from i18nprofiles.gettext.matcher import DEFAULT_CUTOFF, FuzzyMatcher, Match, PairIndex, analyse_text
from i18nprofiles.gettext.merge import merge_catalog

REALWORLD = Path(__file__).resolve().parents[1].parent / "shared" / "realworld-po"
needs_corpus = pytest.mark.skipif(not REALWORLD.is_dir(), reason="the real-world catalogues are not there")
needs_msgmerge = pytest.mark.skipif(shutil.which("msgmerge") is None, reason="GNU msgmerge is not installed")

CATALOGUE = [
    "Depuis 2015, María accompagne les coopératives de café de la région de Cusco, et elle forme "
    "chaque année une vingtaine de jeunes productrices aux techniques de l'agroécologie.",
    "Elle travaille depuis dix ans avec les femmes des communautés paysannes de la province de Puno, "
    "où elle anime des ateliers de tissage et de teinture naturelle.",
    "Ingénieur agronome de formation, José conseille les familles de Huehuetenango sur la gestion de "
    "l'eau et la conservation des semences locales de maïs et de haricot.",
    "Pour moi, le plus important est de transmettre aux enfants la langue quechua et les savoirs de "
    "nos grands-parents sur les plantes médicinales.",
    "Après ses études de médecine à Lima, Ana est retournée dans son village pour ouvrir un petit "
    "centre de santé avec l'aide de l'association.",
    "Nous avons créé notre coopérative en 2009 avec douze familles ; aujourd'hui elle réunit plus de "
    "trois cents productrices de quinoa biologique.",
    "Témoignage",
    "Parcours",
    "Nos partenaires",
]


@pytest.fixture(scope="module")
def matcher() -> FuzzyMatcher:
    return FuzzyMatcher(CATALOGUE)


def test_one_word_edit_is_matched(matcher: FuzzyMatcher) -> None:
    edited = CATALOGUE[1].replace("dix ans", "douze ans")
    match = matcher.find(edited)
    assert match is not None
    assert match.index == 1
    assert match.score == pytest.approx(Indel.normalized_similarity(edited, CATALOGUE[1]))


def test_edits_in_several_places_are_matched(matcher: FuzzyMatcher) -> None:
    edited = CATALOGUE[2].replace("José", "Don José").replace("maïs", "blé").replace("locales ", "")
    match = matcher.find(edited)
    assert match is not None and match.index == 2


def test_reordered_sentence_is_matched(matcher: FuzzyMatcher) -> None:
    reordered = (
        "María forme chaque année une vingtaine de jeunes productrices aux techniques de "
        "l'agroécologie, et depuis 2015 elle accompagne les coopératives de café de la région de Cusco."
    )
    # Below msgmerge's threshold on characters alone: msgmerge would not match it.
    assert Indel.normalized_similarity(reordered, CATALOGUE[0]) < 0.6
    match = matcher.find(reordered)
    assert match is not None
    assert match.index == 0
    assert 0.6 <= match.score <= 1.0


def test_unrelated_paragraph_on_the_same_topic_is_not_matched(matcher: FuzzyMatcher) -> None:
    unrelated = (
        "Il travaille depuis deux ans avec les jeunes des quartiers populaires de la ville de Lima, "
        "où il anime des ateliers de théâtre et de danse traditionnelle."
    )
    # Same sentence structure and function words: msgmerge would match it on characters.
    assert Indel.normalized_similarity(unrelated, CATALOGUE[1]) >= 0.7
    assert matcher.find(unrelated) is None


def test_unrelated_paragraph_with_other_vocabulary_is_not_matched(matcher: FuzzyMatcher) -> None:
    unrelated = (
        "Technicienne vétérinaire de formation, Rosa soigne les troupeaux de Sololá et enseigne la "
        "tonte des alpagas et la vente de la laine aux jeunes éleveurs."
    )
    assert matcher.find(unrelated) is None


def test_best_of_several_candidates_is_chosen() -> None:
    texts = [
        "Elle travaille depuis trois ans avec les jeunes des communautés paysannes de la province de Cusco.",
        "Elle travaille depuis dix ans avec les femmes des communautés paysannes de la province de Puno.",
        "Elle travaille depuis dix ans avec les femmes des communautés paysannes de la province de Cusco.",
        "Elle travaille depuis dix ans avec les femmes des communautés andines de la région de Puno.",
    ]
    query = "Elle travaille depuis dix ans avec les femmes des communautés andines de la province de Cusco."
    best = max(range(len(texts)), key=lambda i: Indel.normalized_similarity(query, texts[i]))
    assert best == 2  # what msgmerge picks: the highest character similarity
    match = FuzzyMatcher(texts).find(query)
    assert match is not None
    assert match.index == 2
    assert match.score == pytest.approx(Indel.normalized_similarity(query, texts[2]))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Témoignages", 6),
        ("témoignage", 6),
        ("Parcour", 7),
        ("Nos partenaires locaux", 8),
    ],
)
def test_short_heading_with_a_small_edit_is_matched(matcher: FuzzyMatcher, query: str, expected: int) -> None:
    match = matcher.find(query)
    assert match is not None and match.index == expected


@pytest.mark.parametrize("query", ["Parcelles", "Partenaires et projets", "Nos valeurs locales"])
def test_short_heading_changed_for_the_most_part_is_not_matched(matcher: FuzzyMatcher, query: str) -> None:
    assert matcher.find(query) is None


@pytest.mark.parametrize("query", ["", " ", "a", "É", "?", "…"])
def test_empty_or_one_letter_query_matches_nothing(query: str) -> None:
    assert FuzzyMatcher(["", " ", "a", "É", "A", "?", "Témoignage"]).find(query) is None


def test_empty_old_text_is_never_matched() -> None:
    assert FuzzyMatcher([""]).find("Témoignage") is None
    assert FuzzyMatcher([]).find("Témoignage") is None


def test_duplicates_resolve_to_the_lowest_index() -> None:
    texts = [CATALOGUE[3], CATALOGUE[1], CATALOGUE[3], CATALOGUE[1]]
    edited = CATALOGUE[1].replace("Puno", "Cusco")
    match = FuzzyMatcher(texts).find(edited)
    assert match is not None and match.index == 1


def test_equal_scores_resolve_to_the_lowest_index() -> None:
    a, b = "Rapport annuel 2023", "Rapport annuel 2025"
    query = "Rapport annuel 2024"
    assert Indel.normalized_similarity(query, a) == Indel.normalized_similarity(query, b)
    assert FuzzyMatcher([a, b]).find(query) == Match(0, Indel.normalized_similarity(query, a))
    assert FuzzyMatcher([b, a]).find(query) == Match(0, Indel.normalized_similarity(query, b))


def test_results_are_deterministic() -> None:
    texts = CATALOGUE * 3
    queries = [CATALOGUE[1].replace("dix", "onze"), "Témoignages", CATALOGUE[5].replace("2009", "2010")]
    first = [FuzzyMatcher(texts).find(q) for q in queries]
    second = [FuzzyMatcher(list(texts)).find(q) for q in queries]
    assert first == second
    assert [m.index if m else None for m in first] == [1, 6, 5]


def test_cutoff_is_honoured() -> None:
    edited = CATALOGUE[1].replace("dix ans", "douze ans")
    assert FuzzyMatcher(CATALOGUE, cutoff=0.99).find(edited) is None
    assert FuzzyMatcher(CATALOGUE, cutoff=0.9).find(edited) is not None


def test_cutoff_is_a_parameter_for_short_strings_too() -> None:
    texts = ["_Wipe Free Space"]
    assert Indel.normalized_similarity("_Wipe Empty Space", texts[0]) == pytest.approx(0.727, abs=0.001)
    assert FuzzyMatcher(texts, cutoff=0.8).find("_Wipe Empty Space") is None
    assert FuzzyMatcher(texts, cutoff=0.7).find("_Wipe Empty Space") is not None


def test_a_match_is_more_similar_than_the_cutoff() -> None:
    query, old = "Hunk #%d applied cleanly.", "Applied patch %s cleanly."
    assert Indel.normalized_similarity(query, old) == DEFAULT_CUTOFF
    assert FuzzyMatcher([old]).find(query) is None
    assert FuzzyMatcher([old], cutoff=0.59).find(query) == Match(0, DEFAULT_CUTOFF)


def test_match_is_frozen() -> None:
    match = Match(1, 0.8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.index = 2  # type: ignore[misc]


# -- short strings (software messages) --------------------------------------------------------------------------


def test_short_string_with_one_word_changed_is_matched() -> None:
    texts = ["_Wipe Free Space", "_Preferences", "Wipe the free disk space of a drive", "Free space (%)"]
    match = FuzzyMatcher(texts).find("_Wipe Empty Space")
    assert match == Match(0, Indel.normalized_similarity("_Wipe Empty Space", "_Wipe Free Space"))


@pytest.mark.parametrize(
    ("query", "old"),
    [
        ("%s tree", "%s thread failed"),  # git 2.36: msgmerge proposed one's translation for the other
        ("Skipping: %.*s", "Applying: %.*s"),
        ("daemon terminated", "no terms defined"),
    ],
)
def test_short_strings_that_share_no_word_are_not_matched(query: str, old: str) -> None:
    # Characters enough for msgmerge, but not one word in common: no draft.
    assert Indel.normalized_similarity(query, old) > DEFAULT_CUTOFF
    assert FuzzyMatcher([old]).find(query) is None


@pytest.mark.parametrize(
    ("query", "old"),
    [("Updates", "Update"), ("Cleaning", "Clean"), ("symlinks", "symlink"), ("files", "file"), ("Opens", "Open"),
     ("set", "sets")],
)
def test_forms_of_a_word_count_as_the_same_word(query: str, old: str) -> None:
    assert FuzzyMatcher([old]).find(query) == Match(0, Indel.normalized_similarity(query, old))


def test_short_string_sharing_a_word_is_judged_on_its_characters_as_msgmerge_does() -> None:
    texts = ["unable to create temporary file", "unable to read %s", "create a temporary object directory"]
    query = "unable to create temporary object directory"
    best = max(range(len(texts)), key=lambda i: Indel.normalized_similarity(query, texts[i]))
    match = FuzzyMatcher(texts).find(query)
    assert match == Match(best, Indel.normalized_similarity(query, texts[best]))


LOCK_FILE = ("The cache folder '%s' holds a lock file (remove it by hand if no other update is running on this "
             "machine now)")


def test_a_long_message_and_a_paragraph_are_compared_as_messages() -> None:
    # 19 words against 21: a message, so one shared word is enough (half its rarer words are new).
    query = "The cache folder '%s' holds a lock file. It will be removed when the last update of this project ends."
    assert analyse_text(query).length < 20 <= analyse_text(LOCK_FILE).length
    assert FuzzyMatcher([LOCK_FILE]).find(query) == Match(0, Indel.normalized_similarity(query, LOCK_FILE))


def test_two_paragraphs_must_share_most_of_their_rarer_words() -> None:
    # The same text with two more words: two paragraphs, and half of their words differ.
    query = ("The cache folder '%s' holds a lock file. It will be removed when the very last update of this "
             "project ends.")
    assert analyse_text(query).length >= 20
    assert DEFAULT_CUTOFF < Indel.normalized_similarity(query, LOCK_FILE) < 0.9
    assert FuzzyMatcher([LOCK_FILE]).find(query) is None


# -- format directives and markup --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "old"),
    [
        ("%(count)d tree", "%(count)d thread failed"),
        ("{count} tree", "{count} thread failed"),
        ("%2$d tree", "%2$d thread failed"),
        ("${prodname} tree", "${prodname} thread failed"),
        ("<b>tree</b>", "<b>thread failed</b>"),
        ("&amp; tree", "&amp; thread failed"),
    ],
)
def test_directives_and_markup_are_not_words(query: str, old: str) -> None:
    # The shared directive makes the characters similar; its name ("count") is no shared word.
    assert Indel.normalized_similarity(query, old) > DEFAULT_CUTOFF
    assert FuzzyMatcher([old]).find(query) is None


def test_words_are_read_outside_directives_and_markup() -> None:
    analysed = analyse_text("Wrote %(files)d files to {folder} in %2$s <b>Done</b> &amp; ${name}")
    assert analysed.words == {"wrote", "files", "to", "in", "done"} and analysed.length == 5
    assert analysed.tokens == tuple(sorted(["%(files)d", "{folder}", "%2$s", "<b>", "</b>", "&amp;", "${name}"]))


@pytest.mark.parametrize(("query", "old"), [("Sh_red Folders", "_Shred Files"), ("Sh&red folders", "&Shred files")])
def test_accelerator_markers_do_not_split_words(query: str, old: str) -> None:
    assert analyse_text(query).words == {"shred", "folders"}
    assert FuzzyMatcher([old]).find(query) == Match(0, Indel.normalized_similarity(query, old))


def test_same_directives_win_between_equally_similar_texts() -> None:
    texts = ["Deleted %s files", "Deleted %d Files"]  # one character away each, the same words
    query = "Deleted %d files"
    assert Indel.normalized_similarity(query, texts[0]) == Indel.normalized_similarity(query, texts[1])
    assert FuzzyMatcher(texts).find(query) == Match(1, Indel.normalized_similarity(query, texts[1]))


def test_a_change_of_directive_style_is_still_matched() -> None:
    # BleachBit 6.0 moved from {name} to %(name)s: the old translation is a good draft.
    old = "Found UUID for swap file {device} is {uuid}."
    match = FuzzyMatcher([old]).find("Found UUID for swap device %(device)s is %(uuid)s.")
    assert match is not None and match.index == 0


def test_texts_without_words_match_on_their_characters() -> None:
    query = "  %s\n"
    assert FuzzyMatcher(["    %s", "%s: %s"]).find(query) == Match(0, Indel.normalized_similarity(query, "    %s"))
    # A text with no words is a candidate for texts with words too.
    assert FuzzyMatcher(["%s: %s - %s"]).find("%s tag %s - %s") is not None


# -- msgctxt --------------------------------------------------------------------------------------------------------


def test_same_context_wins_between_equal_texts() -> None:
    matcher = FuzzyMatcher(["Open", "Open"], contexts=["verb", "adjective"])
    assert matcher.find("Opens", "adjective") == Match(1, Indel.normalized_similarity("Opens", "Open"))
    assert matcher.find("Opens", "verb") == Match(0, Indel.normalized_similarity("Opens", "Open"))
    assert matcher.find("Opens", "noun") == Match(0, Indel.normalized_similarity("Opens", "Open"))


def test_same_context_wins_between_equally_similar_texts() -> None:
    matcher = FuzzyMatcher(["Open filea", "Open fileb"], contexts=[None, "menu"])
    assert matcher.find("Open filec", "menu").index == 1  # type: ignore[union-attr]
    assert matcher.find("Open filec").index == 0  # type: ignore[union-attr]


def test_another_context_is_still_a_draft_but_weighs_less_than_similarity() -> None:
    matcher = FuzzyMatcher(["Delete files", "Delete file"], contexts=["button", None])
    # More similar in another context: still chosen (as msgmerge does).
    query = "Delete file!"
    assert matcher.find(query, "button") == Match(1, Indel.normalized_similarity(query, "Delete file"))


def test_contexts_must_match_the_texts() -> None:
    with pytest.raises(ValueError):
        FuzzyMatcher(["a text", "another"], contexts=["one"])


# -- in merge_catalog ---------------------------------------------------------------------------------------------


def _catalog(entries: list[tuple[str | None, str, str]]) -> polib.POFile:
    catalog = polib.POFile(wrapwidth=0)
    catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgctxt, msgid, msgstr in entries:
        catalog.append(polib.POEntry(msgctxt=msgctxt, msgid=msgid, msgstr=msgstr))
    return catalog


def _fuzzy(merged: polib.POFile) -> dict[str, tuple[str | None, str]]:
    return {e.msgid: (e.previous_msgctxt, e.previous_msgid) for e in merged if not e.obsolete and e.fuzzy}


def test_a_merely_similar_departed_msgid_does_not_hide_a_closer_one() -> None:
    # "Could not update the index" left the template; "could not update the index file" stays: it is closer.
    old = _catalog([(None, "Could not update the index", "A"), (None, "could not update the index file", "B")])
    template = _catalog([(None, "could not update the index files", ""), (None, "could not update the index file", "")])
    merged, _ = merge_catalog(template, old)
    assert _fuzzy(merged) == {"could not update the index files": (None, "could not update the index file")}


def test_a_near_identical_departed_paragraph_is_taken_first() -> None:
    # An edited paragraph keeps its own translation, even if another one is a hair closer.
    own = CATALOGUE[1]
    other = CATALOGUE[1].replace("naturelle.", "naturelle !")
    edited = CATALOGUE[1].replace("naturelle.", "naturelle!")
    assert Indel.normalized_similarity(edited, other) > Indel.normalized_similarity(edited, own) > 0.9
    old = _catalog([(None, own, "A"), (None, other, "B")])
    template = _catalog([(None, edited, ""), (None, other, "")])
    merged, _ = merge_catalog(template, old)
    assert _fuzzy(merged) == {edited: (None, own)}


def test_merge_prefers_the_old_entry_of_the_same_context() -> None:
    old = _catalog([(None, "Delete the file", "A"), ("button", "Delete the file", "B"), ("menu", "Quit", "C")])
    template = _catalog([("button", "Delete the files", ""), ("menu", "Quit", "")])
    merged, _ = merge_catalog(template, old)
    assert _fuzzy(merged) == {"Delete the files": ("button", "Delete the file")}
    assert next(e for e in merged if e.msgid == "Delete the files").msgstr == "B"


# -- real catalogues ----------------------------------------------------------------------------------------------


def _suggestions(merged: polib.POFile, old: polib.POFile) -> dict[tuple[str | None, str], str]:
    """{new key: previous msgid} of the fuzzy entries that got a translation from another msgid."""
    old_keys = {(e.msgctxt, e.msgid) for e in old}
    return {(e.msgctxt, e.msgid): e.previous_msgid for e in merged
            if not e.obsolete and e.fuzzy and (e.msgctxt, e.msgid) not in old_keys and e.previous_msgid}


def _share_a_word(a: str, b: str) -> bool:
    return not set(analyse_text(a).stems).isdisjoint(analyse_text(b).stems)


@needs_corpus
def test_bleachbit_merge_keeps_wipe_free_space_for_wipe_empty_space() -> None:
    old = polib.pofile(str(REALWORLD / "bleachbit" / "fr-v5.0.0.po"))
    template = polib.pofile(str(REALWORLD / "bleachbit" / "bleachbit-v6.0.0.pot"))
    merged, _ = merge_catalog(template, old)
    entry = next(e for e in merged if e.msgid == "_Wipe Empty Space")
    assert entry.fuzzy and entry.previous_msgid == "_Wipe Free Space"
    assert entry.msgstr == next(e.msgstr for e in old if e.msgid == "_Wipe Free Space")
    suggestions = _suggestions(merged, old)
    assert len(suggestions) > 30
    # Every suggestion shares a word with the msgid (none of them has more than 20 words).
    assert all(_share_a_word(msgid, previous) for (_, msgid), previous in suggestions.items())


@needs_corpus
@needs_msgmerge
@pytest.mark.parametrize(("old_name", "template_name"), [
    ("bleachbit/fr-v5.0.0.po", "bleachbit/bleachbit-v6.0.0.pot"),
    ("git/fr-v2.35.0.po", "git/git-v2.36.0.pot"),
])
def test_every_msgmerge_suggestion_left_out_shares_no_word(tmp_path: Path, old_name: str, template_name: str) -> None:
    """Differential test: where GNU msgmerge suggests a translation and update does not, msgmerge's old
    msgid shares no word with the new one, or is only as similar as the cutoff (msgmerge takes equality)."""
    old_path, template_path = REALWORLD / old_name, REALWORLD / template_name
    out = tmp_path / "msgmerge.po"
    subprocess.run(["msgmerge", "--previous", "-q", "-o", str(out), str(old_path), str(template_path)], check=True)
    old = polib.pofile(str(old_path))
    theirs = _suggestions(polib.pofile(str(out)), old)
    ours = _suggestions(merge_catalog(polib.pofile(str(template_path)), old)[0], old)
    left_out = {key: previous for key, previous in theirs.items() if key not in ours}
    assert len(ours) >= 0.9 * len(theirs)
    for (_, msgid), previous in left_out.items():
        assert not _share_a_word(msgid, previous) or Indel.normalized_similarity(msgid, previous) <= DEFAULT_CUTOFF
    # Where both suggest, ours is at least as similar (the same one, or one as close).
    for key in theirs.keys() & ours.keys():
        assert Indel.normalized_similarity(key[1], ours[key]) >= Indel.normalized_similarity(key[1], theirs[key]) - 1e-9


class _Exhaustive(FuzzyMatcher):
    """The same rule with every old msgid as a candidate: what the index must not lose."""

    def _candidates(self, query, prose):  # type: ignore[no-untyped-def]
        return list(range(len(self._strings)))

    def _paragraphs(self, query):  # type: ignore[no-untyped-def]
        return []


@needs_corpus
def test_the_index_finds_what_comparing_every_msgid_finds() -> None:
    old = polib.pofile(str(REALWORLD / "git" / "fr-v2.35.0.po"))
    template = polib.pofile(str(REALWORLD / "git" / "git-v2.36.0.pot"))
    pool = [e for e in old if e.msgid and e.msgstr]
    keys = {(e.msgctxt, e.msgid) for e in old}
    queries = [e for e in template if (e.msgctxt, e.msgid) not in keys]
    texts, contexts = [e.msgid for e in pool], [e.msgctxt for e in pool]
    indexed, exhaustive = FuzzyMatcher(texts, contexts=contexts), _Exhaustive(texts, contexts=contexts)
    found = [indexed.find(e.msgid, e.msgctxt) for e in queries]
    assert sum(m is not None for m in found) > 100
    assert found == [exhaustive.find(e.msgid, e.msgctxt) for e in queries]


@pytest.mark.parametrize("ranks", [500, 2**45])  # numbers that fit in 64 bits, and ones that do not
def test_the_pair_index_gives_the_postings_of_a_dictionary_of_lists(ranks: int) -> None:
    import random
    from itertools import combinations

    rng = random.Random(ranks)
    reference: dict[tuple[int, ...], list[int]] = {}
    postings = []
    for uid in range(300):
        chosen = sorted(rng.sample(range(min(ranks, 40)), rng.randint(1, 5)))
        for key in (combinations(chosen, 2) if len(chosen) > 1 else [tuple(chosen)]):
            key = tuple(rank if rank < 20 else ranks - 40 + rank for rank in key)
            reference.setdefault(key, []).append(uid)
            postings.append((key, uid))
    index = PairIndex(ranks, 300, postings)
    assert isinstance(index._codes, list) == (ranks > 2**40)
    for key, uids in reference.items():
        assert index.get(key) == uids
    assert index.get((ranks - 1, ranks - 2)) is None and index.get(()) is None
