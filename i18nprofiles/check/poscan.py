"""A fast, read-only view of a catalogue for the CI gate.

``check`` reads every catalogue of a project on each CI run, and polib takes
seconds on a catalogue of tens of thousands of paragraphs.  This reader scans
the regular layout that GNU gettext, Poedit, Weblate and our own writer
produce with a handful of regular expressions.  Anything it does not
recognise goes to ``read_catalog`` (polib), which either reads it or raises
the CatalogError with the line: both paths give the same messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib

from i18nprofiles.catalog import CHARSET_RE, read_catalog
from i18nprofiles.errors import CatalogError

_STRING = r'"[^\n]*"\n(?:"[^\n]*"\n)*'
CHUNK_RE = re.compile(
    r"(?P<comments>(?:#(?:[.:,|]?(?: [^\n]*)?|~\|? [^\n]*)\n)*)"
    r"(?:(?:msgctxt (?P<ctxt>" + _STRING + r"))?"
    r"msgid (?P<id>" + _STRING + r")"
    r"(?:msgid_plural (?P<plural>" + _STRING + r"))?"
    r"(?:msgstr (?P<str>" + _STRING + r")|(?P<strs>(?:msgstr\[\d+\] " + _STRING + r")+)))?"
    r"\n*"
)
PIECE_RE = re.compile(r'^"((?:[^"\\\n]|\\.)*)"$', re.MULTILINE)
FORM_RE = re.compile(r"^msgstr\[\d+\] ", re.MULTILINE)
FLAGS_RE = re.compile(r"^#,(.*)$", re.MULTILINE)
EXTRACTED_RE = re.compile(r"^#\.(?: (.*))?$", re.MULTILINE)
TRANSLATOR_RE = re.compile(r"^#(?: (.*))?$", re.MULTILINE)
ESCAPE_RE = re.compile(r"\\(.)")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


class _Irregular(Exception):
    """The text is not in the layout this reader knows: let polib read it."""


@dataclass(frozen=True, slots=True)
class Message:
    """One entry of a catalogue, as the checks need it."""

    msgid: str
    strings: tuple[str, ...]  # msgstr, or msgstr[0], msgstr[1]…
    line: int  # first line of the entry, comments included (as polib counts)
    msgctxt: str | None = None
    msgid_plural: str = ""
    flags: tuple[str, ...] = ()
    tcomment: str = ""
    comment: str = ""
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        """Every form has a translation (fuzzy or not)."""
        return bool(self.strings) and all(self.strings)


def read_messages(path: str | Path) -> list[Message]:
    """The entries of a .po/.pot file, the header left out, in file order."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
    try:
        return scan_messages(_decode(data))
    except _Irregular:
        return [message_from_entry(entry) for entry in read_catalog(path) if entry.msgid or entry.msgctxt]


def read_keys(path: str | Path) -> dict[tuple[str | None, str], int]:
    """The (msgctxt, msgid) of every active entry with its line: all a template check needs."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
    try:
        return scan_keys(_decode(data))
    except _Irregular:
        return {m.key: m.line for m in read_messages(path) if not m.obsolete}


def scan_keys(text: str) -> dict[tuple[str | None, str], int]:
    """The keys of the active entries and their lines; _Irregular as for scan_messages."""
    keys: dict[tuple[str | None, str], int] = {}
    position, line, end = 0, 1, len(text)
    while position < end:
        match = CHUNK_RE.match(text, position)
        if match is None or match.end() == position:
            raise _Irregular
        if match["id"] is not None:
            if "\n#~" in "\n" + match["comments"]:
                raise _Irregular
            key = (_unquote(match["ctxt"]) if match["ctxt"] is not None else None, _unquote(match["id"]))
            if key in keys:
                raise _Irregular
            if key[1] or key[0] is not None:
                keys[key] = line
        line += text.count("\n", position, match.end())
        position = match.end()
    return keys


def _decode(data: bytes) -> str:
    found = CHARSET_RE.search(data[:4096])
    if found and found.group(1).lower() not in (b"utf-8", b"utf8", b"charset"):
        raise _Irregular
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Irregular from None
    text = text.removeprefix("\ufeff")
    return text if text.endswith("\n") else text + "\n"


def scan_messages(text: str) -> list[Message]:
    """Scan catalogue text; _Irregular when it is not in the usual layout."""
    messages: list[Message] = []
    seen: set[tuple[str | None, str]] = set()
    position, line, end = 0, 1, len(text)
    while position < end:
        match = CHUNK_RE.match(text, position)
        if match is None or match.end() == position:
            raise _Irregular
        comments = match["comments"]
        if match["id"] is not None:
            if "\n#~" in "\n" + comments:
                raise _Irregular
            message = _build(match, comments, line, obsolete=False)
        elif "#~ msgid " in comments or "#~ msgctxt " in comments:
            message = _build_obsolete(comments, line)
        else:
            message = None
        if message is not None and (message.msgid or message.msgctxt is not None):
            if message.key in seen:
                raise _Irregular  # polib reports the duplicate with its line
            seen.add(message.key)
            messages.append(message)
        line += text.count("\n", position, match.end())
        position = match.end()
    return messages


def _build_obsolete(comments: str, line: int) -> Message:
    """An obsolete (``#~``) entry: its lines without the marks, read as an entry."""
    lines = []
    for row in comments.splitlines(keepends=True):
        if row.startswith("#~|"):
            lines.append("#|" + row[3:])
        elif row.startswith("#~"):
            lines.append(row[3:] if row.startswith("#~ ") else row[2:])
        else:
            lines.append(row)
    body = "".join(lines)
    match = CHUNK_RE.fullmatch(body)
    if match is None or match["id"] is None:
        raise _Irregular
    return _build(match, match["comments"], line, obsolete=True)


def _build(match: re.Match[str], comments: str, line: int, *, obsolete: bool) -> Message:
    flags = [f.strip() for row in FLAGS_RE.findall(comments) for f in row.split(",") if f.strip()] if "#," in comments else []
    extracted = EXTRACTED_RE.findall(comments) if "#." in comments else []
    translator = TRANSLATOR_RE.findall(comments) if "# " in comments or "#\n" in comments else []
    if match["str"] is not None:
        strings: tuple[str, ...] = (_unquote(match["str"]),)
    else:
        strs = match["strs"]
        forms = [m.start() for m in FORM_RE.finditer(strs)]
        strings = tuple(
            _unquote(strs[start:stop].split(" ", 1)[1]) for start, stop in zip(forms, [*forms[1:], len(strs)])
        )
    return Message(
        msgid=_unquote(match["id"]),
        strings=strings,
        line=line,
        msgctxt=_unquote(match["ctxt"]) if match["ctxt"] is not None else None,
        msgid_plural=_unquote(match["plural"]) if match["plural"] is not None else "",
        flags=tuple(flags),
        tcomment="\n".join(translator).lstrip("\n"),  # as polib joins them
        comment="\n".join(extracted).lstrip("\n"),
        obsolete=obsolete,
    )


def _unquote(block: str) -> str:
    """The text of ``"…"`` lines: quotes and line joins removed, escapes decoded."""
    text = block[1:-2].replace('"\n"', "")
    if '"' in text and len(PIECE_RE.findall(block)) != block.count("\n"):
        raise _Irregular  # an unescaped quote inside a string
    return ESCAPE_RE.sub(_unescape, text) if "\\" in text else text


def _unescape(match: re.Match[str]) -> str:
    try:
        return ESCAPES[match.group(1)]
    except KeyError:
        raise _Irregular from None


def message_from_entry(entry: polib.POEntry) -> Message:
    """The Message of a polib entry."""
    if entry.msgid_plural:
        strings = tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
    else:
        strings = (entry.msgstr,)
    return Message(
        msgid=entry.msgid,
        strings=strings,
        line=max(entry.linenum, 1),  # polib counts the first entry of a headerless file as line 0
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural or "",
        flags=tuple(entry.flags),
        tcomment=entry.tcomment or "",
        comment=entry.comment or "",
        obsolete=bool(entry.obsolete),
    )
