"""Unicode line breaking as GNU gettext does it (libunistring's ``u32_width_linebreaks``).

``width_breaks(text, width, start_column, prohibited, cjk)`` returns where a
line must be cut so that ``text``, started at ``start_column``, stays within
``width`` columns: the greedy algorithm of libunistring over the break
opportunities of Unicode line breaking (UAX #14) and the column widths of
``uc_width`` (wide characters 2, combining ones 0, ambiguous ones 2 in a CJK
encoding).

* When libunistring can be loaded (it comes with GNU gettext: the very
  library ``msgcat`` and ``msgmerge`` link to), it is called through ctypes,
  and lines break exactly where GNU's tools break them.
* Elsewhere (or with ``I18NPROFILES_LINEBREAK=python``), the break
  opportunities come from ``uniseg`` and the widths from ``wcwidth``, under
  the same greedy algorithm.  ``uniseg`` follows a newer edition of UAX #14
  than libunistring 1.0 (for one, no break after ``.`` in ``file.txt``), so a
  few long lines break elsewhere than ``msgcat`` 0.21 breaks them; the
  content is the same, and ``update --check`` compares content, not layout.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import threading
from bisect import bisect_left
from collections.abc import Collection, Iterator

UNDEFINED, PROHIBITED, POSSIBLE, MANDATORY = 0, 1, 2, 3

_RESETS_RE = re.compile("[\x0a\x0b\x0c\x0d\x85\u2028\u2029]")  # mandatory breaks: the next line starts at column 0


# -- libunistring ----------------------------------------------------------------


def _library_names() -> Iterator[str]:
    """Where libunistring may be: the usual names first (``find_library`` runs a program: last)."""
    yield from ("libunistring.so.5", "libunistring.so.2", "libunistring.dylib", "libunistring.5.dylib")
    found = ctypes.util.find_library("unistring")
    if found:
        yield found


def _load() -> ctypes.CDLL | None:
    if os.environ.get("I18NPROFILES_LINEBREAK", "").lower() == "python":
        return None
    for name in _library_names():
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(library, "u32_width_linebreaks") and hasattr(library, "u32_width"):
            return library
    return None


_LIBRARY = _load()
if _LIBRARY is not None:
    _BREAKS = getattr(_LIBRARY, "u32_width_linebreaks_v2", None) or _LIBRARY.u32_width_linebreaks
    _BREAKS.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                        ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    _BREAKS.restype = ctypes.c_int
    _WIDTH = _LIBRARY.u32_width
    _WIDTH.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p]
    _WIDTH.restype = ctypes.c_int
_LOCAL = threading.local()  # each thread its own output buffer: ctypes lets threads run the library at once


def using_libunistring() -> bool:
    """Whether lines break through libunistring (else through uniseg and wcwidth)."""
    return _LIBRARY is not None


def library_version() -> tuple[int, int] | None:
    """The (major, minor) version of the libunistring in use, or None."""
    if _LIBRARY is None:
        return None
    try:
        value = ctypes.c_int.in_dll(_LIBRARY, "_libunistring_version").value
    except ValueError:
        return None
    return value >> 16, (value >> 8) & 0xFF


def _encoding(cjk: bool) -> bytes:
    return b"EUC-JP" if cjk else b"UTF-8"


def _buffer(size: int) -> ctypes.Array[ctypes.c_char]:
    buffer = getattr(_LOCAL, "buffer", None)
    if buffer is None or len(buffer) < size:
        buffer = _LOCAL.buffer = ctypes.create_string_buffer(max(size * 2, 4096))
    return buffer


def _library_breaks(text: str, width: int, start_column: int, marks: bytes | None, cjk: bool) -> list[int]:
    size = len(text)
    buffer = _buffer(size)
    _BREAKS(text.encode("utf-32-le", "surrogatepass"), size, width, start_column, 0, marks, _encoding(cjk), buffer)
    raw = ctypes.string_at(buffer, size)
    return [match.start() for match in re.finditer(b"\x02", raw)]


# -- uniseg and wcwidth ----------------------------------------------------------


def _char_width(char: str, cjk: bool) -> int:
    from wcwidth import wcwidth

    found = wcwidth(char)
    if found < 0:
        return 0
    if cjk and found == 1:
        from unicodedata import east_asian_width

        return 2 if east_asian_width(char) == "A" else 1
    return found


def _opportunities(text: str) -> list[int]:
    """The break before each character: PROHIBITED, POSSIBLE or MANDATORY (after a line separator)."""
    from uniseg.linebreak import line_break_breakables

    marks = [POSSIBLE if breakable else PROHIBITED for breakable in line_break_breakables(text)]
    if marks:
        marks[0] = PROHIBITED
    for found in _RESETS_RE.finditer(text):
        if found.end() < len(text):
            marks[found.end()] = MANDATORY
    return marks


def _greedy_breaks(text: str, width: int, start_column: int, marks: list[int], cjk: bool) -> list[int]:
    """Where lines start: each line takes the most pieces (between opportunities) that fit, a piece wider
    than the line stays whole, as libunistring fills lines."""
    breaks = []
    last = -1  # the last possible break on this line
    column = start_column
    piece = 0
    for index, char in enumerate(text):
        mark = marks[index]
        if mark in (POSSIBLE, MANDATORY):
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
        piece += _char_width(char, cjk)
    if last >= 0 and column + piece > width:
        breaks.append(last)
    return breaks


# -- the interface -----------------------------------------------------------------


def text_width(text: str, cjk: bool = False) -> int:
    """Columns of a text without line breaks, control characters counting 0."""
    if text.isascii() and text.isprintable():
        return len(text)
    if _LIBRARY is not None:
        return max(_WIDTH(text.encode("utf-32-le", "surrogatepass"), len(text), _encoding(cjk)), 0)
    return sum(_char_width(char, cjk) for char in text)


def width_breaks(
    text: str, width: int, start_column: int, prohibited: Collection[int] = (), cjk: bool = False
) -> list[int]:
    """The indices of ``text`` before which a line starts, so that lines fit in ``width`` columns.

    ``start_column`` is the column of the first character; ``prohibited``
    lists indices before which no break may come.  A piece without a break
    opportunity that is wider than ``width`` stays whole.
    """
    if _LIBRARY is not None:
        marks = None
        if prohibited:
            overrides = bytearray(len(text))
            for index in prohibited:
                overrides[index] = PROHIBITED
            marks = bytes(overrides)
        return _library_breaks(text, width, start_column, marks, cjk)
    opportunities = _opportunities(text)
    for index in prohibited:
        opportunities[index] = PROHIBITED
    return _greedy_breaks(text, width, start_column, opportunities, cjk)


def width_breaks_many(texts: list[tuple[str, list[int]]], width: int, cjk: bool = False) -> list[list[int]]:
    """``width_breaks`` at start column 0 for many (text, prohibited) pairs (in one library call).

    The texts are joined with line feeds: after a mandatory break the
    algorithm starts again at column 0 with no memory of the text before,
    exactly as for a separate call.
    """
    if _LIBRARY is None or len(texts) == 1:
        return [width_breaks(text, width, 0, prohibited, cjk) for text, prohibited in texts]
    joined = "\n".join(text for text, _ in texts)
    marks = None
    offsets = []
    offset = 0
    for text, prohibited in texts:
        offsets.append(offset)
        if prohibited:
            if marks is None:
                marks = bytearray(len(joined))
            for index in prohibited:
                marks[offset + index] = PROHIBITED
        offset += len(text) + 1
    found = _library_breaks(joined, width, 0, bytes(marks) if marks is not None else None, cjk)
    result: list[list[int]] = []
    low = 0
    for offset, (text, _) in zip(offsets, texts, strict=True):
        high = bisect_left(found, offset + len(text), low)
        result.append([position - offset for position in found[low:high]])
        low = high
    return result

