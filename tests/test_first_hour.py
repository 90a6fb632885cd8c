"""A new user's first hour: `new` gives a project that works, mistakes give clear errors, the CLI keeps its habits."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from conftest import ROOT, snapshot
from i18nprofiles import load_config, update_catalogs
from i18nprofiles.cli import cli as cli_group
from i18nprofiles.errors import ConfigError

CHECK_JSONSCHEMA = [sys.executable, "-m", "check_jsonschema"]


def validate_workflow(path: Path, schema: str = "vendor.github-workflows") -> None:
    """check-jsonschema's vendored schema (no network): a workflow GitHub would accept."""
    run = subprocess.run([*CHECK_JSONSCHEMA, "--builtin-schema", schema, str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


# -- new ------------------------------------------------------------------------------------


def test_new_project_builds_checks_and_renders_with_no_edit(tmp_path: Path, cli) -> None:
    result = cli("new", "alumni", "--source", "fr", "--locales", "es,en", "--install", "i18nprofiles==0.1.0",
                 cwd=tmp_path)
    assert result.code == 0, result.err
    project = tmp_path / "alumni"
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()) == [
        ".github/workflows/translations.yml", ".gitignore", "i18nprofiles.toml",
        "locales/en/LC_MESSAGES/profiles.po", "locales/es/LC_MESSAGES/profiles.po", "locales/profiles.pot",
        "profiles/camille-martin.md"]
    config = load_config(project, required=True)
    assert config.locales == ["fr", "es", "en"] and config.source_locale == "fr"
    profile = (project / "profiles/camille-martin.md").read_bytes()
    assert all(profile != other.read_bytes() for other in (ROOT / "examples/profiles").iterdir())
    assert cli("check", cwd=project).code == 0  # at once, before any build
    built = cli("build", cwd=project)
    assert built.code == 0, built.err
    assert "(fr, es, en)" in built.out
    checked = cli("check", cwd=project)
    assert checked.code == 0 and "check passed: 0 errors, 0 warnings, 0 notices" in checked.out
    assert cli("render", "-o", str(tmp_path / "public"), cwd=project).code == 0
    for locale in ("fr", "es", "en"):
        page = (tmp_path / "public" / locale / "camille-martin" / "index.html").read_text(encoding="utf-8")
        assert f'lang="{locale}"' in page and "Camille Martin" in page
    assert "Coordinadora de proyectos" in (tmp_path / "public/es/camille-martin/index.html").read_text("utf-8")
    assert cli("update", "--check", cwd=project).code == 0
    ignored = (project / ".gitignore").read_text(encoding="utf-8").split()
    assert {"/site/", "/.i18nprofiles-cache/", "*.mo"} <= set(ignored)


def test_new_workflow_is_valid_with_a_timeout(tmp_path: Path, cli) -> None:
    assert cli("new", "p", "--install", "i18nprofiles @ git+https://example.org/i18nprofiles@0123abc",
               cwd=tmp_path).code == 0
    workflow = tmp_path / "p/.github/workflows/translations.yml"
    validate_workflow(workflow)
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    job = data["jobs"]["translations"]
    assert job["timeout-minutes"] == 15
    runs = [step.get("run", "") for step in job["steps"]]
    assert 'pip install "i18nprofiles @ git+https://example.org/i18nprofiles@0123abc"' in runs
    assert "i18nprofiles update --check" in runs and any(run.startswith("i18nprofiles check") for run in runs)


def test_new_with_a_locale_it_cannot_translate_still_passes(tmp_path: Path, cli) -> None:
    assert cli("new", "p", "--locales", "es", "--locales", "qu", "--install", "x", cwd=tmp_path).code == 0
    project = tmp_path / "p"
    assert 'fail_under = { qu = 0 }' in (project / "i18nprofiles.toml").read_text(encoding="utf-8")
    assert cli("build", cwd=project).code == 0
    result = cli("check", cwd=project)
    assert result.code == 0 and re.search(r"^profiles\s+qu\s+0/7 0\.0%", result.out, re.MULTILINE)


def test_new_refuses_an_existing_project_and_writes_nothing(tmp_path: Path, cli, example: Path) -> None:
    before = snapshot(example)
    result = cli("new", ".", cwd=example)
    assert result.code == 2 and "already an i18nprofiles project (i18nprofiles.toml)" in result.err
    assert snapshot(example) == before
    (tmp_path / "q" / "profiles").mkdir(parents=True)
    (tmp_path / "q" / "profiles" / "camille-martin.md").write_text("mine", encoding="utf-8")
    result = cli("new", "q", cwd=tmp_path)
    assert result.code == 2 and "camille-martin.md: already exists" in result.err
    assert [p.name for p in (tmp_path / "q").rglob("*")] == ["profiles", "camille-martin.md"]


def test_init_of_an_unpublished_locale_says_how_to_publish_it(example: Path, cli) -> None:
    result = cli("init", "-l", "de", cwd=example)
    assert result.code == 0 and "note: de is not in `locales` (i18nprofiles.toml)" in result.err
    assert "init --publish" in result.err
    result = cli("init", "-l", "it", "--publish", cwd=example)
    assert result.code == 0 and "added it to `locales` in i18nprofiles.toml" in result.out
    assert "note: build publishes it once 50% of it is translated (publish_threshold)" in result.err
    assert load_config(example).locales == ["fr", "es", "en", "it"]
    assert "site_url" in (example / "i18nprofiles.toml").read_text(encoding="utf-8")  # the other lines kept
    assert "it: not published (0% translated, publish_threshold is 50%)" in cli("build", cwd=example).out


# -- clear errors, nothing created ------------------------------------------------------------


@pytest.mark.parametrize("command", [["build"], ["extract"], ["check"], ["render"], ["update"], ["compile"]])
def test_outside_a_project_nothing_is_made(tmp_path: Path, cli, command: list[str]) -> None:
    folder = tmp_path / "not-a-project"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "todo.md").write_text("# À faire\n", encoding="utf-8")
    result = cli(*command, cwd=folder)
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: not an i18nprofiles project: looked for i18nprofiles.toml, or "
                                 "pyproject.toml with a [tool.i18nprofiles] table, in ")
    assert str(folder) in result.err and "i18nprofiles new" in result.err
    assert sorted(p.name for p in folder.rglob("*")) == ["notes", "todo.md"]


def test_a_profiles_glob_that_matches_nothing(tmp_path: Path, cli) -> None:
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\nprofiles = ["profile/*.md"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "ana.md").write_text("---\nname: Ana\n---\nTexte.\n", encoding="utf-8")
    before = snapshot(tmp_path)
    for command in (["build"], ["extract"], ["check"], ["render"]):
        result = cli(*command, cwd=tmp_path)
        assert result.code == 2, command
        assert result.err == (f"error: i18nprofiles.toml: no profile file matches the 'profiles' setting "
                              f"(profile/*.md) under {tmp_path}\n")
        assert snapshot(tmp_path) == before
        assert not any((tmp_path / name).exists() for name in ("site", "locales", ".i18nprofiles-cache"))


def test_check_fails_when_there_is_nothing_to_check(tmp_path: Path, cli) -> None:
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "ana.md").write_text("---\nname: Ana\n---\n", encoding="utf-8")  # no text at all
    result = cli("check", cwd=tmp_path)
    assert result.code == 2
    assert result.err == "error: i18nprofiles.toml: nothing to check: the 1 profiles give no message to translate\n"
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr"]\n')
    result = cli("check", cwd=tmp_path)
    assert result.code == 2 and "nothing to check: no target locale" in result.err


def test_load_config_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file or folder"):
        load_config(tmp_path / "nonexistent")
    with pytest.raises(ConfigError, match="not an i18nprofiles project"):
        load_config(tmp_path, required=True)
    assert load_config(tmp_path).source is None  # the API still gives the defaults when asked to


def test_update_catalogs_takes_one_locale_as_a_string(example: Path) -> None:
    results = update_catalogs(load_config(example), locales="es")
    assert [result.locale for result in results] == ["es"]


def test_a_bad_slug_gets_a_suggestion(tmp_path: Path, cli) -> None:
    (tmp_path / "i18nprofiles.toml").write_text('locales = ["fr", "es"]\n')
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "Élodie Müller.md").write_text("---\nname: Élodie Müller\n---\nTexte.\n", encoding="utf-8")
    result = cli("extract", cwd=tmp_path)
    assert result.code == 2
    assert result.err == ("error: profiles/Élodie Müller.md:1: bad slug 'Élodie Müller': use lowercase letters, "
                          "digits and '-' (for example 'elodie-muller': rename the file to elodie-muller.md, or add "
                          "`slug: elodie-muller`)\n")


def test_render_and_check_round_alike(example: Path, cli) -> None:
    """1 translated of 7 is 14.28…%: both say 14.2% (floored to a tenth), never 14.3%."""
    (example / "i18nprofiles.toml").write_text(
        'source_locale = "fr"\nlocales = ["fr", "es"]\nprofiles = ["profiles/*.md"]\npublish_threshold = 50\n')
    (example / "profiles").mkdir()
    text = "---\nname: Ana\nheadline: Un\nlocation: Deux\ntags: [Trois, Quatre, Cinq, Six]\n---\nSept.\n"
    (example / "profiles" / "ana.md").write_text(text, encoding="utf-8")
    assert cli("build", cwd=example).code == 0
    po = example / "locales/es/LC_MESSAGES/profiles.po"
    po.write_text(po.read_text("utf-8").replace('msgid "Un"\nmsgstr ""', 'msgid "Un"\nmsgstr "Uno"'), "utf-8")
    rendered = cli("render", cwd=example)
    assert "es: not published (14.2% translated" in rendered.out
    checked = cli("check", cwd=example)
    assert re.search(r"^profiles\s+es\s+1/7 14\.2%", checked.out, re.MULTILINE)


def test_prefill_memory_summarises_its_misses(example: Path, cli) -> None:
    for po in (example / "locales").rglob("*.po"):
        text = po.read_text("utf-8")
        po.write_text(re.sub(r'msgstr "[^"\n]+"', 'msgstr ""', text), "utf-8")  # every one-line translation emptied
    result = cli("prefill", "-e", "memory", "-l", "es", cwd=example)
    assert result.code == 0
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert re.fullmatch(r"warning: locales/es/LC_MESSAGES/profiles\.po: \d+ entries left empty: .+ \(\d+\) "
                        r"\(--verbose names them\)", warnings[0])
    verbose = cli("prefill", "-e", "memory", "-l", "es", "--verbose", cwd=example)
    assert sum(line.startswith("warning: locales/es/LC_MESSAGES/profiles.po:") for line in verbose.err.splitlines()) > 1


# -- one meaning per short option ------------------------------------------------------------


def all_commands() -> dict[str, click.Command]:
    return dict(cli_group.commands)


def test_each_short_option_means_one_thing() -> None:
    meanings: dict[str, set[str]] = {}
    for command in all_commands().values():
        for param in command.params:
            for opt in [*param.opts, *param.secondary_opts]:
                if re.fullmatch(r"-[A-Za-z]", opt):
                    long = next(o for o in param.opts if o.startswith("--"))
                    meanings.setdefault(opt, set()).add(long)
    clashes = {opt: longs for opt, longs in meanings.items() if len(longs) > 1}
    assert clashes == {}
    assert meanings["-f"] == {"--use-fuzzy"} and meanings["-o"] == {"--output"}


def test_every_help_has_an_example_and_no_repository_file() -> None:
    for name, command in all_commands().items():
        text = command.get_help(click.Context(command, info_name=name, parent=click.Context(cli_group)))
        assert "Examples:\n" in text and f"i18nprofiles {name}" in text, name
        assert "docs/" not in text, name
    assert "docs/" not in cli_group.get_help(click.Context(cli_group))


def test_update_accepts_previous(example: Path, cli) -> None:
    result = cli("update", "--previous", "--check", cwd=example)
    assert result.code == 0 and "up to date" in result.out


def test_project_option_after_the_command(example: Path, tmp_path: Path, cli) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    after = cli("compile", "--statistics", "-P", str(example), cwd=elsewhere)
    before = cli("-P", str(example), "compile", "--statistics", cwd=elsewhere)
    assert after.code == before.code == 0 and after.out == before.out and "54 translated" in after.out
    twice = cli("-P", str(example), "compile", "-P", str(elsewhere), cwd=elsewhere)
    assert twice.code == 2 and "-P given twice" in twice.err


def test_check_output_is_a_file(example: Path, cli) -> None:
    result = cli("check", "--format", "json", "-o", "report.json", cwd=example)
    assert result.code == 0 and (example / "report.json").read_text("utf-8").startswith("{")
    assert result.out.startswith("domain    locale ") and "check passed" in result.out
    assert cli("check", "-f", "json", cwd=example).code == 2  # -f is --use-fuzzy; check has none


def test_pybabel_extract_at_the_root_skips_what_is_not_a_profile(tmp_path: Path) -> None:
    """`[i18nprofiles: **.md]` at a repository's root meets README.md: a warning, never a traceback."""
    (tmp_path / "profiles").mkdir()
    (tmp_path / "README.md").write_text("# Le projet\n\nPas un profil.\n", encoding="utf-8")
    (tmp_path / "profiles" / "ana.md").write_text("---\nname: Ana\nheadline: Agronome\n---\nUn paragraphe.\n",
                                                  encoding="utf-8")
    (tmp_path / "profiles" / "bad.md").write_text("---\nheadline: Sans nom\n---\nTexte.\n", encoding="utf-8")
    (tmp_path / "babel.cfg").write_text("[i18nprofiles: **.md]\n", encoding="utf-8")
    run = subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg", "-o",
                          "messages.pot", "."], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert "README.md: skipped: not a profile (no YAML front matter)" in run.stderr
    assert "profiles/bad.md:2: missing required key 'name' (file skipped)" in run.stderr
    template = (tmp_path / "messages.pot").read_text(encoding="utf-8")
    assert 'msgid "Agronome"' in template and 'msgid "Un paragraphe."' in template and "Pas un profil" not in template


# -- the CI recipes of docs/ci.md -------------------------------------------------------------


def yaml_blocks(doc: Path) -> dict[str, str]:
    """The ```yaml blocks of a page, by the file named on their first line (``# .gitlab-ci.yml``)."""
    blocks = re.findall(r"^```yaml\n# (\S+)\n(.*?)^```$", doc.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)
    return {name: body for name, body in blocks}


def test_the_ci_recipes_are_valid(tmp_path: Path, example: Path) -> None:
    blocks = yaml_blocks(ROOT / "docs" / "ci.md")
    assert set(blocks) == {".github/workflows/translations.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"}
    for name, schema in ((".github/workflows/translations.yml", "vendor.github-workflows"),
                         (".gitlab-ci.yml", "vendor.gitlab-ci")):
        path = tmp_path / name.replace("/", "_")
        path.write_text(blocks[name], encoding="utf-8")
        validate_workflow(path, schema)
    workflow = yaml.safe_load(blocks[".github/workflows/translations.yml"])
    assert all("timeout-minutes" in job for job in workflow["jobs"].values())
    installs = [step["run"] for step in workflow["jobs"]["check"]["steps"] if "pip install" in step.get("run", "")]
    assert installs and all("git+https://" in line and "@" in line.split("git+")[1] for line in installs)
    hooks = yaml.safe_load(blocks[".pre-commit-config.yaml"])["repos"]
    assert [repo["repo"] for repo in hooks] == ["local"]  # no rev: of a release that does not exist
    for hook in hooks[0]["hooks"]:  # each hook's command works on a project as it is
        assert hook["language"] == "system" and hook["pass_filenames"] is False
        assert re.search(hook["files"], "locales/es/LC_MESSAGES/profiles.po")
        command, *args = hook["entry"].split()
        run = subprocess.run([str(Path(sys.executable).with_name(command)), *args], cwd=example,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr
