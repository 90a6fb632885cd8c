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
``WorkerPool`` kills the workers at once instead of waiting for their work.
The command line installs ``stop_on_signals``: both signals raise
``Interrupted`` (a ``KeyboardInterrupt``), except inside ``deferred_signals``
(starting a worker, putting files in place), where they wait for its end.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any

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


def _on_stop_signal(signum: int, frame: Any) -> None:
    _Signals.received = signum
    if _Signals.deferring:
        _Signals.pending = signum
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


def cpu_count() -> int:
    """The processors this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every system
        return os.cpu_count() or 1


class _WorkerProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that starts with the stop signals blocked (it inherits the mask)."""

    def start(self) -> None:
        with deferred_signals():
            if not hasattr(signal, "pthread_sigmask"):
                super().start()
                return
            old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
            try:
                super().start()
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _WorkerContext(multiprocessing.context.SpawnContext):
    Process = _WorkerProcess  # type: ignore[assignment]


def _start_worker(parent: int, initializer: Callable[..., Any] | None, initargs: tuple[Any, ...]) -> None:
    """In a worker, first: ignore Ctrl-C, die on SIGTERM and with the parent, then the pool's initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    _die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def _die_with_parent(parent: int) -> None:
    """On Linux, have the kernel kill this process when its parent ends (a parent killed with SIGKILL too)."""
    if not sys.platform.startswith("linux"):
        return
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request above
        os._exit(1)


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose workers are killed, not awaited, when the block using it fails or is interrupted."""

    def __exit__(self, exc_type: Any, exc: Any, traceback: Any) -> bool | None:
        if exc_type is None:
            return super().__exit__(exc_type, exc, traceback)
        self.stop()
        return None

    def stop(self) -> None:
        """Cancel what is waiting and kill every worker now."""
        processes = list((getattr(self, "_processes", None) or {}).values())
        with deferred_signals():
            with suppress(Exception):
                self.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                with suppress(Exception):
                    process.kill()
            for process in processes:
                with suppress(Exception):
                    process.join(timeout=2)


def process_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> WorkerPool:
    """A pool of ``workers`` processes started with ``spawn`` (see the module's docstring)."""
    return WorkerPool(workers, mp_context=_WorkerContext(), initializer=_start_worker,
                      initargs=(os.getpid(), initializer, initargs))


def stop_workers() -> None:
    """Kill every worker process this process started and that still runs (the last step of a stopped command)."""
    for child in multiprocessing.active_children():
        with suppress(Exception):
            child.kill()
            child.join(timeout=2)
