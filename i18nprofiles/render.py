"""Render the site: one page per profile per published locale, indexes, 404 pages, sitemap.

``build_site`` turns a ``SitePlan`` (profiles, translations, settings) into a
mapping of output paths to bytes; it reads only templates, photos and static
files.  ``render_site`` reads the inputs, builds everything in memory (so an
error leaves the output untouched) and writes only the files whose bytes
changed.
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import json
import os
import posixpath
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape, quoteattr

import jinja2
import polib
from babel import Locale
from babel.dates import format_skeleton
from markupsafe import Markup

from i18nprofiles.cache import CODE_DIGEST
from i18nprofiles.catalog import read_catalog
from i18nprofiles.files import write_text_atomic
from i18nprofiles.compile import is_translated
from i18nprofiles.config import Config, parse_locale
from i18nprofiles.errors import ConfigError, ProfileError
from i18nprofiles.extract import PROFILES_DOMAIN
from i18nprofiles.markup import SOURCE, UNREVIEWED, ParsedBody, Piece, is_safe_url, join_pieces, parse_body, render_body
from i18nprofiles.merge import catalog_path
from i18nprofiles.model import Profile
from i18nprofiles.profiles import SLUG_RE, is_translatable, read_profiles
from i18nprofiles.theme import load_ui_translations, make_environment, render_template, static_files, theme_digest

RENDER_CACHE = "render.json"
MARK_TEXT = "Machine translation, not yet reviewed"
DATE_SKELETON = "yMMMM"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
PARALLEL_MIN_PAGES = 300  # below this, a second process costs more than it saves

@dataclass(frozen=True)
class Translation:
    """One catalogue entry as rendering needs it."""

    text: str
    fuzzy: bool


Table = Mapping[str, Translation]


@dataclass(frozen=True)
class Lang:
    """A published locale: gettext code, BCP 47 tag, own name and direction."""

    code: str
    tag: str
    name: str
    dir: str


@dataclass(frozen=True)
class RenderResult:
    """What ``render_site`` did."""

    output: Path
    written: list[str]
    unchanged: list[str]
    published: list[str]
    withheld: dict[str, float] = field(default_factory=dict)  # locale -> coverage %
    removed: list[str] = field(default_factory=list)  # files of a previous render no longer produced
    rendered: int = 0  # files produced this time (the others were reused unchanged)


# -- languages -------------------------------------------------------------------


def bcp47_tag(locale: Locale) -> str:
    """``pt_BR`` → ``pt-BR``; ``zh_Hant_TW`` → ``zh-Hant-TW``."""
    return "-".join(part for part in (locale.language, locale.script, locale.territory, locale.variant) if part)


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=None)
def describe_locale(code: str) -> Lang:
    """The tag, the name in its own language (capitalised) and the direction of a locale."""
    locale = parse_locale(code)
    name = capitalise(locale.get_display_name(locale) or code)
    return Lang(str(locale), bcp47_tag(locale), name, locale.text_direction)


# -- translations ------------------------------------------------------------------


def table_from_catalog(catalog: polib.POFile) -> dict[str, Translation]:
    """The translated entries of a catalogue by msgid (fuzzy ones flagged)."""
    return {
        entry.msgid: Translation(entry.msgstr, entry.fuzzy)
        for entry in catalog
        if not entry.obsolete and entry.msgid and not entry.msgid_plural and is_translated(entry)
    }


def read_tables(config: Config, locales: Sequence[str]) -> dict[str, dict[str, Translation]]:
    """The content translations of each locale, read from its ``profiles.po`` (none if missing)."""
    tables: dict[str, dict[str, Translation]] = {}
    for code in locales:
        path = catalog_path(config, code, PROFILES_DOMAIN)
        tables[code] = table_from_catalog(read_catalog(path, config.cache_dir)) if path.is_file() else {}
    return tables


def coverage(profiles: Sequence[Profile], code: str, table: Table, use_fuzzy: bool) -> float:
    """Percent of the distinct segments (of profiles in other languages) that would publish translated."""
    other = {lang for lang in {p.lang for p in profiles} if parse_locale(lang) != parse_locale(code)}
    texts = {s.text for p in profiles if p.lang in other for s in p.segments}
    if not texts:
        return 100.0
    done = sum(1 for text in texts if text in table and (use_fuzzy or not table[text].fuzzy))
    return 100.0 * done / len(texts)


def make_localiser(page: Lang, source: Lang, table: Table, use_fuzzy: bool, mark: str) -> Any:
    """A function text → Piece for the profiles written in ``source`` shown on a ``page`` page."""

    def localise(text: str) -> Piece:
        if source.code == page.code or not is_translatable(text):
            return Piece(text)
        found = table.get(text)
        if found is not None and not found.fuzzy:
            return Piece(found.text)
        if found is not None and use_fuzzy:
            return Piece(found.text, status=UNREVIEWED, mark=mark)
        direction = source.dir if source.dir != page.dir else None
        return Piece(text, lang=source.tag, dir=direction, status=SOURCE)

    return localise


# -- URLs and paths ----------------------------------------------------------------


def profile_path(lang: Lang, slug: str) -> str:
    return f"{lang.tag}/{slug}/index.html"


def page_url(site_url: str, path: str) -> str:
    """Absolute URL of an output file (``index.html`` dropped), or root-relative without site_url."""
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return (site_url or "/") + path


def relative_href(from_path: str, to_path: str) -> str:
    """A relative link between two output files (works from file:// too); ``""`` is the root folder."""
    folder = from_path.split("/")[:-1]
    if not to_path:
        return "../" * len(folder)
    target = to_path.split("/")
    common = len(posixpath.commonprefix([folder, target]))
    return "/".join([".."] * (len(folder) - common) + target[common:]) or "."


def normalise_site_url(url: str, where: Path | None = None) -> str:
    """``site_url`` with a final ``/``; ConfigError unless it is an http(s) URL."""
    if not url:
        return ""
    if not is_safe_url(url, ("http", "https")):
        raise ConfigError(f"setting 'site_url' must be an http or https URL, not {url!r}", where)
    return url if url.endswith("/") else url + "/"


def sort_key(profile: Profile) -> tuple[str, str]:
    plain = unicodedata.normalize("NFKD", profile.name)
    return ("".join(c for c in plain if not unicodedata.combining(c)).casefold(), profile.slug)


def photo_file(profile: Profile, root: Path) -> tuple[str, Path] | None:
    """The output name and file of a profile's local photo; ProfileError if it leaves the profile's folder."""
    photo = profile.fields.get("photo")
    if not isinstance(photo, dict) or not isinstance(photo.get("src"), str) or is_safe_url(photo["src"], ("http", "https")):
        return None
    src = photo["src"]
    folder = (root / profile.path).parent.resolve()
    file = (folder / src).resolve()
    line = next((s.line for s in profile.segments if s.field == "photo.alt"), 1)
    if not file.is_relative_to(folder) or "\\" in src or src.startswith("/"):
        raise ProfileError(f"photo {src!r} must be a file beside the profile", profile.path, line)
    if not file.is_file():
        raise ProfileError(f"photo {src!r} not found", profile.path, line)
    return f"media/{profile.slug}/{file.name}", file


def check_slug(profile: Profile) -> None:
    if not SLUG_RE.match(profile.slug):
        raise ProfileError(f"bad slug {profile.slug!r}: use lowercase letters, digits and '-'", profile.path, 1)


# -- page contexts -------------------------------------------------------------------


def alternates(site_url: str, paths: Mapping[str, str], default: str) -> list[dict[str, str]]:
    """The hreflang alternates: every published version, then x-default."""
    links = [{"hreflang": tag, "href": page_url(site_url, path)} for tag, path in paths.items()]
    return [*links, {"hreflang": "x-default", "href": page_url(site_url, default)}]


def switcher(langs: Sequence[Lang], current: Lang, here: str, paths: Mapping[str, str]) -> list[dict[str, Any]]:
    return [
        {"tag": lang.tag, "dir": lang.dir, "name": lang.name, "href": relative_href(here, paths[lang.tag]),
         "current": lang.tag == current.tag}
        for lang in langs
    ]


def localise_fields(fields: Mapping[str, Any], dotted: Sequence[str], localise: Any) -> dict[str, Any]:
    """The profile's other fields with the strings of the translatable ones localised."""
    out = dict(fields)
    for name in dotted:
        head, _, rest = name.partition(".")
        if head in out:
            out[head] = _localise_value(out[head], rest, localise)
    return out


def _localise_value(value: Any, rest: str, localise: Any) -> Any:
    if isinstance(value, list):
        return [_localise_value(item, rest, localise) for item in value]
    if rest:
        if not isinstance(value, dict):
            return value
        head, _, tail = rest.partition(".")
        return {**value, head: _localise_value(value[head], tail, localise)} if head in value else value
    return localise(value) if isinstance(value, str) else value


def summary_context(profile: Profile, localise: Any) -> dict[str, Any]:
    """What an index needs of a profile."""
    fields = profile.fields
    return {
        "slug": profile.slug,
        "name": profile.name,
        "headline": localise(fields["headline"]) if fields.get("headline") else None,
        "location": localise(fields["location"]) if fields.get("location") else None,
    }


def profile_context(profile: Profile, body: ParsedBody, page: Lang, localise: Any, photo: str | None, here: str,
                    translatable_fields: Sequence[str]) -> dict[str, Any]:
    """What a profile template needs, every text localised."""
    fields = profile.fields
    updated = fields.get("updated")
    links = [
        {"label": localise(link["label"]), "url": link["url"] if is_safe_url(link["url"]) else None}
        for link in fields.get("links", [])
    ]
    tags = [localise(tag) for tag in fields.get("tags", [])]
    photo_alt = (fields.get("photo") or {}).get("alt")
    photo_src = None
    if photo:
        photo_src = relative_href(here, photo)
    elif isinstance(fields.get("photo"), dict):
        photo_src = fields["photo"]["src"]
    return {
        **summary_context(profile, localise),
        "updated": format_month(updated, page.code) if updated else None,
        "updated_iso": updated.isoformat() if isinstance(updated, datetime.date) else None,
        "photo": {"src": photo_src, "alt": localise(photo_alt) if isinstance(photo_alt, str) else Piece("")}
        if photo_src else None,
        "tags": tags,
        "tags_text": join_pieces(tags, page.code),
        "links": links,
        "body": render_body(body, localise).rstrip("\n"),
        "fields": localise_fields(fields, translatable_fields, localise),
    }


@lru_cache(maxsize=4096)
def format_month(date: datetime.date, locale: str) -> str:
    """A date as a month of a year in the words of a locale ("mars 2024"); many profiles share one."""
    return format_skeleton(DATE_SKELETON, date, locale=locale)


def has_unreviewed(html: str) -> bool:
    return f'data-translation="{UNREVIEWED}"' in html


# -- the site ------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInputs:
    """Everything the site is built from, read beforehand."""

    config: Config
    profiles: Sequence[Profile]
    tables: Mapping[str, Table]
    use_fuzzy: bool


def published_locales(inputs: SiteInputs) -> tuple[list[str], dict[str, float]]:
    """The locales that reach the threshold (the source locale always does), and those withheld."""
    threshold = inputs.config["publish_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 100:
        raise ConfigError("setting 'publish_threshold' must be a percentage from 0 to 100", inputs.config.source)
    published, withheld = [], {}
    for code in inputs.config.locales:
        percent = coverage(inputs.profiles, code, inputs.tables.get(code, {}), inputs.use_fuzzy)
        if code == inputs.config.source_locale or percent >= threshold:
            published.append(code)
        else:
            withheld[code] = round(percent, 1)
    return published, withheld


@dataclass(frozen=True)
class SitePlan:
    """What every page needs to know about the whole site (picklable, for worker processes)."""

    config: Config
    site_url: str
    langs: tuple[Lang, ...]
    profiles: tuple[Profile, ...]  # in index order
    photos: Mapping[str, tuple[str, Path]]  # slug -> (output name, file) of the local photo
    tables: Mapping[str, Table]
    use_fuzzy: bool


def plan_site(inputs: SiteInputs, published: Sequence[str]) -> SitePlan:
    """Check the profiles (slugs, photos) and gather what the pages share."""
    config = inputs.config
    profiles = tuple(sorted(inputs.profiles, key=sort_key))
    photos = {}
    for profile in profiles:
        check_slug(profile)
        found = photo_file(profile, config.root)
        if found:
            photos[profile.slug] = found
    langs = tuple(describe_locale(code) for code in published)
    return SitePlan(config, normalise_site_url(config["site_url"], config.source), langs, profiles, photos, inputs.tables,
                    inputs.use_fuzzy)


def profile_alternates(plan: SitePlan, profile: Profile) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The versions of a profile page by tag, and its hreflang alternates (x-default: its own language)."""
    paths = {lang.tag: profile_path(lang, profile.slug) for lang in plan.langs}
    source = describe_locale(profile.lang)
    default = paths.get(source.tag, paths[plan.langs[0].tag])
    return paths, alternates(plan.site_url, paths, default)


def index_alternates(plan: SitePlan) -> tuple[dict[str, str], list[dict[str, str]]]:
    paths = {lang.tag: f"{lang.tag}/index.html" for lang in plan.langs}
    return paths, alternates(plan.site_url, paths, "index.html")


@dataclass(frozen=True)
class LocaleTheme:
    """What the pages of one locale are rendered with."""

    lang: Lang
    env: jinja2.Environment
    mark: str  # the title of the marker of an unreviewed translation
    table: Table


def prepare_locale(plan: SitePlan, lang: Lang) -> LocaleTheme:
    ui = load_ui_translations(plan.config, lang.code)
    mark = Markup(ui.gettext(MARK_TEXT)).striptags()
    return LocaleTheme(lang, make_environment(plan.config, lang.code, ui), mark, plan.tables.get(lang.code, {}))


def common_context(plan: SitePlan, lang: Lang) -> dict[str, Any]:
    return {"site_url": plan.site_url, "project": plan.config["project"], "langs": plan.langs, "lang": lang}


def localiser(plan: SitePlan, theme: LocaleTheme, profile: Profile) -> Any:
    return make_localiser(theme.lang, describe_locale(profile.lang), theme.table, plan.use_fuzzy, theme.mark)


def photo_name(plan: SitePlan, profile: Profile) -> str | None:
    return plan.photos[profile.slug][0] if profile.slug in plan.photos else None


def render_profile(plan: SitePlan, theme: LocaleTheme, profile: Profile, body: ParsedBody,
                   versions: tuple[dict[str, str], list[dict[str, str]]]) -> bytes:
    """The page of one profile in one locale; ``versions`` are its ``profile_alternates``."""
    lang, config = theme.lang, plan.config
    here = profile_path(lang, profile.slug)
    localise = localiser(plan, theme, profile)
    paths, links = versions
    context = profile_context(profile, body, lang, localise, photo_name(plan, profile), here, config.translatable_fields)
    url = page_url(plan.site_url, here)
    return render_template(theme.env, "profile.html", root=config.root, context={
        **common_context(plan, lang), "profile": context, "alternates": links, "canonical": url,
        "switcher": switcher(plan.langs, lang, here, paths),
        "root": relative_href(here, ""), "home": relative_href(here, f"{lang.tag}/index.html"),
        "share": {"url": url, "mailto": "mailto:?subject=" + quote(profile.name) + "&body=" + quote(url)},
        "unreviewed": has_unreviewed(str(context["body"])) or any(p.status == UNREVIEWED for p in _pieces(context)),
    }).encode("utf-8")


def render_profiles(plan: SitePlan, profiles: Sequence[Profile], skip: Collection[str] = ()) -> dict[str, bytes]:
    """The pages of ``profiles`` in every published locale but those named in ``skip``; each body is parsed once."""
    themes = [prepare_locale(plan, lang) for lang in plan.langs]
    files: dict[str, bytes] = {}
    for profile in profiles:
        todo = [theme for theme in themes if profile_path(theme.lang, profile.slug) not in skip]
        if not todo:
            continue
        body, versions = parse_body(profile.body), profile_alternates(plan, profile)
        for theme in todo:
            files[profile_path(theme.lang, profile.slug)] = render_profile(plan, theme, profile, body, versions)
    return files


def render_index(plan: SitePlan, theme: LocaleTheme) -> bytes:
    """The index of the profiles in one locale."""
    lang, site_url = theme.lang, plan.site_url
    index = f"{lang.tag}/index.html"
    entries = []
    for profile in plan.profiles:
        photo = photo_name(plan, profile)
        entries.append({**summary_context(profile, localiser(plan, theme, profile)),
                        "href": relative_href(index, profile_path(lang, profile.slug)),
                        "thumb": relative_href(index, photo) if photo else None})
    paths, links = index_alternates(plan)
    return render_template(theme.env, "index.html", root=plan.config.root, context={
        **common_context(plan, lang), "profiles": entries, "alternates": links, "canonical": page_url(site_url, index),
        "switcher": switcher(plan.langs, lang, index, paths), "root": relative_href(index, ""), "home": "index.html",
        "unreviewed": any(_unreviewed(e["headline"]) or _unreviewed(e["location"]) for e in entries),
    }).encode("utf-8")


def render_404(plan: SitePlan, theme: LocaleTheme) -> bytes:
    """The 404 page of one locale (its links are absolute: it shows at any address)."""
    lang, base = theme.lang, plan.site_url or "/"
    paths, _ = index_alternates(plan)
    return render_template(theme.env, "404.html", root=plan.config.root, context={
        **common_context(plan, lang), "root": base, "home": f"{base}{lang.tag}/index.html", "alternates": [],
        "canonical": None,
        "switcher": [{**item, "href": base + item["href"]} for item in switcher(plan.langs, lang, "404.html", paths)],
    }).encode("utf-8")


def render_root(plan: SitePlan) -> bytes:
    """The root page: a language chooser, in the source locale."""
    first = plan.langs[0]
    env = make_environment(plan.config, first.code)
    paths, links = index_alternates(plan)
    return render_template(env, "root.html", root=plan.config.root, context={
        "site_url": plan.site_url, "project": plan.config["project"], "langs": plan.langs, "lang": first,
        "alternates": links, "canonical": page_url(plan.site_url, "index.html"),
        "choices": switcher(plan.langs, first, "index.html", paths), "root": "", "home": "index.html", "switcher": [],
    }).encode("utf-8")


def sitemap_pages(plan: SitePlan) -> list[tuple[str, list[dict[str, str]]]]:
    """Every indexable page with its alternates, in a stable order."""
    _, site_links = index_alternates(plan)
    links = {profile.slug: profile_alternates(plan, profile)[1] for profile in plan.profiles}
    pages = [("index.html", site_links)]
    for lang in plan.langs:
        pages.extend((profile_path(lang, profile.slug), links[profile.slug]) for profile in plan.profiles)
        pages.append((f"{lang.tag}/index.html", site_links))
    return pages


def digest_json(data: Any) -> str:
    return sha256(json.dumps(data, default=repr, ensure_ascii=False).encode("utf-8"))


def page_digests(plan: SitePlan) -> dict[str, str]:
    """A digest of everything a profile page, an index or the sitemap is made from, by output name."""
    config = plan.config
    sites = {lang: digest_json([CODE_DIGEST, theme_digest(config, lang.code), lang, plan.langs, plan.site_url,
                                config["project"], plan.use_fuzzy, config.translatable_fields]) for lang in plan.langs}
    tables = {lang: plan.tables.get(lang.code, {}) for lang in plan.langs}
    digests = {}
    for profile in plan.profiles:
        own = digest_json([plan.photos.get(profile.slug), profile.path, profile.slug, profile.name, profile.lang,
                           profile.fields, profile.body])
        for lang, table in tables.items():
            texts = (segment.text for segment in profile.segments)
            digests[profile_path(lang, profile.slug)] = digest_json([sites[lang], own, translations(table, texts)])
    for lang, table in tables.items():
        entries = [[profile.slug, profile.name, profile.lang, photo_name(plan, profile), profile.fields.get("headline"),
                    profile.fields.get("location")] for profile in plan.profiles]
        found = [translations(table, entry[-2:]) for entry in entries]
        digests[f"{lang.tag}/index.html"] = digest_json([sites[lang], entries, found])
    digests["sitemap.xml"] = digest_json([CODE_DIGEST, plan.site_url, plan.langs,
                                          [[profile.slug, profile.lang] for profile in plan.profiles]])
    return digests


def translations(table: Table, texts: Iterable[Any]) -> list[tuple[str, bool] | None]:
    """The translations of ``texts`` as (text, fuzzy), None where there is none."""
    found = (table.get(text) if isinstance(text, str) else None for text in texts)
    return [(t.text, t.fuzzy) if t else None for t in found]


def build_shared_files(plan: SitePlan, skip: Collection[str] = ()) -> dict[str, bytes]:
    """Every output file but the profile pages and those named in ``skip``.

    Photos, static files, the index and 404 page of each locale, the root page and the sitemap.
    """
    files = {name: path.read_bytes() for name, path in plan.photos.values()}
    files.update((name, path.read_bytes()) for name, path in static_files(plan.config).items())
    for lang in plan.langs:
        theme = prepare_locale(plan, lang)
        if f"{lang.tag}/index.html" not in skip:
            files[f"{lang.tag}/index.html"] = render_index(plan, theme)
        files[f"{lang.tag}/404.html"] = render_404(plan, theme)
    files["index.html"] = render_root(plan)
    if plan.site_url and "sitemap.xml" not in skip:
        files["sitemap.xml"] = build_sitemap(plan.site_url, sitemap_pages(plan)).encode("utf-8")
    return files


_worker_job: tuple[SitePlan, frozenset[str]] | None = None  # what a worker process renders a share of


def start_worker(plan: SitePlan, skip: frozenset[str]) -> None:
    global _worker_job
    _worker_job = (plan, skip)


def render_share(index: int, count: int) -> dict[str, bytes]:
    """In a worker process: the profile pages of every ``count``-th profile from ``index``."""
    assert _worker_job is not None
    plan, skip = _worker_job
    return render_profiles(plan, plan.profiles[index::count], skip)


def build_site(plan: SitePlan, reuse: Collection[str] = (), workers: int = 1) -> dict[str, bytes]:
    """Every output file of the site but those named in ``reuse``, by path relative to the output folder.

    With ``workers`` > 1 and enough pages, worker processes render the profile
    pages while this one renders the rest.
    """
    pages = sum(profile_path(lang, p.slug) not in reuse for p in plan.profiles for lang in plan.langs)
    if workers > 1 and pages >= PARALLEL_MIN_PAGES:
        # Under fork the workers inherit the plan; it is not pickled for each job.
        with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(plan, frozenset(reuse))) as pool:
            shares = pool.map(render_share, range(workers), [workers] * workers)
            files = build_shared_files(plan, reuse)
            for share in shares:
                files.update(share)
    else:
        files = build_shared_files(plan, reuse) | render_profiles(plan, plan.profiles, reuse)
    return dict(sorted(files.items()))


def _unreviewed(piece: Any) -> bool:
    return isinstance(piece, Piece) and piece.status == UNREVIEWED


def _pieces(context: Mapping[str, Any]) -> list[Piece]:
    found = [context["headline"], context["location"], *context["tags"], *(link["label"] for link in context["links"])]
    if context["photo"]:
        found.append(context["photo"]["alt"])
    return [piece for piece in found if isinstance(piece, Piece)]


def build_sitemap(site_url: str, pages: Sequence[tuple[str, Sequence[Mapping[str, str]]]]) -> str:
    """sitemap.xml with the hreflang alternates of each page (the same as in its head)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for path, links in pages:
        lines.append("  <url>")
        lines.append(f"    <loc>{xml_escape(page_url(site_url, path))}</loc>")
        for link in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(link["hreflang"])} href={quoteattr(link["href"])}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


# -- writing ----------------------------------------------------------------------------


def output_files(output: Path, names: Iterable[str]) -> dict[str, Path]:
    """The file of each output name; ConfigError if one would land outside the output folder."""
    root = output.resolve()
    targets = {}
    for name in names:
        target = (root / name).resolve()
        if not target.is_relative_to(root) or ".." in PurePosixPath(name).parts:
            raise ConfigError(f"refusing to write outside the output folder: {name!r}", output)
        targets[name] = target
    return targets


def output_file(output: Path, name: str) -> Path:
    """The file for an output name; ConfigError if it would land outside the output folder."""
    return output_files(output, [name])[name]


def write_site(output: Path, files: Mapping[str, bytes]) -> tuple[list[str], list[str]]:
    """Write the files whose bytes differ; return (written, unchanged) names."""
    targets = output_files(output, files)
    written, unchanged = [], []
    for name, data in files.items():
        target = targets[name]
        if target.is_file() and target.read_bytes() == data:
            unchanged.append(name)
            continue
        write_text_atomic(target, data)
        written.append(name)
    return written, unchanged


def cache_file(config: Config) -> Path:
    return config.root / config["cache_dir"] / RENDER_CACHE


def read_cache(path: Path) -> dict[str, dict[str, list[str]]]:
    """The render cache: output folder → file name → [input digest, sha256 of the bytes]."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def reusable_pages(folder: Path, cached: Mapping[str, Any], digests: Mapping[str, str]) -> set[str]:
    """The pages (profiles, indexes, sitemap) whose inputs did not change and whose file on disk is still the one rendered."""
    reuse = set()
    for name, digest in digests.items():
        entry = cached.get(name)
        target = folder / name
        if isinstance(entry, list) and entry[:1] == [digest] and target.is_file():
            if [digest, sha256(target.read_bytes())] == entry:
                reuse.add(name)
    return reuse


def remove_stale(folder: Path, previous: Mapping[str, Any], names: Collection[str]) -> list[str]:
    """Delete the files a previous render wrote that this one does not (a withheld locale, a removed profile)."""
    removed = []
    for name, target in output_files(folder, sorted(set(previous) - set(names))).items():
        if target.is_file():
            target.unlink()
            removed.append(name)
            for parent in target.parents:
                if parent == folder.resolve() or any(parent.iterdir()):
                    break
                parent.rmdir()
    return removed


def render_site(
    config: Config,
    *,
    output: str | Path | None = None,
    use_fuzzy: bool | None = None,
    profiles: Sequence[Profile] | None = None,
    workers: int | None = None,
    tables: Mapping[str, Mapping[str, Translation]] | None = None,
) -> RenderResult:
    """Render the project's site into ``output`` (default: ``output_dir``).

    ``profiles`` and ``tables`` (content translations by locale, as
    ``table_from_catalog`` makes them) are read from the project unless given.
    Everything is rendered in memory before anything is written; pages whose
    inputs did not change since the last render are not rendered again, and
    files whose bytes did not change are not rewritten.
    """
    fuzzy = bool(config["use_fuzzy"] if use_fuzzy is None else use_fuzzy)
    folder = Path(output) if output else config.output_dir
    if profiles is None:
        profiles = read_profiles(config)
    if tables is None:
        tables = read_tables(config, config.locales)
    inputs = SiteInputs(config, profiles, tables, fuzzy)
    published, withheld = published_locales(inputs)
    plan = plan_site(inputs, published)
    digests = page_digests(plan)
    cache_path = cache_file(config)
    cache = read_cache(cache_path)
    key = str(folder.resolve())
    entry = cache.get(key)
    previous: dict[str, Any] = entry if isinstance(entry, dict) else {}
    reuse = reusable_pages(folder, previous, digests)
    files = build_site(plan, reuse, workers or os.cpu_count() or 1)
    written, unchanged = write_site(folder, files)
    removed = remove_stale(folder, previous, [*files, *reuse])
    cache[key] = {name: previous[name] for name in reuse} | {
        name: [digests.get(name, ""), sha256(data)] for name, data in files.items()}
    text = json.dumps(cache, indent=1, sort_keys=True) + "\n"
    if not cache_path.is_file() or cache_path.read_text(encoding="utf-8") != text:
        write_text_atomic(cache_path, text.encode("utf-8"))
    return RenderResult(folder, written, sorted([*unchanged, *reuse]), published, withheld, removed, len(files))


@dataclass(frozen=True)
class BuildResult:
    """The results of each step of ``build_project``."""

    extract: Any
    update: list[Any]
    compile: list[Any]
    render: RenderResult | None  # None when a catalogue could not compile


def build_project(config: Config, *, output: str | Path | None = None, workers: int | None = None) -> BuildResult:
    """extract → update (creating missing catalogues) → compile → render.

    Rendering is skipped when a catalogue has problems that stop it compiling.
    Each step hands the next what it changed (see ``i18nprofiles.changes``).
    """
    from i18nprofiles.compile import compile_catalogs
    from i18nprofiles.extract import extract
    from i18nprofiles.merge import update_catalogs

    profiles = read_profiles(config)
    gc.freeze()  # the profiles live to the end: the collector need not scan them again at every collection
    try:
        extracted = extract(config, profiles=profiles)
        updated = update_catalogs(config, init_missing=True, workers=workers or os.cpu_count() or 1)
        changes = {result.locale: result.change for result in updated if result.change is not None}
        compiled = compile_catalogs(config, use_fuzzy=bool(config["use_fuzzy"]), changes=changes)
        if any(result.problems for result in compiled):
            return BuildResult(extracted, updated, compiled, None)
        rendered = render_site(config, output=output, profiles=profiles, workers=workers)
        return BuildResult(extracted, updated, compiled, rendered)
    finally:
        gc.unfreeze()
