"""Time to the first progress frame of a cold `build` on a terminal (a pseudo-terminal), on a generated project.

Usage: python benchmarks/first_frame.py [PROFILES]   (default 2000)
Prints the seconds from the start of the command to its first progress frame, and to its end.
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "project"
        generate.write_project(count, root)
        shutil.rmtree(root / ".i18nprofiles-cache", ignore_errors=True)
        command = str(Path(sys.executable).with_name("i18nprofiles"))
        start = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(root)
            os.execv(command, [command, "build"])
        first = None
        while True:
            ready, _, _ = select.select([fd], [], [], 1)
            if not ready:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            if first is None and b"build: " in data:
                first = time.monotonic() - start
        os.waitpid(pid, 0)
        print(f"{count} profiles: first progress frame after {first:.2f} s, build done after "
              f"{time.monotonic() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
