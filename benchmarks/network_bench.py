"""Projection to NetworkX at scale: actorgraph's ``to_networkx`` against rdflib's bridge.

Both sides get the same synthetic GTD-like graph (``benchmarks/generate.py``, seeded). actorgraph
bulk-loads it into a pyoxigraph store and projects it (literals as attributes, statements on edges);
rdflib parses it into an in-memory ``Graph`` and runs ``rdflib_to_networkx_multidigraph`` (every
literal a node). Each side runs in its own process so that its peak memory (``ru_maxrss``) is its own.

    python benchmarks/network_bench.py                  # 1,000,000 triples
    python benchmarks/network_bench.py --triples 100000 --seed 3

Prints load and projection times, the projection-time ratio, and peak memory of each side.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def run_actorgraph(nquads: Path) -> dict[str, float]:
    import pyoxigraph as ox

    from actorgraph._network import to_networkx

    start = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    loaded = time.perf_counter()
    G = to_networkx(store)
    projected = time.perf_counter()
    return {
        "load_s": loaded - start,
        "project_s": projected - loaded,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "peak_mb": _peak_mb(),
    }


def run_rdflib(ntriples: Path) -> dict[str, float]:
    from rdflib import Graph
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph

    start = time.perf_counter()
    graph = Graph()
    graph.parse(str(ntriples), format="nt")
    loaded = time.perf_counter()
    G = rdflib_to_networkx_multidigraph(graph)
    projected = time.perf_counter()
    return {
        "load_s": loaded - start,
        "project_s": projected - loaded,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "peak_mb": _peak_mb(),
    }


def _child(side: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", side, str(path)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--triples", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        side, path = args.child
        runner = run_actorgraph if side == "actorgraph" else run_rdflib
        print(json.dumps(runner(Path(path))))
        return 0

    sys.path.insert(0, str(HERE))
    from generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        nquads, ntriples = Path(tmp) / "graph.nq", Path(tmp) / "graph.nt"
        with nquads.open("w", encoding="utf-8") as nq, ntriples.open("w", encoding="utf-8") as nt:
            for line in generate(args.triples, args.seed):
                nq.write(line)
                # Same triple without its graph name: "<s> <p> <o> <g> ." → "<s> <p> <o> ."
                nt.write(line[: line.rindex(" <")] + " .\n")
        ours = _child("actorgraph", nquads)
        theirs = _child("rdflib", ntriples)

    print(f"synthetic GTD-like graph: {args.triples:,} triples, seed {args.seed}")
    print(f"{'':28}{'actorgraph':>14}{'rdflib':>14}")
    rows = [
        ("load (s)", "load_s", "{:.2f}"),
        ("to NetworkX (s)", "project_s", "{:.2f}"),
        ("nodes", "nodes", "{:,.0f}"),
        ("edges", "edges", "{:,.0f}"),
        ("peak memory (MB)", "peak_mb", "{:,.0f}"),
    ]
    for title, key, fmt in rows:
        print(f"{title:28}{fmt.format(ours[key]):>14}{fmt.format(theirs[key]):>14}")
    ratio = theirs["project_s"] / ours["project_s"]
    total = (theirs["load_s"] + theirs["project_s"]) / (ours["load_s"] + ours["project_s"])
    print(f"projection: actorgraph is {ratio:.1f}x faster than rdflib_to_networkx_multidigraph")
    print(f"load + projection: {total:.1f}x faster")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
