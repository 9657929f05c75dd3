"""The one place actorgraph pauses Python's cyclic garbage collector, scoped to a call.

Projecting a store into NetworkX, building a page's data and validating curated files allocate
hundreds of thousands to millions of small objects and no reference cycles; the cyclic collector
would only rescan them again and again. Pausing it for that step, and leaving it as the program had
it, is measured (median CPU of 3 fresh processes, 2 busy cores, December 2026; BENCHMARKS.md, "What
the library does to its host"):

- the projection of a million triples took 6.1 s with the pause and 6.8 s without;
- ``render_html`` of page_bench's 10,000-node graph took 1.43 s with the pause and 1.60 s without;
- validating the bundled data (113 files, 71,800 triples) took 1.15 s with the pause and 1.63 s
  without.

A pause alone leaves the new objects (the whole graph) in the youngest generation, so the first
allocation after it runs a young collection over all of them, inside the call, and the program's
next collections scan them again: at 300,000 triples, 0.1-0.2 s of a 1.3 s call, and the program's
next 300,000 small containers took 0.62 s instead of 0.40 s (BENCHMARKS.md, "Before and after the
restructure"). So the pause ends by moving what it made straight to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``, which moves every tracked object there without a scan).
That must not move the program's own young objects too: the pause starts with a young collection
(``gc.collect(1)``), which puts them where the collector puts survivors anyway, so that only what
was made during the call is moved. Skipped when the program disabled the collector (it did not
want collections) or froze objects (unfreezing would release them).

The collector is the process's, not the thread's: while a block runs, the program's other threads
run without cyclic collections too (their memory is freed by reference counting as ever; only
cycles wait for the block's end), and the move to the oldest generation takes their young objects
with it. Each pause is one call's length (a projection, a page, a validation, a parse).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic collector inside the ``with`` block; afterwards it is as it was before,
    and what the block made and kept waits in the oldest generation (see the module's text)."""
    # Scoped: the program's setting is read here and restored in ``finally``, whatever the block
    # raises; nested pauses leave it to the outermost.
    enabled = gc.isenabled()
    settle = enabled and gc.get_freeze_count() == 0
    if settle:
        gc.collect(1)  # the program's young objects, where a young collection puts them
    # Why: the block makes a great many small objects and no cycles, which the collector would
    # scan again and again (10-30% of the call's CPU: the projection 6.8 s against 6.1 s, a page
    # 1.60 s against 1.43 s, validation 1.63 s against 1.15 s; the module's text).
    gc.disable()
    try:
        yield
    finally:
        if settle and gc.get_freeze_count() == 0:
            # Why: what the block made goes to the oldest generation without a scan, rather than
            # being scanned by the next young collection and the program's after it (0.62 s
            # against 0.40 s for the next 300,000 containers; the module's text). The freeze count
            # is back to 0 at once, so nothing of the program's stays frozen.
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()
