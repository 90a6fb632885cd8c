"""Fuzzy matching of msgids through an index, for ``update`` at scale.

GNU msgmerge compares a new msgid with every old one (quadratic on paragraphs).
Here candidates come from an inverted index, rarest features first, and only a
handful are compared exactly with rapidfuzz:

* texts of ``LONG_MIN_WORDS`` words or more are indexed by word bigrams;
* texts of ``SHORT_MAX_WORDS`` words or fewer are also indexed by character
  trigrams, so that headings and tags match on small edits.

A candidate is accepted when its character similarity (as msgmerge's
``fstrcmp``), or the similarity of its sorted words (a reordered sentence),
reaches the cutoff, *and* enough of its words, weighted by rarity, are shared:
unrelated prose in the same language shares many characters through its
function words, but few of its rarer words.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz.distance import Indel

__all__ = ["FuzzyMatcher", "Match"]

_WORD_RE = re.compile(r"\w+")

#: Texts with at least this many words are indexed by word bigrams.
LONG_MIN_WORDS = 4
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


def _normalize(text: str) -> str:
    """Return *text* in NFC, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def _trigrams(words: Sequence[str]) -> set[str]:
    """Return the character trigrams of *words* joined by spaces, padded."""
    padded = " " + " ".join(words) + " "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


class FuzzyMatcher:
    """Index of old msgids; finds the most similar one to a new msgid without scanning them all."""

    def __init__(self, texts: Sequence[str], cutoff: float = 0.6) -> None:
        self._texts: list[str] = list(texts)
        self._cutoff = cutoff
        self._vocab: dict[str, int] = {}
        self._bigrams: dict[int, list[int]] = {}
        self._trigrams: dict[str, list[int]] = {}
        vocab = self._vocab
        bigrams = self._bigrams
        trigrams = self._trigrams
        df: Counter[int] = Counter()
        seen: set[str] = set()
        for index, text in enumerate(self._texts):
            if text in seen:
                continue  # duplicates: the lowest index stands for all
            seen.add(text)
            words = _WORD_RE.findall(_normalize(text))
            if not words:
                continue
            ids = [vocab.setdefault(word, len(vocab)) for word in words]
            df.update(set(ids))
            if len(ids) >= LONG_MIN_WORDS:
                for key in {a << 32 | b for a, b in zip(ids, ids[1:])}:
                    posting = bigrams.get(key)
                    if posting is None:
                        bigrams[key] = [index]
                    else:
                        posting.append(index)
            if len(ids) <= SHORT_MAX_WORDS:
                for gram in _trigrams(words):
                    trigrams.setdefault(gram, []).append(index)
        # Rarity weight of each word (smoothed inverse document frequency).
        n = len(seen)
        self._unknown_weight = math.log(n + 1) + 1.0
        self._weights: dict[str, float] = {
            word: math.log((n + 1) / (df[i] + 1)) + 1.0 for word, i in vocab.items()
        }

    def find(self, text: str) -> Match | None:
        """Return the most similar old msgid at or above the cutoff, or None."""
        words = _WORD_RE.findall(_normalize(text))
        if sum(map(len, words)) < 2:
            return None
        counts: Counter[int] = Counter()
        if len(words) >= LONG_MIN_WORDS:
            vocab = self._vocab
            ids = [vocab.get(word, -1) for word in words]
            keys = {a << 32 | b for a, b in zip(ids, ids[1:]) if a >= 0 and b >= 0}
            self._gather(self._bigrams, keys, counts)
        if len(words) <= SHORT_MAX_WORDS:
            self._gather(self._trigrams, _trigrams(words), counts)
        candidates = heapq.nsmallest(CANDIDATES, counts.items(), key=lambda item: (-item[1], item[0]))
        best: Match | None = None
        for index in sorted(index for index, _ in candidates):
            score = self._score(text, words, self._texts[index])
            if score is not None and (best is None or score > best.score):
                best = Match(index, score)
        return best

    def _gather(self, postings: dict, keys: Iterable, counts: Counter[int]) -> None:
        """Count, per old text, the query features it shares, rarest features first."""
        found = sorted((len(postings[key]), key) for key in keys if key in postings)
        read = 0
        for df, key in found:
            if read and (df > MAX_FEATURE_DF or read + df > POSTINGS_BUDGET):
                break
            counts.update(postings[key])
            read += df

    def _score(self, text: str, words: list[str], old: str) -> float | None:
        """Return the similarity of *text* and *old*, or None if they are unrelated."""
        old_words = _WORD_RE.findall(_normalize(old))
        score = max(
            Indel.normalized_similarity(text, old),
            Indel.normalized_similarity(" ".join(sorted(words)), " ".join(sorted(old_words))),
        )
        if score < self._cutoff or self._word_overlap(words, old_words) < WORD_OVERLAP:
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
        total_mine = sum(weights.get(w, unknown) * c for w, c in mine.items())
        total_theirs = sum(weights.get(w, unknown) * c for w, c in theirs.items())
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
        return 2 * shared / (total_mine + total_theirs)
