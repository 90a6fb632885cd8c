"""What an organisation publishes: one publishing policy with `check`, honest partial pages, metadata."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest

from i18nprofiles.check.gate import build_options
from i18nprofiles.commands.check import check_project
from i18nprofiles.commands.render import render_site
from i18nprofiles.config import load_config
from test_render_helpers import SITE_URL, make_project, parse_html, text_runs

PARAGRAPH = "Constant Piscart compte 18 ans"  # the start of a msgid with a link and bold text
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def catalogue_path(root: Path, locale: str) -> Path:
    return root / "locales" / locale / "LC_MESSAGES" / "profiles.po"


def edit_entry(root: Path, locale: str, start: str, change, comment: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """Change the translation of the entry whose msgid starts with ``start``; its line in the saved file."""
    path = catalogue_path(root, locale)
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgid.startswith(start))
    entry.msgstr = change(entry.msgstr)
    if comment is not None:
        entry.tcomment = comment
    po.save(str(path))
    return next(e for e in polib.pofile(str(path)) if e.msgid.startswith(start)).linenum


def paragraph_of(page: Path, words: str) -> ET.Element:
    return next(p for p in parse_html(page).iter("p") if words in "".join(p.itertext()))


def test_a_translation_with_an_error_finding_is_not_published_and_the_command_names_it(tmp_path: Path, cli) -> None:
    root = make_project(tmp_path)
    es_line = edit_entry(root, "es", PARAGRAPH, lambda t: t.replace("https://www.autreterre.org/", "https://example.org/casa"))
    en_line = edit_entry(root, "en", PARAGRAPH, lambda t: t.replace("**", ""))
    result = cli("render", cwd=root)
    assert result.code == 0, result.err
    assert (f"warning: locales/es/LC_MESSAGES/profiles.po:{es_line}: translation not published (urls: URLs differ"
            in result.err)
    assert (f"warning: locales/en/LC_MESSAGES/profiles.po:{en_line}: translation not published (markup: markup marks "
            "differ" in result.err)
    es = root / "site" / "es" / "constant-piscart" / "index.html"
    en = root / "site" / "en" / "constant-piscart" / "index.html"
    assert "example.org/casa" not in es.read_text(encoding="utf-8")
    for page in (es, en):  # the source text, marked as a fallback, in place of the translation
        paragraph = paragraph_of(page, "Constant Piscart compte 18 ans")
        assert (paragraph.get("lang"), paragraph.get("data-translation")) == ("fr", "source")
        assert paragraph.find("strong") is not None
    # check finds the same entries at the same lines, as errors: one policy.
    report = check_project(load_config(root))
    errors = {(f.path, f.line, f.check) for f in report.findings if f.severity == "error"}
    assert ("locales/es/LC_MESSAGES/profiles.po", es_line, "urls") in errors
    assert ("locales/en/LC_MESSAGES/profiles.po", en_line, "markup") in errors
    # The same render again (pages reused) still says so.
    again = cli("render", cwd=root)
    assert again.err == result.err


def test_a_silenced_or_skipped_check_publishes_the_translation_in_both_commands(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    edit_entry(root, "es", PARAGRAPH, lambda t: t.replace("https://www.autreterre.org/", "https://www.autreterre.org/es/"),
               comment="i18nprofiles-ignore: urls")
    config = load_config(root)
    result = render_site(config)
    assert result.held_back == []
    assert "https://www.autreterre.org/es/" in (root / "site/es/constant-piscart/index.html").read_text(encoding="utf-8")
    assert not [f for f in check_project(config).findings if f.check == "urls"]
    # The entry's comment removed: withheld again, found again (the catalogue's bytes changed).
    edit_entry(root, "es", PARAGRAPH, lambda t: t, comment="")
    result = render_site(load_config(root))
    assert [(item.locale, item.check) for item in result.held_back] == [("es", "urls")]
    assert "autreterre.org/es/" not in (root / "site/es/constant-piscart/index.html").read_text(encoding="utf-8")
    # skip = ["urls"] turns the check off for both.
    with open(root / "i18nprofiles.toml", "a", encoding="utf-8") as handle:
        handle.write('skip = ["urls"]\n')
    config = load_config(root)
    assert render_site(config).held_back == []
    assert "urls" in build_options(config).skip


def test_a_partial_page_says_so_in_its_language(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, locales=("fr", "es", "en", "ar"), publish_threshold=0))
    render_site(config)
    site = config.output_dir
    notices = {
        "es": "Parte de esta página aún no está traducida",
        "en": "Part of this page is not yet translated",
    }
    for locale, text in notices.items():
        html = parse_html(site / locale / "constant-piscart" / "index.html")
        notice = next(p for p in html.iter("p") if "partial" in (p.get("class") or ""))
        assert text in "".join(notice.itertext())
        assert notice.get("role") == "note"
    # Arabic has no theme translation: the notice shows in English, marked as English.
    html = parse_html(site / "ar" / "constant-piscart" / "index.html")
    notice = next(p for p in html.iter("p") if "partial" in (p.get("class") or ""))
    assert [(lang, t) for lang, t in text_runs(notice, "ar") if t.strip()][0][0] == "en"
    # A page with nothing in another language has no notice; French is the profiles' language.
    for page in (site / "fr").rglob("index.html"):
        assert "notice partial" not in page.read_text(encoding="utf-8"), page


def test_publish_threshold_defaults_to_half(tmp_path: Path) -> None:
    root = make_project(tmp_path, locales=("fr", "es", "de"))
    result = render_site(load_config(root))
    assert result.published == ["fr", "es"] and list(result.withheld) == ["de"]


def test_site_name_is_translatable_and_marked_when_it_falls_back(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    with open(root / "i18nprofiles.toml", "a", encoding="utf-8") as handle:
        handle.write('site_name = {fr = "Profils de la coopérative", es = "Perfiles de la cooperativa"}\n'
                     'site_description = {fr = "Les personnes de la coopérative", en = "The people of the cooperative"}\n')
    config = load_config(root)
    render_site(config)
    es = parse_html(config.output_dir / "es" / "index.html")
    assert es.find("head/title").text == "Perfiles de la cooperativa"
    footer = es.find("body/footer/p")
    assert (footer.text, footer.get("lang")) == ("Perfiles de la cooperativa", None)
    en = parse_html(config.output_dir / "en" / "index.html")
    footer = en.find("body/footer/p")
    assert (footer.text, footer.get("lang")) == ("Profils de la coopérative", "fr")
    meta = {m.get("name"): m.get("content") for m in en.iter("meta") if m.get("name")}
    assert meta["description"] == "The people of the cooperative"
    profile = parse_html(config.output_dir / "es" / "maria-quispe" / "index.html")
    assert profile.find("head/title").text == "\u2068María Quispe\u2069 · Perfiles de la cooperativa"


@pytest.mark.parametrize("value", ["3", "[1]", '{fr = 1}'])
def test_a_bad_site_name_is_a_usage_error(tmp_path: Path, cli, value: str) -> None:
    root = make_project(tmp_path)
    with open(root / "i18nprofiles.toml", "a", encoding="utf-8") as handle:
        handle.write(f"site_name = {value}\n")
    result = cli("render", cwd=root)
    assert result.code == 2
    assert "setting 'site_name' must be a string or a table of strings by locale" in result.err


HOSTILE_NAME = 'Eve </script><script>alert(1)</script> \u202eevil'


def test_opengraph_twitter_and_json_ld(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    profile = root / "profiles" / "maria-quispe.md"
    profile.write_text(profile.read_text(encoding="utf-8").replace("name: María Quispe", f"name: '{HOSTILE_NAME}'"),
                       encoding="utf-8")
    config = load_config(root)
    render_site(config)
    page = config.output_dir / "es" / "constant-piscart" / "index.html"
    html = parse_html(page)
    props = {m.get("property"): m.get("content") for m in html.iter("meta") if m.get("property")}
    names = {m.get("name"): m.get("content") for m in html.iter("meta") if m.get("name")}
    assert props["og:type"] == "profile" and props["og:title"] == "Constant Piscart"
    assert props["og:url"] == f"{SITE_URL}es/constant-piscart/"
    assert props["og:locale"] == "es_ES"
    alternates = [m.get("content") for m in html.iter("meta") if m.get("property") == "og:locale:alternate"]
    assert alternates == ["fr_FR", "en_US"]
    assert props["og:description"] == names["description"] == names["twitter:description"]
    assert names["twitter:card"] == "summary"
    (script,) = list(html.iter("script"))
    person = json.loads(script.text)
    assert person["@type"] == "Person" and person["name"] == "Constant Piscart"
    assert person["jobTitle"] == props["og:description"]
    assert person["sameAs"] == ["https://www.autreterre.org/", "https://www.uliege.be/"]
    assert person["homeLocation"]["@type"] == "Place"
    assert person["image"].startswith(SITE_URL + "media/constant-piscart/")
    # A name made to close the script element stays inside it, as data; its right-to-left override is isolated.
    hostile = config.output_dir / "es" / "maria-quispe" / "index.html"
    html = parse_html(hostile)
    scripts = list(html.iter("script"))
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    assert json.loads(scripts[0].text)["name"] == HOSTILE_NAME
    h1 = html.find(".//h1")
    assert h1[0].tag == "bdi" and h1[0].text == HOSTILE_NAME
    card = next(a for a in parse_html(config.output_dir / "es" / "index.html").iter("a") if HOSTILE_NAME in "".join(a.itertext()))
    assert card[0].tag == "bdi"


def test_robots_favicon_root_404_and_sitemap_dates(tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path))
    render_site(config)
    site = config.output_dir
    assert (site / "robots.txt").read_text() == f"User-agent: *\nAllow: /\n\nSitemap: {SITE_URL}sitemap.xml\n"
    assert (site / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (site / "favicon.svg").read_bytes().startswith(b"<svg")
    page = parse_html(site / "es" / "maria-quispe" / "index.html")
    icons = [link.get("href") for link in page.iter("link") if link.get("rel") == "icon"]
    assert icons == ["../../favicon.svg", "../../favicon.ico"]
    # The root 404: a language chooser, styled from anywhere (its CSS is in the page).
    root404 = parse_html(site / "404.html")
    assert root404.get("lang") == "fr"
    assert [a.get("href") for a in root404.iter("a") if a.get("hreflang")] == [
        f"{SITE_URL}fr/index.html", f"{SITE_URL}es/index.html", f"{SITE_URL}en/index.html"]
    for name in ("404.html", "es/404.html"):
        html = parse_html(site / name)
        assert not [link for link in html.iter("link") if link.get("rel") == "stylesheet"]
        assert "font-family" in html.find("head/style").text
    index = parse_html(site / "es" / "index.html")
    description = next(m.get("content") for m in index.iter("meta") if m.get("name") == "description")
    assert description == "Los perfiles de Example profiles"  # no site_description: the theme's sentence
    urls = ET.parse(site / "sitemap.xml").getroot().findall("s:url", SITEMAP)
    dates = {u.findtext("s:loc", namespaces=SITEMAP): u.findtext("s:lastmod", namespaces=SITEMAP) for u in urls}
    assert dates[f"{SITE_URL}es/maria-quispe/"] == "2024-02-26"
    assert dates[f"{SITE_URL}en/lucia-mamani/"] == "2023-11-06"
    assert dates[f"{SITE_URL}es/"] == max(d for d in dates.values() if d)


def test_a_configured_favicon(tmp_path: Path) -> None:
    from PIL import Image

    root = make_project(tmp_path, favicon="icon.png")
    Image.new("RGB", (100, 60), (200, 30, 30)).save(root / "icon.png")
    config = load_config(root)
    render_site(config)
    icon = Image.open(config.output_dir / "favicon.ico")
    assert icon.format == "ICO" and (48, 48) in icon.info["sizes"]
    assert not (config.output_dir / "favicon.svg").exists()


def test_a_locale_that_falls_below_the_threshold_after_an_edit_is_withheld(tmp_path: Path) -> None:
    root = make_project(tmp_path, publish_threshold=84)  # es: 46 of 54 texts reviewed (85.2 %)
    config = load_config(root)
    assert render_site(config).published == ["fr", "es"]
    po = polib.pofile(str(catalogue_path(root, "es")))
    for entry in [e for e in po if e.msgstr and not e.fuzzy][:2]:
        entry.msgstr = ""
    po.save(str(catalogue_path(root, "es")))
    result = render_site(load_config(root))  # the counts kept by the last render do not settle it: all counted
    assert result.published == ["fr"] and result.withheld == {"es": 81.4, "en": 79.6}  # 44/54 rounded down
    assert not (config.output_dir / "es").exists()
