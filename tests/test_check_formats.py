"""The outputs of `check`: json (validated against its schema), junit (parsed), github (exact lines), HTML, badges."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import jsonschema
import pytest
import xmlschema

from i18nprofiles.check.findings import CHECKS
from test_check_project import EN, ES, edit_entry, project, run  # noqa: F401  (project is a fixture)

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "i18nprofiles/check/schema.json").read_text("utf-8"))
NEW = "Un paragraphe tout neuf, 100 % bio."
CATALOGUE_CHECKS = [name for name, info in CHECKS.items() if info.scope != "template"]


@pytest.fixture
def flawed(project: Path) -> dict[str, object]:  # noqa: F811
    """The example project with one finding of several kinds; returns where they are."""
    numbers = edit_entry(project / ES, "480 ha", msgstr="4800 ha")
    script = edit_entry(project / ES, "Guatemala", msgstr="<script>alert('x')</script> Guatemala")
    untranslated = edit_entry(project / EN, "Agroécologie", msgstr="")
    profile = project / "examples/profiles/lucia-mamani.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.rstrip("\n") + f"\n\n  {NEW}\n", encoding="utf-8")
    return {"root": project, "numbers": numbers, "script": script, "untranslated": untranslated,
            "profile_line": text.rstrip("\n").count("\n") + 3}


def test_json_validates_against_the_schema(flawed: dict[str, object]) -> None:
    code, out, err = run(flawed["root"], "check", "--format", "json")  # type: ignore[arg-type]
    assert code == 1
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    assert data["passed"] is False
    assert err == "check failed: 5 errors, 1 warning, 1 notice (failing at: error)\n"
    numbers = [f for f in data["findings"] if f["check"] == "numbers"]
    assert numbers == [{"check": "numbers", "severity": "warning", "path": ES, "line": flawed["numbers"], "locale": "es",
                        "message": "numbers differ: missing 480; not in the source 4800", "msgid": "480 ha", "fuzzy": False,
                        "obsolete": False}]
    es = next(c for c in data["catalogs"] if c["locale"] == "es")
    assert es["coverage"]["translated"]["messages"] == 54
    assert {p["slug"] for p in es["profiles"]} == {"constant-piscart", "lucia-mamani", "maria-quispe"}
    lucia = next(p for p in es["profiles"] if p["slug"] == "lucia-mamani")
    assert lucia["total"] == lucia["translated"] + 1  # the new paragraph, not in the catalogue yet


def test_junit_has_a_test_case_per_locale_and_check(flawed: dict[str, object]) -> None:
    code, out, _ = run(flawed["root"], "check", "--format", "junit")  # type: ignore[arg-type]
    assert code == 1
    root = ET.fromstring(out)
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    # a suite per domain and locale: the profiles' by locale, the UI strings' of every published locale apart
    assert list(suites) == ["template", "en", "es", "messages.en", "messages.es", "messages.fr"]
    es_cases = {c.get("name"): c for c in suites["es"].iter("testcase")}
    assert len(es_cases) == len(CATALOGUE_CHECKS)
    assert es_cases["stale-catalog"].find("failure") is not None
    assert es_cases["markup"].find("failure") is not None
    assert es_cases["numbers"].find("failure") is None  # a warning: not failing at the error level
    assert f"{ES}:{flawed['numbers']}: warning: numbers differ" in suites["es"].findtext("system-out")
    assert es_cases["fr-typography"].find("skipped") is not None
    assert suites["template"].find("testcase/failure") is not None
    en_cases = {c.get("name"): c for c in suites["en"].iter("testcase")}
    assert "98.1% translated, below 100%" in en_cases["coverage"].findtext("failure")
    counts = {key: [int(suite.get(key)) for suite in suites.values()]
              for key in ("tests", "failures", "errors", "skipped")}
    # stale template; stale es, markup es; stale en, coverage en; the UI strings pass
    checks = len(CATALOGUE_CHECKS)
    assert counts == {"tests": [1] + [checks] * 5, "failures": [1, 2, 2, 0, 0, 0], "errors": [0] * 6,
                      "skipped": [0, 1, 1, 1, 1, 0]}  # fr-typography applies to French targets only
    for suite in suites.values():  # each count is what the suite's test cases hold
        cases = suite.findall("testcase")
        assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in cases)
        assert int(suite.get("skipped")) == sum(case.find("skipped") is not None for case in cases)
    assert root.attrib == {}  # Ant's schema allows no attribute on <testsuites>
    assert all(case.get("file") is None for case in root.iter("testcase"))


@pytest.mark.parametrize("schema", ["jenkins-xunit-junit-10.xsd", "ant-junit.xsd"])
def test_junit_is_valid_against_the_ci_schemas(flawed: dict[str, object], schema: str, tmp_path: Path) -> None:
    """Jenkins xunit and Ant JUnit schemas (tests/data/junit, unchanged copies): a failing and a passing report."""
    xsd = xmlschema.XMLSchema(Path(__file__).parent / "data" / "junit" / schema)
    code, out, _ = run(flawed["root"], "check", "--format", "junit")  # type: ignore[arg-type]
    assert code == 1
    errors = [str(error) for error in xsd.iter_errors(out)]
    assert errors == []
    code, out, _ = run(flawed["root"], "check", "--format", "junit", "--skip", "markup,numbers",  # type: ignore[arg-type]
                       "--fail-under", "0", "-o", str(tmp_path / "junit.xml"))
    assert [str(error) for error in xsd.iter_errors(str(tmp_path / "junit.xml"))] == []
    if schema == "ant-junit.xsd":
        assert not xsd.is_valid((tmp_path / "junit.xml").read_text("utf-8").replace("<properties />", ""))


def test_github_lines_point_at_po_and_profile_lines(flawed: dict[str, object]) -> None:
    code, out, _ = run(flawed["root"], "check", "--format", "github")  # type: ignore[arg-type]
    assert code == 1
    line = flawed["profile_line"]
    profile = "examples/profiles/lucia-mamani.yaml"
    new = NEW.replace("%", "%25")
    assert out.splitlines() == [
        f"::error file={profile},line={line},title=stale-catalog (en)::new or changed segment not in "
        f"{EN} (run `i18nprofiles extract` and `update`): {new}",
        f"::error file={profile},line={line},title=stale-catalog (es)::new or changed segment not in "
        f"{ES} (run `i18nprofiles extract` and `update`): {new}",
        f"::error file={profile},line={line},title=stale-template::new or changed segment not in "
        f"locales/profiles.pot (run `i18nprofiles extract`): {new}",
        f"::error file={EN},line=1,title=coverage (en)::98.1%25 translated, below 100%25",
        f"::notice file={EN},line={flawed['untranslated']},title=untranslated (en)::no translation: Agroécologie",
        f"::error file={ES},line={flawed['script']},title=markup (es)::markup marks differ: not in the source "
        "</script>, <script>",
        f"::warning file={ES},line={flawed['numbers']},title=numbers (es)::numbers differ: missing 480; not in the "
        "source 4800",
    ]


def test_github_escapes_percent_and_newlines() -> None:
    from i18nprofiles.check.findings import Finding
    from i18nprofiles.check.formats import github_line

    finding = Finding("a,b:c.po", 3, "numbers", "warning", "100% sure\nreally", "es")
    assert github_line(finding) == "::warning file=a%2Cb%3Ac.po,line=3,title=numbers (es)::100%25 sure%0Areally"


def test_text_groups_findings_by_file(flawed: dict[str, object]) -> None:
    code, out, _ = run(flawed["root"], "check")  # type: ignore[arg-type]
    assert code == 1
    blocks = out.split("\n\n")
    assert blocks[0].startswith("domain    locale")
    files = [{line.split(":", 1)[0] for line in block.splitlines()} for block in blocks[1:-1]]
    assert files == [{"examples/profiles/lucia-mamani.yaml"}, {EN}, {ES}]
    assert blocks[-1] == "check failed: 5 errors, 1 warning, 1 notice (failing at: error)\n"


def test_report_page_and_badges(flawed: dict[str, object], tmp_path: Path) -> None:
    folder = tmp_path / "report"
    code, _, err = run(flawed["root"], "check", "--report", str(folder))  # type: ignore[arg-type]
    assert code == 1
    assert "report: " in err
    assert sorted(p.name for p in folder.iterdir()) == ["badge-en.svg", "badge-es.svg", "index.html"]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org', "")  # nothing fetched
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    rows = document.findall(".//table")[1].findall("./tbody/tr")
    assert len(rows) == 3  # one per profile, each with a bar per locale
    assert all(len(row.findall(".//div[@class='bar']")) == 2 for row in rows)
    badge = ET.fromstring((folder / "badge-es.svg").read_text(encoding="utf-8"))
    assert badge.get("aria-label") == "translated es: 100%"  # the new paragraph is not in the catalogue yet
    badge = ET.fromstring((folder / "badge-en.svg").read_text(encoding="utf-8"))
    assert badge.get("aria-label") == "translated en: 98%"
    first = (folder / "index.html").read_bytes()
    run(flawed["root"], "check", "--report", str(folder))  # type: ignore[arg-type]
    assert (folder / "index.html").read_bytes() == first


def test_badge_colours_and_rounding() -> None:
    from i18nprofiles.check.report import render_badge

    assert 'fill="#1a7f37"' in render_badge("translated es", 100.0)
    assert ">99%<" in render_badge("translated es", 99.95) and 'fill="#4d6b00"' in render_badge("x", 99.95)
    assert 'fill="#b3261e"' in render_badge("x", 10.0)
    assert "&lt;b&gt;" in render_badge("<b>", 50.0)
