"""Translations and profiles are untrusted: nothing they hold may run, and no slug may escape the output."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import polib
import pytest

from i18nprofiles.cli import main
from i18nprofiles.config import load_config
from i18nprofiles.errors import ConfigError, ProfileError
from i18nprofiles.site.markup import is_safe_url
from i18nprofiles.commands.profiles import read_profiles
from i18nprofiles.commands.render import output_file, render_site
from test_render_helpers import make_project, parse_html

HOSTILE_BODY = """
Un paragraphe avec <script>alert(1)</script> et <img src=x onerror=alert(2)>.

<div onclick="alert(3)">bloc HTML brut</div>

Un [lien piégé](javascript:alert(4)) et un [autre](<javascript:alert(5)>), [données](data:text/html;base64,PHNjcmlwdD4=).

![image piégée](javascript:alert(6))
"""

HOSTILE_TRANSLATIONS = {
    "Productrice de café et membre de la coopérative Qori Wayta": '<b onmouseover="alert(7)">Productora</b>',
    "Indicateur": "<script>alert(8)</script>",
    "Valeur": "[clic](javascript:alert(9)) [ok](https://example.org/) [mail](mailto:a@example.org)",
    "Membres": '<img src=x onerror="alert(10)">',
    "Café": '"><script>alert(11)</script>',
}


def hostile_project(tmp_path: Path) -> Path:
    """Hostile profiles and translations, with the checks that would keep the translations off the site
    turned off: what is published must still be inert."""
    root = make_project(tmp_path, skip=["markup", "urls"])
    profile = root / "profiles" / "maria-quispe.md"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("## Témoignage", HOSTILE_BODY + "\n## Témoignage")
    text = text.replace("tags:\n", 'links:\n  - {label: Piège, url: "javascript:alert(12)"}\n'
                        '  - {label: Site, url: " JaVaScRiPt:alert(13)"}\ntags:\n')
    text = text.replace("photo: {src: maria-quispe.svg, alt: ", 'photo: {src: maria-quispe.svg, alt: ')
    profile.write_text(text, encoding="utf-8")
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgid in HOSTILE_TRANSLATIONS:
            entry.msgstr = HOSTILE_TRANSLATIONS[entry.msgid]
    alt = next(e for e in po if e.msgid.startswith("Avatar de María"))
    alt.msgstr = '" onerror="alert(14)'
    po.save(str(po_path))
    return root


def assert_inert(path: Path) -> None:
    html = parse_html(path)
    for script in html.iter("script"):  # only data: JSON-LD that parses, whatever the profile holds
        assert script.get("type") == "application/ld+json", path
        assert json.loads(script.text)["@type"] == "Person"
    for element in html.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (path, element.tag, name)
            if name in ("href", "src"):
                assert "javascript" not in value.lower() and not value.lower().startswith("data:"), (path, value)


def test_hostile_profiles_and_translations_render_inert(tmp_path: Path) -> None:
    config = load_config(hostile_project(tmp_path))
    render_site(config)
    for path in sorted(config.output_dir.rglob("*.html")):
        assert_inert(path)
    page = (config.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(8)&lt;/script&gt;" in page  # shown as text, not run
    assert '<a href="https://example.org/">ok</a>' in page
    assert '<a href="mailto:a@example.org">mail</a>' in page
    assert "[clic](javascript:alert(9))" in page  # a refused link stays visible text
    assert 'href="javascript' not in page.lower()


def test_safe_url_allows_only_http_https_mailto() -> None:
    assert is_safe_url("https://example.org/a?b=c")
    assert is_safe_url("http://example.org")
    assert is_safe_url("mailto:someone@example.org")
    for url in ("javascript:alert(1)", " javascript:alert(1)", "JAVASCRIPT:x", "java\nscript:x", "data:text/html,x",
                "vbscript:x", "file:///etc/passwd", "//evil.example", "relative/page", "https:no-host", ""):
        assert not is_safe_url(url), url


def test_a_slug_cannot_leave_the_output_folder(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    profiles = read_profiles(config)
    evil = dataclasses.replace(profiles[0], slug="../../evil")
    with pytest.raises(ProfileError, match="bad slug"):
        render_site(config, profiles=[evil, *profiles[1:]])
    assert not config.output_dir.exists()
    assert not (tmp_path.parent / "evil").exists()
    with pytest.raises(ConfigError):
        output_file(config.output_dir, "../outside.html")


def test_a_bad_slug_in_a_profile_is_an_error_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    profile = root / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: María Quispe", "name: María Quispe\nslug: ../../etc"),
                       encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(root), "render"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: profiles/maria-quispe.md:4: bad slug")
    assert "Traceback" not in err
    assert not (root / "site").exists()


def test_a_photo_outside_the_profile_folder_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (tmp_path / "secret.svg").write_text("<svg/>", encoding="utf-8")
    profile = root / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("src: maria-quispe.svg", "src: ../secret.svg"),
                       encoding="utf-8")
    with pytest.raises(ProfileError, match="beside the profile"):
        render_site(load_config(root))
    assert not (root / "site").exists()


def test_a_failed_render_leaves_the_previous_site_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(tmp_path)
    config = load_config(root)
    render_site(config)
    before = {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.is_file()}
    templates = root / "templates"
    templates.mkdir()
    (templates / "profile.html").write_text("{% extends 'base.html' %}\n{% block main %}{{ oops( }}{% endblock %}\n",
                                            encoding="utf-8")
    with open(root / "i18nprofiles.toml", "a", encoding="utf-8") as handle:
        handle.write('templates_dir = "templates"\n')
    with pytest.raises(SystemExit) as exit_info:
        main(["-P", str(root), "render"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: templates/profile.html:2: template syntax error")
    after = {p: p.read_bytes() for p in config.output_dir.rglob("*") if p.is_file()}
    assert after == before
