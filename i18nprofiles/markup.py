"""Safe HTML for translated content: text pieces, Markdown bodies, links.

Translations are untrusted input.  Everything here escapes text, renders raw
HTML as visible text and keeps links only when their scheme is allowed.
Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from babel.lists import format_list
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from markupsafe import Markup, escape

from i18nprofiles.profiles import block_text, is_translatable, iter_blocks, markdown_parser

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
    """Join pieces into one phrase with the locale's list pattern ("a, b et c")."""
    if not pieces:
        return Markup("")
    keys = [f"\x00{index}\x00" for index in range(len(pieces))]
    pattern = format_list(keys, locale=locale)
    out = Markup("")
    for index, part in enumerate(pattern.split("\x00")):
        out += escape(pieces[int(part)]) if index % 2 else escape(part)
    return out


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


def _set_piece(tokens: list[Token], index: int, inline: Token, kind: str, piece: Piece) -> None:
    """Put a localised piece in a block: its text in the inline token, its attributes on the block.

    A paragraph hidden in a tight list has no element of its own, so its
    inline content is wrapped in a ``<span>`` (the ``<li>`` may hold a nested
    list in another language).
    """
    if kind == "image-alt":
        image = next(c for c in inline.children or [] if c.type == "image")
        image.content = piece.text
        image.children = [Token("text", "", 0, content=piece.text)]
    else:
        inline.children = markdown_parser().parseInline(piece.text)[0].children
        inline.content = piece.text
    children = list(inline.children or [])
    if piece.mark:
        children.append(Token("unreviewed_mark", "", 0, content=piece.mark))
    attrs = {name: value for name, value in (("lang", piece.lang), ("dir", piece.dir),
                                               ("data-translation", piece.status)) if value}
    if tokens[index].hidden and attrs:
        children = [Token("span_open", "span", 1, attrs=attrs), *children, Token("span_close", "span", -1)]
    else:
        for name, value in attrs.items():
            tokens[index].attrSet(name, value)
    inline.children = children


def render_markdown(body: str, localise: Localise) -> Markup:
    """The HTML of a Markdown body with each translatable block localised and made safe."""
    parser = markdown_parser()
    tokens = parser.parse(body)
    positions = {id(token): index for index, token in enumerate(tokens)}
    for opening, inline, kind in list(iter_blocks(tokens)):
        text = block_text(inline, kind)
        if is_translatable(text):
            _set_piece(tokens, positions[id(opening)], inline, kind, localise(text))
    for token in tokens:
        if token.type == "inline":
            token.children = make_inert(token.children or [])
    options = OptionsDict({**parser.options, "xhtmlOut": False})
    return Markup(RENDERER.render(tokens, options, {}))
