"""The console entry point: stop signals are handled from its first line on.

Importing the command line takes a moment (Babel, Jinja2, click); a Ctrl-C
or ``SIGTERM`` then ends the process at once with ``error: interrupted``
(nothing has been read or written yet), instead of a traceback of the
import machinery.  ``cli.main`` then installs the handlers of the commands.

Once the command has finished and every exit handler has run, the process
ends without the interpreter freeing its objects one by one: a build of a
large project holds millions of them, and tearing them down took a tenth
of a second of an edit build.  Nothing is lost: the command's files are in
place, every exit handler registered since the start has run, its output is
flushed first, and where the flush fails the interpreter ends as usual (and
reports it).  When a handler was registered before the entry point started
(a coverage tool started from a ``.pth`` file), the interpreter ends as usual.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys

_status: list[int] = []  # the exit status the command chose, once it has chosen one


def _stop_while_starting(signum: int, frame: object) -> None:
    os.write(2, b"error: interrupted\n")
    os._exit(128 + signum)


def _end_at_once() -> None:
    """The last exit handler (registered first): end the process with the command's status, unless the
    command did not choose one (an unexpected error) or its output cannot be flushed."""
    if not _status:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return  # the interpreter says so and ends with its own status
    os._exit(_status[0])


def main() -> None:
    """``i18nprofiles …``: the command line, started with stop signals handled."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_while_starting)
    if getattr(atexit, "_ncallbacks", lambda: 1)() == 0:  # (a handler registered before, a tool's started
        atexit.register(_end_at_once)  # from a .pth file, would not run) first: it runs after every other
    from i18nprofiles.cli import main as run

    try:
        run(own_process=True)
    except SystemExit as done:
        if done.code is None or type(done.code) is int:
            _status.append(done.code or 0)
        raise
