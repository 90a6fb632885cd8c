"""Safe HTML for translated content: text pieces, Markdown bodies, links.

Translations are untrusted input.  Everything here escapes text, renders raw
HTML as visible text and keeps links only when their scheme is allowed.
Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from babel.lists import format_list
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup, escape

from i18nprofiles.source.parse import (
    block_text,
    is_translatable,
    iter_blocks,
    markdown_parser,
)

LINK_SCHEMES = ("http", "https", "mailto")
IMAGE_SCHEMES = ("http", "https")
# Values of the data-translation attribute.
SOURCE, UNREVIEWED = "source", "unreviewed"


@dataclass(frozen=True)
class Piece:
    """A localised text: a translation, or the source text with its own language.

    ``lang`` and ``dir`` are set only where they differ from the page's;
    ``status`` is ``source`` (no reviewed translation), ``unreviewed`` (a fuzzy
    translation published with --use-fuzzy) or empty (a reviewed translation).
    ``mark`` is the visible marker of an unreviewed translation.
    """

    text: str
    lang: str | None = None
    dir: str | None = None
    status: str = ""
    mark: str = ""

    def attrs(self) -> Markup:
        """The ``lang``/``dir``/``data-translation`` attributes, with a leading space (or nothing)."""
        out = Markup("")
        if self.lang:
            out += Markup(' lang="%s"') % self.lang
        if self.dir:
            out += Markup(' dir="%s"') % self.dir
        if self.status:
            out += Markup(' data-translation="%s"') % self.status
        return out

    def __html__(self) -> Markup:
        if not self.attrs():
            return escape(self.text)
        return Markup("<span%s>%s%s</span>") % (self.attrs(), self.text, mark_html(self.mark))

    def __str__(self) -> str:
        return self.text


def mark_html(mark: str) -> Markup:
    """The visible marker after an unreviewed translation (a dagger that names itself)."""
    if not mark:
        return Markup("")
    return Markup('<a class="unreviewed-mark" href="#unreviewed" title="%s">†</a>') % mark


Localise = Callable[[str], Piece]


def is_safe_url(url: str, schemes: Sequence[str] = LINK_SCHEMES) -> bool:
    """Whether ``url`` is absolute with an allowed scheme (http, https, mailto by default)."""
    if any(ord(char) < 33 for char in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme.lower() not in schemes:
        return False
    return parts.scheme.lower() == "mailto" or bool(parts.netloc)


def join_pieces(pieces: Sequence[Any], locale: str) -> Markup:
    """Join pieces into one phrase with the locale's list pattern ("a, b et c"), each item isolated for
    direction (``<bdi>``): a stray right-to-left mark in one cannot reorder the others."""
    out = Markup("")
    for index, part in enumerate(list_pattern(len(pieces), locale)):
        out += Markup("<bdi>%s</bdi>") % pieces[int(part)] if index % 2 else escape(part)
    return out


@lru_cache(maxsize=None)
def list_pattern(size: int, locale: str) -> tuple[str, ...]:
    """The locale's pattern for a list of ``size`` items, cut into text, item number, text, item number…"""
    keys = [f"\x00{index}\x00" for index in range(size)]
    return tuple(format_list(keys, locale=locale).split("\x00"))


class SafeRenderer(RendererHTML):
    """markdown-it's HTML renderer with raw HTML shown as text."""

    def html_block(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return "<p>" + escapeHtml(tokens[idx].content.rstrip("\n")) + "</p>\n"

    def html_inline(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return escapeHtml(tokens[idx].content)

    def unreviewed_mark(self, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return str(mark_html(tokens[idx].content))


RENDERER = SafeRenderer()


def make_inert(children: list[Token]) -> list[Token]:
    """Drop links whose scheme is not allowed (their text stays) and unsafe images (their alt stays)."""
    out: list[Token] = []
    dropped: list[bool] = []
    for token in children:
        if token.type == "link_open":
            bad = not is_safe_url(str(token.attrGet("href") or ""))
            dropped.append(bad)
            if not bad:
                out.append(token)
        elif token.type == "link_close":
            if not dropped.pop():
                out.append(token)
        elif token.type == "image" and not is_safe_url(str(token.attrGet("src") or ""), IMAGE_SCHEMES):
            out.append(Token("text", "", 0, content=token.content))
        else:
            out.append(token)
    return out


@dataclass(frozen=True)
class Block:
    """A translatable block of a parsed body: where its tokens are, its kind and its text."""

    opening: int  # index of the block's opening token
    inline: int  # index of its inline token
    kind: str
    text: str


@dataclass(frozen=True)
class ParsedBody:
    """A Markdown body parsed once, to be localised for the page of each locale.

    The tokens are shared by every page and never changed: ``render_body``
    replaces the tokens of the blocks it localises with new ones.
    """

    tokens: tuple[Token, ...]
    blocks: tuple[Block, ...]


def parse_body(body: str) -> ParsedBody:
    """Parse a Markdown body and find its translatable blocks; the other blocks are made safe once."""
    tokens = markdown_parser().parse(body)
    positions = {id(token): index for index, token in enumerate(tokens)}
    blocks = []
    for opening, inline, kind in iter_blocks(tokens):
        text = block_text(inline, kind)
        if is_translatable(text):
            blocks.append(Block(positions[id(opening)], positions[id(inline)], kind, text))
    localised = {block.inline for block in blocks}
    for index, token in enumerate(tokens):
        if token.type == "inline" and index not in localised:
            token.children = make_inert(token.children or [])
    return ParsedBody(tuple(tokens), tuple(blocks))


def localise_block(opening: Token, inline: Token, kind: str, piece: Piece) -> tuple[Token, Token]:
    """New opening and inline tokens for a block holding a localised piece.

    The piece's text goes in the inline token, its attributes on the block.  A
    paragraph hidden in a tight list has no element of its own, so its inline
    content is wrapped in a ``<span>`` (the ``<li>`` may hold a nested list in
    another language).
    """
    if kind == "image-alt":
        alt = [Token("text", "", 0, content=piece.text)]
        children = [child.copy(content=piece.text, children=alt, attrs=dict(child.attrs)) if child.type == "image"
                    else child for child in inline.children or []]
        content = inline.content
    else:
        children = list(markdown_parser().parseInline(piece.text)[0].children or [])
        content = piece.text
    if piece.mark:
        children.append(Token("unreviewed_mark", "", 0, content=piece.mark))
    attrs = {name: value for name, value in (("lang", piece.lang), ("dir", piece.dir),
                                               ("data-translation", piece.status)) if value}
    if opening.hidden and attrs:
        children = [Token("span_open", "span", 1, attrs=attrs), *children, Token("span_close", "span", -1)]
    elif attrs:
        opening = opening.copy(attrs={**opening.attrs, **attrs})
    return opening, inline.copy(content=content, children=make_inert(children))


def render_body(body: ParsedBody, localise: Localise) -> Markup:
    """The HTML of a parsed body with each translatable block localised."""
    tokens = list(body.tokens)
    for block in body.blocks:
        piece = localise(block.text)
        tokens[block.opening], tokens[block.inline] = localise_block(
            tokens[block.opening], tokens[block.inline], block.kind, piece)
    options = OptionsDict({**markdown_parser().options, "xhtmlOut": False})
    return Markup(RENDERER.render(tokens, options, {}))


def render_markdown(body: str, localise: Localise) -> Markup:
    """The HTML of a Markdown body with each translatable block localised and made safe."""
    return render_body(parse_body(body), localise)
