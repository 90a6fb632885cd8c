"""Worker processes (see ``runtime``): started with ``spawn`` and the stop signals blocked, killed with the
pool that failed or was stopped.  Imported by ``runtime.process_pool`` when a command first needs them."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing.context
import os
import signal
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from typing import Any

from i18nprofiles.runtime import PR_SET_PDEATHSIG, STOP_SIGNALS, deferred_signals


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


def start_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> WorkerPool:
    """A pool of ``workers`` processes started with ``spawn``."""
    return WorkerPool(workers, mp_context=_WorkerContext(), initializer=_start_worker,
                      initargs=(os.getpid(), initializer, initargs))
