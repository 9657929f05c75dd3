"""The analyst's journey on an imported on-disk store, and imports at real sizes.

Two runs, each step in a fresh Python process of its own (its wall time, and its peak resident
memory from the kernel's accounting of that process):

``journey`` (issue 22, part 2): N synthetic GTD-format rows (``import_bench.write_rows``, seeded)
imported into an on-disk store, then the commands an analyst runs, beside their floors and the way
the actors view was built before, measured in the same run:

- ``actorgraph viz --store DIR`` (the actors view's page), ``actorgraph profile TTP --store DIR`` and
  ``actorgraph query --saved attacks-by-group-and-year --store DIR``: the whole command;
- ``to_networkx(view="actors")`` and ``to_networkx(view="full")``: the call, in a process that
  opened the store first; the actors view also as before (the whole graph projected, then folded);
- floors: Oxigraph counting every quad of the store (``COUNT(*)`` in SPARQL, in Rust), its dump of
  every quad (N-Quads into ``/dev/null``), the same quads read as pyoxigraph objects, and NetworkX
  building the full view from its prepared node and edge lists;
- every saved query on the store (no parameters): its rows and time;
- then ``viz``, ``actors``, ``profile`` and ``query`` again with results kept (the default, in the
  user's cache folder; every step above ran with ``ACTORGRAPH_KEEP_DERIVED=0``): ``_first``, the
  first call on the store, which derives and keeps; ``_again``, a later call, which reads back
  (``actors_again`` reads the actors view that ``viz_first`` kept): the median of ``--repeat``
  runs (``walls`` lists them all), beside ``start_again``, ``actorgraph --version`` (Python's start
  and the command line's imports: the floor of a command read back).

``scale`` (part 3): N synthetic UCDP rows (``write_ucdp_rows``, seeded; for each of ``--rows``)
imported into an on-disk store: rows per second, the process's peak memory, the store's size on
disk, the time to reopen it, every saved query on it (no parameters; its rows and time), and
Oxigraph's own bulk load of the same triples (the import graph dumped as N-Triples, loaded by
``Store.bulk_load`` into a fresh on-disk store) beside it: ``bulk`` into a named graph as the import
loads them (Oxigraph keeps six indexes of a named graph's quads), ``bulk-default`` into the default
graph (three indexes; the floor measured before 7 December). Each step also reports ``cpu_s``,
the CPU time of its process (all threads): on shared cores, steadier than its wall time.

    python benchmarks/store_bench.py journey --rows 100000
    python benchmarks/store_bench.py scale --rows 100000,400000
    python benchmarks/store_bench.py journey --rows 2000 --workdir /tmp/x   # a quick try
    python benchmarks/store_bench.py journey --store DIR                    # a store imported before
    python benchmarks/store_bench.py journey --store DIR --steps viz,profile # some steps only

Prints Markdown tables (and ``--json PATH`` the raw figures). The machine may be shared: compare the
ratios of one run. Results: ``BENCHMARKS.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from import_bench import write_rows  # noqa: E402 - the GTD rows of the import benchmark

UCDP_COLUMNS = [
    "id", "relid", "year", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b",
    "source_article", "where_prec", "where_description", "adm_1", "adm_2", "latitude", "longitude",
    "country", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low",
]  # fmt: skip
# (side_a, side_b, type_of_violence): shaped like the Pakistan GED's dyads, plus groups no curated
# name matches (each becomes a provisional actor).
DYADS = [
    ("Government of Pakistan", "TTP", 1), ("Government of Pakistan", "BRA", 1),
    ("TTP", "Civilians", 3), ("Lashkar-e-Islam", "TTP", 2), ("IS", "TTP", 2),
    ("Government of Pakistan", "Synthetic Group {n}", 1), ("Synthetic Group {n}", "Civilians", 3),
    ("Government of India", "Government of Pakistan", 1), ("LeJ", "Civilians", 3),
]  # fmt: skip
PROVINCES = [
    ("Federally Administered Tribal Areas", ["North Waziristan agency", "Khyber agency"]),
    ("Khyber Pakhtunkwa province", ["Peshawar district", "Bannu district"]),
    ("Balochistan province", ["Quetta district", "Kech district"]),
    ("Sindh province", ["Karachi district"]),
]


def write_ucdp_rows(path: Path, n: int, seed: int = 11) -> None:
    """Write ``n`` synthetic UCDP GED rows (HDX column names; no real GED row), reproducibly."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(UCDP_COLUMNS)
        for i in range(n):
            side_a, side_b, violence = rng.choice(DYADS)
            group = rng.randint(1, 300)
            side_a, side_b = side_a.format(n=group), side_b.format(n=group)
            year = rng.randint(1989, 2023)
            day = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            province, districts = rng.choice(PROVINCES)
            a, b, c, u = (rng.choice([0, 0, 1, 2, 5]) for _ in range(4))
            best = a + b + c + u
            writer.writerow([
                1_000_000 + i, f"PAK-{year}-{violence}-{i}", year, violence,
                f"{side_a} - {side_b}", f"{side_a} - {side_b}", side_a, side_b,
                f"Synthetic report {i}", rng.randint(1, 4), "a place", province,
                rng.choice(districts), f"{rng.uniform(24, 37):.6f}", f"{rng.uniform(61, 77):.6f}",
                "Pakistan", rng.randint(1, 3), f"{day} 00:00:00.000", f"{day} 00:00:00.000",
                a, b, c, u, best, best + rng.randint(0, 3), best,
            ])  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Children: each prints one JSON object on its last line of standard output.


#: The limit on each saved query's time (the command line's default ``--timeout``).
SAVED_TIMEOUT = 60.0


def _child(kind: str, args: list[str]) -> dict[str, Any]:
    import actorgraph

    if kind == "import":
        from actorgraph.importers import import_file

        dataset, path, store = args
        kg = actorgraph.load(store=store)
        start = time.perf_counter()
        report = import_file(kg, dataset, path)
        seconds = time.perf_counter() - start
        kg.close()
        return {"seconds": seconds, "events": report.events_created}
    if kind == "reopen":
        start = time.perf_counter()
        kg = actorgraph.load(store=args[0], read_only=True)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "triples": len(kg)}
    if kind in ("actors", "actors-before", "full"):
        kg = actorgraph.load(store=args[0], read_only=True)
        start = time.perf_counter()
        if kind == "actors-before":
            from actorgraph._gc import collector_paused
            from actorgraph.network._folding import fold_actors
            from actorgraph.network._projection import project

            with collector_paused():  # as to_networkx() does
                G = fold_actors(*project(kg))
        else:
            G = kg.to_networkx(view="actors" if kind == "actors" else "full")
        seconds = time.perf_counter() - start
        out: dict[str, Any] = {
            "seconds": seconds,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
        }
        if kind == "full":
            import networkx as nx

            nodes, edges = list(G.nodes(data=True)), list(G.edges(keys=True, data=True))
            start = time.perf_counter()
            H = nx.MultiDiGraph()
            H.add_nodes_from(nodes)
            H.add_edges_from(edges)
            out["networkx_floor"] = time.perf_counter() - start
        return out
    if kind == "scan":
        import pyoxigraph as ox

        store = ox.Store.read_only(str(Path(args[0]) / "oxigraph"))
        start = time.perf_counter()
        (row,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")  # type: ignore[misc]
        count_s = time.perf_counter() - start
        start = time.perf_counter()
        dumped = Path(args[0]).with_suffix(".nq")  # a dump syncs its file: /dev/null refuses
        store.dump(str(dumped), format=ox.RdfFormat.N_QUADS)
        dump_s = time.perf_counter() - start
        dumped.unlink()
        start = time.perf_counter()
        quads = sum(1 for _ in store.quads_for_pattern(None, None, None, None))
        return {
            "count_seconds": count_s,
            "dump_seconds": dump_s,
            "quads_seconds": time.perf_counter() - start,
            "quads": quads,
            "count": int(row["n"].value),
        }
    if kind == "saved":
        from actorgraph.sparql._saved import saved_queries

        # Each query with the command line's default limit (60 s): a query that takes longer is
        # reported as stopped, as `actorgraph query --saved NAME --store DIR` would report it.
        kg = actorgraph.load(store=args[0], read_only=True)
        timings: dict[str, Any] = {}
        for saved in saved_queries():
            start = time.perf_counter()
            try:
                rows: int | str = len(list(kg.query(saved.text, timeout=SAVED_TIMEOUT)))
            except actorgraph.QueryTimeout:
                rows = f"stopped after {SAVED_TIMEOUT:.0f} s"
            timings[saved.name] = {"seconds": time.perf_counter() - start, "rows": rows}
            _report(f"  {saved.name}", timings[saved.name])
        return timings
    if kind == "dump-graph":
        import pyoxigraph as ox

        store = ox.Store.read_only(str(Path(args[0]) / "oxigraph"))
        graph = next(g for g in store.named_graphs() if "/import/" in str(g))
        store.dump(args[1], format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
        return {}
    if kind in ("bulk", "bulk-default"):
        import pyoxigraph as ox

        store = ox.Store(args[1])
        start = time.perf_counter()
        if kind == "bulk":
            # As the import loads them: into a named graph (six indexes, where the default graph
            # has three), without validating the IRIs again (lenient).
            graph = ox.NamedNode("https://w3id.org/actorgraph/graph/import/bulk")
            store.bulk_load(
                path=args[0], format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True
            )
        else:
            store.bulk_load(path=args[0], format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        return {"seconds": time.perf_counter() - start}
    raise SystemExit(f"unknown step {kind}")


def _run(argv: list[str], budget: float) -> dict[str, Any]:
    """Run a command in a child process: its wall time, peak memory (MB) and JSON result."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = process.communicate(timeout=budget)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return {"failed": f"over {budget:.0f} s", "wall": time.perf_counter() - start}
    wall = time.perf_counter() - start
    result: dict[str, Any] = {"wall": wall, "returncode": process.returncode}
    lines = out.strip().splitlines()
    if process.returncode != 0:
        result["failed"] = (err.strip().splitlines() or ["?"])[-1]
    elif lines and lines[-1].startswith("{"):
        result.update(json.loads(lines[-1]))
    return result


def _timed_child(argv: list[str], budget: float) -> dict[str, Any]:
    """:func:`_run` under ``/usr/bin/time``-like accounting: the peak resident memory of the child."""
    wrapper = [sys.executable, __file__, "_peak", *argv]
    return _run(wrapper, budget)


def _peak(argv: list[str]) -> None:
    """Run ``argv``, then print its JSON line with its peak memory (this process is its parent)."""
    import resource

    process = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out, _ = process.communicate()
    # This process has had one child: the peak of its children is that child's own.
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = out.strip().splitlines()
    found = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
    found["peak_mb"] = usage.ru_maxrss / 1024
    # CPU time of the whole process, all its threads: on shared cores, steadier than wall time.
    found["cpu_s"] = usage.ru_utime + usage.ru_stime
    print(json.dumps(found))
    raise SystemExit(process.returncode)


def _step(kind: str, *args: str, budget: float) -> dict[str, Any]:
    return _timed_child([sys.executable, __file__, "_child", kind, *args], budget)


def _command(*args: str, budget: float) -> dict[str, Any]:
    return _timed_child(["actorgraph", *args], budget)


def _uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def journey(
    rows: int,
    work: Path,
    budget: float,
    store: Path | None = None,
    only: list[str] | None = None,
    *,
    repeat: int = 7,
) -> dict[str, Any]:
    # Here, not at the top: every step's process loads this file, and its wall time would count
    # the import of actorgraph twice.
    from actorgraph._derived import KEEP_ENV, kept_folder

    results: dict[str, Any] = {"rows": rows, "load_before": _uptime()}
    if store is None:
        csv_path, store = work / "gtd.csv", work / "store"
        write_rows(csv_path, rows)
        results["import"] = _step("import", "gtd", str(csv_path), str(store), budget=budget)
    html = work / "page.html"
    commands = {
        "viz": lambda: _command("viz", "--store", str(store), "-o", str(html), budget=budget),
        "actors": lambda: _step("actors", str(store), budget=budget),
        "profile": lambda: _command("profile", "TTP", "--store", str(store), budget=budget),
        "query": lambda: _command(
            "query", "--saved", "attacks-by-group-and-year", "--store", str(store), budget=budget
        ),
    }
    steps = {
        **commands,
        "full": lambda: _step("full", str(store), budget=budget),
        "actors_before": lambda: _step("actors-before", str(store), budget=budget),
        "scan": lambda: _step("scan", str(store), budget=budget),
        "saved": lambda: _step("saved", str(store), budget=budget * 3),
    }
    # First every step derived from the store, nothing kept (as before results were kept); then
    # the four commands with keeping on (the default): the first call on the store derives and
    # keeps, a second reads back (`viz` keeps the actors view that `actors` then reads).
    if only:
        steps = {name: step for name, step in steps.items() if name in only}
        commands = {name: step for name, step in commands.items() if name in only}
    folder = kept_folder(store)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
    # The floor of a command read back: Python's start and the command line's imports.
    start = {"start": lambda: _command("--version", budget=budget)}
    rounds = [("", "0", steps), ("_first", "1", commands), ("_again", "1", {**start, **commands})]
    for suffix, keep, chosen in rounds:
        os.environ[KEEP_ENV] = keep
        for name, step in chosen.items():
            if suffix == "_first" and name == "actors":
                continue  # viz_first kept it: this would be actors_again
            print(f"journey: {name}{suffix}", file=sys.stderr)
            if suffix == "_again":  # a fraction of a second: the median of several
                runs = sorted((step() for _ in range(repeat)), key=lambda r: r["wall"])
                walls = [round(r["wall"], 3) for r in runs]
                results[name + suffix] = {**runs[len(runs) // 2], "walls": walls}
            else:
                results[name + suffix] = step()
            results[name + suffix]["load_after"] = _uptime()
            _report(name + suffix, results[name + suffix])
    results["load_after"] = _uptime()
    return results


def scale(sizes: list[int], work: Path, budget: float) -> dict[str, Any]:
    """Each size imported (then its size on disk and the time to reopen), then Oxigraph's bulk
    load of each import's triples, then the saved queries on each store (the longest part)."""
    results: dict[str, Any] = {"load_before": _uptime()}
    for rows in sizes:
        csv_path, store = work / f"ucdp-{rows}.csv", work / f"ucdp-{rows}"
        write_ucdp_rows(csv_path, rows)
        entry: dict[str, Any] = results.setdefault(str(rows), {})
        entry["import"] = _step("import", "ucdp", str(csv_path), str(store), budget=budget)
        entry["size_mb"] = sum(f.stat().st_size for f in store.rglob("*") if f.is_file()) / 2**20
        entry["reopen"] = _step("reopen", str(store), budget=budget)
        csv_path.unlink()
        _report(f"import {rows}", entry)
    for rows in sizes:
        store, nt = work / f"ucdp-{rows}", work / f"ucdp-{rows}.nt"
        entry = results[str(rows)]
        _step("dump-graph", str(store), str(nt), budget=budget)
        entry["triples"] = sum(1 for _ in nt.open("rb"))
        for kind in ("bulk", "bulk-default"):
            entry[kind] = _step(kind, str(nt), str(work / f"{kind}-{rows}"), budget=budget)
            shutil.rmtree(work / f"{kind}-{rows}", ignore_errors=True)
        nt.unlink()
        _report(f"bulk {rows}", {k: entry[k] for k in ("triples", "bulk", "bulk-default")})
    for rows in reversed(sizes):
        entry = results[str(rows)]
        entry["saved"] = _step("saved", str(work / f"ucdp-{rows}"), budget=budget * 3)
        _report(f"saved {rows}", entry["saved"])
    results["load_after"] = _uptime()
    return results


def _report(name: str, result: Any) -> None:
    """One step's figures on standard error as they come (a long run may be stopped)."""
    print(f"{name}: {json.dumps(result)}", file=sys.stderr, flush=True)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(_child(sys.argv[2], sys.argv[3:])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_peak":
        _peak(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", choices=["journey", "scale"])
    parser.add_argument("--rows", default=None, help="rows (journey: one size; scale: a list)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--budget", type=float, default=1800, help="seconds allowed per step")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--store", type=Path, default=None, help="journey: an imported store to use (no import)"
    )
    parser.add_argument(
        "--steps", default=None, help="journey: only these steps (e.g. viz,actors,profile,query)"
    )
    parser.add_argument(
        "--repeat", type=int, default=7, help="journey: runs of each read-back (the median is kept)"
    )
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="actorgraph-store-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.run == "journey":
        only = args.steps.split(",") if args.steps else None
        rows = int(args.rows or 100_000)
        results = journey(rows, work, args.budget, args.store, only, repeat=args.repeat)
    else:
        sizes = [int(n) for n in (args.rows or "100000,400000").split(",")]
        results = scale(sizes, work, args.budget)
    text = json.dumps(results, indent=2)
    if args.json:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
