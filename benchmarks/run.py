"""Scale benchmark: actorgraph against plain rdflib on the same GTD-like graph, side by side.

Run::

    python benchmarks/run.py --sizes 10000,100000,1000000      # the full run (minutes)
    python benchmarks/run.py --quick                           # a tiny smoke run (seconds)

For each size the seeded generator (``benchmarks/generate.py``) writes one N-Triples file. Each side then
runs in its own fresh Python process (so that peak memory is its own), on the same triples:

- **actorgraph**: ``actorgraph.load()`` (ontology + bundled data, not timed), then ``kg.replace_graph`` of
  the file into an in-memory store (a lenient load checked by a strict parse, on two cores); the three
  queries through ``kg.query``; ``kg.to_networkx()``; the same file into an on-disk store
  (``load(store=DIR)``) and the time to reopen that store.
- **rdflib**: a default ``rdflib.Graph()`` that first parses the same ontology + bundled data (not timed,
  written by actorgraph as N-Triples), then ``Graph.parse`` of the file; the three queries through
  ``Graph.query``; ``rdflib_to_networkx_multidigraph``.

Both sides therefore hold the same triples, and the benchmark checks that every query gives the same
answer on both (a digest of the sorted rows, taken outside the timing; a query's time covers evaluating
it and listing its rows as rdflib terms). Peak memory is ``ru_maxrss`` read in each side's process
right after loading, before anything else runs. A failing rdflib step (``RecursionError``, or running past
``--timeout``) is reported in its cell, not raised. Times are the best of up to three runs (fewer when one
run takes long). At the largest size the HTML page of a 10,000-node projection is rendered with
``actorgraph``'s ``render_html`` and, in the same process, with plain pyvis (``Network.from_nx`` +
``write_html``).

The results go to standard output as a Markdown table (and with ``--json PATH`` as JSON).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH_GRAPH = "https://w3id.org/actorgraph/graph/benchmark/synthetic"

PREFIXES = """PREFIX ag: <https://w3id.org/actorgraph/ontology#>
PREFIX agd: <https://w3id.org/actorgraph/data/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

#: The three queries, the same text on both sides.
QUERIES: dict[str, str] = {
    "aggregate": PREFIXES
    + """SELECT ?group ?year (COUNT(DISTINCT ?attack) AS ?attacks) WHERE {
  ?attack a ag:Attack ; ag:claimedBy|ag:attributedTo ?group ; ag:earliestDate ?date .
  BIND(YEAR(?date) AS ?year)
} GROUP BY ?group ?year""",
    "transitive": PREFIXES
    + """SELECT ?group ?ally WHERE {
  ?group ag:alliedWith+ ?ally .
}""",
    "date_range": PREFIXES
    + """SELECT ?attack ?date ?killed ?claimant WHERE {
  ?attack a ag:Attack ; ag:earliestDate ?date ; ag:killed ?killed .
  OPTIONAL { ?attack ag:claimedBy ?claimant }
  FILTER(?date >= "2010-01-01"^^xsd:date && ?date <= "2010-12-31"^^xsd:date)
}""",
}

#: A query along one long chain of alliances, in a small graph of its own (``--chain`` links).
CHAIN_QUERY = PREFIXES + "SELECT ?ally WHERE { agd:chain-0 ag:alliedWith+ ?ally }"


def _chain(links: int) -> bytes:
    """N-Triples of ``agd:chain-0 ag:alliedWith agd:chain-1 … agd:chain-<links>``."""
    agd, allied = (
        "https://w3id.org/actorgraph/data/",
        "https://w3id.org/actorgraph/ontology#alliedWith",
    )
    return "".join(
        f"<{agd}chain-{i}> <{allied}> <{agd}chain-{i + 1}> .\n" for i in range(links)
    ).encode()


DISTINCT_TRIPLES = (
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
)

MEASURES = [
    ("load", "load (bulk)"),
    ("aggregate", "query: GROUP BY attacks per group per year"),
    ("transitive", "query: ag:alliedWith+ (transitive path)"),
    ("date_range", "query: date range + OPTIONAL"),
    ("to_networkx", "to_networkx"),
    ("chain", "query: ag:alliedWith+ along one chain (own small graph)"),
]

#: Targets at the largest size: the least rdflib-time / actorgraph-time (memory: the most ours / theirs).
# Seconds of repeated projection runs per side: enough for the best of three at a million triples.
PROJECTION_BUDGET = 60.0
TARGETS = {"load": 10.0, "aggregate": 15.0, "to_networkx": 4.0}
MEMORY_TARGET = 0.5


class _TimedOut(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# Helpers used by both workers


def _peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`_TimedOut` in pure-Python code that runs past ``seconds`` (SIGALRM)."""

    def _alarm(signum: int, frame: Any) -> None:
        raise _TimedOut

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _Stopwatch:
    """Wall-clock and CPU time (all threads of the process) since it was made."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def read(self) -> dict[str, float]:
        return {"seconds": time.perf_counter() - self.wall, "cpu": time.process_time() - self.cpu}


def _measure(
    run: Callable[[], Any], *, timeout: float, repeats: int = 3, budget: float = 10.0
) -> dict[str, Any]:
    """Time ``run()``: best of up to ``repeats`` runs (stop repeating once ``budget`` s are spent).

    Returns ``{"seconds": …, "cpu": …, "value": <last result>}`` (the least wall-clock and CPU time) or ``{"error": "…"}`` for a failure.
    """
    best = {"seconds": float("inf"), "cpu": float("inf")}
    spent = 0.0
    value: Any = None
    for _ in range(repeats):
        value = None  # free the previous run's result before the clock starts, not inside it
        watch = _Stopwatch()
        try:
            with _deadline(timeout):
                value = run()
        except _TimedOut:
            return {"error": f"stopped after {timeout:g} s"}
        except RecursionError:
            return {"error": "RecursionError"}
        except Exception as exc:  # a failure is a result here, reported in its cell
            return {"error": f"{type(exc).__name__}: {exc}"[:120]}
        took = watch.read()
        best = {key: min(best[key], took[key]) for key in best}
        spent += took["seconds"]
        if spent > budget:
            break
    return {**best, "value": value}


def _rows(graph: Any, text: str) -> list[Any]:
    """Run a query and list its rows (the part that is timed)."""
    return list(graph.query(text))


def _digest(rows: Iterable[Iterable[Any]]) -> dict[str, Any]:
    """Rows as sorted tuples of strings (unbound = ""), their count and a SHA-256 over them."""
    table = sorted(tuple("" if term is None else str(term) for term in row) for row in rows)
    return {"rows": len(table), "sha256": hashlib.sha256(repr(table).encode()).hexdigest()[:16]}


# ----------------------------------------------------------------------------------------------
# The two workers (each runs in its own process)


def worker_actorgraph(args: argparse.Namespace) -> dict[str, Any]:
    """Load, query and project with actorgraph; reopen an on-disk store; render the page."""
    import actorgraph

    out: dict[str, Any] = {}
    kg = actorgraph.load()
    watch = _Stopwatch()
    kg.replace_graph(BENCH_GRAPH, args.data)
    out["load"] = watch.read()
    out["peak_mb"] = _peak_mb()
    # Distinct triples over all graphs, as rdflib counts them (a triple may sit in two graphs).
    out["triples"] = int(next(iter(kg.query(DISTINCT_TRIPLES)))[0])
    for name, text in QUERIES.items():
        result = _measure(functools.partial(_rows, kg, text), timeout=args.timeout)
        out[name] = _flatten(result)
    # Three runs on both sides, whatever they take (the 10 s budget would cut rdflib's to two).
    result = _measure(kg.to_networkx, timeout=args.timeout, budget=PROJECTION_BUDGET)
    graph = result.pop("value", None)
    out["to_networkx"] = result
    if graph is not None:
        out["to_networkx"]["nodes"] = graph.number_of_nodes()
        out["to_networkx"]["edges"] = graph.number_of_edges()
        if args.render_nodes:
            out["render"] = _render(graph, args.render_nodes, Path(args.workdir))
    kg.close()
    if args.chain:
        chain = actorgraph.load()
        chain.replace_graph(BENCH_GRAPH, _chain(args.chain))
        result = _measure(lambda: list(chain.query(CHAIN_QUERY)), timeout=args.timeout)
        out["chain"] = {**_flatten(result), "links": args.chain}
    return out


def worker_actorgraph_disk(args: argparse.Namespace) -> dict[str, Any]:
    """Load into an on-disk store (peak memory of this process), close it, time its reopening."""
    import actorgraph

    store_dir = Path(args.workdir) / f"store-{Path(args.data).stem}"
    shutil.rmtree(store_dir, ignore_errors=True)
    watch = _Stopwatch()
    kg = actorgraph.load(store=store_dir)
    created = watch.read()
    watch = _Stopwatch()
    kg.replace_graph(BENCH_GRAPH, args.data)
    kg.close()
    loaded = watch.read()
    peak = _peak_mb()
    watch = _Stopwatch()
    kg = actorgraph.load(store=store_dir)
    reopen = watch.read()
    # The reopened store answers, with everything in it:
    first = _digest(kg.query(QUERIES["aggregate"]))
    triples = len(kg)
    kg.close()
    size = sum(f.stat().st_size for f in store_dir.rglob("*") if f.is_file())
    shutil.rmtree(store_dir, ignore_errors=True)
    return {
        "disk_peak_mb": peak,
        "disk_create": created,
        "disk_load": loaded,
        "reopen": {**reopen, "triples": triples, "aggregate": first, "bytes": size},
    }


def _render(graph: Any, n_nodes: int, workdir: Path) -> dict[str, Any]:
    """Render a ``n_nodes`` subgraph with actorgraph and with plain pyvis, in this process."""
    from pyvis.network import Network

    from actorgraph.page._render import render_html

    # Every node but the attacks first (actors, places, sources), then attacks up to n_nodes.
    nodes = sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("type") == "ag:Attack", n))
    sub = graph.subgraph(nodes[:n_nodes]).copy()
    out: dict[str, Any] = {"nodes": sub.number_of_nodes(), "edges": sub.number_of_edges()}
    ours = workdir / "actorgraph-page.html"
    result = _measure(lambda: render_html(sub, ours), timeout=600, repeats=1)
    result.pop("value", None)
    out["actorgraph"] = {**result, "bytes": ours.stat().st_size if ours.exists() else 0}

    theirs = workdir / "pyvis-page.html"

    def pyvis_page() -> None:
        net = Network(directed=True, cdn_resources="in_line")
        net.from_nx(sub)
        # pyvis writes relative to the working directory; keep it out of the caller's.
        net.write_html(str(theirs))

    cwd = Path.cwd()
    os.chdir(workdir)
    try:
        result = _measure(pyvis_page, timeout=600, repeats=1)
    finally:
        os.chdir(cwd)
    result.pop("value", None)
    out["pyvis"] = {**result, "bytes": theirs.stat().st_size if theirs.exists() else 0}
    return out


def worker_rdflib(args: argparse.Namespace) -> dict[str, Any]:
    """Load, query and project with a default in-memory rdflib Graph."""
    import rdflib
    from rdflib.extras.external_graph_libs import (
        rdflib_to_networkx_multidigraph,
    )

    out: dict[str, Any] = {}
    graph = rdflib.Graph()
    graph.parse(args.base, format="nt")
    watch = _Stopwatch()
    try:
        with _deadline(args.timeout):
            graph.parse(args.data, format="nt")
    except _TimedOut:
        return {"load": {"error": f"stopped after {args.timeout:g} s"}}
    out["load"] = watch.read()
    out["peak_mb"] = _peak_mb()
    out["triples"] = len(graph)
    for name, text in QUERIES.items():
        result = _measure(functools.partial(_rows, graph, text), timeout=args.timeout)
        out[name] = _flatten(result)
    result = _measure(
        lambda: rdflib_to_networkx_multidigraph(graph),
        timeout=args.timeout,
        budget=PROJECTION_BUDGET,
    )
    nx_graph = result.pop("value", None)
    out["to_networkx"] = result
    if nx_graph is not None:
        out["to_networkx"]["nodes"] = nx_graph.number_of_nodes()
        out["to_networkx"]["edges"] = nx_graph.number_of_edges()
    if args.chain:
        chain = rdflib.Graph()
        chain.parse(data=_chain(args.chain), format="nt")
        result = _measure(lambda: list(chain.query(CHAIN_QUERY)), timeout=args.timeout)
        out["chain"] = {**_flatten(result), "links": args.chain}
    return out


def _flatten(result: dict[str, Any]) -> dict[str, Any]:
    """Replace the rows a query gave (timed) by their count and digest (not timed)."""
    rows = result.pop("value", None)
    if rows is not None:
        result.update(_digest(rows))
    return result


# ----------------------------------------------------------------------------------------------
# The driver


def _write_data(n_triples: int, seed: int, path: Path) -> None:
    """Write the generator's quads as N-Triples (graph names dropped: one graph on both sides)."""
    sys.path.insert(0, str(HERE))
    from generate import generate

    with path.open("w", encoding="utf-8") as f:
        f.writelines(line[: line.rindex(" <")] + " .\n" for line in generate(n_triples, seed))


def _write_base(path: Path) -> None:
    """Write what ``actorgraph.load()`` holds (ontology + bundled data) as N-Triples for rdflib."""
    import actorgraph

    path.write_bytes(actorgraph.load().serialize("nt"))


def _run_worker(side: str, args: argparse.Namespace, data: Path, **extra: Any) -> dict[str, Any]:
    out_path = data.with_suffix(f".{side}.json")
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        side,
        "--data",
        str(data),
        "--base",
        str(Path(args.workdir) / "base.nt"),
        "--workdir",
        str(args.workdir),
        "--timeout",
        str(args.timeout),
        "--out",
        str(out_path),
    ]
    for key, value in extra.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    completed = subprocess.run(command, check=False, capture_output=True, text=True)
    if completed.returncode != 0 or not out_path.exists():
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        return {"error": f"worker exited {completed.returncode}: {tail[0]}"[:200]}
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("actorgraph", "pyoxigraph", "rdflib", "networkx", "pyvis", "igraph"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "-"
    return found


def _seconds(cell: dict[str, Any] | None) -> str:
    if not cell:
        return "-"
    if "error" in cell:
        return f"FAILED ({cell['error']})"
    return f"{cell['seconds']:.3f} s"


def _ratio(
    theirs: dict[str, Any] | None, ours: dict[str, Any] | None, key: str = "seconds"
) -> float | None:
    if not theirs or not ours or key not in theirs or key not in ours:
        return None
    return float(theirs[key]) / max(float(ours[key]), 1e-9)


def _cpu_table(results: list[dict[str, Any]]) -> list[str]:
    """CPU time (all threads) of the same steps: less sensitive than wall-clock time to whatever
    else the machine runs, but blind to waiting (disk) and to work spread over several cores."""
    lines = [
        "| CPU time | triples | actorgraph | rdflib | rdflib ÷ actorgraph |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, title in MEASURES:
        for entry in results:
            ours, theirs = entry["actorgraph"].get(key) or {}, entry["rdflib"].get(key) or {}
            if not ours and not theirs:
                continue
            ratio = _ratio(theirs, ours, "cpu")
            cells = [f"{c['cpu']:.3f} s" if "cpu" in c else "-" for c in (ours, theirs)]
            lines.append(
                f"| {title} | {entry['size']:,} | {cells[0]} | {cells[1]} | "
                f"{'-' if ratio is None else f'{ratio:.1f}×'} |"
            )
    return lines


def _note(key: str, ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    o, t = ours.get(key) or {}, theirs.get(key) or {}
    if key == "chain" and "links" in o:
        found = f"{o['rows']:,} allies" if "rows" in o else "no answer"
        same = ", same answer" if o.get("sha256") and o.get("sha256") == t.get("sha256") else ""
        return f"a chain of {o['links']:,} alliances: {found}{same}"
    if key in QUERIES and "rows" in o:
        if "rows" in t:
            same = "same answer" if o.get("sha256") == t.get("sha256") else "ANSWERS DIFFER"
            return f"{o['rows']:,} rows, {same}"
        return f"{o['rows']:,} rows"
    if key == "to_networkx" and "nodes" in o:
        text = f"ours {o['nodes']:,} nodes / {o['edges']:,} edges"
        if "nodes" in t:
            text += f"; rdflib {t['nodes']:,} nodes / {t['edges']:,} edges (literals as nodes)"
        return text
    return ""


def report(results: list[dict[str, Any]], info: dict[str, Any]) -> str:
    """Format the results as Markdown: one row per measure and size, then the targets."""
    lines = [
        "| measure | triples | actorgraph | rdflib | rdflib ÷ actorgraph | notes |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, title in MEASURES:
        for entry in results:
            ours, theirs = entry["actorgraph"], entry["rdflib"]
            if key not in ours and key not in theirs:
                continue
            ratio = _ratio(theirs.get(key), ours.get(key))
            lines.append(
                f"| {title} | {entry['size']:,} | {_seconds(ours.get(key))} | "
                f"{_seconds(theirs.get(key))} | {'-' if ratio is None else f'{ratio:.1f}×'} | "
                f"{_note(key, ours, theirs)} |"
            )
    for entry in results:
        ours, theirs = entry["actorgraph"], entry["rdflib"]
        o_mb, t_mb = ours.get("peak_mb"), theirs.get("peak_mb")
        share = f"{o_mb / t_mb:.2f}× of rdflib's" if o_mb and t_mb else "-"
        lines.append(
            f"| peak memory after load (own process) | {entry['size']:,} | "
            f"{'-' if o_mb is None else f'{o_mb:,.0f} MB'} | "
            f"{'-' if t_mb is None else f'{t_mb:,.0f} MB'} | - | {share} |"
        )
    for entry in results:
        ours, theirs = entry["actorgraph"], entry["rdflib"]
        d_mb, t_mb = ours.get("disk_peak_mb"), theirs.get("peak_mb")
        share = f"{d_mb / t_mb:.2f}× of rdflib's in-memory peak" if d_mb and t_mb else "-"
        lines.append(
            f"| peak memory after load, on-disk store (own process) | {entry['size']:,} | "
            f"{'-' if d_mb is None else f'{d_mb:,.0f} MB'} | - | - | {share} |"
        )
    for entry in results:
        ours = entry["actorgraph"]
        for key, title in (
            ("disk_load", "load into an on-disk store"),
            ("reopen", "reopen the on-disk store"),
        ):
            cell = ours.get(key)
            note = ""
            if key == "reopen" and cell and "triples" in cell:
                note = f"{cell['triples']:,} triples, {cell['bytes'] / 1e6:,.0f} MB on disk"
            lines.append(f"| {title} | {entry['size']:,} | {_seconds(cell)} | - | - | {note} |")
    render = next(
        (e["actorgraph"].get("render") for e in results if e["actorgraph"].get("render")), None
    )
    if render:
        ours, theirs = render["actorgraph"], render["pyvis"]
        ratio = _ratio(theirs, ours)
        lines.append(
            f"| HTML page, {render['nodes']:,} nodes / {render['edges']:,} edges | - | "
            f"{_seconds(ours)} (`render_html`, layout included) | "
            f"{_seconds(theirs)} (plain pyvis `from_nx` + `write_html`, no layout) | - | "
            f"pyvis ÷ actorgraph {'-' if ratio is None else f'{ratio:.1f}×'}; pages of "
            f"{ours['bytes'] / 1e6:.1f} MB and {theirs['bytes'] / 1e6:.1f} MB |"
        )
    lines += ["", _targets(results), "", *_cpu_table(results), ""]
    for entry in results:
        for side in ("actorgraph", "rdflib"):
            for key in ("error", "disk_error"):
                if key in entry[side]:
                    where = "on disk" if key == "disk_error" else "in memory"
                    lines += [
                        f"FAILED: {side} ({where}) at {entry['size']:,}: {entry[side][key]}",
                        "",
                    ]
    sizes = ", ".join(f"{e['size']:,}" for e in results)
    lines.append(f"Sizes {sizes} triples, seed {info['seed']}; whole run {info['seconds']:.0f} s.")
    return "\n".join(lines)


def _targets(results: list[dict[str, Any]]) -> str:
    if not results:
        return ""
    top = results[-1]
    ours, theirs = top["actorgraph"], top["rdflib"]
    parts = []
    for key, target in TARGETS.items():
        ratio = _ratio(theirs.get(key), ours.get(key))
        verdict = "-" if ratio is None else ("met" if ratio >= target else "MISSED")
        shown = "-" if ratio is None else f"{ratio:.1f}×"
        parts.append(f"{key} ≥ {target:g}×: {shown} ({verdict})")
    for key, what in (("transitive", "transitive path"), ("chain", "along the chain")):
        cell, rd = ours.get(key), theirs.get(key)
        if cell is None:
            continue
        answered = "answers" if "seconds" in cell else "FAILED"
        rd_text = "answers" if rd and "seconds" in rd else _seconds(rd)
        parts.append(f"{what} {answered} (rdflib: {rd_text})")
    o_mb, t_mb = ours.get("peak_mb"), theirs.get("peak_mb")
    if o_mb and t_mb:
        share = o_mb / t_mb
        verdict = "met" if share <= MEMORY_TARGET else "MISSED"
        parts.append(f"peak memory ≤ {MEMORY_TARGET:g}× rdflib's: {share:.2f}× ({verdict})")
    return f"Targets at {top['size']:,} triples: " + "; ".join(parts) + "."


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with ``--worker``, one side of it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="triples, comma-separated")
    parser.add_argument("--quick", action="store_true", help="one tiny size (a smoke run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--render-nodes", type=int, default=10_000, help="0 skips the page")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per rdflib step")
    parser.add_argument(
        "--chain", type=int, default=1_000, help="links of the alliance chain (0 skips it)"
    )
    parser.add_argument("--workdir", help="where data files go (default: a temporary directory)")
    parser.add_argument("--json", help="also write the results as JSON here")
    parser.add_argument(
        "--worker", choices=["actorgraph", "actorgraph-disk", "rdflib"], help=argparse.SUPPRESS
    )
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        run = {
            "actorgraph": worker_actorgraph,
            "actorgraph-disk": worker_actorgraph_disk,
            "rdflib": worker_rdflib,
        }[args.worker]
        Path(args.out).write_text(json.dumps(run(args)))
        return 0

    sizes = [2_000] if args.quick else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    render_nodes = min(args.render_nodes, 300) if args.quick else args.render_nodes
    chain = min(args.chain, 50) if args.quick else args.chain
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if args.workdir is None:
            args.workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="agbench-"))
        workdir = Path(args.workdir)
        workdir.mkdir(parents=True, exist_ok=True)
        _write_base(workdir / "base.nt")
        results = []
        for index, size in enumerate(sizes):
            data = workdir / f"synthetic-{size}.nt"
            _write_data(size, args.seed, data)
            last = index == len(sizes) - 1
            extra = {"render_nodes": render_nodes if last else 0, "chain": chain if last else 0}
            print(f"# {size:,} triples: actorgraph …", file=sys.stderr, flush=True)
            ours = _run_worker("actorgraph", args, data, **extra)
            print(f"# {size:,} triples: actorgraph, on disk …", file=sys.stderr, flush=True)
            disk = _run_worker("actorgraph-disk", args, data)
            ours.update({"disk_error": disk["error"]} if "error" in disk else disk)
            print(f"# {size:,} triples: rdflib …", file=sys.stderr, flush=True)
            theirs = _run_worker("rdflib", args, data, chain=extra["chain"])
            results.append({"size": size, "actorgraph": ours, "rdflib": theirs})
            data.unlink()
        info = {
            "seed": args.seed,
            "seconds": time.perf_counter() - started,
            "cores": os.cpu_count(),
            "versions": _versions(),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
        }
    print(report(results, info))
    if args.json:
        Path(args.json).write_text(json.dumps({"info": info, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
