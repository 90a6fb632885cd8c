"""Shared helpers of the render tests: a copy of the example project with fixture catalogues."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import html5lib

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "render"
SITE_URL = "https://profiles.example.org/"


def make_project(tmp: Path, locales: tuple[str, ...] = ("fr", "es", "en"), catalogues: bool = True,
                 **settings: Any) -> Path:
    """A copy of the example profiles in ``tmp`` with the fixture es/en catalogues and a config file."""
    shutil.copytree(REPO / "examples" / "profiles", tmp / "profiles")
    if catalogues:
        shutil.copytree(FIXTURES / "locales", tmp / "locales")
    lines = [
        'project = "Example profiles"',
        'source_locale = "fr"',
        f"locales = {list(locales)!r}".replace("'", '"'),
        'profiles = ["profiles/*.md", "profiles/*.yaml"]',
        f'site_url = "{SITE_URL}"',
    ]
    for key, value in settings.items():
        lines.append(f"{key} = {value!r}".replace("'", '"'))
    (tmp / "i18nprofiles.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp


def parse_html(path: Path) -> ET.Element:
    """An HTML5 parse of a page (element names without namespace)."""
    return html5lib.parse(path.read_bytes(), namespaceHTMLElements=False)


def site_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def head_alternates(page: ET.Element) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href") for link in page.iter("link")
            if link.get("rel") == "alternate" and link.get("hreflang")}


def file_for_url(site: Path, url: str) -> Path:
    """The output file an absolute site URL names."""
    assert url.startswith(SITE_URL), url
    path = url[len(SITE_URL):]
    return site / (path + "index.html" if path.endswith("/") or not path else path)


def text_runs(root: ET.Element, lang: str | None = None) -> list[tuple[str, str]]:
    """Every text node of a tree with its effective language (inherited ``lang``)."""
    runs: list[tuple[str, str]] = []

    def walk(element: ET.Element, inherited: str) -> None:
        own = element.get("lang", inherited)
        if element.text:
            runs.append((own, element.text))
        for child in element:
            walk(child, own)
            if child.tail:
                runs.append((own, child.tail))

    walk(root, lang or root.get("lang", ""))
    return runs
