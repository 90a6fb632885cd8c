"""How work runs: worker processes, stop signals and the cyclic garbage collector.

Worker processes are always started with the ``spawn`` method: it works the
same on Linux, macOS and Windows, and never forks a process whose threads
(a progress bar, an HTTP pool) hold locks.  A worker gets what it needs as
pickled arguments, never as inherited memory.

Stopping (Ctrl-C, ``SIGINT``; ``SIGTERM``) belongs to the main process.  A
worker is started with both signals blocked, so a Ctrl-C that reaches the
whole process group while it starts up cannot show its traceback; it then
ignores ``SIGINT``, dies on ``SIGTERM`` and, on Linux, with its parent
(``PR_SET_PDEATHSIG``).  When the main process stops, or a worker fails,
``workers.WorkerPool`` kills the workers at once instead of waiting for their work
(``workers`` is imported when a command first starts a pool).
The command line installs ``stop_on_signals``: both signals raise
``Interrupted`` (a ``KeyboardInterrupt``), except inside ``deferred_signals``
(starting a worker, putting files in place), where they wait for its end,
and inside a finalizer or a weak-reference callback, where the interpreter
would print the exception as ignored and go on: the signal comes again a
moment later.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from i18nprofiles.workers import WorkerPool

START_METHOD = "spawn"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """The process was asked to stop (``SIGINT`` or ``SIGTERM``; ``signum`` says which)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Signals:
    """The stop signals seen by this process, and whether they are deferred."""

    deferring = 0
    pending: int | None = None
    received: int | None = None


# Code the interpreter runs from inside other code, printing and dropping what it raises ("Exception
# ignored in …"): finalizers and the standard library's weak-reference callbacks (a thread's end, a cache entry).
FINALIZER = "__del__"
CALLBACK_FILES = ("weakref.py", "_weakrefset.py")
SIGNAL_AGAIN_AFTER = 0.01  # seconds: a signal that came inside such code comes again once it has returned


def _in_callback(frame: Any) -> bool:
    """Whether ``frame`` runs inside a finalizer or a weak-reference callback (its own frame or a caller)."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == FINALIZER or os.path.basename(code.co_filename) in CALLBACK_FILES:
            return True
        frame = frame.f_back
    return False


def _on_stop_signal(signum: int, frame: Any) -> None:
    _Signals.received = signum
    if _Signals.deferring:
        _Signals.pending = signum
        return
    if _in_callback(frame):  # raised there, Interrupted would be printed as ignored and the command go on
        again = threading.Timer(SIGNAL_AGAIN_AFTER, signal.raise_signal, (signum,))
        again.daemon = True
        again.start()
        return
    raise Interrupted(signum)


def stop_on_signals() -> None:
    """Make ``SIGINT`` and ``SIGTERM`` raise ``Interrupted`` in the main thread (the command line's choice:
    the library never changes how a process handles signals)."""
    if threading.current_thread() is threading.main_thread():
        _Signals.received = _Signals.pending = None
        for signum in STOP_SIGNALS:
            signal.signal(signum, _on_stop_signal)


def received_signal() -> int | None:
    """The last stop signal this process received under ``stop_on_signals``, or None."""
    return _Signals.received


@contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold back ``Interrupted`` while a step that must not be cut in two runs; raise it at the end."""
    _Signals.deferring += 1
    try:
        yield
    finally:
        _Signals.deferring -= 1
        if not _Signals.deferring and _Signals.pending is not None:
            signum, _Signals.pending = _Signals.pending, None
            raise Interrupted(signum)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many objects that hold no cycles.

    Tens of thousands of entries or profiles trigger a collection every few
    hundred new containers, each of which scans them all again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def collect_seldom() -> None:
    """Tune the cyclic garbage collector for a short command in a process of its own: what was imported
    is never scanned again, and a young collection waits for 100,000 new containers instead of 700 (a
    catalogue of a few thousand entries otherwise pays a tenth of its merge in collections)."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def cpu_count() -> int:
    """The processors this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system
        return os.cpu_count() or 1


def process_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> WorkerPool:
    """A pool of ``workers`` processes started with ``spawn`` (see the module's docstring; ``workers``)."""
    from i18nprofiles.workers import start_pool  # here: a command that starts no worker need not import them

    return start_pool(workers, initializer, initargs)


def stop_workers() -> None:
    """Kill every worker process this process started and that still runs (the last step of a stopped command)."""
    if "multiprocessing" not in sys.modules:
        return  # none was started
    import multiprocessing

    for child in multiprocessing.active_children():
        with suppress(Exception):
            child.kill()
            child.join(timeout=2)
