"""Placeholders and format strings: what a translation must keep of its source's directives.

Three checks, pure functions:

- ``format``: an entry flagged ``<lang>-format`` (c, objc, python, python-brace, perl,
  sh) must have translations that are valid format strings taking the msgid's
  arguments, exactly as ``msgfmt -c`` decides (positional ``%2$s … %1$s``,
  ``<PRIu64>`` macros, plural forms that serve one number): gettext/formats.py.
- ``placeholders``: the placeholder kinds of the domain's conventions (``percent``
  ``%s %1$d %(name)s``, ``brace`` ``{name}``, ``angle`` ``<name>``) kept as
  written, when the entry's flags do not cover them.  (``<name>`` placeholders
  whose names are translated are a usage's notation: ``brackets`` counts them.)
- ``printf``: %-directives spelled unlike the source's although they take the same
  arguments: ``%'s`` for ``%s``, ``%s12s`` for ``%12s`` (a width changed in value is fine).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from i18nprofiles.check.conventions import KEPT, TRANSLATED, Conventions
from i18nprofiles.gettext.checks import is_strict
from i18nprofiles.gettext.formats import (
    PARSERS,
    PRETTY_NAMES,
    FormatError,
    compare_formats,
    format_text,
    parse,
    parse_format,
    read_format_flags,
    tokenize_flags,
)
from i18nprofiles.gettext.plurals import PluralDistribution

PERCENT_LANGUAGES = frozenset({"c", "objc", "python", "perl"})  # their directives begin with %
BRACE_LANGUAGES = frozenset({"python-brace"})
# %s %1$d %-10.2f %lu %(name)s, and %% (left out); conversions other than s, d, i, f only when no
# letter follows, so that prose such as "50%off" is no directive.
PERCENT_RE = re.compile(
    r"%(?:%"
    r"|\((?P<name>\w+)\)[-+#0 ]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|(?:\d+\$)?[-+#0']*(?:\d+|\*(?:\d+\$)?)?(?:\.(?:\d+|\*(?:\d+\$)?))?(?:<PRI\w+>"
    r"|(?:hh|h|ll|l|L|q|j|z|Z|t)?(?:[sdif]|[uxXoeEgGaAcpnS](?![^\W\d_]))))"
)
BRACE_RE = re.compile(r"\{\{|\}\}|\{(?P<field>(?:[^\W\d]\w*|\d*)(?:\.\w+|\[\w+\])*)(?:![rsa])?(?::[^{}]*)?\}")
# <name> that is no HTML tag: <path>, <commit ou apparenté>, <%s>; not <b>, </b>, <a href="…">, <= or < 3.
ANGLE_RE = re.compile(r"<(?![\s/!?=<-])([^<>=\n]{1,80}?)(?<![\s/])>")
HTML_ELEMENTS = frozenset(
    "a abbr address area article aside audio b bdi bdo blockquote body br button canvas caption cite code col "
    "colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2 "
    "h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta "
    "meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script "
    "search section select slot small source span strong style sub summary sup table tbody td template textarea "
    "tfoot th thead time title tr track u ul var video wbr".split()
)
VOID_ELEMENTS = frozenset({"br", "hr", "wbr"})  # the void elements written without attributes
C_SPELLING_RE = re.compile(r"%(?:\d+\$)?([-+ #0'I]*)(\*(?:\d+\$)?|\d+)?(\.(?:\*(?:\d+\$)?|\d*))?(.*)", re.DOTALL)
PYTHON_SPELLING_RE = re.compile(r"%(\(\w+\))?([-+ #0]*)(\*|\d+)?(\.(?:\*|\d*))?(.*)", re.DOTALL)


@dataclass(frozen=True)
class EntryFormats:
    """What an entry's flags say: the format languages to check, and the placeholder kinds to compare."""

    languages: tuple[str, ...] = ()  # checked format languages that gettext/formats.py parses
    kinds: tuple[tuple[str, str], ...] = ()  # (kind, mode) compared by convention
    printf: str | None = None  # the language whose %-directive spellings to compare ("" = by convention)


def read_entry_formats(flags: Iterable[str], conventions: Conventions) -> EntryFormats:
    """The format languages an entry is flagged with, and the convention kinds its flags leave to compare.

    A %-language flag (``c-format``, ``python-format``…) takes over ``percent``; ``python-brace-format``
    takes over ``brace``; ``no-<lang>-format`` says the text is no format string of that language.
    """
    flags = tuple(flags)
    found = read_format_flags(flags).languages if flags else ()
    languages = tuple(language for language in found if language in PARSERS)
    covered: set[str] = set()
    for token in tokenize_flags(",".join(flags)) if flags else ():
        name = token[:-len("-format")] if token.endswith("-format") else ""
        for prefix in ("no-", "impossible-", "possible-"):
            name = name.removeprefix(prefix)
        if name in PERCENT_LANGUAGES:
            covered.add("percent")
        elif name in BRACE_LANGUAGES:
            covered.add("brace")
    kinds = tuple((kind, mode) for kind, mode in conventions.placeholders if kind not in covered)
    printf = next((language for language in languages if language in PERCENT_LANGUAGES), None)
    if printf is None and "percent" not in covered and conventions.mode("percent") != "off":
        printf = ""
    return EntryFormats(languages, kinds, printf)


# -- format ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PluralInfo:
    """What the header says of plural forms and charset, for the format check."""

    distribution: PluralDistribution | None = None
    charset: str = "utf-8"


def check_format(msgid: str, msgid_plural: str, strings: tuple[str, ...], languages: tuple[str, ...],
                 flags: tuple[str, ...], plurals: PluralInfo) -> str | None:
    """How a translation fails its msgid as a format string of a flagged language (msgfmt -c's words), or None.

    Nothing when the msgid itself is no valid format string of the language (msgfmt says nothing then).
    """
    source_name = "msgid_plural" if msgid_plural else "msgid"
    numbers = read_format_flags(flags).range
    entry = _Plural(msgid_plural)
    for language in languages:
        try:
            source = parse_format(format_text(msgid_plural or msgid, plurals.charset), language)
        except FormatError:
            continue
        for index, form in enumerate(strings):
            target_name = f"msgstr[{index}]" if msgid_plural else "msgstr"
            try:
                target = parse_format(format_text(form, plurals.charset), language, translated=True)
            except FormatError as error:
                return (f"{target_name} is not a valid {PRETTY_NAMES[language]} format string, unlike "
                        f"{source_name}: {error.reason}")
            strict = is_strict(entry, len(strings), index, plurals.distribution, numbers)  # type: ignore[arg-type]
            problem = compare_formats(source, target, language, strict=strict, names=(source_name, target_name))
            if problem:
                return f"{PRETTY_NAMES[language]} format: {problem}"
    return None


@dataclass(frozen=True)
class _Plural:
    """The one attribute of an entry that gettext's ``is_strict`` reads."""

    msgid_plural: str


# -- placeholders by convention --------------------------------------------------------------


def percent_keys(text: str) -> list[str]:
    """The %-placeholders of a text as the arguments they stand for: ``%s`` for ``%1$-10s``, ``%(name)d``;
    ``%i`` is ``%d``."""
    keys = []
    for found in PERCENT_RE.finditer(text):
        spelled = found.group()
        if spelled == "%%":
            continue
        name = found.group("name")
        if name:
            keys.append(f"%({name}){_integer(spelled[-1])}")
            continue
        rest = C_SPELLING_RE.match(spelled)
        tail = rest.group(4) if rest else spelled[1:]
        keys.append("%" + (tail if tail.startswith("<") else tail[:-1] + _integer(tail[-1])))
    return keys


def _integer(conversion: str) -> str:
    return "d" if conversion == "i" else conversion


def brace_keys(text: str) -> list[str]:
    """The ``{name}`` placeholders of a text, by field (``{{`` and ``}}`` left out)."""
    return ["{" + found.group("field") + "}" for found in BRACE_RE.finditer(text) if found.group("field") is not None]


def split_angles(text: str) -> tuple[list[str], list[str]]:
    """The ``<…>`` of a text that are HTML tags, and those that are placeholders (``<path>``, ``<nom>``).

    An element name counts as a tag when the text closes it or it is void (``<br>``); attributes or
    a closing ``</…>`` are never placeholders (ANGLE_RE leaves them out).
    """
    tags, names = [], []
    lowered = text.lower()
    for found in ANGLE_RE.finditer(text):
        body = found.group(1).strip().lower()
        element = body.split()[0] if body else ""
        if element in HTML_ELEMENTS and (element in VOID_ELEMENTS or f"</{element}" in lowered):
            tags.append(found.group())
        else:
            names.append(found.group())
    return tags, names


def angle_keys(text: str) -> list[str]:
    return split_angles(text)[1] if "<" in text else []


KEYS = {"percent": percent_keys, "brace": brace_keys, "angle": angle_keys}
MARKS = {"percent": "%", "brace": "{", "angle": "<"}
LABELS = {"percent": "%-placeholders", "brace": "{…} placeholders", "angle": "<…> placeholders"}


def check_placeholders(source: str, target: str, kinds: tuple[tuple[str, str], ...]) -> str | None:
    """The convention's ``kept`` placeholders of the source, the same in the translation."""
    problems = []
    for kind, mode in kinds:
        mark = MARKS[kind]
        if mode != KEPT or (mark not in source and mark not in target):
            continue
        mine, theirs = Counter(KEYS[kind](source)), Counter(KEYS[kind](target))
        if mine != theirs:
            problems.append(_difference(mine, theirs))
    return "placeholders differ: " + "; ".join(problems) if problems else None


def count_translated(source: str, target: str, kinds: tuple[tuple[str, str], ...]) -> str | None:
    """The convention's ``translated`` placeholders (``<path>`` → ``<chemin>``): as many as in the source,
    when it has any (a translation may set a word of prose in angle brackets)."""
    for kind, mode in kinds:
        if mode == TRANSLATED and MARKS[kind] in source:
            mine, theirs = len(KEYS[kind](source)), len(KEYS[kind](target))
            if mine and mine != theirs:
                return f"{theirs} {LABELS[kind]}, the source has {mine}"
    return None


def _difference(source: Counter[str], target: Counter[str]) -> str:
    missing = sorted((source - target).elements())
    extra = sorted((target - source).elements())
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the source " + ", ".join(extra))
    return "; ".join(parts)


# -- printf spellings --------------------------------------------------------------------------


def spell_directive(text: str) -> str:
    """A %-directive as its reader sees it, argument numbers aside: flags sorted (glibc's ``I`` left
    out), any width as ``W``, ``%i`` as ``%d``."""
    python = text.startswith("%(")
    found = (PYTHON_SPELLING_RE if python else C_SPELLING_RE).match(text)
    if found is None:
        return text
    if python:
        name, flags, width, precision, rest = found.groups()
    else:
        name, (flags, width, precision, rest) = "", found.groups()
    flags = "".join(sorted(set(flags) - {"I"}))
    rest = rest if rest.startswith("<") else rest[:-1] + _integer(rest[-1:])
    return f"%{name or ''}{flags}{'W' if width else ''}{re.sub(r'[0-9]+[$]', '', precision or '')}{rest}"


def directive_spellings(text: str, language: str, translated: bool) -> list[str] | None:
    """The spellings of the %-directives of a text (``%%`` left out); None when it is no format string."""
    if language:
        try:
            directives = parse(text, language, translated=translated).directives
        except FormatError:
            return None
        spans = [text[d.start:d.end] for d in directives]
    else:
        spans = [found.group() for found in PERCENT_RE.finditer(text)]
    return [spell_directive(span) for span in spans if span != "%%"]


def check_printf(source: str, target: str, language: str) -> str | None:
    """Directives that take the same arguments but are spelled otherwise: ``%'s`` for ``%s``, a width lost."""
    if "%" not in target:
        return None
    mine = directive_spellings(source, language, False)
    theirs = directive_spellings(target, language, True)
    if not mine or theirs is None:
        return None
    if len(mine) != len(theirs):  # a missing or extra directive: the placeholders or format check says so
        return None
    mine_count, theirs_count = Counter(mine), Counter(theirs)
    if mine_count == theirs_count:
        return None
    extra = sorted((theirs_count - mine_count).elements())
    missing = sorted((mine_count - theirs_count).elements())
    return f"directives spelled otherwise: {', '.join(_raw(target, extra, language))} for " \
           f"{', '.join(_raw(source, missing, language))}"


def _raw(text: str, spellings: list[str], language: str) -> list[str]:
    """The directives of ``text`` as written whose spelling is in ``spellings``."""
    wanted = Counter(spellings)
    shown = []
    if language:
        spans = [text[d.start:d.end] for d in parse(text, language, translated=True).directives]
    else:
        spans = [found.group() for found in PERCENT_RE.finditer(text)]
    for span in spans:
        spelled = spell_directive(span)
        if wanted[spelled] > 0:
            wanted[spelled] -= 1
            shown.append(span)
    return shown
