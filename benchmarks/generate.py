"""Deterministic inputs for the benchmarks: catalogue sets and projects of profiles.

Usage: python benchmarks/generate.py catalogs 2000 DIR
       python benchmarks/generate.py project 1000 DIR

A *catalogue set* is what ``update`` meets after a round of editing: the old
catalogues (``locales/<ll>/LC_MESSAGES/profiles.po``, every msgid translated)
and a new template (``locales/profiles.pot``) in which 5 % of the msgids were
edited by 1-3 words and 5 % replaced by new unrelated paragraphs.
``manifest.json`` records which is which, for the agreement measurement.

A *project* is a folder with ``i18nprofiles.toml`` (source fr, locales
fr/es/en), N profiles of about six paragraphs with front matter, the template
and complete es/en catalogues.  Same arguments, same bytes.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polib

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))
sys.path.insert(0, str(BENCH_DIR.parent))

import corpus  # noqa: E402

from i18nprofiles.gettext.pofile import catalog_text  # noqa: E402
from i18nprofiles.config import load_config  # noqa: E402
from i18nprofiles.commands.extract import extract  # noqa: E402
from i18nprofiles.gettext.merge import new_catalog  # noqa: E402

#: Target locales of a catalogue set (three catalogues, as in the memory target).
CATALOG_LOCALES = ("es", "en", "pt")
#: Locales of a generated project: the source first.
PROJECT_LOCALES = ("fr", "es", "en")
#: A fixed date for every header, so that generated files never differ.
FIXED_DATE = "2024-03-18 09:30+0000"
SHARE_EDITED = 0.05
SHARE_NEW = 0.05


# -- paragraphs --------------------------------------------------------------


def make_paragraphs(n: int, seed: int) -> list[str]:
    """Return *n* distinct French-like paragraphs from ``corpus``.

    ``corpus.paragraph`` of the first version can loop forever when a
    paragraph is two words short of 80 and no sentence is that short; the
    version with ``drafts`` stops there.  Until it is merged, sentences are
    assembled here with the same bound.
    """
    if hasattr(corpus, "drafts"):
        return corpus.paragraphs(n, seed)
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        text = _bounded_paragraph(rng)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def _bounded_paragraph(rng: random.Random) -> str:
    """One paragraph of 20 to 80 words: stop at the first sentence that would pass 80."""
    target = rng.randint(20, 80)
    sentences: list[str] = []
    count = 0
    while count < target:
        words = corpus._sentence(rng)
        if count + len(words) > 80:
            if count >= 20:
                break
            continue
        sentences.append(corpus._typeset(words))
        count += len(words)
    return " ".join(sentences)


# -- catalogue sets ------------------------------------------------------------


@dataclass
class CatalogCase:
    """Old msgids (translated) and the new template's msgids derived from them."""

    old: list[str]
    new: list[str]
    edited: dict[str, str] = field(default_factory=dict)  # new msgid -> old msgid
    unrelated: list[str] = field(default_factory=list)


def build_catalog_case(size: int, seed: int = 0) -> CatalogCase:
    """Return *size* old msgids and a template where 5 % are edited and 5 % new."""
    rng = random.Random(seed)
    old = make_paragraphs(size, seed)
    n_changed = round(size * SHARE_EDITED)
    fresh = iter(make_paragraphs(round(size * SHARE_NEW) + 100, seed + 1_000_003))
    positions = rng.sample(range(size), 2 * n_changed)
    to_edit, to_replace = set(positions[:n_changed]), set(positions[n_changed:])
    case = CatalogCase(old, [])
    taken = set(old)
    for index, text in enumerate(old):
        if index in to_edit:
            changed = corpus.edit(text, rng, rng.randint(1, 3))
            while changed in taken:
                changed = corpus.edit(text, rng, rng.randint(1, 3))
            case.edited[changed] = text
        elif index in to_replace:
            changed = next(fresh)
            while changed in taken:
                changed = next(fresh)
            case.unrelated.append(changed)
        else:
            case.new.append(text)
            continue
        taken.add(changed)
        case.new.append(changed)
    return case


def pseudo_translation(text: str, locale: str) -> str:
    """A stand-in translation of paragraph length that differs per locale."""
    return f"[{locale}] " + " ".join(reversed(text.split(" ")))


def _header(catalog: polib.POFile, project: str) -> None:
    catalog.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": FIXED_DATE,
        "PO-Revision-Date": FIXED_DATE,
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }


def build_catalog(msgids: list[str], locale: str | None, project: str) -> polib.POFile:
    """A template (``locale`` None) or a complete catalogue of *msgids*, with references."""
    catalog = polib.POFile(wrapwidth=0)
    _header(catalog, project)
    if locale:
        catalog.metadata["Language"] = locale
        catalog.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    for index, msgid in enumerate(msgids):
        catalog.append(
            polib.POEntry(
                msgid=msgid,
                msgstr=pseudo_translation(msgid, locale) if locale else "",
                occurrences=[(f"profiles/p{index // 6:05d}.md", str(10 + 3 * (index % 6)))],
                comment=f"p{index // 6:05d}: paragraph",
            )
        )
    return catalog


def write_catalog_set(size: int, root: Path, seed: int = 0) -> CatalogCase:
    """Write the catalogue set of *size* messages under *root* and return its case."""
    case = build_catalog_case(size, seed)
    project = f"bench-{size}"
    locales_dir = root / "locales"
    locales_dir.mkdir(parents=True, exist_ok=True)
    (root / "i18nprofiles.toml").write_text(
        f'project = "{project}"\nsource_locale = "fr"\n'
        f"locales = {json.dumps(['fr', *CATALOG_LOCALES])}\nprofiles = []\n",
        encoding="utf-8",
    )
    (locales_dir / "profiles.pot").write_text(catalog_text(build_catalog(case.new, None, project)), encoding="utf-8")
    for locale in CATALOG_LOCALES:
        path = locales_dir / locale / "LC_MESSAGES" / "profiles.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(catalog_text(build_catalog(case.old, locale, project)), encoding="utf-8")
    manifest = {"size": size, "seed": seed, "edited": case.edited, "unrelated": case.unrelated}
    (root / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return case


# -- projects of profiles ------------------------------------------------------

_TAGS = [
    "Agroécologie", "Commerce équitable", "Économie sociale", "Éducation", "Santé communautaire",
    "Coopératives", "Artisanat", "Café", "Cacao", "Quinoa", "Microcrédit", "Droits des femmes",
    "Eau potable", "Forêts", "Tourisme solidaire", "Langues autochtones", "Formation", "Jeunesse",
]
_FIRST = corpus.ZipfClass("María José Juan Rosa Carmen Ana Luis Pedro Lucía Elena Jorge Sofía Claire Marie Paul")
_LAST = corpus.ZipfClass("Quispe Mamani Huamán Flores Rojas Piscart Dupont Martin Lefèvre García López Choque Condori")
_PLACES = corpus.ZipfClass("Cusco Lima Puno Arequipa Quetzaltenango Antigua Cobán Madrid Séville Liège Lyon Grenoble")


def profile_text(index: int, paragraphs: list[str], rng: random.Random) -> str:
    """The Markdown source of one generated profile (front matter and body)."""
    name = f"{_FIRST.draw(rng)} {_LAST.draw(rng)}"
    headline = paragraphs[0].split(". ")[0].rstrip(".")
    tags = sorted(set(rng.sample(_TAGS, rng.randint(2, 4))))
    day = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(1500))
    lines = [
        "---",
        f"name: {name}",
        f"headline: {json.dumps(headline, ensure_ascii=False)}",
        f"location: {_PLACES.draw(rng)}",
        f"updated: {day.isoformat()}",
        "tags:",
        *[f"  - {tag}" for tag in tags],
        "links:",
        f'  - {{label: Site de l’organisation, url: "https://example.org/p{index:05d}"}}',
        "---",
        "",
    ]
    body = paragraphs[1:]
    half = len(body) // 2
    for number, paragraph in enumerate(body):
        if number == half:
            lines += ["## Témoignage", ""]
        lines += [*_wrap(paragraph, 78), ""]
    return "\n".join(lines)


def _wrap(text: str, width: int) -> list[str]:
    """Soft-wrap a paragraph as an author would; Markdown joins the lines again."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines


def write_project(count: int, root: Path, seed: int = 0) -> int:
    """Write a project of *count* profiles with a template and complete catalogues; return its messages."""
    rng = random.Random(seed)
    texts = make_paragraphs(count * 7, seed + 7)
    (root / "profiles").mkdir(parents=True, exist_ok=True)
    (root / "i18nprofiles.toml").write_text(
        f'project = "bench-{count}-profiles"\nsource_locale = "fr"\n'
        f"locales = {json.dumps(list(PROJECT_LOCALES))}\n"
        'profiles = ["profiles/*.md"]\nsite_url = "https://profiles.example.org/"\n',
        encoding="utf-8",
    )
    start = 0
    for index in range(count):
        size = rng.randint(5, 8)  # a headline and 4-7 body paragraphs: about 6 paragraphs
        chosen = texts[start : start + size] if start + size <= len(texts) else rng.sample(texts, size)
        start += size
        path = root / "profiles" / f"p{index:05d}.md"
        path.write_text(profile_text(index, chosen, rng), encoding="utf-8")
    config = load_config(root)
    result = extract(config)
    template = polib.pofile(str(result.path))
    for locale in PROJECT_LOCALES[1:]:
        catalog = new_catalog(template, locale, created=FIXED_DATE)
        for entry in catalog:
            entry.msgstr = pseudo_translation(entry.msgid, locale)
        path = config.locales_dir / locale / "LC_MESSAGES" / "profiles.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(catalog_text(catalog, width=config["width"]), encoding="utf-8")
    return result.messages


def main(argv: list[str] | None = None) -> int:
    """Write one catalogue set or project."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["catalogs", "project"])
    parser.add_argument("size", type=int, help="messages (catalogs) or profiles (project)")
    parser.add_argument("directory", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.kind == "catalogs":
        case = write_catalog_set(args.size, args.directory, args.seed)
        print(f"{args.directory}: {len(case.new)} msgids, {len(case.edited)} edited, {len(case.unrelated)} new")
    else:
        messages = write_project(args.size, args.directory, args.seed)
        print(f"{args.directory}: {args.size} profiles, {messages} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
