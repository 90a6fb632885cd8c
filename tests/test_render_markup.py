"""The pure pieces of rendering: localised Markdown, list joining, links between pages."""

from __future__ import annotations

from i18nprofiles.site.markup import Piece, join_pieces, parse_body, render_body, render_markdown
from i18nprofiles.site.pages import bcp47_tag, describe_locale, relative_href
from i18nprofiles.config import parse_locale


def fallback(text: str) -> Piece:
    return Piece(text, lang="fr", status="source")


def test_a_tight_list_item_wraps_its_own_text_so_nested_items_keep_their_language() -> None:
    body = "- parent\n  - enfant\n- second\n"
    html = render_markdown(body, lambda text: Piece("child") if text == "enfant" else fallback(text))
    assert html == ('<ul>\n<li><span lang="fr" data-translation="source">parent</span>\n<ul>\n<li>child</li>\n</ul>\n'
                    '</li>\n<li><span lang="fr" data-translation="source">second</span></li>\n</ul>\n')


def test_blocks_carry_the_language_of_their_text() -> None:
    body = "# Titre\n\n> Citation\n\n| Cellule |\n|---|\n| 42 |\n\n![Texte alternatif](https://example.org/a.png)\n"
    html = render_markdown(body, fallback)
    assert '<h1 lang="fr" data-translation="source">Titre</h1>' in html
    assert '<blockquote>\n<p lang="fr" data-translation="source">Citation</p>' in html
    assert '<th lang="fr" data-translation="source">Cellule</th>' in html
    assert "<td>42</td>" in html  # no letters: not a segment, no language marking
    assert '<p lang="fr" data-translation="source"><img src="https://example.org/a.png" alt="Texte alternatif"></p>' in html


def test_a_body_parsed_once_renders_each_locale_as_if_parsed_for_it() -> None:
    body = ("# Titre\n\n![Texte alternatif](https://example.org/a.png)\n\n- un\n- deux\n\n| Cellule |\n|---|\n| b |\n\n"
            "Un [lien](https://example.org) et ![image](https://example.org/b.png).\n")
    localisers = [fallback, lambda text: Piece(text.upper()), lambda text: Piece(f"*{text}*", status="unreviewed", mark="MT")]
    parsed = parse_body(body)
    for localise in [*localisers, *reversed(localisers)]:
        assert render_body(parsed, localise) == render_markdown(body, localise)


def test_translated_markdown_keeps_its_markup_and_unreviewed_mark() -> None:
    html = render_markdown("Un **mot** ici.\n", lambda text: Piece("A **word** here.", status="unreviewed", mark="MT"))
    assert html == ('<p data-translation="unreviewed">A <strong>word</strong> here.'
                    '<a class="unreviewed-mark" href="#unreviewed" title="MT">†</a></p>\n')


def test_join_pieces_uses_the_locale_pattern_and_escapes() -> None:
    pieces = [Piece("a<b"), fallback("Pérou"), Piece("c")]
    assert join_pieces(pieces, "es") == ('<bdi>a&lt;b</bdi>, <bdi><span lang="fr" data-translation="source">Pérou</span>'
                                         '</bdi> y <bdi>c</bdi>')
    assert join_pieces(pieces[:1], "en") == "<bdi>a&lt;b</bdi>"
    assert join_pieces([], "fr") == ""


def test_locales_have_bcp47_tags_and_own_names() -> None:
    assert bcp47_tag(parse_locale("pt_BR")) == "pt-BR"
    assert bcp47_tag(parse_locale("zh_Hant_TW")) == "zh-Hant-TW"
    assert describe_locale("es").name == "Español"
    assert (describe_locale("ar").dir, describe_locale("ar").name) == ("rtl", "العربية")


def test_relative_links_between_output_files() -> None:
    assert relative_href("es/slug/index.html", "fr/slug/index.html") == "../../fr/slug/index.html"
    assert relative_href("es/index.html", "es/slug/index.html") == "slug/index.html"
    assert relative_href("es/slug/index.html", "") == "../../"
    assert relative_href("index.html", "fr/index.html") == "fr/index.html"
