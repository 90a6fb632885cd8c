"""Machine translations kept between runs: engine answers by request key, one JSON line each.

JSON only: nothing in the file can run code.  A line cut short by an
interrupted run, or any line that is not a record, is skipped.  A file that
cannot be read or written (a read-only cache folder, a file in its place)
costs the answers only: ``warning`` says so, the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from i18nprofiles.config import Config


class AnswerCache:
    """Engine answers by request key, one JSON line each, appended as they arrive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._answers: dict[str, str] = {}
        self._handle: IO[str] | None = None
        self.warning: str | None = None  # why answers are not kept, if they are not
        try:
            text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        except OSError as exc:
            text = ""
            self.warning = f"machine translations not read from the cache ({exc.strerror or exc}): {path}"
        if text:
            for line in text.splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by an interrupted run
                if isinstance(record, dict) and isinstance(record.get("key"), str) and isinstance(record.get("answer"), str):
                    self._answers[record["key"]] = record["answer"]

    def get(self, key: str) -> str | None:
        return self._answers.get(key)

    def put(self, key: str, answer: str) -> None:
        self._answers[key] = answer
        if self.warning is not None and self._handle is None:
            return
        try:
            if self._handle is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._handle = self.path.open("a", encoding="utf-8")
            self._handle.write(json.dumps({"key": key, "answer": answer}, ensure_ascii=False) + "\n")
            self._handle.flush()
        except OSError as exc:
            self.warning = f"machine translations not kept in the cache ({exc.strerror or exc}): {self.path}"
            self.close()

    def close(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError as exc:
                self.warning = self.warning or f"machine translations not kept ({exc.strerror or exc}): {self.path}"
            self._handle = None


def cache_path(config: Config, engine: str) -> Path:
    """The answers of an engine, kept in the project's cache folder."""
    return config.cache_dir / "prefill" / f"{engine}.jsonl"
