"""Extraction: golden files for every block kind and field, and the template's rules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from i18nprofiles.gettext.pofile import catalog_text
from i18nprofiles.source.template import build_template
from i18nprofiles.source.parse import parse_profile

from conftest import ROOT, needs_gettext

CASES = Path(__file__).parent / "extract"
FIELDS = ["summary", "awards.title"]


def render_case(case: Path) -> str:
    path = f"tests/extract/{case.name}"
    profile = parse_profile(case.read_text(encoding="utf-8"), path, translatable_fields=FIELDS)
    template = build_template([profile], project="golden", created="2024-03-18 12:00+0000")
    return catalog_text(template)


@pytest.mark.parametrize("case", sorted(p for p in CASES.iterdir() if p.suffix in (".md", ".yaml")), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    expected_file = case.with_suffix(".expect.pot")
    text = render_case(case)
    if os.environ.get("I18NPROFILES_UPDATE_GOLDEN"):
        expected_file.write_text(text, encoding="utf-8")
    assert text == expected_file.read_text(encoding="utf-8")


def test_blocks_are_segmented_as_the_design_says() -> None:
    profile = parse_profile((CASES / "blocks.md").read_text(encoding="utf-8"), "blocks.md")
    by_text: dict = {}
    for segment in profile.segments:
        by_text.setdefault(segment.text, segment)
    # soft breaks join with one space, inline markup stays as written
    joined = "Premier paragraphe avec un [lien](https://example.org/a?b=1&c=2) écrit sur deux lignes, du **gras** et de l’*italique*."
    assert by_text[joined].kind == "paragraph" and by_text[joined].line == 6
    # a hard break is kept
    assert "Une ligne qui finit par une coupure dure  \npuis la suite du paragraphe." in by_text
    # narrow no-break spaces and « » are content
    assert "Une question typographique\u202f: «\u00a0vraiment\u00a0»\u202f? Oui\u202f!" in by_text
    assert by_text["Deuxième élément continué sur une autre ligne"].kind == "list-item"
    assert by_text["Élément imbriqué"].kind == "list-item"
    assert by_text["Une citation sur deux lignes."].kind == "blockquote"
    assert by_text["Master à l’ULiège"].kind == "table-cell"
    assert by_text["Portrait d’Ana dans la vallée"].kind == "image-alt"
    assert "Un texte avec une image ![petite icône](icon.png) au milieu." in by_text
    texts = " ".join(by_text)
    assert "extrait" not in texts.replace("écrit", "")  # neither code nor raw HTML blocks
    assert "2024" not in by_text and "2009" not in by_text  # no words, nothing to translate


def test_same_text_is_one_entry_with_several_references() -> None:
    profile = parse_profile((CASES / "blocks.md").read_text(encoding="utf-8"), "tests/extract/blocks.md")
    template = build_template([profile])
    entry = template.find(next(s.text for s in profile.segments if s.text.startswith("Premier paragraphe")))
    assert entry.occurrences == [("tests/extract/blocks.md", "6"), ("tests/extract/blocks.md", "47")]
    assert entry.comment == "blocks: paragraph"


def test_no_format_flags_ever() -> None:
    profile = parse_profile((CASES / "fields.md").read_text(encoding="utf-8"), "fields.md")
    template = build_template([profile])
    assert template.find("100 % bio") is not None
    assert all(not entry.flags for entry in template)


@needs_gettext
@pytest.mark.parametrize("case", sorted(CASES.glob("*.expect.pot")), ids=lambda p: p.name)
def test_golden_templates_pass_msgfmt(case: Path, tmp_path: Path) -> None:
    subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "out.mo"), str(case)], check=True, capture_output=True)


def test_pybabel_plugin_gives_the_same_messages(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.cfg"
    mapping.write_text("[i18nprofiles: examples/profiles/**.md]\n[i18nprofiles: examples/profiles/**.yaml]\n")
    output = tmp_path / "babel.pot"
    subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()", "extract",
         "-F", str(mapping), "-o", str(output), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    ours = tmp_path / "ours.pot"
    subprocess.run([sys.executable, "-m", "i18nprofiles", "extract", "-o", str(ours)], cwd=ROOT, check=True,
                   capture_output=True)
    babel_entries = {e.msgid: sorted(e.occurrences) for e in polib.pofile(str(output))}
    our_entries = {e.msgid: sorted(e.occurrences) for e in polib.pofile(str(ours))}
    assert babel_entries == our_entries
    assert len(our_entries) > 20
