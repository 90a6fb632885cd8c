"""The directive parsers and the plural expressions, as functions the CI gate can reuse."""

from __future__ import annotations

import gettext

import pytest

from i18nprofiles.gettext.formats import (
    Argument,
    FormatError,
    FormatSpec,
    compare_formats,
    format_text,
    parse_directives,
    parse_format,
    read_format_flags,
)
from i18nprofiles.gettext.plurals import (
    PluralError,
    check_plural_values,
    evaluate_plural,
    find_plural_forms,
    parse_nplurals,
    parse_plural,
)


def test_c_directives_with_spans_arguments_and_system_dependent_parts() -> None:
    text = "%2$s: %1$*3$d"
    directives = parse_directives("%s: %*d, %<PRIuMAX> and 100%%", "c")
    assert [(d.start, d.end) for d in directives] == [(0, 2), (4, 7), (9, 19), (27, 29)]
    assert directives[1].arguments == (Argument(None, "int"), Argument(None, "int"))
    assert directives[2].arguments == (Argument(None, "unsigned intmax_t int"),)
    assert directives[2].sysdep == ((10, 19),)
    assert directives[3].arguments == ()
    numbered = parse_directives(text, "c")
    assert numbered[1].arguments == (Argument(3, "int"), Argument(1, "int"))
    assert parse_format(text, "c") == FormatSpec(("int", "string", "int"))


def test_c_i_flag_only_in_translations() -> None:
    assert parse_directives("%Id", "c", translated=True)[0].sysdep == ((1, 2),)
    with pytest.raises(FormatError, match="not a valid conversion specifier"):
        parse_directives("%Id", "c")


@pytest.mark.parametrize(("text", "reason"), [
    ("%", "ends in the middle"),
    ("%1$s %s", "both through absolute argument numbers and through unnumbered"),
    ("%2$s", "refers to argument number 2 but ignores argument number 1"),
    ("%1$s %1$d", "argument number 1 in incompatible ways"),
    ("%0$s", "argument number 0 is not a positive integer"),
    ("%<PRIuMAXX>", "not followed by '>'"),
    ("%<FOO>", "not the name of a format specifier macro"),
])
def test_c_invalid(text: str, reason: str) -> None:
    with pytest.raises(FormatError, match=reason):
        parse_format(text, "c", translated=True)


def test_python_named_and_unnamed() -> None:
    assert parse_format("%(a)s %(b).0s %(a)s", "python") == FormatSpec((), (("a", "string"), ("b", "any")))
    assert parse_format("%*.*f %%", "python") == FormatSpec(("integer", "integer", "float"))
    with pytest.raises(FormatError, match="both through argument names and through unnamed"):
        parse_format("%(a)s %s", "python")


def test_python_brace_names_include_the_spec() -> None:
    directives = parse_directives("{0:{1}} {user.name[0]:>8} {{x}}", "python-brace")
    assert [d.arguments[0].key for d in directives] == ["0:{1}", "user.name[0]:>8"]
    with pytest.raises(FormatError, match="ends in the middle"):
        parse_format("{0:>{1}}", "python-brace")  # a nested field only right after the colon
    with pytest.raises(FormatError, match="cannot start a field name"):
        parse_format("{}", "python-brace")


def test_perl_and_shell() -> None:
    assert parse_format("%2$s %1$d %d", "perl") == FormatSpec((), ((1, "int"), (2, "string")))
    with pytest.raises(FormatError, match="incompatible ways"):
        parse_format("%s %1$d", "perl")
    assert parse_format("$HOME ${USER} $HOME", "sh") == FormatSpec((), (("HOME", ""), ("USER", "")))
    with pytest.raises(FormatError, match="complex shell brace syntax"):
        parse_format("${x:-y}", "sh")


def test_compare_strict_and_relaxed() -> None:
    one, two = parse_format("%d", "c"), parse_format("%d %s", "c")
    assert compare_formats(two, one, "c", strict=True) == (
        "number of format specifications in 'msgid' and 'msgstr' does not match")
    assert compare_formats(two, one, "c", strict=False) is None
    assert compare_formats(one, two, "c", strict=False) is not None
    named = parse_format("%(a)s %(b)s", "python")
    assert compare_formats(named, parse_format("%(a)s", "python"), "python", strict=False) is None
    assert compare_formats(named, parse_format("%(c)s", "python"), "python", strict=False) is not None


def test_flags_last_wins_and_range() -> None:
    flags = read_format_flags(["fuzzy", "c-format", "python-format", "no-c-format", "range: 2..9"])
    assert flags.languages == ("python",) and flags.range == (2, 9)
    assert read_format_flags(["possible-sh-format", "range: 9..2"]) == read_format_flags(["possible-sh-format"])
    assert read_format_flags(["impossible-c-format"]).languages == ()


def test_format_text_reads_big5_as_bytes() -> None:
    text = "\u529f"  # its second BIG5 byte is "\\" (0x5c)
    assert format_text(text, "BIG5") == text.encode("big5").decode("latin-1")
    assert format_text(text, "UTF-8") == text


# -- plural expressions ---------------------------------------------------------------------------

USUAL_RULES = [
    "0", "(n != 1)", "(n > 1)", "n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2",
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2", "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    "(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3)",
    "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5)", "!(n == 1)",
]


@pytest.mark.parametrize("rule", USUAL_RULES)
def test_plural_rules_agree_with_python_gettext(rule: str) -> None:
    expected = gettext.c2py(rule)
    expression = parse_plural(rule + ";")
    assert [evaluate_plural(expression, n) for n in range(300)] == [expected(n) for n in range(300)]


def test_plural_unsigned_arithmetic_and_errors() -> None:
    assert evaluate_plural(parse_plural("n-1"), 0) == 2**64 - 1
    assert evaluate_plural(parse_plural("2*n+1\nrest"), 3) == 7
    assert check_plural_values(parse_plural("n-1"), 2)[0] == "plural expression can produce negative values"
    assert check_plural_values(parse_plural("n%0"), 2)[0] == "plural expression can produce division by zero"
    problem, distribution = check_plural_values(parse_plural("n != 1"), 2)
    assert problem is None and distribution is not None and distribution.often == (False, True)
    for bad in ("n = 1", "n & 1", "(n", "n 1", "x", ""):
        with pytest.raises(PluralError):
            parse_plural(bad)
    forms = find_plural_forms("Plural-Forms: nplurals= 3; plural=n%3;\n")
    assert parse_nplurals(forms.nplurals) == 3 and forms.plural.startswith("n%3;")
    assert parse_nplurals("x; plural=0") is None
