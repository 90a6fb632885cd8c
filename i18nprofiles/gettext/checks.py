"""The checks that make ``msgfmt -c`` (GNU gettext 0.21) fail, as a pure function of a catalogue.

- Plural forms: a plural entry needs a header with ``nplurals=`` and ``plural=``; ``nplurals``
  must be a number, ``plural`` an expression that for n = 0..1000 gives no negative value, no
  value ``>= nplurals`` and no division by zero; every plural entry has ``nplurals`` forms.
- Line breaks: msgid, msgid_plural and every msgstr all begin with a newline or none does; the
  same for the end.  (msgfmt checks this even without ``-c``.)
- Format strings of the languages in ``formats.LANGUAGES``, for entries flagged
  ``<lang>-format`` or ``possible-<lang>-format`` (the last flag for a language wins): every
  msgstr must be a valid format string taking the arguments the msgid (the msgid_plural in a
  plural entry) takes.  A plural form that the plural expression uses for a single number may
  take fewer.

Only the entries msgfmt compiles are checked: not obsolete, first msgstr not empty, not fuzzy
unless ``use_fuzzy``.  The header fields msgfmt merely warns about do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polib

from i18nprofiles.gettext.formats import (
    PARSERS,
    PRETTY_NAMES,
    FormatError,
    compare_formats,
    format_text,
    parse_format,
    read_format_flags,
)
from i18nprofiles.gettext.messages import (
    compiled_entries,
    header_charset,
    read_header,
    translations,
)
from i18nprofiles.gettext.plurals import (
    GERMANIC,
    PluralDistribution,
    PluralError,
    check_plural_values,
    find_plural_forms,
    parse_nplurals,
    parse_plural,
)

HEADER_LINE = 1  # polib keeps no line for the header
PLURAL_FORMS_HINT = 'Plural-Forms: nplurals=INTEGER; plural=EXPRESSION;'


@dataclass(frozen=True)
class Problem:
    """Something in a catalogue that ``msgfmt -c`` rejects."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def find_problems(catalog: polib.POFile, path: Path, *, use_fuzzy: bool = False) -> list[Problem]:
    """Every problem for which ``msgfmt -c`` (``-c -f`` with ``use_fuzzy``) exits 1, in file order,
    the header's first."""
    header = read_header(catalog)
    charset = header_charset(header)
    entries = compiled_entries(catalog, use_fuzzy)
    problems, distribution = check_plurals(header, entries, path)
    for entry in entries:
        problems += check_line_breaks(entry, path)
        problems += check_formats(entry, path, distribution, charset)
    return sorted(problems, key=lambda problem: problem.line)


def line_of(entry: polib.POEntry) -> int:
    """The entry's line (polib gives 0 to a first entry that no header precedes)."""
    return entry.linenum or 1


# -- plural forms --------------------------------------------------------------------------------


def check_plurals(header: str | None, entries: list[polib.POEntry],
                  path: Path) -> tuple[list[Problem], PluralDistribution | None]:
    """The header's plural problems, and the forms the expression takes often (None after a problem)."""
    plural_entries = [entry for entry in entries if entry.msgid_plural]
    first = line_of(plural_entries[0]) if plural_entries else HEADER_LINE
    problems: list[Problem] = []
    if header is None:
        if plural_entries:
            problems.append(Problem(path, first, "message catalog has plural form translations, but lacks a header "
                                                 f'entry with "{PLURAL_FORMS_HINT}"'))
        return problems, (None if problems else GERMANIC)
    forms = find_plural_forms(header)
    if plural_entries:
        for found, attribute in ((forms.plural, "plural=EXPRESSION"), (forms.nplurals, "nplurals=INTEGER")):
            if found is None:
                problems.append(Problem(path, HEADER_LINE, "message catalog has plural form translations, but "
                                                           f'header entry lacks a "{attribute}" attribute'))
    if forms.plural is None or forms.nplurals is None:
        return problems, (None if problems else GERMANIC)
    nplurals = parse_nplurals(forms.nplurals)
    if nplurals is None:
        problems.append(Problem(path, HEADER_LINE, "invalid nplurals value"))
    try:
        expression = parse_plural(forms.plural)
    except PluralError:
        problems.append(Problem(path, HEADER_LINE, "invalid plural expression"))
    if problems or nplurals is None:
        return problems, None
    failure, distribution = check_plural_values(expression, nplurals)
    if failure:
        return [Problem(path, HEADER_LINE, failure)], None
    for entry in plural_entries:
        count = len(translations(entry))
        if count != nplurals:
            problems.append(Problem(path, line_of(entry), f"nplurals = {nplurals}, but this message has {count} plural "
                                                         f"form{'' if count == 1 else 's'}"))
    return problems, (None if problems else distribution)


# -- line breaks -----------------------------------------------------------------------------------


def check_line_breaks(entry: polib.POEntry, path: Path) -> list[Problem]:
    """msgid, msgid_plural and each msgstr all begin (and all end) with a newline, or none does."""
    if not entry.msgid:
        return []
    if entry.msgid_plural:
        others = [("msgid_plural", entry.msgid_plural)]
        others += [(f"msgstr[{index}]", form) for index, form in enumerate(translations(entry))]
    else:
        others = [("msgstr", entry.msgstr)]
    problems = []
    for where, test in (("begin", _begins_with_newline), ("end", _ends_with_newline)):
        expected = test(entry.msgid)
        for name, text in others:
            if test(text) != expected:
                problems.append(Problem(path, line_of(entry),
                                        f"'msgid' and '{name}' entries do not both {where} with '\\n'"))
    return problems


def _begins_with_newline(text: str) -> bool:
    return text.startswith("\n")


def _ends_with_newline(text: str) -> bool:
    return text.endswith("\n")


# -- format strings --------------------------------------------------------------------------------


def check_formats(entry: polib.POEntry, path: Path, distribution: PluralDistribution | None,
                  charset: str) -> list[Problem]:
    """The format-string problems of an entry, one per language and msgstr."""
    if not entry.msgid:
        return []
    flags = read_format_flags(entry.flags)
    problems = []
    for language in flags.languages:
        if language in PARSERS:
            for message in compare_entry_formats(entry, language, distribution, flags.range, charset):
                problems.append(Problem(path, line_of(entry), message))
    return problems


def compare_entry_formats(entry: polib.POEntry, language: str, distribution: PluralDistribution | None,
                          numbers: tuple[int, int] | None, charset: str = "utf-8") -> list[str]:
    """How the msgstr (or each plural form) of an entry fails its msgid as format strings of ``language``.

    Nothing when the msgid (msgid_plural in a plural entry) is not a valid format string itself.
    """
    source_name = "msgid_plural" if entry.msgid_plural else "msgid"
    try:
        source = parse_format(format_text(entry.msgid_plural or entry.msgid, charset), language)
    except FormatError:
        return []
    forms = translations(entry)
    messages = []
    for index, form in enumerate(forms):
        target_name = f"msgstr[{index}]" if entry.msgid_plural else "msgstr"
        try:
            target = parse_format(format_text(form, charset), language, translated=True)
        except FormatError as error:
            messages.append(f"'{target_name}' is not a valid {PRETTY_NAMES[language]} format string, unlike "
                            f"'{source_name}'. Reason: {error.reason}")
            continue
        strict = is_strict(entry, len(forms), index, distribution, numbers)
        problem = compare_formats(source, target, language, strict=strict, names=(source_name, target_name))
        if problem:
            messages.append(problem)
    return messages


def is_strict(entry: polib.POEntry, count: int, index: int, distribution: PluralDistribution | None,
              numbers: tuple[int, int] | None) -> bool:
    """Whether form ``index`` must take all the msgid's arguments: always outside plural entries and for a
    single form; otherwise when the expression takes the form for infinitely many n, unless the
    entry's range gives it at most one n."""
    if not entry.msgid_plural or count < 2:
        return True
    if distribution is None or index >= len(distribution.often) or not distribution.often[index]:
        return False
    return not (numbers is not None and distribution.count(numbers[0], numbers[1], index) <= 1)
