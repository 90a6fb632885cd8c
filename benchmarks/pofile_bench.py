"""Speed of ``i18nprofiles.gettext.pofile`` against polib and GNU msgcat.

Usage: python benchmarks/pofile_bench.py [CATALOGUE ...] [--repeat 3]

Default catalogues: git fr v2.36 from ``../shared/realworld-po/`` and the
60,000-paragraph catalogue of ``benchmarks/generate.py catalogs 60000``
(made under ``benchmarks/work/pofile/`` when missing).  For each: read time
(ours, polib: best of ``--repeat``, CPU time), write time at width 76 with
libunistring and with the pure-Python line breaker, ``msgcat -w 76`` wall
time, and whether our bytes equal msgcat's.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polib

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT))

from i18nprofiles.gettext import linebreak  # noqa: E402
from i18nprofiles.gettext.pofile import encode_po, read_po  # noqa: E402

GIT_FR = ROOT.parent / "shared" / "realworld-po" / "git" / "fr-v2.36.0.po"
SYNTHETIC = BENCH_DIR / "work" / "pofile" / "c60k" / "locales" / "es" / "LC_MESSAGES" / "profiles.po"


def best(function: Callable[[], object], repeat: int) -> float:
    """The least CPU time of *repeat* calls (in this process: no start-up)."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        function()
        times.append(time.process_time() - start)
    return min(times)


def synthetic() -> Path:
    if not SYNTHETIC.exists():
        subprocess.run([sys.executable, str(BENCH_DIR / "generate.py"), "catalogs", "60000",
                        str(SYNTHETIC.parents[3])], check=True)
    return SYNTHETIC


def measure(path: Path, repeat: int) -> None:
    data = path.read_bytes()
    ours = best(lambda: read_po(data, path), repeat)
    theirs = best(lambda: polib.pofile(str(path)), repeat)
    catalog = read_po(data, path)
    print(f"{path.name} ({len(data) / 1e6:.1f} MB, {len(catalog)} entries)")
    print(f"  read: {ours:.3f} s, polib {theirs:.3f} s: {theirs / ours:.1f}x")
    library = linebreak._LIBRARY
    for name in ("libunistring", "python"):
        if name == "libunistring" and library is None:
            print("  write (libunistring): not available")
            continue
        linebreak._LIBRARY = library if name == "libunistring" else None
        written = best(lambda: encode_po(catalog, width=76), 1 if name == "python" else repeat)
        print(f"  write width 76 ({name}): {written:.3f} s")
    linebreak._LIBRARY = library
    if shutil.which("msgcat"):
        start = time.perf_counter()
        reference = subprocess.run(["msgcat", "-w", "76", str(path)], capture_output=True).stdout
        elapsed = time.perf_counter() - start
        print(f"  msgcat -w 76: {elapsed:.3f} s; same bytes: {encode_po(catalog, width=76) == reference}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("catalogues", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    for path in options.catalogues or [GIT_FR, synthetic()]:
        measure(path, options.repeat)


if __name__ == "__main__":
    main()
