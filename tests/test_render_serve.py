"""`i18nprofiles serve`: builds, serves on a free loopback port, builds again on an edit, reloads, stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from test_render_helpers import REPO, make_project

PATIENCE = 60.0  # seconds to wait for the server (not an assertion of speed)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1 only
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def read_line_until(stream, pattern: str) -> re.Match[str]:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + PATIENCE
    seen = []
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise AssertionError(f"no line matching {pattern!r} in {seen!r}")


def test_serve_builds_serves_rebuilds_reloads_and_stops(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen([sys.executable, "-m", "i18nprofiles", "serve"], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = read_line_until(process.stdout, r"at (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)").group(1)
        status, page = fetch(url + "es/maria-quispe/")
        assert status == 200 and "María Quispe" in page
        assert "/__i18nprofiles/reload" in page  # the reload script, in the served page only
        assert "__i18nprofiles" not in (root / "site" / "es" / "maria-quispe" / "index.html").read_text(encoding="utf-8")
        status, missing = fetch(url + "es/nobody/")
        assert status == 404 and "Página no encontrada" in missing
        events = urllib.request.urlopen(url + "__i18nprofiles/reload", timeout=PATIENCE)  # noqa: S310
        assert events.readline() == b": connected\n"
        profile = root / "profiles" / "maria-quispe.md"
        profile.write_text(profile.read_text(encoding="utf-8").replace(
            "María Quispe cultive du café", "María Quispe cultive du cacao et du café"), encoding="utf-8")
        lines = [events.readline() for _ in range(2)]  # the reload event, once the site is built again
        assert b"data: reload\n" in lines
        status, page = fetch(url + "fr/maria-quispe/")
        assert status == 200 and "cultive du cacao et du café" in page
        events.close()
    finally:
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=PATIENCE)
    assert process.returncode == 0, out
    assert out.rstrip().endswith("stopped")
    assert "changed: profiles/maria-quispe.md" in out
