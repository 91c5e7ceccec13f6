"""Python's cycle collector held off while much is allocated and no cycles are made.

A collection runs every few hundred new container objects, and every so often walks the
whole heap. Work that allocates many lists, dicts and strings but leaves no reference
cycles (reading an answer's rows, checking and mapping records) pays for those walks and
gets nothing back from them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_PAUSES = 0
_PAUSED_BY_US = False
_PAUSE_LOCK = threading.Lock()


@contextmanager
def paused() -> Iterator[None]:
    """Hold the cycle collector off for the block.

    Threads in such blocks at once share one pause; the collector is turned back on by
    the last of them, and only if it was on before the first.

    >>> gc.isenabled()
    True
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    global _PAUSES, _PAUSED_BY_US
    with _PAUSE_LOCK:
        if _PAUSES == 0:
            _PAUSED_BY_US = gc.isenabled()
            gc.disable()
        _PAUSES += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSES -= 1
            if _PAUSES == 0 and _PAUSED_BY_US:
                gc.enable()
