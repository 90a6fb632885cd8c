"""Fuzzy matching of msgids through an index, for ``update`` at scale.

GNU msgmerge compares a new msgid with every old one (quadratic on paragraphs).
Here candidates come from two inverted indexes, and only a handful are compared
exactly with rapidfuzz:

* every text is indexed under the pairs of its 5 rarest words (document
  frequency in the old texts); a query looks up the pairs of its 9 rarest
  known words. With 3 words edited, 2 of the 5 survive and rank among the 9,
  so the original still shares a pair; a reordered text shares all 10. A
  pair of rare words is rare: posting lists stay short at any catalogue size;
* texts of ``SHORT_MAX_WORDS`` words or fewer are also indexed by character
  trigrams, so that headings and tags match on small edits inside a word.

A candidate is accepted when its character similarity (as msgmerge's
``fstrcmp``), or failing that the similarity of its sorted words (a reordered
sentence), reaches the cutoff, *and* enough of its words, weighted by rarity,
are shared (unless it is near-identical): unrelated prose in the same language
shares many characters through its function words, but few of its rarer
words. The best score wins, then the lowest index.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, combinations, repeat
from typing import TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Indel

from i18nprofiles.runtime import paused_gc

__all__ = ["FuzzyMatcher", "Match"]

_WORD_RE = re.compile(r"\w+")
_Key = TypeVar("_Key", bound=Hashable)

#: Each text is indexed under the pairs of this many of its rarest words.
ANCHOR_WORDS = 5
#: A query looks up the pairs of this many of its rarest known words.
QUERY_ANCHOR_WORDS = 9
#: Texts with at most this many words are also indexed by character trigrams.
SHORT_MAX_WORDS = 8
#: Features shared by more texts than this are skipped (unless nothing is rarer).
MAX_FEATURE_DF = 200
#: Most postings read for one query, rarest features first.
POSTINGS_BUDGET = 2000
#: Candidates compared exactly for one query, at least.
CANDIDATES = 5
#: Candidates compared exactly for one query, at most (near-duplicates of the best).
MAX_CANDIDATES = 32
#: Features a candidate shares with the query before its sorted words are compared too.
REORDER_MIN_SHARED = 3
#: Least share of (rarity-weighted) words a match has in common with the query.
WORD_OVERLAP = 0.7
#: Character similarity from which no word check is needed (near-identical texts).
SURE_CHARACTERS = 0.9
#: Texts of at most this many words (headings, tags) weigh all their words the same.
HEADING_WORDS = 3
#: Two different words count as one when at least this similar (plural, accent).
SAME_WORD = 0.8
#: Words left unpaired on each side above which no fuzzy pairing is attempted.
MAX_FUZZY_PAIRING = 8


@dataclass(frozen=True)
class Match:
    """The best old msgid for a new one."""

    index: int  # index into the texts given to FuzzyMatcher
    score: float  # similarity in [0, 1]


def _words(text: str) -> list[str]:
    """Return the words of *text*, in NFC and case-folded."""
    return _WORD_RE.findall(unicodedata.normalize("NFC", text).casefold())


def _matchable(words: list[str]) -> bool:
    """Return whether a text with these words may match at all (two letters or more)."""
    return len(words) > 1 or (len(words) == 1 and len(words[0]) > 1)


def _trigrams(words: Iterable[str]) -> set[str]:
    """Return the character trigrams of *words* joined by spaces, padded."""
    padded = " " + " ".join(words) + " "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _anchor_keys(ranked: list[str]) -> Iterable[tuple[str, ...]]:
    """Return the index keys of a text from its rarest words, rarest first."""
    return combinations(ranked, 2) if len(ranked) > 1 else [tuple(ranked)]


def _append_all(postings: defaultdict[_Key, list[int]], keys: Iterable[_Key], index: int) -> None:
    """Append *index* to the posting list of every key (the loop runs in C)."""
    deque(map(list.append, map(postings.__getitem__, keys), repeat(index)), maxlen=0)


def _postings(index: Mapping[_Key, list[int]], keys: Iterable[_Key]) -> list[list[int]]:
    """Return the posting lists of the keys found, rarest first, within the reading budget."""
    found = sorted(filter(None, map(index.get, keys)), key=len)
    read = 0
    for n, posting in enumerate(found):
        if n and (len(posting) > MAX_FEATURE_DF or read + len(posting) > POSTINGS_BUDGET):
            return found[:n]
        read += len(posting)
    return found


def _unweighted(word: str, default: float) -> float:
    """Return 1: every word weighs the same."""
    return 1.0


def _sorted_tokens(text: str) -> str:
    """Return the whitespace-separated tokens of *text* in sorted order."""
    return " ".join(sorted(text.split()))


class FuzzyMatcher:
    """Index of old msgids; finds the most similar one to a new msgid without scanning them all."""

    def __init__(self, texts: Sequence[str], cutoff: float = 0.6) -> None:
        self._texts: list[str] = list(texts)
        self._cutoff = cutoff
        self._pairs: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
        self._trigrams: defaultdict[str, list[int]] = defaultdict(list)
        self._rank: dict[str, int] = {}
        self._weights: dict[str, float] = {}
        self._unknown_weight = 1.0
        # Hundreds of thousands of new lists: the cyclic collector would rescan them all.
        with paused_gc():
            self._build()

    def _build(self) -> None:
        """Fill the word statistics and both indexes."""
        docs: list[tuple[int, tuple[str, ...]]] = []
        seen: set[str] = set()
        normalize, casefold, findall, intern = unicodedata.normalize, str.casefold, _WORD_RE.findall, sys.intern
        for index, text in enumerate(self._texts):
            if text in seen:
                continue  # duplicates: the lowest index stands for all
            seen.add(text)
            words = findall(casefold(normalize("NFC", text)))
            if not _matchable(words):
                continue
            docs.append((index, tuple(map(intern, set(words)))))
            if len(words) <= SHORT_MAX_WORDS:
                _append_all(self._trigrams, _trigrams(words), index)
        df = Counter(chain.from_iterable(distinct for _, distinct in docs))
        # Words from rarest to commonest, ties by spelling: a total, deterministic order.
        ordered = sorted(df.items(), key=lambda item: (item[1], item[0]))
        self._rank = rank = {word: r for r, (word, _) in enumerate(ordered)}
        by_rank = rank.__getitem__
        for index, distinct in docs:
            _append_all(self._pairs, _anchor_keys(sorted(distinct, key=by_rank)[:ANCHOR_WORDS]), index)
        n = len(docs)
        self._unknown_weight = math.log(n + 1) + 1.0
        self._weights = {word: math.log((n + 1) / (count + 1)) + 1.0 for word, count in ordered}

    def find(self, text: str) -> Match | None:
        """Return the most similar old msgid at or above the cutoff, or None."""
        words = _words(text)
        if not _matchable(words):
            return None
        rank = self._rank
        known = sorted(filter(rank.__contains__, set(words)), key=rank.__getitem__)
        postings = _postings(self._pairs, _anchor_keys(known[:QUERY_ANCHOR_WORDS]))
        if len(words) <= SHORT_MAX_WORDS:
            postings += _postings(self._trigrams, _trigrams(words))
        counts = Counter(chain.from_iterable(postings))
        ranked = heapq.nsmallest(MAX_CANDIDATES, counts.items(), key=lambda item: (-item[1], item[0]))
        if not ranked:
            return None
        # A few candidates, plus every one about as well connected as the best (near-duplicates).
        floor = max(2, ranked[0][1] // 2)
        scored: list[tuple[float, int]] = []
        for n, (index, shared) in enumerate(ranked):
            if n >= CANDIDATES and shared < floor:
                break
            score = self._similarity(text, self._texts[index], shared)
            if score >= self._cutoff:
                scored.append((-score, index))
        # Best score first, then lowest index; the word check only as far as needed.
        for negative, index in sorted(scored):
            if self._related(text, words, self._texts[index], -negative):
                return Match(index, -negative)
        return None

    def _similarity(self, text: str, old: str, shared: int) -> float:
        """Return the character similarity of *text* and *old*; below the cutoff, that of their sorted words."""
        score = Indel.normalized_similarity(text, old)
        if score < self._cutoff and shared >= REORDER_MIN_SHARED:
            # As many common features as a reordered text has: compare the sorted words.
            score = Indel.normalized_similarity(_sorted_tokens(text), _sorted_tokens(old))
        return score

    def _related(self, text: str, words: list[str], old: str, score: float) -> bool:
        """Return whether *old* shares enough words with *text* to be more than a look-alike."""
        if score >= SURE_CHARACTERS and Indel.normalized_similarity(text, old) >= SURE_CHARACTERS:
            return True
        old_words = _words(old)
        weighted = max(len(words), len(old_words)) > HEADING_WORDS
        return self._word_overlap(words, old_words, weighted) >= WORD_OVERLAP

    def _word_overlap(self, words: list[str], old_words: list[str], weighted: bool = True) -> float:
        """Return the share of words common to both lists (Dice), weighted by rarity or not."""
        weight: Callable[[str, float], float] = self._weights.get if weighted else _unweighted
        unknown = self._unknown_weight if weighted else 1.0
        mine = Counter(words)
        theirs = Counter(old_words)
        total = sum(weight(w, unknown) * c for w, c in mine.items()) + sum(
            weight(w, unknown) * c for w, c in theirs.items()
        )
        shared = sum(weight(w, unknown) * min(c, theirs[w]) for w, c in mine.items() if w in theirs)
        left_mine = [w for w in mine if w not in theirs]
        left_theirs = [w for w in theirs if w not in mine]
        if left_mine and left_theirs and max(len(left_mine), len(left_theirs)) <= MAX_FUZZY_PAIRING:
            # Pair the remaining words that differ only slightly ("projet", "projets").
            for word in left_mine:
                found = process.extractOne(
                    word, left_theirs, scorer=Indel.normalized_similarity, score_cutoff=SAME_WORD
                )
                if found is not None:
                    other, similarity, i = found
                    del left_theirs[i]
                    pairs = min(mine[word], theirs[other])
                    shared += similarity * pairs * min(weight(word, unknown), weight(other, unknown))
                    if not left_theirs:
                        break
        return 2 * shared / total
