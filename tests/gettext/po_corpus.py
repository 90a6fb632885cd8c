"""Helpers for the gettext tests: the real-world catalogues, GNU tools, and lookups through gettext.

The catalogues stay in ``../shared/realworld-po/`` (never copied into the repository); converted
versions are made in temporary folders.
"""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess
import unicodedata
from pathlib import Path

import polib
import pytest

from i18nprofiles.gettext.pofile import parse_catalog
from i18nprofiles.gettext.messages import MSGCTXT_SEPARATOR

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "realworld-po"
#: n for which every plural entry is looked up: the forms of every usual plural rule.
PLURAL_NS = (0, 1, 2, 3, 4, 5, 7, 11, 12, 21, 22, 25, 101, 102, 111, 1000, 1001)
#: Legacy charsets to convert each real catalogue to (ISO-8859-15 has œ and €, KOI8-R Cyrillic).
LEGACY_CHARSETS = {"fr": "ISO-8859-15", "de": "ISO-8859-1", "ru": "KOI8-R"}

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None or shutil.which("msgconv") is None,
                                  reason="GNU gettext (msgfmt, msgconv) is not installed")


def corpus_files() -> list[Path]:
    """Every real catalogue (.po) of the corpus; empty when the corpus is not there."""
    return sorted(CORPUS.glob("*/*.po")) if CORPUS.is_dir() else []


def corpus_id(path: Path) -> str:
    return f"{path.parent.name}-{path.stem}"


def read_po(path: Path) -> polib.POFile:
    """Read a catalogue as the project does (its declared charset decoded).  The one place to switch
    to another reader."""
    return parse_catalog(path.read_bytes(), path)


def run_msgfmt(po: Path, mo: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["msgfmt", *options, "-o", str(mo), str(po)], capture_output=True, text=True)


def language_of(path: Path) -> str:
    return path.name.split("-")[0]


def representable(text: str, charset: str) -> str:
    """``text`` with each character the charset lacks replaced by its decomposition's base, or "?"."""
    out = []
    for char in text:
        try:
            char.encode(charset)
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode(charset, "ignore").decode(charset)
            out.append(base or "?")
    return "".join(out)


def convert_catalog(source: Path, charset: str, folder: Path) -> Path:
    """A copy of a UTF-8 catalogue in ``charset``: characters it lacks made representable, then
    ``msgconv -t charset`` (GNU's conversion and layout)."""
    catalog = read_po(source)
    fields = ("msgid", "msgstr", "msgid_plural", "msgctxt", "tcomment", "comment")
    for entry in [entry for entry in catalog if entry.obsolete]:
        catalog.remove(entry)  # they play no part in a .mo, and could collide with a transliterated msgid
    for entry in catalog:
        for name in fields:
            value = getattr(entry, name)
            if value:
                setattr(entry, name, representable(value, charset))
        entry.msgstr_plural = {key: representable(value, charset) for key, value in entry.msgstr_plural.items()}
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    # Python's gettext decodes a .mo header as UTF-8 whatever its charset (and fails on msgfmt's file
    # as on ours): the header is made ASCII so that the lookups can be compared.
    catalog.metadata = {key: representable(value, "ascii") for key, value in catalog.metadata.items()}
    seen = set()
    for entry in list(catalog):
        if (entry.msgctxt, entry.msgid) in seen:
            catalog.remove(entry)  # two msgids that differed only by a character the charset lacks
        seen.add((entry.msgctxt, entry.msgid))
    staged = folder / f"{corpus_id(source)}.utf8.po"
    catalog.save(str(staged))
    target = folder / f"{corpus_id(source)}.{charset}.po"
    subprocess.run(["msgconv", "-t", charset, "-o", str(target), str(staged)], check=True, capture_output=True)
    return target


# -- lookups ------------------------------------------------------------------------------


def lookups(catalog: polib.POFile) -> list[tuple[str | None, str, str | None, int | None]]:
    """Every lookup a program can make for the catalogue's messages: (msgctxt, msgid, msgid_plural, n),
    translated or not, plural entries for each n of ``PLURAL_NS``."""
    found: list[tuple[str | None, str, str | None, int | None]] = []
    for entry in catalog:
        if entry.obsolete:
            continue
        if entry.msgid_plural:
            found += [(entry.msgctxt, entry.msgid, entry.msgid_plural, n) for n in PLURAL_NS]
        else:
            found.append((entry.msgctxt, entry.msgid, None, None))
    return found


def python_results(mo: bytes, asked: list[tuple[str | None, str, str | None, int | None]]) -> list[object]:
    """What Python's ``gettext.GNUTranslations`` gives for each lookup, then its header and charset."""
    translations = gettext.GNUTranslations(io.BytesIO(mo))
    results: list[object] = []
    for context, msgid, plural, n in asked:
        if plural is None:
            results.append(translations.gettext(msgid) if context is None else translations.pgettext(context, msgid))
        elif context is None:
            results.append(translations.ngettext(msgid, plural, n))
        else:
            results.append(translations.npgettext(context, msgid, plural, n))
    return results


def lookup_key(context: str | None, msgid: str) -> str:
    return msgid if context is None else context + MSGCTXT_SEPARATOR + msgid
