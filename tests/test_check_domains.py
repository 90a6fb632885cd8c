"""`check` over every domain: the UI strings (project catalogues over the theme's), -D, catalogues given by
path without a project, per-domain conventions, and git's real French catalogue."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import needs_gettext
from test_check_findings import HERE
from test_check_project import ES, project, run  # noqa: F401  (project is a fixture)

from i18nprofiles.check.poscan import read_messages
from i18nprofiles.gettext.pofile import read_catalog, write_catalog

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "i18nprofiles/check/schema.json").read_text("utf-8"))
GIT_FR = ROOT.parent / "shared" / "realworld-po" / "git" / "fr-v2.36.0.po"
DE_UI = "locales/de/LC_MESSAGES/messages.po"


def add_locale(root: Path, locale: str) -> None:
    config = root / "i18nprofiles.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r'locales = \[(.*)\]', rf'locales = [\1, "{locale}"]', text), encoding="utf-8")


def json_report(root: Path, *args: str) -> tuple[int, dict]:
    code, out, _ = run(root, "check", "--format", "json", *args)
    data = json.loads(out)
    jsonschema.validate(data, SCHEMA)
    return code, data


# -- the UI strings ------------------------------------------------------------------------


def test_ui_strings_of_every_published_locale_come_from_the_theme(project: Path) -> None:
    code, data = json_report(project)
    assert code == 0
    ui = {c["locale"]: c for c in data["catalogs"] if c["domain"] == "messages"}
    assert sorted(ui) == ["en", "es", "fr"]  # every published locale, the source one too
    assert ui["es"]["path"] == "i18nprofiles/themes/default/locales/es/LC_MESSAGES/messages.po"
    assert ui["es"]["percent"] == 100.0 and ui["es"]["coverage"]["translated"]["messages"] > 10
    assert ui["en"]["percent"] == 100.0  # the UI strings' own language
    assert [c["locale"] for c in data["catalogs"] if c["domain"] == "profiles"] == ["en", "es"]


def ui_strings() -> int:
    """How many UI strings the default theme has."""
    return sum(1 for entry in read_catalog(ROOT / "i18nprofiles/themes/default/locales/messages.pot") if entry.msgid)


def test_a_published_locale_with_no_ui_strings_is_reported(project: Path) -> None:
    add_locale(project, "de")
    code, out, _ = run(project, "check", "-D", "messages")
    assert code == 1
    assert re.search(rf"^{DE_UI}:1: error: no UI strings for de: its pages show the interface in English .*"
                     r"\[stale-catalog de\]$", out, re.MULTILINE)
    assert re.search(rf"^messages\s+de\s+0/{ui_strings()} 0\.0%", out, re.MULTILINE)
    assert "profiles.po" not in out  # -D messages: the UI strings only
    code, out, _ = run(project, "check", "-D", "messages", "-l", "es")
    assert code == 0 and " de " not in out


def test_a_project_catalogue_of_ui_strings_is_counted_over_the_theme(project: Path) -> None:
    add_locale(project, "de")
    template = read_catalog(ROOT / "i18nprofiles/themes/default/locales/messages.pot")
    template.metadata["Language"] = "de"
    entries = [entry for entry in template if entry.msgid and not entry.msgid_plural]
    entries[0].msgstr = "Seite nicht gefunden"
    entries[1].msgstr = "Hier ist  keine Seite."  # a doubled space: the project's catalogue is checked too
    path = project / DE_UI
    path.parent.mkdir(parents=True)
    write_catalog(path, template)
    code, data = json_report(project, "-D", "messages", "--fail-under", "4")
    de = next(c for c in data["catalogs"] if c["locale"] == "de")
    total = de["coverage"]["translated"]["messages"] + de["coverage"]["untranslated"]["messages"]
    assert (de["path"], de["coverage"]["translated"]["messages"]) == (DE_UI, 2)
    assert total == ui_strings() and code == 0  # 2 of 47: above 4 %
    untranslated = [f for f in data["findings"] if f["check"] == "untranslated" and f["locale"] == "de"]
    assert len(untranslated) == total - 2
    assert all(f["path"] == DE_UI and f["line"] > 1 for f in untranslated)  # at the entries of the project's file
    lines = {m.msgid: m.line for m in read_messages(path)}
    assert {"check": "double-space", "line": lines[entries[1].msgid]} in [
        {"check": f["check"], "line": f["line"]} for f in data["findings"] if f["path"] == DE_UI]
    assert json_report(project, "-D", "messages")[0] == 1  # 100 % by default


def test_an_override_of_a_shipped_locale_adds_to_the_theme(project: Path) -> None:
    template = read_catalog(ROOT / "i18nprofiles/themes/default/locales/es/LC_MESSAGES/messages.po")
    for entry in template:
        entry.msgstr = "Perfiles de gente" if entry.msgid == "Profiles" else ""
        entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
    path = project / "locales/es/LC_MESSAGES/messages.po"
    write_catalog(path, template)
    code, data = json_report(project, "-D", "messages", "-l", "es")
    assert code == 0  # the theme translates what the project's catalogue leaves empty
    (es,) = data["catalogs"]
    assert es["path"] == "locales/es/LC_MESSAGES/messages.po" and es["percent"] == 100.0
    assert [f for f in data["findings"] if f["check"] == "untranslated"] == []


# -- -D and catalogues by path -----------------------------------------------------------------


def test_another_domain_of_the_locales_folder(project: Path) -> None:
    target = project / "locales/fr/LC_MESSAGES/app.po"
    target.parent.mkdir(parents=True)
    shutil.copy(HERE / "app-fr.po", target)
    code, data = json_report(project, "-D", "app")
    assert code == 1
    assert {c["domain"] for c in data["catalogs"]} == {"app"}
    assert {f["check"] for f in data["findings"] if f["severity"] == "error"} == {
        "format", "placeholders", "markup", "escapes"}
    assert data["template"] == ""  # nothing to be stale against
    code, _, err = run(project, "check", "-D", "nothing")
    assert code == 2 and "no nothing.po catalogues" in err


def test_catalogues_by_path_need_no_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(HERE / "app-fr.po", tmp_path / "fr.po")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(tmp_path, "check", "fr.po")
    assert code == 1
    assert re.search(r"^-\s+fr\s+\d+/\d+ 100\.0%.* fr\.po$", out, re.MULTILINE)
    assert "[format fr]" in out and "[markup fr]" in out
    assert not (tmp_path / ".i18nprofiles-cache").exists()  # no project: nothing written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fr.po"]
    code, data = json_report(tmp_path, "fr.po", "--skip", "format,placeholders,markup,escapes")
    assert code == 0 and data["catalogs"][0]["domain"] is None
    assert run(tmp_path, "check", "fr.po", "-l", "fr")[0] == 2  # -l names a project's catalogues


def test_the_locale_of_a_catalogue_by_path(tmp_path: Path) -> None:
    text = (HERE / "app-de.po").read_text(encoding="utf-8").replace('"Language: de\\n"\n', "")
    (tmp_path / "de.po").write_text(text, encoding="utf-8")  # no header: its name says
    folder = tmp_path / "x" / "pt_BR" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "app.po").write_text(text, encoding="utf-8")  # its folder says
    (tmp_path / "mystery.po").write_text(text, encoding="utf-8")
    code, data = json_report(tmp_path, str(tmp_path / "de.po"), str(folder / "app.po"))
    assert [(c["locale"], c["domain"]) for c in data["catalogs"]] == [("de", None), ("pt_BR", "app")]
    code, _, err = run(tmp_path, "check", str(tmp_path / "mystery.po"))
    assert code == 2 and "cannot tell the catalogue's locale" in err


def test_a_domain_table_sets_the_conventions(tmp_path: Path) -> None:
    folder = tmp_path / "locales" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(HERE / "app-fr.po", folder / "app.po")
    config = tmp_path / "i18nprofiles.toml"
    config.write_text('[check.app]\nplaceholders = { angle = "kept" }\nskip = ["format"]\n', encoding="utf-8")
    code, data = json_report(tmp_path, str(folder / "app.po"))
    found = {(f["check"], f["msgid"]) for f in data["findings"]}
    assert ("placeholders", "git switch [<options>] <branch>") in found  # <branch> is to be kept as it is
    assert not [f for f in data["findings"] if f["check"] == "format"]
    code, data = json_report(tmp_path, "-D", "other", str(folder / "app.po"))  # the conventions of another domain
    assert ("placeholders", "git switch [<options>] <branch>") not in {(f["check"], f["msgid"]) for f in data["findings"]}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[check.app]\nplaceholder = {}\n', "unknown setting 'placeholder' in check.app"),
        ('[check.app]\nplaceholders = { percent = "translated" }\n', "check.app.placeholders.percent must be one of"),
        ('[check.app]\nplaceholders = { dollar = "kept" }\n', "check.app.placeholders: unknown kind 'dollar'"),
        ('[check.app]\nmarkup = "rst"\n', "check.app.markup must be one of markdown, html, none"),
        ('[check.app]\nskip = ["typos"]\n', "check.app.skip: unknown check 'typos'"),
        ('check = 3\n', "setting 'check' must be a table"),
    ],
)
def test_bad_domain_tables_exit_2(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "i18nprofiles.toml").write_text(table, encoding="utf-8")
    shutil.copy(HERE / "app-fr.po", tmp_path / "fr.po")
    code, _, err = run(tmp_path, "check", str(tmp_path / "fr.po"))
    assert code == 2
    assert message in err


def test_fail_on_a_severity_is_the_failing_level(project: Path) -> None:
    from test_check_project import edit_entry

    edit_entry(project / ES, "480 ha", msgstr="4800 ha")
    assert run(project, "check")[0] == 0
    assert run(project, "check", "--fail-on", "warning")[0] == 1
    assert run(project, "check", "--fail-on", "error")[0] == 0


# -- the format check is msgfmt -c's ----------------------------------------------------------


@needs_gettext
def test_format_findings_are_the_entries_msgfmt_c_rejects(tmp_path: Path) -> None:
    done = subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "x.mo"), str(HERE / "app-fr.po")],
                          capture_output=True, text=True)
    rejected = {int(m.group(1)) for m in re.finditer(r"app-fr\.po:(\d+): ", done.stderr)}
    assert rejected
    code, data = json_report(tmp_path, str(HERE / "app-fr.po"))
    starts = sorted(m.line for m in read_messages(HERE / "app-fr.po"))

    def entry_of(line: int) -> int:
        return max(start for start in starts if start <= line)

    assert {f["line"] for f in data["findings"] if f["check"] == "format"} == {entry_of(n) for n in rejected}


# -- a real catalogue ----------------------------------------------------------------------------


@pytest.mark.skipif(not GIT_FR.is_file(), reason="the real-world catalogues are not beside the repository")
def test_git_french_fails_only_on_its_real_errors(tmp_path: Path) -> None:
    code, data = json_report(tmp_path, str(GIT_FR), "--fail-on", "error")
    assert code == 1
    errors = sorted((f["check"], f["msgid"]) for f in data["findings"] if f["severity"] == "error")
    assert errors == [
        ("escapes", "Escape character '\\' not allowed as last character in attr value"),
        ("escapes", "specify directories rather than patterns.  If your directory really has any of '*?[]\\' in it, "
                    "pass --skip-checks"),
        ("placeholders", "rebase onto given branch instead of upstream"),
        ("placeholders", "remote-helper doesn't support push; refspec needed"),
        ("placeholders", "unable to spawn mktree"),
    ]
    found = {(f["check"], f["msgid"]) for f in data["findings"]}
    for expected in [  # the sample: all of them true
        ("doubled-words", "don't show filenames"),
        ("doubled-words", "unknown mandatory capability %s; this remote helper probably needs newer version of Git"),
        ("doubled-words", "user.signingkey needs to be set for ssh signing"),
        ("printf", "Branch '%s' set up to track local branch '%s' by rebasing."),
        ("end-punctuation", "git version:\n"),
        ("brackets", "git switch [<options>] [<branch>]"),
        ("tabs", "The permissions on your socket directory are too loose; other\nusers may be able to read your "
                 "cached credentials. Consider running:\n\n\tchmod 0700 %s"),
    ]:
        assert expected in found, expected
    assert not [f for f in data["findings"] if f["check"] in ("markup", "numbers") and "1st" in f["msgid"]]
    assert len([f for f in data["findings"] if f["check"] == "fr-typography"]) > 300  # kept: pofilter misses them


def test_the_report_shows_the_content_catalogues_and_their_badges(project: Path, tmp_path: Path) -> None:  # noqa: F811
    """With the UI strings' catalogues in the check too, the report's locale rows, profile columns and
    badges are the profiles' (one per locale): a UI catalogue's 100 % never replaces a content badge."""
    import html5lib
    import xml.etree.ElementTree as ET

    lines = (project / ES).read_text(encoding="utf-8").split("\n")
    last = max(i for i, line in enumerate(lines) if line.startswith("msgstr ") and line != 'msgstr ""')
    lines[last] = 'msgstr ""'  # one content translation missing: es is below 100 %
    (project / ES).write_text("\n".join(lines), encoding="utf-8")
    folder = tmp_path / "report"
    code, out, _ = run(project, "check", "--report", str(folder), "--format", "json")
    reports = json.loads(out)["catalogs"]
    assert {report["domain"] for report in reports} >= {"profiles", "messages"}
    content = {report["locale"]: report for report in reports if report["domain"] == "profiles"}
    assert sorted(p.name for p in folder.iterdir()) == sorted([f"badge-{code}.svg" for code in content] + ["index.html"])
    badge = ET.fromstring((folder / "badge-es.svg").read_text(encoding="utf-8"))
    assert badge.get("aria-label") != "translated es: 100%"
    document = html5lib.HTMLParser(namespaceHTMLElements=False).parse((folder / "index.html").read_text("utf-8"))
    tables = document.findall(".//table")
    heads = [row.find("th").text for row in tables[0].findall("./tbody/tr")]
    assert sorted(heads) == sorted(content)
    assert len(tables[1].findall("./thead/tr/th")) == 1 + len(content)
    # The library's page is the same (the command line does not choose for it).
    from i18nprofiles.commands.check import check_project
    from i18nprofiles.check.report import render_html
    from i18nprofiles.config import load_config

    page = render_html(check_project(load_config(project)))
    rows = html5lib.HTMLParser(namespaceHTMLElements=False).parse(page).findall(".//table")[0].findall("./tbody/tr")
    assert sorted(row.find("th").text for row in rows) == sorted(content)
