"""How the command line shows the progress the library reports (``i18nprofiles.progress``).

On a terminal, each step is a tqdm bar on standard error, drawn as soon as
the step starts; the time left appears only once it means something (a
second of work and a few items done), from the average rate so far.  Off a
terminal (CI logs, pipes), a step prints nothing unless it runs long: then
one plain line every ``PLAIN_EVERY`` seconds and one when it ends, so a
command's log stays a few lines long.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

ETA_AFTER = 1.0  # seconds of a step before its time left is shown
ETA_MIN_DONE = 0.02  # … and this share of its items done
PLAIN_AFTER = 2.0  # off a terminal, seconds of a step before its first line
PLAIN_EVERY = 10.0  # … and between two lines

UNITS = {"read profiles": "profiles", "extract": "templates", "update": "catalogues", "compile": "catalogues",
         "render": "files", "check": "catalogues", "prefill": "entries"}
BAR = "{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit} [{elapsed}"
WITHOUT_ETA = BAR + "]"
WITH_ETA = BAR + " elapsed, {remaining} left]"


def choose_mode(stream: TextIO) -> str:
    """``bar`` on a terminal, ``plain`` elsewhere; ``I18NPROFILES_PROGRESS`` (bar, plain, none) overrides it."""
    chosen = os.environ.get("I18NPROFILES_PROGRESS", "")
    if chosen in ("bar", "plain", "none"):
        return chosen
    try:
        return "bar" if stream.isatty() else "plain"
    except (AttributeError, ValueError):
        return "plain"


class Display:
    """A progress callback for one command: ``display(step, done, total)``; ``close()`` when the command ends."""

    def __init__(self, command: str, stream: TextIO | None = None, mode: str | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.mode = mode or choose_mode(self.stream)
        self.clock = clock or (lambda: time.monotonic())
        self.step: str | None = None
        self.bar: Any = None
        self.started = 0.0
        self.last_line = 0.0
        self.lines = 0
        self._last = (0, 0)

    def start(self) -> None:
        """Show at once that the command runs (on a terminal), before its first step reports."""
        if self.mode == "bar":
            self._open(f"{self.command}: starting", 0)
            self.bar.bar_format = "{desc} [{elapsed}]"
            self.bar.refresh()

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.mode == "none":
            return
        if step != self.step:
            self._finish()
            self.step, self.started, self.last_line, self.lines = step, self.clock(), self.clock(), 0
            self._last = (0, total)
            if self.mode == "bar":
                self._open(f"{self.command}: {step}", total)
        if self.mode == "bar":
            self._draw(done, total)
        else:
            self._plain(done, total)

    def close(self) -> None:
        """End the last step (its closing line off a terminal); remove the bar."""
        self._finish()
        self.step = None

    # -- on a terminal

    def _open(self, label: str, total: int) -> None:
        from tqdm import tqdm

        if self.bar is not None:
            self.bar.close()
        size = shutil.get_terminal_size()  # 80 × 24 for a terminal that gives no size (tqdm would draw nothing)
        self.bar = tqdm(desc=label, total=total or None, file=self.stream, leave=False, smoothing=0,
                        mininterval=0.1, delay=0, unit="", bar_format=WITHOUT_ETA if total else None,
                        ncols=size.columns, nrows=size.lines)
        self.bar.unit = UNITS.get(label.split(": ", 1)[-1], "items")
        self.bar.refresh()

    def _draw(self, done: int, total: int) -> None:
        bar = self.bar
        if total and bar.total != total:  # the size of the step is known now: show it at once
            bar.total = total
            bar.bar_format = WITHOUT_ETA
            bar.refresh()
        elapsed = self.clock() - self.started
        if (total and bar.bar_format == WITHOUT_ETA and elapsed >= ETA_AFTER
                and done >= max(2, ETA_MIN_DONE * total) and done < total):
            bar.bar_format = WITH_ETA
        bar.update(done - bar.n)

    # -- off a terminal

    def _plain(self, done: int, total: int) -> None:
        now = self.clock()
        if now - self.started < PLAIN_AFTER or (self.lines and now - self.last_line < PLAIN_EVERY):
            self._last = (done, total)
            return
        if done < total:
            self._line(f"{self.command}: {self.step}: {done}/{total} {UNITS.get(self.step or '', 'items')} "
                       f"({self._percent(done, total)}, {now - self.started:.0f} s)")
            self.last_line = now
        self._last = (done, total)

    def _finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        if self.mode == "plain" and self.step is not None and self.lines:
            done, total = getattr(self, "_last", (0, 0))
            self._line(f"{self.command}: {self.step}: {done}/{total} {UNITS.get(self.step, 'items')} "
                       f"in {self.clock() - self.started:.1f} s")

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()
        self.lines += 1

    @staticmethod
    def _percent(done: int, total: int) -> str:
        return f"{100 * done // total}%" if total else "…"
