"""What counts as a placeholder or as markup in a message domain, and which checks it skips.

Each domain has built-in conventions that ``[tool.i18nprofiles.check.<domain>]``
can change:

- ``profiles`` (Markdown prose): ``%s``/``%(name)s`` and ``{name}`` are kept
  as written; Markdown and HTML marks are markup.
- ``messages`` (the theme's UI strings): the same placeholders; HTML tags are
  markup, Markdown marks are not.
- any other domain (an application's catalogue): ``%s`` and ``{name}`` kept,
  ``<name>`` placeholders kept in number but translated (``<path>`` →
  ``<chemin>``, as GNU programs do); HTML tags are markup.

Entries flagged ``<lang>-format`` are compared as format strings instead
(``check/placeholders.py``): the kinds that flag covers are not compared again here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from i18nprofiles.config import PLACEHOLDER_KINDS

KEPT, TRANSLATED, OFF = "kept", "translated", "off"
MARKDOWN, HTML, NO_MARKUP = "markdown", "html", "none"
PROFILES, MESSAGES = "profiles", "messages"


@dataclass(frozen=True)
class Conventions:
    """A domain's placeholder kinds with their mode (``kept`` or ``translated``; absent: prose),
    its markup, and the checks it skips."""

    placeholders: tuple[tuple[str, str], ...]  # (kind, mode), in PLACEHOLDER_KINDS order, "off" left out
    markup: str = MARKDOWN
    skip: frozenset[str] = frozenset()

    def mode(self, kind: str) -> str:
        """``kept``, ``translated`` or ``off``."""
        for name, mode in self.placeholders:
            if name == kind:
                return mode
        return OFF


BUILT_IN: dict[str | None, dict[str, Any]] = {
    PROFILES: {"placeholders": {"percent": KEPT, "brace": KEPT}, "markup": MARKDOWN},
    MESSAGES: {"placeholders": {"percent": KEPT, "brace": KEPT}, "markup": HTML},
    None: {"placeholders": {"percent": KEPT, "brace": KEPT, "angle": TRANSLATED}, "markup": HTML},
}


def build_conventions(domain: str | None, tables: dict[str, Any] | None = None) -> Conventions:
    """The conventions of ``domain``: built-in ones, with the domain's configured table laid over them.

    ``tables`` is the validated ``check`` setting (config.py checks its shape); ``domain`` None is
    an application catalogue whose domain is not known.
    """
    base = BUILT_IN.get(domain, BUILT_IN[None])
    table = (tables or {}).get(domain, {}) if domain is not None else {}
    modes = {**base["placeholders"], **table.get("placeholders", {})}
    placeholders = tuple((kind, modes[kind]) for kind in PLACEHOLDER_KINDS if modes.get(kind, OFF) != OFF)
    return Conventions(placeholders, table.get("markup", base["markup"]), frozenset(table.get("skip", ())))


def domain_of(path: Path) -> str | None:
    """The domain a catalogue file names: ``<domain>.po`` inside ``LC_MESSAGES``, else None."""
    return path.stem if path.parent.name == "LC_MESSAGES" else None
