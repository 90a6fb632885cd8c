"""Plural-Forms as GNU gettext reads them: the ``plural=`` expression (C syntax, unsigned long
arithmetic), the ``nplurals=`` count, and the checks ``msgfmt -c`` makes on them.

``parse_plural(text)`` reads an expression up to ``;``, a newline or the end, as gettext's
grammar does (``?:``, ``||``, ``&&``, ``== !=``, ``< > <= >=``, ``+ -``, ``* / %``, ``!``, ``n``,
numbers, parentheses); ``evaluate_plural`` computes it for one ``n`` with 64-bit unsigned
wrap-around, as glibc and gettext-tools do on a 64-bit system.
"""

from __future__ import annotations

from dataclasses import dataclass

ULONG = 1 << 64
LONG_MIN_AS_ULONG = 1 << 63
CHECKED_NS = range(0, 1001)  # msgfmt evaluates the expression for these n
OFTEN = 5  # a form taken at least this often in CHECKED_NS is taken infinitely often

Expression = tuple  # ("n",) | ("num", value) | ("!", e) | (op, left, right) | ("?", cond, yes, no)


class PluralError(ValueError):
    """A plural expression that cannot be read or evaluated."""


@dataclass(frozen=True)
class PluralForms:
    """The ``nplurals`` and ``plural`` of a header; None where the header lacks it."""

    nplurals: str | None  # the text after "nplurals="
    plural: str | None  # the text after "plural="


def find_plural_forms(header: str) -> PluralForms:
    """Where ``nplurals=`` and ``plural=`` are in a header: gettext looks for them anywhere in it."""
    nplurals = header.find("nplurals=")
    plural = header.find("plural=")
    return PluralForms(header[nplurals + 9:] if nplurals >= 0 else None, header[plural + 7:] if plural >= 0 else None)


def parse_nplurals(text: str) -> int | None:
    """The number after ``nplurals=`` (white space skipped), None when there are no digits."""
    at = 0
    while at < len(text) and text[at] in " \t\n\v\f\r":
        at += 1
    end = at
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    if end == at:
        return None
    return min(int(text[at:end]), ULONG - 1)


# -- parsing ------------------------------------------------------------------------------

BINARY_LEVELS = (("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%"))
END = "end"


def tokenize_plural(text: str) -> list[str | int]:
    """The tokens of an expression up to ``;``, a newline or the end; PluralError on any other character."""
    tokens: list[str | int] = []
    at = 0
    size = len(text)
    while True:
        while at < size and text[at] in " \t":
            at += 1
        if at >= size or text[at] in ";\n\0":
            tokens.append(END)
            return tokens
        char = text[at]
        if "0" <= char <= "9":
            end = at
            while end < size and "0" <= text[end] <= "9":
                end += 1
            tokens.append(int(text[at:end]) % ULONG)
            at = end
            continue
        two = text[at:at + 2]
        if two in ("==", "!=", "<=", ">=", "&&", "||"):
            tokens.append(two)
            at += 2
        elif char in "!<>*/%+-n?:()":
            tokens.append(char)
            at += 1
        else:
            raise PluralError(f"unexpected {char!r} in plural expression")


def parse_plural(text: str) -> Expression:
    """The expression at the start of ``text`` (up to ``;``, newline or end); PluralError if malformed."""
    tokens = tokenize_plural(text)
    position = 0

    def peek() -> str | int:
        return tokens[position]

    def take() -> str | int:
        nonlocal position
        token = tokens[position]
        if token != END:
            position += 1
        return token

    def expect(token: str) -> None:
        if take() != token:
            raise PluralError("malformed plural expression")

    def conditional() -> Expression:
        condition = binary(0)
        if peek() == "?":
            take()
            yes = conditional()
            expect(":")
            no = conditional()
            return ("?", condition, yes, no)
        return condition

    def binary(level: int) -> Expression:
        if level == len(BINARY_LEVELS):
            return unary()
        left = binary(level + 1)
        while peek() in BINARY_LEVELS[level]:
            operator = take()
            left = (operator, left, binary(level + 1))
        return left

    def unary() -> Expression:
        token = take()
        if token == "!":
            return ("!", unary())
        if token == "n":
            return ("n",)
        if isinstance(token, int):
            return ("num", token)
        if token == "(":
            inner = conditional()
            expect(")")
            return inner
        raise PluralError("malformed plural expression")

    expression = conditional()
    if peek() != END:
        raise PluralError("malformed plural expression")
    return expression


def evaluate_plural(expression: Expression, n: int) -> int:
    """The value of ``expression`` for ``n``, as an unsigned 64-bit number; PluralError on division by zero."""
    kind = expression[0]
    if kind == "n":
        return n % ULONG
    if kind == "num":
        return expression[1]
    if kind == "!":
        return int(not evaluate_plural(expression[1], n))
    if kind == "?":
        return evaluate_plural(expression[2] if evaluate_plural(expression[1], n) else expression[3], n)
    left = evaluate_plural(expression[1], n)
    if kind == "||":
        return int(bool(left) or bool(evaluate_plural(expression[2], n)))
    if kind == "&&":
        return int(bool(left) and bool(evaluate_plural(expression[2], n)))
    right = evaluate_plural(expression[2], n)
    if kind in "/%" and right == 0:
        raise PluralError("plural expression can produce division by zero")
    return OPERATIONS[kind](left, right) % ULONG


OPERATIONS = {
    "*": lambda a, b: a * b,
    "/": lambda a, b: a // b,
    "%": lambda a, b: a % b,
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "<": lambda a, b: int(a < b),
    ">": lambda a, b: int(a > b),
    "<=": lambda a, b: int(a <= b),
    ">=": lambda a, b: int(a >= b),
    "==": lambda a, b: int(a == b),
    "!=": lambda a, b: int(a != b),
}


# -- what msgfmt -c checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class PluralDistribution:
    """Which forms an expression takes infinitely often (at least ``OFTEN`` times for n in 0..1000)."""

    expression: Expression
    often: tuple[bool, ...]

    def count(self, low: int, high: int, form: int) -> int:
        """How many n in [low, high] (at most 1001 of them, from 0) take ``form``."""
        low = max(low, 0)
        high = min(high, low + 1000)
        return sum(1 for n in range(low, high + 1) if _value_or_none(self.expression, n) == form)


def _value_or_none(expression: Expression, n: int) -> int | None:
    try:
        return evaluate_plural(expression, n)
    except PluralError:
        return None


GERMANIC = PluralDistribution(("!=", ("n",), ("num", 1)), (False, True))


def check_plural_values(expression: Expression, nplurals: int) -> tuple[str | None, PluralDistribution | None]:
    """Evaluate for n in 0..1000 as msgfmt -c does: the first problem (negative value, value beyond
    ``nplurals``, division by zero) or the distribution of forms."""
    counts = [0] * nplurals if nplurals <= 100 else None
    for n in CHECKED_NS:
        try:
            value = evaluate_plural(expression, n)
        except PluralError as error:
            return str(error), None
        if value >= LONG_MIN_AS_ULONG:
            return "plural expression can produce negative values", None
        if value >= nplurals:
            return f"nplurals = {nplurals} but plural expression can produce values as large as {value}", None
        if counts is not None:
            counts[value] += 1
    return None, PluralDistribution(expression, tuple(count >= OFTEN for count in counts or ()))
