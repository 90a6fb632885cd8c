"""Control characters in translations: refused, with the catalogue line.

A translation is shown on pages and in the sitemap: a NUL, an escape or
another C0/C1 control character there is never text (HTML and XML forbid
most of them) and may hide what follows from a reviewer.  Tabs and line
ends are text.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib

from i18nprofiles.errors import CatalogError

CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line ends, DEL, C1


def find_control(text: str) -> str | None:
    """The first control character of ``text`` (tab and line ends aside), or None."""
    found = CONTROL_RE.search(text)
    return found.group() if found else None


def check_translations(catalog: polib.POFile, path: str | Path) -> None:
    """CatalogError at the entry's line for a translation (msgstr or plural form) holding a control character."""
    for entry in catalog:
        texts = [entry.msgstr, *(entry.msgstr_plural or {}).values()]
        for text in texts:
            control = find_control(text) if text else None
            if control is not None:
                raise CatalogError(f"control character U+{ord(control):04X} in a translation", path,
                                   entry.linenum or None)
