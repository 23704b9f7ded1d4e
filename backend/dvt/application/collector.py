"""Python's cyclic garbage collector paused while a command builds millions of acyclic objects."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_collector_lock = threading.Lock()
_collector_pauses = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a manifest becomes a graph, or a plan is made.

    Parsing a 10,000-model manifest allocates millions of objects and no cycles; with the collector on,
    its repeated passes over that growing heap cost more than the parse itself (`docs/benchmarks.md`).
    A plan of 8,000 nodes allocates tens of thousands of decisions in a process that holds two graph
    versions in memory: a full pass over that heap cost it a third of its time. Reference counting still
    frees everything; the collector resumes when the last pause ends.
    """
    global _collector_pauses
    with _collector_lock:
        ours = _collector_pauses > 0 or gc.isenabled()  # else someone else owns the collector: leave it be
        if ours:
            _collector_pauses += 1
            gc.disable()
    try:
        yield
    finally:
        if ours:
            with _collector_lock:
                _collector_pauses -= 1
                if _collector_pauses == 0:
                    gc.enable()
