"""The example site in headless Chromium: page language, working language switcher, screenshots.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``):
no network, no extra Python package.  Screenshots go to the test's temporary
folder, or to ``$I18NPROFILES_SCREENSHOTS`` when set (``docs/`` for the README).
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from i18nprofiles.config import load_config
from i18nprofiles.commands.render import render_site
from test_render_helpers import make_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--remote-debugging-pipe"]
PATIENCE = 60.0  # seconds to wait for Chromium to answer before giving up (not an assertion)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (`make system-deps` installs the Debian package `chromium`)"
)


class Browser:
    """A minimal DevTools client over Chromium's pipe: fd 3 carries commands in, fd 4 replies out."""

    def __init__(self, profile_dir: Path) -> None:
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        high_r = os.dup2(to_chrome_r, 30)
        high_w = os.dup2(from_chrome_w, 31)

        def wire() -> None:  # in the child: Chromium expects the pipe on fds 3 and 4
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile_dir}", "about:blank"],
            preexec_fn=wire, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable", session=True)

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.from_chrome], [], [], PATIENCE)
            if not ready:
                raise RuntimeError("chromium did not answer")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: bool = False) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read_message())
        self.events.clear()

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        return result["result"].get("value")

    def screenshot(self, path: Path, width: int = 1100, height: int = 1400) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=True)
        data = self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except RuntimeError:
            pass
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        try:
            self.process.wait(timeout=PATIENCE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    client = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield client
    finally:
        client.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    config = load_config(make_project(tmp_path_factory.mktemp("project")))
    render_site(config)
    return config.output_dir


SWITCHER = "[...document.querySelectorAll('nav.languages a')].map(a => [a.lang, a.href, a.getAttribute('aria-current')])"


@pytest.mark.parametrize("locale", ["fr", "es", "en"])
def test_pages_in_chromium(browser: Browser, site: Path, tmp_path: Path, locale: str) -> None:
    page = site / locale / "constant-piscart" / "index.html"
    browser.open(page.as_uri())
    assert browser.evaluate("document.documentElement.lang") == locale
    assert browser.evaluate("document.documentElement.dir") == "ltr"
    assert browser.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")  # CSS loaded
    assert browser.evaluate("document.querySelector('img.photo').naturalWidth") == 160
    links = browser.evaluate(SWITCHER)
    assert [lang for lang, _, _ in links] == ["fr", "es", "en"]
    assert [current for lang, _, current in links] == ["page" if lang == locale else None for lang, _, _ in links]
    for lang, href, _ in links:
        assert href.startswith("file://")
        assert Path(href[len("file://"):]).is_file(), href
        browser.open(href)
        assert browser.evaluate("document.documentElement.lang") == lang
        assert browser.evaluate("document.querySelector('h1').textContent") == "Constant Piscart"
    browser.open(page.as_uri())
    folder = Path(os.environ.get("I18NPROFILES_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"screenshot-{locale}.png"
    browser.screenshot(shot)
    assert shot.read_bytes().startswith(b"\x89PNG")


def test_root_chooser_and_arabic_in_chromium(browser: Browser, tmp_path: Path) -> None:
    config = load_config(make_project(tmp_path, locales=("fr", "es", "en", "ar"), publish_threshold=0))
    render_site(config)
    browser.open((config.output_dir / "index.html").as_uri())
    choices = browser.evaluate("[...document.querySelectorAll('nav.chooser a')].map(a => [a.lang, a.href])")
    assert [lang for lang, _ in choices] == ["fr", "es", "en", "ar"]
    assert all(Path(href[len("file://"):]).is_file() for _, href in choices)
    browser.open((config.output_dir / "ar" / "maria-quispe" / "index.html").as_uri())
    assert browser.evaluate("document.documentElement.lang") == "ar"
    assert browser.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert browser.evaluate("getComputedStyle(document.querySelector('[data-translation=source]')).direction") == "ltr"
