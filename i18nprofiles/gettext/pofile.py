"""Read and write .po/.pot files as GNU gettext does: strict, lossless, byte-identical.

Reading (``read_po``, ``read_po_file``)
=======================================

The reader accepts what ``msgfmt -o /dev/null FILE`` (GNU gettext 0.21, no
``-c``) accepts and raises ``CatalogError(message, path, line)`` on the rest,
at the line msgfmt reports (for a string cut by the end of its line: that
line, where msgfmt names the next one):

* lexical errors: a string without its closing quote (end of line or end of
  file inside it), an invalid escape (``\\q``; valid are ``\\n \\t \\b
  \\r \\f \\v \\a \\\\ \\"``, octal ``\\ooo`` and hex ``\\xHH…``), a
  word that is not a keyword (``msgstrr``, ``msgstr`` after ``#|``), any
  other character outside strings (control characters, U+2028 and other
  non-ASCII ones included: only space, tab, CR, FF and VT are blanks), the
  context separator U+0004 inside a string;
* grammar errors: a message without ``msgstr`` (also when the file ends
  after ``msgid``), ``msgid_plural`` without ``msgstr[n]``, ``msgstr[n]``
  without ``msgid_plural``, plural forms not numbered 0, 1, 2…, a comment or
  anything else in the middle of a message, ``#~`` on some lines of a message
  and not on others;
* the same msgctxt and msgid twice, obsolete entries included;
* bytes invalid in the declared charset: in strings, and right after a
  ``#`` (GNU tolerates them in the rest of a comment, and so does this
  reader: they are kept, and written back, as they are).  Like GNU, the
  header and what precedes it are read as bytes, before the charset applies;
* msgfmt's compile check (``compile_checks=False`` skips it, as msgmerge
  does): in a translated, non-fuzzy entry, msgid, msgid_plural and every
  msgstr all begin with ``\\n`` or none do, and all end with it or none do.

Deliberate differences with ``msgfmt``, where GNU's other tools refuse the
file too: a charset outside GNU's portable list (``msgfmt`` warns and reads
bytes, ``msgcat`` and ``msgmerge`` refuse); non-UTF-8 bytes in the strings
of a file that declares no charset (or the ``CHARSET`` placeholder), which
is read as UTF-8 (``msgcat`` refuses non-ASCII there); a byte made by an
escape (``\\351``) that does not decode in the charset.  A UTF-8 byte order
mark is skipped (GNU reports a syntax error).  ``domain`` directives are
read and ignored, as ``msgfmt -o`` does (``msgcat`` keeps them).  As in GNU:
a NUL (raw or ``\\0``) ends its string or comment, backslash-newline joins
lines anywhere (but inside a UTF-8 character), ``#|`` before a comment
still marks the next line, strings after blank lines continue the message,
and a second ``#,`` line replaces the first one's flags.

The charset is the header's ``charset=`` (GNU's list: UTF-8, ISO-8859-n,
KOI8-R/U/T, CP125n, CP8xx, EUC-JP/KR/TW, GB2312, GBK, GB18030, BIG5(-HKSCS),
SHIFT_JIS, JOHAB…, in any case); ``POFile.encoding`` is Python's codec.

The model
=========

polib's objects, so that the rest of the code keeps its attributes.  A
``POFile`` holds the entries in file order, active and obsolete together,
without the header entry, which is spread over ``header`` (its translator
comment, lines joined by ``\\n``), ``metadata`` (``Key: value`` lines in
order) and ``metadata_is_fuzzy`` (``["fuzzy"]`` or ``[]``).  What polib
cannot hold is kept in a few extra attributes:

* ``POFile.header_msgstr``: the header's msgstr exactly as read, and
  ``POFile.header_metadata``: ``metadata`` as it was read.  The writer
  writes ``header_msgstr`` as long as ``metadata`` still equals
  ``header_metadata`` (so duplicate keys, lines without ``: ``, a missing
  final newline survive), and composes the msgstr from ``metadata`` once the
  code changed it.  Duplicate keys: ``metadata`` has the last value.
* ``POFile.header_entry``: the header as a ``POEntry`` (None when the file
  has none) with its extracted comments, references, flags and previous
  strings; ``header`` and ``metadata_is_fuzzy`` stay authoritative.
  ``POFile.header_position``: how many active entries came before the
  header (0 but in odd files; GNU writes the header where it was).
* ``POEntry.blank_tcomment`` / ``blank_comment`` (set only when true): the
  entry's translator / extracted comment is one empty line, which polib's
  string ``""`` cannot tell from no comment.

Entries: ``msgctxt`` None (no msgctxt) differs from ``""``; ``flags`` are
the tokens of the last ``#,`` line (GNU forgets earlier ones), ``range: a..b``
as one flag; ``occurrences`` are (file, line) with the line as a decimal
string, ``""`` when there is none; obsolete entries keep their comments,
flags and previous strings (``#~|``).  ``msgstr_plural`` maps 0, 1… to
strings.  ``linenum`` is the line of the entry's first line (its first
comment, else its msgctxt/msgid line), as polib counts it, 1-based.

Writing (``generate_po``, ``generate_blocks``, ``encode_po``, ``write_po``)
============================================================================

The bytes of ``msgcat -w WIDTH`` (GNU gettext 0.21) for the same content:
line breaking by Unicode rules through ``linebreak``, no break inside an
escape or a format directive (``directives``), the header wrapped like any
message, references wrapped at the width, flags in GNU's order and only the
ones GNU knows (fuzzy, ``[no-|possible-]LANG-format``, ``range:``,
``no-wrap``; fuzzy is dropped on an untranslated entry), references
deduplicated without ``./``, obsolete entries without a translation dropped,
the file encoded in its declared charset.  ``width=0`` writes strings
unwrapped (``msgcat --no-wrap``: references still wrap at 79).  Plural
forms are written as the entry has them (an entry without any gets the
header's nplurals empty ones).  Unlike ``msgcat``, a catalogue with a header
and no message is still written (``msgcat --force-po``).
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import functools
import gc
import os
import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import polib

from i18nprofiles.errors import CatalogError
from i18nprofiles.files import write_text_atomic
from i18nprofiles.gettext.directives import FORMAT_LANGUAGES, directive_spans
from i18nprofiles.gettext.linebreak import text_width, width_breaks, width_breaks_many

GNU_WIDTH = 79
DEFAULT_WIDTH = 76  # the project's ``width`` setting's default
CHUNK = 512  # entries whose strings are line-broken in one batch

# GNU's portable charsets (po-charset.c), upper-cased, and Python's codec for each.
CHARSETS = {
    "ASCII": "ascii", "ANSI_X3.4-1968": "ascii", "US-ASCII": "ascii", "UTF-8": "utf-8",
    **{f"ISO-8859-{n}": f"iso8859_{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)},
    **{f"ISO_8859-{n}": f"iso8859_{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 14, 15)},
    "KOI8-R": "koi8_r", "KOI8-U": "koi8_u", "KOI8-T": "koi8_t", "CP850": "cp850", "CP866": "cp866",
    "CP874": "cp874", "CP932": "cp932", "CP949": "cp949", "CP950": "cp950",
    **{f"CP125{n}": f"cp125{n}" for n in range(8)},
    "GB2312": "gb2312", "EUC-JP": "euc_jp", "EUC-KR": "euc_kr", "EUC-TW": "euc_tw", "BIG5": "big5",
    "BIG5-HKSCS": "big5hkscs", "GBK": "gbk", "GB18030": "gb18030", "SHIFT_JIS": "shift_jis", "JOHAB": "johab",
    "TIS-620": "tis_620", "VISCII": "viscii", "GEORGIAN-PS": "georgian_ps",
}
# Encodings in which libunistring counts ambiguous-width characters as two columns.
CJK_CHARSETS = {"EUC-JP", "GB2312", "GBK", "EUC-TW", "BIG5", "EUC-KR", "CP949", "JOHAB"}

HEADER_RE = re.compile(
    rb'^msgid[ \t]+""[ \t\r]*\n(?:[ \t]*""[ \t\r]*\n)*msgstr[ \t]+((?:"(?:[^"\\\n]|\\.)*"[ \t\r]*\n?)+)', re.M
)
ESCAPES = {"n": "\n", "t": "\t", "b": "\b", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "\\": "\\", '"': '"'}
ESCAPE_RE = re.compile(r"\\(?:([ntbrfva\\\"])|([0-7]{1,3})|x([0-9A-Fa-f]+)|(.|$))", re.S)
SURROGATE_RE = re.compile("[\udc80-\udcff]")

# One typical entry (comments, previous strings, msgctxt, msgid, msgstr or plural forms), followed by a
# blank line or the end, is read with one match (``_entry_patterns``), active and obsolete ones alike.
# Anything else goes through the general parser.
_STR = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'


def _lines(prefix: str) -> str:
    return rf"{_STR}\n(?:{re.escape(prefix)}{_STR}\n)*"


def _entry_re(prefix: str, previous: str) -> re.Pattern[str]:
    p, pp = re.escape(prefix), re.escape(previous)
    return re.compile(
        r"((?:#(?:[^~|\n][^\n]*)?\n)*)"
        rf"(?:(?:{pp}msgctxt ({_lines(previous)}))?{pp}msgid ({_lines(previous)})"
        rf"(?:{pp}msgid_plural ({_lines(previous)}))?)?"
        rf"(?:{p}msgctxt ({_lines(prefix)}))?"
        rf"{p}msgid ({_lines(prefix)})"
        rf"(?:{p}msgstr ({_lines(prefix)})|{p}msgid_plural ({_lines(prefix)})((?:{p}msgstr\[\d+\] {_lines(prefix)})+))"
        # the message ends here: no string follows, even after blank lines
        r"(?=\n|\Z)(?![ \t\r\f\v\n]*(?:#~[ \t]*)?\")"
        r"[ \t\r\f\v\n]*"  # GNU's blanks only (\s would take U+2028 and the like)
    )


@functools.cache
def _entry_patterns() -> tuple[tuple[re.Pattern[str], re.Pattern[str]], re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """ENTRY_RES (active, obsolete), SIMPLE_ENTRY_RE and FORM_RES (active, obsolete), compiled on first use.

    SIMPLE_ENTRY_RE is the commonest shape of all, its comments in GNU's
    order with the usual spacing: read without a loop.
    """
    entries = (_entry_re("", "#| "), _entry_re("#~ ", "#~| "))
    simple = re.compile(
        r"((?:#(?: [^\n]*)?\n)*)((?:#\.(?: [^\n]*)?\n)*)((?:#:[^\n]*\n)*)(?:#,([^\n]*)\n)?"
        rf"(?:msgctxt ({_lines('')}))?msgid ({_lines('')})"
        rf"(?:msgstr ({_lines('')})|msgid_plural ({_lines('')})((?:msgstr\[\d+\] {_lines('')})+))"
        r"(?=\n|\Z)(?![ \t\r\f\v\n]*(?:#~[ \t]*)?\")[ \t\r\f\v\n]*"
    )
    forms = (re.compile(rf"msgstr\[(\d+)\] ({_lines('')})"), re.compile(rf"#~ msgstr\[(\d+)\] ({_lines('#~ ')})"))
    return entries, simple, forms
SIMPLE_REFS_RE = re.compile(r"(?: [^\s:]*(?::[^\s:]+)*:(?:0|[1-9][0-9]*))+")  # " a.c:12 b/c.py:3"
REF_PAIR_RE = re.compile(r" ([^\s]*):([0-9]+)")  # on a line SIMPLE_REFS_RE matched: the last colon of each word
SIMPLE_FLAGS_RE = re.compile(r" [a-z-]+(?:, [a-z-]+)*")  # " fuzzy, c-format"
NUMERIC_ESCAPE_RE = re.compile(r"\\[0-7x]")  # escapes that a neighbour string could lengthen
BLANKS_RE = re.compile(r"[ \t\r\f\v\n]*")

# Tokens of the general parser.
COMMENT, STRING, KEYWORD, OPEN, CLOSE, NUMBER, DOMAIN = "comment", "string", "keyword", "[", "]", "number", "domain"
KEYWORDS = {"msgid", "msgstr", "msgctxt", "msgid_plural", "domain"}
WORD_RE = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
DIGITS_RE = re.compile(r"[0-9]+")
STRING_BODY_RE = re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*')
BLANK_CHARS = " \t\r\f\v"


# -- reading -------------------------------------------------------------------


def read_po_file(path: str | Path, *, compile_checks: bool = True) -> polib.POFile:
    """Read a .po/.pot file (see ``read_po``); CatalogError when it cannot be read."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read catalogue: {exc.strerror}", path) from None
    catalog = read_po(data, path, compile_checks=compile_checks)
    catalog.fpath = str(path)
    return catalog


def read_po(data: bytes, path: str | Path, *, compile_checks: bool = True) -> polib.POFile:
    """Parse the bytes of a catalogue strictly; CatalogError with the line on what msgfmt rejects.

    ``compile_checks=False`` skips msgfmt's check of leading and trailing
    newlines (which msgmerge and msgcat do not make): for tools that merge
    or rewrite a catalogue rather than compile it.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    joined = split = None
    if b"\\\n" in data:
        data, joined, split = _join_continued_lines(data)
    charset = header_charset(data)
    codec = _codec(charset, path)
    collecting = gc.isenabled()
    gc.disable()  # entries hold no cycles: collections during the parse would only cost time
    try:
        if codec == "utf-8" and joined is None and len(data) > 2 * PIECE_BYTES and b"\x00" not in data:
            catalog = _read_in_pieces(data, str(path), charset, compile_checks)
            if catalog is not None:
                return catalog
        reader = _Reader(data.decode(codec, "surrogateescape"), str(path), charset, codec, joined)
        reader.compile_checks = compile_checks
        if split and codec == "utf-8":
            reader.split_lines = set(split)
            reader.check_bytes = True
        return reader.read()
    except CatalogError as exc:
        if joined and exc.line:
            exc.line = _original_line(exc.line, joined)
        raise
    finally:
        if collecting:
            gc.enable()


#: A large UTF-8 catalogue is decoded and read a piece of about this many bytes at a time: the text of
#: a whole catalogue of paragraphs is twice its bytes (one curly quote makes every character two bytes).
PIECE_BYTES = 4 << 20
#: A piece ends with a blank line followed by one of these: the start of an entry, never a string or
#: anything else that could continue the entry before the blank line.
PIECE_STARTS = (b"#:", b"#.", b"#,", b"msgid ", b"msgctxt ")


def piece_ends(data: bytes, size: int = PIECE_BYTES) -> list[int]:
    """Where the pieces of ``data`` end (the last one at its end): after a blank line, at an entry's start."""
    ends = []
    start = 0
    while len(data) - start > size:
        at = data.find(b"\n\n", start + size)
        while at >= 0 and not data.startswith(PIECE_STARTS, at + 2):
            at = data.find(b"\n\n", at + 1)
        if at < 0:
            break
        start = at + 2
        ends.append(start)
    ends.append(len(data))
    return ends


def _read_in_pieces(data: bytes, path: str, charset: str | None, compile_checks: bool,
                    size: int = PIECE_BYTES) -> polib.POFile | None:
    """A valid UTF-8 catalogue read piece by piece, as ``_Reader`` reads the whole text; None for any file
    that is not plain (bytes invalid in UTF-8, an error): the whole text is read then, for the same errors."""
    start = 0
    reader = None
    line = 1
    try:
        for end in piece_ends(data, size):
            text = data[start:end].decode("utf-8")
            start = end
            if reader is None:
                reader = _Reader(text, path, charset, "utf-8", None)
                reader.compile_checks, reader.text = compile_checks, ""
            line = reader.read_text(text, line)
        assert reader is not None
        return reader.finish(line)
    except (UnicodeDecodeError, CatalogError):
        return None


def header_charset(data: bytes) -> str | None:
    """The charset the header's msgstr declares (GNU's rule: after ``charset=`` up to a blank), or None."""
    found = HEADER_RE.search(data)
    if found is None:
        return None
    tokens = [_unescape_bytes(token) for token in re.findall(rb'"((?:[^"\\\n]|\\.)*)"', found.group(1))]
    value = b"".join(token.split(b"\x00", 1)[0] for token in tokens)  # each string ends at a NUL, as in GNU
    at = value.find(b"charset=")
    if at < 0:
        return None
    name = re.match(rb"[^ \t\n]*", value[at + 8:]).group(0)  # type: ignore[union-attr]
    return name.decode("latin-1")


def _unescape_bytes(raw: bytes) -> bytes:
    try:
        return _unescape(raw.decode("latin-1")).encode("latin-1", "replace")
    except ValueError:
        return raw


def _codec(charset: str | None, path: str | Path) -> str:
    if charset is None or charset == "CHARSET":
        return "utf-8"
    codec = CHARSETS.get(charset.upper())
    if codec is None:
        message = f'charset "{charset}" is not a portable encoding name (GNU gettext cannot convert it)'
        raise CatalogError(message, path, 1)
    return codec


def _join_continued_lines(data: bytes) -> tuple[bytes, list[int], list[int]]:
    """The bytes without backslash-newline pairs, the joined line numbers (1-based, of the merged text), and
    the lines where a pair split a multibyte character.

    GNU joins them all, but it reads characters before it joins lines: a
    string (after the header, once the charset is known) in which a pair
    splits a character is invalid; a comment, or the header, is not.
    """
    pieces = []
    joined = []
    split = []
    line = 1
    start = 0
    for found in re.finditer(rb"\\\n", data):
        at, end = found.span()
        line += data.count(b"\n", start, at)
        pieces.append(data[start:at])
        joined.append(line)
        if at > 0 and data[at - 1] >= 0x80 and _cut_utf8(data, at):
            split.append(line)
        start = end
    pieces.append(data[start:])
    return b"".join(pieces), joined, split


def _cut_utf8(data: bytes, at: int) -> bool:
    """Whether the bytes before ``at`` end with an incomplete UTF-8 character."""
    start = at - 1
    while start > 0 and at - start < 4 and 0x80 <= data[start] < 0xC0:
        start -= 1
    lead = data[start]
    size = 2 if 0xC0 <= lead < 0xE0 else 3 if 0xE0 <= lead < 0xF0 else 4 if 0xF0 <= lead < 0xF8 else 0
    return size > at - start


def _original_line(line: int, joined: list[int]) -> int:
    return line + sum(1 for at in joined if at < line)


def _unescape(text: str, codec: str = "latin-1") -> str:
    """The value of a string's escapes (GNU's: C escapes, octal, hex of any length); ValueError on a bad one.

    Octal and hex escapes make bytes: above 0x7F they are decoded with the
    rest of the string in ``codec`` (bytes that do not decode become lone
    surrogates, as ``surrogateescape`` makes them).
    """
    if "\\" not in text:
        return text
    pieces: list[str | int] = []
    high = False
    last = 0
    for found in ESCAPE_RE.finditer(text):
        pieces.append(text[last:found.start()])
        simple, octal, hexa, bad = found.groups()
        if simple:
            pieces.append(ESCAPES[simple])
        elif octal or hexa:
            value = int(octal, 8) & 0xFF if octal else int(hexa, 16) & 0xFF
            if value < 0x80:
                pieces.append(chr(value))
            else:
                pieces.append(value)
                high = True
        else:
            raise ValueError("invalid control sequence")
        last = found.end()
    pieces.append(text[last:])
    if not high:
        return "".join(pieces)  # type: ignore[arg-type]
    raw = bytearray()
    for piece in pieces:
        raw += bytes([piece]) if isinstance(piece, int) else piece.encode(codec, "surrogateescape")
    return raw.decode(codec, "surrogateescape")


_new_entry = object.__new__


class _Message:
    """A message being read by the general parser."""

    __slots__ = ("obsolete", "line", "first_line", "prev_ctxt", "prev_id", "prev_plural", "ctxt", "msgid",
                 "plural", "msgstr", "forms", "state", "id_line", "str_line")

    def __init__(self, obsolete: bool, line: int, first_line: int) -> None:
        self.obsolete = obsolete
        self.line = line
        self.first_line = first_line
        self.prev_ctxt: list[str] | None = None
        self.prev_id: list[str] | None = None
        self.prev_plural: list[str] | None = None
        self.ctxt: list[str] | None = None
        self.msgid: list[str] | None = None
        self.plural: list[str] | None = None
        self.msgstr: list[str] | None = None
        self.forms: list[list[str]] = []
        self.state = ""
        self.id_line = line
        self.str_line = 0


class _Reader:
    """One catalogue being read: the fast path for typical entries, a token parser for the rest."""

    def __init__(self, text: str, path: str, charset: str | None, codec: str, joined: list[int] | None) -> None:
        self.text = text
        self.path = path
        self.charset = charset
        self.codec = codec
        self.check_bytes = SURROGATE_RE.search(text) is not None
        self.escape_error_line = 0  # a string whose escapes make bytes invalid in the charset
        self.raw_error_line = 0  # a string with invalid bytes after a NUL (which ends its value)
        self.bad_byte_line = 0  # the first string of the entry with bytes invalid in the charset
        self.str_line = 0  # the line of the entry's msgstr (or msgstr[0]), where msgfmt reports its checks
        self.carry_previous = False
        self.split_lines: set[int] = set()  # lines where a backslash-newline split a multibyte character
        self.compile_checks = True
        self.tokens_after_header = 0  # GNU reads one token past the header before it knows the charset
        self.catalog = polib.POFile(encoding=codec, wrapwidth=GNU_WIDTH)
        self.catalog.header_entry = None
        self.catalog.header_position = 0
        self.catalog.header_msgstr = None
        self.catalog.header_metadata = {}
        self.catalog.metadata_is_fuzzy = []
        self.seen: dict[tuple[str | None, str], int] = {}
        self.entries: list[polib.POEntry] = []
        # comment state of the general parser
        self.comments: list[str] = []
        self.dots: list[str] = []
        self.refs: list[tuple[str, str]] = []
        self.flags: list[str] = []
        self.comment_line = 0
        self.message: _Message | None = None

    def error(self, message: str, line: int) -> CatalogError:
        return CatalogError(message, self.path, line)

    # -- driver

    def read(self) -> polib.POFile:
        text, self.text = self.text, ""
        return self.finish(self.read_text(text, 1))

    def finish(self, line: int) -> polib.POFile:
        """The catalogue, once every piece of the text is read (``line``: the line after the last)."""
        self.finish_message(line)
        self.catalog.extend(self.entries)
        return self.catalog

    def read_text(self, text: str, line: int) -> int:
        """Read the text (a piece of the file that begins on ``line`` and ends where an entry may begin, or
        the whole file); the line after it."""
        size = len(text)
        pos = 0
        entry_res, simple_re, _ = _entry_patterns()
        fast, fast_obsolete = entry_res[0].match, entry_res[1].match
        simple = simple_re.match
        has_nul = "\x00" in text  # a NUL ends a comment: the general path knows it
        count = text.count
        add_fast = self.add_fast
        add_message = self.add_message
        string = self.fast_string
        while pos < size:
            if self.message is not None and self.message_complete() and not _may_continue(text, pos):
                self.finish_message(line)
            if self.message is None and not self.carry_previous:
                found = simple(text, pos) if not (self.comment_line or self.check_bytes or has_nul) else None
                if found is not None:
                    # inline: the commonest entries, with no comment pending from the general parser
                    tcomments, dots, refs, flags, ctxt, msgid, msgstr, plural, forms = found.groups()
                    if tcomments:
                        self.comments = [comment[2:] for comment in tcomments[:-1].split("\n")]
                    if dots:
                        self.dots = [comment[3:] for comment in dots[:-1].split("\n")]
                    if refs:
                        self.refs = parse_references(refs.replace("\n#:", " ")[2:-1])
                    if flags is not None:
                        self.flags = parse_flags(flags)
                    first = line
                    if tcomments or dots or refs or flags is not None:
                        self.comment_line = line
                        line += (tcomments + dots + refs).count("\n") + (flags is not None)
                    ctxt_value = None
                    if ctxt is not None:
                        ctxt_value = string(ctxt, line)
                        line += ctxt.count("\n")
                    if msgstr is not None:
                        self.str_line = line + msgid.count("\n")
                        add_message(ctxt_value, string(msgid, line), None, string(msgstr, self.str_line), None,
                                    None, None, None, False, first, line)
                    else:
                        add_fast(found, first, False, simple=True)
                    end = found.end()
                    line = first + count("\n", pos, end)
                    pos = end
                    continue
                found = fast(text, pos)
                obsolete = False
                if found is None and text.startswith("#", pos):
                    found = fast_obsolete(text, pos)
                    obsolete = True
                if found is not None:
                    add_fast(found, line, obsolete)
                    end = found.end()
                    line += count("\n", pos, end)
                    pos = end
                    continue
            end = text.find("\n", pos)
            if end < 0:
                end = size
            self.read_line(text[pos:end], line, end >= size)
            pos = end + 1
            line += 1
        return line

    # -- the fast path

    def add_fast(self, found: re.Match[str], first: int, obsolete: bool, simple: bool = False) -> None:
        """One entry matched by ENTRY_RES (``first`` is the line it starts on), or a plural one by SIMPLE_ENTRY_RE."""
        if simple:
            tcomments, dots, refs, flags, ctxt, msgid, msgstr, plural, forms = found.groups()
            comments = tcomments + dots + refs + (f"#,{flags}\n" if flags is not None else "")
            prev_ctxt = prev_id = prev_plural = None
            first += comments.count("\n")
            comments = ""  # already taken by the caller
        else:
            comments, prev_ctxt, prev_id, prev_plural, ctxt, msgid, msgstr, plural, forms = found.groups()
        if not comments and self.catalog.header_entry is not None:
            self.tokens_after_header += 1  # the keyword
        if comments and ("\x00" in comments or self.check_bytes):
            for number, comment in enumerate(comments[:-1].split("\n")):
                self.add_comment(comment[1:], first + number)  # counts each comment among tokens_after_header
        elif comments:
            if self.catalog.header_entry is not None:
                self.tokens_after_header += 1
            if not self.comment_line:
                self.comment_line = first
            for comment in comments[:-1].split("\n"):
                kind = comment[1:2]
                if kind == ":":
                    self.refs.extend(parse_references(comment[2:]))
                elif kind == ",":
                    self.flags = parse_flags(comment[2:])
                elif kind == ".":
                    self.dots.append(comment[3:] if comment[2:3] == " " else comment[2:])
                else:
                    self.comments.append(comment[2:] if kind == " " else comment[1:])
        line = first + comments.count("\n")
        prefix = "#~ " if obsolete else ""
        string = self.fast_string
        prev_values: list[str | None] = [None, None, None]
        if prev_id is not None:
            previous = "#~| " if obsolete else "#| "
            for index, lines in enumerate((prev_ctxt, prev_id, prev_plural)):
                if lines is not None:
                    prev_values[index] = string(lines, line, previous)
                    line += lines.count("\n")
        ctxt_value = None
        if ctxt is not None:
            ctxt_value = string(ctxt, line, prefix)
            line += ctxt.count("\n")
        id_line = line
        msgid_value = string(msgid, line, prefix)
        if msgstr is not None:
            self.str_line = line + msgid.count("\n")
            self.add_message(ctxt_value, msgid_value, None, string(msgstr, self.str_line, prefix), None,
                             *prev_values, obsolete, first, id_line)
            return
        line += msgid.count("\n")
        plural_value = string(plural, line, prefix)
        line += plural.count("\n")
        self.str_line = line
        values = []
        for form in _entry_patterns()[2][obsolete].finditer(forms):
            index = int(form.group(1))
            if index != len(values):
                raise self.error("first plural form has nonzero index" if not values else "plural form has wrong index",
                                 line)
            values.append(string(form.group(2), line, prefix))
            line += form.group(2).count("\n")
        self.add_message(ctxt_value, msgid_value, plural_value, None, values, *prev_values, obsolete, first, id_line)

    def fast_string(self, lines: str, line: int, prefix: str = "") -> str:
        """The value of a run of string lines: ``"…"``, then ``prefix"…"`` lines, each with its newline."""
        body = lines[1:-2]
        if "\n" not in body:
            if "\\" in body or "\x00" in body or "\x04" in body or self.check_bytes:
                return self.string_value(body, line)
            return body
        joined = body.replace(f'"\n{prefix}"', "")
        if not (("\\" in joined and NUMERIC_ESCAPE_RE.search(joined)) or "\x00" in joined
                or (self.check_bytes and SURROGATE_RE.search(joined))):
            try:
                return self.string_value(joined, line)
            except CatalogError:
                pass  # find the line of the error below
        pieces = lines[:-1].split("\n")
        return "".join(self.string_value(piece[(len(prefix) if number else 0) + 1:-1], line + number)
                       for number, piece in enumerate(pieces))

    def string_value(self, body: str, line: int) -> str:
        """The value of one string token's text between its quotes."""
        if "\\" in body:
            try:
                unescaped = _unescape(body, self.codec)
            except ValueError as exc:
                raise self.error(str(exc), line) from None
            if SURROGATE_RE.search(unescaped) and not SURROGATE_RE.search(body):
                self.check_bytes = True
                self.escape_error_line = self.escape_error_line or line
            body = unescaped
        if "\x00" in body:
            cut = body.index("\x00")
            if self.check_bytes and SURROGATE_RE.search(body, cut):
                self.raw_error_line = self.raw_error_line or line  # GNU read those bytes before the cut
            body = body[:cut]
        if self.check_bytes and not self.bad_byte_line and SURROGATE_RE.search(body):
            self.bad_byte_line = line
        if self.split_lines and line in self.split_lines and self.catalog.header_entry is not None:
            raise self.error("invalid multibyte sequence (split by a backslash-newline)", line)
        if "\x04" in body:
            raise self.error("context separator <EOT> within string", line)
        return body

    # -- comments

    def add_comment(self, text: str, line: int) -> None:
        """One comment line's text after ``#`` (GNU's dispatch on its first character)."""
        if not self.comment_line:
            self.comment_line = line
        if self.catalog.header_entry is not None:
            self.tokens_after_header += 1
            if self.check_bytes and text and SURROGATE_RE.match(text) and self.tokens_after_header > 1:
                raise self.error("invalid multibyte sequence", line)  # GNU checks the character after '#'
        if "\x00" in text:
            text = text[: text.index("\x00")]  # GNU keeps a comment as a C string
        if text[:1] == ".":
            text = text[1:]
            self.dots.append(text[1:] if text[:1] == " " else text)
        elif text[:1] == ":":
            self.refs.extend(parse_references(text[1:]))
        elif text[:1] in (",", "!"):
            self.flags = parse_flags(text[1:])
        else:
            self.comments.append(text[1:] if text[:1] == " " else text)

    # -- entries

    def add_message(
        self, ctxt: str | None, msgid: str, plural: str | None, msgstr: str | None, forms: list[str] | None,
        prev_ctxt: str | None, prev_id: str | None, prev_plural: str | None, obsolete: bool, first: int, id_line: int,
    ) -> None:
        entry = _new_entry(polib.POEntry)
        comments, dots, refs, flags = self.comments, self.dots, self.refs, self.flags
        # (attributes set one by one, in polib's order: the entries share their dictionary's keys, half the memory)
        entry.msgid = msgid
        entry.msgstr = msgstr if msgstr is not None else ""
        entry.msgid_plural = plural or ""
        entry.msgstr_plural = dict(enumerate(forms)) if forms is not None else {}
        entry.msgctxt = ctxt
        entry.obsolete = obsolete
        entry.encoding = self.codec
        entry.comment = "\n".join(dots) if dots else ""
        entry.tcomment = "\n".join(comments) if comments else ""
        entry.occurrences = refs if refs else []
        entry.flags = flags if flags else []
        entry.previous_msgctxt = prev_ctxt
        entry.previous_msgid = prev_id
        entry.previous_msgid_plural = prev_plural
        entry.linenum = self.comment_line or first
        if comments or dots:
            if comments == [""]:
                entry.blank_tcomment = True
            if dots == [""]:
                entry.blank_comment = True
            self.comments, self.dots = [], []
        if refs:
            self.refs = []
        if flags:
            self.flags = []
        self.comment_line = 0
        if self.check_bytes and (self.catalog.header_entry is not None or self.charset is None):
            self.check_strings(entry, id_line)
        self.escape_error_line = self.raw_error_line = self.bad_byte_line = 0
        key = (ctxt, msgid)
        if key in self.seen:  # obsolete entries count too, as in GNU
            raise self.error(f"duplicate message definition (first at line {self.seen[key]})", id_line)
        self.seen[key] = id_line
        if not obsolete:
            if not msgid and ctxt is None and self.catalog.header_entry is None:
                self.set_header(entry, msgstr if msgstr is not None else (forms or [""])[0])
                return
            if not self.compile_checks:
                pass
            elif msgstr and msgid and ((msgid[0] == "\n") != (msgstr[0] == "\n")
                                       or (msgid[-1] == "\n") != (msgstr[-1] == "\n")):
                self.check_newlines(entry, forms, self.str_line or id_line)
            elif forms is not None:
                self.check_newlines(entry, forms, self.str_line or id_line)
        self.entries.append(entry)

    def check_strings(self, entry: polib.POEntry, line: int) -> None:
        """Bytes invalid in the charset inside the strings of an entry read after the header (GNU reads the
        header itself, and what precedes it, as bytes)."""
        strings = [entry.msgid, entry.msgstr, entry.msgid_plural, entry.msgctxt, entry.previous_msgctxt,
                   entry.previous_msgid, entry.previous_msgid_plural, *entry.msgstr_plural.values()]
        if self.raw_error_line:
            raise self.error("invalid multibyte sequence", self.raw_error_line)
        if any(value and SURROGATE_RE.search(value) for value in strings):
            if self.escape_error_line:
                raise self.error("invalid multibyte sequence (made by an escape)", self.escape_error_line)
            raise self.error("invalid multibyte sequence", self.bad_byte_line or line)

    def check_newlines(self, entry: polib.POEntry, forms: list[str] | None, line: int) -> None:
        """msgfmt's check on translated, non-fuzzy entries: leading and trailing newlines agree."""
        strings = forms if forms is not None else [entry.msgstr]
        if not strings[0] or "fuzzy" in entry.flags or not entry.msgid:
            return
        msgid = entry.msgid
        others = ([entry.msgid_plural] if forms is not None else []) + strings
        starts = msgid[0] == "\n"
        ends = msgid[-1] == "\n"
        for other in others:
            if (other[:1] == "\n") != starts:
                raise self.error("msgid and msgstr entries do not both begin with '\\n'", line)
            if (other[-1:] == "\n") != ends:
                raise self.error("msgid and msgstr entries do not both end with '\\n'", line)

    def set_header(self, entry: polib.POEntry, msgstr: str) -> None:
        catalog = self.catalog
        catalog.header_entry = entry
        catalog.header_position = sum(1 for other in self.entries if not other.obsolete)
        catalog.header = entry.tcomment
        catalog.metadata_is_fuzzy = ["fuzzy"] if "fuzzy" in entry.flags else []
        catalog.header_msgstr = msgstr
        catalog.metadata = parse_metadata(msgstr)
        catalog.header_metadata = dict(catalog.metadata)

    # -- the general parser

    def read_line(self, line_text: str, line: int, last: bool) -> None:
        """Tokenise one line as GNU's lexer does and feed the tokens to the grammar."""
        obsolete = False
        previous = self.carry_previous  # GNU's lexer forgets ``#|`` only at the end of a line that is not a comment
        self.carry_previous = False
        index = 0
        size = len(line_text)
        while index < size:
            char = line_text[index]
            if char in BLANK_CHARS:
                index += 1
                continue
            if char == "#":
                following = line_text[index + 1:index + 2]
                if following == "~":
                    obsolete = True
                    index += 2
                    if line_text[index:index + 1] == "|":
                        previous = True
                        index += 1
                    continue
                if following == "|":
                    previous = True
                    index += 2
                    continue
                self.token(COMMENT, line_text[index + 1:], line, obsolete)
                self.carry_previous = previous
                return
            if char == '"':
                found = STRING_BODY_RE.match(line_text, index + 1)
                end = found.end()  # type: ignore[union-attr]
                if end >= size or line_text[end] != '"':
                    if end < size and line_text[end] == "\\":
                        raise self.error("invalid control sequence", line)
                    raise self.error("end-of-file within string" if last else "end-of-line within string", line)
                body = line_text[index + 1:end]
                self.token(STRING, self.string_value(body, line), line, obsolete, previous)
                index = end + 1
                continue
            if char.isascii() and (char.isalpha() or char in "_$"):
                word = WORD_RE.match(line_text, index).group(0)  # type: ignore[union-attr]
                if word not in KEYWORDS or (previous and word in ("msgstr", "domain")):
                    raise self.error(f'keyword "{word}" unknown', line)
                self.token(KEYWORD, word, line, obsolete, previous)
                index += len(word)
                continue
            if char.isascii() and char.isdigit():
                digits = DIGITS_RE.match(line_text, index).group(0)  # type: ignore[union-attr]
                self.token(NUMBER, int(digits), line, obsolete)
                index += len(digits)
                continue
            if char in "[]":
                self.token(char, char, line, obsolete)
                index += 1
                continue
            raise self.error("syntax error", line)

    def token(self, kind: str, value: Any, line: int, obsolete: bool, previous: bool = False) -> None:
        """The grammar of po-gram-gen.y, one token at a time."""
        message = self.message
        if kind != COMMENT and self.catalog.header_entry is not None:
            self.tokens_after_header += 1
        if kind == COMMENT:
            if message is not None:
                self.finish_message(line)
            self.add_comment(value, line)
            return
        if kind == KEYWORD:
            name = "prev_" + value if previous else value
            if value == "domain":
                if message is not None:
                    self.finish_message(line)
                self.message = _Message(obsolete, line, line)
                self.message.state = "domain"
                return
            if message is not None and message.state == "domain":
                raise self.error("syntax error", line)
            if name in ("msgctxt", "msgid", "prev_msgctxt", "prev_msgid"):
                if message is not None and not self.message_may_take(message, name):
                    self.finish_message(line)
                    message = None
                if message is None:
                    message = self.message = _Message(obsolete, line, self.comment_line or line)
                self.check_obsolete(message, obsolete, line)
                if name == "msgid":
                    message.id_line = line
                message.state = name
                setattr(message, {"msgctxt": "ctxt", "msgid": "msgid", "prev_msgctxt": "prev_ctxt",
                                  "prev_msgid": "prev_id"}[name], [])
                return
            if message is None:
                raise self.error("syntax error", line)
            self.check_obsolete(message, obsolete, line)
            if name == "prev_msgid_plural":
                if message.state != "prev_msgid" or not message.prev_id:
                    raise self.error("syntax error", line)
                message.state, message.prev_plural = name, []
            elif name == "msgid_plural":
                if message.state != "msgid" or not message.msgid:
                    raise self.error("syntax error", line)
                message.state, message.plural = name, []
            elif name == "msgstr":
                message.str_line = message.str_line or line
                if message.state == "msgid" and message.msgid:
                    message.state, message.msgstr = "msgstr", []
                elif message.state in ("msgid_plural", "form") and (message.plural if message.state == "msgid_plural"
                                                                     else message.forms[-1]):
                    message.state = "form["
                elif message.state == "msgstr" and message.msgstr:
                    raise self.error("syntax error", line)
                else:
                    raise self.error("syntax error", line)
            else:
                raise self.error("syntax error", line)
            return
        if message is None:
            raise self.error("syntax error", line)
        if kind == STRING:
            if message.state == "domain":
                self.message = None
                self.comments, self.dots, self.refs, self.flags, self.comment_line = [], [], [], [], 0
                return
            self.check_obsolete(message, obsolete, line)
            target = {"msgctxt": message.ctxt, "msgid": message.msgid, "msgid_plural": message.plural,
                      "msgstr": message.msgstr, "prev_msgctxt": message.prev_ctxt, "prev_msgid": message.prev_id,
                      "prev_msgid_plural": message.prev_plural,
                      "form": message.forms[-1] if message.forms else None}.get(message.state)
            is_previous = message.state.startswith("prev_")
            if target is None or previous != is_previous:
                raise self.error("syntax error", line)
            target.append(value)
            return
        self.check_obsolete(message, obsolete, line)
        if kind == OPEN and message.state in ("form[", "msgstr") and (message.state == "form[" or not message.msgstr):
            if message.state == "msgstr":
                raise self.error("missing 'msgid_plural' section", message.id_line)
            message.state = "form[0"
            return
        if kind == NUMBER and message.state == "form[0":
            if value != len(message.forms):
                raise self.error("first plural form has nonzero index" if not message.forms
                                 else "plural form has wrong index", line)
            message.state = "form[1"
            return
        if kind == CLOSE and message.state == "form[1":
            message.forms.append([])
            message.state = "form"
            return
        raise self.error("syntax error", line)

    def message_complete(self) -> bool:
        message = self.message
        assert message is not None
        if message.state == "msgstr":
            return bool(message.msgstr)
        return message.state == "form" and bool(message.forms[-1])

    def message_may_take(self, message: _Message, name: str) -> bool:
        """Whether a msgctxt/msgid keyword continues ``message`` (after its previous strings) or starts another."""
        state = message.state
        if name == "msgctxt":
            return state in ("prev_msgid", "prev_msgid_plural") and bool(message.prev_id)
        if name == "msgid":
            if state == "msgctxt":
                if not message.ctxt:
                    raise self.error("syntax error", message.line)
                return True
            return state in ("prev_msgid", "prev_msgid_plural") and bool(message.prev_id)
        if name == "prev_msgid":
            return state == "prev_msgctxt" and bool(message.prev_ctxt)
        return False

    def check_obsolete(self, message: _Message, obsolete: bool, line: int) -> None:
        if message.obsolete != obsolete:
            raise self.error("inconsistent use of #~", line)

    def finish_message(self, line: int) -> None:
        """The message read so far is complete: check it and add it."""
        message = self.message
        if message is None:
            return
        self.message = None
        state = message.state
        if state in ("msgctxt", "prev_msgctxt", "prev_msgid", "prev_msgid_plural", "domain", "form[", "form[0",
                     "form[1"):
            raise self.error("syntax error" if state != "domain" else "syntax error", line)
        if state == "msgid":
            if not message.msgid:
                raise self.error("syntax error", line)
            raise self.error("missing 'msgstr' section", message.id_line)
        if state == "msgid_plural":
            if not message.plural:
                raise self.error("syntax error", line)
            raise self.error("missing 'msgstr[]' section", message.id_line)
        if state == "msgstr" and not message.msgstr:
            raise self.error("syntax error", line)
        if state == "form" and not message.forms[-1]:
            raise self.error("syntax error", line)
        self.str_line = message.str_line
        self.add_message(
            "".join(message.ctxt) if message.ctxt is not None else None, "".join(message.msgid or []),
            "".join(message.plural) if message.plural is not None else None,
            "".join(message.msgstr) if message.msgstr is not None else None,
            ["".join(form) for form in message.forms] if state == "form" else None,
            "".join(message.prev_ctxt) if message.prev_ctxt is not None else None,
            "".join(message.prev_id) if message.prev_id is not None else None,
            "".join(message.prev_plural) if message.prev_plural is not None else None,
            message.obsolete, message.first_line, message.id_line,
        )


def _may_continue(text: str, pos: int) -> bool:
    """Whether the line at ``pos`` may continue a complete message (a string, ``#~``, ``#|``, ``msgstr``)."""
    rest = text[pos:pos + 64].lstrip(BLANK_CHARS)
    return rest[:1] in ('"', "\n", "") or rest.startswith(("#~", "#|", "msgstr"))


def parse_references(text: str) -> list[tuple[str, str]]:
    """The (file, line) pairs of a ``#:`` line, as GNU splits them (``file:12``, ``file : 12``, ``file``)."""
    if SIMPLE_REFS_RE.fullmatch(text):
        return REF_PAIR_RE.findall(text)
    words = text.replace("\t", " ").replace("\n", " ").split(" ")
    words = [word for word in words if word]
    refs = []
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        if following.startswith(":"):
            number = following[1:] or (words[index + 2] if index + 2 < len(words) else "")
            if number.isascii() and number.isdigit():
                refs.append((word, str(int(number))))
                index += 2 if following[1:] else 3
                continue
        if word.endswith(":") and following.isascii() and following.isdigit():
            refs.append((word[:-1], str(int(following))))
            index += 2
            continue
        name, colon, number = word.rpartition(":")
        if colon and name and number.isascii() and number.isdigit():
            refs.append((name, str(int(number))))
        else:
            refs.append((word, ""))
        index += 1
    return refs


def parse_flags(text: str) -> list[str]:
    """The flags of a ``#,`` line, split as GNU splits them (blanks and commas); ``range: a..b`` stays one flag."""
    if SIMPLE_FLAGS_RE.fullmatch(text):
        return text[1:].split(", ")
    tokens = [token for token in re.split(r"[\n \t\r\f\v,]+", text) if token]
    flags = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token == "range:" and index + 1 < len(tokens):
            flags.append(f"range: {tokens[index + 1]}")
            index += 2
            continue
        flags.append(token)
        index += 1
    return flags


def parse_metadata(msgstr: str) -> dict[str, str]:
    """The header's ``Key: value`` lines in order (a line without a colon is skipped; the last duplicate wins)."""
    metadata: dict[str, str] = {}
    for line in msgstr.split("\n"):
        key, colon, value = line.partition(":")
        if colon and key:
            metadata[key] = value[1:] if value.startswith(" ") else value
    return metadata


# -- writing -------------------------------------------------------------------


def catalog_charset(catalog: polib.POFile) -> str:
    """The charset the catalogue declares, as GNU writes with it ("UTF-8" when none or the placeholder)."""
    msgstr = _header_msgstr(catalog)
    at = msgstr.find("charset=")
    if at < 0:
        return "UTF-8"
    name = re.match(r"[^ \t\n]*", msgstr[at + 8:]).group(0)  # type: ignore[union-attr]
    return "UTF-8" if name in ("", "CHARSET") or name.upper() not in CHARSETS else name.upper()


def _header_msgstr(catalog: polib.POFile) -> str:
    raw = getattr(catalog, "header_msgstr", None)
    if raw is not None and catalog.metadata == getattr(catalog, "header_metadata", None):
        return raw
    return "".join(f"{key}: {value}\n" for key, value in catalog.metadata.items())


def _has_header(catalog: polib.POFile) -> bool:
    return (getattr(catalog, "header_entry", None) is not None or bool(catalog.metadata) or bool(catalog.header)
            or bool(catalog.metadata_is_fuzzy))


class _Writer:
    """The options of one write and the wrapping of strings at them."""

    def __init__(self, catalog: polib.POFile, width: int, no_location: bool) -> None:
        self.page_width = width if width > 0 else GNU_WIDTH
        self.wrap_strings = width > 0
        self.no_location = no_location
        charset = catalog_charset(catalog)
        self.cjk = charset in CJK_CHARSETS
        found = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
        self.plurals = int(found.group(1)) if found else 2

    def wrap_fields(self, fields: list[tuple[str, str, str, bool, str | None]]) -> list[list[str]]:
        """The text of many ``name "value"`` fields, as GNU's ``wrap`` writes them: for each, a list of
        pieces to join with newlines (a piece may hold several lines).  The line breaking of all the
        fields is done in one batch.

        GNU's rule: a string that does not fit on the keyword's line (or
        spans several portions, one per ``\\n``) starts with ``""`` and is
        broken from the next line on.  Every break query is thus asked at
        the start column of a continuation line, and the few strings that
        fit there but not after the keyword are asked again one by one.
        """
        plans = []
        queries: dict[int, list[tuple[str, list[int]]]] = {}
        cjk = self.cjk
        for prefix, name, value, wrap, language in fields:
            limit = (self.page_width if self.wrap_strings and wrap else 1 << 40) - 2 - len(prefix)
            simple = value.find("\n", 0, len(value) - 1) < 0 and value.isprintable() \
                and '"' not in value and "\\" not in value
            width = (len(value) if value.isascii() else text_width(value, cjk)) if simple else 0
            # No line may break inside a directive; a string that fits after its keyword is not broken,
            # so its directives need not be found.
            fits = simple and width + len(name) + 1 <= limit
            spans = directive_spans(value, language) if language and value and not fits else ()
            if simple and not spans:
                query = None  # one portion that needs no escape: the commonest case
                if width > limit:
                    group = queries.setdefault(limit, [])
                    query = (limit, len(group))
                    group.append((value, []))
                items = [(value, [], width, query, False)]
            else:
                prohibited_at: set[int] = set()
                for start, end in spans:
                    prohibited_at.update(range(start + 1, end))
                portions = _portions(value)
                items = []
                offset = 0
                for number, portion in enumerate(portions):
                    escaped, prohibited = _escape_portion(portion, offset, prohibited_at)
                    offset += len(portion)
                    width = len(escaped) if escaped.isascii() and escaped.isprintable() else text_width(escaped, cjk)
                    query = None
                    if width > limit:
                        group = queries.setdefault(limit, [])
                        query = (limit, len(group))
                        group.append((escaped, prohibited))
                    items.append((escaped, prohibited, width, query, number + 1 < len(portions)))
            plans.append((prefix, name, limit, items))
        answers = {limit: width_breaks_many(group, limit, cjk) for limit, group in queries.items()}
        result = []
        for prefix, name, limit, items in plans:
            lines: list[str] = []
            first_line = True
            first_start = len(name) + 1
            for escaped, prohibited, width, query, more in items:
                breaks = answers[query[0]][query[1]] if query is not None else None
                head = prefix
                if first_line:
                    first_line = False
                    if not escaped:
                        empty_first = False
                    elif more or first_start > limit:
                        empty_first = True
                    elif first_start + width <= limit:
                        empty_first = False
                    elif breaks and not _RESETS_RE.search(escaped):
                        empty_first = True  # breaks at column 0 prove break opportunities, so after the keyword too
                    else:
                        empty_first = self.breaks_after_keyword(escaped, limit, first_start, prohibited)
                    if empty_first:
                        lines.append(f'{prefix}{name} ""')
                    else:
                        head = f"{prefix}{name} "
                if not breaks:
                    lines.append(f'{head}"{escaped}"')
                    continue
                cuts = [0, *breaks, len(escaped)]
                separator = f'"\n{prefix}"'
                pieces = [escaped[cuts[i]:cuts[i + 1]] for i in range(len(cuts) - 1)]
                lines.append(f'{head}"' + separator.join(pieces) + '"')
            result.append(lines)
        return result

    def breaks_after_keyword(self, escaped: str, limit: int, start: int, prohibited: list[int]) -> bool:
        """Whether the text, started after the keyword, would be broken (a string that fits on its own line)."""
        return bool(width_breaks(escaped, limit, start, prohibited, self.cjk))


_RESETS_RE = re.compile("[\x0b\x0c\x85\u2028\u2029]")  # characters after which libunistring restarts at column 0


def _portions(value: str) -> list[str]:
    """The value cut after each newline (GNU writes each piece from a new line)."""
    if "\n" not in value[:-1]:
        return [value]
    pieces = value.split("\n")
    portions = [piece + "\n" for piece in pieces[:-1]]
    if pieces[-1]:
        portions.append(pieces[-1])
    return portions


_ESCAPED = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
            "\\": "\\\\", '"': '\\"'}
_NEEDS_ESCAPE = re.compile('[\a\b\f\n\r\t\v\\\\"]')


_ESCAPE_TABLE = str.maketrans(_ESCAPED)


def _escape_portion(portion: str, offset: int, prohibited_at: set[int]) -> tuple[str, list[int]]:
    """The escaped text of a portion and the indices (in it) before which no line may break.

    No break inside an escape (before its second character), inside a
    format directive (``prohibited_at``: indices in the whole value), nor
    before the final ``\\n``.
    """
    if portion.isprintable() and '"' not in portion and "\\" not in portion:
        if not prohibited_at:
            return portion, []
        escapes = []
    else:
        escapes = [found.start() for found in _NEEDS_ESCAPE.finditer(portion)]
    escaped = portion.translate(_ESCAPE_TABLE) if escapes else portion
    prohibited = [index + count + 1 for count, index in enumerate(escapes)]
    if prohibited_at:
        end = offset + len(portion)
        for index in prohibited_at:
            if offset <= index < end:
                local = index - offset
                prohibited.append(local + bisect_left(escapes, local))
    if portion.endswith("\n"):
        prohibited.append(len(escaped) - 2)
    return escaped, prohibited


def _format_language(flags: Iterable[str]) -> str | None:
    """The first format (in GNU's order) that the flags say the string is or may be."""
    return _first_language(tuple(flags))


@functools.lru_cache(maxsize=256)
def _first_language(flags: tuple[str, ...]) -> str | None:
    marked = {flag[:-7].removeprefix("possible-") for flag in flags
              if flag.endswith("-format") and not flag.startswith(("no-", "impossible-"))}
    for language in FORMAT_LANGUAGES:
        if language in marked:
            return language
    return None


def format_flags(flags: Iterable[str], translated: bool, obsolete: bool = False) -> str | None:
    """The ``#,`` line GNU writes for these flags, or None."""
    return _flags_line(tuple(flags), translated, obsolete)


@functools.lru_cache(maxsize=256)
def _flags_line(flags: tuple[str, ...], translated: bool, obsolete: bool) -> str | None:
    """``format_flags`` of a tuple (a catalogue has a few dozen sets of flags, written thousands of times)."""
    formats = {}
    range_flag = None
    no_wrap = None
    fuzzy = False
    for flag in flags:
        if flag == "fuzzy":
            fuzzy = True
        elif flag.endswith("-format"):
            name = flag[:-7]
            for marker, value in (("no-", "no"), ("possible-", "yes"), ("impossible-", None)):
                if name.startswith(marker) and name[len(marker):] in FORMAT_LANGUAGES:
                    formats[name[len(marker):]] = value
                    break
            else:
                if name in FORMAT_LANGUAGES:
                    formats[name] = "yes"
        elif flag.startswith("range: "):
            found = re.fullmatch(r"(\d+)\.\.(\d+)", flag[7:])
            if found and int(found.group(1)) <= int(found.group(2)):
                range_flag = f"range: {min(int(found.group(1)), 2**31 - 1)}..{min(int(found.group(2)), 2**31 - 1)}"
        elif flag == "wrap":
            no_wrap = False
        elif flag == "no-wrap":
            no_wrap = True
    out = ["fuzzy"] if fuzzy and (translated or obsolete) else []
    for language in FORMAT_LANGUAGES:
        value = formats.get(language)
        if value == "yes":
            out.append(f"{language}-format")
        elif value == "no":
            out.append(f"no-{language}-format")
    if range_flag and not obsolete:
        out.append(range_flag)
    if no_wrap:
        out.append("no-wrap")
    return "#, " + ", ".join(out) if out else None


def _comment_lines(text: str, mark: str, blank: bool) -> list[str]:
    if not text:
        return [mark] if blank else []
    return [f"{mark} {line}" if line else mark for line in text.split("\n")]


def format_references(occurrences: Sequence[tuple[str, str]], width: int) -> list[str]:
    """The ``#:`` lines GNU writes: duplicates dropped, ``./`` dropped, wrapped at ``width``."""
    if len(occurrences) == 1 and not occurrences[0][0].startswith("./"):
        path, line = occurrences[0]
        return [f"#: {path}:{line}" if str(line) != "" else f"#: {path}"]  # one reference: GNU never wraps it
    seen = set()
    refs = []
    for path, line in occurrences:
        if (path, str(line)) in seen:
            continue
        seen.add((path, str(line)))
        while path.startswith("./"):
            path = path[2:]
        refs.append(f"{path}:{line}" if str(line) != "" else path)
    if not refs:
        return []
    lines = []
    current = "#:"
    column = 2
    for ref in refs:
        size = len(ref.encode("utf-8", "surrogateescape")) + 1
        if column > 2 and column + size > width:
            lines.append(current)
            current, column = "#:", 2
        current += " " + ref
        column += size
    lines.append(current)
    return lines


def _forms(entry: polib.POEntry, plurals: int) -> list[str]:
    forms = entry.msgstr_plural or {}
    if not forms:
        return [""] * plurals
    return [forms.get(index, "") for index in range(max(forms) + 1)]


Field = tuple[str, str, str, bool, "str | None"]  # prefix, keyword, value, wrap, format language


def _entry_parts(entry: polib.POEntry, writer: _Writer, header_msgstr: str | None = None) -> list[str | Field]:
    """The lines of one entry: comment lines as text, strings as fields to wrap (empty: GNU drops the entry)."""
    obsolete = entry.obsolete
    plural = bool(entry.msgid_plural)
    forms = _forms(entry, writer.plurals) if plural else None
    msgstr = header_msgstr if header_msgstr is not None else entry.msgstr
    first = forms[0] if forms is not None else msgstr
    if obsolete and not first:
        return []
    parts: list[str | Field] = []
    if entry.tcomment or getattr(entry, "blank_tcomment", False):
        parts += _comment_lines(entry.tcomment, "#", getattr(entry, "blank_tcomment", False))
    if entry.comment or getattr(entry, "blank_comment", False):
        parts += _comment_lines(entry.comment, "#.", getattr(entry, "blank_comment", False))
    if entry.occurrences and not writer.no_location:
        parts += format_references(entry.occurrences, writer.page_width)
    flags = entry.flags
    wrap = True
    language = None
    if flags:
        flags_line = format_flags(flags, bool(first), obsolete)
        if flags_line:
            parts.append(flags_line)
        wrap = "no-wrap" not in flags
        language = _format_language(flags)
    if (entry.previous_msgctxt, entry.previous_msgid, entry.previous_msgid_plural) != (None, None, None):
        prev_prefix = "#~| " if obsolete else "#| "
        for keyword, value in (("msgctxt", entry.previous_msgctxt), ("msgid", entry.previous_msgid),
                               ("msgid_plural", entry.previous_msgid_plural)):
            if value is not None:
                parts.append((prev_prefix, keyword, value, wrap, language))
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        parts.append((prefix, "msgctxt", entry.msgctxt, wrap, language))
    parts.append((prefix, "msgid", entry.msgid, wrap, language))
    if forms is not None:
        parts.append((prefix, "msgid_plural", entry.msgid_plural, wrap, language))
        parts += [(prefix, f"msgstr[{index}]", form, wrap, language) for index, form in enumerate(forms)]
    else:
        parts.append((prefix, "msgstr", msgstr, wrap, language))
    return parts


def _render(blocks: list[list[str | Field]], writer: _Writer) -> Iterator[list[str]]:
    """The lines of each block, the strings of all blocks wrapped in one batch."""
    fields = [part for parts in blocks for part in parts if not isinstance(part, str)]
    wrapped = iter(writer.wrap_fields(fields))  # type: ignore[arg-type]
    for parts in blocks:
        lines: list[str] = []
        for part in parts:
            if isinstance(part, str):
                lines.append(part)
            else:
                lines += next(wrapped)
        yield lines


def _header_parts(catalog: polib.POFile, writer: _Writer) -> list[str | Field]:
    source = getattr(catalog, "header_entry", None)
    entry = polib.POEntry(msgid="")
    if source is not None:
        entry.comment = source.comment
        entry.occurrences = source.occurrences
        entry.flags = [flag for flag in source.flags if flag != "fuzzy"]
        entry.previous_msgctxt = source.previous_msgctxt
        entry.previous_msgid = source.previous_msgid
        entry.previous_msgid_plural = source.previous_msgid_plural
        entry.msgid_plural = source.msgid_plural
        entry.msgstr_plural = source.msgstr_plural
        if getattr(source, "blank_comment", False):
            entry.blank_comment = True
        if getattr(source, "blank_tcomment", False) and catalog.header == source.tcomment:
            entry.blank_tcomment = True
    entry.tcomment = catalog.header or ""
    if catalog.metadata_is_fuzzy:
        entry.flags.insert(0, "fuzzy")
    msgstr = _header_msgstr(catalog)
    if entry.msgid_plural:
        entry.msgstr_plural = {**entry.msgstr_plural, 0: msgstr}
        return _entry_parts(entry, writer)
    return _entry_parts(entry, writer, msgstr)


def generate_blocks(
    catalog: polib.POFile,
    *,
    width: int = DEFAULT_WIDTH,
    no_location: bool = False,
    omit_header: bool = False,
    sort_output: bool = False,
    ignore_obsolete: bool = False,
) -> Iterator[tuple[polib.POEntry | None, str]]:
    """The text of a catalogue as blocks: the header (entry None), then each entry written, after a blank line.

    Options as for ``generate_po``.  An obsolete entry without a translation
    is not written (GNU drops it): it has no block.
    """
    writer = _Writer(catalog, width, no_location)
    entries: list[polib.POEntry | None] = list(entry_order(catalog, sort_output=sort_output,
                                                           ignore_obsolete=ignore_obsolete))
    if not omit_header and _has_header(catalog):
        active = sum(1 for entry in catalog if not entry.obsolete)
        position = 0 if sort_output else min(getattr(catalog, "header_position", 0), active)
        entries.insert(position, None)
    blank = False
    for start in range(0, len(entries), CHUNK):
        chunk = []
        for entry in entries[start:start + CHUNK]:
            parts = _entry_parts(entry, writer) if entry is not None else _header_parts(catalog, writer)
            if parts:
                chunk.append((entry, parts))
        for (entry, _), lines in zip(chunk, _render([parts for _, parts in chunk], writer), strict=True):
            text = "\n".join(lines)
            yield entry, ("\n" + text + "\n" if blank else text + "\n")
            blank = True


def entry_order(catalog: polib.POFile, *, sort_output: bool = False, ignore_obsolete: bool = False
                ) -> list[polib.POEntry]:
    """The entries in the order they are written: active ones, then obsolete ones (each sorted by msgid, then
    msgctxt, with ``sort_output``)."""
    active = [entry for entry in catalog if not entry.obsolete]
    obsolete = [] if ignore_obsolete else [entry for entry in catalog if entry.obsolete]
    if sort_output:
        order = lambda e: (e.msgid, e.msgctxt is not None, e.msgctxt or "")  # noqa: E731
        active.sort(key=order)
        obsolete.sort(key=order)
    return [*active, *obsolete]


def header_block(catalog: polib.POFile, *, width: int = DEFAULT_WIDTH, no_location: bool = False) -> str:
    """The header entry's text as ``generate_blocks`` writes it first ("" when the catalogue has none)."""
    if not _has_header(catalog):
        return ""
    writer = _Writer(catalog, width, no_location)
    return "\n".join(next(_render([_header_parts(catalog, writer)], writer))) + "\n"


def entry_block(
    entry: polib.POEntry, *, width: int = DEFAULT_WIDTH, no_location: bool = False, plurals: int = 2,
    charset: str = "UTF-8",
) -> str:
    """One entry's text as ``generate_blocks`` writes it after another block: a blank line, then its lines.

    ``plurals`` is the header's nplurals (the forms of an untranslated
    plural entry), ``charset`` the catalogue's (CJK charsets count ambiguous
    characters as two columns).  Empty for an obsolete entry GNU drops.
    """
    catalog = polib.POFile()
    catalog.metadata = {"Content-Type": f"text/plain; charset={charset}", "Plural-Forms": f"nplurals={plurals};"}
    writer = _Writer(catalog, width, no_location)
    parts = _entry_parts(entry, writer)
    return "\n" + "\n".join(next(_render([parts], writer))) + "\n" if parts else ""


def generate_po(
    catalog: polib.POFile,
    *,
    width: int = DEFAULT_WIDTH,
    no_location: bool = False,
    omit_header: bool = False,
    sort_output: bool = False,
    ignore_obsolete: bool = False,
) -> Iterator[str]:
    """Yield the text of a catalogue, line by line (each ending with ``\\n``), as ``msgcat -w width`` writes it.

    Options (keywords): ``width`` (default 76, the project's; GNU's is 79; 0 writes strings
    unwrapped), ``no_location``, ``omit_header``, ``sort_output`` (by msgid,
    then msgctxt, none first; obsolete entries always come last),
    ``ignore_obsolete``.
    """
    blocks = generate_blocks(catalog, width=width, no_location=no_location, omit_header=omit_header,
                             sort_output=sort_output, ignore_obsolete=ignore_obsolete)
    for _, block in blocks:
        for line in block.split("\n")[:-1]:
            yield line + "\n"


def encode_po(catalog: polib.POFile, **options: Any) -> bytes:
    """The bytes of a catalogue in its declared charset (see ``generate_po``)."""
    codec = CHARSETS[catalog_charset(catalog)]
    return "".join(block for _, block in generate_blocks(catalog, **options)).encode(codec, "surrogateescape")


def write_po(target: str | Path | IO[bytes], catalog: polib.POFile, **options: Any) -> None:
    """Write a catalogue to a path (atomically: a temporary file renamed) or to a binary handle."""
    data = encode_po(catalog, **options)
    if hasattr(target, "write"):
        target.write(data)  # type: ignore[union-attr]
        return
    path = Path(target)  # type: ignore[arg-type]
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_bytes(data)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


# -- for the rest of the package -------------------------------------------------------------

Key = tuple[str | None, str]  # (msgctxt, msgid)
DATED_LINE = b'"POT-Creation-Date:'


#: What makes two versions of an entry the same (polib's line number aside).
CONTENT_FIELDS = (
    "msgid", "msgstr", "msgid_plural", "msgstr_plural", "msgctxt", "obsolete", "comment", "tcomment",
    "occurrences", "flags", "previous_msgctxt", "previous_msgid", "previous_msgid_plural",
)


def entry_content(entry: polib.POEntry) -> tuple[object, ...]:
    """An entry's content as a comparable tuple (its blank comment lines included)."""
    return (*(getattr(entry, name) for name in CONTENT_FIELDS), getattr(entry, "blank_comment", False),
            getattr(entry, "blank_tcomment", False))


def same_content(first: polib.POFile, second: polib.POFile) -> bool:
    """Whether two catalogues hold the same entries and header, however their files are laid out (the
    header's POT-Creation-Date and the order of its fields aside)."""
    def header(catalog: polib.POFile) -> tuple[object, ...]:
        fields = sorted((key, value) for key, value in catalog.metadata.items() if key != "POT-Creation-Date")
        return catalog.header, bool(catalog.metadata_is_fuzzy), fields
    return (header(first) == header(second) and len(first) == len(second)
            and all(entry_content(a) == entry_content(b) for a, b in zip(first, second)))


def parse_catalog(data: bytes, path: str | Path) -> polib.POFile:
    """The catalogue a file's bytes hold (``read_po`` without msgfmt's compile check, as msgmerge reads)."""
    return read_po(data, path, compile_checks=False)


def read_catalog(path: str | Path) -> polib.POFile:
    """Read a .po or .pot file strictly (see ``read_po``); CatalogError with path and line on bad input."""
    return read_po_file(path, compile_checks=False)


def has_translation(entry: polib.POEntry) -> bool:
    """Some form of the entry is translated: worth keeping, or offering as a fuzzy match."""
    if entry.msgid_plural:
        return any(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def plural_count(catalog: polib.POFile) -> int:
    """The number of plural forms that the catalogue's Plural-Forms header declares (default 2)."""
    found = re.search(r"nplurals\s*=\s*(\d+)", catalog.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2


def catalog_text(catalog: polib.POFile, **options: Any) -> str:
    """The whole text of a catalogue."""
    return "".join(block for _, block in generate_blocks(catalog, **options))


def same_but_date(first: bytes, second: bytes) -> bool:
    """Whether two catalogues' bytes differ at most by the header's POT-Creation-Date line.

    The header is every line before the first empty one.
    """
    ends = [0 if data.startswith(b"\n") else (data.find(b"\n\n") + 1 or len(data)) for data in (first, second)]
    return (memoryview(first)[ends[0]:] == memoryview(second)[ends[1]:]
            and _without_date(first[: ends[0]]) == _without_date(second[: ends[1]]))


def _without_date(head: bytes) -> bytes:
    return b"".join(line for line in head.splitlines(keepends=True) if not line.startswith(DATED_LINE))


def write_catalog(path: str | Path, catalog: polib.POFile, **options: Any) -> bool:
    """Write a catalogue through a temporary file and a rename, unless the file already holds the same
    text apart from POT-Creation-Date; returns whether it was written."""
    file = Path(path)
    data = encode_po(catalog, **options)
    try:
        if same_but_date(file.read_bytes(), data):
            return False
    except OSError:
        pass
    write_text_atomic(file, data)
    return True


# -- dates -------------------------------------------------------------------


def build_date() -> datetime.datetime:
    """The time to stamp on new files: SOURCE_DATE_EPOCH when set, else now (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.timezone.utc)
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def format_po_date(moment: datetime.datetime) -> str:
    """A date in the form gettext headers use: ``2024-03-18 09:30+0000``."""
    return moment.strftime("%Y-%m-%d %H:%M%z")
