"""Fuzzy matching of msgids through an index, for ``update`` at scale.

GNU msgmerge compares a new msgid with every old one (quadratic on paragraphs).
Here candidates come from two inverted indexes, and only a handful are compared
exactly with rapidfuzz:

* every text is indexed under the pairs of its ``ANCHOR_WORDS`` rarest words;
  a query looks up the pairs of its ``QUERY_ANCHOR_WORDS`` rarest words, so a
  text edited in up to ``QUERY_ANCHOR_WORDS - ANCHOR_WORDS`` words, or with
  its sentences reordered, still shares a pair with its original;
* texts of ``SHORT_MAX_WORDS`` words or fewer are also indexed by character
  trigrams, so that headings and tags match on small edits inside a word.

A candidate is accepted when its character similarity (as msgmerge's
``fstrcmp``), or the similarity of its sorted words (a reordered sentence),
reaches the cutoff, *and* enough of its words, weighted by rarity, are shared:
unrelated prose in the same language shares many characters through its
function words, but few of its rarer words.
"""

from __future__ import annotations

import gc
import heapq
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat

from rapidfuzz.distance import Indel

__all__ = ["FuzzyMatcher", "Match"]

_WORD_RE = re.compile(r"\w+")

#: Each text is indexed under the pairs of this many of its rarest words.
ANCHOR_WORDS = 6
#: A query looks up the pairs of this many of its rarest words.
QUERY_ANCHOR_WORDS = 10
#: Texts with at most this many words are also indexed by character trigrams.
SHORT_MAX_WORDS = 8
#: Features shared by more texts than this are skipped (unless nothing is rarer).
MAX_FEATURE_DF = 200
#: Most postings read for one query, rarest features first.
POSTINGS_BUDGET = 2000
#: Candidates compared exactly for one query.
CANDIDATES = 8
#: Least share of (rarity-weighted) words a match has in common with the query.
WORD_OVERLAP = 0.5
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


def _trigrams(words: Iterable[str]) -> set[str]:
    """Return the character trigrams of *words* joined by spaces, padded."""
    padded = " " + " ".join(words) + " "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class FuzzyMatcher:
    """Index of old msgids; finds the most similar one to a new msgid without scanning them all."""

    def __init__(self, texts: Sequence[str], cutoff: float = 0.6) -> None:
        self._texts: list[str] = list(texts)
        self._cutoff = cutoff
        self._df: Counter[str] = Counter()
        self._pairs: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
        self._trigrams: defaultdict[str, list[int]] = defaultdict(list)
        # Millions of small lists: the cyclic collector would rescan them all.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build()
        finally:
            if collecting:
                gc.enable()

    def _build(self) -> None:
        """Fill the word frequencies and both indexes."""
        seen: set[str] = set()
        docs: list[tuple[int, list[str]]] = []
        for index, text in enumerate(self._texts):
            if text in seen:
                continue  # duplicates: the lowest index stands for all
            seen.add(text)
            words = _words(text)
            if sum(map(len, words)) < 2:
                continue
            distinct = sorted(map(sys.intern, set(words)))
            self._df.update(distinct)
            docs.append((index, distinct))
            if len(words) <= SHORT_MAX_WORDS:
                _append_all(self._trigrams, _trigrams(words), index)
        rarity = self._df.__getitem__
        for index, distinct in docs:
            _append_all(self._pairs, _anchor_keys(sorted(distinct, key=rarity)[:ANCHOR_WORDS]), index)
        n = len(docs)
        self._unknown_weight = math.log(n + 1) + 1.0
        self._weights: dict[str, float] = {
            word: math.log((n + 1) / (df + 1)) + 1.0 for word, df in self._df.items()
        }

    def find(self, text: str) -> Match | None:
        """Return the most similar old msgid at or above the cutoff, or None."""
        words = _words(text)
        if sum(map(len, words)) < 2:
            return None
        counts: Counter[int] = Counter()
        ranked = sorted(sorted(set(words)), key=self._df.__getitem__)
        self._gather(self._pairs, _anchor_keys(ranked[:QUERY_ANCHOR_WORDS]), counts)
        if len(words) <= SHORT_MAX_WORDS:
            self._gather(self._trigrams, _trigrams(words), counts)
        candidates = heapq.nsmallest(CANDIDATES, counts.items(), key=lambda item: (-item[1], item[0]))
        sorted_tokens = " ".join(sorted(text.split()))
        best: Match | None = None
        for index in sorted(index for index, _ in candidates):
            score = self._score(text, words, sorted_tokens, self._texts[index])
            if score is not None and (best is None or score > best.score):
                best = Match(index, score)
        return best

    def _gather(self, postings: dict, keys: Iterable[Hashable], counts: Counter[int]) -> None:
        """Count, per old text, the query features it shares, rarest features first."""
        found = sorted((len(postings[key]), key) for key in set(keys) if key in postings)
        read = 0
        for df, key in found:
            if read and (df > MAX_FEATURE_DF or read + df > POSTINGS_BUDGET):
                break
            counts.update(postings[key])
            read += df

    def _score(self, text: str, words: list[str], sorted_tokens: str, old: str) -> float | None:
        """Return the similarity of *text* and *old*, or None if they are unrelated."""
        score = max(
            Indel.normalized_similarity(text, old),
            Indel.normalized_similarity(sorted_tokens, " ".join(sorted(old.split()))),
        )
        if score < self._cutoff or self._word_overlap(words, _words(old)) < WORD_OVERLAP:
            return None
        return score

    def _word_overlap(self, words: list[str], old_words: list[str]) -> float:
        """Return the rarity-weighted share of words common to both lists (Dice)."""
        weights = self._weights
        unknown = self._unknown_weight
        mine = Counter(words)
        theirs = Counter(old_words)
        common = mine & theirs
        shared = sum(weights.get(w, unknown) * c for w, c in common.items())
        total = sum(weights.get(w, unknown) * c for w, c in (mine + theirs).items())
        left_mine = list((mine - common).elements())
        left_theirs = list((theirs - common).elements())
        if left_mine and left_theirs and max(len(left_mine), len(left_theirs)) <= MAX_FUZZY_PAIRING:
            # Pair the remaining words that differ only slightly ("projet", "projets").
            for word in left_mine:
                ratios = [Indel.normalized_similarity(word, other) for other in left_theirs]
                best = max(range(len(ratios)), key=ratios.__getitem__)
                if ratios[best] >= SAME_WORD:
                    other = left_theirs.pop(best)
                    shared += ratios[best] * min(weights.get(word, unknown), weights.get(other, unknown))
                    if not left_theirs:
                        break
        return 2 * shared / total


def _anchor_keys(ranked: list[str]) -> Iterable[tuple[str, ...]]:
    """Return the index keys of a text from its rarest words, rarest first."""
    return combinations(ranked, 2) if len(ranked) > 1 else [tuple(ranked)]


def _append_all(postings: defaultdict[Hashable, list[int]], keys: Iterable[Hashable], index: int) -> None:
    """Append *index* to the posting list of every key (a loop in C, not Python)."""
    deque(map(list.append, map(postings.__getitem__, keys), repeat(index)), maxlen=0)
