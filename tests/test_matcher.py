"""Decisions of the fuzzy matcher on purpose-made pairs (no timing)."""

from __future__ import annotations

import dataclasses

import pytest
from rapidfuzz.distance import Indel

from i18nprofiles.matcher import FuzzyMatcher, Match

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


@pytest.mark.parametrize("query", ["Témoins", "Parcelles", "Nos valeurs", "Partenaires et projets"])
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


def test_match_is_frozen() -> None:
    match = Match(1, 0.8)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.index = 2  # type: ignore[misc]
