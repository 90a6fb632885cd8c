"""A function called in a second process while this one goes on.

The second process is forked: it inherits the arguments instead of
receiving them pickled, sends back its result (pickled, through a pipe) and
exits.  Where fork is not available, or fails, the function is called in
this process when the result is asked for.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import Any


class Aside:
    """``function(*args)`` running in a second process; ``result`` waits for its value or raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._call = (function, args)
        self._pid: int | None = None
        if not hasattr(os, "fork"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: the call is made here, when its result is asked for
            os.close(read)
            os.close(write)
            return
        if pid == 0:
            os.close(read)
            _send_and_exit(write, function, args)
        os.close(write)
        self._pid, self._pipe = pid, os.fdopen(read, "rb")

    def result(self) -> Any:
        """The function's value; its error is raised here.

        If the second process ended without a result (killed, or its value
        could not be pickled), the function is called here instead.
        """
        if self._pid is None:
            return self._call[0](*self._call[1])
        outcome = self._collect()
        if outcome is None:
            return self._call[0](*self._call[1])
        error, value = outcome
        if error is not None:
            raise error
        return value

    def close(self) -> Any:
        """After a failure here: wait for the second process; its value, or None if it failed or never ran."""
        if self._pid is None:
            return None
        outcome = self._collect()
        return outcome[1] if outcome is not None else None

    def _collect(self) -> tuple[BaseException | None, Any] | None:
        """(error, value) as the second process sent them, or None; the process is waited for."""
        assert self._pid is not None
        try:
            with self._pipe:
                return pickle.load(self._pipe)
        except (EOFError, pickle.UnpicklingError):
            return None
        finally:
            os.waitpid(self._pid, 0)
            self._pid = None


def _send_and_exit(fd: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the second process: call, send (error, value) through ``fd``, exit without running any cleanup."""
    code = 1
    try:
        try:
            outcome: tuple[BaseException | None, Any] = (None, function(*args))
        except Exception as exc:  # noqa: BLE001 - raised again in the first process
            outcome = (exc, None)
        with os.fdopen(fd, "wb") as pipe:
            pickle.dump(outcome, pipe, protocol=pickle.HIGHEST_PROTOCOL)
        code = 0
    finally:
        os._exit(code)
