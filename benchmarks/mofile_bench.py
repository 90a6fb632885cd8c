"""Time ``gettext.mofile.build_mo`` and ``gettext.checks.find_problems`` against ``msgfmt``.

Usage: python benchmarks/mofile_bench.py [--messages 60000] [--runs 5] [--work benchmarks/work/mofile]
       python benchmarks/mofile_bench.py --po FILE.po [--runs 5]

Without ``--po``, makes (once) a catalogue set with ``generate.py catalogs N`` and times its
``es`` catalogue.  The catalogue is read once, untimed; then the median of ``--runs`` runs of:
``build_mo``, ``find_problems``, the previous writer (``compile.build_mo``), and the whole
``msgfmt -o`` and ``msgfmt -c -o`` commands (which include reading the file).  Also says whether
our bytes are msgfmt's.  Target: ``build_mo`` + ``find_problems`` take less time than ``msgfmt -c``.
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from i18nprofiles.gettext.pofile import read_catalog  # noqa: E402
from i18nprofiles.gettext.checks import find_problems  # noqa: E402
from i18nprofiles.gettext.mofile import build_mo  # noqa: E402


def median_time(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def catalogue(messages: int, work: Path) -> Path:
    folder = work / f"catalogs-{messages}"
    path = folder / "locales" / "es" / "LC_MESSAGES" / "profiles.po"
    if not path.is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "catalogs", str(messages), str(folder)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=60000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=HERE / "work" / "mofile")
    parser.add_argument("--po", type=Path)
    options = parser.parse_args()
    po = options.po or catalogue(options.messages, options.work)
    catalog = read_catalog(po)
    with tempfile.TemporaryDirectory() as folder:
        mo = Path(folder) / "msgfmt.mo"
        rows = {
            "build_mo": median_time(lambda: build_mo(catalog), options.runs),
            "find_problems": median_time(lambda: find_problems(catalog, po), options.runs),
            "msgfmt -o (whole command)": median_time(
                lambda: subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True), options.runs),
            "msgfmt -c -o (whole command)": median_time(
                lambda: subprocess.run(["msgfmt", "-c", "-o", str(mo), str(po)], check=True, capture_output=True),
                options.runs),
        }
        same = mo.read_bytes() == build_mo(catalog)
    print(f"{po}: {len(catalog)} entries, median of {options.runs} runs")
    for name, seconds in rows.items():
        print(f"  {name:<30} {seconds:7.3f} s")
    ours = rows["build_mo"] + rows["find_problems"]
    verdict = "pass" if ours < rows["msgfmt -c -o (whole command)"] else "FAIL"
    print(f"  build_mo + find_problems vs msgfmt -c: {ours:.3f} s vs {rows['msgfmt -c -o (whole command)']:.3f} s "
          f"({verdict}); bytes identical to msgfmt's: {same}")


if __name__ == "__main__":
    main()
