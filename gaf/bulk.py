"""Work on a whole round at once without the cyclic garbage collector's pauses.

Loading, pricing and writing a round of 45,000 lines makes hundreds of thousands of small
objects (rows, tuples, Decimals) that hold no reference cycles. Each burst of allocations
sets off a collection, and every few of them a full one walks every object the process
holds: a quarter or more of a close went there. `gc_paused()` keeps the collector off
meanwhile; reference counting still frees these objects as they go, and the collector
catches up when it is back on. It is process-wide: nested and concurrent uses are
counted, and it is turned back on only if it was on, by the last one to finish.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off inside (also a decorator)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
