"""The pure data model: profiles and their translatable segments.  No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

# Front-matter fields that are always translated (dotted: ``photo.alt`` is the
# ``alt`` of the ``photo`` mapping, ``links.label`` the ``label`` of each link).
TRANSLATED_FIELDS = ("headline", "location", "photo.alt", "tags", "links.label")

# Kinds of body segments, in the words used in ``#.`` comments.
BLOCK_KINDS = ("heading", "paragraph", "list-item", "blockquote", "table-cell", "image-alt")


def shorten(text: str, size: int = 60) -> str:
    """A text on one line of at most ``size`` characters, for reports."""
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1] + "…"


class Segment(NamedTuple):
    """One translatable piece of a profile: a front-matter value or a Markdown block.

    A named tuple rather than a dataclass: a 10,000-profile project has tens
    of thousands of them, and tuples are built (and unpickled) several times faster.
    """

    text: str
    kind: str  # "field" for front matter, else one of BLOCK_KINDS
    field: str  # front-matter key (dotted), or "body"
    path: str  # relative to the project root, with "/" separators
    line: int

    @property
    def label(self) -> str:
        """What the segment is, for a translator: ``headline``, ``tags``, ``paragraph``…"""
        return self.field if self.kind == "field" else self.kind


@dataclass(frozen=True)
class Profile:
    """A person's profile as read from one file."""

    path: str
    slug: str
    name: str
    lang: str
    fields: dict[str, Any]
    body: str
    body_line: int
    segments: tuple[Segment, ...] = field(default=())
    digest: str = ""  # SHA-256 of the file's bytes, when read from a file

    @cached_property
    def texts(self) -> tuple[str, ...]:
        """The texts of its segments, each once, in order."""
        return tuple(dict.fromkeys([segment.text for segment in self.segments]))
