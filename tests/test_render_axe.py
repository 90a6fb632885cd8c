"""axe-core in headless Chromium: no violation on the site's pages and the check report, in every shipped locale.

Playwright drives the system Chromium (``/usr/bin/chromium``, no browser
download) offline, on ``file://`` pages; axe-core is the ``axe.min.js`` that
the PyPI package axe-playwright-python ships.  Every rule axe runs by default
is on (WCAG 2.x A and AA, best practices).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from i18nprofiles.check.report import UI, render_html
from i18nprofiles.commands.check import check_project
from i18nprofiles.commands.render import render_site
from i18nprofiles.config import load_config
from i18nprofiles.site.theme import load_ui_translations
from test_render_helpers import make_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions"]
SHIPPED = ("fr", "es", "en")  # the locales the theme translates

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (`make system-deps` installs the Debian package `chromium`)"
)


def axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(offline=True)
        yield context.new_page()
        browser.close()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("axe"))
    config = load_config(root)
    render_site(config)
    report = check_project(config)
    for locale in SHIPPED:
        folder = root / "report" / locale
        folder.mkdir(parents=True)
        (folder / "index.html").write_text(render_html(report, ui=UI(load_ui_translations(config, locale), locale)),
                                           encoding="utf-8")
    return root


def violations(page: Any, file: Path) -> list[dict[str, Any]]:
    page.goto(file.as_uri())
    page.evaluate(axe_script())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "help": v["help"], "nodes": [n["html"][:120] for n in v["nodes"]][:3]}
            for v in result["violations"]]


@pytest.mark.parametrize("locale", SHIPPED)
def test_axe_finds_no_violation(page: Any, project: Path, locale: str) -> None:
    site = project / "site"
    files = [site / locale / "constant-piscart" / "index.html", site / locale / "maria-quispe" / "index.html",
             site / locale / "index.html", site / locale / "404.html", project / "report" / locale / "index.html"]
    if locale == SHIPPED[0]:
        files += [site / "index.html", site / "404.html"]
    for file in files:
        page.goto(file.as_uri())
        assert page.evaluate("document.documentElement.lang") == locale
        assert violations(page, file) == [], file
    if os.environ.get("I18NPROFILES_SCREENSHOTS") and locale == "en":  # docs/check-report.png
        page.set_viewport_size({"width": 1200, "height": 900})
        page.goto((project / "report" / locale / "index.html").as_uri())
        page.screenshot(path=str(Path(os.environ["I18NPROFILES_SCREENSHOTS"]) / "check-report.png"))
