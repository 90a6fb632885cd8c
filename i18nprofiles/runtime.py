"""How work runs: worker processes and the cyclic garbage collector.

Worker processes are always started with the ``spawn`` method: it works the
same on Linux, macOS and Windows, and never forks a process whose threads
(a progress bar, an HTTP pool) hold locks.  A worker gets what it needs as
pickled arguments, never as inherited memory.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

START_METHOD = "spawn"


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


def process_pool(workers: int, initializer: Any = None, initargs: tuple[Any, ...] = ()) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes started with ``spawn`` (see the module's docstring)."""
    context = multiprocessing.get_context(START_METHOD)
    return ProcessPoolExecutor(workers, mp_context=context, initializer=initializer, initargs=initargs)
