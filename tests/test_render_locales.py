"""Any locale Babel knows (rtl Arabic, Quechua), the publish threshold, UI strings, themes, determinism."""

from __future__ import annotations

import os
from pathlib import Path

import polib
import pytest

from i18nprofiles.config import load_config
from i18nprofiles.commands.render import read_tables, render_site
from i18nprofiles.site.pages import table_from_catalog
from i18nprofiles.commands.messages import extract_messages
from test_render_helpers import head_alternates, make_project, parse_html, site_files


def test_arabic_pages_are_rtl_with_french_fallbacks_marked_ltr(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, locales=("fr", "es", "en", "ar"), publish_threshold=0))
    render_site(config)
    html = parse_html(config.output_dir / "ar" / "maria-quispe" / "index.html")
    assert (html.get("lang"), html.get("dir")) == ("ar", "rtl")
    fallbacks = [e for e in html.iter() if e.get("data-translation") == "source"]
    assert fallbacks
    assert all((e.get("lang"), e.get("dir")) == ("fr", "ltr") for e in fallbacks)
    switcher = {a.get("lang"): a.text for a in html.iter("a") if a.get("hreflang") and a.get("lang")}
    assert switcher["ar"] == "العربية"
    assert next(html.iter("time")).text == "فبراير 2024"
    # UI strings the theme does not translate show in English, marked as such.
    skip = next(a for a in html.iter("a") if a.get("class") == "skip")
    assert (skip[0].get("lang"), skip[0].get("dir"), skip[0].text) == ("en", "ltr", "Skip to content")
    # French pages keep no dir on fallbacks: nothing differs.
    es = (config.output_dir / "es" / "constant-piscart" / "index.html").read_text(encoding="utf-8")
    assert 'lang="fr" data-translation="source"' in es and 'dir="ltr" data-translation' not in es


def test_quechua_works(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, locales=("fr", "qu"), publish_threshold=0))
    render_site(config)
    html = parse_html(config.output_dir / "qu" / "constant-piscart" / "index.html")
    assert (html.get("lang"), html.get("dir")) == ("qu", "ltr")
    names = {a.get("lang"): a.text for a in html.iter("a") if a.get("hreflang") and a.get("lang")}
    assert names == {"fr": "Français", "qu": "Runasimi"}
    assert set(head_alternates(html)) == {"fr", "qu", "x-default"}


def test_a_locale_under_the_threshold_is_not_published(tmp_path: Path) -> None:
    root = make_project(tmp_path, locales=("fr", "es", "en", "de"), publish_threshold=50)
    config = load_config(root)
    result = render_site(config)
    assert result.published == ["fr", "es", "en"]
    assert list(result.withheld) == ["de"]
    site = config.output_dir
    assert not (site / "de").exists()
    assert "/de/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    html = parse_html(site / "es" / "maria-quispe" / "index.html")
    assert "de" not in head_alternates(html)
    assert "de" not in {a.get("hreflang") for a in html.iter("a")}
    # English has 43 reviewed and 2 fuzzy translations of 54 segments (79.6 %, 83.3 % with fuzzy).
    (root / "i18nprofiles.toml").write_text((root / "i18nprofiles.toml").read_text().replace("50", "83"))
    assert render_site(load_config(root)).published == ["fr", "es"]
    assert render_site(load_config(root), use_fuzzy=True).published == ["fr", "es", "en"]


def test_translation_tables_can_be_given_instead_of_read(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    config = load_config(root)
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    po = polib.pofile(str(po_path))
    next(e for e in po if e.msgid == "Café").msgstr = "Cafecito"
    tables = read_tables(config, config.locales) | {"es": table_from_catalog(po)}
    render_site(config, tables=tables)
    page = (config.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert "Cafecito" in page
    assert "Cafecito" not in po_path.read_text(encoding="utf-8")
    # Without them, the catalogue on disk is read again.
    render_site(config)
    assert "Cafecito" not in (config.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")


def test_project_catalogue_overrides_ui_strings(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    config = load_config(root)
    extract_messages(config)
    template = polib.pofile(str(root / "locales" / "messages.pot"))
    assert "Share this page" in {e.msgid for e in template}
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "es"}
    catalogue.append(polib.POEntry(msgid="Updated", msgstr="Última actualización"))
    catalogue.append(polib.POEntry(msgid="Links", msgstr="<i>Vínculos</i>"))
    catalogue.save(str(root / "locales" / "es" / "LC_MESSAGES" / "messages.po"))
    render_site(config)
    page = (config.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert "<dt>Última actualización</dt>" in page
    assert "<dt>Temas</dt>" in page  # the theme's own translation still applies
    assert "&lt;i&gt;Vínculos&lt;/i&gt;" in (config.output_dir / "es" / "constant-piscart" / "index.html").read_text(
        encoding="utf-8")


def test_templates_dir_overrides_a_template_and_its_strings_are_extracted(tmp_path: Path) -> None:
    root = make_project(tmp_path, templates_dir="theme")
    (root / "theme").mkdir()
    (root / "theme" / "switcher.html").write_text(
        '<p class="mine">{{ _("Read in") }} {% for item in switcher %}<a href="{{ item.href }}" lang="{{ item.tag }}">'
        "{{ item.name }}</a> {% endfor %}</p>\n", encoding="utf-8")
    config = load_config(root)
    render_site(config)
    page = (config.output_dir / "fr" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert '<p class="mine"><span lang="en" dir="ltr">Read in</span> <a href="index.html" lang="fr">' in page
    result = extract_messages(config)
    entries = {e.msgid: e for e in polib.pofile(str(result.path))}
    assert entries["Read in"].occurrences == [("theme/switcher.html", "1")]
    assert "Updated" in entries


def test_a_rerun_writes_nothing_and_gives_the_same_bytes(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path / "a"))
    first = render_site(config)
    assert first.written and not first.unchanged
    stamps = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file()}
    for path in stamps:
        os.utime(path, ns=(1, 1))
    second = render_site(config)
    assert second.written == [] and len(second.unchanged) == len(first.written)
    assert all(p.stat().st_mtime_ns == 1 for p in stamps)
    other = load_config(make_project(tmp_path / "b"))
    render_site(other)
    assert site_files(other.output_dir) == site_files(config.output_dir)
    # Changing one translation rewrites only the pages that show it.
    po_path = tmp_path / "a" / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    po = polib.pofile(str(po_path))
    next(e for e in po if e.msgid == "Café").msgstr = "Cafecito"
    po.save(str(po_path))
    third = render_site(config)
    assert third.written == ["es/maria-quispe/index.html"]


def test_parallel_rendering_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import i18nprofiles.site.pages as pages_module

    monkeypatch.setattr(pages_module, "PARALLEL_MIN_PAGES", 0)
    serial = load_config(make_project(tmp_path / "serial"))
    render_site(serial, workers=1)
    parallel = load_config(make_project(tmp_path / "parallel"))
    render_site(parallel, workers=2)
    assert site_files(parallel.output_dir) == site_files(serial.output_dir)


def test_unchanged_pages_are_not_rendered_again_and_stale_files_go(tmp_path: Path) -> None:
    root = make_project(tmp_path, locales=("fr", "es", "en", "de"), publish_threshold=0)
    config = load_config(root)
    first = render_site(config)
    assert (config.output_dir / "de" / "maria-quispe" / "index.html").is_file()
    second = render_site(config)
    # Nothing is produced again: every file's record is the same, and the file is the one written.
    assert second.rendered == 0 and second.written == [] and len(second.unchanged) == len(first.written)
    for name in ("es/lucia-mamani/index.html", "es/index.html", "sitemap.xml"):
        (config.output_dir / name).write_text("tampered", encoding="utf-8")
    third = render_site(config)
    assert third.written == ["es/index.html", "es/lucia-mamani/index.html", "sitemap.xml"]
    assert third.rendered == 3
    (root / "i18nprofiles.toml").write_text((root / "i18nprofiles.toml").read_text().replace("= 0", "= 50"))
    fourth = render_site(load_config(root))
    assert "de/maria-quispe/index.html" in fourth.removed
    assert not (config.output_dir / "de").exists()


def test_an_edited_profile_renders_its_pages_again_and_the_indexes_only_if_they_show_the_change(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    config = load_config(root)
    render_site(config)
    unchanged = render_site(config)
    profile = root / "profiles" / "maria-quispe.md"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("## Témoignage", "## Mon témoignage"), encoding="utf-8")
    body = render_site(config)
    assert body.written == [f"{locale}/maria-quispe/index.html" for locale in ("en", "es", "fr")]
    assert body.rendered == unchanged.rendered + 3
    profile.write_text(text.replace("headline: Productrice", "headline: Cultivatrice"), encoding="utf-8")
    headline = render_site(config)
    assert [name for name in headline.written if "maria-quispe" not in name] == ["en/index.html", "es/index.html",
                                                                                 "fr/index.html"]
    assert "Cultivatrice" in (config.output_dir / "fr" / "index.html").read_text(encoding="utf-8")


def test_translatable_fields_reach_templates_localised(tmp_path: Path) -> None:
    root = make_project(tmp_path, translatable_fields=["role"], templates_dir="theme")
    profile = root / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: María Quispe", "name: María Quispe\nrole: Trésorière"),
                       encoding="utf-8")
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    po = polib.pofile(str(po_path))
    po.append(polib.POEntry(msgid="Trésorière", msgstr="Tesorera"))
    po.save(str(po_path))
    (root / "theme").mkdir()
    (root / "theme" / "profile.html").write_text(
        '{% extends "base.html" %}{% block main %}{% if profile.fields.role is defined %}<p class="role">{{ profile.fields.role }}</p>{% endif %}{% endblock %}\n',
        encoding="utf-8")
    config = load_config(root)
    render_site(config)
    es = (config.output_dir / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    en = (config.output_dir / "en" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
    assert '<p class="role">Tesorera</p>' in es
    assert '<p class="role"><span lang="fr" data-translation="source">Trésorière</span></p>' in en


def test_without_site_url_links_are_root_relative_and_there_is_no_sitemap(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "i18nprofiles.toml").write_text((root / "i18nprofiles.toml").read_text().replace(
        'site_url = "https://profiles.example.org/"', ""))
    config = load_config(root)
    render_site(config)
    assert not (config.output_dir / "sitemap.xml").exists()
    links = head_alternates(parse_html(config.output_dir / "es" / "maria-quispe" / "index.html"))
    assert links["en"] == "/en/maria-quispe/" and links["x-default"] == "/fr/maria-quispe/"
