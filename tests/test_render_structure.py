"""Every rendered page read with an HTML5 parser: languages, alternates, sitemap, fallbacks, fuzzy policy."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from i18nprofiles.config import load_config
from i18nprofiles.commands.render import render_site
from test_render_helpers import FIXTURES, SITE_URL, file_for_url, head_alternates, make_project, parse_html, text_runs

LOCALES = ("fr", "es", "en")
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(FIXTURES / "locales" / locale / "LC_MESSAGES" / "profiles.po"))


def plain(text: str) -> bool:
    """A segment whose rendered text equals its source (no Markdown markup)."""
    return not any(mark in text for mark in "*_[`<")


def render(tmp_path: Path, use_fuzzy: bool = False) -> Path:
    config = load_config(make_project(tmp_path))
    render_site(config, use_fuzzy=use_fuzzy)
    return config.output_dir


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def fuzzy_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render(tmp_path_factory.mktemp("fuzzy"), use_fuzzy=True)


def test_every_page_has_lang_and_dir(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        html = parse_html(path)
        folder = path.relative_to(site).parts[0]
        expected = folder if folder in LOCALES else "fr"
        assert html.get("lang") == expected, path
        assert html.get("dir") == "ltr", path


def test_hreflang_is_reciprocal_with_x_default(site: Path) -> None:
    for path in pages(site):
        links = head_alternates(parse_html(path))
        assert set(links) == {*LOCALES, "x-default"}, path
        assert all(href.startswith(SITE_URL) for href in links.values())
        canonical = next(link.get("href") for link in parse_html(path).iter("link") if link.get("rel") == "canonical")
        assert file_for_url(site, canonical) == path
        for lang, href in links.items():
            other = file_for_url(site, href)
            assert other.is_file(), href
            assert head_alternates(parse_html(other)) == links, (path, other)
            if lang != "x-default":
                assert parse_html(other).get("lang") == lang


def test_sitemap_alternates_equal_the_head(site: Path) -> None:
    urls = ET.parse(site / "sitemap.xml").getroot().findall("s:url", SITEMAP)
    assert len(urls) == len(pages(site))
    for url in urls:
        loc = url.findtext("s:loc", namespaces=SITEMAP)
        listed = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", SITEMAP)}
        assert listed == head_alternates(parse_html(file_for_url(site, loc))), loc


def test_switcher_names_languages_in_their_own_language(site: Path) -> None:
    html = parse_html(site / "es" / "maria-quispe" / "index.html")
    nav = next(n for n in html.iter("nav") if n.get("class") == "languages")
    links = list(nav.iter("a"))
    assert [(a.get("lang"), a.text) for a in links] == [("fr", "Français"), ("es", "Español"), ("en", "English")]
    assert [a.get("aria-current") for a in links] == [None, "page", None]
    for a in links:
        assert (site / "es" / "maria-quispe" / a.get("href")).resolve().is_file()


def test_fallback_segments_carry_the_source_language(site: Path) -> None:
    for locale in ("es", "en"):
        missing = [e.msgid for e in catalogue(locale) if e.msgid and (e.fuzzy or not e.msgstr) and plain(e.msgid)]
        assert missing
        for path in sorted((site / locale).rglob("index.html")):
            html = parse_html(path)
            for element in html.iter():
                if element.get("data-translation") == "source":
                    assert element.get("lang") == "fr", path
            page_text = "".join(text for lang, text in text_runs(html) if lang == locale)
            for msgid in missing:
                if msgid not in ("Guatemala", "Certifications", "480 ha", "Café"):  # same in both languages
                    assert msgid not in page_text, (path, msgid)


def test_no_fuzzy_text_without_use_fuzzy(site: Path, fuzzy_site: Path) -> None:
    for locale in ("es", "en"):
        fuzzy = [e.msgstr for e in catalogue(locale) if e.fuzzy and e.msgstr]
        for path in sorted((site / locale).rglob("index.html")):
            data = path.read_text(encoding="utf-8")
            assert 'data-translation="unreviewed"' not in data
            assert not any(text in data for text in fuzzy), path
    page = fuzzy_site / "en" / "lucia-mamani" / "index.html"
    html = parse_html(page)
    marked = [e for e in html.iter() if e.get("data-translation") == "unreviewed"]
    assert {"".join(e.itertext()).rstrip("†") for e in marked} == {e.msgstr for e in catalogue("en") if e.fuzzy}
    notice = next(e for e in html.iter() if e.get("id") == "unreviewed")
    assert "Machine translation, not yet reviewed" in "".join(notice.itertext())
    es = parse_html(fuzzy_site / "es" / "lucia-mamani" / "index.html")
    notice = next(e for e in es.iter() if e.get("id") == "unreviewed")
    assert "Traducción automática, aún no revisada" in "".join(notice.itertext())


def test_dates_and_lists_follow_the_locale(site: Path) -> None:
    expected = {"fr": ("mars 2024", " et "), "es": ("marzo de 2024", " y "), "en": ("March 2024", ", and ")}
    for locale, (date, conjunction) in expected.items():
        html = parse_html(site / locale / "constant-piscart" / "index.html")
        assert next(html.iter("time")).text == date
        topics = [dd for dd in html.iter("dd") if dd.findall("span") or "," in "".join(dd.itertext())][0]
        assert conjunction in "".join(topics.itertext())


def test_every_page_is_well_formed_html5(site: Path) -> None:
    import html5lib

    for path in sorted(site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(path.read_bytes())
