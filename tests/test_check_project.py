"""`i18nprofiles check` on a copy of the example project: exit codes, thresholds, stale catalogues, outputs."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import polib
import pytest

from conftest import copy_example

from i18nprofiles.gettext.pofile import read_catalog, write_catalog
from i18nprofiles.commands.check import check_project, template_keys
from i18nprofiles.commands.extract import CURRENT, template_key
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.cli import main
from i18nprofiles.config import load_config
from i18nprofiles.errors import CatalogError
from i18nprofiles.check.gate import segment_keys
from i18nprofiles.source.template import template_options
from i18nprofiles.store import Mismatch, NullStore, Store, open_store

ROOT = Path(__file__).resolve().parents[1]
ES = "locales/es/LC_MESSAGES/profiles.po"
EN = "locales/en/LC_MESSAGES/profiles.po"


def fill(po_path: Path, locale: str) -> None:
    """Give every active entry a translation that passes the quality checks."""
    catalog = read_catalog(po_path)
    for entry in catalog:
        if not entry.obsolete:
            entry.msgstr = f"[{locale}] {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
    write_catalog(po_path, catalog)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project with complete catalogues."""
    root = copy_example(tmp_path / "project")
    assert run(root, "extract")[0] == 0
    assert run(root, "update")[0] == 0
    fill(root / ES, "es")
    fill(root / EN, "en")
    return root


def run(root: Path, *args: str) -> tuple[int, str, str]:
    """Run the command line on the project; return (exit code, stdout, stderr)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), pytest.raises(SystemExit) as exited:
        main(["-P", str(root), *args])
    return int(exited.value.code), out.getvalue(), err.getvalue()


def edit_entry(po_path: Path, msgid: str, **changes: object) -> int:
    """Change one entry of a catalogue; return its line."""
    catalog = read_catalog(po_path)
    entry = catalog.find(msgid)
    for key, value in changes.items():
        setattr(entry, key, value)
    write_catalog(po_path, catalog)
    return read_catalog(po_path).find(msgid).linenum


def test_complete_example_project_passes(project: Path) -> None:
    code, out, err = run(project, "check", "--fail-under", "100", "--fail-on", "fuzzy,untranslated,obsolete")
    assert code == 0, out
    assert "check passed: 0 errors" in out
    assert re.search(r"^profiles\s+es\s+54/54 100\.0%", out, re.MULTILINE)
    assert re.search(r"^messages\s+fr\s+(\d+)/\1 100\.0%.* i18nprofiles/themes/default/locales/fr/LC_MESSAGES/messages\.po$",
                     out, re.MULTILINE)  # the theme's UI strings


def test_new_paragraph_fails_naming_the_profile_line_then_the_po_line(project: Path) -> None:
    profile = project / "examples/profiles/maria-quispe.md"
    text = profile.read_text(encoding="utf-8").rstrip("\n")
    line = text.count("\n") + 3
    profile.write_text(text + "\n\nUn paragraphe tout neuf sur la récolte.\n", encoding="utf-8")

    code, out, _ = run(project, "check")
    assert code == 1
    assert f"examples/profiles/maria-quispe.md:{line}: error: new or changed segment not in locales/profiles.pot" in out
    assert f"examples/profiles/maria-quispe.md:{line}: error: new or changed segment not in {ES}" in out

    assert run(project, "extract")[0] == 0
    assert run(project, "update")[0] == 0
    po_line = read_catalog(project / ES).find("Un paragraphe tout neuf sur la récolte.").linenum
    code, out, _ = run(project, "check", "--fail-under", "100")
    assert code == 1
    assert f"{ES}:{po_line}: notice: no translation: Un paragraphe tout neuf sur la récolte. [untranslated es]" in out
    assert f"{ES}:1: error: 98.1% translated, below 100% [coverage es]" in out  # 54 of 55, rounded down
    assert "maria-quispe.md" not in out


def test_removed_segment_is_named_at_its_entry(project: Path) -> None:
    profile = project / "examples/profiles/lucia-mamani.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("  - Recyclage\n", ""), encoding="utf-8")
    pot_line = read_catalog(project / "locales/profiles.pot").find("Recyclage").linenum
    code, out, _ = run(project, "check")
    assert code == 1
    assert f"locales/profiles.pot:{pot_line}: error: the template keeps a segment no profile has" in out


def test_thresholds_from_the_command_line_and_per_locale_configuration(project: Path) -> None:
    edit_entry(project / ES, "Pérou", msgstr="")
    code, out, _ = run(project, "check")
    assert code == 1  # with no threshold configured, every locale must be complete
    assert f"{ES}:1: error: 98.1% translated, below 100% [coverage es]" in out
    assert run(project, "check", "--fail-under", "98")[0] == 0
    assert run(project, "check", "--fail-under", "0", "--fail-on", "untranslated")[0] == 1
    assert run(project, "check", "-l", "en")[0] == 0

    config = project / "i18nprofiles.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'fail_under = { es = 100, "*" = 90 }\n', encoding="utf-8")
    code, out, _ = run(project, "check")
    assert code == 1
    assert re.search(r"^profiles +es .* 100% FAIL", out, re.MULTILINE)
    assert re.search(r"^profiles +en .* 90% ok", out, re.MULTILINE)
    assert run(project, "check", "--fail-under", "95")[0] == 0  # the option replaces the configuration


def test_fail_on_fuzzy_and_obsolete(project: Path) -> None:
    edit_entry(project / EN, "Guatemala", flags=["fuzzy"])
    assert run(project, "check")[0] == 1  # fuzzy is never translated
    assert run(project, "check", "--fail-under", "90")[0] == 0
    assert run(project, "check", "--fail-under", "90", "--fail-on", "fuzzy")[0] == 1
    catalog = read_catalog(project / EN)
    catalog.append(polib.POEntry(msgid="Ancien", msgstr="Old", obsolete=True))
    write_catalog(project / EN, catalog)
    assert run(project, "check", "--fail-under", "90")[0] == 0
    assert run(project, "check", "--fail-under", "90", "--fail-on", "obsolete")[0] == 1


def test_fail_level_warning_and_skip(project: Path) -> None:
    edit_entry(project / ES, "480 ha", msgstr="4800 ha")
    code, out, _ = run(project, "check")
    assert code == 0
    assert "warning: numbers differ: missing 480; not in the source 4800 [numbers es]" in out
    assert run(project, "check", "--fail-level", "warning")[0] == 1
    assert run(project, "check", "--fail-level", "warning", "--skip", "numbers")[0] == 0


def test_ignore_comment_silences_a_finding_on_one_entry_and_survives_update(project: Path) -> None:
    edit_entry(project / ES, "480 ha", msgstr="4800 ha", tcomment="i18nprofiles-ignore: numbers")
    code, out, _ = run(project, "check", "--fail-level", "warning")
    assert code == 0
    assert "[numbers" not in out
    profile = project / "examples/profiles/maria-quispe.md"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("\n---\n", "\n---\n\n", 1), encoding="utf-8")  # every reference moves
    assert run(project, "extract")[0] == 0
    assert run(project, "update")[0] == 0
    assert "# i18nprofiles-ignore: numbers\n" in (project / ES).read_text(encoding="utf-8")
    assert run(project, "check", "--fail-level", "warning")[0] == 0


def test_bad_input_exits_2_with_path_and_line(project: Path) -> None:
    po = project / ES
    lines = po.read_text(encoding="utf-8").split("\n")
    lines[30] = "this is not gettext"
    po.write_text("\n".join(lines), encoding="utf-8")
    code, out, err = run(project, "check")
    assert code == 2
    assert err.startswith(f"error: {po}:31: keyword \"this\" unknown")  # msgfmt's words and line
    assert "Traceback" not in err


def test_a_worker_process_reports_bad_input_with_path_and_line(project: Path) -> None:
    po = project / ES
    lines = po.read_text(encoding="utf-8").split("\n")
    lines[30] = "this is not gettext"
    po.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        check_project(load_config(project), jobs=2)
    assert (caught.value.path, caught.value.line) == (str(po), 31)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--skip", "nonsense"), "error: skip: unknown check 'nonsense'"),
        (("--fail-on", "typos"), "error: fail_on: unknown state 'typos'"),
        (("--format", "xml"), "error: Invalid value for '--format'"),
        (("--fail-under", "120"), "error: Invalid value for '--fail-under'"),
    ],
)
def test_bad_options_exit_2(project: Path, args: tuple[str, ...], message: str) -> None:
    code, _, err = run(project, "check", *args)
    assert code == 2
    assert err.startswith(message)


def test_missing_catalogue_is_stale(project: Path) -> None:
    (project / EN).unlink()
    code, out, _ = run(project, "check")
    assert code == 1
    assert f"{EN}:1: error: no catalogue for en" in out


def test_output_file_keeps_a_summary_on_the_terminal(project: Path) -> None:
    target = project / "out" / "check.json"
    code, out, _ = run(project, "check", "--format", "json", "--output", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8").startswith('{\n  "format": "i18nprofiles-check"')
    assert out.splitlines()[0].startswith("domain    locale")
    assert out.endswith("check passed: 0 errors, 0 warnings, 0 notices (failing at: error)\n")


def test_same_inputs_same_bytes(project: Path) -> None:
    edit_entry(project / ES, "Pérou", msgstr="")
    outputs = [run(project, "check", "--format", "json")[1] for _ in range(2)]
    assert outputs[0] == outputs[1]


def test_worker_processes_give_the_same_report(project: Path) -> None:
    edit_entry(project / ES, "480 ha", msgstr="4800 ha")
    edit_entry(project / EN, "Guatemala", msgstr="")
    config = load_config(project)
    assert check_project(config, jobs=2) == check_project(config, jobs=1)
    (project / EN).write_text('msgid "a"\nmsgstr "b"\nnonsense\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        check_project(config, jobs=2)
    assert (caught.value.path, caught.value.line) == (str(project / EN), 3)


def test_pre_commit_hooks_run_the_commands(project: Path) -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["i18nprofiles-update-check", "i18nprofiles-check"]
    for hook in hooks:
        program, *args = hook["entry"].split()
        assert program == "i18nprofiles"
        assert run(project, *args)[0] == 0


def test_profile_written_in_the_catalogue_language_needs_no_translation(project: Path) -> None:
    (project / "examples/profiles/ana-lopez.md").write_text(
        "---\nname: Ana López\nlang: es\nheadline: Agricultora en Cajamarca\n---\n\nCultivo papas nativas.\n",
        encoding="utf-8")
    assert run(project, "extract")[0] == 0
    assert run(project, "update")[0] == 0
    code, out, _ = run(project, "check", "--fail-under", "100", "-l", "es", "--format", "json")
    assert code == 0, out
    import json

    es = json.loads(out)["catalogs"][0]
    assert es["coverage"]["exempt"] == {"messages": 2, "words": 6}
    ana = next(p for p in es["profiles"] if p["slug"] == "ana-lopez")
    assert (ana["total"], ana["percent"]) == (0, 100.0)
    assert run(project, "check", "--fail-under", "100", "-l", "en")[0] == 1


def test_glossary_from_the_configuration(project: Path) -> None:
    (project / "glossary.txt").write_text("# do not translate\nAutre Terre\n", encoding="utf-8")
    config = project / "i18nprofiles.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'glossary = "glossary.txt"\n', encoding="utf-8")
    assert run(project, "check")[0] == 0
    line = edit_entry(project / ES, "Le site d’Autre Terre", msgstr="El sitio de Otra Tierra")
    code, out, _ = run(project, "check")
    assert code == 1
    assert f"{ES}:{line}: error: do-not-translate term missing: Autre Terre [glossary es]" in out
    (project / "glossary.txt").unlink()
    code, _, err = run(project, "check")
    assert code == 2
    assert err.startswith(f"error: {project / 'glossary.txt'}: cannot read glossary")


def test_the_example_project_itself_passes() -> None:
    code, out, err = run(ROOT, "check")
    assert code == 0, out + err


def test_ci_recipes_are_valid_yaml_and_use_the_ci_formats() -> None:
    import yaml

    text = (ROOT / "docs/ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)]
    github, gitlab = blocks[0], blocks[1]
    steps = [step.get("run", "") for step in github["jobs"]["check"]["steps"]]
    assert "i18nprofiles check --format github --report translation-report" in steps
    job = gitlab["translations"]
    assert any("--format junit -o check-junit.xml" in line for line in job["script"])
    assert job["artifacts"]["reports"]["junit"] == "check-junit.xml"


def test_worker_processes_report_a_stale_template_as_one_process_does(project: Path) -> None:
    profile = project / "examples/profiles/maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8") + "\nUn paragraphe tout neuf sur la récolte.\n",
                       encoding="utf-8")
    config = load_config(project)
    pot = project / "locales/profiles.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Recyclage"', 'msgid "Recyclage du verre"'),
                   encoding="utf-8")
    report = check_project(config, jobs=2)
    assert report == check_project(config, jobs=1)
    stale = sorted(f.message.split(":")[0] for f in report.findings if f.check == "stale-template")
    assert stale == ["new or changed segment not in locales/profiles.pot (run `i18nprofiles extract`)"] * 2 + [
        "the template keeps a segment no profile has (run `i18nprofiles extract`)"]
    pot.write_text(pot.read_text(encoding="utf-8") + '\nmsgid "x"\nnonsense\n', encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        check_project(config, jobs=2)
    assert caught.value.path == str(pot) and caught.value.line
    pot.unlink()
    assert [f.message for f in check_project(config, jobs=2).findings if f.check == "stale-template"] == [
        "no template locales/profiles.pot (run `i18nprofiles extract`)"]


def test_a_template_the_store_vouches_for_is_parsed_in_verify_mode(project: Path) -> None:
    """A template that ``extract`` wrote for these profiles is not parsed: its keys are the profiles'.  Verify
    mode parses it all the same, and a store that vouches for another file is caught."""
    config = load_config(project)
    pot = project / "locales/profiles.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Recyclage"', 'msgid "Recyclage du verre"'),
                   encoding="utf-8")
    profiles = read_profiles(config, store=NullStore())
    store = open_store(config.cache_dir)
    inputs = template_key(config, profiles, template_options(config["width"]))
    store.keep(CURRENT, os.path.abspath(pot), inputs, store.read(pot).digest)  # a record that vouches wrongly
    store.commit()
    trusting = Store(config.cache_dir, verify=False)
    assert template_keys(config, profiles, pot, trusting) == {key: 0 for key in segment_keys(profiles)}
    with pytest.raises(Mismatch, match="keys differ"):
        template_keys(config, profiles, pot, Store(config.cache_dir, verify=True))
    shutil.rmtree(config.cache_dir)  # no record: the template is parsed, its stale key found
    stale = [f.message for f in check_project(config).findings if f.check == "stale-template"]
    assert len(stale) == 2 and "keeps a segment no profile has" in stale[1]
