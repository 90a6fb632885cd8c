"""``serve``: build the site, serve it on 127.0.0.1, build again when an input changes, reload the browser.

The site is served from the output folder by a thread of Python's
``http.server``.  Every HTML response gets a small script that listens to
``/__i18nprofiles/reload`` (server-sent events); the files on disk are never
changed for it.  A watchfiles thread watches the configuration, the profiles'
folders, the catalogues and the templates; each batch of changes runs an
incremental ``build`` (the same as the command) and, when it succeeds, tells
every open page to reload.  A build that fails prints its error and leaves
the last good site served.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from i18nprofiles.config import Config, load_config
from i18nprofiles.errors import I18nProfilesError
from i18nprofiles.store import open_store

RELOAD_PATH = "/__i18nprofiles/reload"
RELOAD_SCRIPT = (
    "<script>/* i18nprofiles serve: reload when the site is built again */"
    f'new EventSource("{RELOAD_PATH}").onmessage=function(){{location.reload()}};</script>'
)
KEEPALIVE = 15.0  # seconds between comments on an idle event stream
WATCHED_SUFFIXES = (".md", ".yaml", ".yml", ".po", ".toml", ".html", ".xml", ".txt", ".css", ".js", ".svg",
                    ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")

Log = Callable[[str], None]


@dataclass
class Reloads:
    """How many times the site was built; pages wait for the next one."""

    generation: int = 0
    condition: threading.Condition = field(default_factory=threading.Condition)
    stopping: bool = False

    def bump(self) -> None:
        with self.condition:
            self.generation += 1
            self.condition.notify_all()

    def stop(self) -> None:
        with self.condition:
            self.stopping = True
            self.condition.notify_all()

    def wait(self, seen: int, timeout: float) -> int:
        with self.condition:
            self.condition.wait_for(lambda: self.generation != seen or self.stopping, timeout)
            return self.generation


def inject_reload(html: bytes) -> bytes:
    """An HTML page with the reload script before ``</body>`` (or at its end)."""
    at = html.rfind(b"</body>")
    script = RELOAD_SCRIPT.encode("utf-8")
    return html[:at] + script + html[at:] if at >= 0 else html + script


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the output folder, HTML with the reload script, and the reload event stream."""

    reloads: Reloads
    log: Log

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.split("?", 1)[0] == RELOAD_PATH:
            self.send_events()
            return
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                super().do_GET()  # the redirect to the folder's URL with a slash
                return
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            self.send_html(200, path.read_bytes())
        elif not path.exists() and (missing := self.not_found_page()) is not None:
            self.send_html(404, missing.read_bytes())
        else:
            super().do_GET()

    def not_found_page(self) -> Path | None:
        """The 404 page of the locale the address is in (``/es/…``), else the root one."""
        root = Path(self.directory)
        first = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        candidates = [root / first / "404.html"] if re.fullmatch(r"[A-Za-z0-9_-]+", first) else []
        return next((path for path in [*candidates, root / "404.html"] if path.is_file()), None)

    def send_html(self, status: int, data: bytes) -> None:
        body = inject_reload(data)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def send_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        seen = self.reloads.generation
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while not self.reloads.stopping:
                now = self.reloads.wait(seen, KEEPALIVE)
                if self.reloads.stopping:
                    break
                self.wfile.write(b"data: reload\n\n" if now != seen else b": idle\n\n")
                self.wfile.flush()
                seen = now
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass  # quiet: the command prints builds, not requests


def make_server(folder: Path, port: int, reloads: Reloads) -> http.server.ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 for the output folder (port 0: a free port)."""
    handler = type("Handler", (SiteHandler,), {"reloads": reloads})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    return server


def watched_paths(config: Config) -> list[Path]:
    """What ``serve`` watches: the project root (profiles, catalogues, configuration) and the templates."""
    paths = [config.root]
    if config.templates_dir and not config.templates_dir.resolve().is_relative_to(config.root.resolve()):
        paths.append(config.templates_dir)
    return [path for path in paths if path.exists()]


def make_filter(config: Config, output: Path) -> Callable[[Any, str], bool]:
    """A watchfiles filter: inputs only, never what the build writes (site, cache, .mo, .pot)."""
    ignored = [output.resolve(), config.cache_dir.resolve()]

    def keep(change: Any, name: str) -> bool:
        path = Path(name).resolve()
        if any(path == folder or path.is_relative_to(folder) for folder in ignored):
            return False
        if any(part.startswith(".") for part in path.relative_to(config.root.resolve()).parts[:-1]
               if path.is_relative_to(config.root.resolve())):
            return False  # .git, .venv and other hidden folders
        return path.suffix.lower() in WATCHED_SUFFIXES

    return keep


def file_states(paths: Iterable[str]) -> dict[str, tuple[int, int] | None]:
    """(mtime, size) of files, None for those that are gone: what a batch of changes is compared with."""
    found: dict[str, tuple[int, int] | None] = {}
    for name in paths:
        try:
            stat = os.stat(name)
            found[name] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            found[name] = None
    return found


def catalogue_states(config: Config) -> dict[str, tuple[int, int] | None]:
    """The state of every catalogue file of the project (what a build may have rewritten)."""
    return file_states(str(path) for path in sorted(config.locales_dir.rglob("*.po")))


@dataclass
class Server:
    """A running ``serve``: its address, and how to stop it."""

    url: str
    folder: Path
    httpd: http.server.ThreadingHTTPServer
    reloads: Reloads
    stop_event: threading.Event
    threads: list[threading.Thread]

    def stop(self) -> None:
        """Stop watching and serving, and wait for both threads."""
        self.stop_event.set()
        self.reloads.stop()
        self.httpd.shutdown()
        self.httpd.server_close()
        for thread in self.threads:
            thread.join(timeout=10)


def build_once(config_file: Path | None, root: Path, output: str | None, use_fuzzy: bool | None,
               workers: int | None, no_cache: bool) -> tuple[Config, Any]:
    """One incremental build with the project's store (the configuration read again)."""
    from i18nprofiles.pipeline import build_project

    config = load_config(config_file or root).with_options(use_fuzzy=use_fuzzy)
    store = open_store(None if no_cache else config.cache_dir)
    try:
        result = build_project(config, output=output, workers=workers, store=store)
    except BaseException:
        store.discard()
        raise
    store.commit()
    return config, result


def start_server(config: Config, *, port: int = 0, output: str | None = None, use_fuzzy: bool | None = None,
                 workers: int | None = None, no_cache: bool = False, log: Log = print,
                 on_build: Callable[[Config, Any], None] | None = None) -> Server:
    """Build the site, serve it and watch its inputs; returns the running server (``Server.stop`` ends it).

    Raises I18nProfilesError when the first build fails: there is nothing to serve.
    """
    from watchfiles import watch

    source, root = config.source, config.root
    config, result = build_once(source, root, output, use_fuzzy, workers, no_cache)
    if on_build:
        on_build(config, result)
    folder = Path(output) if output else config.output_dir
    reloads = Reloads()
    httpd = make_server(folder, port, reloads)
    stop_event = threading.Event()
    host, bound = httpd.server_address[:2]

    written = catalogue_states(config)  # the catalogues as the build left them: their rewrites are not edits

    def rebuild_loop() -> None:
        nonlocal written
        for changes in watch(*watched_paths(config), watch_filter=make_filter(config, folder), stop_event=stop_event,
                             debounce=200, step=50, rust_timeout=500, yield_on_timeout=False, raise_interrupt=False):
            now = file_states(name for _, name in changes)
            names = sorted(name for name, state in now.items() if name not in written or written[name] != state)
            if not names:
                continue
            log("changed: " + ", ".join(os.path.relpath(name, root) for name in names[:5])
                + (f" and {len(names) - 5} more" if len(names) > 5 else ""))
            try:
                made, outcome = build_once(source, root, output, use_fuzzy, workers, no_cache)
            except I18nProfilesError as exc:
                log(f"error: {exc}")
                continue
            written = catalogue_states(made)
            if on_build:
                on_build(made, outcome)
            reloads.bump()

    threads = [threading.Thread(target=httpd.serve_forever, name="serve-http", daemon=True),
               threading.Thread(target=rebuild_loop, name="serve-watch", daemon=True)]
    for thread in threads:
        thread.start()
    return Server(f"http://{host}:{bound}/", folder, httpd, reloads, stop_event, threads)
