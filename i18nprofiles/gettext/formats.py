"""Format strings as GNU gettext 0.21 reads them: directives, the arguments they take, and the
comparison ``msgfmt -c`` makes between a msgid and its translation.

Languages: ``c`` (with ``<inttypes.h>`` macros such as ``%<PRIuMAX>`` and, in translations,
the ``I`` flag), ``objc``, ``python``, ``python-brace``, ``perl`` and ``sh``.  The rules are
those of gettext-tools' ``format-*.c``, including their quirks: a python-brace directive is
named with its format spec (``{0:d}`` and ``{0}`` are different arguments), ``{}`` is not a
valid directive, and a translation may take fewer arguments than a plural msgid in forms that
serve a single number.

``parse_directives(text, language)`` lists the directives of a string; ``parse_format`` sums
them up as the arguments the string takes; ``compare_formats`` says how a translation's
arguments disagree with the msgid's.  A string that is not a valid format string of the
language raises ``FormatError``.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

LANGUAGES = ("c", "objc", "python", "python-brace", "perl", "sh")
#: Every format language GNU gettext 0.21 knows, in its order (flags of the others are recognised, not checked).
GNU_LANGUAGES = (
    "c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript", "scheme", "lisp",
    "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal", "smalltalk", "qt", "qt-plural", "kde",
    "kde-kuit", "boost", "tcl", "perl", "perl-brace", "php", "gcc-internal", "gfc-internal", "ycp",
)
PRETTY_NAMES = {"c": "C", "objc": "Objective C", "python": "Python", "python-brace": "Python brace",
                "perl": "Perl", "sh": "Shell"}
FLAG_SEPARATORS = "\n \t\r\f\v,"
#: Charsets in which the second byte of a character can be an ASCII character such as ``{`` or ``%``:
#: gettext reads format strings byte by byte, so they are parsed here as their bytes.
MULTIBYTE_ASCII_TRAIL = frozenset({"big5", "big5hkscs", "gbk", "gb18030", "shift_jis", "cp932", "cp949", "cp950",
                                   "johab"})


class FormatError(ValueError):
    """A string that is not a valid format string: why, and at which offset."""

    def __init__(self, reason: str, position: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.position = position


@dataclass(frozen=True)
class Argument:
    """One argument a directive takes: its number (1-based) or name, None for the next one in order;
    its type as gettext distinguishes types ("" where the language has none)."""

    key: int | str | None
    type: str


@dataclass(frozen=True)
class Directive:
    """A directive at ``text[start:end]`` and the arguments it takes, in order (width, precision,
    value).  ``sysdep`` are the spans, inside it, that only the running system can spell: a
    C ``<PRIuMAX>`` macro (with its angle brackets) or the ``I`` flag."""

    start: int
    end: int
    arguments: tuple[Argument, ...] = ()
    sysdep: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class FormatSpec:
    """The arguments a format string takes: by position, or by key (name or number), sorted."""

    positional: tuple[str, ...] = ()
    named: tuple[tuple[str | int, str], ...] = field(default=())


@dataclass(frozen=True)
class ParsedFormat:
    directives: tuple[Directive, ...]
    spec: FormatSpec


def parse_directives(text: str, language: str, *, translated: bool = False) -> list[Directive]:
    """The directives of ``text`` in a format language; FormatError if it is not a valid format string.

    ``translated`` says the string is a msgstr (C then accepts the ``I`` flag).
    """
    return list(parse(text, language, translated=translated).directives)


def parse_format(text: str, language: str, *, translated: bool = False) -> FormatSpec:
    """The arguments ``text`` takes as a format string; FormatError if it is not one."""
    return parse(text, language, translated=translated).spec


def parse(text: str, language: str, *, translated: bool = False) -> ParsedFormat:
    """Directives and arguments of ``text`` together."""
    try:
        parser = PARSERS[language]
    except KeyError:
        raise ValueError(f"unknown format language {language!r}") from None
    return parser(text, translated)


def format_text(text: str, charset: str) -> str:
    """The text gettext's format parsers see: the characters, or the bytes (one character each) for a
    charset whose multibyte characters can end in an ASCII byte."""
    if codecs.lookup(charset).name in MULTIBYTE_ASCII_TRAIL:
        return text.encode(charset, "replace").decode("latin-1")
    return text


# -- flags ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatFlags:
    """What an entry's ``#,`` flags say about format strings, as msgfmt reads them."""

    languages: tuple[str, ...]  # checked: "<lang>-format" or "possible-<lang>-format", not negated after
    range: tuple[int, int] | None  # the ``range: MIN..MAX`` flag


NO_FORMAT_FLAGS = FormatFlags((), None)


def read_format_flags(flags: Iterable[str]) -> FormatFlags:
    """The format languages an entry's flags declare, and its range.

    The flags are read as one ``#,`` line, left to right: a later flag for a language replaces an
    earlier one (``c-format, no-c-format`` is not checked).
    """
    line = ",".join(flags)
    if "-format" not in line and "range:" not in line:
        return NO_FORMAT_FLAGS
    tokens = tokenize_flags(line)
    state: dict[str, bool] = {}
    numbers: tuple[int, int] | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if token.endswith("-format"):
            name, value = token[:-7], True
            for prefix, meaning in (("no-", False), ("possible-", True), ("impossible-", False)):
                if name.startswith(prefix):
                    name, value = name[len(prefix):], meaning
                    break
            if name in GNU_LANGUAGES:
                state[name] = value
                continue
        if token == "range:" and i < len(tokens):
            parsed = parse_range(tokens[i])
            i += 1
            if parsed is not None:
                numbers = parsed
    return FormatFlags(tuple(name for name in GNU_LANGUAGES if state.get(name)) if state else (), numbers)


def tokenize_flags(line: str) -> list[str]:
    """The words of a flags line: separated by white space and commas."""
    words: list[str] = []
    word: list[str] = []
    for char in line:
        if char in FLAG_SEPARATORS:
            if word:
                words.append("".join(word))
                word = []
        else:
            word.append(char)
    if word:
        words.append("".join(word))
    return words


def parse_range(token: str) -> tuple[int, int] | None:
    """``MIN..MAX`` (each capped at 2**31-1) or None when malformed or MIN > MAX."""
    limit = 2**31 - 1
    lo, dots, hi = token.partition("..")
    lo_digits = _ascii_digits(lo)
    hi_digits = _ascii_digits(hi)
    if not dots or not lo_digits or lo_digits != lo or not hi_digits:
        return None
    low, high = min(int(lo_digits), limit), min(int(hi_digits), limit)
    return (low, high) if low <= high else None


def _ascii_digits(text: str) -> str:
    end = 0
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return text[:end]


# -- shared helpers ----------------------------------------------------------------------


class _Text:
    """A string read by index, with NUL past its end as C sees it."""

    __slots__ = ("text", "size")

    def __init__(self, text: str) -> None:
        self.text = text
        self.size = len(text)

    def __getitem__(self, index: int) -> str:
        return self.text[index] if index < self.size else "\0"

    def digits_end(self, index: int) -> int:
        """The index after the ASCII digits that start at ``index``."""
        while index < self.size and "0" <= self.text[index] <= "9":
            index += 1
        return index


def _is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def _is_nonzero_digit(char: str) -> bool:
    return "1" <= char <= "9"


def _is_ascii_alpha(char: str) -> bool:
    return "a" <= char <= "z" or "A" <= char <= "Z"


def _is_ascii_alnum(char: str) -> bool:
    return _is_ascii_alpha(char) or _is_digit(char)


def _conversion_reason(number: int, char: str) -> str:
    if char == "\0":
        return "The string ends in the middle of a directive."
    if " " <= char <= "~":
        return f"In the directive number {number}, the character '{char}' is not a valid conversion specifier."
    return (f"In the directive number {number}, the character that terminates the directive is not a valid "
            "conversion specifier.")


def _merge_numbered(arguments: list[tuple[int, str]],
                    compatible: Callable[[str, str], str | None]) -> list[tuple[int, str]]:
    """Numbered arguments sorted, each number once; FormatError when one is used with two types."""
    merged: list[tuple[int, str]] = []
    for number, kind in sorted(arguments, key=lambda pair: pair[0]):
        if merged and merged[-1][0] == number:
            both = compatible(merged[-1][1], kind)
            if both is None:
                raise FormatError(f"The string refers to argument number {number} in incompatible ways.", 0)
            merged[-1] = (number, both)
        else:
            merged.append((number, kind))
    return merged


def _same_type(first: str, second: str) -> str | None:
    return first if first == second else None


# -- C (and Objective C) -------------------------------------------------------------------

C_SIZES_LONG = ("long", "long long")
PRI_KINDS = {"d": False, "i": False, "u": True, "o": True, "x": True, "X": True}  # conversion: unsigned


def _c_type(basic: str, size: str = "", unsigned: bool = False) -> str:
    return " ".join(part for part in ("unsigned" if unsigned else "", size, basic) if part)


def _parse_pri_macro(t: _Text, at: int, number: int) -> tuple[str, int]:
    """The type of the ``<inttypes.h>`` macro whose name starts at ``at`` (after ``<``), and the index
    of its closing ``>``."""
    def bad(index: int) -> FormatError:
        return FormatError(f"In the directive number {number}, the token after '<' is not the name of a format "
                           "specifier macro. The valid macro names are listed in ISO C 99 section 7.8.1.",
                           index - 1 if t[index] == "\0" else index)

    for offset, char in enumerate("PRI"):
        if t[at + offset] != char:
            raise bad(at + offset)
    at += 3
    if t[at] not in PRI_KINDS:
        raise bad(at)
    unsigned = PRI_KINDS[t[at]]
    at += 1
    if t.text.startswith("MAX", at):
        size, at = "intmax_t", at + 3
    elif t.text.startswith("PTR", at):
        size, at = "intptr_t", at + 3
    else:
        prefix = ""
        if t.text.startswith("LEAST", at):
            prefix, at = "_least", at + 5
        elif t.text.startswith("FAST", at):
            prefix, at = "_fast", at + 4
        for bits in ("8", "16", "32", "64"):
            if t.text.startswith(bits, at):
                size, at = f"int{prefix}{bits}_t", at + len(bits)
                break
        else:
            raise bad(at)
    if t[at] != ">":
        raise FormatError(f"In the directive number {number}, the token after '<' is not followed by '>'.",
                          at - 1 if t[at] == "\0" else at)
    return _c_type("int", size, unsigned), at


def _c_size(size: str, char: str) -> str:
    """The size after one more size letter."""
    if char == "h":
        return "char" if size in ("short", "char") else "short"
    if char == "l":
        return "long long" if size in C_SIZES_LONG else "long"
    return {"L": "long long", "q": "long long", "j": "intmax_t", "z": "size_t", "Z": "size_t", "t": "ptrdiff_t"}[char]


def _c_conversion(char: str, size: str, objc: bool) -> str | None:
    """The argument type of a conversion ("" for none), None if ``char`` is not one."""
    wide = "long" if size in C_SIZES_LONG else ""
    if char in "%m":
        return ""
    if char == "c":
        return _c_type("char", wide)
    if char == "C":
        return _c_type("char", "long")
    if char == "s":
        return _c_type("string", wide)
    if char == "S":
        return _c_type("string", "long")
    if char in "id":
        return _c_type("int", size)
    if char in "uoxX":
        return _c_type("int", size, True)
    if char in "eEfFgGaA":
        return _c_type("double", "long long" if size == "long long" else "")
    if char == "@" and objc:
        return "object"
    if char == "p":
        return "pointer"
    if char == "n":
        return _c_type("count", size)
    return None


def _c_star(t: _Text, at: int, number: int, what: str) -> tuple[int, int]:
    """After a ``*`` at ``at - 1``: the argument number that follows (0: none) and the index after it."""
    end = t.digits_end(at)
    if end > at and t[end] == "$":
        value = int(t.text[at:end])
        if value == 0:
            raise FormatError(f"In the directive number {number}, the {what}argument number 0 is not a positive "
                              "integer.", end)
        return value, end + 1
    return 0, at


def _parse_c(text: str, translated: bool, objc: bool = False) -> ParsedFormat:
    t = _Text(text)
    directives: list[Directive] = []
    numbered: list[tuple[int, str]] = []
    unnumbered: list[str] = []
    count = 0

    def add(key: int, kind: str, at: int, arguments: list[Argument]) -> None:
        if key:
            if unnumbered:
                raise _mixed(at)
            numbered.append((key, kind))
            arguments.append(Argument(key, kind))
        else:
            if numbered:
                raise _mixed(at)
            unnumbered.append(kind)
            arguments.append(Argument(None, kind))

    at = text.find("%")
    while at >= 0:
        start = at
        at += 1
        count += 1
        arguments: list[Argument] = []
        sysdep: list[tuple[int, int]] = []
        number = 0
        end = t.digits_end(at)
        if end > at and t[end] == "$":
            number = int(text[at:end])
            if number == 0:
                raise FormatError(f"In the directive number {count}, the argument number 0 is not a positive "
                                  "integer.", end)
            at = end + 1
        while True:  # flags
            char = t[at]
            if char in " +-#0'" and char != "\0":
                at += 1
            elif translated and char == "I":
                sysdep.append((at, at + 1))
                at += 1
            else:
                break
        if t[at] == "*":  # width
            width, at = _c_star(t, at + 1, count, "width's ")
            add(width, _c_type("int"), at - 1, arguments)
        else:
            at = t.digits_end(at)
        if t[at] == ".":  # precision
            at += 1
            if t[at] == "*":
                precision, at = _c_star(t, at + 1, count, "precision's ")
                add(precision, _c_type("int"), at - 1, arguments)
            else:
                at = t.digits_end(at)
        if t[at] == "<":
            kind, close = _parse_pri_macro(t, at + 1, count)
            sysdep.append((at, close + 1))
            at = close
        else:
            size = ""
            while t[at] in "hlLqjzZt" and t[at] != "\0":
                size = _c_size(size, t[at])
                at += 1
            conversion = _c_conversion(t[at], size, objc)
            if conversion is None:
                raise FormatError(_conversion_reason(count, t[at]), at - 1 if t[at] == "\0" else at)
            kind = conversion
        if kind:
            add(number, kind, at, arguments)
        at += 1
        directives.append(Directive(start, at, tuple(arguments), tuple(sysdep)))
        at = text.find("%", at)
    if numbered:
        merged = _merge_numbered(numbered, _same_type)
        for index, (key, _) in enumerate(merged, start=1):
            if key != index:
                raise FormatError(f"The string refers to argument number {key} but ignores argument number {index}.", 0)
        return ParsedFormat(tuple(directives), FormatSpec(tuple(kind for _, kind in merged)))
    return ParsedFormat(tuple(directives), FormatSpec(tuple(unnumbered)))


def _mixed(at: int) -> FormatError:
    return FormatError("The string refers to arguments both through absolute argument numbers and through "
                       "unnumbered argument specifications.", at)


def _parse_objc(text: str, translated: bool) -> ParsedFormat:
    return _parse_c(text, translated, objc=True)


def _compare_c(source: FormatSpec, target: FormatSpec, strict: bool, names: tuple[str, str]) -> str | None:
    mine, theirs = source.positional, target.positional
    if (len(mine) != len(theirs)) if strict else (len(mine) < len(theirs)):
        return f"number of format specifications in '{names[0]}' and '{names[1]}' does not match"
    for index, kind in enumerate(theirs):
        if mine[index] != kind:
            return f"format specifications in '{names[0]}' and '{names[1]}' for argument {index + 1} are not the same"
    return None


# -- Python % -------------------------------------------------------------------------------

PYTHON_CONVERSIONS = {"%": "", "c": "character", "s": "string", "r": "string", "i": "integer", "d": "integer",
                      "u": "integer", "o": "integer", "x": "integer", "X": "integer", "e": "float", "E": "float",
                      "f": "float", "g": "float", "G": "float"}
PYTHON_NONE = "none"  # the type of a named %(name)% directive
PYTHON_ANY = "any"  # %.0s takes anything


def _python_compatible(first: str, second: str) -> str | None:
    """The type of a name used twice: the same type, or any type and another."""
    if first == second or first == PYTHON_ANY:
        return second
    if second == PYTHON_ANY:
        return first
    return None


def _parse_python(text: str, translated: bool) -> ParsedFormat:
    t = _Text(text)
    directives: list[Directive] = []
    named: dict[str, str] = {}
    unnamed: list[str] = []
    count = 0
    mixes = "The string refers to arguments both through argument names and through unnamed argument specifications."

    def add_unnamed(kind: str, at: int, arguments: list[Argument]) -> None:
        if named:
            raise FormatError(mixes, at)
        unnamed.append(kind)
        arguments.append(Argument(None, kind))

    at = text.find("%")
    while at >= 0:
        start = at
        at += 1
        count += 1
        arguments: list[Argument] = []
        name = None
        if t[at] == "(":
            depth = 0
            at += 1
            name_start = at
            while at < t.size:
                char = text[at]
                if char == "(":
                    depth += 1
                elif char == ")":
                    if depth == 0:
                        break
                    depth -= 1
                at += 1
            if at >= t.size:
                raise FormatError("The string ends in the middle of a directive.", at - 1)
            name = text[name_start:at]
            at += 1
        while t[at] in "-+ #0" and t[at] != "\0":
            at += 1
        if t[at] == "*":
            at += 1
            add_unnamed("integer", at - 1, arguments)
        else:
            at = t.digits_end(at)
        zero_precision = False
        if t[at] == ".":
            at += 1
            if t[at] == "*":
                at += 1
                add_unnamed("integer", at - 1, arguments)
            elif _is_digit(t[at]):
                end = t.digits_end(at)
                zero_precision = set(text[at:end]) == {"0"}
                at = end
        if t[at] in "hlL" and t[at] != "\0":
            at += 1
        kind = PYTHON_CONVERSIONS.get(t[at]) if t[at] != "\0" else None
        if kind is None:
            raise FormatError(_conversion_reason(count, t[at]), at - 1 if t[at] == "\0" else at)
        if kind == "string" and zero_precision:
            kind = PYTHON_ANY
        if name is not None:
            if unnamed:
                raise FormatError(mixes, at)
            kind = kind or PYTHON_NONE
            if name in named:
                both = _python_compatible(named[name], kind)
                if both is None:
                    raise FormatError(f"The string refers to the argument named '{name}' in incompatible ways.", at)
                named[name] = both
            else:
                named[name] = kind
            arguments.append(Argument(name, kind))
        elif kind:
            add_unnamed(kind, at, arguments)
        at += 1
        directives.append(Directive(start, at, tuple(arguments)))
        at = text.find("%", at)
    return ParsedFormat(tuple(directives), FormatSpec(tuple(unnamed), tuple(sorted(named.items()))))


def _compare_python(source: FormatSpec, target: FormatSpec, strict: bool, names: tuple[str, str]) -> str | None:
    if source.named and target.positional:
        return f"format specifications in '{names[0]}' expect a mapping, those in '{names[1]}' expect a tuple"
    if source.positional and target.named:
        return f"format specifications in '{names[0]}' expect a tuple, those in '{names[1]}' expect a mapping"
    if source.named or target.named:
        problem = _compare_keys(dict(source.named), dict(target.named), strict, names)
        if problem:
            return problem
        theirs = dict(target.named)
        for key, kind in source.named:
            if key in theirs and not _python_types_agree(kind, theirs[key], strict):
                return f"format specifications in '{names[0]}' and '{names[1]}' for argument '{key}' are not the same"
    if source.positional or target.positional:
        if len(source.positional) != len(target.positional):
            return f"number of format specifications in '{names[0]}' and '{names[1]}' does not match"
        for index, (mine, theirs_kind) in enumerate(zip(source.positional, target.positional)):
            if not _python_types_agree(mine, theirs_kind, strict):
                return (f"format specifications in '{names[0]}' and '{names[1]}' for argument {index + 1} are "
                        "not the same")
    return None


def _python_types_agree(first: str, second: str, strict: bool) -> bool:
    return first == second or (not strict and PYTHON_ANY in (first, second))


def _compare_keys(mine: dict, theirs: dict, strict: bool, names: tuple[str, str]) -> str | None:
    """Keys of the translation must be the msgid's; all of them when strict (python, perl, sh)."""
    for key in sorted(theirs, key=_key_order):
        if key not in mine:
            return (f"a format specification for argument {_show_key(key)}, as in '{names[1]}', doesn't exist in "
                    f"'{names[0]}'")
    if strict:
        for key in sorted(mine, key=_key_order):
            if key not in theirs:
                return f"a format specification for argument {_show_key(key)} doesn't exist in '{names[1]}'"
    return None


def _key_order(key: str | int) -> tuple[int, str | int]:
    return (0, key) if isinstance(key, int) else (1, key)


def _show_key(key: str | int) -> str:
    return str(key) if isinstance(key, int) else f"'{key}'"


# -- Python str.format ----------------------------------------------------------------------

BRACE_SPEC_TYPES = "bcdoxXneEfFgG%"


def _brace_field(t: _Text, at: int, numeric: bool) -> int:
    """The index after a name (``[_A-Za-z][_0-9A-Za-z]*``), or a number when ``numeric``; ``at`` when none."""
    char = t[at]
    if _is_ascii_alpha(char) or char == "_":
        at += 1
        while _is_ascii_alnum(t[at]) or t[at] == "_":
            at += 1
        return at
    if numeric and _is_digit(char):
        return t.digits_end(at)
    return at


def _brace_directive(t: _Text, at: int, toplevel: bool, names: list[str], count: list[int]) -> int:
    """Parse the directive whose ``{`` is at ``at``; the index after it.  Toplevel names go to ``names``."""
    at += 1
    if t[at] == "{":
        return at + 1
    name_start = at
    end = _brace_field(t, at, True)
    if end == at:
        raise FormatError(f"In the directive number {count[0]}, '{t[at]}' cannot start a field name.", at)
    at = end
    while True:
        char = t[at]
        if char == ".":
            at += 1
            end = _brace_field(t, at, False)
            if end == at:
                raise FormatError(f"In the directive number {count[0]}, '{t[at]}' cannot start a getattr argument.", at)
            at = end
        elif char == "[":
            at += 1
            end = _brace_field(t, at, True)
            if end == at:
                raise FormatError(f"In the directive number {count[0]}, '{t[at]}' cannot start a getitem argument.", at)
            at = end + 1
            if t[end] != "]":
                raise FormatError("The string ends in the middle of a directive.", at)
        else:
            break
    if char == ":":
        if not toplevel:
            raise FormatError(f"In the directive number {count[0]}, no more nesting is allowed in a format "
                              "specifier.", at)
        at += 1
        if t[at] == "{":
            at = _brace_directive(t, at, False, names, count)
            if t[at] != "}":
                raise FormatError("The string ends in the middle of a directive.", at)
        else:
            if t[at + 1] in "<>=^" and t[at + 1] != "\0":
                at += 2
            elif t[at] in "<>=^" and t[at] != "\0":
                at += 1
            for optional in ("+- ", "#", "0"):
                if t[at] in optional and t[at] != "\0":
                    at += 1
            at = t.digits_end(at)
            if t[at] == ".":
                at = t.digits_end(at + 1)
            if t[at] in BRACE_SPEC_TYPES and t[at] != "\0":
                at += 1
            if t[at] != "}":
                raise FormatError("The string ends in the middle of a directive.", at)
        char = t[at]
    if char != "}":
        raise FormatError(f"In the directive number {count[0]}, there is an unterminated format directive.", at)
    if toplevel:
        count[0] += 1
        names.append(t.text[name_start:at])
    return at + 1


def _parse_python_brace(text: str, translated: bool) -> ParsedFormat:
    t = _Text(text)
    names: list[str] = []
    directives: list[Directive] = []
    count = [0]
    at = text.find("{")
    while at >= 0:
        before = len(names)
        end = _brace_directive(t, at, True, names, count)
        if len(names) > before:
            directives.append(Directive(at, end, (Argument(names[-1], ""),)))
        at = text.find("{", end)
    return ParsedFormat(tuple(directives), FormatSpec((), tuple((name, "") for name in sorted(set(names)))))


def _compare_python_brace(source: FormatSpec, target: FormatSpec, strict: bool, names: tuple[str, str]) -> str | None:
    if not strict:
        return None  # gettext lets each side have arguments the other lacks in plural forms for one number
    mine, theirs = {key for key, _ in source.named}, {key for key, _ in target.named}
    for key in sorted(mine | theirs, key=_key_order):
        if key not in theirs:
            return f"a format specification for argument '{key}' doesn't exist in '{names[1]}'"
        if key not in mine:
            return f"a format specification for argument '{key}' doesn't exist in '{names[0]}'"
    return None


# -- Perl -----------------------------------------------------------------------------------

PERL_VECTOR = "vector"


def _perl_type(basic: str, size: str = "", unsigned: bool = False) -> str:
    return " ".join(part for part in ("unsigned" if unsigned else "", size, basic) if part)


def _perl_number(t: _Text, at: int) -> tuple[int, int]:
    """A ``m$`` number (starting with a nonzero digit) at ``at``: (m, index after ``$``), or (0, at)."""
    if _is_nonzero_digit(t[at]):
        end = t.digits_end(at)
        if t[end] == "$":
            return int(t.text[at:end]), end + 1
    return 0, at


class _PerlTaker:
    """Records the arguments of one Perl directive; an unnumbered one takes the next number."""

    def __init__(self, numbered: list[tuple[int, str]], arguments: list[Argument], last: int) -> None:
        self.numbered = numbered
        self.arguments = arguments
        self.last = last  # the last unnumbered argument taken

    def __call__(self, key: int, kind: str) -> None:
        if not key:
            self.last += 1
            key = self.last
        self.numbered.append((key, kind))
        self.arguments.append(Argument(key, kind))


def _parse_perl(text: str, translated: bool) -> ParsedFormat:
    t = _Text(text)
    directives: list[Directive] = []
    numbered: list[tuple[int, str]] = []
    last = 0  # the last unnumbered argument taken
    count = 0
    at = text.find("%")
    while at >= 0:
        start = at
        at += 1
        count += 1
        arguments: list[Argument] = []
        take = _PerlTaker(numbered, arguments, last)
        number, at = _perl_number(t, at)
        while t[at] in " +-#0" and t[at] != "\0":
            at += 1
        vectorize = False
        if t[at] == "v":
            at += 1
            vectorize = True
        elif t[at] == "*":
            if t[at + 1] == "v":
                at += 2
                vectorize = True
                take(0, PERL_VECTOR)
            else:
                vector_number, after = _perl_number(t, at + 1)
                if vector_number and t[after] == "v":
                    at = after + 1
                    vectorize = True
                    take(vector_number, PERL_VECTOR)
        if vectorize:
            take(number, PERL_VECTOR)
        if t[at] == "*":
            width, at = _perl_number(t, at + 1)
            take(width, _perl_type("int"))
        elif _is_nonzero_digit(t[at]):
            at = t.digits_end(at)
        if t[at] == ".":
            at += 1
            if t[at] == "*":
                precision, at = _perl_number(t, at + 1)
                take(precision, _perl_type("int"))
            else:
                at = t.digits_end(at)
        size = ""
        if t[at] == "h":
            size, at = "short", at + 1
        elif t[at] == "l":
            size, at = ("long long", at + 2) if t[at + 1] == "l" else ("long", at + 1)
        elif t[at] in "Lq" and t[at] != "\0":
            size, at = "long long", at + 1
        elif t[at] == "V":
            size, at = "V", at + 1
        elif t[at] == "I":
            if text.startswith("64", at + 1):
                size, at = "long long", at + 3
            elif text.startswith("32", at + 1):
                size, at = "", at + 3
            else:
                size, at = "ptr", at + 1
        char = t[at]
        if char == "%":
            kind = ""
        elif char == "c":
            kind = _perl_type("char")
        elif char == "s":
            kind = _perl_type("string")
        elif char == "_":
            kind = PERL_VECTOR
        elif char == "D":
            kind = _perl_type("int", "V")
        elif char in "id":
            kind = _perl_type("int", size)
        elif char in "UO":
            kind = _perl_type("int", "V", True)
        elif char in "uboxX":
            kind = _perl_type("int", size, True)
        elif char in "eEfFgG":
            if size in ("short", "long"):
                raise FormatError(f"In the directive number {count}, the size specifier is incompatible with the "
                                  f"conversion specifier '{char}'.", at)
            kind = _perl_type("double", size)
        elif char == "p":
            kind = _perl_type("pointer")
        elif char == "n":
            kind = _perl_type("count", size)
        else:
            raise FormatError(_conversion_reason(count, char), at - 1 if char == "\0" else at)
        if kind and not vectorize:
            take(number, kind)
        last = take.last
        at += 1
        directives.append(Directive(start, at, tuple(arguments)))
        at = text.find("%", at)
    merged = _merge_numbered(numbered, _same_type)
    return ParsedFormat(tuple(directives), FormatSpec((), tuple(merged)))


def _compare_keyed(source: FormatSpec, target: FormatSpec, strict: bool, names: tuple[str, str]) -> str | None:
    """Perl and shell: the translation's keys must be the msgid's (all of them when strict), same types."""
    mine, theirs = dict(source.named), dict(target.named)
    problem = _compare_keys(mine, theirs, strict, names)
    if problem:
        return problem
    for key in sorted(theirs, key=_key_order):
        if mine[key] != theirs[key]:
            return (f"format specifications in '{names[0]}' and '{names[1]}' for argument {_show_key(key)} are "
                    "not the same")
    return None


# -- shell ----------------------------------------------------------------------------------


def _parse_sh(text: str, translated: bool) -> ParsedFormat:
    t = _Text(text)
    directives: list[Directive] = []
    names: set[str] = set()
    at = text.find("$")
    while at >= 0:
        start = at
        at += 1
        if t[at] == "{":
            at += 1
            name_start = at
            while at < t.size and text[at] != "}":
                char = text[at]
                if not char.isascii():
                    raise FormatError("The string refers to a shell variable with a non-ASCII name.", at)
                if at > name_start and char in "-=+?:":
                    raise FormatError("The string refers to a shell variable with complex shell brace syntax. This "
                                      "syntax is unsupported here due to security reasons.", at)
                if not (_is_ascii_alnum(char) or char == "_") or (at == name_start and _is_digit(char)):
                    raise FormatError("The string refers to a shell variable whose value may be different inside "
                                      "shell functions.", at)
                at += 1
            if at >= t.size:
                raise FormatError("The string ends in the middle of a directive.", at - 1)
            if at == name_start:
                raise FormatError("The string refers to a shell variable with an empty name.", at)
            name = text[name_start:at]
            at += 1
        elif _is_ascii_alpha(t[at]) or t[at] == "_":
            name_start = at
            while _is_ascii_alnum(t[at]) or t[at] == "_":
                at += 1
            name = text[name_start:at]
        elif t[at] != "\0":
            if not t[at].isascii():
                raise FormatError("The string refers to a shell variable with a non-ASCII name.", at)
            raise FormatError("The string refers to a shell variable whose value may be different inside shell "
                              "functions.", at)
        else:
            raise FormatError("The string ends in the middle of a directive.", at - 1)
        names.add(name)
        directives.append(Directive(start, at, (Argument(name, ""),)))
        at = text.find("$", at)
    return ParsedFormat(tuple(directives), FormatSpec((), tuple((name, "") for name in sorted(names))))


# -- comparison -----------------------------------------------------------------------------

PARSERS: dict[str, Callable[[str, bool], ParsedFormat]] = {
    "c": _parse_c,
    "objc": _parse_objc,
    "python": _parse_python,
    "python-brace": _parse_python_brace,
    "perl": _parse_perl,
    "sh": _parse_sh,
}
COMPARERS: dict[str, Callable[[FormatSpec, FormatSpec, bool, tuple[str, str]], str | None]] = {
    "c": _compare_c,
    "objc": _compare_c,
    "python": _compare_python,
    "python-brace": _compare_python_brace,
    "perl": _compare_keyed,
    "sh": _compare_keyed,
}


def compare_formats(source: FormatSpec, target: FormatSpec, language: str, *, strict: bool = True,
                    names: tuple[str, str] = ("msgid", "msgstr")) -> str | None:
    """How the arguments of a translation (``target``) disagree with those of its msgid, or None.

    ``strict`` asks for the same arguments on both sides; otherwise (a plural form that serves
    a single number) the translation may leave some out.
    """
    return COMPARERS[language](source, target, strict, names)
