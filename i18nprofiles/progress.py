"""How long commands say how far they are: a callback the library calls, and never a print.

A command given ``progress`` calls ``progress(step, done, total)``: once with
``done == 0`` when a step starts, as its work goes on, and with
``done == total`` when it ends.  ``step`` names the step ("read profiles",
"extract", "update", "compile", "render", "check", "prefill"); a caller may
draw a bar, write a log line or ignore it.  The command line draws it
(``i18nprofiles.display``).
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]


def ignore_progress(step: str, done: int, total: int) -> None:
    """The callback of a caller that wants no progress."""


def report_progress(progress: Progress | None) -> Progress:
    """``progress``, or a callback that does nothing."""
    return progress if progress is not None else ignore_progress
