"""What ``msgfmt`` takes from a catalogue: the header, the charset it declares, and the entries it
compiles (and checks), with their strings.

An entry is compiled when it is not obsolete, its first msgstr is not empty (as msgfmt: a plural
entry missing a later form is still compiled), and it is not fuzzy unless fuzzy entries are
asked for.  The header is the msgstr of the empty msgid, fuzzy or not, when it is not empty.
"""

from __future__ import annotations

import codecs
import re

import polib

from i18nprofiles.errors import CatalogError

MSGCTXT_SEPARATOR = "\x04"
CHARSET_RE = re.compile(r"charset=([\w.:-]+)")
PLACEHOLDER_CHARSET = "CHARSET"  # the template's placeholder: the strings were read as UTF-8


def read_header(catalog: polib.POFile) -> str | None:
    """The header text (msgstr of the empty msgid), None when the catalogue has none or it is empty.

    polib keeps the header as ``metadata`` (one value per field, values stripped); it is written
    back one ``Field: value`` line each.  A reader that keeps the header's own text would return
    it here.
    """
    if not catalog.metadata:
        return None
    return "".join(f"{key}: {value}\n" for key, value in catalog.metadata.items())


def header_charset(header: str | None) -> str:
    """The Python codec for the charset a header declares (UTF-8 when none, or the placeholder).

    CatalogError when Python does not know the charset.
    """
    found = CHARSET_RE.search(content_type(header)) if header else None
    if found is None or found.group(1).upper() == PLACEHOLDER_CHARSET:
        return "utf-8"
    try:
        return codecs.lookup(found.group(1)).name
    except LookupError:
        raise CatalogError(f"unknown charset {found.group(1)!r}") from None


def content_type(header: str) -> str:
    """The value of the header's Content-Type field ("" when none)."""
    for line in header.split("\n"):
        if line.startswith("Content-Type:"):
            return line[len("Content-Type:"):]
    return ""


def translations(entry: polib.POEntry) -> list[str]:
    """The msgstr of an entry, or its plural forms in order."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def is_compiled(entry: polib.POEntry, use_fuzzy: bool) -> bool:
    """Whether msgfmt puts the entry in the .mo (and ``msgfmt -c`` checks it)."""
    if entry.obsolete or (entry.fuzzy and not use_fuzzy) or is_header_entry(entry):
        return False
    forms = translations(entry)
    return bool(forms) and bool(forms[0])


def is_header_entry(entry: polib.POEntry) -> bool:
    return entry.msgid == "" and entry.msgctxt is None


def compiled_entries(catalog: polib.POFile, use_fuzzy: bool) -> list[polib.POEntry]:
    """The entries msgfmt compiles, in the catalogue's order (the header apart)."""
    return [entry for entry in catalog if is_compiled(entry, use_fuzzy)]


def message_key(entry: polib.POEntry) -> str:
    """The original a program looks up: ``msgctxt\\x04msgid``, or the msgid alone without context."""
    return entry.msgid if entry.msgctxt is None else entry.msgctxt + MSGCTXT_SEPARATOR + entry.msgid
