"""Write i18nprofiles/gettext/unitables.py from the libunistring that GNU gettext links to.

Usage: python scripts/gen_unicode_tables.py [LIBRARY]   (default: libunistring.so.2)

The pure-Python line breaker (``i18nprofiles.gettext.linebreak``) needs two
per-character facts that Python's ``unicodedata`` does not give the way
libunistring has them: the line-breaking class (UAX #14, as libunistring
resolves it) and the column width (``uc_width``).  Both are read here from
the library itself, so that the fallback breaks lines where ``msgcat`` does:
the classes from its exported table (three levels, sizes as in its
``lbrkprop1.h``: shift 16, 15 first-level slots, shift 7, masks 511 and 127),
the widths by calling ``uc_width`` for every code point, once with UTF-8 and
once with a CJK encoding (where ambiguous characters are two columns wide).
The output is a list of ranges: (first code point, value) wherever the value
changes.
"""

from __future__ import annotations

import ctypes
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "i18nprofiles" / "gettext" / "unitables.py"
LAST = 0x10FFFF


def read_classes(lib: ctypes.CDLL) -> list[int]:
    """The line-breaking class of every code point, from libunistring's table."""
    base = ctypes.addressof(ctypes.c_char.in_dll(lib, "libunistring_unilbrkprop"))
    level1 = (ctypes.c_int * 15).from_address(base)
    level2 = (ctypes.c_int * (4 << 9)).from_address(base + 15 * 4)
    level3 = (ctypes.c_ubyte * (246 << 7)).from_address(base + 15 * 4 + (4 << 9) * 4)
    classes = []
    for uc in range(LAST + 1):
        value = 42  # unknown (XX)
        index1 = uc >> 16
        if index1 < 15 and level1[index1] >= 0:
            lookup2 = level2[level1[index1] + ((uc >> 7) & 511)]
            if lookup2 >= 0:
                value = level3[lookup2 + (uc & 127)]
        classes.append(value)
    return classes


def read_widths(lib: ctypes.CDLL, encoding: bytes) -> list[int]:
    uc_width = lib.uc_width
    uc_width.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
    uc_width.restype = ctypes.c_int
    return [uc_width(uc, encoding) for uc in range(LAST + 1)]


def ranges(values: list[int]) -> list[tuple[int, int]]:
    found = [(0, values[0])]
    for uc in range(1, len(values)):
        if values[uc] != values[uc - 1]:
            found.append((uc, values[uc]))
    return found


def format_ranges(name: str, pairs: list[tuple[int, int]]) -> str:
    starts = ",".join(f"0x{start:x}" for start, _ in pairs)
    values = ",".join(str(value) for _, value in pairs)
    return f"{name}_STARTS = ({starts})\n{name}_VALUES = ({values})\n"


def main() -> None:
    lib = ctypes.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libunistring.so.2")
    classes = read_classes(lib)
    widths = read_widths(lib, b"UTF-8")
    cjk_widths = read_widths(lib, b"EUC-JP")
    text = (
        '"""Unicode tables of libunistring 1.0 (Unicode 14.0), made by scripts/gen_unicode_tables.py: do not edit.\n\n'
        "Ranges as two tuples: the first code point of each range and its value.\n"
        "LBRK: line-breaking class (libunistring's numbering); WIDTH: uc_width in a\n"
        "non-CJK encoding (-1 for control characters); CJK_WIDTH: in a CJK encoding.\n"
        '"""\n\n'
        + format_ranges("LBRK", ranges(classes))
        + format_ranges("WIDTH", ranges(widths))
        + format_ranges("CJK_WIDTH", ranges(cjk_widths))
    )
    OUTPUT.write_text(text, encoding="ascii")
    print(f"{OUTPUT}: {len(text)} bytes")


if __name__ == "__main__":
    main()
