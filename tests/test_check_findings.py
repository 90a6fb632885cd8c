"""Every finding of `check` on purpose-made catalogues: one positive and one negative case each.

Each entry of tests/check/quality-*.po (profiles), app-*.po and numbers-*.po (an
application's catalogue, checked with the conventions of a domain the project does not name)
says what the gate must find in it with a translator comment: ``# expect:
NAME[, NAME]`` or ``# clean: NAME`` (the negative case of NAME: no finding at all).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from i18nprofiles.check.conventions import build_conventions
from i18nprofiles.check.findings import CHECKS, ERROR, NOTICE, WARNING, ignored_checks
from i18nprofiles.check.gate import CheckOptions, scan_catalog
from i18nprofiles.check.poscan import Message, read_messages, read_plural_info, read_po
from i18nprofiles.config import read_glossary
from i18nprofiles.errors import CatalogError

HERE = Path(__file__).parent / "check"
GLOSSARY = tuple(read_glossary(HERE / "glossary.txt"))
ENTRY_CHECKS = [name for name, info in CHECKS.items() if info.scope == "entry"]
# (file, locale, domain)
FIXTURES = [("quality-es.po", "es", "profiles"), ("quality-fr.po", "fr", "profiles"), ("app-fr.po", "fr", None),
            ("app-el.po", "el", None), ("app-de.po", "de", None), ("numbers-fr.po", "fr", None),
            ("numbers-de.po", "de", None), ("numbers-ru.po", "ru", None)]


def _cases(name: str) -> list[tuple[Message, set[str], str | None]]:
    """(message, expected check names, the check it is a negative case of)."""
    cases = []
    for message in read_messages(HERE / name):
        expect = re.search(r"^expect: (.+)$", message.tcomment, re.MULTILINE)
        clean = re.search(r"^clean: (.+)$", message.tcomment, re.MULTILINE)
        names = {n.strip() for n in expect.group(1).split(",")} if expect else set()
        cases.append((message, names, clean.group(1).strip() if clean else None))
    return cases


def _scan(name: str, locale: str, domain: str | None):  # type: ignore[no-untyped-def]
    po = read_po(HERE / name)
    return scan_catalog(po.messages, locale, "x.po", CheckOptions(glossary=GLOSSARY), build_conventions(domain),
                        read_plural_info(po.header))


def _found(name: str, locale: str, domain: str | None) -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for finding in _scan(name, locale, domain).findings:
        found.setdefault(finding.line, set()).add(finding.check)
    return found


@pytest.mark.parametrize(("name", "locale", "domain"), FIXTURES)
def test_each_entry_has_exactly_its_expected_findings(name: str, locale: str, domain: str | None) -> None:
    found = _found(name, locale, domain)
    for message, expected, _ in _cases(name):
        assert found.get(message.line, set()) == expected, (message.line, message.msgid)


def test_every_entry_check_has_a_positive_and_a_negative_case() -> None:
    cases = [case for name, _, _ in FIXTURES for case in _cases(name)]
    positives = {name for _, names, _ in cases for name in names}
    negatives = {clean for _, _, clean in cases if clean}
    assert set(ENTRY_CHECKS) <= positives
    assert set(ENTRY_CHECKS) - {"obsolete"} <= negatives  # an active entry is the negative case of obsolete


def test_severities_fuzzy_findings_are_notices_reported_apart() -> None:
    scan = scan_catalog(read_messages(HERE / "quality-es.po"), "es", "x.po", CheckOptions(glossary=GLOSSARY))
    by = {(f.msgid, f.check): f for f in scan.findings}
    assert by[("Il est **coordinateur** du projet.", "markup")].severity == ERROR
    assert by[("Elle cultive 3 hectares à 1 600 mètres.", "numbers")].severity == WARNING
    fuzzy_numbers = by[("Il a 7 frères.", "numbers")]
    assert (fuzzy_numbers.severity, fuzzy_numbers.fuzzy) == (NOTICE, True)
    assert by[("Personne ne l’a encore traduite.", "untranslated")].severity == NOTICE


def test_fail_on_makes_coverage_findings_errors_and_skip_turns_checks_off() -> None:
    messages = read_messages(HERE / "quality-es.po")
    options = CheckOptions(fail_on=frozenset({"untranslated", "fuzzy"}), skip=frozenset({"numbers", "markup"}))
    scan = scan_catalog(messages, "es", "x.po", options)
    severities = {f.check: f.severity for f in scan.findings if f.check in ("untranslated", "fuzzy", "obsolete")}
    assert severities == {"untranslated": ERROR, "fuzzy": ERROR, "obsolete": NOTICE}
    assert not {"numbers", "markup"} & {f.check for f in scan.findings}


def test_coverage_counts_words_and_leaves_exempt_entries_out() -> None:
    scan = scan_catalog(read_messages(HERE / "quality-es.po"), "es", "x.po", CheckOptions())
    c = scan.coverage
    assert (c.fuzzy.messages, c.untranslated.messages, c.obsolete.messages, c.exempt.messages) == (2, 1, 1, 1)
    assert c.untranslated.words == len("Personne ne l’a encore traduite.".split())
    assert c.exempt.words == 4
    total = c.translated.messages + 3
    assert c.total.messages == total
    assert c.percent == math.floor(1000 * c.translated.messages / total) / 10  # rounded down, as compile does


def test_the_exempt_entry_is_untranslated_in_another_locale() -> None:
    scan = scan_catalog(read_messages(HERE / "quality-es.po"), "en", "x.po", CheckOptions())
    assert scan.coverage.exempt.messages == 0
    assert scan.coverage.untranslated.messages == 2


def test_ignore_comment_lists_names() -> None:
    assert ignored_checks("i18nprofiles-ignore: numbers, length\nother") == {"numbers", "length"}
    assert ignored_checks("i18nprofiles-ignore:glossary") == {"glossary"}
    assert ignored_checks("nothing here") == frozenset()


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("name", ["quality-es.po", "quality-fr.po"])
def test_ignore_comments_pass_msgfmt_and_survive_msgcat(name: str, tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "x.mo"), str(HERE / name)], check=True)
    out = subprocess.run(["msgcat", str(HERE / name)], check=True, capture_output=True, text=True).stdout
    assert "# i18nprofiles-ignore: numbers, length" in out or name.endswith("fr.po")


# -- the reader ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext not installed")
@pytest.mark.parametrize("width", ["40", "79"])
def test_reader_reads_what_msgcat_writes(width: str, tmp_path: Path) -> None:
    path = tmp_path / "out.po"
    subprocess.run(["msgcat", f"--width={width}", "-o", str(path), str(HERE / "layout.po")], check=True)
    messages = {m.msgid: m for m in read_messages(path)}
    assert messages["Un profil"].strings == ("Un perfil", "%d perfiles")
    assert messages["Ancien texte"].obsolete and messages["Ancien texte"].msgctxt == "old"


def test_bad_catalogue_raises_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nnonsense here\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_messages(path)
    assert caught.value.line == 5


def test_duplicate_entry_is_reported_like_read_catalog(tmp_path: Path) -> None:
    path = tmp_path / "dup.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', encoding="utf-8")
    with pytest.raises(CatalogError, match="duplicate"):
        read_messages(path)


@pytest.mark.parametrize(
    ("data", "label"),
    [
        ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "Pérou"\nmsgstr "Perú"\n'
         .encode("latin-1"), "latin-1"),
        (b'msgid "a"\r\nmsgstr "b"\r\n\r\nmsgid "c"\r\nmsgstr ""\r\n', "CRLF line ends"),
    ],
)
def test_other_charsets_and_line_ends_are_read(data: bytes, label: str, tmp_path: Path) -> None:
    path = tmp_path / "other.po"
    path.write_bytes(data)
    messages = read_messages(path)
    assert [m.msgid for m in messages] in (["Pérou"], ["a", "c"]), label
    assert messages[0].strings in (("Perú",), ("b",))


def test_docs_and_schema_name_every_check() -> None:
    import json

    root = Path(__file__).resolve().parents[1]
    docs = (root / "docs/check.md").read_text(encoding="utf-8")
    schema = json.loads((root / "i18nprofiles/check/schema.json").read_text(encoding="utf-8"))
    for name, info in CHECKS.items():
        assert f"| `{name}` | {info.severity}" in docs, name
    assert schema["$defs"]["check"]["enum"] == list(CHECKS)
