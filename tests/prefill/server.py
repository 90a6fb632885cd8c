"""A LibreTranslate-compatible server on 127.0.0.1 for tests and benchmarks.

Contract: ``POST /translate`` with ``q``, ``source``, ``target`` (and
``api_key``) in the query string or an urlencoded form; answers
``{"translatedText": ...}``.  ``respond`` decides each answer and can be
replaced by a test; every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, Any]  # status, and a JSON-able object or raw bytes


def fake_translate(text: str, target: str) -> str:
    """A recognisable "translation" that keeps tokens: the target code, then the text in capitals."""
    return f"{target}: {text.upper()}"


def answer_ok(fields: dict[str, str]) -> Answer:
    return 200, {"translatedText": fake_translate(fields.get("q", ""), fields.get("target", ""))}


class LibreServer:
    """Runs in a thread; ``url`` ends with a slash as deep-translator expects."""

    def __init__(self, latency: float = 0.0) -> None:
        self.latency = latency
        self.respond: Callable[[dict[str, str]], Answer] = answer_ok
        self.requests: list[dict[str, str]] = []
        self.release = threading.Event()  # set to free stalled handlers
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    @property
    def texts(self) -> list[str]:
        with self._lock:
            return [fields.get("q", "") for fields in self.requests]

    def stall(self, fields: dict[str, str]) -> Answer:
        """An answer that never comes (until ``release``)."""
        self.release.wait(10)
        return 200, {"translatedText": "too late"}

    def __enter__(self) -> LibreServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body leave at once on kept-alive connections

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                fields = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if body:
                    fields.update({k: v[0] for k, v in parse_qs(body).items()})
                if parts.path != "/translate":
                    self._send(404, {"error": "not found"})
                    return
                with server._lock:
                    server.requests.append(fields)
                if server.latency:
                    time.sleep(server.latency)
                status, payload = server.respond(fields)
                self._send(status, payload)

            def _send(self, status: int, payload: Any) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout)

        return Handler
