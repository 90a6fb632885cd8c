"""The check report's HTML: in the project's language, with landmarks; badges readable (contrast ≥ 4.5:1)."""

from __future__ import annotations

from pathlib import Path

import html5lib
import pytest

from i18nprofiles.check.report import BADGE_COLOURS, BADGE_LABEL_COLOUR, UI, render_html
from i18nprofiles.commands.check import check_project
from i18nprofiles.config import load_config
from i18nprofiles.site.theme import load_ui_translations
from test_render_helpers import make_project


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rgb or #rrggbb."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_badge_text_contrast_is_at_least_4_5() -> None:
    for _, colour in BADGE_COLOURS:
        assert contrast("#fff", colour) >= 4.5, colour
    assert contrast("#fff", BADGE_LABEL_COLOUR) >= 4.5


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    config = load_config(make_project(tmp_path_factory.mktemp("report")))
    return config, check_project(config)


@pytest.mark.parametrize("locale, title, state", [("fr", "État des traductions", "contrôle échoué"),
                                                  ("es", "Estado de las traducciones", "control fallido"),
                                                  ("en", "Translation status", "check failed")])
def test_the_report_speaks_the_language_asked(report, locale: str, title: str, state: str) -> None:  # type: ignore[no-untyped-def]
    config, found = report
    page = render_html(found, ui=UI(load_ui_translations(config, locale), locale))
    document = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(page)
    assert document.get("lang") == locale
    assert document.find("head/title").text == title
    main = document.find("body/main")
    assert main is not None and list(document.find("body")) == [main]  # everything in the main landmark
    assert main.find("h1").text == title
    assert main.find("p/span").text == state
    regions = [div.get("aria-label") for div in main.iter("div") if div.get("role") == "region"]
    assert len(regions) == len(set(regions)) == 3


def test_a_language_the_theme_does_not_translate_shows_english_marked(report, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, found = report
    page = render_html(found, ui=UI(load_ui_translations(config, "de"), "de"))
    assert '<h1><span lang="en" dir="ltr">Translation status</span></h1>' in page
    assert "<title>Translation status</title>" in page
