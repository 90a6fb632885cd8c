"""``find_problems`` against ``msgfmt -c``: purpose-made entries for each check, and seeded mutations
of real catalogues.  Each time, our checks find a problem exactly when ``msgfmt -c`` exits 1, and
blame the same entries for format strings and line breaks."""

from __future__ import annotations

import bisect
import copy
import os
import random
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from po_corpus import corpus_files, needs_msgfmt, read_po

from i18nprofiles.gettext.checks import find_problems

pytestmark = needs_msgfmt

HEADER = '''msgid ""
msgstr ""
"Project-Id-Version: demo 1.0\\n"
"PO-Revision-Date: 2024-01-03 03:04+0000\\n"
"Last-Translator: A <a@example.org>\\n"
"Language-Team: French <fr@example.org>\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
'''
BARE_HEADER = 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n'
FRENCH = "nplurals=2; plural=(n > 1);"
ENDS_IN_ONE = "nplurals=2; plural=(n%10==1 ? 0 : 1);"
RUSSIAN = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def single(flags: str, msgid: str, msgstr: str) -> str:
    return f'#, {flags}\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'


def plural(flags: str, msgid: str, msgid_plural: str, *forms: str) -> str:
    lines = [f"#, {flags}\n" if flags else "", f'msgid "{msgid}"\nmsgid_plural "{msgid_plural}"\n']
    lines += [f'msgstr[{index}] "{form}"\n' for index, form in enumerate(forms)]
    return "".join(lines)


@dataclass(frozen=True)
class Case:
    body: str
    rejected: bool  # what msgfmt -c does (asserted too: the table documents gettext 0.21)
    plural_forms: str = FRENCH
    use_fuzzy: bool = False
    header: str | None = None  # a whole header instead of HEADER


CASES = {
    # C
    "c: same arguments": Case(single("c-format", "%d of %s", "%d sur %s"), False),
    "c: %d … %s became %s … %d": Case(single("c-format", "%d of %s", "%s sur %d"), True),
    "c: positional reordering": Case(single("c-format", "%s has %d", "%2$d chez %1$s"), False),
    "c: positional, an argument ignored": Case(single("c-format", "%s has %d", "%2$d"), True),
    "c: positional and unnumbered mixed": Case(single("c-format", "%s has %d", "%1$s a %d"), True),
    "c: positional, one argument twice": Case(single("c-format", "%s has %d", "%1$s, %1$s: %2$d"), False),
    "c: positional, one argument two types": Case(single("c-format", "%s has %d", "%1$s %1$d %2$d"), True),
    "c: positional argument 0": Case(single("c-format", "%s", "%0$s"), True),
    "c: width *": Case(single("c-format", "%*d", "%*d"), False),
    "c: width * dropped": Case(single("c-format", "%*d", "%d"), True),
    "c: precision *m$": Case(single("c-format", "%.*s", "%2$.*1$s"), False),
    "c: %<PRIuMAX> kept": Case(single("c-format", "%<PRIuMAX> objects", "%<PRIuMAX> objets"), False),
    "c: %<PRIuMAX> became %lu": Case(single("c-format", "%<PRIuMAX> objects", "%lu objets"), True),
    "c: %<PRIuMAX> and %ju are both uintmax_t": Case(single("c-format", "%<PRIuMAX> objects", "%ju objets"), False),
    "c: %<PRIuMAX> became %<PRIu64>": Case(single("c-format", "%<PRIuMAX>", "%<PRIu64>"), True),
    "c: malformed macro in msgstr": Case(single("c-format", "%<PRIuMAX>", "%<PRIuMAXX>"), True),
    "c: I flag in msgstr": Case(single("c-format", "%d items", "%Id articles"), False),
    "c: I flag in msgid is no directive": Case(single("c-format", "%Id items", "%s"), False),
    "c: %% and %m take nothing": Case(single("c-format", "100%% %m %d", "100 %% %m %d"), False),
    "c: invalid msgstr": Case(single("c-format", "%d", "%y"), True),
    "c: unterminated msgstr": Case(single("c-format", "%d", "%"), True),
    "c: invalid msgid, nothing checked": Case(single("c-format", "%y %d", "%s"), False),
    "c: fewer arguments": Case(single("c-format", "%d files", "fichiers"), True),
    "c: more arguments": Case(single("c-format", "files", "%d fichiers"), True),
    "c: no-c-format": Case(single("no-c-format", "%d of %s", "%s sur %d"), False),
    "c: possible-c-format": Case(single("possible-c-format", "%d of %s", "%s sur %d"), True),
    "c: c-format then no-c-format": Case(single("c-format, no-c-format", "%d of %s", "%s sur %d"), False),
    "c: %hhd vs %hd": Case(single("c-format", "%hhd", "%hd"), True),
    "c: %zu vs %Zu": Case(single("c-format", "%zu", "%Zu"), False),
    "c: %lld vs %qd": Case(single("c-format", "%lld", "%qd"), False),
    "c: %lf vs %f": Case(single("c-format", "%lf", "%f"), False),
    "c: %Lf vs %f": Case(single("c-format", "%Lf", "%f"), True),
    "c: %ls vs %S": Case(single("c-format", "%ls", "%S"), False),
    "c: %c vs %lc": Case(single("c-format", "%c", "%lc"), True),
    "c: %i vs %d": Case(single("c-format", "%i", "%d"), False),
    "c: %x vs %u": Case(single("c-format", "%x", "%u"), False),
    "c: %d vs %u": Case(single("c-format", "%d", "%u"), True),
    "c: %p vs %s": Case(single("c-format", "%p", "%s"), True),
    "c: flags and widths": Case(single("c-format", "%-5d|%'08.3f", "%+5d|% 8.3f"), False),
    "objc: %@": Case(single("objc-format", "%@ and %d", "%@ et %d"), False),
    "objc: %@ became %s": Case(single("objc-format", "%@", "%s"), True),
    # Python %
    "python: same names": Case(single("python-format", "%(count)d of %(total)d", "%(total)d: %(count)d"), False),
    "python: %(count)d became %(total)d": Case(single("python-format", "%(count)d files", "%(total)d fichiers"), True),
    "python: name added": Case(single("python-format", "%(a)s", "%(a)s %(b)s"), True),
    "python: name dropped": Case(single("python-format", "%(a)s %(b)s", "%(a)s"), True),
    "python: mapping became tuple": Case(single("python-format", "%(a)s", "%s"), True),
    "python: tuple count": Case(single("python-format", "%s and %s", "%s"), True),
    "python: %d vs %x": Case(single("python-format", "%d", "%x"), False),
    "python: %s vs %d": Case(single("python-format", "%s", "%d"), True),
    "python: %(n).0s vs %(n)d": Case(single("python-format", "%(n).0s", "%(n)d"), True),
    "python: one name, two types": Case(single("python-format", "%(x)s", "%(x)s %(x)d"), True),
    "python: %(a)%": Case(single("python-format", "%(a)% %(b)s", "%(b)s %(a)%"), False),
    "python: star width": Case(single("python-format", "%*d", "%*d"), False),
    "python: invalid %a": Case(single("python-format", "%s", "%a"), True),
    "python: no-python-format": Case(single("no-python-format", "%(a)s", "%(b)s"), False),
    # Python str.format
    "python-brace: same": Case(single("python-brace-format", "{0} {name}", "{name} {0}"), False),
    "python-brace: renamed": Case(single("python-brace-format", "{name}", "{nom}"), True),
    "python-brace: {0:d} is not {0}": Case(single("python-brace-format", "{0:d}", "{0}"), True),
    "python-brace: {} msgid is invalid, nothing checked": Case(single("python-brace-format", "{} {x}", "{y}"), False),
    "python-brace: {} msgstr is invalid": Case(single("python-brace-format", "{x}", "{}"), True),
    "python-brace: escaped braces": Case(single("python-brace-format", "{{x}}", "{{y}}"), False),
    "python-brace: attributes": Case(single("python-brace-format", "{user.name}", "{user.mail}"), True),
    "python-brace: nested spec": Case(single("python-brace-format", "{0:{1}}", "{0:{1}}"), False),
    "python-brace: unclosed": Case(single("python-brace-format", "{0}", "{0"), True),
    # Perl and shell
    "perl: reordered": Case(single("perl-format", "%s has %d", "%2$d chez %1$s"), False),
    "perl: %s became %d": Case(single("perl-format", "%s", "%d"), True),
    "perl: vector": Case(single("perl-format", "%vd", "%vd"), False),
    "perl: %lf is invalid": Case(single("perl-format", "%f", "%lf"), True),
    "sh: same variables": Case(single("sh-format", "$HOME and ${USER}", "${USER} et $HOME"), False),
    "sh: variable dropped": Case(single("sh-format", "$HOME and $USER", "$HOME"), True),
    "sh: variable added": Case(single("sh-format", "$HOME", "$HOME $PATH"), True),
    "sh: default value syntax": Case(single("sh-format", "${x}", "${x:-y}"), True),
    "sh: $1": Case(single("sh-format", "$x", "$1"), True),
    # plural forms and their format strings
    "plural: right number of forms": Case(
        plural("c-format", "%d file", "%d files", "%d fichier", "%d fichiers"), False),
    "plural: three forms for nplurals=2": Case(plural("", "file", "files", "a", "b", "c"), True),
    "plural: one form for nplurals=2": Case(plural("", "file", "files", "a"), True),
    "plural: single-number form may drop %d (n > 1)": Case(
        plural("c-format", "One file", "%d files", "Un fichier", "%d fichiers"), False),
    "plural: single-number form may drop %d (n != 1)": Case(
        plural("c-format", "One file", "%d files", "Un fichier", "%d fichiers"), False, "nplurals=2; plural=(n != 1);"),
    "plural: a form for many numbers may not": Case(
        plural("c-format", "One file", "%d files", "Un fichier", "fichiers"), True),
    "plural: Russian first form serves many numbers": Case(
        plural("c-format", "%d file", "%d files", "файл", "%d файла", "%d файлов"), True, RUSSIAN),
    "plural: a form for 1, 11, 21… must keep %d": Case(
        plural("c-format", "%d file", "%d files", "un fichier", "%d fichiers"), True, ENDS_IN_ONE),
    "plural: unless the range gives it one number": Case(
        plural("c-format, range: 0..10", "%d file", "%d files", "un fichier", "%d fichiers"), False, ENDS_IN_ONE),
    "plural: no header": Case(plural("", "file", "files", "a", "b"), True, header=""),
    "plural: header without Plural-Forms": Case(plural("", "file", "files", "a", "b"), True, header=BARE_HEADER),
    "plural: no plural entries, no Plural-Forms": Case(single("c-format", "%d", "%d"), False, header=BARE_HEADER),
    "plural: nplurals=x": Case(single("c-format", "%d", "%d"), True, "nplurals=x; plural=n!=1;"),
    "plural: division by zero": Case(single("c-format", "%d", "%d"), True, "nplurals=2; plural=n/0;"),
    "plural: negative values": Case(single("c-format", "%d", "%d"), True, "nplurals=2; plural=n-1;"),
    "plural: value beyond nplurals": Case(single("c-format", "%d", "%d"), True, "nplurals=1; plural=n!=1;"),
    "plural: malformed expression": Case(single("c-format", "%d", "%d"), True, "nplurals=2; plural=n!=1 +;"),
    "plural: ternary, not, comparisons": Case(plural("", "a", "b", "x", "y", "z"), False,
                                              "nplurals=3; plural=!n ? 0 : n<=1 || n>=100&&n%2==0 ? 1 : 2;"),
    # which entries are checked
    "fuzzy mismatch is not checked": Case("#, fuzzy, c-format\nmsgid \"%d\"\nmsgstr \"%s\"\n", False),
    "fuzzy mismatch with -f": Case("#, fuzzy, c-format\nmsgid \"%d\"\nmsgstr \"%s\"\n", True, use_fuzzy=True),
    "untranslated is not checked": Case(single("c-format", "%d\\n", ""), False),
    "plural with empty first form is not checked": Case(plural("c-format", "%d", "%d", "", "%s"), False),
    "plural with an empty later form is": Case(plural("c-format", "%d\\n", "%d\\n", "%d\\n", ""), True),
    "obsolete is not checked": Case("#, c-format\n#~ msgid \"%d\"\n#~ msgstr \"%s\"\n", False),
    # line breaks
    "newline: leading": Case(single("", "\\nfoo", "bar"), True),
    "newline: trailing": Case(single("", "foo\\n", "bar"), True),
    "newline: both kept": Case(single("", "\\nfoo\\n", "\\nbar\\n"), False),
    "newline: msgid_plural": Case(plural("", "foo\\n", "foos", "a\\n", "b\\n"), True),
    "newline: a plural form": Case(plural("", "foo\\n", "foos\\n", "a\\n", "b"), True),
    # header fields msgfmt only warns about
    "header: default values and missing fields": Case(single("", "a", "b"), False, header=BARE_HEADER.replace(
        'msgstr "', 'msgstr ""\n"Project-Id-Version: PACKAGE VERSION\\n"\n"')),
    "header: fuzzy header": Case(single("", "a", "b"), False, header="#, fuzzy\n" + BARE_HEADER),
}


def msgfmt_check(path: Path, use_fuzzy: bool = False) -> subprocess.CompletedProcess[str]:
    options = ["-f"] if use_fuzzy else []
    return subprocess.run(["msgfmt", "-c", *options, "-o", os.devnull, str(path)], capture_output=True,
                          encoding="utf-8", errors="replace")  # msgfmt may quote one byte of a character


@pytest.mark.parametrize("name", list(CASES))
def test_purpose_made_case(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    header = HEADER.format(plural=case.plural_forms) if case.header is None else case.header
    path = tmp_path / "case.po"
    path.write_text(header + "\n" + case.body, encoding="utf-8")
    gnu = msgfmt_check(path, case.use_fuzzy)
    assert gnu.returncode in (0, 1), gnu.stderr
    assert (gnu.returncode == 1) == case.rejected, f"msgfmt -c says otherwise: {gnu.stderr}"
    problems = find_problems(read_po(path), path, use_fuzzy=case.use_fuzzy)
    assert bool(problems) == case.rejected, [str(problem) for problem in problems]
    assert all(problem.path == path and problem.line >= 1 for problem in problems)


# -- mutations of real catalogues --------------------------------------------------------------------

MUTATIONS = int(os.environ.get("I18NP_MSGFMT_MUTATIONS", "400"))
SEED = int(os.environ.get("I18NP_MSGFMT_SEED", "20240613"))
DIRECTIVE_RE = re.compile(r"%(?:\d+\$)?[-+ #0']*(?:\*(?:\d+\$)?|\d+)?(?:\.(?:\*(?:\d+\$)?|\d*))?"
                          r"(?:<PRI\w+>|[hlLqjzt]*[a-zA-Z%@])|\{[^{}]*\}|\$\{?\w+\}?|%\([^)]*\)[-+ #0]*\d*[a-zA-Z%]")
SNIPPETS = ["%d", "%s", "%u", "%lu", "%ju", "%zu", "%1$s", "%2$d", "%3$s", "%<PRIuMAX>", "%<PRIu32>", "%<PRId64>",
            "%Id", "%*d", "%.*s", "%%", "%", "%m", "%(count)d", "%(total)s", "%(name)s", "{0}", "{name}", "{}",
            "{", "}", "{0:d}", "$HOME", "${USER}", "$", "%vd", "%@", "%p", "%n", "%hhd", "%Lf", "%c"]
FORMAT_FLAGS = ["c-format", "no-c-format", "possible-c-format", "python-format", "python-brace-format", "sh-format",
                "perl-format", "objc-format", "fuzzy", "range: 0..1"]
PLURAL_HEADERS = ["nplurals=2; plural=(n != 1);", "nplurals=2; plural=(n > 1);", "nplurals=3; plural=n%3;",
                  "nplurals=1; plural=0;", "nplurals=2; plural=n-1;", "nplurals=2; plural=n/0;",
                  "nplurals=x; plural=n;", "nplurals=2; plural=n!=1 +;", "nplurals=2;", RUSSIAN]


def forms_of(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)] if entry.msgid_plural else [entry.msgstr]


def set_forms(entry: polib.POEntry, forms: list[str]) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict(enumerate(forms))
    else:
        entry.msgstr = forms[0]


def mutate_text(text: str, rng: random.Random) -> tuple[str, str]:
    """One random change to a translation's directives, line breaks or characters."""
    found = [match.span() for match in DIRECTIVE_RE.finditer(text)]
    kind = rng.choice(["swap", "drop", "duplicate", "retype", "insert", "insert", "positional", "newline", "none"])
    if kind == "swap" and len(found) >= 2:
        (a, b), (c, d) = sorted(rng.sample(found, 2))
        return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:], kind
    if kind == "drop" and found:
        a, b = rng.choice(found)
        return text[:a] + text[b:], kind
    if kind == "duplicate" and found:
        a, b = rng.choice(found)
        return text[:b] + " " + text[a:b] + text[b:], kind
    if kind == "retype" and found:
        a, b = rng.choice(found)
        return text[:b - 1] + rng.choice("dsuxlcfpSgi%") + text[b:], kind
    if kind == "positional" and found:
        numbers = list(range(1, len(found) + 1))
        if rng.random() < 0.5:
            rng.shuffle(numbers)
        out, last = [], 0
        for (a, b), number in zip(found, numbers):
            piece = text[a:b]
            if piece.startswith("%") and not piece.startswith("%("):
                piece = f"%{number}$" + re.sub(r"^%\d+\$", "%", piece)[1:]
            out += [text[last:a], piece]
            last = b
        return "".join(out) + text[last:], kind
    if kind == "newline":
        choice = rng.randrange(4)
        if choice == 0:
            return "\n" + text, "newline+"
        if choice == 1:
            return text + "\n", "+newline"
        return (text[1:] if choice == 2 else text[:-1]) if text else text, "-newline"
    if kind == "none":
        return text, kind
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(SNIPPETS) + text[at:], "insert"


def mutate(catalog: polib.POFile, rng: random.Random) -> str:
    """One random change to a small catalogue: to an entry's translation, flags or forms, or to the header."""
    entries = [entry for entry in catalog if not entry.obsolete]
    formatted = [entry for entry in entries if any(flag.endswith("-format") for flag in entry.flags)] or entries
    entry = rng.choice(formatted if rng.random() < 0.8 else entries)
    what = rng.random()
    if what < 0.6:
        forms = forms_of(entry)
        index = rng.randrange(len(forms))
        forms[index], kind = mutate_text(forms[index], rng)
        set_forms(entry, forms)
        return f"{kind} in form {index} of {entry.msgid[:40]!r}"
    if what < 0.75:
        flag = rng.choice(FORMAT_FLAGS)
        if flag in entry.flags:
            entry.flags.remove(flag)
        else:
            entry.flags.append(flag)
        return f"flag {flag} toggled on {entry.msgid[:40]!r}"
    if what < 0.85 and entry.msgid_plural:
        forms = forms_of(entry)
        change = rng.choice(["drop", "add", "empty"])
        if change == "drop" and len(forms) > 1:
            forms.pop()
        elif change == "add":
            forms.append(forms[-1])
        else:
            forms[rng.randrange(len(forms))] = ""
        set_forms(entry, forms)
        return f"plural forms: {change} on {entry.msgid[:40]!r}"
    if what < 0.95:
        catalog.metadata["Plural-Forms"] = rng.choice(PLURAL_HEADERS)
        return f"Plural-Forms: {catalog.metadata['Plural-Forms']}"
    entry.msgid, kind = mutate_text(entry.msgid, rng)
    return f"{kind} in the msgid {entry.msgid[:40]!r}"


GNU_LINE_RE = re.compile(r"^(.*?):(\d+): (?!warning)(.*)$")


def blamed(lines: list[int], starts: list[int]) -> set[int]:
    """The entries (by index; -1 for the header) that contain these lines."""
    return {bisect.bisect_right(starts, line) - 1 for line in lines}


@pytest.fixture(scope="module")
def real_catalogs() -> list[polib.POFile]:
    if not corpus_files():
        pytest.skip("../shared/realworld-po/ is not there")
    return [read_po(path) for path in corpus_files()]


def test_mutations_of_real_catalogues(real_catalogs: list[polib.POFile], tmp_path: Path) -> None:
    """Seeded: a small catalogue cut from a real one (its header, 20 entries), one random change;
    msgfmt -c and find_problems agree on every one."""
    rng = random.Random(SEED)
    rejected = 0
    for number in range(MUTATIONS):
        source = rng.choice(real_catalogs)
        entries = [entry for entry in source if not entry.obsolete]
        start = rng.randrange(max(1, len(entries) - 20))
        catalog = polib.POFile()
        catalog.metadata = dict(source.metadata)
        for entry in entries[start:start + 20]:
            catalog.append(copy.deepcopy(entry))
        what = mutate(catalog, rng)
        path = tmp_path / f"mutation-{number}.po"
        catalog.save(str(path))
        use_fuzzy = rng.random() < 0.2
        gnu = msgfmt_check(path, use_fuzzy)
        context = f"seed {SEED}, mutation {number}: {what} (-f: {use_fuzzy})\n{gnu.stderr}"
        assert gnu.returncode in (0, 1), context
        written = read_po(path)
        problems = find_problems(written, path, use_fuzzy=use_fuzzy)
        assert bool(problems) == (gnu.returncode == 1), context + "\nours: " + "\n".join(map(str, problems))
        # the entries blamed for line breaks and format strings are msgfmt's
        starts = [1] + [entry.linenum for entry in written]
        gnu_lines = [int(m.group(2)) for m in map(GNU_LINE_RE.match, gnu.stderr.splitlines())
                     if m and not is_plural_message(m.group(3))]
        our_lines = [problem.line for problem in problems if not is_plural_message(problem.message)]
        assert blamed(our_lines, starts) == blamed(gnu_lines, starts), context
        rejected += gnu.returncode
        path.unlink()
    assert MUTATIONS < 50 or MUTATIONS // 5 < rejected < MUTATIONS * 4 // 5  # both verdicts well represented


def is_plural_message(message: str) -> bool:
    return ("plural form" in message or "nplurals" in message or "plural expression" in message
            or message.startswith("...") or "plural=" in message)


@pytest.mark.parametrize("use_fuzzy", [False, True])
def test_real_catalogues(real_catalogs: list[polib.POFile], use_fuzzy: bool) -> None:
    """Each real catalogue passes or fails as with msgfmt -c (-f), with the same entries blamed."""
    verdicts = []
    for path, catalog in zip(corpus_files(), real_catalogs):
        gnu = msgfmt_check(path, use_fuzzy)
        problems = find_problems(catalog, path, use_fuzzy=use_fuzzy)
        assert bool(problems) == (gnu.returncode == 1), gnu.stderr
        starts = [1] + [entry.linenum for entry in catalog]
        gnu_lines = [int(m.group(2)) for m in map(GNU_LINE_RE.match, gnu.stderr.splitlines()) if m]
        assert blamed([problem.line for problem in problems], starts) == blamed(gnu_lines, starts)
        verdicts.append(gnu.returncode)
    assert verdicts.count(1) == (1 if use_fuzzy else 0)  # BleachBit fr 6.0.0 has fuzzy python-format mismatches
