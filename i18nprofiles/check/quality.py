"""Quality checks of one translation against its source: pure functions, no I/O.

Each check takes the source, the translation and the catalogue's context and
returns a message describing the problem, or None.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from statistics import median

NBSP = "\u00a0\u202f"
URL_RE = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\[\]\"«»]+")
# The lookahead lets most positions fail on one character class: three times faster.
MARKUP_RE = re.compile(r"(?=[*_`!\]<])(?:\*\*|__|\*|(?<!\w)_|_(?!\w)|`+|!\[|\]\(|<[/a-zA-Z][^<>]*>)")
NUMBER_RE = re.compile(r"[0-9]+(?:[ \u00a0\u202f.,][0-9]{3})*(?:[.,][0-9]+)?")
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}")
DOUBLE_SPACE_RE = re.compile(r"(?<=\S) {2,}(?=\S)")
CODE_SPAN_RE = re.compile(r"`[^`]*`")
FR_BEFORE_RE = re.compile(r"(?<![" + NBSP + r"!?;:])([;:!?])(?![\w/])")
FR_OPEN_RE = re.compile(r"«(?![" + NBSP + r"])")
FR_CLOSE_RE = re.compile(r"(?<![" + NBSP + r"])»")
END_TRIM = " \t\n" + NBSP + "*_`»«\"'”’)]"
END_MARKS = ".!?:;…"
LONG_SOURCE_WORDS = 4
LENGTH_MIN_CHARS = 20
LENGTH_FACTOR = 2.0
LENGTH_SAMPLE = 20


@dataclass(frozen=True)
class Context:
    """What the checks know about the catalogue: its locale, glossary and usual length ratio."""

    locale: str
    glossary: tuple[str, ...] = ()
    length_ratio: float = 1.0
    exempt: bool = False  # the entry comes from a profile written in the catalogue's language
    glossary_re: re.Pattern[str] | None = field(default=None, compare=False)


def build_context(locale: str, glossary: tuple[str, ...] = (), length_ratio: float = 1.0) -> Context:
    """A Context with the glossary compiled once."""
    pattern = None
    if glossary:
        terms = sorted(glossary, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")
    return Context(locale, tuple(glossary), length_ratio, False, pattern)


def usual_length_ratio(pairs: list[tuple[str, str]]) -> float:
    """The median translation/source length ratio of long sources; 1.0 with too few of them."""
    ratios = [len(t) / len(s) for s, t in pairs if len(s) >= LENGTH_MIN_CHARS and t]
    return median(ratios) if len(ratios) >= LENGTH_SAMPLE else 1.0


def _difference(source: Counter[str], target: Counter[str], what: str) -> str | None:
    if source == target:
        return None
    missing = sorted((source - target).elements())
    extra = sorted((target - source).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the source " + ", ".join(extra))
    return f"{what} differ: " + "; ".join(parts)


def _has_any(marks: Iterable[str], *texts: str) -> bool:
    """Whether a text holds one of the marks: a cheap test before a regular expression."""
    for text in texts:
        for mark in marks:
            if mark in text:
                return True
    return False


def check_markup(source: str, target: str, ctx: Context) -> str | None:
    """Emphasis, code, links, images and HTML tags must match the source's."""
    if not _has_any(("*", "_", "`", "<", "![", "]("), source, target):  # what MARKUP_RE can match begins so
        return None
    return _difference(Counter(MARKUP_RE.findall(source)), Counter(MARKUP_RE.findall(target)), "markup marks")


def _urls(text: str) -> Counter[str]:
    return Counter(url.rstrip(".,;:!?") for url in URL_RE.findall(text))


def check_urls(source: str, target: str, ctx: Context) -> str | None:
    """Link targets and bare URLs must be the source's, exactly."""
    if not _has_any(("://", "mailto:", "www."), source, target):
        return None
    return _difference(_urls(source), _urls(target), "URLs")


def _numbers(text: str) -> Counter[str]:
    text = URL_RE.sub(" ", text)
    return Counter(re.sub(r"[^0-9]", "", n) for n in NUMBER_RE.findall(text))


def check_numbers(source: str, target: str, ctx: Context) -> str | None:
    """The same numbers, whatever the digit grouping ("1 600", "1,600", "1.600")."""
    if not _has_any("0123456789", source, target):
        return None
    return _difference(_numbers(source), _numbers(target), "numbers")


def check_placeholders(source: str, target: str, ctx: Context) -> str | None:
    """printf and brace placeholders must be kept."""
    if not _has_any("%{", source, target):
        return None
    return _difference(Counter(PLACEHOLDER_RE.findall(source)), Counter(PLACEHOLDER_RE.findall(target)), "placeholders")


def check_line_breaks(source: str, target: str, ctx: Context) -> str | None:
    """Leading and trailing line breaks (msgfmt -c refuses a mismatch) and their number."""
    if source.startswith("\n") != target.startswith("\n"):
        return "a leading line break differs from the source"
    if source.endswith("\n") != target.endswith("\n"):
        return "a trailing line break differs from the source"
    if source.count("\n") != target.count("\n"):
        return f"{target.count(chr(10))} line breaks, the source has {source.count(chr(10))}"
    return None


def check_whitespace(source: str, target: str, ctx: Context) -> str | None:
    """Leading and trailing spaces as in the source."""
    blank = (" ", "\t")
    if (source[:1] in blank) != (target[:1] in blank):
        return "leading whitespace differs from the source"
    if (source[-1:] in blank) != (target[-1:] in blank):
        return "trailing whitespace differs from the source"
    return None


def _end_mark(text: str) -> str:
    text = text.rstrip(END_TRIM)
    if text.endswith("..."):
        return "…"
    return text[-1:] if text[-1:] in END_MARKS else ""


def check_end_punctuation(source: str, target: str, ctx: Context) -> str | None:
    """The final punctuation mark (. ! ? : ; …) matches the source's."""
    mark, found = _end_mark(source), _end_mark(target)
    if mark == found:
        return None
    if not found:
        return f"ends without the source's {mark!r}"
    if not mark:
        return f"ends with {found!r}, the source does not"
    return f"ends with {found!r}, the source with {mark!r}"


def check_double_space(source: str, target: str, ctx: Context) -> str | None:
    """No doubled space inside the text unless the source has one."""
    if "  " not in target:
        return None
    if len(DOUBLE_SPACE_RE.findall(target)) > len(DOUBLE_SPACE_RE.findall(source)):
        return "doubled space in the translation"
    return None


def check_unchanged(source: str, target: str, ctx: Context) -> str | None:
    """A long source copied as its own translation (not for profiles written in this language)."""
    if not ctx.exempt and target == source and len(source.split()) >= LONG_SOURCE_WORDS:
        return "the translation is the source text itself"
    return None


def check_length(source: str, target: str, ctx: Context) -> str | None:
    """Length ratio within a factor of two of the catalogue's usual one (long sources only)."""
    if len(source) < LENGTH_MIN_CHARS:
        return None
    ratio = len(target) / len(source)
    if ratio > ctx.length_ratio * LENGTH_FACTOR or ratio < ctx.length_ratio / LENGTH_FACTOR:
        return f"length ratio {ratio:.2f}, usual for this catalogue {ctx.length_ratio:.2f}"
    return None


def check_glossary(source: str, target: str, ctx: Context) -> str | None:
    """Every do-not-translate term of the source appears in the translation."""
    if ctx.glossary_re is None or not any(term in source for term in ctx.glossary):
        return None
    terms = Counter(ctx.glossary_re.findall(source))
    missing = sorted(t for t, n in terms.items() if len(re.findall(r"(?<!\w)" + re.escape(t) + r"(?!\w)", target)) < n)
    return "do-not-translate term missing: " + ", ".join(missing) if missing else None


def check_fr_typography(source: str, target: str, ctx: Context) -> str | None:
    """French: a (narrow) non-breaking space before : ; ! ? and inside « »."""
    if not ctx.locale.lower().startswith("fr") or not _has_any(";:!?«»", target):
        return None
    text = CODE_SPAN_RE.sub("", URL_RE.sub("", target))
    text = re.sub(r"(?<=\d):(?=\d)", "", text)
    problems = [f"before {m.group(1)!r}" for m in FR_BEFORE_RE.finditer(text)]
    if FR_OPEN_RE.search(text):
        problems.append("after '«'")
    if FR_CLOSE_RE.search(text):
        problems.append("before '»'")
    if not problems:
        return None
    return "missing non-breaking space " + ", ".join(dict.fromkeys(problems))


Check = Callable[[str, str, Context], "str | None"]

QUALITY_CHECKS: dict[str, Check] = {
    "markup": check_markup,
    "urls": check_urls,
    "placeholders": check_placeholders,
    "line-breaks": check_line_breaks,
    "glossary": check_glossary,
    "numbers": check_numbers,
    "whitespace": check_whitespace,
    "end-punctuation": check_end_punctuation,
    "double-space": check_double_space,
    "unchanged": check_unchanged,
    "length": check_length,
    "fr-typography": check_fr_typography,
}


def applies(name: str, locale: str) -> bool:
    """Whether a quality check concerns a catalogue of this locale."""
    return name != "fr-typography" or locale.lower().startswith("fr")
