"""Quality checks of one translation against its source: pure functions, no I/O.

Each check takes the source, the translation and the context (the catalogue's
locale, glossary and usual length ratio; the domain's conventions; what the
entry's flags say) and returns a message describing the problem, or None.
Each begins with a test that is cheap on prose, since a check runs on every
translated entry of catalogues of tens of thousands of paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names

from i18nprofiles.check.numberwords import spelled_numbers
from i18nprofiles.check.conventions import HTML, MARKDOWN, NO_MARKUP, OFF, PROFILES, Conventions, build_conventions
from i18nprofiles.check.placeholders import (
    ANGLE_RE,
    BRACE_RE,
    PERCENT_RE,
    EntryFormats,
    check_placeholders as compare_placeholders,
    check_printf as compare_printf,
    count_translated,
    read_entry_formats,
    split_angles,
)

NBSP = "\u00a0\u202f"
URL_RE = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>()\[\]\"«»]+")
# The lookahead lets most positions fail on one character class: three times faster.
MARKUP_RE = re.compile(r"(?=[*_`!\]<])(?:\*\*|__|\*|(?<!\w)_|_(?!\w)|`+|!\[|\]\(|<[/a-zA-Z][^<>]*>)")
MARKDOWN_MARKS = ("*", "_", "`", "<", "![", "](")  # what MARKUP_RE can match begins so
TAG_RE = re.compile(r"<[/a-zA-Z][^<>]*>")
DIGITS = "0123456789"
NUMBER = r"[0-9]+(?:[ \u00a0\u202f.,][0-9]{3})*(?:[.,][0-9]+)?"
# Not the digits of a word ("SHA1", "i18n", "x86_64", "IPv6", "UTF-8"): translating the word may drop them.
NUMBER_RE = re.compile(rf"(?<!\w)(?<![^\W\d_]-)(?<![0-9][.,]){NUMBER}")
# Digits joined to a letter ("SDL2", "N64", "3D", "1er", "Nintendo-64-Emulator"): a number on the other side
# may be written so.
GLUED_NUMBER_RE = re.compile(rf"(?:(?<=[^\W\d_])|(?<=[^\W\d_]-)){NUMBER}|{NUMBER}(?=[^\W\d_])")
ACCELERATOR_RE = re.compile(r"[_&](?=[^\W_])")  # "_12 hour format": the mark of the key before a number
SMALL_NUMBER = 12  # a number up to this one is often spelled out: "three-way" → "3 points", "1st" → "premier"
DOUBLE_SPACE_RE = re.compile(r"(?<=\S) {2,}(?=\S)")
CODE_SPAN_RE = re.compile(r"`[^`]*`")
FR_BEFORE_RE = re.compile(r"(?<![" + NBSP + r"!?;:,\[(|])([;:!?])(?![\w/])")  # not in a key list such as [y,n,?]
FR_OPEN_RE = re.compile(r"«(?![" + NBSP + r"])")
FR_CLOSE_RE = re.compile(r"(?<![" + NBSP + r"])»")
# A word written twice (the atomic group makes the scan of a text without one a third faster); doubled_words
# keeps words of letters that are no piece of "peut-être", "s'arrête" or "%s".
DOUBLED_WORD_RE = re.compile(r"\b(?>(\w+))\s+\1\b", re.IGNORECASE)
NOT_BEFORE_WORD = "%'’-"
NOT_AFTER_WORD = "'’-"
# Words a language doubles on purpose ("vous vous trompez", "die, die" without its comma, "Sie sie").
DOUBLED_ON_PURPOSE = {
    "fr": {"vous", "nous"},
    "de": {"die", "der", "das", "den", "dem", "des", "sie"},
    "nl": {"die", "dat"},
    "en": {"had", "that"},
}
SYNOPSIS_RE = re.compile(r"\[\s*[<-]")  # "[<path>...]", "[-v]", "[--quiet]": a command line's usage
ALTERNATIVES_RE = re.compile(r"[\[(][^\])]*\|[^\])]*[\])]")  # "[ show | expire ]", "(init|list)": a usage too
BRACKET_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))
CONTROL_ESCAPES = {"\r": "\\r", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v", "\x1b": "\\e", "\0": "\\0"}
ESCAPED = "\\" + "".join(CONTROL_ESCAPES)
QUOTES = "\"'”’»«“‘›‹"
CLOSERS = ")]}"
EMPHASIS = "*_`"
# End marks, their equivalents in other scripts, and the languages that end sentences otherwise.
END_MARKS = ".!?:;…"
END_EQUIVALENTS = str.maketrans({
    "。": ".", "．": ".", "।": ".", "։": ".", "።": ".", "။": ".", "؟": "?", "？": "?", "！": "!", "：": ":",
    "；": ";", "؛": ";", "⋯": "…", "\u037e": "?",  # GREEK QUESTION MARK
})
END_MARKS_ALL = END_MARKS + "".join(chr(c) for c in END_EQUIVALENTS)
END_TRIM = " \t\n" + NBSP + CLOSERS + QUOTES
END_TRIM_MARKDOWN = END_TRIM + EMPHASIS
QUESTION_SEMICOLON = {"el"}  # Greek asks with ";"
NO_FINAL_PERIOD = {"th", "lo", "km", "my"}  # a final "." often dropped
LONG_SOURCE_WORDS = 4
LENGTH_MIN_CHARS = 50  # shorter sources are paraphrased freely ("Main Porcelain Commands" → "Hauptbefehle")
LENGTH_FACTOR = 2.0
LENGTH_SAMPLE = 20
HABIT_SHARE = 0.05  # a translation team's habit: adding (or dropping) a final "." in 5 % of the cases …
HABIT_MIN = 20  # … and at least 20 times
DEFAULT_CONVENTIONS = build_conventions(PROFILES)


@dataclass(frozen=True)
class Context:
    """What the checks know: the catalogue's locale, glossary and usual length ratio, the domain's
    conventions, and what the entry's flags say of format strings."""

    locale: str
    glossary: tuple[str, ...] = ()
    length_ratio: float = 1.0
    exempt: bool = False  # the entry needs no translation in this language (a profile written in it)
    glossary_re: re.Pattern[str] | None = field(default=None, compare=False)
    conventions: Conventions = DEFAULT_CONVENTIONS
    formats: EntryFormats = field(default_factory=lambda: read_entry_formats((), DEFAULT_CONVENTIONS))
    period_habits: frozenset[str] = frozenset()  # "adds", "drops": what the catalogue does to a final "."
    language: str = ""  # the locale's language ("pt" for "pt_BR"): build_context sets it

    def __post_init__(self) -> None:
        if not self.language:
            object.__setattr__(self, "language", self.locale.split("_")[0].split("@")[0].lower())


def build_context(locale: str, glossary: tuple[str, ...] = (), length_ratio: float = 1.0,
                  conventions: Conventions = DEFAULT_CONVENTIONS, period_habits: frozenset[str] = frozenset()) -> Context:
    """A Context with the glossary compiled once, for an entry without flags."""
    pattern = None
    if glossary:
        terms = sorted(glossary, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(t) for t in terms) + r")(?!\w)")
    return Context(locale, tuple(glossary), length_ratio, False, pattern, conventions,
                   read_entry_formats((), conventions), period_habits)


def usual_length_ratio(pairs: list[tuple[str, str]]) -> float:
    """The median translation/source length ratio of long sources; 1.0 with too few of them."""
    ratios = [len(t) / len(s) for s, t in pairs if len(s) >= LENGTH_MIN_CHARS and t]
    return median(ratios) if len(ratios) >= LENGTH_SAMPLE else 1.0


def find_period_habits(pairs: list[tuple[str, str]], locale: str, conventions: Conventions) -> frozenset[str]:
    """What the translations of a catalogue do to a final "." on purpose: ``adds`` one to sources that end
    without a mark (a German team writing sentences), ``drops`` the source's; each in 5 % of the cases."""
    ctx = Context(locale, conventions=conventions)
    bare = dotted = added = dropped = 0
    for source, target in pairs:
        mark = _end_marks(source, ctx)
        if not mark:
            bare += 1
            added += _end_marks(target, ctx) == "."
        elif mark == ".":
            dotted += 1
            dropped += not _end_marks(target, ctx)
    habits = set()
    if added >= HABIT_MIN and added >= HABIT_SHARE * bare:
        habits.add("adds")
    if dropped >= HABIT_MIN and dropped >= HABIT_SHARE * dotted:
        habits.add("drops")
    return frozenset(habits)


def _has_any(marks: tuple[str, ...] | str, source: str, target: str) -> bool:
    """Whether either text holds one of the marks: a test far cheaper than a regular expression's search."""
    return any(mark in source or mark in target for mark in marks)


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


def _count(what: str, found: int, expected: int) -> str:
    return f"{found} {what}, the source has {expected}"


# -- what must be kept -------------------------------------------------------------------------


def _markup(text: str, ctx: Context) -> Counter[str]:
    marks = Counter(MARKUP_RE.findall(text) if ctx.conventions.markup == MARKDOWN else TAG_RE.findall(text))
    if ctx.conventions.mode("angle") != OFF and "<" in text:
        marks -= Counter(split_angles(text)[1])  # <path>: a placeholder, compared by `placeholders`
    return marks


def check_markup(source: str, target: str, ctx: Context) -> str | None:
    """Emphasis, code, links, images and HTML tags (Markdown domains), or HTML tags alone, as in the source."""
    markup = ctx.conventions.markup
    if markup == NO_MARKUP:
        return None
    if markup == HTML and "<" not in source and "<" not in target:
        return None
    if markup == MARKDOWN and not _has_any(MARKDOWN_MARKS, source, target):
        return None
    return _difference(_markup(source, ctx), _markup(target, ctx), "markup marks")


def _urls(text: str) -> Counter[str]:
    return Counter(url.rstrip(".,;:!?") for url in URL_RE.findall(text))


def check_urls(source: str, target: str, ctx: Context) -> str | None:
    """Link targets and bare URLs must be the source's, exactly."""
    if "://" not in source and "://" not in target and "mailto:" not in source + target \
            and "www." not in source + target:
        return None
    return _difference(_urls(source), _urls(target), "URLs")


def check_placeholders(source: str, target: str, ctx: Context) -> str | None:
    """The domain's placeholders that the entry's flags leave to convention: %s, {name}, <name>."""
    return compare_placeholders(source, target, ctx.formats.kinds)


def check_printf(source: str, target: str, ctx: Context) -> str | None:
    """%-directives taking the same arguments but spelled otherwise: ``%'s`` for ``%s``, ``%s12s`` for ``%12s``."""
    if ctx.formats.printf is None or "%" not in source:
        return None
    return compare_printf(source, target, ctx.formats.printf)


def check_line_breaks(source: str, target: str, ctx: Context) -> str | None:
    """Leading and trailing line breaks (msgfmt -c refuses a mismatch); in a Markdown domain, whose
    segments are one block each, their number too (an application's messages are re-wrapped freely)."""
    if source.startswith("\n") != target.startswith("\n"):
        return "a leading line break differs from the source"
    if source.endswith("\n") != target.endswith("\n"):
        return "a trailing line break differs from the source"
    if ctx.conventions.markup == MARKDOWN and source.count("\n") != target.count("\n"):
        return f"{target.count(chr(10))} line breaks, the source has {source.count(chr(10))}"
    return None


def check_escapes(source: str, target: str, ctx: Context) -> str | None:
    """Backslashes and control characters (``\\r``, ``\\e``…) as many as in the source: ``'\\\\'`` for ``'\\'``."""
    if not _has_any(ESCAPED, source, target):
        return None
    if source.count("\\") != target.count("\\"):
        return _count("backslashes", target.count("\\"), source.count("\\"))
    for char, name in CONTROL_ESCAPES.items():
        if source.count(char) != target.count(char):
            return _count(name, target.count(char), source.count(char))
    return None


def check_glossary(source: str, target: str, ctx: Context) -> str | None:
    """Every do-not-translate term of the source appears in the translation."""
    if ctx.glossary_re is None or not any(term in source for term in ctx.glossary):
        return None
    terms = Counter(ctx.glossary_re.findall(source))
    missing = sorted(t for t, n in terms.items() if len(re.findall(r"(?<!\w)" + re.escape(t) + r"(?!\w)", target)) < n)
    return "do-not-translate term missing: " + ", ".join(missing) if missing else None


def _unbalanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return True
    return depth != 0


def check_brackets(source: str, target: str, ctx: Context) -> str | None:
    """A usage's notation as in the source: its ``[…]`` (``[<branch>]`` is not ``<branche>``) and its
    translated ``<name>`` placeholders, as many; and brackets that the source balances balanced."""
    if "[" in source and SYNOPSIS_RE.search(source):
        for mark in "[]":
            if source.count(mark) != target.count(mark):
                return f"usage differs: {_count(repr(mark), target.count(mark), source.count(mark))}"
    problem = count_translated(source, target, ctx.formats.kinds)
    if problem:
        return f"usage differs: {problem}"
    for opening, closing in BRACKET_PAIRS:
        if (opening in target or closing in target) and _unbalanced(target, opening, closing) \
                and not _unbalanced(source, opening, closing):
            return f"unbalanced {opening!r} {closing!r}, unlike the source"
    return None


# -- words and numbers -------------------------------------------------------------------------


def doubled_words(text: str) -> list[str]:
    """The words of letters a text writes twice in a row, lower-cased, in order."""
    found = []
    for match in DOUBLED_WORD_RE.finditer(text):
        word, start, end = match.group(1), match.start(), match.end()
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if word.isalpha() and before not in NOT_BEFORE_WORD and after not in NOT_AFTER_WORD:
            found.append(word.lower())
    return found


def check_doubled_words(source: str, target: str, ctx: Context) -> str | None:
    """A word written twice in a row (``ne pas pas afficher``), more often than the source doubles one
    ("Bora Bora", "bye bye" may stay doubled, or become another doubled word)."""
    found = doubled_words(target)
    if not found:
        return None
    allowed = DOUBLED_ON_PURPOSE.get(ctx.language, ())
    found = [word for word in found if word not in allowed]
    mine = doubled_words(source) if found else []
    if len(found) <= len(mine):
        return None
    kept = set(mine)
    words = [word for word in dict.fromkeys(found) if word not in kept] or list(dict.fromkeys(found))
    return "doubled word: " + ", ".join(f"{w!r}" for w in words)


def _number_text(text: str) -> str:
    """The text without what holds digits that are no numbers: directives, placeholders, URLs, accelerator marks."""
    if "%" in text:
        text = PERCENT_RE.sub(" ", text)
    if "{" in text:
        text = BRACE_RE.sub(" ", text)
    if "<" in text:
        text = ANGLE_RE.sub(" ", text)
    if "://" in text or "www." in text:
        text = URL_RE.sub(" ", text)
    if "_" in text or "&" in text:
        text = ACCELERATOR_RE.sub("", text)
    return text


def _numbers(text: str) -> Counter[str]:
    return Counter(re.sub(r"[^0-9]", "", n) for n in NUMBER_RE.findall(text))


def _unglued(numbers: Counter[str], text: str) -> Counter[str]:
    """``numbers`` without those that ``text`` writes as part of a word ("SDL2" for "SDL 2", "N64" or
    "Nintendo-64-Emulator" for "Nintendo 64")."""
    glued = {re.sub(r"[^0-9]", "", n) for n in GLUED_NUMBER_RE.findall(text)}
    return Counter({n: c for n, c in numbers.items() if n not in glued}) if glued else numbers


def _spelled(numbers: Counter[str], text: str) -> Counter[str]:
    """``numbers`` without the small ones (0 to 12) that ``text`` has a word for."""
    small = [n for n in numbers if n.isdigit() and len(n) <= 2 and int(n) <= SMALL_NUMBER]
    if not small:
        return numbers
    words = spelled_numbers(text)
    return Counter({n: c for n, c in numbers.items() if n not in small or int(n) not in words})


def _uncounted(numbers: Counter[str], text: str) -> Counter[str]:
    """``numbers`` without the single digits that ``text`` only writes as a count in running prose, between
    lower-case words ("à 3 points", "il y a 3 valeurs possibles" for a list of three): a translation may count
    what the source lists or implies.  One after a name ("PlayStation 2") or glued to a sign is kept (and the
    caller asks only when the source has no number to count otherwise: "3 backups" or "three" → "4")."""
    single = [n for n in numbers if len(n) == 1]
    if not single:
        return numbers
    words = text.split()
    counts: Counter[str] = Counter()
    for index, word in enumerate(words):
        if word in single and index + 1 < len(words) and words[index + 1][0].islower() \
                and (index == 0 or words[index - 1][-1].islower()):
            counts[word] += 1
    return Counter({n: c for n, c in numbers.items() if counts[n] < c}) if counts else numbers


ISO_DATE_RE = re.compile(r"(?<![\w.-])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![\w-])")


@lru_cache(maxsize=32)
def month_names(language: str) -> tuple[tuple[str, ...], ...]:
    """The names of each month (index 0: January) in a language, every width and context CLDR has."""
    try:
        locale = Locale.parse(language or "en")
    except (ValueError, TypeError, UnknownLocaleError):
        return tuple(() for _ in range(12))
    names: list[set[str]] = [set() for _ in range(12)]
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, context, locale).items():
                names[number - 1].add(name.rstrip("."))
    return tuple(tuple(sorted(found, key=len, reverse=True)) for found in names)


def _local_dates(source: str, target: str, language: str) -> str:
    """``target`` with each date of the source (ISO: 1970-01-01) that it writes the local way (``1.1.1970``,
    ``1er janvier 1970``, ``January 1, 1970``, ``1 января 1970``…) written as in the source."""
    for found in ISO_DATE_RE.finditer(source):
        year, month, day = found.group(1), int(found.group(2)), int(found.group(3))
        if not (1 <= month <= 12 and 1 <= day <= 31) or year not in target:
            continue
        d, m = rf"0?{day}", rf"0?{month}"
        names = "|".join(re.escape(name) for name in month_names(language)[month - 1])
        forms = [rf"{d}\.\s?{m}\.\s?{year}", rf"{d}/{m}/{year}", rf"{m}/{d}/{year}", rf"{d}-{m}-{year}",
                 rf"{year}/{m}/{d}", rf"{year}\.\s?{m}\.\s?{d}"]
        if names:
            forms += [rf"{d}(?:[^\W\d_]{{1,3}}|\.|º)?\s+(?:de\s+)?(?:{names})\.?,?\s+(?:de\s+)?{year}",
                      rf"(?:{names})\.?\s+{d}(?:[^\W\d_]{{1,2}})?,?\s+{year}"]
        pattern = rf"(?<![\w.-])(?:{'|'.join(forms)})(?![\w-])"
        target = re.sub(pattern, found.group(0), target, flags=re.IGNORECASE)
    return target


def check_numbers(source: str, target: str, ctx: Context) -> str | None:
    """The same numbers, whatever the digit grouping ("1 600", "1,600", "1.600").

    Directives (``%2$s``), placeholders and the digits of words ("SHA1", "UTF-8") are no numbers, but a
    number may be part of a word on the other side ("SDL 2" → "SDL2", "Nintendo 64" → "Nintendo-64-Emulator");
    a number up to 12 may be a word there ("three-way" → "3 points", "1st" → "premier"); a single digit
    may count in prose what the source lists ("3 valeurs possibles").
    """
    if not _has_any(DIGITS, source, target):
        return None
    source, target = _number_text(source), _number_text(target)
    mine, theirs = _numbers(source), _numbers(target)
    if mine == theirs:
        return None
    if "-" in source and ISO_DATE_RE.search(source):
        target = _local_dates(source, target, ctx.language)
        theirs = _numbers(target)
    missing = _unglued(_spelled(mine - theirs, target), target)
    extra = _unglued(_spelled(Counter({n: c for n, c in theirs.items() if n not in mine}), source), source)
    if extra and not missing and not spelled_numbers(source):  # (else a count said otherwise: "3"/"three" → "4")
        extra = _uncounted(extra, target)
    if not missing and not extra:
        return None
    parts = []
    if missing:
        parts.append("missing " + ", ".join(sorted(missing.elements())))
    if extra:
        parts.append("not in the source " + ", ".join(sorted(extra.elements())))
    return "numbers differ: " + "; ".join(parts)


# -- spacing and punctuation ---------------------------------------------------------------------


BLANKS = (" ", "\t")


def _edge(text: str, leading: bool) -> str:
    stripped = text.lstrip(" \t") if leading else text.rstrip(" \t")
    return text[:len(text) - len(stripped)] if leading else text[len(stripped):]


def _describe(run: str) -> str:
    if not run:
        return "none"
    if set(run) == {" "}:
        return f"{len(run)} space{'s' if len(run) > 1 else ''}"
    return repr(run)


def check_whitespace(source: str, target: str, ctx: Context) -> str | None:
    """Trailing spaces and tabs exactly as in the source (a prompt's space before the cursor); leading ones
    when there are none on one side (their number may change to align a translated column)."""
    if source[:1] not in BLANKS and target[:1] not in BLANKS and source[-1:] not in BLANKS \
            and target[-1:] not in BLANKS:
        return None
    mine, theirs = _edge(source, True), _edge(target, True)
    if bool(mine) != bool(theirs):
        return f"leading whitespace differs: {_describe(theirs)}, the source has {_describe(mine)}"
    mine, theirs = _edge(source, False), _edge(target, False)
    if mine != theirs:
        return f"trailing whitespace differs: {_describe(theirs)}, the source has {_describe(mine)}"
    return None


def check_tabs(source: str, target: str, ctx: Context) -> str | None:
    """As many tab characters as the source (a tab turned into spaces breaks alignment)."""
    if "\t" not in source and "\t" not in target:
        return None
    mine, theirs = source.count("\t"), target.count("\t")
    return _count("tabs", theirs, mine) if mine != theirs else None


def _end_marks(text: str, ctx: Context) -> str:
    """The run of end punctuation of a text, closing quotes, brackets and (in Markdown) emphasis aside,
    written with ASCII equivalents ("…" for "...")."""
    last = text[-1:]
    if last.isalnum():
        return ""
    if last == "." and text[-2:-1].isalnum():
        return "."
    text = text.rstrip(END_TRIM_MARKDOWN if ctx.conventions.markup == MARKDOWN else END_TRIM)
    bare = text.rstrip(END_MARKS_ALL)
    run = text[len(bare):]
    if not run:
        return run
    run = run.replace("...", "…")
    if run == "..":
        return ""  # "in ..": the parent folder, or a range
    if bare[-1:] in (">", "]") and run.startswith("…"):
        run = run[1:]  # "[<path>...]": a usage's repetition, not punctuation
    run = run.translate(END_EQUIVALENTS)
    return run.replace(";", "?") if ctx.language in QUESTION_SEMICOLON else run


def _ends_with_literal(target: str, source: str) -> bool:
    """Whether the translation ends with a word of the source that carries its own mark (``l'en-tête "To:"``
    for ``add To: header``, ``'file:'``): that punctuation is the word's, not the sentence's."""
    words = target.rstrip(" \t\n" + NBSP + ".").split()
    last = words[-1].strip(QUOTES + CLOSERS) if words else ""
    return len(last) > 1 and last[-1] in END_MARKS and any(w.strip(QUOTES + "(") == last for w in source.split())


def check_end_punctuation(source: str, target: str, ctx: Context) -> str | None:
    """The final punctuation (. ! ? : ; …) as the source's, in the language's own marks; no mark doubled
    (``version git ::``).  French spacing before ``: ; ! ?`` is ``fr-typography``'s."""
    mark, found = _end_marks(source, ctx), _end_marks(target, ctx)
    if mark == found or (ctx.language in NO_FINAL_PERIOD and mark == "." and not found):
        return None
    if (not mark and found == "." and ("adds" in ctx.period_habits or ". " in source)) or \
            (mark == "." and not found and "drops" in ctx.period_habits):
        return None  # a team's habit; or a source of sentences whose last one lacks its "."
    if len(found) > 1 and len(set(found)) == 1:
        return f"ends with {found!r}, the source with {mark or 'no mark'!r}"
    if (mark and found and mark[-1] == found[-1]) or _ends_with_literal(target, source):
        return None  # "?!" for "!?", "…." for "…"; or the quoted text ends the translation
    if not found:
        return f"ends without the source's {mark!r}"
    if not mark:
        return f"ends with {found!r}, the source does not"
    return f"ends with {found!r}, the source with {mark!r}"


def check_double_space(source: str, target: str, ctx: Context) -> str | None:
    """More doubled spaces inside the text than the source has, one of them unlike the source's runs (the
    source's alignments may shift with translated words, or repeat in a re-wrapped translation)."""
    if "  " not in target:
        return None
    theirs = DOUBLE_SPACE_RE.findall(target)
    mine = DOUBLE_SPACE_RE.findall(source) if "  " in source else []
    lengths = {len(run) for run in mine}
    if len(theirs) > len(mine) and any(len(run) not in lengths for run in theirs):
        return "doubled space in the translation"
    return None


def _prose_words(text: str) -> int:
    """How many words of letters a text has outside placeholders, options and code (``--all``, ``a.b``)."""
    for pattern in (PERCENT_RE, BRACE_RE, ANGLE_RE, URL_RE):
        text = pattern.sub(" ", text)
    return sum(1 for token in text.split() if token.strip(".,;:!?()[]\"'«»“”‘’").isalpha())


def check_unchanged(source: str, target: str, ctx: Context) -> str | None:
    """A source of 4 words or more of prose copied as its own translation (not a command's usage, not a
    text that needs no translation)."""
    if ctx.exempt or target != source or len(source.split()) < LONG_SOURCE_WORDS:
        return None
    if SYNOPSIS_RE.search(source) or ALTERNATIVES_RE.search(source) or _prose_words(source) < LONG_SOURCE_WORDS:
        return None
    return "the translation is the source text itself"


def check_length(source: str, target: str, ctx: Context) -> str | None:
    """Length ratio within a factor of two of the catalogue's usual one (long sources only)."""
    if len(source) < LENGTH_MIN_CHARS:
        return None
    ratio = len(target) / len(source)
    if ratio > ctx.length_ratio * LENGTH_FACTOR or ratio < ctx.length_ratio / LENGTH_FACTOR:
        return f"length ratio {ratio:.2f}, usual for this catalogue {ctx.length_ratio:.2f}"
    return None


def _copied(text: str, at: int, source: str) -> bool:
    """Whether the mark at ``text[at]`` ends a word copied from the source (``'file:'``, ``%s^!``)."""
    if at == 0 or text[at - 1] in " " + NBSP:
        return False
    start = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at), text.rfind(NBSP[0], 0, at)) + 1
    word = text[start:at + 1].lstrip(QUOTES + "(")
    return len(word) > 1 and word in source


def check_fr_typography(source: str, target: str, ctx: Context) -> str | None:
    """French: a (narrow) non-breaking space before : ; ! ? and inside « » (not in a word copied from
    the source, such as ``file:``)."""
    if ctx.language != "fr" or not _has_any(";:!?«»", target, ""):
        return None
    text = CODE_SPAN_RE.sub("", URL_RE.sub("", target))
    text = re.sub(r"(?<=\d):(?=\d)", "", text)
    problems = [f"before {m.group(1)!r}" for m in FR_BEFORE_RE.finditer(text) if not _copied(text, m.start(1), source)]
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
    "escapes": check_escapes,
    "glossary": check_glossary,
    "printf": check_printf,
    "brackets": check_brackets,
    "doubled-words": check_doubled_words,
    "tabs": check_tabs,
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
