"""The one place actorgraph pauses Python's cyclic garbage collector, scoped to a call.

Projecting a store into NetworkX and building a page's data allocate millions of small objects and
no reference cycles; the cyclic collector would only rescan them again and again. Pausing it for
that step, and leaving it as the program had it, is measured (median CPU of 3 fresh processes,
2 busy cores, December 2026; BENCHMARKS.md, "What the library does to its host"):

- the projection of a million triples took 6.1 s with the pause and 6.8 s without; the program's
  next young collections then scan the new graph once (0.4 s more of them than without the pause).
  Moving the graph straight to the oldest generation (``gc.freeze()``) saved those 0.4 s but moves
  every object of the program too and cannot be scoped: not done;
- ``render_html`` of page_bench's 10,000-node graph took 1.43 s with the pause and 1.60 s without.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector inside the ``with`` block; afterwards it is as it was before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
