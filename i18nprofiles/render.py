"""Render the site: one page per profile per published locale, indexes, 404 pages, sitemap.

``build_site`` turns a ``SitePlan`` (profiles, translations, settings) into a
mapping of output paths to bytes; it reads only templates, photos and static
files.  ``render_site`` reads the inputs, builds everything in memory (so an
error leaves the output untouched) and writes only the files whose bytes
changed; it renders again only the pages whose inputs changed since the last
render into the same folder, which it finds from the state that render left
and the translations that changed (see "translations kept between renders"
and "what each page is made of" below).
"""

from __future__ import annotations

import datetime
import gc
import hashlib
import json
import os
import pickle
import posixpath
import unicodedata
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape, quoteattr

import babel
import jinja2
import markdown_it
import polib
from babel import Locale
from babel.dates import format_skeleton
from markupsafe import Markup

from i18nprofiles.cache import CODE_DIGEST, digest_file, dump_plain, load_snapshot, paused_gc, save_snapshot
from i18nprofiles.catalog import read_catalog
from i18nprofiles.changes import CatalogChange
from i18nprofiles.files import Signature, commit_files, file_signature, stage_with, write_text_atomic
from i18nprofiles.compile import is_translated
from i18nprofiles.config import Config, parse_locale
from i18nprofiles.errors import ConfigError, ProfileError
from i18nprofiles.extract import PROFILES_DOMAIN
from i18nprofiles.markup import SOURCE, UNREVIEWED, ParsedBody, Piece, is_safe_url, join_pieces, parse_body, render_body
from i18nprofiles.merge import catalog_path
from i18nprofiles.model import Profile
from i18nprofiles.profiles import SLUG_RE, is_translatable, read_profiles
from i18nprofiles.theme import load_ui_translations, make_environment, render_template, static_files, theme_digest

RENDER_STATE = "render-{}.pickle"  # the state of the renders into one folder, by a digest of its path
STATE_FORMAT = 1
MARK_TEXT = "Machine translation, not yet reviewed"
DATE_SKELETON = "yMMMM"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
PARALLEL_MIN_PAGES = 300  # below this, a second process costs more than it saves

Translation = tuple[str, bool]  # one catalogue entry as rendering needs it: (translated text, fuzzy)
Table = Mapping[str, Translation]  # by msgid


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
    done = sum(1 for text in texts if text in table and (use_fuzzy or not table[text][1]))
    return 100.0 * done / len(texts)


def make_localiser(page: Lang, source: Lang, table: Table, use_fuzzy: bool, mark: str) -> Any:
    """A function text → Piece for the profiles written in ``source`` shown on a ``page`` page."""

    def localise(text: str) -> Piece:
        if source.code == page.code or not is_translatable(text):
            return Piece(text)
        translated, fuzzy = table.get(text, (None, False))
        if translated is not None and not fuzzy:
            return Piece(translated)
        if translated is not None and use_fuzzy:
            return Piece(translated, status=UNREVIEWED, mark=mark)
        direction = source.dir if source.dir != page.dir else None
        return Piece(text, lang=source.tag, dir=direction, status=SOURCE)

    return localise


# -- translations kept between renders ----------------------------------------------
#
# Each locale's table is kept in the cache under the SHA-256 of the catalogue
# it comes from: whole, or as a patch to the whole table of an earlier
# version of the catalogue (so that a small change does not write the whole
# table again).  When ``update`` hands over how it rewrote a catalogue, the
# table kept for the file as it was is patched with the entries that changed;
# otherwise the table comes from the cache or the catalogue, and is compared
# with the one the last render used.  Either way the render learns which
# msgids translate otherwise than last time.

TABLE_SNAPSHOT = "render-table:"  # + the catalogue's absolute path: its whole table
PATCH_SNAPSHOT = "render-table-patch:"  # + the same: its table as a patch to a whole one
PATCH_LIMIT = 5000  # msgids; a table that differs more from the whole one is kept whole
NO_CATALOGUE = ""  # the digest of a locale that has no catalogue
TABLE_SHARDS = 64  # a whole table is kept in this many snapshots: a render that needs few msgids reads few


class StaleTable(Exception):
    """A shard of a kept table could not be read: the render starts over from the catalogues."""


def table_shard(msgid: str) -> int:
    """The shard of a kept table that holds ``msgid``: a stable hash of it."""
    return zlib.crc32(msgid.encode("utf-8")) % TABLE_SHARDS


class ShardedTable(Mapping[str, Translation]):
    """A whole table kept in the cache in ``TABLE_SHARDS`` snapshots, read shard by shard as lookups need
    them, under a patch (msgid -> translation, None: none).  Iterating reads every shard."""

    def __init__(self, cache: Path, name: str, digest: str, patch: Mapping[str, Translation | None]) -> None:
        self.cache, self.name, self.digest, self.patch = cache, name, digest, patch
        self._shards: dict[int, dict[str, Translation]] = {}
        self._whole: dict[str, Translation] | None = None

    def _shard(self, index: int) -> dict[str, Translation]:
        if index not in self._shards:
            found = load_snapshot(self.cache, f"{self.name}#{index}", self.digest)
            if not isinstance(found, dict):
                raise StaleTable(self.name)
            self._shards[index] = found
        return self._shards[index]

    def __getitem__(self, msgid: str) -> Translation:
        found = self.patch[msgid] if msgid in self.patch else self._shard(table_shard(msgid)).get(msgid)
        if found is None:
            raise KeyError(msgid)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self.whole())

    def __len__(self) -> int:
        return len(self.whole())

    def whole(self) -> dict[str, Translation]:
        """The table as a dict (every shard read)."""
        if self._whole is None:
            table: dict[str, Translation] = {}
            for index in range(TABLE_SHARDS):
                table.update(self._shard(index))
            self._whole = dict(apply_entries(table, self.patch))
        return self._whole

    def patched(self, entries: Mapping[str, Translation | None]) -> ShardedTable:
        """This table with the translations of ``entries`` too (sharing the shards read so far)."""
        view = ShardedTable(self.cache, self.name, self.digest, {**self.patch, **entries})
        view._shards = self._shards
        return view


class KeptTable(NamedTuple):
    """A catalogue's translation table as the cache keeps it."""

    table: Table
    contexts: bool  # an entry with a msgctxt gives a translation (of two entries of a msgid, the file's order picks)


class TablePatch(NamedTuple):
    """A table kept as what differs from the whole table kept for another version of its catalogue."""

    base: str  # the digest of that version
    entries: dict[str, Translation | None]  # msgid -> its translation (None: none)


@dataclass(frozen=True)
class LocaleTranslations:
    """A locale's translations, where they come from and what changed since the last render."""

    table: Table
    digest: str | None  # SHA-256 of the catalogue (NO_CATALOGUE without one); None for a table the caller gave
    changed: frozenset[str] | None  # msgids translated otherwise than in the last render; None: unknown


def keep_table(catalog: polib.POFile) -> KeptTable:
    """The table of a catalogue, ready to keep."""
    contexts = any(entry.msgctxt is not None and translation_of(entry) is not None for entry in catalog)
    return KeptTable(table_from_catalog(catalog), contexts)


def apply_entries(table: dict[str, Translation], entries: Mapping[str, Translation | None]) -> dict[str, Translation]:
    """``table``, changed in place to hold the translations of ``entries`` (None: no translation)."""
    for msgid, found in entries.items():
        if found is None:
            table.pop(msgid, None)
        else:
            table[msgid] = found
    return table


def apply_patch(kept: KeptTable, entries: Mapping[str, Translation | None]) -> KeptTable:
    """``kept`` with the translations of ``entries`` (None: no translation)."""
    if isinstance(kept.table, ShardedTable):
        return KeptTable(kept.table.patched(entries), kept.contexts)
    return KeptTable(apply_entries(dict(kept.table), entries), kept.contexts)


def change_entries(change: CatalogChange) -> dict[str, Translation | None] | None:
    """What ``change`` does to a table: the new translation of each msgid it touches (None: none).

    The rules are those of ``table_from_catalog``.  None when an entry with a
    msgctxt gives a translation: which of two entries of one msgid wins
    depends on their order in the file, which a change does not tell.
    """
    entries = {}
    for (context, msgid), (_, entry) in change.entries.items():
        found = translation_of(entry) if entry is not None else None
        if context is None:
            entries[msgid] = found
        elif found is not None:
            return None
    return entries


def diff_tables(old: Table, new: Table) -> frozenset[str]:
    """The msgids that ``new`` translates otherwise than ``old`` (or not at all)."""
    return frozenset({msgid for msgid, found in new.items() if old.get(msgid) != found} | (old.keys() - new.keys()))


def load_kept_table(cache: Path, path: Path, digest: str) -> tuple[KeptTable, TablePatch] | None:
    """The table kept for catalogue ``path`` with ``digest``, and how it is kept (whole: an empty patch); None if it is not.

    Only the table's index is read here: its shards are read as lookups need them.
    """
    name = TABLE_SNAPSHOT + os.path.abspath(path)
    patch = load_snapshot(cache, PATCH_SNAPSHOT + os.path.abspath(path), digest)
    if patch is not None:
        contexts = load_snapshot(cache, name, patch.base)  # the whole table's index: do msgctxt entries translate
        if contexts is not None:
            return KeptTable(ShardedTable(cache, name, patch.base, patch.entries), contexts), patch
    contexts = load_snapshot(cache, name, digest)
    if contexts is None:
        return None
    return KeptTable(ShardedTable(cache, name, digest, {}), contexts), TablePatch(digest, {})


def patch_kept_table(cache: Path, path: Path,
                     change: CatalogChange) -> tuple[KeptTable, KeptTable | TablePatch, frozenset[str]] | None:
    """The table of catalogue ``path`` after ``change``, what to keep of it, and the msgids it translates otherwise.

    Patched from the table kept for the file before the change; None when the
    change is about another file or cannot be applied, or no table is kept.
    """
    entries = change_entries(change)
    if entries is None or change.before is None or os.path.abspath(change.path) != os.path.abspath(path):
        return None
    found = load_kept_table(cache, path, change.before)
    if found is None or found[0].contexts:
        return None
    kept, patch = found
    changed = frozenset(msgid for msgid, translation in entries.items() if kept.table.get(msgid) != translation)
    table = apply_patch(kept, entries)
    patch = TablePatch(patch.base, {**patch.entries, **entries})
    return table, patch if len(patch.entries) <= PATCH_LIMIT else table, changed


def read_translations(config: Config, code: str, change: CatalogChange | None, rendered: str | None,
                      trust_kept: bool = True) -> tuple[LocaleTranslations, KeptTable | TablePatch | None]:
    """A locale's translations, and what to keep of their table when the cache does not keep it yet.

    ``rendered`` is the digest of the catalogue the last render used.  A
    usable ``change`` spares reading the catalogue; without one (or with one
    the last render already had) its bytes are hashed and its table taken
    from the cache when it is kept there (unless not ``trust_kept``).
    """
    path = catalog_path(config, code, PROFILES_DOMAIN)
    cache = config.cache_dir
    if trust_kept and change is not None and change.after != rendered:
        patched = patch_kept_table(cache, path, change)
        if patched is not None:
            table, keep, changed = patched
            since = changed if rendered == change.before else None
            return LocaleTranslations(table.table, change.after, since), keep
    digest = digest_file(path)
    if digest is None:
        return LocaleTranslations({}, NO_CATALOGUE, frozenset() if rendered == NO_CATALOGUE else None), None
    # The cache keeps one table per catalogue: the one of the last render, or already the current one.
    old = load_kept_table(cache, path, rendered) if trust_kept and rendered and rendered != digest else None
    found = load_kept_table(cache, path, digest) if trust_kept and old is None else None
    kept = found[0] if found else None
    new = None
    if kept is None:
        kept = new = keep_table(read_catalog(path, cache))
    if rendered == digest:
        since: frozenset[str] | None = frozenset()
    else:
        try:
            since = diff_tables(old[0].table, kept.table) if old is not None else None
        except StaleTable:
            since = None
    return LocaleTranslations(kept.table, digest, since), new


def gather_translations(
    config: Config, tables: Mapping[str, Table] | None, changes: Mapping[str, CatalogChange],
    rendered: Mapping[str, str | None], *, trust_kept: bool = True,
) -> tuple[dict[str, LocaleTranslations], dict[str, KeptTable | TablePatch]]:
    """The translations of every locale, and what to keep of their tables for next time.

    Tables the caller gives are used as they are (nothing is known of what changed).
    Without ``trust_kept``, no table kept in the cache is used.
    """
    if tables is not None:
        return {code: LocaleTranslations(tables.get(code, {}), None, None) for code in config.locales}, {}
    found, new = {}, {}
    for code in config.locales:
        found[code], keep = read_translations(config, code, changes.get(code), rendered.get(code), trust_kept)
        if keep is not None:
            new[code] = keep
    return found, new


def keep_tables(config: Config, translations: Mapping[str, LocaleTranslations],
                new: Mapping[str, KeptTable | TablePatch]) -> None:
    """Keep the new tables in the cache, each under the digest of its catalogue: a patch, or a whole table
    as its index (the ``contexts`` flag) and its shards."""
    for code, keep in new.items():
        path, digest = os.path.abspath(catalog_path(config, code, PROFILES_DOMAIN)), translations[code].digest
        if isinstance(keep, TablePatch):
            save_snapshot(config.cache_dir, PATCH_SNAPSHOT + path, digest, keep)
            continue
        table = keep.table.whole() if isinstance(keep.table, ShardedTable) else keep.table
        shards: list[dict[str, Translation]] = [{} for _ in range(TABLE_SHARDS)]
        for msgid, found in table.items():
            shards[table_shard(msgid)][msgid] = found
        for index, shard in enumerate(shards):
            save_snapshot(config.cache_dir, f"{TABLE_SNAPSHOT}{path}#{index}", digest, shard)
        save_snapshot(config.cache_dir, TABLE_SNAPSHOT + path, digest, keep.contexts)


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
        if code == inputs.config.source_locale or threshold == 0:  # no need to count what is published anyway
            published.append(code)
            continue
        percent = coverage(inputs.profiles, code, inputs.tables.get(code, {}), inputs.use_fuzzy)
        if percent >= threshold:
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


def render_profiles(plan: SitePlan, themes: Sequence[LocaleTheme], profiles: Sequence[Profile],
                    skip: Collection[str] = ()) -> dict[str, bytes]:
    """The pages of ``profiles`` in the locales of ``themes`` but those named in ``skip``; each body is parsed once."""
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


def render_root(plan: SitePlan, theme: LocaleTheme) -> bytes:
    """The root page: a language chooser, in the source locale (``theme`` is the first locale's)."""
    first = theme.lang
    paths, links = index_alternates(plan)
    return render_template(theme.env, "root.html", root=plan.config.root, context={
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


def build_shared_files(plan: SitePlan, themes: Sequence[LocaleTheme], skip: Collection[str] = ()) -> dict[str, bytes]:
    """Every output file but the profile pages and those named in ``skip``.

    Photos, static files, the index and 404 page of each locale, the root page and the sitemap.
    """
    files = {name: path.read_bytes() for name, path in plan.photos.values()}
    files.update((name, path.read_bytes()) for name, path in static_files(plan.config).items())
    for theme in themes:
        tag = theme.lang.tag
        if f"{tag}/index.html" not in skip:
            files[f"{tag}/index.html"] = render_index(plan, theme)
        files[f"{tag}/404.html"] = render_404(plan, theme)
    files["index.html"] = render_root(plan, themes[0])
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
    themes = [prepare_locale(plan, lang) for lang in plan.langs]
    return render_profiles(plan, themes, plan.profiles[index::count], skip)


def build_site(plan: SitePlan, reuse: Collection[str] = (), workers: int = 1) -> dict[str, bytes]:
    """Every output file of the site but those named in ``reuse``, by path relative to the output folder.

    With ``workers`` > 1 and enough pages, worker processes render the profile
    pages while this one renders the rest.
    """
    pages = sum(profile_path(lang, p.slug) not in reuse for p in plan.profiles for lang in plan.langs)
    themes = [prepare_locale(plan, lang) for lang in plan.langs]  # each compiles its templates once
    if workers > 1 and pages >= PARALLEL_MIN_PAGES:
        # Under fork the workers inherit the plan; it is not pickled for each job.
        with ProcessPoolExecutor(workers, initializer=start_worker, initargs=(plan, frozenset(reuse))) as pool:
            shares = pool.map(render_share, range(workers), [workers] * workers)
            files = build_shared_files(plan, themes, reuse)
            for share in shares:
                files.update(share)
    else:
        files = build_shared_files(plan, themes, reuse) | render_profiles(plan, themes, plan.profiles, reuse)
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


# -- what each page is made of ---------------------------------------------------------
#
# A profile page is made of its profile, the translations of its segments in
# its locale and what every page of that locale shares (code, libraries,
# theme, settings, published locales); an index of what it shows of every
# profile; the sitemap of the slugs and languages.  The state of a render
# records those inputs, so that the next one renders again only the pages
# whose inputs changed, without working out the inputs of every page.

LIBRARY_VERSIONS = (babel.__version__, jinja2.__version__, markdown_it.__version__)


@dataclass(frozen=True)
class RenderState:
    """What the last render into a folder made its pages from, and the files it left there."""

    sites: dict[str, str]  # lang tag -> digest of what every page of that locale shares
    tables: dict[str, str | None]  # locale -> digest of the catalogue its translations came from
    profiles: dict[str, tuple[str, ...]]  # slug -> profile_key
    index: str  # digest of what the indexes show, translations aside
    sitemap: str  # digest of what the sitemap shows
    files: dict[str, Signature | None]  # every file of the site


NO_STATE = RenderState({}, {}, {}, "", "", {})


def digest_json(data: Any) -> str:
    return sha256(json.dumps(data, default=repr, ensure_ascii=False).encode("utf-8"))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def site_digests(plan: SitePlan) -> dict[str, str]:
    """What every page of a locale shares, by tag: code, libraries, theme, settings and the published locales."""
    config = plan.config
    shared = [CODE_DIGEST, LIBRARY_VERSIONS, plan.langs, plan.site_url, config["project"], plan.use_fuzzy,
              config.translatable_fields]
    return {lang.tag: digest_json([*shared, lang, theme_digest(config, lang.code)]) for lang in plan.langs}


def profile_key(plan: SitePlan, profile: Profile) -> tuple[str, ...]:
    """What the pages of a profile are made of, translations and site aside: its file, language and photo.

    The digest of the file's bytes stands for the profile; a profile built
    in memory (no digest) stands for itself.
    """
    content = profile.digest or digest_json([profile.slug, profile.name, profile.fields, profile.body, profile.segments])
    photo, file = plan.photos.get(profile.slug, ("", ""))
    return (profile.path, content, profile.lang, photo, str(file))


def describe_inputs(plan: SitePlan, translations: Mapping[str, LocaleTranslations]) -> RenderState:
    """The inputs of the pages of ``plan`` (the state of a render but its files)."""
    index = [[profile.slug, profile.name, profile.lang, photo_name(plan, profile), profile.fields.get("headline"),
              profile.fields.get("location")] for profile in plan.profiles]
    sitemap = [CODE_DIGEST, plan.site_url, plan.langs, [[profile.slug, profile.lang] for profile in plan.profiles]]
    return RenderState(
        site_digests(plan),
        {code: found.digest for code, found in translations.items()},
        {profile.slug: profile_key(plan, profile) for profile in plan.profiles},
        digest_json(index),
        digest_json(sitemap),
        {},
    )


def profiles_showing(profiles: Iterable[Profile], texts: frozenset[str]) -> set[str]:
    """The slugs of the profiles with a segment among ``texts``."""
    if not texts:
        return set()
    return {profile.slug for profile in profiles if not texts.isdisjoint([segment.text for segment in profile.segments])}


def index_shows(profiles: Iterable[Profile], texts: frozenset[str]) -> bool:
    """Whether an index shows one of ``texts`` (a headline or a location)."""
    return bool(texts) and any(profile.fields.get(key) in texts for profile in profiles for key in ("headline", "location"))


def reusable_pages(folder: Path, plan: SitePlan, previous: RenderState, current: RenderState,
                   changed: Mapping[str, frozenset[str] | None]) -> set[str]:
    """The profile pages, indexes and sitemap that the last render made from the same inputs and left as they are.

    ``changed`` are the msgids of each locale translated otherwise than in
    the last render (None: unknown, no page of that locale is reused).
    """
    edited = {slug for slug, key in current.profiles.items() if previous.profiles.get(slug) != key}
    showing: dict[frozenset[str], tuple[set[str], bool]] = {}  # by changed msgids, which locales often share
    names = []
    for lang in plan.langs:
        texts = changed.get(lang.code)
        if texts is None or previous.sites.get(lang.tag) != current.sites[lang.tag]:
            continue
        if texts not in showing:
            showing[texts] = (profiles_showing(plan.profiles, texts), index_shows(plan.profiles, texts))
        shown_by, on_index = showing[texts]
        redo = edited | shown_by
        names.extend(profile_path(lang, profile.slug) for profile in plan.profiles if profile.slug not in redo)
        if previous.index == current.index and not on_index:
            names.append(f"{lang.tag}/index.html")
    if plan.site_url and previous.sitemap == current.sitemap:
        names.append("sitemap.xml")
    base = str(folder)
    return {name for name in names if previous.files.get(name) == file_signature(f"{base}/{name}")}


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


def state_file(config: Config, folder: Path) -> Path:
    """Where the state of the renders into ``folder`` is kept."""
    return config.cache_dir / RENDER_STATE.format(sha256(str(folder.resolve()).encode("utf-8"))[:16])


def read_state(path: Path) -> RenderState:
    """The state the last render left in ``path``; NO_STATE when there is none or it cannot be read."""
    try:
        data = path.read_bytes()
        with paused_gc():
            stamp, fields = pickle.loads(data)
        return RenderState(**fields) if stamp == STATE_FORMAT else NO_STATE
    except Exception:  # noqa: BLE001 - a damaged state is no state: every page is rendered
        return NO_STATE


def write_state(path: Path, state: RenderState) -> None:
    """Keep the state of a render, atomically (plain data, pickled)."""
    commit_files([(stage_with(path, lambda handle: dump_plain((STATE_FORMAT, vars(state)), handle)), path)])


def file_signatures(folder: Path, names: Iterable[str]) -> dict[str, Signature | None]:
    """The signature of each file ``names`` in ``folder``, as it is now."""
    base = str(folder)
    return {name: file_signature(f"{base}/{name}") for name in names}


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
    changes: Mapping[str, CatalogChange] | None = None,
) -> RenderResult:
    """Render the project's site into ``output`` (default: ``output_dir``).

    ``profiles`` (as ``read_profiles`` gives them: each one's digest stands
    for its content) and ``tables`` (content translations by locale, as
    ``table_from_catalog`` makes them) are read from the project unless given.
    ``changes`` are how ``update`` rewrote catalogues, by locale: the
    translations are then patched instead of read again.  Everything is
    rendered in memory before anything is written; pages whose inputs did not
    change since the last render are not rendered again, and files whose
    bytes did not change are not rewritten.
    """
    fuzzy = bool(config["use_fuzzy"] if use_fuzzy is None else use_fuzzy)
    folder = Path(output) if output else config.output_dir
    if profiles is None:
        profiles = read_profiles(config)
    state_path = state_file(config, folder)
    previous = read_state(state_path)
    try:
        translations, new_tables = gather_translations(config, tables, changes or {}, previous.tables)
        built = plan_and_build(config, folder, profiles, translations, previous, fuzzy, workers)
    except StaleTable:  # a kept table is damaged: every table from its catalogue, and no page reused
        translations, new_tables = gather_translations(config, tables, {}, {}, trust_kept=False)
        built = plan_and_build(config, folder, profiles, translations, previous, fuzzy, workers)
    published, withheld, current, reuse, files = built
    written, unchanged = write_site(folder, files)
    removed = remove_stale(folder, previous.files, [*files, *reuse])
    signatures = {name: previous.files[name] for name in reuse} | file_signatures(folder, files)
    state = replace(current, files=dict(sorted(signatures.items())))
    if state != previous:
        write_state(state_path, state)
    keep_tables(config, translations, new_tables)
    return RenderResult(folder, written, sorted([*unchanged, *reuse]), published, withheld, removed, len(files))


def plan_and_build(
    config: Config, folder: Path, profiles: Sequence[Profile], translations: Mapping[str, LocaleTranslations],
    previous: RenderState, fuzzy: bool, workers: int | None,
) -> tuple[list[str], dict[str, float], RenderState, set[str], dict[str, bytes]]:
    """The published and withheld locales, the inputs of this render, the pages reused and the files made."""
    inputs = SiteInputs(config, profiles, {code: found.table for code, found in translations.items()}, fuzzy)
    published, withheld = published_locales(inputs)
    plan = plan_site(inputs, published)
    current = describe_inputs(plan, translations)
    changed = {code: found.changed for code, found in translations.items()}
    reuse = reusable_pages(folder, plan, previous, current, changed)
    return published, withheld, current, reuse, build_site(plan, reuse, workers or os.cpu_count() or 1)


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
        with paused_gc():  # catalogues and their entries hold no cycles
            extracted = extract(config, profiles=profiles)
            updated = update_catalogs(config, init_missing=True, workers=workers or os.cpu_count() or 1, describe=True)
            changes = {result.locale: result.change for result in updated if result.change is not None}
            compiled = compile_catalogs(config, use_fuzzy=bool(config["use_fuzzy"]), changes=changes)
        if any(result.problems for result in compiled):
            return BuildResult(extracted, updated, compiled, None)
        gc.freeze()
        rendered = render_site(config, output=output, profiles=profiles, workers=workers, changes=changes)
        return BuildResult(extracted, updated, compiled, rendered)
    finally:
        gc.unfreeze()
