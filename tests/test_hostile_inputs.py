"""What a careful attacker or an unlucky user feeds the tool: every bad input is ``error: path:line: message``,
exit 2, no traceback, nothing written; and nothing small can make it hang or exhaust memory."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import polib
import pytest
from conftest import copy_example, snapshot

from i18nprofiles.source.parse import MAX_YAML_CHARS

GOOD = "---\nname: Ana\n---\nUn paragraphe.\n"
BOMB = "".join(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 9) if level else ', '.join(['lol'] * 9)}]\n"
               for level in range(9))


@pytest.fixture(autouse=True)
def fixed_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same dates in every build, whenever each runs (a minute may turn between two)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710754200")


@pytest.fixture
def project(tmp_path: Path, cli) -> Path:
    (tmp_path / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es"]\npublish_threshold = 0\n'
                                                'translatable_fields = ["l8", "summary"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "ana.md").write_text(GOOD, encoding="utf-8")
    assert cli("build", cwd=tmp_path).code == 0
    return tmp_path


def front(lines: str, body: str = "Texte.\n") -> bytes:
    return f"---\nname: Bea\n{lines}\n---\n{body}".encode("utf-8")


PROFILES = {
    "impossible date": (front("updated: 2024-04-31"), 3, "'2024-04-31' is not a valid date"),
    "tag with a bad int": (front('x: !!int "abc"'), 3, "'abc' is not a whole number"),
    "tag with a bad float": (front('x: !!float "abc"'), 3, "'abc' is not a number"),
    "tag with a bad timestamp": (front('x: !!timestamp "soon"'), 3, "'soon' is not a valid date"),
    "tag with a bad bool": (front('x: !!bool "maybe"'), 3, "'maybe' is not true or false"),
    "python tag": (front('x: !!python/object/apply:os.system ["true"]'), 3, "could not determine a constructor"),
    "unknown tag": (front("x: !secret 1"), 3, "could not determine a constructor for the tag '!secret'"),
    "not a number": (front("x: .nan"), 3, "a number must be finite"),
    "infinite": (front("x: -.inf"), 3, "a number must be finite"),
    "a number too long to print": (front("x: 0x" + "f" * 5000), 3, "a number must have fewer than 78 digits"),
    "escaped NUL in a photo path": (front('photo: {src: "bea\\0.svg", alt: Bea}'), 3, "control character U+0000"),
    "escaped ESC in a headline": (front('headline: "rouge \\e[31m"'), 3, "control character U+001B"),
    "control character in the body": (front("", "Un\n\ntexte \x07 sonore.\n"), 7, "control character U+0007 in the text"),
    "C1 control character in the body": (front("", "Un texte \u0085.\n"), 5, "control character U+0085"),
    "recursive alias": (front("x: &a [*a]"), 3, "YAML alias refers to a value that contains it"),
    "alias bomb": (front(BOMB), 8, "YAML aliases expand to too much"),
    "deep nesting": (front("x: " + "[" * 70 + "]" * 70), 3, "YAML nested too deeply"),
    "duplicate key": (front("name: Bea bis"), 3, "key 'name' is given twice (first at line 2)"),
    "duplicate key in a flow mapping": (front("photo: {src: a.svg, src: b.svg}"), 3, "key 'src' is given twice"),
    "front matter is a list": (b"---\n- a\n- b\n---\nTexte.\n", 2, "the front matter must be a YAML mapping"),
    "name is a list": (b"---\nname: [a, b]\n---\nTexte.\n", 2, "missing required key 'name'"),
    "slug leaving the folder": (front("slug: ../../etc"), 3, "bad slug '../../etc'"),
    "locale that is a path": (front("lang: ../../fr"), 3, "unknown locale '../../fr'"),
    "empty file": (b"", 1, "missing YAML front matter"),
    "two documents": (b"---\nname: A\n---\n", None, None),  # a valid profile with an empty body
    "only a BOM and CRLF": (b"\xef\xbb\xbf---\r\nname: Bea\r\n---\r\nTexte.\r\n", None, None),
}


@pytest.mark.parametrize("case", sorted(PROFILES))
def test_a_hostile_profile_is_an_error_at_its_line(project: Path, cli, case: str) -> None:
    data, line, message = PROFILES[case]
    (project / "profiles" / "bad.md").write_bytes(data)
    before = snapshot(project)
    started = time.monotonic()
    result = cli("build", cwd=project)
    assert time.monotonic() - started < 20
    assert "Traceback" not in result.err
    if message is None:
        assert result.code == 0, result.err
        return
    assert result.code == 2, result.err
    assert result.err.startswith(f"error: profiles/bad.md:{line}: ") and message in result.err, result.err
    assert result.err.count("\n") == 1
    assert snapshot(project) == before


def test_an_oversized_yaml_document_is_refused_before_it_is_parsed(project: Path, cli) -> None:
    (project / "profiles" / "big.yaml").write_text("name: Bea\nbody: |\n" + "  ligne\n" * (MAX_YAML_CHARS // 8 + 1),
                                                    encoding="utf-8")
    result = cli("extract", cwd=project)
    assert result.code == 2 and "profiles/big.yaml:1: the YAML document is too large" in result.err


def test_a_bomb_under_a_translatable_field_cannot_hang_a_build(project: Path, cli) -> None:
    """1 KB of aliases under a key listed in ``translatable_fields``: refused at once, nothing written."""
    text = f"---\nname: Bea\n{BOMB}---\nTexte.\n"
    assert len(text) < 1024
    (project / "profiles" / "bomb.md").write_text(text, encoding="utf-8")
    before = snapshot(project)
    started = time.monotonic()
    result = cli("build", cwd=project)
    assert time.monotonic() - started < 10
    assert result.code == 2 and "YAML aliases expand to too much" in result.err
    assert snapshot(project) == before


def test_a_few_aliases_are_fine(project: Path, cli) -> None:
    (project / "profiles" / "bea.md").write_text(
        "---\nname: Bea\nbase: &base {label: Site, url: 'https://example.org/'}\nlinks:\n  - *base\n"
        "  - {<<: *base, label: Autre}\n---\nTexte.\n", encoding="utf-8")
    result = cli("build", cwd=project)
    assert result.code == 0, result.err
    page = (project / "site" / "es" / "bea" / "index.html").read_text(encoding="utf-8")
    assert page.count("https://example.org/") >= 2


# -- photos ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("src", "message"), [
    ("../secret.svg", "must be a file beside the profile"),
    ("/etc/passwd", "must be a file beside the profile"),
    ("sub\\\\x.svg", "must be a file beside the profile"),
    ("missing.svg", "not found"),
    ("folder", "not found"),
    ("outside-link.svg", "must be a file beside the profile"),
])
def test_a_bad_photo_stops_build_before_anything_is_written(project: Path, cli, src: str, message: str) -> None:
    (project / "secret.svg").write_text("<svg/>")
    (project / "profiles" / "folder").mkdir()
    os.symlink(project / "secret.svg", project / "profiles" / "outside-link.svg")
    (project / "profiles" / "bea.md").write_text(f'---\nname: Bea\nphoto: {{src: "{src}", alt: Bea}}\n---\nTexte.\n',
                                                 encoding="utf-8")
    before = snapshot(project)  # the new profile would change the template and the catalogues
    result = cli("build", cwd=project)
    assert result.code == 2 and result.err.startswith("error: profiles/bea.md:3: ") and message in result.err
    assert snapshot(project) == before


# -- templates, UI catalogues, translations -------------------------------------------------------------


def test_a_broken_template_stops_build_before_anything_is_written(project: Path, cli) -> None:
    (project / "theme").mkdir()
    (project / "theme" / "profile.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ x( }}{% endblock %}\n")
    with open(project / "i18nprofiles.toml", "a") as handle:
        handle.write('templates_dir = "theme"\n')
    (project / "profiles" / "bea.md").write_text(GOOD.replace("Ana", "Bea"), encoding="utf-8")
    before = snapshot(project)
    result = cli("build", cwd=project)
    assert result.code == 2 and result.err.startswith("error: theme/profile.html:2: template syntax error")
    assert snapshot(project) == before
    (project / "theme" / "profile.html").write_bytes(b"{% extends 'base.html' %}\n\xff\xfe\n")
    before = snapshot(project)
    result = cli("build", cwd=project)
    assert result.code == 2 and "template is not valid UTF-8" in result.err and "Traceback" not in result.err
    assert snapshot(project) == before


UI_PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: {plural}\\n"\n\n'
         'msgid "Updated"\nmsgstr "{updated}"\n')


@pytest.mark.parametrize(("plural", "updated", "line", "message"), [
    ("nplurals=2; plural=n>;", "Actualizado", 4, "invalid plural expression"),
    ("nplurals=x; plural=n!=1;", "Actualizado", 4, "invalid nplurals value"),
    ("nplurals=1; plural=n/0;", "Actualizado", 4, "division by zero"),
    ("nplurals=2; plural=n!=1;", "Actu\\001alizado", 6, "control character U+0001 in a translation"),
])
def test_a_broken_ui_catalogue_is_an_error_at_its_line(project: Path, cli, plural: str, updated: str, line: int,
                                                       message: str) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    po.write_bytes(UI_PO.format(plural=plural, updated=updated).replace("\\001", "\x01").encode("utf-8"))
    (project / "profiles" / "bea.md").write_text(GOOD.replace("Ana", "Bea"), encoding="utf-8")
    before = snapshot(project)
    for command in ("build", "render"):
        result = cli(command, cwd=project)
        assert result.code == 2, result.err
        assert result.err.startswith(f"error: locales/es/LC_MESSAGES/messages.po:{line}: ") and message in result.err
        assert snapshot(project) == before


def test_a_nul_in_a_translation_never_reaches_a_page(project: Path, cli) -> None:
    """GNU gettext ends a string at a NUL (raw or ``\\0``): the reader does the same, or refuses the file."""
    po = project / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    text = po.read_text(encoding="utf-8")
    for nul in ("\x00", "\\0"):
        po.write_text(text.replace('msgid "Un paragraphe."\nmsgstr ""', f'msgid "Un paragraphe."\nmsgstr "Un pár{nul}rafo."'),
                      encoding="utf-8")
        result = cli("build", cwd=project)
        if result.code == 2:
            assert "control character U+0000 in a translation" in result.err
            continue
        assert result.code == 0, result.err
        page = (project / "site" / "es" / "ana" / "index.html").read_bytes()
        assert b"\x00" not in page and b"rafo." not in page and "Un pár".encode() in page


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\u009b"])
def test_a_control_character_in_a_translation_is_refused_with_its_line(project: Path, cli, control: str) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Un paragraphe."\nmsgstr ""' in text
    lines = text.replace('msgid "Un paragraphe."\nmsgstr ""', f'msgid "Un paragraphe."\nmsgstr "Un pár{control}rafo."')
    po.write_text(lines, encoding="utf-8")
    line = lines.split("\n").index('msgid "Un paragraphe."') + 1
    before = snapshot(project)
    for command in ("build", "render", "compile", "update"):
        result = cli(command, cwd=project)
        assert result.code == 2, (command, result.err)
        assert result.err.startswith("error: locales/es/LC_MESSAGES/profiles.po:")
        assert f"control character U+{ord(control):04X} in a translation" in result.err
        assert abs(int(result.err.split(":")[2]) - line) <= 2
        assert snapshot(project) == before


# -- config ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "message"), [
    ("cache_dir = 5", "setting 'cache_dir' must be a folder name (a non-empty string), not 5"),
    ("templates_dir = 5", "setting 'templates_dir' must be a folder name (a non-empty string), not 5"),
    ('templates_dir = ""', "setting 'templates_dir' must be a folder name (a non-empty string), not ''"),
    ("glossary = ['a.txt']", "setting 'glossary' must be a file name (a non-empty string), not ['a.txt']"),
    ('use_fuzzy = "false"', "setting 'use_fuzzy' must be true or false (without quotes), not 'false'"),
    ("use_fuzzy = 0", "setting 'use_fuzzy' must be true or false (without quotes), not 0"),
    ('locales = ["fr", "es", "ES"]', "locale 'ES' is listed twice in 'locales' (also as 'es')"),
    ('locales = ["fr", "pt-BR", "pt_BR"]', "locale 'pt_BR' is listed twice in 'locales' (also as 'pt-BR')"),
    ('locales = "fr"', "setting 'locales' must be a list of strings"),
    ("width = -1", "setting 'width' must be a whole number (0: no wrapping), not -1"),
    ("width = 7.5", "setting 'width' must be a whole number (0: no wrapping), not 7.5"),
    ("publish_threshold = nan", "setting 'publish_threshold' must be a percentage from 0 to 100, not nan"),
    ('site_url = "javascript:alert(1)"', "setting 'site_url' must be an http or https URL"),
    ('fail_level = "fatal"', "setting 'fail_level' must be \"error\" or \"warning\", not 'fatal'"),
    ("fail_under = {es = 101}", "setting 'fail_under' must be a percentage from 0 to 100, or a table of them"),
    ("prefill_in_flight = 2.5", "setting 'prefill_in_flight' must be a positive number, not 2.5"),
    ('output_dir = "site\\u0000x"', "setting 'output_dir' must be a folder name (a non-empty string)"),
    ("project = 3", "setting 'project' must be a string, not 3"),
])
def test_a_setting_of_the_wrong_type_is_an_error_at_its_line(project: Path, cli, setting: str, message: str) -> None:
    config = project / "i18nprofiles.toml"
    text = config.read_text()
    key = setting.split(" =")[0]
    lines = [line for line in text.splitlines() if not line.startswith(key + " ")] + [setting]
    config.write_text("\n".join(lines) + "\n")
    before = snapshot(project)
    for command in ("build", "extract", "check"):
        result = cli(command, cwd=project)
        assert result.code == 2, result.err
        assert result.err == f"error: i18nprofiles.toml:{len(lines)}: {message}" + result.err[len(
            f"error: i18nprofiles.toml:{len(lines)}: {message}"):], result.err
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert snapshot(project) == before


def test_use_fuzzy_false_publishes_no_machine_translation(project: Path, cli) -> None:
    po = project / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid == "Un paragraphe.")
    entry.msgstr, entry.flags = "Traducción automática", ["fuzzy"]
    catalog.save(str(po))
    with open(project / "i18nprofiles.toml", "a") as handle:
        handle.write("use_fuzzy = false\n")
    assert cli("build", cwd=project).code == 0
    assert "Traducción automática" not in (project / "site" / "es" / "ana" / "index.html").read_text(encoding="utf-8")


def test_a_config_table_that_is_not_a_table(tmp_path: Path, cli) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\ni18nprofiles = 5\n")
    result = cli("extract", cwd=tmp_path)
    assert result.code == 2 and result.err == "error: pyproject.toml:2: [tool.i18nprofiles] must be a table of settings\n"


def test_a_broken_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = copy_example(tmp_path)
    reader = subprocess.Popen([sys.executable, "-m", "i18nprofiles", "check", "-f", "json"], cwd=root,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None
    reader.stdout.read(10)
    reader.stdout.close()  # the reader of the output goes away (`| head -c 10`)
    err = reader.stderr.read() if reader.stderr else b""
    reader.wait(timeout=60)
    assert b"Traceback" not in err and b"Exception ignored" not in err, err
    shutil.rmtree(root / "site", ignore_errors=True)


def test_a_profile_file_name_cannot_inject_lines_into_a_catalogue(project: Path, cli) -> None:
    (project / "profiles" / 'a\nmsgid "x".md').write_text("---\nname: A\nslug: ok\n---\nTexte.\n", encoding="utf-8")
    before = snapshot(project)
    result = cli("build", cwd=project)
    assert result.code == 2 and "must not hold control characters or line breaks" in result.err
    assert result.err.count("\n") == 1 and snapshot(project) == before
