"""``to_networkx`` or ``render_html`` called N times in one process, in run.py's setting: for counting
instructions (callgrind) or CPU time per call, before and after a change.

Run::

    python benchmarks/repeat_calls.py data 100000 synthetic-100000.nt           # run.py's file
    python benchmarks/repeat_calls.py project 5 synthetic-100000.nt             # to_networkx x 5
    python benchmarks/repeat_calls.py render 2 synthetic-100000.nt --out DIR     # render_html x 2
    valgrind --tool=callgrind python benchmarks/repeat_calls.py project 0 synthetic-100000.nt

As run.py's actorgraph worker does, ``actorgraph.load()`` is followed by ``kg.replace_graph`` of the
file into the in-memory store; ``project`` then calls ``kg.to_networkx()`` N times, dropping the
previous result before each call; ``render`` projects once and renders the page of run.py's
subgraph (every node but the attacks, then attacks, up to 10,000 nodes) N times. With N = 0 only
the setup runs, so the instructions of one call are (count with N calls - count with N = 0) / N:
callgrind counts every thread and gives the same count for the same run within 0.05%, whatever
the machine's load. Each call's CPU time (all threads, and the main thread's) is printed as JSON,
and for ``render`` the page's size and SHA-256 (the same bytes before and after a refactoring).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH_GRAPH = "https://w3id.org/actorgraph/graph/benchmark/synthetic"


def write_data(n_triples: int, path: Path, seed: int = 1) -> None:
    """run.py's data file: the generator's quads as N-Triples."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    with path.open("w", encoding="utf-8") as f:
        f.writelines(line[: line.rindex(" <")] + " .\n" for line in generate(n_triples, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["data", "project", "render"])
    parser.add_argument("n", type=int, help="calls; for data, triples")
    parser.add_argument("data", type=Path, help="the N-Triples file (written by the data mode)")
    parser.add_argument("--out", type=Path, default=Path("."), help="where the page is written")
    args = parser.parse_args(argv)
    if args.mode == "data":
        write_data(args.n, args.data)
        return 0

    import actorgraph

    kg = actorgraph.load()
    kg.replace_graph(BENCH_GRAPH, str(args.data))
    cpu: list[float] = []
    main_thread: list[float] = []
    out: dict[str, Any] = {"mode": args.mode, "calls": args.n}
    if args.mode == "project":
        result = None
        for _ in range(args.n):
            result = None  # dropped before the next call, as run.py does
            started = time.process_time(), time.thread_time()
            result = kg.to_networkx()
            cpu.append(time.process_time() - started[0])
            main_thread.append(time.thread_time() - started[1])
        if result is not None:
            out["graph"] = [result.number_of_nodes(), result.number_of_edges()]
    else:
        try:
            from actorgraph.page._render import render_html
        except ImportError:  # before the package was split into capability packages (0efb43f)
            from actorgraph._render import render_html  # type: ignore[no-redef]

        graph = kg.to_networkx()
        nodes = sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("type") == "ag:Attack", n))
        sub = graph.subgraph(nodes[:10_000]).copy()
        del graph
        page = args.out / "repeat-calls-page.html"
        for _ in range(args.n):
            started = time.process_time(), time.thread_time()
            render_html(sub, page)
            cpu.append(time.process_time() - started[0])
            main_thread.append(time.thread_time() - started[1])
        out["graph"] = [sub.number_of_nodes(), sub.number_of_edges()]
        if args.n:
            text = page.read_bytes()
            out["page"] = [len(text), hashlib.sha256(text).hexdigest()[:16]]
    out["cpu_s"] = [round(x, 3) for x in cpu]
    out["main_thread_s"] = [round(x, 3) for x in main_thread]
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
