"""GNU gettext as the reference in tests: paths of the real-world corpus, tool runners, a .mo reader."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIR = REPO.parent / "shared" / "realworld-po"
CORPUS = sorted(CORPUS_DIR.glob("*/*.po*")) if CORPUS_DIR.is_dir() else []

needs_gettext = pytest.mark.skipif(
    not (shutil.which("msgcat") and shutil.which("msgfmt") and shutil.which("msgconv")),
    reason="GNU gettext (msgcat, msgfmt, msgconv) is not installed",
)
needs_corpus = pytest.mark.skipif(not CORPUS, reason=f"no real-world catalogues in {CORPUS_DIR}")


def msgcat(path: Path, *options: str) -> subprocess.CompletedProcess[bytes]:
    """``msgcat OPTIONS PATH`` (its output on stdout)."""
    return subprocess.run(["msgcat", *options, str(path)], capture_output=True, timeout=60)


def msgfmt(path: Path, output: Path) -> subprocess.CompletedProcess[bytes]:
    """``msgfmt -o OUTPUT PATH``: plain msgfmt, no ``-c``."""
    return subprocess.run(["msgfmt", "-o", str(output), str(path)], capture_output=True, timeout=60)


def read_mo(data: bytes) -> dict[bytes, bytes]:
    """The (original, translation) byte strings of a .mo file, as msgfmt wrote them."""
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, originals, translations = struct.unpack(order + "4I", data[4:20])
    pairs = {}
    for index in range(count):
        size, offset = struct.unpack(order + "2I", data[originals + 8 * index:originals + 8 * index + 8])
        key = data[offset:offset + size]
        size, offset = struct.unpack(order + "2I", data[translations + 8 * index:translations + 8 * index + 8])
        pairs[key] = data[offset:offset + size]
    return pairs


def converted_corpus(folder: Path) -> list[Path]:
    """Latin-1, CP1252 and KOI8-R versions of corpus catalogues (made with msgconv), in ``folder``.

    Characters the charset lacks (typographic quotes, Cyrillic letters
    outside KOI8-R…) are first replaced with ``?`` in a UTF-8 copy.
    """
    made = []
    for source, charset, codec in (("bleachbit/de-v6.0.0.po", "ISO-8859-1", "latin-1"),
                                   ("bleachbit/fr-v6.0.0.po", "CP1252", "cp1252"),
                                   ("git/ru-v2.36.0.po", "KOI8-R", "koi8_r")):
        text = (CORPUS_DIR / source).read_text(encoding="utf-8")
        narrowed = folder / f"{Path(source).stem}.narrowed.po"
        narrowed.write_text(text.encode(codec, "replace").decode(codec), encoding="utf-8")
        target = folder / f"{Path(source).stem}.{charset}.po"
        subprocess.run(["msgconv", "-t", charset, "-o", str(target), str(narrowed)], check=True,
                       capture_output=True, timeout=60)
        made.append(target)
    return made
