"""What pausing the cyclic garbage collector buys ``to_networkx``, ``render_html`` and ``validate``.

The calls pause the collector while they build millions of new objects that hold no cycles, and
restore the program's setting when they return (``try``/``finally``); the pause ends by moving
what the call made to the oldest generation (after a young collection at its start, so that the
program's own objects are not moved). This benchmark runs each call in fresh processes as shipped
(``pause``), with the pause but without that move (``pause-only``) and without either
(``no-pause``): ``actorgraph._gc``'s ``gc``, the one place the calls pause it, is replaced by one
whose ``collect``, ``freeze`` and ``unfreeze`` (and for ``no-pause`` ``disable``) do nothing. The
variants alternate; it prints the median CPU time (all threads of the process; wall-clock time on
a shared machine says little) of each:

- ``projection``: ``to_networkx`` of ``generate.py``'s graph (``--triples``, seed 1), then what a
  program does next -- 300,000 small containers kept -- since the collections the pause saves
  during the call are partly paid after it, when the young generation holds the new graph;
- ``page``: ``render_html`` of ``page_bench.synthetic_graph(10_000, 20_000)``, the best of 3
  calls per process (the first call, which imports pyvis and igraph, is not timed);
- ``validate``: ``actorgraph validate``'s call on the bundled data, the first of the process (as
  the command makes it: the ontology and the shapes are read in it too).

    python benchmarks/gc_pause_bench.py projection --triples 1000000 --runs 3
    python benchmarks/gc_pause_bench.py page --runs 3
    python benchmarks/gc_pause_bench.py validate --runs 3

Results: ``BENCHMARKS.md``, "What the library does to its host".
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


VARIANTS = ("pause", "pause-only", "no-pause")


def _collector(variant: str) -> types.SimpleNamespace:
    """A stand-in for ``gc`` in ``actorgraph._gc`` that leaves out part of what it does."""
    return types.SimpleNamespace(
        isenabled=gc.isenabled,
        enable=gc.enable,
        disable=gc.disable if variant == "pause-only" else lambda: None,
        get_freeze_count=gc.get_freeze_count,
        collect=lambda generation=2: 0,
        freeze=lambda: None,
        unfreeze=lambda: None,
    )


def _child(what: str, variant: str, data: str | None) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    if variant != "pause":
        from actorgraph import _gc

        _gc.gc = _collector(variant)  # type: ignore[assignment]
    if what == "projection":
        import pyoxigraph as ox

        from actorgraph.network._to_networkx import to_networkx

        store = ox.Store()
        store.bulk_load(path=data, format=ox.RdfFormat.N_QUADS)
        gc.collect()
        start = time.process_time()
        graph = to_networkx(store)
        projected = time.process_time()
        kept = [(i, {"i": i}) for i in range(300_000)]
        after = time.process_time()
        del kept
        return {
            "call": projected - start,
            "after": after - projected,
            "total": after - start,
            "nodes": graph.number_of_nodes(),
        }
    if what == "validate":
        from actorgraph.curation._validate import validate

        gc.collect()
        start = time.process_time()
        errors = validate()
        took = time.process_time() - start
        return {"call": took, "after": 0.0, "total": took, "errors": len(errors)}
    from page_bench import synthetic_graph

    from actorgraph.page import _render

    page_graph = synthetic_graph(10_000, 20_000)
    _render.render_html(page_graph)  # the first call imports pyvis and igraph
    times = []
    for _ in range(3):
        gc.collect()
        start = time.process_time()
        _render.render_html(page_graph)
        times.append(time.process_time() - start)
    return {"call": min(times), "after": 0.0, "total": min(times)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["projection", "page", "validate"])
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per variant")
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.what, args.child, args.data)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "graph.nq"
        if args.what == "projection":
            with data.open("w") as out:
                subprocess.run(
                    [sys.executable, str(HERE / "generate.py"), str(args.triples), "--seed", "1"],
                    stdout=out,
                    check=True,
                )
        results: dict[str, list[dict[str, Any]]] = {variant: [] for variant in VARIANTS}
        for _ in range(args.runs):
            for variant, runs in results.items():
                out = subprocess.run(
                    [sys.executable, __file__, args.what, "--child", variant, "--data", str(data)],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                runs.append(json.loads(out.strip().splitlines()[-1]))
                print(f"  {variant}: {runs[-1]}", file=sys.stderr, flush=True)
    print(f"{args.what}, median CPU seconds of {args.runs} fresh processes per variant")
    for variant, runs in results.items():
        call = statistics.median(r["call"] for r in runs)
        after = statistics.median(r["after"] for r in runs)
        total = statistics.median(r["total"] for r in runs)
        print(f"{variant:>10}: call {call:.2f} s, after it {after:.2f} s, together {total:.2f} s")


if __name__ == "__main__":
    main()
