"""Fuzzy matching of msgids: msgmerge's similarity, candidates from an index, and a check on the words.

The similarity of two msgids is GNU msgmerge's (``fstrcmp``): the share of
their characters left in place by the fewest insertions and deletions that
turn one into the other (rapidfuzz's normalised Indel similarity).  An old
msgid is a match when it is more similar than the cutoff (by default 0.6,
msgmerge's) and passes a check on its words.  A word is a run of letters and
digits, case-folded, outside format directives (``%s``, ``%2$d``,
``%(name)s``, ``{name}``, ``$var``) and markup (``<b>``, ``&amp;``); two
words are forms of one word when they begin with the same five letters
(``update``/``updates``, ``clean``/``cleaning``), or when one is the other
with an ending of one or two letters (``file``/``files``):

* messages (either text has fewer than ``PROSE_WORDS`` words) must share a
  word, when both have words: ``%s tree`` and ``%s thread failed`` have the
  characters of a match and none of its words, so the translation of one is
  no draft for the other;
* paragraphs (both texts have ``PROSE_WORDS`` words or more) must share
  ``WORD_OVERLAP`` of their words (by their first five letters), weighted by
  rarity, unless they are near-identical: two unrelated paragraphs in the
  same language share many characters through their function words, but few
  of their rarer words.  A paragraph whose sentences moved around is also
  compared on its sorted words.

The most similar match wins; among equals, the one with the query's
msgctxt, then the one with more words in common (weighted by rarity), then
the one with the same directives and markup, then the first.

No query is compared with every old msgid.  Old messages are indexed by
their words (first five letters), old paragraphs by the pairs of their
``ANCHOR_WORDS`` rarest words (an edited paragraph keeps some of them, and a
pair of rare words stays rare at any catalogue size).  A message is compared
with the old messages that share one of its words (read from its rarest
words on, within a budget), with the old texts that have no words, and, when
it is long, with the old paragraphs of a fitting length (through the pair
index when there are many); a paragraph with the old paragraphs that share
the most pairs of its rarer words and the old messages of a fitting length;
a text without words with every old text of a fitting length.  rapidfuzz
compares them in its C loop, skipping at once the lengths that rule out the
cutoff.  Only the old texts that get that far are analysed again for the
word check: the index keeps no words per text.
"""

from __future__ import annotations

import bisect
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, combinations, count, groupby
from operator import itemgetter
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Indel

from i18nprofiles.runtime import paused_gc

__all__ = ["FuzzyMatcher", "Match", "DEFAULT_CUTOFF", "SURE_CHARACTERS", "analyse_text", "same_word"]

#: msgmerge's threshold: a match is more similar than this (the ``fuzzy_threshold`` setting).
DEFAULT_CUTOFF = 0.6
#: Words that begin with this many letters in common are forms of one word (``clean``/``cleaning``).
STEM_LETTERS = 5
#: So are a word of at least ``SHORT_WORD`` letters and the same word with an ending of at most
#: ``ENDING_LETTERS`` letters (``file``/``files``).
SHORT_WORD = 3
ENDING_LETTERS = 2
#: From this many words (in both texts), texts are compared as paragraphs.
PROSE_WORDS = 20
#: Least share of (rarity-weighted) words a paragraph has in common with its match.
WORD_OVERLAP = 0.7
#: Character similarity from which two texts are near-identical (no word check for paragraphs).
SURE_CHARACTERS = 0.9
#: Each text is indexed under the pairs of this many of its rarest words ...
ANCHOR_WORDS = 5
#: ... and a paragraph looks up the pairs of this many of its rarest words.
QUERY_ANCHOR_WORDS = 9
#: Postings read for one query, rarest keys first (the rarest key's are always read).
POSTINGS_BUDGET = 2000
#: Paragraphs compared with a query, at most.
MAX_PROSE_CANDIDATES = 32
#: Words a paragraph must share with a candidate before their sorted words are compared too.
REORDER_MIN_SHARED = 3

_DIRECTIVE_OR_MARKUP = re.compile(
    r"""%(?:\d+\$)?[-+\#0']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGcspaA]  # printf
      | %<PRI\w+>                                                  # printf with a <inttypes.h> macro
      | %\([^()\s]+\)[-+\#0 ]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]      # Python %(name)s
      | %\d+                                                       # Qt %1
      | \{[A-Za-z_]?[\w.\[\]]*(?:![rsa])?(?::[^{}\s]*)?\}          # Python {name}, {0:>3}
      | \$\{?[A-Za-z_]\w*\}?                                       # shell, Perl, NSIS $var ${var}
      | </?[A-Za-z][\w:.-]*(?:\s[^<>]*)?/?>                        # markup tags
      | &(?:\#\d+|\#x[0-9A-Fa-f]+|[A-Za-z]\w*);                   # character entities
    """,
    re.VERBOSE,
)
_MARK_STARTS = "%{$<&"  # every directive and markup begins with one of these
_MNEMONICS = "_&"
_WORD_RE = re.compile(r"[^\W_]+")
# Ideographs and kana are words of one character each (no spaces between words).
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_IDEOGRAPH_RE = re.compile(rf"[{_IDEOGRAPHS}]")
_WORD_OR_IDEOGRAPH_RE = re.compile(rf"[{_IDEOGRAPHS}]|[^\W_{_IDEOGRAPHS}]+")


@dataclass(frozen=True)
class Match:
    """The best old msgid for a new one."""

    index: int  # index into the texts given to FuzzyMatcher
    score: float  # similarity in [0, 1]


class _Text(NamedTuple):
    """What matching needs to know of one distinct msgid."""

    text: str
    words: frozenset[str]  # its distinct words
    stems: frozenset[str]  # the first letters of its distinct words
    length: int  # its number of words
    tokens: tuple[str, ...]  # its directives and markup, sorted


def analyse_text(text: str) -> _Text:
    """Return the words and the directives and markup of *text*."""
    tokens = _DIRECTIVE_OR_MARKUP.findall(text) if any(mark in text for mark in _MARK_STARTS) else []
    plain = _DIRECTIVE_OR_MARKUP.sub(" ", text) if tokens else text
    for mnemonic in _MNEMONICS:  # the accelerator key markers of GTK, Qt, NSIS: "_Shred", "Sh&red"
        if mnemonic in plain:
            plain = plain.replace(mnemonic, "")
    pattern = _WORD_RE
    if not plain.isascii():
        plain = unicodedata.normalize("NFC", plain)
        if _IDEOGRAPH_RE.search(plain):
            pattern = _WORD_OR_IDEOGRAPH_RE
    words = pattern.findall(plain.casefold())
    distinct = frozenset(words)
    stems = frozenset([word[:STEM_LETTERS] for word in distinct])
    return _Text(text, distinct, stems, len(words), tuple(sorted(tokens)) if tokens else ())


def same_word(a: str, b: str) -> bool:
    """Return whether two case-folded words are forms of one word."""
    if a[:STEM_LETTERS] == b[:STEM_LETTERS]:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= SHORT_WORD and len(long) - len(short) <= ENDING_LETTERS and long.startswith(short)


def _share_a_word(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Return whether a word of *mine* is a form of a word of *theirs*."""
    return not mine.isdisjoint(theirs) or any(same_word(a, b) for a in mine for b in theirs)


def _matchable(analysed: _Text) -> bool:
    """Return whether a text may match at all: two words, a word of two letters, or two visible characters."""
    if analysed.length:
        return analysed.length > 1 or len(next(iter(analysed.words))) > 1
    return len("".join(analysed.text.split())) > 1


def _sorted_words(text: str) -> str:
    """Return the whitespace-separated words of *text* in sorted order."""
    return " ".join(sorted(text.split()))


def _pairs(ranks: Sequence[int]) -> Iterable[tuple[int, ...]]:
    """Return the keys of the pair index from the ranks of words, rarest first."""
    return combinations(ranks, 2) if len(ranks) > 1 else [tuple(ranks)]


class PairIndex:
    """The uids of the paragraphs indexed under each pair of word ranks (or a single rank), as one sorted
    array of numbers that each hold a pair and a uid: a dictionary of lists held 110 MB for 60,000
    paragraphs (ten pairs each), this holds 5."""

    def __init__(self, ranks: int, texts: int, postings: Iterable[tuple[tuple[int, ...], int]]) -> None:
        self._base = ranks + 1  # a single rank r is the pair (r, ranks)
        self._shift = max(texts, 1).bit_length()
        codes = sorted(self._code(key) << self._shift | uid for key, uid in postings)
        fits = not codes or codes[-1] < 1 << 63
        self._codes: array[int] | list[int] = array("q", codes) if fits else codes

    def _code(self, key: tuple[int, ...]) -> int:
        return key[0] * self._base + (key[1] if len(key) > 1 else self._base - 1)

    def get(self, key: tuple[int, ...]) -> list[int] | None:
        """The uids indexed under ``key``, in the order they were given; None for none."""
        if not key:
            return None
        codes, shift = self._codes, self._shift
        start = self._code(key) << shift
        low = bisect.bisect_left(codes, start)
        high = bisect.bisect_left(codes, start + (1 << shift), low)
        if low == high:
            return None
        mask = (1 << shift) - 1
        return [code & mask for code in codes[low:high]]


class FuzzyMatcher:
    """Index of old msgids; finds the most similar one to a new msgid without comparing them all.

    *contexts*, when given, are the msgctxt of the texts (None for none): a
    match from the query's own context is preferred among equally similar ones.
    """

    def __init__(self, texts: Sequence[str], cutoff: float = DEFAULT_CUTOFF,
                 contexts: Sequence[str | None] | None = None) -> None:
        if contexts is not None and len(contexts) != len(texts):
            raise ValueError("contexts and texts differ in length")
        self._cutoff = cutoff
        self._contexts: Sequence[str | None] = contexts if contexts is not None else [None] * len(texts)
        self._strings: list[str] = []  # the distinct texts, by uid
        self._members: list[list[int]] = []  # the indexes of each distinct text
        self._lengths: list[int] = []  # by uid
        self._by_length: list[tuple[int, int]] = []  # (length, uid), sorted
        self._words: defaultdict[str, list[int]] = defaultdict(list)  # stem -> uids of the messages
        self._stems: list[str] = []  # every stem, sorted
        self._pairs = PairIndex(0, 0, ())  # pair of ranks -> uids
        self._wordless: list[int] = []  # uids of the texts without words
        self._shortest_paragraph = sys.maxsize  # length of the shortest text of PROSE_WORDS words or more
        self._messages_by_length: list[tuple[int, int]] = []  # (length, uid) of the other texts, sorted
        self._paragraphs_by_length: list[tuple[int, int]] = []  # (length, uid) of the paragraphs, sorted
        self._rank: dict[str, int] = {}  # stem -> rank, rarest first
        self._weights: dict[str, float] = {}
        self._unknown_weight = 1.0
        with paused_gc():  # many new lists: the cyclic collector would rescan them all
            self._build(texts)

    def _build(self, texts: Sequence[str]) -> None:
        """Analyse the distinct texts and fill the word index of the messages and the pair index of the
        paragraphs (the analyses are not kept: a catalogue of paragraphs would hold every word twice)."""
        uids: dict[str, int] = {}
        strings, members, words = self._strings, self._members, self._words
        paragraphs: list[int] = []  # uids of the texts of PROSE_WORDS words or more
        df: Counter[str] = Counter()
        paragraph_stems: list[tuple[str, ...]] = []
        for index, text in enumerate(texts):
            uid = uids.get(text)
            if uid is not None:
                members[uid].append(index)
                continue
            analysed = analyse_text(text)
            if not text or not _matchable(analysed):
                continue
            uid = uids[text] = len(strings)
            strings.append(text)
            members.append([index])
            df.update(analysed.stems)
            if not analysed.stems:
                self._wordless.append(uid)
            elif analysed.length >= PROSE_WORDS:
                paragraphs.append(uid)
                paragraph_stems.append(tuple(map(sys.intern, analysed.stems)))
            else:
                for stem in analysed.stems:
                    words[stem].append(uid)
        self._lengths = lengths = list(map(len, strings))
        self._by_length = sorted(zip(lengths, count()))
        self._shortest_paragraph = min(map(lengths.__getitem__, paragraphs), default=sys.maxsize)
        is_paragraph = set(paragraphs).__contains__
        self._paragraphs_by_length = [item for item in self._by_length if is_paragraph(item[1])]
        self._messages_by_length = [item for item in self._by_length if not is_paragraph(item[1])]
        self._stems = sorted(df)
        # Words from rarest to commonest, ties by spelling: a total, deterministic order.
        self._rank = rank = {stem: r for r, stem in enumerate(sorted(df, key=lambda stem: (df[stem], stem)))}
        n = len(strings)
        self._unknown_weight = math.log(n + 1) + 1.0
        self._weights = {stem: math.log((n + 1) / (found + 1)) + 1.0 for stem, found in df.items()}
        self._pairs = PairIndex(len(rank), n, (
            (key, uid) for uid, stems in zip(paragraphs, paragraph_stems)
            for key in _pairs(sorted(map(rank.__getitem__, stems))[:ANCHOR_WORDS])))

    def _text(self, uid: int) -> _Text:
        """Return the analysis of an old text (made again for the few that get this far)."""
        return analyse_text(self._strings[uid])

    def find(self, text: str, context: str | None = None) -> Match | None:
        """Return the most similar old msgid (above the cutoff, sharing enough words), or None.

        *context* is the query's msgctxt: among equally similar old msgids, one
        with the same context is preferred.
        """
        query = analyse_text(text)
        if not text or not _matchable(query):
            return None
        prose = query.length >= PROSE_WORDS
        paragraphs = self._paragraphs(query) if prose else []
        candidates = [*self._candidates(query, prose), *paragraphs]
        if not candidates:
            return None
        scored = self._scores(query, candidates)
        if paragraphs:
            scored += self._reordered(query, paragraphs, {uid for _, uid in scored})
        scored.sort(key=lambda item: (-item[0], item[1]))
        for score, tied in groupby(scored, key=itemgetter(0)):
            uids = [uid for _, uid in tied]
            if len(uids) > 1:
                uids.sort(key=lambda uid: self._preference(query, context, uid))
            for uid in uids:
                if self._related(query, self._text(uid), score):
                    return Match(self._member(uid, context), score)
        return None

    def _candidates(self, query: _Text, prose: bool) -> Iterable[int]:
        """Return the uids to compare with *query* besides paragraphs found through the pair index: for a
        message, the old messages that share a word with it (and the paragraphs, for a long one); for a
        paragraph, the old messages of a fitting length; for a text without words, every text of a
        fitting length; and the texts without words."""
        low, high = self._length_range(len(query.text))
        if not query.stems or prose:  # few old texts are long enough for a paragraph
            return self._of_length(self._by_length if not query.stems else self._messages_by_length, low, high)
        keys = set(chain.from_iterable(map(self._keys, query.words)))
        found = set(chain.from_iterable(self._read(self._words, keys))).union(self._wordless)
        if high >= self._shortest_paragraph:  # a long message may match a paragraph on the message rule
            paragraphs = self._of_length(self._paragraphs_by_length, low, high)
            found.update(paragraphs if len(paragraphs) <= POSTINGS_BUDGET else self._paragraphs(query))
        return found  # rapidfuzz skips at once the texts whose length rules out the cutoff

    @staticmethod
    def _of_length(by_length: list[tuple[int, int]], low: int, high: int) -> list[int]:
        """Return the uids of a list of (length, uid) whose length is from *low* to *high*."""
        start = bisect.bisect_left(by_length, (low, -1))
        end = bisect.bisect_right(by_length, (high, sys.maxsize))
        return [uid for _, uid in by_length[start:end]]

    def _keys(self, word: str) -> list[str]:
        """Return the index keys (stems) of the forms of *word*."""
        keys = [word[:STEM_LETTERS]]
        if len(word) >= SHORT_WORD:
            # The word without an ending ("files": "file"), and with one ("file": "files", "filed").
            shortest = max(SHORT_WORD, len(word) - ENDING_LETTERS)
            keys += [word[:n] for n in range(shortest, min(len(word), STEM_LETTERS))]
            if len(word) < STEM_LETTERS:
                start = bisect.bisect_right(self._stems, word)
                end = bisect.bisect_left(self._stems, word + "\U0010ffff")
                keys += self._stems[start:end]
        return keys

    def _paragraphs(self, query: _Text) -> list[int]:
        """Return the uids of the few old paragraphs that share the most pairs of the query's rarer words,
        the best connected first."""
        rank = self._rank
        known = sorted(map(rank.__getitem__, filter(rank.__contains__, query.stems)))
        counts = Counter(chain.from_iterable(self._read(self._pairs, _pairs(known[:QUERY_ANCHOR_WORDS]))))
        ranked = counts.most_common()  # (stable: ties in the order the postings were read)
        # Those with as many pairs in common as the best, or half as many.
        floor = ranked[0][1] // 2 if ranked else 0
        low, high = self._length_range(len(query.text))
        lengths = self._lengths
        found: list[int] = []
        for uid, shared in ranked:
            if shared < floor or len(found) == MAX_PROSE_CANDIDATES:
                break
            if low <= lengths[uid] <= high:
                found.append(uid)
        return found

    def _length_range(self, length: int) -> tuple[int, int]:
        """Return the lengths of the texts that can be more similar than the cutoff to one of *length*
        (two texts of lengths l <= m are at most 2 l / (l + m) similar)."""
        cutoff = self._cutoff
        if cutoff <= 0:
            return 0, sys.maxsize
        return math.floor(length * cutoff / (2 - cutoff)), math.ceil(length * (2 - cutoff) / cutoff)

    @staticmethod
    def _read(index: dict | PairIndex, keys: Iterable) -> list[list[int]]:  # type: ignore[type-arg]
        """Return the posting lists of the keys found, shortest first, within the reading budget."""
        found = sorted(filter(None, map(index.get, keys)), key=len)
        read = 0
        for n, posting in enumerate(found):
            if n and read + len(posting) > POSTINGS_BUDGET:
                return found[:n]
            read += len(posting)
        return found

    def _scores(self, query: _Text, candidates: list[int]) -> list[tuple[float, int]]:
        """Return (similarity, uid) of the candidates more similar than the cutoff."""
        cutoff = self._cutoff
        choices = list(map(self._strings.__getitem__, candidates))
        # (rapidfuzz's cutoff may leave out a similarity equal to it: ask for a little less, then check)
        found = process.extract(query.text, choices, scorer=Indel.normalized_similarity,
                                score_cutoff=max(0.0, cutoff - 0.01), limit=None)
        return [(score, candidates[i]) for _, score, i in found if score > cutoff]

    def _reordered(self, query: _Text, paragraphs: list[int], taken: set[int]) -> list[tuple[float, int]]:
        """Return (similarity of the sorted words, uid) of the best connected paragraph not scored yet that
        shares ``REORDER_MIN_SHARED`` words (a paragraph whose sentences moved around), above the cutoff."""
        words = _sorted_words(query.text)
        found = []
        for uid in (uid for uid in paragraphs if uid not in taken):
            if len(query.stems.intersection(self._text(uid).stems)) < REORDER_MIN_SHARED:
                continue
            score = Indel.normalized_similarity(words, _sorted_words(self._strings[uid]))
            if score > self._cutoff:
                found.append((score, uid))
            break  # only the best connected one: the paragraph itself, moved around
        return found

    def _preference(self, query: _Text, context: str | None, uid: int) -> tuple[bool, float, bool, int]:
        """Order among equally similar texts: same context first, then more words in common (weighted by
        rarity), then the same directives and markup, then the first."""
        members = self._members[uid]
        contexts = self._contexts
        same_context = any(contexts[i] == context for i in members)
        old = self._text(uid)
        return not same_context, -self._word_overlap(query.stems, old.stems), old.tokens != query.tokens, members[0]

    def _member(self, uid: int, context: str | None) -> int:
        """Return the index of the distinct text *uid* to report: the first with the same context, or the first."""
        members = self._members[uid]
        return next((i for i in members if self._contexts[i] == context), members[0])

    def _related(self, query: _Text, old: _Text, score: float) -> bool:
        """Return whether *old* has enough words of *query* to be more than a look-alike."""
        if not query.stems or not old.stems:
            return True
        if min(query.length, old.length) < PROSE_WORDS:
            return _share_a_word(query.words, old.words)
        if score >= SURE_CHARACTERS and Indel.normalized_similarity(query.text, old.text) >= SURE_CHARACTERS:
            return True
        return self._word_overlap(query.stems, old.stems) >= WORD_OVERLAP

    def _word_overlap(self, mine: frozenset[str], theirs: frozenset[str]) -> float:
        """Return the share of words common to both texts (Dice over their distinct words, by their first
        letters), each weighted by its rarity."""
        weight, unknown = self._weights.get, self._unknown_weight
        total = sum(weight(w, unknown) for w in mine) + sum(weight(w, unknown) for w in theirs)
        shared = sum(weight(w, unknown) for w in mine & theirs)
        return 2 * shared / total if total else 0.0
