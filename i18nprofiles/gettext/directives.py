"""Where the format directives of a string lie, so that the writer never breaks a line inside one.

GNU gettext's writer parses each string with the parser of the entry's first
format flag (``c-format``, ``python-format``…) and forbids line breaks inside
a directive (before its first character a break stays allowed).  This module
recognises the directives of the formats met in practice: C and Objective C,
Python, Python brace, Perl and shell.  Like GNU's parsers it stops at the
first invalid directive: later ones are not protected.  Other formats get no
protection (documented difference; GNU has parsers for about thirty).
"""

from __future__ import annotations

import re

# The flags that name a format, in GNU's order (the first one set on an entry decides).
FORMAT_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme", "lisp",
    "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde",
    "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp",
)

_C_DIRECTIVE = re.compile(
    r"%(?:\d+\$)?[-+ #0'I]*(?:\d+|\*(?:\d+\$)?)?(?:\.(?:\d+|\*(?:\d+\$)?)?)?"
    r"(?:hh|h|ll|l|L|q|j|z|Z|t)?(?:[diouxXeEfFgGaAcsCSpnm%]|<PRI[diouxX](?:8|16|32|64|LEAST8|LEAST16|LEAST32|LEAST64"
    r"|FAST8|FAST16|FAST32|FAST64|MAX|PTR)>)"
)
_PYTHON_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[hlL]?[diouxXeEfFgGcrsa%]")
_PERL_DIRECTIVE = re.compile(
    r"%(?:\d+\$)?[-+ #0]*(?:\*?(?:\d+\$)?v)?(?:\d+|\*(?:\d+\$)?)?(?:\.(?:\d+|\*(?:\d+\$)?)?)?"
    r"(?:hh|h|ll|l|q|L|V|j|z|t)?[csdiouxXeEfFgGbBpnDUO%]"
)
_BRACE_FIELD = re.compile(r"\{(?:[A-Za-z_][A-Za-z0-9_]*|\d+)?(?:\.[A-Za-z_][A-Za-z0-9_]*|\[[^\]{}]*\])*(?:![rsa])?")


def directive_spans(value: str, language: str) -> list[tuple[int, int]]:
    """The (start, end) index pairs, end excluded, of the format directives of ``value``."""
    if language in ("c", "objc"):
        return _printf_spans(value, _C_DIRECTIVE)
    if language == "python":
        return _printf_spans(value, _PYTHON_DIRECTIVE)
    if language == "perl":
        return _printf_spans(value, _PERL_DIRECTIVE)
    if language == "python-brace":
        return _brace_spans(value)
    return []


def _printf_spans(value: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans = []
    start = value.find("%")
    while start >= 0:
        found = pattern.match(value, start)
        if found is None:
            break  # an invalid directive: GNU's parser stops here
        spans.append((start, found.end()))
        start = value.find("%", found.end())
    return spans


def _brace_spans(value: str) -> list[tuple[int, int]]:
    spans = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "}" and value.startswith("}}", index):
            index += 2
            continue
        if char != "{":
            index += 1
            continue
        if value.startswith("{{", index):
            index += 2
            continue
        end = _brace_end(value, index)
        if end is None:
            break
        spans.append((index, end))
        index = end
    return spans


def _brace_end(value: str, start: int) -> int | None:
    found = _BRACE_FIELD.match(value, start)
    if found is None:
        return None
    index = found.end()
    if index < len(value) and value[index] == ":":
        depth = 0
        index += 1
        while index < len(value):
            char = value[index]
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    break
                depth -= 1
            index += 1
    if index < len(value) and value[index] == "}":
        return index + 1
    return None
