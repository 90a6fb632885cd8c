"""The `render` and `build` commands, end to end on a copy of the example project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from i18nprofiles.cli import main
from test_render_helpers import REPO, make_project


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1764115200", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "i18nprofiles", *args], cwd=root, env=env,
                          capture_output=True, text=True, check=False)


def test_build_creates_catalogues_compiles_and_renders(tmp_path: Path) -> None:
    root = make_project(tmp_path, catalogues=False, publish_threshold=0)
    result = run(root, "build")
    assert result.returncode == 0, result.stderr
    for locale in ("es", "en"):
        assert (root / "locales" / locale / "LC_MESSAGES" / "profiles.po").is_file()
        assert (root / "locales" / locale / "LC_MESSAGES" / "profiles.mo").is_file()
    assert (root / "site" / "es" / "lucia-mamani" / "index.html").is_file()
    assert "site: 24 files written, 0 unchanged (fr, es, en)" in result.stdout
    again = run(root, "build")
    assert again.returncode == 0
    assert "site: 0 files written, 24 unchanged (fr, es, en)" in again.stdout


def test_render_to_another_folder_with_use_fuzzy(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = run(root, "render", "-o", "public", "--use-fuzzy")
    assert result.returncode == 0, result.stderr
    page = (root / "public" / "en" / "lucia-mamani" / "index.html").read_text(encoding="utf-8")
    assert 'data-translation="unreviewed"' in page
    assert not (root / "site").exists()


def test_render_reports_withheld_locales(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path, locales=("fr", "es", "de"), publish_threshold=10)
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(root), "render"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "de: not published (0% translated, publish_threshold is 10%)" in out


def test_bad_site_url_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    config_file = root / "i18nprofiles.toml"
    config_file.write_text(config_file.read_text().replace("https://profiles.example.org/", "javascript:alert(1)"))
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(root), "render"])
    assert exit_info.value.code == 2
    assert "setting 'site_url' must be an http or https URL" in capsys.readouterr().err
    assert not (root / "site").exists()


@pytest.mark.parametrize("value", ['"half"', "150", "-1", "true"])
def test_bad_publish_threshold_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str) -> None:
    root = make_project(tmp_path)
    with open(root / "i18nprofiles.toml", "a", encoding="utf-8") as handle:
        handle.write(f"publish_threshold = {value}\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(root), "render"])
    assert exit_info.value.code == 2
    line = len((root / "i18nprofiles.toml").read_text(encoding="utf-8").splitlines())
    assert capsys.readouterr().err.startswith(f"error: {root / 'i18nprofiles.toml'}:{line}: setting 'publish_threshold' "
                                              "must be a percentage from 0 to 100")


def test_ui_strings_extract_init_and_override(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    result = run(root, "extract", "-D", "messages")
    assert result.returncode == 0, result.stderr
    assert "locales/messages.pot: 47 messages from 9 templates (written)" in result.stdout
    assert run(root, "init", "-D", "messages", "-l", "es").returncode == 0
    po = root / "locales" / "es" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8").replace('msgid "Send by email"\nmsgstr ""', 'msgid "Send by email"\nmsgstr "Mandar por correo"')
    po.write_text(text, encoding="utf-8")
    assert run(root, "render").returncode == 0
    page = (root / "site" / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert ">Mandar por correo</a>" in page and "<dt>Temas</dt>" in page
    assert run(root, "extract", "-D", "messages").stdout.endswith("(unchanged)\n")
