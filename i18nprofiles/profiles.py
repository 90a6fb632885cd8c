"""Read profiles (Markdown with YAML front matter, or YAML) and cut them into segments."""

from __future__ import annotations

import datetime
import glob
import os
import re
import stat
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import markdown_it
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from i18nprofiles.cache import digest_bytes, load_snapshot, paused_gc, save_snapshot
from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ProfileError
from i18nprofiles.files import Signature, status_signature
from i18nprofiles.model import TRANSLATED_FIELDS, Profile, Segment

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
HARD_BREAK_RE = re.compile(r"(?: {2,}|\\)\Z")
LETTER_RE = re.compile(r"[^\W\d_]")
PROFILE_SUFFIXES = (".md", ".markdown", ".yaml", ".yml")
PROFILES_SNAPSHOT = "profiles"  # shards are named profiles/00, profiles/01…
PROFILE_SHARDS = 32  # one edited profile rewrites a 32nd of the snapshot
PARALLEL_PARSES = 1000  # profiles to parse per extra process: below, a second process costs more than it saves
RACY_NS = 2_000_000_000  # a file modified less than 2 s ago is read even if its signature matches

Entry = tuple[Signature | None, Profile]  # a profile as snapshotted, with its file's signature

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The CommonMark parser used for extraction and rendering, with tables.

    Raw HTML is recognised (so that HTML blocks are skipped, as CommonMark
    defines them), never trusted: the renderer escapes it.
    """
    return MarkdownIt("commonmark").enable("table")


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    """``markdown_parser`` without inline parsing: all that extraction needs, in half the time."""
    return MarkdownIt("commonmark").enable("table").disable("inline")


def is_translatable(text: str) -> bool:
    """Whether a segment holds words: numbers and punctuation alone are not extracted."""
    return bool(LETTER_RE.search(text))


def join_lines(content: str) -> str:
    """Join the lines of a Markdown block: soft breaks become one space, hard breaks stay."""
    if "\n" not in content:
        return content
    lines = content.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if HARD_BREAK_RE.search(out[-1]):
            out.append("\n")
        else:
            out[-1] = out[-1].rstrip(" \t")
            out.append(" ")
        out.append(line.lstrip(" \t"))
    return "".join(out)


def iter_blocks(tokens: Sequence[Token]) -> Iterator[tuple[Token, Token, str]]:
    """Yield ``(opening token, inline token, kind)`` for each translatable block."""
    containers: list[str] = []
    opening: Token | None = None
    for token in tokens:
        if token.type in ("list_item_open", "blockquote_open"):
            containers.append(token.type)
        elif token.type in ("list_item_close", "blockquote_close"):
            containers.pop()
        elif token.type.endswith("_open"):
            opening = token
        elif token.type == "inline" and opening is not None:
            yield opening, token, _block_kind(opening, token, containers)
            opening = None


def _block_kind(opening: Token, inline: Token, containers: list[str]) -> str:
    if opening.type == "heading_open":
        return "heading"
    if opening.type in ("th_open", "td_open"):
        return "table-cell"
    if is_lone_image(inline):
        return "image-alt"
    if containers and containers[-1] == "list_item_open":
        return "list-item"
    if containers:
        return "blockquote"
    return "paragraph"


def lone_image(inline: Token) -> Token | None:
    """The image token of a block that holds one image and nothing else.

    Blocks from ``block_parser`` carry no inline tokens: only a block that
    starts with ``![`` can be a lone image, and only its content is parsed.
    """
    children = inline.children
    if not children:
        if not inline.content.startswith("!["):
            return None
        children = markdown_parser().parseInline(inline.content)[0].children or []
    rest = [c for c in children if not (c.type == "text" and not c.content.strip())]
    return rest[0] if len(rest) == 1 and rest[0].type == "image" else None


def is_lone_image(inline: Token) -> bool:
    """Whether a block holds one image and nothing else (its alt text is the segment)."""
    return lone_image(inline) is not None


def block_text(inline: Token, kind: str) -> str:
    """The msgid of a block: its inline source as written, or an image's alt text."""
    if kind == "image-alt":
        image = lone_image(inline)
        assert image is not None
        return image.content
    return join_lines(inline.content)


def segment_body(body: str, path: str, first_line: int) -> list[Segment]:
    """Cut a Markdown body into segments; ``first_line`` is the file line of the body's first line."""
    segments = []
    for _, inline, kind in iter_blocks(block_parser().parse(body)):
        text = block_text(inline, kind)
        if is_translatable(text):
            line = first_line + (inline.map[0] if inline.map else 0)
            segments.append(Segment(text, kind, "body", path, line))
    return segments


# -- front matter -------------------------------------------------------------


def _node_line(node: yaml.Node, offset: int) -> int:
    return node.start_mark.line + offset


def _mapping_value(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if getattr(key_node, "value", None) == key:
                return value_node
    return None


def _field_values(node: yaml.Node, dotted: str, offset: int) -> Iterator[tuple[str, int]]:
    """Yield ``(text, line)`` for each string that a dotted field names in a YAML node."""
    head, _, rest = dotted.partition(".")
    value = _mapping_value(node, head)
    if value is None:
        return
    items = value.value if isinstance(value, yaml.SequenceNode) else [value]
    for item in items:
        if rest:
            yield from _field_values(item, rest, offset)
        elif isinstance(item, yaml.ScalarNode) and item.tag == "tag:yaml.org,2002:str":
            yield item.value, _node_line(item, offset)


def _load_yaml(text: str, path: str, offset: int) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + offset if mark else None
        problem = exc.problem or exc.context or "syntax error"
        if exc.context and exc.context_mark and exc.problem:
            problem += f" ({exc.context} started at line {exc.context_mark.line + offset})"
        raise ProfileError(f"malformed YAML: {problem}", path, line) from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"malformed YAML: {exc}", path, offset) from None
    finally:
        loader.dispose()
    return data, node


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split Markdown text into (front matter, body, file line of the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ProfileError("missing YAML front matter: the file must start with a '---' line", path, 1)
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise ProfileError("unclosed YAML front matter: no closing '---' line", path, 1)


def decode_text(data: bytes, path: str) -> str:
    """Decode UTF-8 (with or without BOM) into text with ``\\n`` line ends."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ProfileError(f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", path, line) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_profile(
    text: str,
    path: str,
    *,
    source_locale: str = "fr",
    translatable_fields: Iterable[str] = (),
    default_slug: str | None = None,
) -> Profile:
    """Parse profile text (Markdown with front matter, or YAML when ``path`` ends in .yaml/.yml)."""
    if path.endswith((".yaml", ".yml")):
        data, root = _load_yaml(text, path, 1)
        body_node = _mapping_value(root, "body") if root is not None else None
        body = data.get("body", "") if isinstance(data, dict) else ""
        body_line = 1
        if body_node is not None:
            block = getattr(body_node, "style", None) in ("|", ">")
            body_line = _node_line(body_node, 2 if block else 1)
        front_offset = 1
    else:
        front, body, body_line = split_front_matter(text, path)
        data, root = _load_yaml(front, path, 2)
        front_offset = 2
    if not isinstance(data, dict):
        raise ProfileError("the front matter must be a YAML mapping", path, front_offset)
    fields = {str(k): v for k, v in data.items() if k != "body"}
    if not isinstance(body, str):
        raise ProfileError("'body' must be text", path, body_line)

    def line_of(key: str) -> int:
        node = _mapping_value(root, key)
        return _node_line(node, front_offset) if node is not None else front_offset

    _validate_fields(fields, path, line_of)
    name = fields.get("name")
    slug = fields.get("slug", default_slug or Path(path).stem)
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        where = line_of("slug") if "slug" in fields else 1
        raise ProfileError(f"bad slug {slug!r}: use lowercase letters, digits and '-'", path, where)
    lang = normalize_locale(str(fields.get("lang", source_locale)), path, line_of("lang"))

    segments: list[Segment] = []
    for dotted in dict.fromkeys((*TRANSLATED_FIELDS, *translatable_fields)):
        for value, line in _field_values(root, dotted, front_offset):
            value = " ".join(part.strip(" \t") for part in value.strip(" \t\n").split("\n"))
            if is_translatable(value):
                segments.append(Segment(value, "field", dotted, path, line))
    segments.sort(key=lambda segment: segment.line)
    segments.extend(segment_body(body, path, body_line))
    return Profile(path, slug, name, lang, fields, body, body_line, tuple(segments))


def _validate_fields(fields: dict[str, Any], path: str, line_of: Any) -> None:
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProfileError("missing required key 'name'", path, line_of("name"))
    for key in ("headline", "location"):
        if key in fields and not isinstance(fields[key], str):
            raise ProfileError(f"{key!r} must be text", path, line_of(key))
    if "updated" in fields and not isinstance(fields["updated"], datetime.date):
        raise ProfileError("'updated' must be a date such as 2024-03-18", path, line_of("updated"))
    tags = fields.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ProfileError("'tags' must be a list of text", path, line_of("tags"))
    links = fields.get("links", [])
    if not isinstance(links, list) or not all(
        isinstance(link, dict) and isinstance(link.get("url"), str) and isinstance(link.get("label"), str)
        for link in links
    ):
        raise ProfileError("'links' must be a list of {label, url}", path, line_of("links"))
    photo = fields.get("photo")
    if photo is not None and not (isinstance(photo, dict) and isinstance(photo.get("src"), str)):
        raise ProfileError("'photo' must be a mapping with 'src' (and 'alt')", path, line_of("photo"))


def relative_path(path: str | Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``/`` separators (absolute if outside root).

    Worked out on the names first (no system call for the usual case), then
    with symbolic links resolved, for a path that reaches the root another way.
    """
    absolute, base = os.path.abspath(path), os.path.abspath(root)
    if absolute.startswith(base + os.sep):
        return absolute[len(base) + 1 :].replace(os.sep, "/")
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).resolve().as_posix()


def read_profile(path: str | Path, config: Config) -> Profile:
    """Read and parse one profile file."""
    rel = relative_path(path, config.root)
    return parse_profile_bytes(read_profile_bytes(path, rel), rel, config)


def read_profile_bytes(file: str | Path, rel: str) -> bytes:
    """The bytes of a profile file; ProfileError when it cannot be read."""
    try:
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ProfileError(f"cannot read profile: {exc.strerror}", rel) from None


def parse_profile_bytes(data: bytes, rel: str, config: Config) -> Profile:
    """Parse a profile's bytes; the profile carries their SHA-256 as its digest."""
    profile = parse_profile(
        decode_text(data, rel),
        rel,
        source_locale=config.source_locale,
        translatable_fields=config.translatable_fields,
    )
    return replace(profile, digest=digest_bytes(data))


class ProfileFile(NamedTuple):
    """A profile file as found: its path and its status (``os.stat``) then."""

    path: str
    status: os.stat_result


def find_profiles(config: Config, patterns: Iterable[str] | None = None) -> dict[str, ProfileFile]:
    """The profile files the configured globs name, each once, by name relative to the root, sorted."""
    found: dict[str, ProfileFile] = {}
    for pattern in patterns if patterns is not None else config.profile_globs:
        full = pattern if os.path.isabs(pattern) else os.path.join(config.root, pattern)
        for name in glob.glob(full, recursive=True):
            if name.endswith(PROFILE_SUFFIXES):
                try:
                    status = os.stat(name)
                except OSError:
                    continue  # gone since the glob, or unreachable: not a profile file
                if stat.S_ISREG(status.st_mode):
                    found[relative_path(name, config.root)] = ProfileFile(name, status)
    return {key: found[key] for key in sorted(found)}


def locate_profiles(config: Config, paths: Iterable[str | Path]) -> dict[str, ProfileFile]:
    """The given profile files by name relative to the root; ProfileError for one that cannot be reached."""
    files: dict[str, ProfileFile] = {}
    for path in paths:
        rel = relative_path(path, config.root)
        try:
            files[rel] = ProfileFile(os.fspath(path), os.stat(path))
        except OSError as exc:
            raise ProfileError(f"cannot read profile: {exc.strerror}", rel) from None
    return files


def read_profiles(config: Config, paths: Iterable[str | Path] | None = None) -> list[Profile]:
    """Read every profile of the project (or the given files); duplicate slugs are an error.

    A profile file that did not change since the last read of the whole
    project comes from the snapshot in ``cache_dir`` instead of being parsed:
    one whose size, modification time and inode are those recorded is not
    even read; one whose signature changed but whose bytes (SHA-256) did not
    keeps its parse.  Only the snapshot shards that changed are written.
    """
    trusted_before = time.time_ns() - RACY_NS
    files = find_profiles(config) if paths is None else locate_profiles(config, paths)
    key = profiles_snapshot_key(config)
    # Hundreds of thousands of new objects and no cycles: the collector would only scan them again and again.
    with paused_gc():
        known = load_profile_shards(config.cache_dir, key, {shard_of(rel) for rel in files})
        found = {rel: recall_profile(file, rel, known.get(rel), trusted_before) for rel, file in files.items()}
        unparsed = [(rel, data) for rel, (_, data) in found.items() if isinstance(data, bytes)]
        parsed = dict(zip((rel for rel, _ in unparsed), parse_profiles(unparsed, config)))
        read: dict[str, Entry] = {rel: (signature, parsed.get(rel, profile)) for rel, (signature, profile) in found.items()}
        profiles = [profile for _, profile in read.values()]
        check_unique_slugs(profiles)
        if paths is None:
            save_profile_shards(config.cache_dir, key, known, read)
    return profiles


def recall_profile(
    file: ProfileFile, rel: str, known: Entry | None, trusted_before: int
) -> tuple[Signature | None, Profile | bytes]:
    """A profile file's entry when its signature or its bytes are the known ones; else its bytes, to parse.

    The signature is the file's status when found, before its bytes are
    read: an edit made in between shows as a changed signature next time.
    """
    signature = trusted_signature(file.status, trusted_before)
    if known is not None and signature is not None and known[0] == signature:
        return known
    data = read_profile_bytes(file.path, rel)
    if known is not None and known[1].digest == digest_bytes(data):
        return signature, known[1]
    return signature, data


def parse_profiles(files: list[tuple[str, bytes]], config: Config) -> list[Profile]:
    """Parse profile files (relative path, bytes), in worker processes when there are many (a first read).

    The first error in the order given is the one raised.
    """
    workers = min(os.cpu_count() or 1, len(files) // PARALLEL_PARSES)
    if workers < 2:
        return [parse_profile_bytes(data, rel, config) for rel, data in files]
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(files) // workers)
    with ProcessPoolExecutor(workers - 1, initializer=adopt_files, initargs=(files, config)) as pool:
        others = pool.map(parse_share, range(size, len(files), size), [size] * (workers - 1))
        first = [parse_profile_bytes(data, rel, config) for rel, data in files[:size]]  # this process parses a share
        return list(chain(first, *others))


_adopted: tuple[list[tuple[str, bytes]], Config] | None = None  # the files a worker process parses from


def adopt_files(files: list[tuple[str, bytes]], config: Config) -> None:
    """Worker initialiser: keep the files to parse (under fork, inherited rather than pickled)."""
    global _adopted
    _adopted = (files, config)


def parse_share(start: int, size: int) -> list[Profile]:
    """In a worker process: parse ``size`` of the adopted files from ``start``."""
    assert _adopted is not None
    files, config = _adopted
    return [parse_profile_bytes(data, rel, config) for rel, data in files[start:start + size]]


def trusted_signature(status: os.stat_result, trusted_before: int) -> Signature | None:
    """A file's (size, st_mtime_ns, st_ino), or None when it was modified too recently to be trusted.

    A file modified after ``trusted_before`` could be modified again within
    the same tick of the file system's clock and keep its signature (git's
    "racily clean" entries): its bytes are read and hashed until it is older.
    """
    if status.st_mtime_ns >= trusted_before:
        return None
    return status_signature(status)


def shard_of(rel: str) -> int:
    """The snapshot shard that keeps a profile: a stable hash of its relative path."""
    return zlib.crc32(rel.encode("utf-8")) % PROFILE_SHARDS


def shard_name(shard: int) -> str:
    """The snapshot name of a shard of profiles."""
    return f"{PROFILES_SNAPSHOT}/{shard:02d}"


def load_profile_shards(folder: Path, key: tuple[Any, ...], shards: Iterable[int]) -> dict[str, Entry]:
    """The entries of the given snapshot shards, by relative path; a missing or damaged shard adds none."""
    known: dict[str, Entry] = {}
    for shard in sorted(shards):
        known.update(load_snapshot(folder, shard_name(shard), key) or {})
    return known


def save_profile_shards(folder: Path, key: tuple[Any, ...], known: dict[str, Entry], read: dict[str, Entry]) -> None:
    """Rewrite the shards that hold an entry added, changed or removed since they were loaded; only those."""
    changed = {shard_of(rel) for rel in known.keys() | read.keys() if known.get(rel) != read.get(rel)}
    if not changed:
        return
    shards: dict[int, dict[str, Entry]] = {shard: {} for shard in changed}
    for rel, entry in read.items():
        shard = shard_of(rel)
        if shard in shards:
            shards[shard][rel] = entry
    for shard, entries in sorted(shards.items()):
        save_snapshot(folder, shard_name(shard), key, entries, memo=True)


def profiles_snapshot_key(config: Config) -> tuple[Any, ...]:
    """What else than a file's bytes its parse depends on: settings and the parsers' versions."""
    return (config.source_locale, tuple(config.translatable_fields), str(config.root.resolve()),
            markdown_it.__version__, yaml.__version__)


def check_unique_slugs(profiles: Sequence[Profile]) -> None:
    """Raise ProfileError when two profiles share a slug."""
    seen: dict[str, Profile] = {}
    for profile in profiles:
        other = seen.setdefault(profile.slug, profile)
        if other is not profile:
            raise ProfileError(f"duplicate slug {profile.slug!r} (also used by {other.path})", profile.path, 1)
