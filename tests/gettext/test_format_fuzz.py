"""Seeded random format strings for each language, checked by ``msgfmt -c`` and by ``find_problems``:
the same entries are rejected.  One catalogue per language and seed, each entry under its own msgctxt,
half of them plural (French plural rule, so that form 0 is checked leniently)."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path

import pytest
from po_corpus import needs_msgfmt, read_po
from test_msgfmt_checks import GNU_LINE_RE, blamed, msgfmt_check

from i18nprofiles.gettext.checks import find_problems

pytestmark = needs_msgfmt
ENTRIES = int(os.environ.get("I18NP_FORMAT_FUZZ_ENTRIES", "600"))
SEED = int(os.environ.get("I18NP_FORMAT_FUZZ_SEED", "7"))

FLAGS = "-+ #0'"
C_CONVERSIONS = ["d", "i", "u", "x", "X", "o", "s", "c", "C", "S", "f", "e", "g", "a", "p", "n", "m", "%", "@", "y",
                 "<PRIuMAX>", "<PRId64>", "<PRIu32>", "<PRIxPTR>", "<PRIuLEAST8>", "<PRIdFAST16>", "<PRIq64>",
                 "<PRIuMAX", "<FOO>"]
C_SIZES = ["", "", "", "h", "hh", "l", "ll", "L", "q", "j", "z", "Z", "t", "lh"]
PERL_CONVERSIONS = ["d", "i", "D", "u", "U", "b", "o", "O", "x", "X", "s", "c", "_", "e", "f", "F", "g", "p", "n",
                    "%", "y"]
PERL_SIZES = ["", "", "", "h", "l", "ll", "L", "q", "V", "I", "I32", "I64"]
PYTHON_CONVERSIONS = ["d", "i", "u", "o", "x", "X", "s", "r", "c", "e", "f", "g", "G", "%", "a", "F"]
NAMES = ["a", "b", "count", "n", "x1", "_y"]


def number(rng: random.Random, numbered: bool) -> str:
    return f"{rng.choice([1, 1, 2, 2, 3, 0])}$" if numbered else ""


def c_directive(rng: random.Random, numbered: bool, translated: bool) -> str:
    width = rng.choice(["", "", "5", "*", f"*{number(rng, True)}" if numbered else "*"])
    precision = rng.choice(["", "", ".2", ".*", ".", f".*{number(rng, True)}" if numbered else ".*"])
    flags = "".join(rng.sample(FLAGS + ("I" if translated else ""), rng.randrange(3)))
    return "%" + number(rng, numbered) + flags + width + precision + rng.choice(C_SIZES) + rng.choice(C_CONVERSIONS)


def perl_directive(rng: random.Random, numbered: bool, translated: bool) -> str:
    vector = rng.choice(["", "", "", "v", "*v", "*2$v"])
    width = rng.choice(["", "", "5", "*", "*2$"])
    precision = rng.choice(["", "", ".2", ".*", ".*1$", "."])
    flags = "".join(rng.sample(FLAGS[:-1], rng.randrange(2)))
    return ("%" + number(rng, numbered) + flags + vector + width + precision + rng.choice(PERL_SIZES)
            + rng.choice(PERL_CONVERSIONS))


def python_directive(rng: random.Random, numbered: bool, translated: bool) -> str:
    name = f"({rng.choice(NAMES)})" if numbered else ""
    width = rng.choice(["", "", "3", "*"])
    precision = rng.choice(["", "", ".0", ".2", ".*", "."])
    size = rng.choice(["", "", "", "l", "h"])
    return "%" + name + "".join(rng.sample("-+ #0", rng.randrange(2))) + width + precision + size + rng.choice(
        PYTHON_CONVERSIONS)


def brace_directive(rng: random.Random, numbered: bool, translated: bool) -> str:
    field = rng.choice(["0", "1", "name", "x", "", "0.real", "a[0]", "a[b]", "a.", "a[", "9z"])
    spec = rng.choice(["", "", "", ":d", ":>8", ":{1}", ":<{w}", ":.2f", ":x", ":{", ":0=+#10.3e", ":!"])
    return rng.choice(["{", "{", "{", "{{", "}"]) + field + spec + rng.choice(["}", "}", "}", "", "}}"])


def sh_directive(rng: random.Random, numbered: bool, translated: bool) -> str:
    name = rng.choice(NAMES + ["1", "", "HOME", "a-b", "x:-y", "é"])
    return rng.choice(["$", "${", "$"]) + name + rng.choice(["", "}", "}"])


GENERATORS = {"c": c_directive, "perl": perl_directive, "python": python_directive,
              "python-brace": brace_directive, "sh": sh_directive}
TEXTS = ["", " ", " files ", ": ", "100 ", "\u00e9t\u00e9 "]


def format_string(rng: random.Random, language: str, translated: bool, numbered: bool) -> str:
    pieces = [rng.choice(TEXTS)]
    for _ in range(rng.randrange(4)):
        pieces += [GENERATORS[language](rng, numbered, translated), rng.choice(TEXTS)]
    return "".join(pieces)


def derive(rng: random.Random, source: str, language: str, numbered: bool) -> str:
    """A translation: the msgid itself, its directives shuffled or changed, or a fresh string."""
    choice = rng.randrange(4)
    if choice == 0:
        return source
    if choice == 1:
        parts = re.split(r"(\s+)", source)
        rng.shuffle(parts)
        return "".join(parts)
    if choice == 2 and source:
        at = rng.randrange(len(source))
        return source[:at] + GENERATORS[language](rng, numbered, True) + source[at + 1:]
    return format_string(rng, language, True, numbered)


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


HEADER = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
          '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n')


@pytest.mark.parametrize("language", list(GENERATORS))
def test_random_format_strings(language: str, tmp_path: Path) -> None:
    rng = random.Random(f"{SEED}-{language}")
    blocks = [HEADER]
    for index in range(ENTRIES):
        numbered = rng.random() < 0.4
        msgid = format_string(rng, language, False, numbered)
        flag = rng.choice([f"{language}-format", f"{language}-format", f"possible-{language}-format"])
        block = f"#, {flag}\nmsgctxt \"e{index}\"\nmsgid {quote(msgid or 'x')}\n"
        if rng.random() < 0.5:
            plural = derive(rng, msgid, language, numbered) or "y"
            block += f"msgid_plural {quote(plural)}\n"
            for form in range(2):
                block += f"msgstr[{form}] {quote(derive(rng, plural, language, numbered) or 'z')}\n"
        else:
            block += f"msgstr {quote(derive(rng, msgid, language, numbered) or 'z')}\n"
        blocks.append(block)
    path = tmp_path / f"{language}.po"
    path.write_text("\n".join(blocks), encoding="utf-8")
    gnu = msgfmt_check(path)
    assert gnu.returncode in (0, 1), gnu.stderr
    catalog = read_po(path)
    problems = find_problems(catalog, path)
    starts = [1] + [entry.linenum for entry in catalog]
    gnu_blamed = blamed([int(m.group(2)) for m in map(GNU_LINE_RE.match, gnu.stderr.splitlines()) if m], starts)
    ours = blamed([problem.line for problem in problems], starts)
    assert ours == gnu_blamed, (f"seed {SEED}: only msgfmt: {sorted(gnu_blamed - ours)[:5]}, "
                                f"only ours: {sorted(ours - gnu_blamed)[:5]}")
    assert ENTRIES < 100 or ENTRIES // 10 < len(ours) < ENTRIES * 9 // 10  # both verdicts well represented
