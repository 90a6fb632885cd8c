"""The site as a pure function of page records.

``plan_site`` gathers what the pages share (published languages, profiles in
index order, photos, settings) into a ``SitePlan``; ``plan_pages`` turns it
into one record per output file: everything that file is made from, and
nothing else.  ``render_page`` makes a file's bytes from its record alone, so
a record's digest (``record_digest``) changes whenever the file could: a page
that shows something of other profiles has it in its record.  Reading the
inputs and writing files are the ``render`` command's business.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import pickle
import posixpath
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import polib
from babel import Locale
from babel.dates import format_skeleton
from markupsafe import Markup

from i18nprofiles.check.policy import Problem
from i18nprofiles.config import Config, parse_locale
from i18nprofiles.errors import ConfigError, ProfileError
from i18nprofiles.gettext.stats import floor_percent, is_translated
from i18nprofiles.runtime import cpu_count, process_pool
from i18nprofiles.site.markup import (
    SOURCE,
    UNREVIEWED,
    Piece,
    is_safe_url,
    join_pieces,
    parse_body,
    render_body,
)
from i18nprofiles.site.meta import json_ld, localised_setting, og_locale, person_ld, robots_txt
from i18nprofiles.site.photos import (
    Photo,
    PhotoSource,
    Size,
    Variant,
    is_svg,
    plan_raster,
    plan_svg,
    render_icon,
    render_photo,
    svg_problem,
)
from i18nprofiles.site.theme import (
    load_ui_translations,
    gettext_callables,
    make_environment,
    render_template,
    root_files,
    static_files,
    theme_digest,
)
from i18nprofiles.source.model import Profile
from i18nprofiles.source.parse import SLUG_RE, is_translatable

MARK_TEXT = "Machine translation, not yet reviewed"
DATE_SKELETON = "yMMMM"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
LONG_PART = 64  # a record field, a tuple longer than this, is digested on its own (see ``_part``)
PARALLEL_MIN_PAGES = 300  # below this, worker processes cost more than they save
SHARES_PER_WORKER = 4  # shares of the pages per process: progress moves as each one is done

Translation = tuple[str, bool]  # one catalogue entry as rendering needs it: (translated text, fuzzy)
Table = Mapping[str, Translation]  # by msgid


@dataclass(frozen=True)
class Lang:
    """A published locale: gettext code, BCP 47 tag, own name and direction."""

    code: str
    tag: str
    name: str
    dir: str


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


def translation_of(entry: polib.POEntry) -> Translation | None:
    """What a translation table holds for an entry: live, singular and translated ones only."""
    if entry.obsolete or not entry.msgid or entry.msgid_plural or not is_translated(entry):
        return None
    return (entry.msgstr, entry.fuzzy)


def table_from_catalog(catalog: polib.POFile) -> dict[str, Translation]:
    """The translated entries of a catalogue by msgid (fuzzy ones flagged); the last one wins a msgid used twice."""
    table = {}
    for entry in catalog:
        found = translation_of(entry)
        if found is not None:
            table[entry.msgid] = found
    return table


class Counts(NamedTuple):
    """How many of a locale's distinct texts would show translated (``done``) of how many (``total``)."""

    done: int
    total: int

    @property
    def percent(self) -> float:
        return floor_percent(self.done, self.total)  # rounded down as compile and check round: never 100 too soon


def other_texts(profiles: Sequence[Profile], code: str) -> set[str]:
    """The distinct segments of the profiles written in another language than ``code``."""
    language = parse_locale(code)
    other = {lang for lang in {p.lang for p in profiles} if parse_locale(lang) != language}
    return {s.text for p in profiles if p.lang in other for s in p.segments}


def coverage_counts(profiles: Sequence[Profile], code: str, table: Table, use_fuzzy: bool,
                    withheld: Collection[str] = ()) -> Counts:
    """The segments (of profiles in other languages) that would publish translated: reviewed translations,
    fuzzy ones with ``use_fuzzy``, none that the publishing policy withholds."""
    texts = other_texts(profiles, code)
    get = table.get
    done = 0
    for text in texts:
        found = get(text)
        if found is not None and (use_fuzzy or not found[1]) and text not in withheld:
            done += 1
    return Counts(done, len(texts))


def coverage(profiles: Sequence[Profile], code: str, table: Table, use_fuzzy: bool) -> float:
    """Percent of the distinct segments (of profiles in other languages) that would publish translated."""
    return coverage_counts(profiles, code, table, use_fuzzy).percent


class Verdict(NamedTuple):
    """Whether a locale reaches the publishing threshold; the counts, exact when ``exact``, else a lower bound
    of ``done`` and an upper bound of ``total`` (enough to say it is published)."""

    published: bool
    done: int
    total: int
    exact: bool = True

    @property
    def percent(self) -> float:
        return Counts(self.done, self.total).percent


@dataclass(frozen=True)
class CoverageInputs:
    """What decides whether a locale is published: its texts, translations, withheld ones, the threshold."""

    profiles: Sequence[Profile]
    code: str
    table: Table
    use_fuzzy: bool
    withheld: frozenset[str]
    threshold: float


def coverage_verdict(inputs: CoverageInputs) -> Verdict:
    """The full stage: every text counted."""
    return judge(coverage_counts(inputs.profiles, inputs.code, inputs.table, inputs.use_fuzzy, inputs.withheld),
                 inputs.threshold)


def judge(counts: Counts, threshold: float) -> Verdict:
    """The verdict of exact counts against the publishing threshold."""
    return Verdict(counts.percent >= threshold, counts.done, counts.total)


def make_localiser(page: Lang, source: Lang, table: Table, use_fuzzy: bool, mark: str,
                   withheld: Collection[str] = ()) -> Any:
    """A function text → Piece for the profiles written in ``source`` shown on a ``page`` page.

    A translation in ``withheld`` (the publishing policy keeps it off the site) shows as the source text.
    """

    def localise(text: str) -> Piece:
        if source.code == page.code or not is_translatable(text):
            return Piece(text)
        translated, fuzzy = table.get(text, (None, False))
        if translated is not None and text in withheld:
            translated = None
        if translated is not None and not fuzzy:
            return Piece(translated)
        if translated is not None and use_fuzzy:
            return Piece(translated, status=UNREVIEWED, mark=mark)
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


def photo_line(profile: Profile, root: Path) -> int:
    """The line of a profile's ``photo`` field (for errors), else that of its alt text, else 1."""
    try:
        for number, line in enumerate((root / profile.path).read_text(encoding="utf-8").splitlines(), 1):
            if line.lstrip().startswith("photo:"):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return next((s.line for s in profile.segments if s.field == "photo.alt"), 1)


def photo_file(profile: Profile, root: Path) -> tuple[str, Path] | None:
    """The output folder and file of a profile's local photo; ProfileError if it leaves the profile's folder."""
    photo = profile.fields.get("photo")
    if not isinstance(photo, dict) or not isinstance(photo.get("src"), str) or is_safe_url(photo["src"], ("http", "https")):
        return None
    src = photo["src"]
    folder = (root / profile.path).parent.resolve()
    file = (folder / src).resolve()
    line = photo_line(profile, root)
    if not file.is_relative_to(folder) or "\\" in src or src.startswith("/"):
        raise ProfileError(f"photo {src!r} must be a file beside the profile", profile.path, line)
    if not file.is_file():
        raise ProfileError(f"photo {src!r} not found", profile.path, line)
    return f"media/{profile.slug}", file


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


class Summary(NamedTuple):
    """What an index shows of a profile."""

    slug: str
    name: str
    lang: str
    headline: str | None
    location: str | None
    photo: Photo | None  # the local photo

    @classmethod
    def of(cls, profile: Profile, photo: Photo | None) -> Summary:
        fields = profile.fields
        return cls(profile.slug, profile.name, profile.lang, fields.get("headline") or None,
                   fields.get("location") or None, photo)


def summary_context(summary: Summary, localise: Any) -> dict[str, Any]:
    """What an index (and the head of a profile page) needs of a profile."""
    return {
        "slug": summary.slug,
        "name": summary.name,
        "headline": localise(summary.headline) if summary.headline else None,
        "location": localise(summary.location) if summary.location else None,
    }


@lru_cache(maxsize=4096)
def format_month(date: datetime.date, locale: str) -> str:
    """A date as a month of a year in the words of a locale ("mars 2024"); many profiles share one."""
    return format_skeleton(DATE_SKELETON, date, locale=locale)


def has_unreviewed(html: str) -> bool:
    return f'data-translation="{UNREVIEWED}"' in html


def has_source(html: str) -> bool:
    return f'data-translation="{SOURCE}"' in html


def _status(piece: Any, status: str) -> bool:
    return isinstance(piece, Piece) and piece.status == status


def _pieces(context: Mapping[str, Any]) -> list[Piece]:
    found = [context["headline"], context["location"], *context["tags"], *(link["label"] for link in context["links"])]
    if context["photo"]:
        found.append(context["photo"]["alt"])
    return [piece for piece in found if isinstance(piece, Piece)]


def srcset(here: str, variants: Sequence[Variant]) -> str | None:
    """``a-160.jpg 1x, a-320.jpg 2x`` (relative to ``here``), or None for a single file."""
    if len(variants) < 2:
        return None
    return ", ".join(f"{relative_href(here, v.name)} {v.density}x" for v in variants)


def image_context(here: str, variants: Sequence[Variant]) -> dict[str, Any]:
    first = variants[0]
    return {"src": relative_href(here, first.name), "srcset": srcset(here, variants),
            "width": first.size.width, "height": first.size.height}


# -- the plan --------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInputs:
    """Everything the site is built from, read beforehand; ``withheld``: by locale, the translations the
    publishing policy keeps off the site (msgid → (check, message))."""

    config: Config
    profiles: Sequence[Profile]
    tables: Mapping[str, Table]
    use_fuzzy: bool
    withheld: Mapping[str, Mapping[str, Problem]] = field(default_factory=dict)


def check_threshold(config: Config) -> float:
    """The ``publish_threshold`` setting; ConfigError unless it is a percentage."""
    threshold = config["publish_threshold"]
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= 100:
        raise ConfigError("setting 'publish_threshold' must be a percentage from 0 to 100", config.source)
    return float(threshold)


def coverage_inputs(inputs: SiteInputs, code: str) -> CoverageInputs:
    return CoverageInputs(inputs.profiles, code, inputs.tables.get(code, {}), inputs.use_fuzzy,
                          frozenset(inputs.withheld.get(code, ())), check_threshold(inputs.config))


def counted_locales(inputs: SiteInputs) -> list[str]:
    """The locales whose coverage decides whether they are published: not the source locale, nor any when
    the threshold is 0 (no need to count what is published anyway)."""
    if check_threshold(inputs.config) == 0:
        return []
    return [code for code in inputs.config.locales if code != inputs.config.source_locale]


def published_locales(inputs: SiteInputs, verdicts: Mapping[str, Verdict] | None = None
                      ) -> tuple[list[str], dict[str, float]]:
    """The locales that reach the threshold (the source locale always does), and those withheld with their
    coverage.  ``verdicts`` (by locale) stand for ``coverage_verdict`` where given."""
    counted = counted_locales(inputs)
    published, withheld = [], {}
    for code in inputs.config.locales:
        if code not in counted:
            published.append(code)
            continue
        verdict = (verdicts or {}).get(code) or coverage_verdict(coverage_inputs(inputs, code))
        if verdict.published:
            published.append(code)
        else:
            withheld[code] = verdict.percent
    return published, withheld


class Member(NamedTuple):
    """A profile as every page may show it (templates see them as ``site.profiles``)."""

    slug: str
    name: str
    lang: str


class Icon(NamedTuple):
    """A favicon file at the root of the site, and how the pages link it."""

    name: str
    type: str
    sizes: str | None


@dataclass(frozen=True)
class Site:
    """What every page of the site shares: settings, published languages, the profiles' names, the icons."""

    config: Config
    site_url: str
    project: str
    langs: tuple[Lang, ...]
    use_fuzzy: bool
    profiles: tuple[Member, ...]  # in index order
    icons: tuple[Icon, ...]
    digest: str  # of everything above

    @property
    def translatable_fields(self) -> list[str]:
        return self.config.translatable_fields


@dataclass(frozen=True)
class ImageFile:
    """One size of a raster photo, made with Pillow."""

    source: PhotoSource
    size: Size
    fit: str
    kind: str  # Pillow format: JPEG or PNG

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class IconFile:
    """favicon.ico made from the project's raster icon."""

    source: PhotoSource

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class CopiedFile:
    """A file copied as it is (an SVG photo, a static file of the theme)."""

    data: bytes

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class SitePlan:
    """The site: what the pages share, the profiles in index order, their photos and the files they make,
    the files at the root (icons), and by locale the msgids whose translations are withheld."""

    site: Site
    profiles: tuple[Profile, ...]
    photos: Mapping[str, Photo]  # by slug
    files: Mapping[str, ImageFile | IconFile | CopiedFile]  # the photos' and icons' files by output name
    withheld: Mapping[str, frozenset[str]] = field(default_factory=dict)


def make_site(config: Config, langs: tuple[Lang, ...], use_fuzzy: bool, profiles: Sequence[Profile],
              icons: tuple[Icon, ...] = ()) -> Site:
    """The shared part of every page, with its digest (the settings in full: any of them may show)."""
    site_url = normalise_site_url(config["site_url"], config.source)
    members = tuple(Member(p.slug, p.name, p.lang) for p in profiles)
    settings = sorted((key, repr(value)) for key, value in config.settings.items())
    digest = _sha256(repr((str(config.root), settings, site_url, langs, use_fuzzy, members, icons)))
    return Site(config, site_url, config["project"], langs, use_fuzzy, members, icons, digest)


def plan_photo(profile: Profile, config: Config) -> tuple[Photo, dict[str, ImageFile | CopiedFile]] | None:
    """A profile's local photo: what its pages show, and the files to make."""
    found = photo_file(profile, config.root)
    if found is None:
        return None
    folder, file = found
    source = PhotoSource(profile.path, photo_line(profile, config.root), file.name, file.read_bytes())
    if is_svg(file.name, source.data):
        name = f"{folder}/{file.name}"
        return plan_svg(source, name, config["photo_fit"]), {name: CopiedFile(source.data)}
    photo, kind = plan_raster(source, folder, config["photo_fit"])
    files: dict[str, ImageFile | CopiedFile] = {
        variant.name: ImageFile(source, variant.size, config["photo_fit"], kind)
        for variant in (*photo.page, *photo.thumb)}
    return photo, files


def plan_icons(config: Config) -> tuple[tuple[Icon, ...], dict[str, IconFile | CopiedFile]]:
    """The favicon files at the root of the site: the configured image (an SVG as it is, a raster image as
    favicon.ico), else the theme's."""
    setting = config["favicon"]
    if not setting:
        files = {name: CopiedFile(path.read_bytes()) for name, path in root_files(config).items()}
        icons = [Icon(name, ICON_TYPES[name.rsplit(".", 1)[-1]], "any" if name.endswith(".svg") else "16x16 32x32 48x48")
                 for name in files if name.startswith("favicon.")]
        return tuple(sorted(icons, key=lambda icon: icon.name, reverse=True)), dict(files)
    path = config.root / setting
    where = str(config.source or config.root)
    if not path.is_file():
        raise ConfigError(f"favicon {setting!r} not found", where)
    source = PhotoSource(where, 1, path.name, path.read_bytes())
    if is_svg(path.name, source.data):
        problem = svg_problem(source.data)
        if problem:
            raise ConfigError(f"favicon {setting!r} refused: {problem}", where)
        return (Icon("favicon.svg", "image/svg+xml", "any"),), {"favicon.svg": CopiedFile(source.data)}
    plan_raster(source, "", "fit")  # an error now if it cannot be read
    return (Icon("favicon.ico", "image/x-icon", "16x16 32x32 48x48"),), {"favicon.ico": IconFile(source)}


ICON_TYPES = {"svg": "image/svg+xml", "ico": "image/x-icon", "png": "image/png"}


def plan_site(inputs: SiteInputs, published: Sequence[str]) -> SitePlan:
    """Check the profiles (slugs, photos) and gather what the pages share."""
    config = inputs.config
    profiles = tuple(sorted(inputs.profiles, key=sort_key))
    photos: dict[str, Photo] = {}
    files: dict[str, ImageFile | IconFile | CopiedFile] = {}
    for profile in profiles:
        check_slug(profile)
        found = plan_photo(profile, config)
        if found:
            photos[profile.slug], made = found
            files.update(made)
    icons, icon_files = plan_icons(config)
    files.update(icon_files)
    langs = tuple(describe_locale(code) for code in published)
    site = make_site(config, langs, inputs.use_fuzzy, profiles, icons)
    withheld = {code: frozenset(found) for code, found in inputs.withheld.items() if found}
    return SitePlan(site, profiles, photos, files, withheld)


# -- page records ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfilePage:
    """One profile in one language, with its photo and the translations of its texts that are withheld."""

    site: Site
    lang: Lang
    theme: str  # digest of the templates and UI strings of the language
    profile: Profile
    photo: Photo | None
    withheld: tuple[str, ...] = ()

    def texts(self) -> tuple[str, ...]:
        """The msgids whose translations the page shows: every segment of a profile in another language."""
        if self.profile.lang == self.lang.code:
            return ()
        return self.profile.texts


@dataclass(frozen=True)
class IndexPage:
    """The index of one language: every profile's summary."""

    site: Site
    lang: Lang
    theme: str
    entries: tuple[Summary, ...]
    withheld: tuple[str, ...] = ()

    def texts(self) -> tuple[str, ...]:
        """The headlines and locations of profiles in other languages."""
        return tuple(dict.fromkeys(text for summary in self.entries if summary.lang != self.lang.code
                                   for text in (summary.headline, summary.location) if text))


@dataclass(frozen=True)
class NotFoundPage:
    """A "page not found" page: of one language, or at the root with a language chooser; its style sheet
    is in the page (it shows at any address, and from disk)."""

    site: Site
    lang: Lang
    theme: str
    style: str
    chooser: bool = False

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class RootPage:
    """The language chooser at the root of the site."""

    site: Site
    lang: Lang  # the first published language: the page's own
    theme: str

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class Sitemap:
    """sitemap.xml: every page of every profile and its alternates, with the dates the profiles give."""

    site: Site
    dates: tuple[tuple[str, str], ...] = ()  # (slug, ISO date of `updated`)

    def texts(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class RobotsFile:
    """robots.txt."""

    site_url: str

    def texts(self) -> tuple[str, ...]:
        return ()


Record = ProfilePage | IndexPage | NotFoundPage | RootPage | Sitemap | RobotsFile | CopiedFile | ImageFile | IconFile


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _part(value: Any, shared: dict[int, Any] | None = None) -> Any:
    """A record field as plain data for its digest: the site by its own digest, a profile by its content, a
    long tuple (the summaries of every profile, which the index of each language shows) by its own digest,
    made once per ``shared`` (which holds parts by the identity of the tuple, alive meanwhile)."""
    if type(value) is str or value is None:
        return value
    if type(value) is tuple and len(value) > LONG_PART:
        found = shared.get(id(value)) if shared is not None else None
        if found is None:
            found = ("digest", _pickle_digest(value))
            if shared is not None:
                shared[id(value)] = found
        return found
    if isinstance(value, Site):
        return ("site", value.digest)
    if isinstance(value, Profile):
        return ("profile", value.path, value.digest or repr(value), value.lang)
    if isinstance(value, Lang):
        return ("lang", value.code, value.tag, value.name, value.dir)
    if isinstance(value, PhotoSource):
        return ("photo", value.profile, value.line, value.name, hashlib.sha256(value.data).hexdigest())
    return value


def record_digest(record: Record, shared: dict[int, Any] | None = None) -> str:
    """The digest of everything a file is made from but translations (``texts()`` says which it shows):
    two records with the same digest and the same translations give the same bytes.  ``shared``: what
    the records of one site share (see ``record_digests``)."""
    if type(record) is ProfilePage:
        return _profile_page_digest(record, _profile_part(record.profile, record.photo))
    return _pickle_digest((type(record).__name__,
                           *[_part(getattr(record, name), shared) for name in _field_names(type(record))]))


def _pickle_digest(value: Any) -> str:
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: equal data gives equal bytes, whatever objects hold it
    pickler.dump(value)
    return hashlib.blake2b(buffer.getvalue(), digest_size=20).hexdigest()


def record_digests(records: Mapping[str, Record]) -> dict[str, str]:
    """``record_digest`` of every record, what records share made once: the part of a profile that its
    page in each language shows, the summaries that the index of each language shows."""
    profiles: dict[tuple[int, int], str] = {}  # (profile, photo) -> its part (both held by the records meanwhile)
    shared: dict[int, Any] = {}
    found = {}
    for name, record in records.items():
        if type(record) is ProfilePage:
            key = (id(record.profile), id(record.photo))
            part = profiles.get(key)
            if part is None:
                part = profiles[key] = _profile_part(record.profile, record.photo)
            found[name] = _profile_page_digest(record, part)
        else:
            found[name] = record_digest(record, shared)
    return found


def _profile_part(profile: Profile, photo: Photo | None) -> str:
    """What a profile page's digest is taken of that the profile's pages in every language share."""
    parts = (profile.path, profile.digest or repr(profile), profile.lang, repr(photo))
    return "".join([f"{len(part)}:{part}" for part in parts])


def _profile_page_digest(page: ProfilePage, part: str) -> str:
    """``record_digest`` of the most numerous record, without a pickler: each field's text, its length
    first (so that no two records' texts run together the same way); ``part``: the profile's."""
    lang = page.lang
    text = _page_prefix(page.site.digest, lang.code, lang.tag, lang.name, lang.dir, page.theme) + part
    if page.withheld:
        text += "".join([f"{len(held)}:{held}" for held in page.withheld])
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


@lru_cache(maxsize=16)
def _page_prefix(*parts: str) -> str:
    """The start of the text a profile page's digest is taken of: what every page of a locale shares."""
    return "".join([f"{len(part)}:{part}" for part in ("ProfilePage", *parts)])


@lru_cache(maxsize=None)
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(item.name for item in fields(kind))


def updated_date(profile: Profile) -> str | None:
    updated = profile.fields.get("updated")
    return updated.isoformat() if isinstance(updated, datetime.date) else None


def held(texts: Sequence[str], withheld: frozenset[str] | None) -> tuple[str, ...]:
    """The texts whose translations are withheld, sorted."""
    return tuple(sorted(text for text in texts if text in withheld)) if withheld else ()


def plan_pages(plan: SitePlan) -> dict[str, Record]:
    """Every output file of the site with its record, by path relative to the output folder."""
    site = plan.site
    config = site.config
    themes = {lang.code: theme_digest(config, lang.code) for lang in site.langs}
    records: dict[str, Record] = dict(plan.files)
    static = static_files(config)
    records.update((name, CopiedFile(path.read_bytes())) for name, path in static.items())
    style = static["static/style.css"].read_text(encoding="utf-8") if "static/style.css" in static else ""
    summaries = tuple(Summary.of(profile, plan.photos.get(profile.slug)) for profile in plan.profiles)
    for lang in site.langs:
        withheld = plan.withheld.get(lang.code)
        for profile in plan.profiles:
            page = ProfilePage(site, lang, themes[lang.code], profile, plan.photos.get(profile.slug))
            if withheld:
                page = replace(page, withheld=held(page.texts(), withheld))
            records[profile_path(lang, profile.slug)] = page
        index = IndexPage(site, lang, themes[lang.code], summaries)
        if withheld:
            index = replace(index, withheld=held(index.texts(), withheld))
        records[f"{lang.tag}/index.html"] = index
        records[f"{lang.tag}/404.html"] = NotFoundPage(site, lang, themes[lang.code], style)
    first = site.langs[0]
    records["index.html"] = RootPage(site, first, themes[first.code])
    records["404.html"] = NotFoundPage(site, first, themes[first.code], style, chooser=True)
    records["robots.txt"] = RobotsFile(site.site_url)
    if site.site_url:
        dates = tuple((profile.slug, date) for profile in plan.profiles if (date := updated_date(profile)))
        records["sitemap.xml"] = Sitemap(site, dates)
    return dict(sorted(records.items()))


# -- rendering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LocaleTheme:
    """What the pages of one locale are rendered with: the shared environment and the locale's UI strings."""

    lang: Lang
    env: Any  # jinja2.Environment, shared by every locale
    mark: str  # the title of the marker of an unreviewed translation
    strings: Mapping[str, Any]  # _, gettext, ngettext of the locale, put in every template's context

    def render(self, name: str, context: dict[str, Any], root: Path) -> bytes:
        return render_template(self.env, name, root=root, context={**self.strings, **context}).encode("utf-8")


def prepare_locale(config: Config, lang: Lang, env: Any = None) -> LocaleTheme:
    ui = load_ui_translations(config, lang.code)
    mark = Markup(ui.gettext(MARK_TEXT)).striptags()
    return LocaleTheme(lang, env if env is not None else make_environment(config), mark, gettext_callables(ui))


class Themes:
    """The theme of each language, prepared on first use; one environment compiles each template once."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.env = make_environment(config)
        self._prepared: dict[str, LocaleTheme] = {}

    def __getitem__(self, lang: Lang) -> LocaleTheme:
        if lang.code not in self._prepared:
            self._prepared[lang.code] = prepare_locale(self.config, lang, self.env)
        return self._prepared[lang.code]


def site_setting(site: Site, key: str, lang: Lang) -> Piece | None:
    """A translatable setting (``site_name``, ``site_description``) for a page in ``lang``."""
    config = site.config
    value = config[key] or (config["project"] if key == "site_name" else "")
    source = describe_locale(config.source_locale)
    piece = localised_setting(value, lang.code, config.source_locale, source.tag, lang.tag)
    if piece is not None and piece.lang and source.dir != lang.dir:
        piece = replace(piece, dir=source.dir)
    return piece


def common_context(site: Site, lang: Lang, here: str) -> dict[str, Any]:
    """What every page's skeleton shows: the site's name, the icons, the OpenGraph locales."""
    return {
        "site_url": site.site_url, "project": site.project, "langs": site.langs, "lang": lang, "site": site,
        "site_name": site_setting(site, "site_name", lang),
        "site_description": site_setting(site, "site_description", lang),
        "icons": [{"href": relative_href(here, icon.name), "type": icon.type, "sizes": icon.sizes}
                  for icon in site.icons],
        "og_locale": og_locale(lang.code),
        "og_alternates": [og_locale(other.code) for other in site.langs if other.code != lang.code],
    }


def profile_alternates(site: Site, profile: Profile) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The versions of a profile page by tag, and its hreflang alternates (x-default: its own language)."""
    paths = {lang.tag: profile_path(lang, profile.slug) for lang in site.langs}
    source = describe_locale(profile.lang)
    default = paths.get(source.tag, paths[site.langs[0].tag])
    return paths, alternates(site.site_url, paths, default)


def index_alternates(site: Site) -> tuple[dict[str, str], list[dict[str, str]]]:
    paths = {lang.tag: f"{lang.tag}/index.html" for lang in site.langs}
    return paths, alternates(site.site_url, paths, "index.html")


def profile_context(profile: Profile, page: Lang, localise: Any, photo: Photo | None, here: str,
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
    alt = localise(photo_alt) if isinstance(photo_alt, str) else Piece("")
    picture: dict[str, Any] | None = None
    if photo:
        picture = {**image_context(here, photo.page), "alt": alt, "raster": photo.raster,
                   "largest": photo.page[-1].name}
    elif isinstance(fields.get("photo"), dict):
        picture = {"src": fields["photo"]["src"], "srcset": None, "width": None, "height": None, "alt": alt,
                   "raster": True, "largest": None}
    return {
        **summary_context(Summary.of(profile, photo), localise),
        "updated": format_month(updated, page.code) if updated else None,
        "updated_iso": updated.isoformat() if isinstance(updated, datetime.date) else None,
        "photo": picture,
        "tags": tags,
        "tags_text": join_pieces(tags, page.code),
        "links": links,
        "body": render_body(parse_body(profile.body), localise).rstrip("\n"),
        "fields": localise_fields(fields, translatable_fields, localise),
    }


def absolute(site: Site, name: str | None) -> str | None:
    """The absolute URL of an output file, or None without site_url (sharing needs absolute URLs)."""
    return site.site_url + name if site.site_url and name else None


def profile_meta(site: Site, profile: Profile, context: Mapping[str, Any], url: str | None) -> dict[str, Any]:
    """OpenGraph, Twitter card and JSON-LD of a profile page."""
    photo = context["photo"]
    image = None
    if photo and photo["largest"] and photo["raster"]:
        image = absolute(site, photo["largest"])
    elif photo and photo["largest"] is None and is_safe_url(photo["src"], ("https", "http")):
        image = photo["src"]
    headline = context["headline"].text if context["headline"] else None
    location = context["location"].text if context["location"] else None
    same_as = [link["url"] for link in context["links"] if link["url"] and is_safe_url(link["url"], ("http", "https"))]
    person = person_ld(profile.name, url, headline, location, image or absolute(site, photo and photo["largest"]),
                       same_as)
    return {"type": "profile", "title": profile.name, "description": headline, "url": url, "image": image,
            "image_alt": photo["alt"].text if photo and image else None, "json_ld": json_ld(person)}


def render_profile(page: ProfilePage, theme: LocaleTheme, table: Table) -> bytes:
    """The page of one profile in one locale, from its record and the translations of its texts."""
    site, lang, profile = page.site, page.lang, page.profile
    here = profile_path(lang, profile.slug)
    localise = make_localiser(lang, describe_locale(profile.lang), table, site.use_fuzzy, theme.mark, page.withheld)
    paths, links = profile_alternates(site, profile)
    context = profile_context(profile, lang, localise, page.photo, here, site.translatable_fields)
    url = page_url(site.site_url, here)
    pieces = _pieces(context)
    body = str(context["body"])
    return theme.render("profile.html", root=site.config.root, context={
        **common_context(site, lang, here), "profile": context, "alternates": links, "canonical": url,
        "switcher": switcher(site.langs, lang, here, paths),
        "root": relative_href(here, ""), "home": relative_href(here, f"{lang.tag}/index.html"),
        "share": {"url": url, "mailto": "mailto:?subject=" + quote(profile.name) + "&body=" + quote(url)},
        "unreviewed": has_unreviewed(body) or any(p.status == UNREVIEWED for p in pieces),
        "partial": has_source(body) or any(p.status == SOURCE for p in pieces),
        "meta": profile_meta(site, profile, context, url if site.site_url else None),
    })


def index_meta(site: Site, lang: Lang, url: str | None) -> dict[str, Any]:
    return {"type": "website", "title": None, "description": None, "url": url, "image": None, "image_alt": None,
            "json_ld": None}


def render_index(page: IndexPage, theme: LocaleTheme, table: Table) -> bytes:
    """The index of the profiles in one locale, from its record and the translations of its texts."""
    site, lang = page.site, page.lang
    index = f"{lang.tag}/index.html"
    entries = []
    for summary in page.entries:
        localise = make_localiser(lang, describe_locale(summary.lang), table, site.use_fuzzy, theme.mark,
                                  page.withheld)
        entries.append({**summary_context(summary, localise),
                        "href": relative_href(index, profile_path(lang, summary.slug)),
                        "thumb": image_context(index, summary.photo.thumb) if summary.photo else None})
    paths, links = index_alternates(site)
    url = page_url(site.site_url, index)
    return theme.render("index.html", root=site.config.root, context={
        **common_context(site, lang, index), "profiles": entries, "alternates": links, "canonical": url,
        "switcher": switcher(site.langs, lang, index, paths), "root": relative_href(index, ""), "home": "index.html",
        "unreviewed": any(_status(e["headline"], UNREVIEWED) or _status(e["location"], UNREVIEWED) for e in entries),
        "partial": any(_status(e["headline"], SOURCE) or _status(e["location"], SOURCE) for e in entries),
        "meta": index_meta(site, lang, url if site.site_url else None),
    })


def render_404(page: NotFoundPage, theme: LocaleTheme) -> bytes:
    """A 404 page.  It shows at any address: its style sheet is inline, and its links are absolute with
    site_url (relative to its own place without)."""
    site, lang = page.site, page.lang
    here = "404.html" if page.chooser else f"{lang.tag}/404.html"
    base = site.site_url or relative_href(here, "")
    paths, _ = index_alternates(site)
    items = [{**item, "href": base + paths[item["tag"]]} for item in switcher(site.langs, lang, "", paths)]
    context = common_context(site, lang, here)
    context["icons"] = []  # the browser asks the host for /favicon.ico: a link could only be wrong somewhere
    return theme.render("404.html", root=site.config.root, context={
        **context, "root": base, "home": base + f"{lang.tag}/index.html", "alternates": [],
        "canonical": None, "style": Markup(page.style.replace("</", "<\\/")), "chooser": page.chooser,
        "choices": items if page.chooser else [], "switcher": [] if page.chooser else items,
        "meta": None,
    })


def render_root(page: RootPage, theme: LocaleTheme) -> bytes:
    """The root page: a language chooser, in the first published locale."""
    site, first = page.site, page.lang
    paths, links = index_alternates(site)
    url = page_url(site.site_url, "index.html")
    return theme.render("root.html", root=site.config.root, context={
        **common_context(site, first, "index.html"), "alternates": links, "canonical": url,
        "choices": switcher(site.langs, first, "index.html", paths), "root": "", "home": "index.html", "switcher": [],
        "meta": index_meta(site, first, url if site.site_url else None),
    })


def build_sitemap(site_url: str, pages: Sequence[tuple[str, Sequence[Mapping[str, str]], str | None]]) -> str:
    """sitemap.xml with the hreflang alternates of each page (the same as in its head) and its date."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">']
    for path, links, lastmod in pages:
        lines.append("  <url>")
        lines.append(f"    <loc>{xml_escape(page_url(site_url, path))}</loc>")
        if lastmod:
            lines.append(f"    <lastmod>{xml_escape(lastmod)}</lastmod>")
        for link in links:
            lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(link["hreflang"])} href={quoteattr(link["href"])}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def render_sitemap(page: Sitemap) -> bytes:
    """Every indexable page with its alternates, in a stable order; a profile's pages dated by its
    ``updated``, the indexes by the latest of them."""
    site = page.site
    dates = dict(page.dates)
    latest = max(dates.values(), default=None)
    _, site_links = index_alternates(site)
    paths = {lang.tag: "" for lang in site.langs}
    pages: list[tuple[str, list[dict[str, str]], str | None]] = [("index.html", site_links, latest)]
    for lang in site.langs:
        for member in site.profiles:
            links = {tag: f"{tag}/{member.slug}/index.html" for tag in paths}
            default = links.get(describe_locale(member.lang).tag, links[site.langs[0].tag])
            pages.append((profile_path(lang, member.slug), alternates(site.site_url, links, default),
                          dates.get(member.slug)))
        pages.append((f"{lang.tag}/index.html", site_links, latest))
    return build_sitemap(site.site_url, pages).encode("utf-8")


def page_translations(record: Record, tables: Mapping[str, Table]) -> dict[str, Translation]:
    """The translations a page may show: those of its record's texts, and no other."""
    texts = record.texts()
    if not texts:
        return {}
    table = tables.get(record.lang.code, {})  # type: ignore[union-attr]
    return {text: found for text in texts if (found := table.get(text)) is not None}


def render_page(record: Record, themes: Themes | None, translations: Table) -> bytes:
    """The bytes of one output file, from its record and the translations of its texts alone."""
    if isinstance(record, CopiedFile):
        return record.data
    if isinstance(record, ImageFile):
        return render_photo(record.source, record.size, record.fit, record.kind)
    if isinstance(record, IconFile):
        return render_icon(record.source)
    if isinstance(record, RobotsFile):
        return robots_txt(record.site_url).encode("utf-8")
    if isinstance(record, Sitemap):
        return render_sitemap(record)
    assert themes is not None
    theme = themes[record.lang]
    if isinstance(record, ProfilePage):
        return render_profile(record, theme, translations)
    if isinstance(record, IndexPage):
        return render_index(record, theme, translations)
    if isinstance(record, NotFoundPage):
        return render_404(record, theme)
    return render_root(record, theme)


def render_pages(records: Mapping[str, Record], names: Collection[str], tables: Mapping[str, Table],
                 workers: int | None = None, progress: Callable[[int, int], None] | None = None) -> dict[str, bytes]:
    """The bytes of the files ``names`` (of ``records``), profile pages in worker processes when there are many.

    ``tables`` are the translations of each locale; each page gets those of its texts only.
    ``progress`` hears how many files are made, of how many.
    """
    todo = [(name, records[name], page_translations(records[name], tables)) for name in records if name in names]
    pages = [item for item in todo if isinstance(item[1], ProfilePage)]
    workers = cpu_count() if workers is None else workers
    tell = progress or (lambda done, total: None)
    tell(0, len(todo))
    if workers < 2 or len(pages) < PARALLEL_MIN_PAGES:
        return render_share(todo, lambda done: tell(done, len(todo)))
    others = [item for item in todo if not isinstance(item[1], ProfilePage)]
    size = max(1, len(pages) // (workers * SHARES_PER_WORKER))
    shares = [pages[start:start + size] for start in range(0, len(pages), size)]
    mine = [item for share in shares[::workers] for item in share]  # this process renders a share in each round
    theirs = [share for index, share in enumerate(shares) if index % workers]
    with process_pool(workers - 1) as pool:
        futures = [pool.submit(render_share, share) for share in theirs]

        def tell_all(own: int) -> None:  # this process's files, and the other shares that are done
            tell(own + sum(len(share) for share, future in zip(theirs, futures) if future.done()), len(todo))

        files = render_share(mine + others, tell_all)  # and the files that are not profile pages
        for future in futures:
            files.update(future.result())
    tell(len(todo), len(todo))
    return {name: files[name] for name, _, _ in todo}


def render_share(items: list[tuple[str, Record, Table]], made: Callable[[int], None] | None = None
                 ) -> dict[str, bytes]:
    """Render some files, in this process or a worker (one theme per language, prepared once);
    ``made`` hears how many are done."""
    themes: Themes | None = None
    files = {}
    for name, record, translations in items:
        if themes is None and isinstance(record, (ProfilePage, IndexPage, NotFoundPage, RootPage)):
            themes = Themes(record.site.config)
        files[name] = render_page(record, themes, translations)  # type: ignore[arg-type]
        if made is not None:
            made(len(files))
    return files
