"""Machine translations kept between runs: engine answers by request key, one JSON line each.

JSON only: nothing in the file can run code.  A line cut short by an
interrupted run, or any line that is not a record, is skipped.
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
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    record = json.loads(line)
                except ValueError:
                    continue  # a line cut short by an interrupted run
                if isinstance(record, dict) and isinstance(record.get("key"), str) and isinstance(record.get("answer"), str):
                    self._answers[record["key"]] = record["answer"]

    def get(self, key: str) -> str | None:
        return self._answers.get(key)

    def put(self, key: str, answer: str) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a", encoding="utf-8")
        self._answers[key] = answer
        self._handle.write(json.dumps({"key": key, "answer": answer}, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def cache_path(config: Config, engine: str) -> Path:
    """The answers of an engine, kept in the project's cache folder."""
    return config.cache_dir / "prefill" / f"{engine}.jsonl"
