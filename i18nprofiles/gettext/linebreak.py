"""Unicode line breaking as GNU gettext does it (libunistring's ``u8_width_linebreaks``).

``width_breaks(text, width, start_column, prohibited, cjk)`` returns where a
line must be cut so that ``text``, started at ``start_column``, stays within
``width`` columns: the greedy algorithm of libunistring over the break
opportunities of Unicode line breaking (UAX #14, as libunistring 1.0
implements it: a pair table, without rule LB29, so a break is allowed after
``.`` or ``,`` before a letter) and the column widths of ``uc_width`` (wide
characters 2, combining ones 0, ambiguous ones 2 in a CJK encoding).

Two implementations, same answers:

* ``libunistring`` through ctypes (``u32_width_linebreaks``): the very library ``msgcat`` links to, used
  when it can be loaded (``I18NPROFILES_LINEBREAK=python`` turns it off);
* a pure-Python port of the same algorithm, on the tables of
  ``unitables.py`` (read from libunistring 1.0 by
  ``scripts/gen_unicode_tables.py``).  It gives the same breaks as
  libunistring 1.0 (the tests compare both on every string of the corpus),
  roughly ten times slower.

A newer libunistring (1.1 and later implement more UAX #14 rules) breaks a
few lines differently: so does the ``msgcat`` linked to it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterator

from i18nprofiles.gettext import unitables

UNDEFINED, PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2, 3

# Line-breaking classes, in libunistring's numbering (pair-table rows are 0..32).
BK, CR, LF, CM, ZW, SP, CB, AI, SA, XX = 33, 34, 35, 36, 37, 38, 39, 40, 41, 42
AL, ID1, HL, HY, BA, RI, ZWJ = 20, 23, 28, 5, 3, 29, 30
HL_BA = 100  # Hebrew letter followed by a hyphen or a break-after character (rule LB21a)

DIRECT, INDIRECT = 1, 2  # a break; a break only after spaces (and 3: none), in the pair table
# The pair table of libunistring 1.0 (rows: class before, columns: class after), in its
# order WJ GL B2 BA BB HY CL CP1 CP2 EX IN NS OP1 OP2 QU IS NU PO PR SY AL H2 H3 ID1 ID2 JL JV JT HL RI ZWJ EB EM.
_PAIRS = """
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PIPIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PDDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIIIIIPPPPIIIIIPIIIPIIIIIIIIIIIII
PDDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
PIDIDIPPPPIPDDIPDIIPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDIIPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP
PIIIIIPPPPIIPPIPIIIPIIIIIIIIIIIII
PIDIDIPPPPIIDDIPIDDPDDDDDDDDDDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIIIIPIDDPIDDDDDDDIDIDD
PIDIDIPPPPIIIIIPIDDPIIIIIIIIIDIII
PIDIDIPPPPIIDDIPIDDPDDDDDDDDIDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
PIDIDIPPPPIIDDIPDIDPDIIDDIIDDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDIIDDDDD
PIDIDIPPPPIIDDIPDIDPDDDDDDDIDDDDD
PIDIDIPPPPIIIDIPIIIPIDDDDDDDIDIDD
PIDIDIPPPPIIDDIPDDDPDDDDDDDDDDDDD
PIDIDIPPPPIIIDIPIIIPIDDIIDDDIDIII
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDI
PIDIDIPPPPIIDDIPDIDPDDDDDDDDDDDDD
"""
PAIRS = tuple(tuple("_DIP".index(mark) for mark in row) for row in _PAIRS.split())  # D=1, I=2, P=3

ASCII_CLASSES = tuple(unitables.LBRK_VALUES[bisect_right(unitables.LBRK_STARTS, c) - 1] for c in range(128))
ASCII_WIDTHS = tuple(unitables.WIDTH_VALUES[bisect_right(unitables.WIDTH_STARTS, c) - 1] for c in range(128))


def line_class(char: str) -> int:
    """libunistring's line-breaking class of a character (unresolved: AI, SA, XX, CB as they are)."""
    code = ord(char)
    if code < 128:
        return ASCII_CLASSES[code]
    return unitables.LBRK_VALUES[bisect_right(unitables.LBRK_STARTS, code) - 1]


def char_width(char: str, cjk: bool = False) -> int:
    """Columns of a character as ``uc_width`` counts them (-1 for a control character)."""
    code = ord(char)
    if code < 128:
        return ASCII_WIDTHS[code]
    starts, values = (unitables.CJK_WIDTH_STARTS, unitables.CJK_WIDTH_VALUES) if cjk else (
        unitables.WIDTH_STARTS, unitables.WIDTH_VALUES)
    return values[bisect_right(starts, code) - 1]


def _simple_class(starts: tuple[int, ...], values: tuple[int, ...]) -> re.Pattern[str]:
    """A pattern for runs of characters one column wide (the table's ranges of width 1 below U+3000)."""
    ranges = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - 1 if index + 1 < len(starts) else 0x10FFFF
        if values[index] == 1 and start < 0x3000:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(min(end, 0x2FFF)))}")
    return re.compile(f"[{''.join(ranges)}]*")


_NARROW_RUN = (_simple_class(unitables.WIDTH_STARTS, unitables.WIDTH_VALUES),
               _simple_class(unitables.CJK_WIDTH_STARTS, unitables.CJK_WIDTH_VALUES))


def text_width(text: str, cjk: bool = False) -> int:
    """Columns of a text without line breaks, control characters counting 0."""
    if _NARROW_RUN[cjk].fullmatch(text):
        return len(text)
    return sum(max(char_width(c, cjk), 0) for c in text)


# -- pure Python ---------------------------------------------------------------


def possible_breaks(text: str, cjk: bool = False) -> list[int]:
    """The break opportunity before each character: PROHIBITED, POSSIBLE or MANDATORY."""
    result = [PROHIBITED] * len(text)
    ai_as = ID1 if cjk else AL
    prev = last = BK  # class of the previous character; of the last one that is not a space
    seen_space = False
    ri_count = 0
    for index, char in enumerate(text):
        prop = line_class(char)
        if prop == BK or prop == LF or prop == CR:
            result[index] = MANDATORY
            prev, last, seen_space = prop, BK, False
            ri_count = 0
            continue
        if prop == AI:
            prop = ai_as
        elif prop == CB:
            prop = ID1
        elif prop == SA or prop == XX:
            prop = AL
        if prop == SP:
            seen_space = True
        elif prop == ZW:
            last, seen_space = ZW, False
        elif prop == CM or prop == ZWJ:
            if last == BK:
                last, seen_space = AL, False
            elif last == ZW or seen_space:
                result[index] = POSSIBLE
                last, seen_space = AL, False
        else:
            if last == BK:
                pass
            elif last == ZW:
                result[index] = POSSIBLE
            elif prev == ZWJ:
                pass
            elif last == RI and prop == RI:
                if seen_space or ri_count % 2 == 0:
                    result[index] = POSSIBLE
            elif prev == HL_BA:
                pass
            else:
                rule = PAIRS[last][prop]
                if rule == DIRECT or (rule == INDIRECT and seen_space):
                    result[index] = POSSIBLE
            last, seen_space = prop, False
        prev = HL_BA if prev == HL and (prop == HY or prop == BA) else prop
        ri_count = ri_count + 1 if prop == RI else 0
    return result


def python_width_breaks(
    text: str, width: int, start_column: int, prohibited: Collection[int] = (), cjk: bool = False
) -> list[int]:
    """``width_breaks`` in Python: the indices of ``text`` before which a line starts."""
    marks = possible_breaks(text, cjk)
    for index in prohibited:
        marks[index] = PROHIBITED
    breaks = []
    last = -1  # index of the last possible break, -1 for none
    column = start_column
    piece = 0
    for index, char in enumerate(text):
        mark = marks[index]
        if mark == POSSIBLE or mark == MANDATORY:
            if last >= 0 and column + piece > width:
                breaks.append(last)
                column = 0
        if mark == MANDATORY:
            last, column, piece = -1, 0, 0
            continue
        if mark == POSSIBLE:
            last = index
            column += piece
            piece = 0
        w = char_width(char, cjk)
        if w > 0:
            piece += w
    if last >= 0 and column + piece > width:
        breaks.append(last)
    return breaks


# -- libunistring ----------------------------------------------------------------


def _library_names() -> Iterator[str]:
    """Where libunistring may be: the usual names first (``find_library`` runs a program: last)."""
    yield from ("libunistring.so.5", "libunistring.so.2", "libunistring.dylib", "libunistring.5.dylib")
    found = ctypes.util.find_library("unistring")
    if found:
        yield found


def library_version() -> tuple[int, int] | None:
    """The (major, minor) version of the libunistring ctypes finds, or None."""
    for candidate in _library_names():
        if not candidate:
            continue
        try:
            value = ctypes.c_int.in_dll(ctypes.CDLL(candidate), "_libunistring_version").value
        except (OSError, ValueError):
            continue
        return value >> 16, (value >> 8) & 0xFF
    return None


#: The libunistring whose rules the pure-Python port reproduces (its tables are in ``unitables``).
PORTED_VERSION = (1, 0)


def load_libunistring() -> Callable[..., int] | None:
    """libunistring's ``u32_width_linebreaks`` (the ``_v2`` variant when there), or None."""
    if os.environ.get("I18NPROFILES_LINEBREAK", "").lower() == "python":
        return None
    for name in _library_names():
        if not name:
            continue
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        function = getattr(library, "u32_width_linebreaks_v2", None) or getattr(library, "u32_width_linebreaks", None)
        if function is None:
            continue
        function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                             ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
        function.restype = ctypes.c_int
        return function
    return None


_LIBRARY = load_libunistring()
_LOCAL = threading.local()  # each thread its own output buffer: ctypes lets threads run the library at once


def _buffer(size: int) -> ctypes.Array[ctypes.c_char]:
    buffer = getattr(_LOCAL, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = _LOCAL.buffer = ctypes.create_string_buffer(max(size * 2, 4096))
    return buffer


def library_width_breaks(
    text: str, width: int, start_column: int, prohibited: Collection[int] = (), cjk: bool = False
) -> list[int]:
    """``width_breaks`` through libunistring (UTF-32, so that its indices are the text's)."""
    assert _LIBRARY is not None
    size = len(text)
    buffer = _buffer(size)
    overrides = None
    if prohibited:
        marks = bytearray(size)
        for index in prohibited:
            marks[index] = PROHIBITED
        overrides = bytes(marks)
    _LIBRARY(text.encode("utf-32-le"), size, width, start_column, 0, overrides, b"EUC-JP" if cjk else b"UTF-8", buffer)
    raw = ctypes.string_at(buffer, size)
    breaks = []
    found = raw.find(b"\x02")
    while found >= 0:
        breaks.append(found)
        found = raw.find(b"\x02", found + 1)
    return breaks


def width_breaks(
    text: str, width: int, start_column: int, prohibited: Collection[int] = (), cjk: bool = False
) -> list[int]:
    """The indices of ``text`` before which a line starts, so that lines fit in ``width`` columns.

    ``start_column`` is the column of the first character; ``prohibited``
    lists indices before which no break may come.  A piece without a break
    opportunity that is wider than ``width`` stays whole.
    """
    if _LIBRARY is not None:
        return library_width_breaks(text, width, start_column, prohibited, cjk)
    return python_width_breaks(text, width, start_column, prohibited, cjk)


_POSSIBLE_RE = re.compile(b"\x02")
_SEPARATOR = "\n"  # a mandatory break: libunistring starts afresh after it, as at the start of a text
_RESETS = re.compile("[\x0b\x0c\x85\u2028\u2029]")  # mandatory breaks inside a text


def width_breaks_many(
    texts: list[tuple[str, list[int]]], width: int, cjk: bool = False
) -> list[list[int]]:
    """``width_breaks`` at start column 0 for many (text, prohibited) pairs, in one library call.

    The texts are joined with line feeds: after a mandatory break the
    algorithm starts again at column 0 with no memory of the text before,
    exactly as for a separate call.
    """
    if _LIBRARY is None or len(texts) == 1:
        return [width_breaks(text, width, 0, prohibited, cjk) for text, prohibited in texts]
    joined = _SEPARATOR.join(text for text, _ in texts)
    size = len(joined)
    marks = None
    offsets = []
    offset = 0
    for text, prohibited in texts:
        offsets.append(offset)
        if prohibited:
            if marks is None:
                marks = bytearray(size)
            for index in prohibited:
                marks[offset + index] = PROHIBITED
        offset += len(text) + 1
    buffer = _buffer(size)
    _LIBRARY(joined.encode("utf-32-le"), size, width, 0, 0, bytes(marks) if marks is not None else None,
             b"EUC-JP" if cjk else b"UTF-8", buffer)
    raw = ctypes.string_at(buffer, size)
    found = [match.start() for match in _POSSIBLE_RE.finditer(raw)]
    result: list[list[int]] = []
    low = 0
    for offset, (text, _) in zip(offsets, texts, strict=True):
        high = bisect_left(found, offset + len(text), low)
        result.append([position - offset for position in found[low:high]] if high > low else [])
        low = high
    return result


def using_libunistring() -> bool:
    """Whether ``width_breaks`` goes through libunistring."""
    return _LIBRARY is not None
