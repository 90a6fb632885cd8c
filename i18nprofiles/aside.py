"""A function called in a second process while this one goes on.

The second process is forked: it inherits the arguments instead of
receiving them pickled, and sends back only its result.
Where fork is not available, the function is called in this process when
the result is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Aside:
    """``function(*args)`` running in a second process; ``result`` waits for its value or raises its error."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._call = (function, args)
        self._connection: Any = None
        import multiprocessing  # here: most commands never start a second process

        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self._connection, there = context.Pipe(duplex=False)
            self._process = context.Process(target=_send_result, args=(there, function, args), daemon=True)
            self._process.start()
            there.close()

    def result(self) -> Any:
        """The function's value; its error is raised here (a second process that died is replaced by a call here)."""
        if self._connection is None:
            function, args = self._call
            return function(*args)
        try:
            error, value = self._connection.recv()
        except EOFError:
            error, value = None, self._call[0](*self._call[1])
        finally:
            self._end()
        if error is not None:
            raise error
        return value

    def close(self) -> Any:
        """After a failure here: wait for the second process; its value, or None if it failed or never ran."""
        if self._connection is None:
            return None
        try:
            return self._connection.recv()[1]
        except EOFError:
            return None
        finally:
            self._end()

    def _end(self) -> None:
        self._connection.close()
        self._connection = None
        self._process.join()


def _send_result(connection: Any, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """In the second process: call, then send (error, value)."""
    try:
        value = function(*args)
    except Exception as exc:  # noqa: BLE001 - raised again in the first process
        connection.send((exc, None))
    else:
        connection.send((None, value))
