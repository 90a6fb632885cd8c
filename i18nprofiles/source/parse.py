"""Profiles → segments: Markdown with YAML front matter (or YAML) cut into translatable pieces.

Pure functions of a file's text (or bytes) and the settings: no I/O, nothing kept.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from i18nprofiles.config import Config, normalize_locale
from i18nprofiles.errors import ProfileError
from i18nprofiles.source.model import TRANSLATED_FIELDS, Profile, Segment

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
HARD_BREAK_RE = re.compile(r"(?: {2,}|\\)\Z")
LETTER_RE = re.compile(r"[^\W\d_]")

MAX_YAML_CHARS = 4_000_000  # characters of one YAML document (front matter, or a YAML profile)
MAX_YAML_NODES = 100_000  # values of a document once its aliases are expanded
MAX_YAML_DEPTH = 64  # nesting of lists and mappings
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line ends, DEL, C1


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader, where a value that cannot be built is an error at its line, not a traceback.

    ``!!int "abc"``, ``2024-04-31``, ``!!timestamp "x"`` make the safe
    constructor raise ValueError and the like; here they become
    ``ConstructorError`` with the mark of the value.  Numbers that are not
    finite (``.nan``, ``.inf``) are refused (a value that is not equal to
    itself cannot be compared, kept or digested), and so are whole numbers
    too long to print.
    """

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # noqa: BLE001 - whatever a constructor raises, the value is bad
            raise yaml.constructor.ConstructorError(None, None, _bad_value(node, exc), node.start_mark) from None

    def construct_yaml_float(self, node: yaml.Node) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise yaml.constructor.ConstructorError(None, None, "a number must be finite", node.start_mark)
        return value


    def construct_yaml_int(self, node: yaml.Node) -> int:
        value = super().construct_yaml_int(node)
        if value.bit_length() > 256:
            raise yaml.constructor.ConstructorError(None, None, "a number must have fewer than 78 digits",
                                                    node.start_mark)
        return value


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


VALUE_KINDS = {"timestamp": "a valid date", "int": "a whole number", "float": "a number", "bool": "true or false"}


def _bad_value(node: yaml.Node, exc: Exception) -> str:
    """What is wrong with a value that the safe constructor could not build."""
    kind = (node.tag or "").rsplit(":", 1)[-1]
    value = node.value if isinstance(node, yaml.ScalarNode) else None
    if kind in VALUE_KINDS and isinstance(value, str):
        shown = value if len(value) <= 40 else value[:39] + "…"
        detail = f" ({exc})" if kind == "timestamp" and isinstance(exc, ValueError) else ""
        return f"{shown!r} is not {VALUE_KINDS[kind]}{detail}"
    return f"bad {kind or 'untagged'} value: {exc}"


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
    """The value of a YAML document and its node tree, checked (``check_document``) before it is built."""
    if len(text) > MAX_YAML_CHARS:
        raise ProfileError(f"the YAML document is too large ({len(text):,} characters; the limit is "
                           f"{MAX_YAML_CHARS:,})", path, offset)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is not None:
            check_document(node, path, offset)
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
    except RecursionError:
        raise ProfileError("malformed YAML: nested too deeply", path, offset) from None
    finally:
        loader.dispose()
    return data, node


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def check_document(root: yaml.Node, path: str, offset: int) -> None:
    """ProfileError unless a YAML node tree is safe to build and to walk.

    Refused, each at its line: a value that contains itself (a recursive
    alias); a tree that, with its aliases expanded, holds more than
    ``MAX_YAML_NODES`` values, more than ``MAX_YAML_CHARS`` characters or is
    nested deeper than ``MAX_YAML_DEPTH`` (so that a few lines of aliases
    cannot make a billion values); a control character in a key or value (an
    escaped NUL in a file name…); a key given twice in one mapping.
    """
    done: dict[int, tuple[int, int, int]] = {}  # node -> (values, characters, depth) once expanded
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        key = id(node)
        line = node.start_mark.line + offset
        if leaving:
            ancestors.discard(key)
            sizes = [done[id(child)] for child in _children(node)]
            found = (1 + sum(s[0] for s in sizes), sum(s[1] for s in sizes), 1 + max((s[2] for s in sizes), default=0))
            if found[0] > MAX_YAML_NODES or found[1] > MAX_YAML_CHARS:
                raise ProfileError(f"YAML aliases expand to too much (more than {MAX_YAML_NODES:,} values or "
                                   f"{MAX_YAML_CHARS:,} characters)", path, line)
            if found[2] > MAX_YAML_DEPTH:
                raise ProfileError(f"YAML nested too deeply (more than {MAX_YAML_DEPTH} levels)", path, line)
            done[key] = found
            continue
        if key in done:
            continue
        if key in ancestors:
            raise ProfileError("YAML alias refers to a value that contains it", path, line)
        if isinstance(node, yaml.ScalarNode):
            bad = CONTROL_RE.search(node.value)
            if bad:
                block = node.style in ("|", ">")
                where = line + node.value.count("\n", 0, bad.start()) + 1 if block else line
                raise ProfileError(f"control character U+{ord(bad.group()):04X} in a value", path, where)
            done[key] = (1, len(node.value), 0)
            continue
        if isinstance(node, yaml.MappingNode):
            check_unique_keys(node, path, offset)
        ancestors.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def check_unique_keys(node: yaml.MappingNode, path: str, offset: int) -> None:
    """ProfileError for a key given twice in one mapping (YAML forbids it; PyYAML would keep the last)."""
    seen: dict[tuple[str, str], int] = {}
    for key_node, _ in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            line = key_node.start_mark.line + offset
            first = seen.get((key_node.tag, key_node.value))
            if first is not None:
                raise ProfileError(f"key {key_node.value!r} is given twice (first at line {first})", path, line)
            seen[(key_node.tag, key_node.value)] = line


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


def make_slug(text: str) -> str:
    """A slug made from any text: accents dropped, lowercase ASCII letters and digits, words joined by '-'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text))


def suggest_slug(slug: object, path: str) -> str:
    """The hint after a bad slug: a good one made from it, and the two ways to use it."""
    good = make_slug(slug) if isinstance(slug, str) else ""
    if not good:
        return ""
    return f" (for example {good!r}: rename the file to {good}{Path(path).suffix}, or add `slug: {good}`)"


def parse_profile(
    text: str,
    path: str,
    *,
    source_locale: str = "fr",
    translatable_fields: Iterable[str] = (),
    default_slug: str | None = None,
) -> Profile:
    """Parse profile text (Markdown with front matter, or YAML when ``path`` ends in .yaml/.yml).

    A path with a control character is refused: it would be written into
    ``#:`` references, where a line break starts a new line of the catalogue.
    """
    if CONTROL_RE.search(path) or "\n" in path or "\r" in path:
        shown = path.encode("unicode_escape").decode("ascii")
        raise ProfileError("a profile's file name must not hold control characters or line breaks", shown)
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
    bad = CONTROL_RE.search(body)
    if bad:
        raise ProfileError(f"control character U+{ord(bad.group()):04X} in the text", path,
                           body_line + body.count("\n", 0, bad.start()))

    def line_of(key: str) -> int:
        node = _mapping_value(root, key)
        return _node_line(node, front_offset) if node is not None else front_offset

    _validate_fields(fields, path, line_of)
    name = fields.get("name")
    slug = fields.get("slug", default_slug or Path(path).stem)
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        where = line_of("slug") if "slug" in fields else 1
        raise ProfileError(f"bad slug {slug!r}: use lowercase letters, digits and '-'{suggest_slug(slug, path)}",
                           path, where)
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


def parse_profile_bytes(data: bytes, rel: str, config: Config) -> Profile:
    """Parse a profile's bytes (``rel``: its path relative to the project root); the profile carries
    their SHA-256 as its digest."""
    profile = parse_profile(
        decode_text(data, rel),
        rel,
        source_locale=config.source_locale,
        translatable_fields=config.translatable_fields,
    )
    return replace(profile, digest=hashlib.sha256(data).hexdigest())
