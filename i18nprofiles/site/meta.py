"""What a page says about itself to search engines and to sharing: the site's name, OpenGraph and Twitter
card tags, schema.org JSON-LD, robots.txt.  Pure functions."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from babel.core import get_global
from markupsafe import Markup

from i18nprofiles.config import parse_locale
from i18nprofiles.site.markup import Piece

# Characters that could end a <script> element or an HTML comment, or break a line in old parsers,
# escaped inside JSON strings (JSON reads them back as the same characters).
JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def localised_setting(value: str | Mapping[str, str], code: str, source_locale: str,
                      source_tag: str, own_tag: str) -> Piece | None:
    """A setting that is a string (in the source language) or a table by locale, for a page in ``code``:
    the locale's text, its language's, else the source language's (marked with its ``lang``)."""
    if isinstance(value, str):
        if not value:
            return None
        return Piece(value) if own_tag == source_tag else Piece(value, lang=source_tag)
    locale = parse_locale(code)
    for candidate in (code, locale.language):
        if value.get(candidate):
            return Piece(value[candidate])
    for candidate, text in value.items():
        if text and parse_locale(candidate).language == locale.language:
            return Piece(text)
    if value.get(source_locale):
        return Piece(value[source_locale], lang=None if own_tag == source_tag else source_tag)
    return None


@lru_cache(maxsize=None)
def og_locale(code: str) -> str:
    """OpenGraph's form of a locale, language_TERRITORY (``fr`` → ``fr_FR``, ``pt_BR`` stays)."""
    locale = parse_locale(code)
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags").get(locale.language, "")
        territory = parse_locale(likely).territory if likely else None
    return f"{locale.language}_{territory}" if territory else locale.language


def json_ld(data: Mapping[str, Any]) -> Markup:
    """JSON for a ``<script type="application/ld+json">``: nothing in it can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    for char, escaped in JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return Markup(text)


def person_ld(name: str, url: str | None, job: str | None, location: str | None, image: str | None,
              same_as: Sequence[str]) -> dict[str, Any]:
    """A schema.org Person: what a profile page shows of someone, in the page's language."""
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "Person", "name": name}
    if url:
        data["url"] = url
        data["mainEntityOfPage"] = url
    if job:
        data["jobTitle"] = job
    if location:
        data["homeLocation"] = {"@type": "Place", "name": location}
    if image:
        data["image"] = image
    if same_as:
        data["sameAs"] = list(same_as)
    return data


def robots_txt(site_url: str) -> str:
    """Everything may be crawled; the sitemap is named when the site has an address."""
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines += ["", f"Sitemap: {site_url}sitemap.xml"]
    return "\n".join(lines) + "\n"
