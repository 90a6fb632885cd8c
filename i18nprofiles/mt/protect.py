"""Keep what a machine must not translate out of its reach.

Inline Markdown markup, URLs, e-mail addresses, placeholders and glossary
terms are replaced by numbered tokens (``⟦0⟧``) before a text is sent, and put
back afterwards.  A result whose tokens were lost, duplicated or altered is
refused.  Everything here is pure: no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

TOKEN_RE = re.compile(r"⟦(\d+)⟧")
MARKS_RE = re.compile(r"[⟦⟧]")
MARGINS_RE = re.compile(r"(\s*)(.*?)(\s*)", re.DOTALL)

# Order matters where two patterns could start at the same place.
PROTECTED_PATTERNS = [
    r"⟦[^⟦⟧\s]*⟧|[⟦⟧]",  # our own token marks, should a text ever contain them
    r"(`+).*?(?<!`)\1(?!`)",  # inline code
    r"<[A-Za-z/!?][^<>\n]*>",  # autolinks and inline HTML
    r"!?\[(?=[^\[\]\n]*\][(\[])",  # the opening bracket of a link or image
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)",  # ](url "title")
    r"\]\[[^\[\]]*\]",  # ][reference]
    r"(?:https?|ftp)://[^\s<>\[\]()]*[^\s<>\[\]().,;:!?'\"»]",  # URLs
    r"www\.[\w-]+(?:\.[\w-]+)+(?:/[^\s<>\[\]()]*[^\s<>\[\]().,;:!?'\"»])?",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # e-mail addresses
    r"\{\{.*?\}\}|\{[\w.:!\[\]-]*\}",  # {name}, {0}, {{ jinja }}
    r"%(?:\d+\$|\([\w]+\))?[-+#0]*\d*(?:\.\d+)?[sdifr](?!\w)",  # printf-style
    r"\\[\\`*_{}\[\]()#+\-.!|]",  # backslash escapes
    r"\*+|~~|(?<!\w)_+|_+(?!\w)",  # emphasis
]


class DamagedTokens(ValueError):
    """A machine result whose protection tokens do not match the source."""


@dataclass(frozen=True)
class Protected:
    """A text with its protected spans replaced by ``⟦n⟧`` tokens."""

    text: str
    spans: tuple[str, ...]


def build_pattern(glossary: Iterable[str] = ()) -> re.Pattern[str]:
    """One regular expression for every protected span, glossary terms (longest first) before the rest."""
    terms = sorted({t for t in glossary if t.strip()}, key=lambda t: (-len(t), t))
    words = [rf"(?<!\w){re.escape(term)}(?!\w)" for term in terms]
    return re.compile("|".join(f"(?:{p})" for p in [*words, *PROTECTED_PATTERNS]))


def protect_text(text: str, pattern: re.Pattern[str]) -> Protected:
    """Replace each protected span (neighbouring spans merged) by a numbered token."""
    spans: list[tuple[int, int]] = []
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        if spans and spans[-1][1] == match.start():
            spans[-1] = (spans[-1][0], match.end())
        else:
            spans.append((match.start(), match.end()))
    pieces, originals, last = [], [], 0
    for number, (start, end) in enumerate(spans):
        pieces.append(text[last:start] + f"⟦{number}⟧")
        originals.append(text[start:end])
        last = end
    pieces.append(text[last:])
    return Protected("".join(pieces), tuple(originals))


def restore_text(translated: str, protected: Protected) -> str:
    """Put the protected spans back; DamagedTokens if a token is lost, duplicated or altered."""
    found = Counter(TOKEN_RE.findall(translated))
    for number in range(len(protected.spans)):
        count = found.pop(str(number), 0)
        if count == 0:
            raise DamagedTokens(f"token ⟦{number}⟧ ({protected.spans[number]!r}) lost")
        if count > 1:
            raise DamagedTokens(f"token ⟦{number}⟧ ({protected.spans[number]!r}) duplicated")
    if found or MARKS_RE.search(TOKEN_RE.sub("", translated)):
        raise DamagedTokens("a token was altered")
    return TOKEN_RE.sub(lambda m: protected.spans[int(m.group(1))], translated)


def split_margins(text: str) -> tuple[str, str, str]:
    """Leading whitespace, the text, trailing whitespace."""
    match = MARGINS_RE.fullmatch(text)
    assert match is not None
    return match.group(1), match.group(2), match.group(3)


BREAKS = [re.compile(r"\s*\n\s*"), re.compile(r"(?<=[.!?…;:])\s+"), re.compile(r"\s+")]


def split_text(text: str, limit: int) -> list[tuple[str, str]]:
    """Cut a text without margins into pieces of at most ``limit`` characters.

    Returns (piece, separator) pairs whose concatenation is the text.  Cuts go
    at line breaks, then sentence ends, then spaces; never inside a token.
    """
    pieces: list[tuple[str, str]] = []
    rest = text
    while len(rest) > limit:
        cut = _find_cut(rest, limit)
        if cut is None:
            end = limit
            opening = rest.rfind("⟦", 0, end)
            if opening > 0 and rest.find("⟧", opening) >= end:
                end = opening
            pieces.append((rest[:end], ""))
            rest = rest[end:]
        else:
            start, end = cut
            pieces.append((rest[:start], rest[start:end]))
            rest = rest[end:]
    pieces.append((rest, ""))
    return pieces


def _find_cut(text: str, limit: int) -> tuple[int, int] | None:
    for pattern in BREAKS:
        cuts = [(m.start(), m.end()) for m in pattern.finditer(text) if 0 < m.start() <= limit]
        if cuts:
            return cuts[-1]
    return None
