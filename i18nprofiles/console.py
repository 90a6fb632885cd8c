"""The console entry point: stop signals are handled from its first line on.

Importing the command line takes a moment (Babel, Jinja2, click); a Ctrl-C
or ``SIGTERM`` then ends the process at once with ``error: interrupted``
(nothing has been read or written yet), instead of a traceback of the
import machinery.  ``cli.main`` then installs the handlers of the commands.
"""

from __future__ import annotations

import os
import signal


def _stop_while_starting(signum: int, frame: object) -> None:
    os.write(2, b"error: interrupted\n")
    os._exit(128 + signum)


def main() -> None:
    """``i18nprofiles …``: the command line, started with stop signals handled."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _stop_while_starting)
    from i18nprofiles.cli import main as run

    run(own_process=True)
