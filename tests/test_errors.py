"""Bad input: a clear ``error: path:line: message``, exit 2, no traceback, no file changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import snapshot

GOOD = "---\nname: Ana\n---\nUn paragraphe.\n"


@pytest.fixture
def project(tmp_path: Path, cli) -> Path:
    (tmp_path / "i18nprofiles.toml").write_text('source_locale = "fr"\nlocales = ["fr", "es"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "ana.md").write_text(GOOD, encoding="utf-8")
    assert cli("extract", cwd=tmp_path).code == 0
    assert cli("update", "--init-missing", cwd=tmp_path).code == 0
    return tmp_path


CASES = {
    "malformed YAML": (b"---\nname: Ana\ntags: [un, deux\n---\nTexte.\n", "profiles/bad.md:4: malformed YAML: did not find expected ',' or ']' (while parsing a flow sequence started at line 3)"),
    "missing name": (b"---\nheadline: Sans nom\n---\nTexte.\n", "profiles/bad.md:2: missing required key 'name'"),
    "bad slug": (b"---\nname: Bea\nslug: Bad Slug!\n---\nTexte.\n", "profiles/bad.md:3: bad slug 'Bad Slug!'"),
    "duplicate slug": (b"---\nname: Ana bis\nslug: ana\n---\nTexte.\n", "profiles/bad.md:1: duplicate slug 'ana'"),
    "unknown profile locale": (b"---\nname: Bea\nlang: xx_YY\n---\nTexte.\n", "profiles/bad.md:3: unknown locale 'xx_YY'"),
    "non-UTF-8": (b"---\nname: Bea\n---\nCaf\xe9 au lait.\n", "profiles/bad.md:4: not valid UTF-8"),
    "no front matter": (b"Juste du texte.\n", "profiles/bad.md:1: missing YAML front matter"),
    "bad date": (b"---\nname: Bea\nupdated: mars\n---\nTexte.\n", "profiles/bad.md:3: 'updated' must be a date"),
}


@pytest.mark.parametrize("command", [["extract"], ["update", "--check"]])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_profile(project: Path, cli, case: str, command: list[str]) -> None:
    data, message = CASES[case]
    (project / "profiles" / "bad.md").write_bytes(data)
    before = snapshot(project)
    result = cli(*command, cwd=project)
    if command[0] == "update":  # update reads the template, not the profiles
        assert result.code == 0
        return
    assert result.code == 2
    assert result.err.startswith(f"error: {message}"), result.err
    assert "Traceback" not in result.err and result.out == ""
    assert snapshot(project) == before


def test_unknown_locale_on_the_command_line(project: Path, cli) -> None:
    before = snapshot(project)
    result = cli("init", "-l", "xx_YY", cwd=project)
    assert result.code == 2 and result.err == "error: unknown locale 'xx_YY'\n"
    assert snapshot(project) == before


def test_unknown_locale_in_the_configuration(project: Path, cli) -> None:
    (project / "i18nprofiles.toml").write_text('locales = ["fr", "zz_QQ"]\n')
    result = cli("extract", cwd=project)
    assert result.code == 2 and result.err.startswith("error: ") and "unknown locale 'zz_QQ'" in result.err


def test_unknown_setting(project: Path, cli) -> None:
    (project / "i18nprofiles.toml").write_text('locale = ["fr"]\n')
    result = cli("extract", cwd=project)
    assert result.code == 2 and result.err == "error: i18nprofiles.toml:1: unknown setting 'locale' in i18nprofiles.toml\n"


def test_broken_po_stops_update_before_any_write(project: Path, cli) -> None:
    cli("init", "-l", "en", cwd=project)
    (project / "profiles" / "ana.md").write_text(GOOD + "\nUn nouveau paragraphe.\n", encoding="utf-8")
    cli("extract", cwd=project)
    broken = project / "locales/es/LC_MESSAGES/profiles.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "x"\nnot po at all\n', encoding="utf-8")
    before = snapshot(project)
    result = cli("update", cwd=project)
    assert result.code == 2
    assert result.err.startswith("error: locales/es/LC_MESSAGES/profiles.po:") and "keyword \"not\" unknown" in result.err
    assert snapshot(project) == before  # en.po was not written either


def test_broken_po_in_compile(project: Path, cli) -> None:
    broken = project / "locales/es/LC_MESSAGES/profiles.po"
    broken.write_bytes(broken.read_bytes() + b'\nmsgid "caf\xe9"\nmsgstr ""\n')
    before = snapshot(project)
    result = cli("compile", cwd=project)
    assert result.code == 2 and result.err.startswith("error: locales/es/LC_MESSAGES/profiles.po:23: invalid multibyte sequence")  # where and how msgfmt says it
    assert snapshot(project) == before


def test_usage_error_is_exit_2_without_traceback(project: Path, cli) -> None:
    result = cli("update", "--no-such-option", cwd=project)
    assert result.code == 2 and result.err.startswith("error: No such option")


def test_compile_writes_no_mo_when_one_catalogue_is_broken(project: Path, cli) -> None:
    cli("init", "-l", "en", cwd=project)
    broken = project / "locales/es/LC_MESSAGES/profiles.po"
    broken.write_text(broken.read_text(encoding="utf-8") + '\nmsgid "x"\nnot po\n', encoding="utf-8")
    result = cli("compile", cwd=project)
    assert result.code == 2
    assert not (project / "locales/en/LC_MESSAGES/profiles.mo").exists()  # en sorts first, yet nothing was written


def test_compile_or_update_of_a_missing_locale(project: Path, cli) -> None:
    for command in ("compile", "update"):
        result = cli(command, "-l", "de", cwd=project)
        assert result.code == 2 and "no catalogue for locale 'de'" in result.err


def test_update_with_no_catalogues_fails(tmp_path: Path, cli) -> None:
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "ana.md").write_text(GOOD, encoding="utf-8")
    cli("extract", cwd=tmp_path)
    result = cli("update", "--check", cwd=tmp_path)
    assert result.code == 2 and "no profiles.po catalogues" in result.err


def test_write_failure_is_a_clean_error(project: Path, cli) -> None:
    result = cli("extract", "-o", "i18nprofiles.toml/x.pot", cwd=project)
    assert result.code == 2 and result.err.startswith("error: ") and "Traceback" not in result.err


def test_latin1_catalogue_is_read_and_written_back_as_utf8(project: Path, cli) -> None:
    po = project / "locales/es/LC_MESSAGES/profiles.po"
    text = po.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=ISO-8859-1")
    text = text.replace('msgid "Un paragraphe."\nmsgstr ""', 'msgid "Un paragraphe."\nmsgstr "Un párrafo."')
    po.write_bytes(text.encode("latin-1"))
    result = cli("update", cwd=project)
    assert result.code == 0, result.err
    assert 'msgstr "Un párrafo."' in po.read_text(encoding="utf-8")
    assert "charset=UTF-8" in po.read_text(encoding="utf-8")


def test_malformed_pyproject_is_reported_not_skipped(tmp_path: Path, cli) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.i18nprofiles]\nlocales = ["fr"]\nlocales = ["es"]\n')
    result = cli("extract", cwd=tmp_path)
    assert result.code == 2 and result.err.startswith("error: pyproject.toml: cannot read configuration")


def test_errors_cross_process_boundaries_with_path_and_line() -> None:
    import pickle

    from i18nprofiles.errors import CatalogError

    error = pickle.loads(pickle.dumps(CatalogError("syntax error in catalogue", "locales/es.po", 12)))
    assert type(error) is CatalogError and (error.message, error.path, error.line) == ("syntax error in catalogue", "locales/es.po", 12)
    assert str(error) == "locales/es.po:12: syntax error in catalogue"
