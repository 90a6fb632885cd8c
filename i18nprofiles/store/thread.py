"""The store's one thread per process: it reads files ahead and writes staged outputs, in the order asked.

One thread for the life of the process, started at the first task: a
thread started and ended by each command (or each commit) leaves its end to
weak-reference callbacks in the main thread, where a Ctrl-C raised by the
stop-signal handler is printed as "Exception ignored" and lost.  The thread
is a daemon, idle between tasks: it never holds a process's exit (a store
waits for every write it asked for before it commits or discards; a write
cut short by the exit leaves a temporary file that the next run removes).
A child made by ``fork`` starts its own thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future
from queue import SimpleQueue
from typing import Any, TypeVar

T = TypeVar("T")

Task = tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]


class StoreThread:
    """A daemon thread running tasks one after another; ``submit`` gives each one's ``Future``."""

    def __init__(self) -> None:
        self._tasks: SimpleQueue[Task] = SimpleQueue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def submit(self, function: Callable[..., T], *args: Any) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="i18nprofiles-store", daemon=True)
                self._thread.start()
        self._tasks.put((future, function, args))
        return future

    def _run(self) -> None:
        while True:
            future, function, args = self._tasks.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the task
                future.set_exception(exc)
            else:
                future.set_result(result)
            del future, function, args  # (nothing of a finished task is held while idle)


_thread = StoreThread()


def store_thread() -> StoreThread:
    """This process's store thread."""
    return _thread


def _start_afresh() -> None:
    global _thread
    _thread = StoreThread()  # (the parent's thread, queue and lock are not this child's)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_start_afresh)
