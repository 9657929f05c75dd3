"""How long each saved query (``queries/*.rq``) takes on the bundled curated data.

Run::

    python benchmarks/saved_queries.py                       # every saved query, 3 runs each
    python benchmarks/saved_queries.py --runs 1 leader-at-date relations-in-year
    python benchmarks/saved_queries.py --queries old/queries --compare queries

Each query runs in this one process on one in-memory store (``actorgraph.load()``): once with no
parameter bound, and once with each parameter bound to the example its header gives (``e.g. …``).
The figures are the best of ``--runs`` runs (a run past ``--budget`` seconds is not repeated): wall
time, and this process's CPU time, which a busy shared machine inflates far less. The query runs in
this process (``KnowledgeGraph.query`` without a timeout), result serialisation included.
With ``--compare DIR``, the same query from ``DIR`` runs too and the two answers are checked equal
row for row (GROUP_CONCAT cells compared as sorted lists of their words, since their order is
undefined in SPARQL 1.1).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

import actorgraph
from actorgraph.sparql._saved import SavedQuery

_EXAMPLE_RE = re.compile(r"e\.g\. ([^)]+)\)")


def _examples(saved: SavedQuery) -> dict[str, str]:
    examples = {}
    for name, meaning in saved.params.items():
        match = _EXAMPLE_RE.search(meaning)
        if match:
            examples[name] = match.group(1)
    return examples


def _answer(result: actorgraph.QueryResult) -> Counter[str]:
    def cell(term: dict[str, str]) -> dict[str, object]:
        return {**term, "value": sorted(re.split(r"[\s;]+", term["value"]))}

    return Counter(
        json.dumps({k: cell(v) for k, v in b.items()}, sort_keys=True) for b in result.bindings
    )


def _time(
    kg: actorgraph.KnowledgeGraph, text: str, params: dict[str, str], runs: int, budget: float
) -> tuple[float, float, actorgraph.QueryResult]:
    """Best wall and CPU seconds of up to ``runs`` runs, and the answer."""
    wall = cpu = float("inf")
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = kg.query(text, params=params or None)
        len(result)
        elapsed = time.perf_counter() - start
        wall, cpu = min(wall, elapsed), min(cpu, time.process_time() - start_cpu)
        if elapsed > budget:
            break
    return wall, cpu, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="saved query names (default: all)")
    parser.add_argument("--queries", type=Path, default=None, help="folder of .rq files to time")
    parser.add_argument("--compare", type=Path, default=None, help="folder to time and compare")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=float, default=5.0, help="seconds; do not repeat past it")
    args = parser.parse_args(argv)

    folder = args.queries or Path(__file__).resolve().parents[1] / "queries"
    paths = sorted(folder.glob("*.rq"))
    if args.names:
        paths = [p for p in paths if p.stem in args.names]
    start = time.perf_counter()
    kg = actorgraph.load()
    loaded = time.perf_counter() - start
    triples = int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))).n)
    print(f"# {triples:,} triples, loaded in {loaded:.1f} s; best of {args.runs} runs", flush=True)
    columns = ["query", "params", "rows", "wall s", "CPU s"]
    if args.compare:
        columns = [
            "query",
            "params",
            "rows",
            "before wall s",
            "before CPU s",
            "after wall s",
            "after CPU s",
            "same answer",
        ]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    failures = 0
    for path in paths:
        saved = SavedQuery.from_file(path)
        for params in ({}, _examples(saved)):
            if params == {} or saved.params:
                label = " ".join(f"{k}={v}" for k, v in params.items()) or "-"
                wall, cpu, result = _time(kg, saved.text, params, args.runs, args.budget)
                cells = [saved.name, label, str(len(result)), f"{wall:.3f}", f"{cpu:.3f}"]
                if args.compare:
                    other = SavedQuery.from_file(args.compare / path.name)
                    wall, cpu, answer = _time(kg, other.text, params, args.runs, args.budget)
                    same = _answer(answer) == _answer(result)
                    failures += not same
                    cells += [f"{wall:.3f}", f"{cpu:.3f}", "yes" if same else "NO"]
                print("| " + " | ".join(cells) + " |", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
