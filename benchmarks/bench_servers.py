"""How long `actorgraph push` and the saved queries take on the SPARQL servers the tests run.

Starts each server the test suite starts (OpenLink Virtuoso from Debian's ``virtuoso-opensource``,
``tests/_virtuoso.py``; the ``oxigraph`` server, ``tests/test_push.py``), each fresh, in a temporary
directory, on free loopback ports, and measures for each data set:

1. ``push`` over the Graph Store Protocol (Virtuoso: ``/sparql-graph-crud-auth`` with HTTP Digest
   as ``dba``; Oxigraph: ``/store``), and over SPARQL Update (Virtuoso: ``/sparql-auth`` in chunks
   of 1,000 triples, the most its SPARQL compiler takes; Oxigraph: ``/update`` in the default
   5,000), then the check that follows a push (one COUNT per graph, one lookup per graph);
2. every saved query (``queries/*.rq``), once with no parameter and once with the example
   parameters its header gives, through ``query --endpoint``'s code path
   (``actorgraph.load(store=URL).query``), and the same on the local store, in this process.

Data sets: the bundled data (``actorgraph.load()``); with ``--ucdp FILE``, that file imported into an
on-disk store (the UCDP GED events of Pakistan, ``../shared/data/ucdp/``, by default when present);
with ``--gtd-rows N``, N synthetic GTD rows (``import_bench.write_rows``) imported likewise.

Run: ``python benchmarks/bench_servers.py`` (a few minutes), ``--servers virtuoso``, ``--gtd-rows
100000`` (much longer). Prints Markdown tables, and the machine's load (``os.getloadavg``) at the
start and the end: the figures are wall-clock seconds on a shared machine. Results: docs/servers.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import actorgraph
from actorgraph.http._push import check_push, push_graphs
from actorgraph.importers import import_file
from actorgraph.sparql._saved import param_example, saved_queries

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the servers as the tests start them
sys.path.insert(0, str(ROOT / "benchmarks"))

from import_bench import write_rows  # noqa: E402

from _virtuoso import PASSWORD, USER, Virtuoso, missing  # noqa: E402

UCDP = ROOT.parent / "shared" / "data" / "ucdp" / "ucdp_ged_hdx_pakistan_2012_2021.csv"


class Target:
    """A running server: where to push (GSP, Update), where to ask, with which credentials."""

    def __init__(
        self,
        name: str,
        gsp: str,
        update: str,
        query: str,
        stop: Callable[[], None],
        *,
        chunk: int,
        auth: tuple[str, str] | None = None,
    ) -> None:
        self.name, self.gsp, self.update, self.query = name, gsp, update, query
        self.stop, self.chunk, self.auth = stop, chunk, auth


@contextmanager
def _server(name: str, folder: Path) -> Iterator[Target]:
    start = time.perf_counter()
    if name == "virtuoso":
        virtuoso = Virtuoso(folder)
        base = virtuoso.base
        target = Target(
            "Virtuoso",
            f"{base}/sparql-graph-crud-auth",
            f"{base}/sparql-auth",
            f"{base}/sparql",
            virtuoso.stop,
            chunk=1_000,
            auth=(USER, PASSWORD),
        )
    else:
        from test_push import Oxigraph  # imports pytest: only when Oxigraph is measured

        oxigraph = Oxigraph(folder)
        base = oxigraph.base
        target = Target(
            "Oxigraph",
            f"{base}/store",
            f"{base}/update",
            f"{base}/query",
            oxigraph.stop,
            chunk=5_000,
        )
    print(f"# {target.name} started in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    try:
        yield target
    finally:
        target.stop()


def _push(kg: actorgraph.KnowledgeGraph, target: Target, how: str) -> tuple[float, float, int]:
    """Seconds to push, seconds to check, triples pushed."""
    user, password = target.auth or (None, None)
    start = time.perf_counter()
    if how == "gsp":
        pushed = push_graphs(kg, gsp=target.gsp, user=user, password=password)
    else:
        pushed = push_graphs(
            kg, update=target.update, user=user, password=password, chunk_size=target.chunk
        )
    pushed_in = time.perf_counter() - start
    start = time.perf_counter()
    check = check_push(pushed, target.query)
    checked_in = time.perf_counter() - start
    if check.differing or check.not_in_default:
        raise RuntimeError(f"{target.name}: the check after the push failed: {check}")
    return pushed_in, checked_in, sum(p.triples for p in pushed)


def _queries(kg: actorgraph.KnowledgeGraph) -> list[tuple[str, dict[str, str], str]]:
    cases = []
    for saved in saved_queries():
        cases.append((saved.name, {}, saved.text))
        examples = {
            name: value
            for name in saved.params
            if (value := param_example(saved, name)) is not None
        }
        if examples:
            cases.append((saved.name, examples, saved.text))
    return cases


def _time_queries(
    kg: actorgraph.KnowledgeGraph, cases: list[tuple[str, dict[str, str], str]], timeout: float
) -> tuple[float, dict[tuple[str, str], float], list[str]]:
    """Seconds in all, seconds of each run, and the runs stopped (at ``timeout`` seconds, or by
    the client: a reply over ``ACTORGRAPH_MAX_REPLY``)."""
    each, stopped = {}, []
    for name, params, text in cases:
        case = (name, " ".join(f"{k}={v}" for k, v in params.items()) or "-")
        start = time.perf_counter()
        try:
            len(kg.query(text, params=params or None, timeout=timeout))
        except actorgraph.QueryTimeout:
            stopped.append(" ".join(case))
        except actorgraph.EndpointError as error:  # a reply over the client's cap, say
            stopped.append(f"{' '.join(case)} ({error})")
        each[case] = time.perf_counter() - start
    return sum(each.values()), each, stopped


def _stopped(runs: list[str]) -> str:
    return f" stopped: {', '.join(runs)}" if runs else ""


def _data_sets(args: argparse.Namespace, work: Path) -> Iterator[tuple[str, Path | None]]:
    yield "bundled data", None
    if args.ucdp is not None and args.ucdp.is_file():
        store = work / "ucdp-store"
        start = time.perf_counter()
        kg = actorgraph.load(store=str(store))
        import_file(kg, "ucdp", args.ucdp)
        kg.close()
        print(
            f"# imported {args.ucdp.name} in {time.perf_counter() - start:.1f} s", file=sys.stderr
        )
        yield f"bundled + UCDP ({args.ucdp.name})", store
    if args.gtd_rows:
        csv_path = work / "gtd.csv"
        write_rows(csv_path, args.gtd_rows)
        store = work / "gtd-store"
        start = time.perf_counter()
        kg = actorgraph.load(store=str(store))
        import_file(kg, "gtd", csv_path)
        kg.close()
        print(f"# imported {args.gtd_rows:,} GTD rows in {time.perf_counter() - start:.1f} s", file=sys.stderr)  # fmt: skip
        yield f"bundled + {args.gtd_rows:,} synthetic GTD rows", store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", nargs="+", default=["virtuoso", "oxigraph"])
    parser.add_argument("--ucdp", type=Path, default=UCDP if UCDP.is_file() else None)
    parser.add_argument("--gtd-rows", type=int, default=0)
    parser.add_argument("--no-update", action="store_true", help="skip the SPARQL Update pushes")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds a query may take (then it is stopped)"
    )
    args = parser.parse_args(argv)
    if "virtuoso" in args.servers and missing():
        parser.error(missing() or "")
    print(f"load average at the start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="ag-servers-") as tmp:
        work = Path(tmp)
        for index, (label, store) in enumerate(_data_sets(args, work)):
            kg = actorgraph.load() if store is None else actorgraph.load(store=str(store))
            cases = _queries(kg)
            local_total, local_each, local_stopped = _time_queries(kg, cases, args.timeout)
            print(f"\n## {label}\n")
            print("| server | push --gsp s | push --update s | check s | triples | "
                  f"{len(cases)} saved queries s | slowest |")  # fmt: skip
            print("|---|---|---|---|---|---|---|")
            slowest = max(local_each, key=local_each.__getitem__)
            print(f"| local store (in process) | – | – | – | – | {local_total:.1f} | "
                  f"{' '.join(slowest)} {local_each[slowest]:.1f} |{_stopped(local_stopped)}")  # fmt: skip
            for number, server in enumerate(args.servers):
                with _server(server, work / f"{server}-{index}-{number}") as target:
                    gsp, check, triples = _push(kg, target, "gsp")
                    update = "–"
                    if not args.no_update:
                        seconds, _, _ = _push(kg, target, "update")
                        update = f"{seconds:.1f} (chunks of {target.chunk:,})"
                    remote = actorgraph.load(store=target.query)
                    total, each, stopped = _time_queries(remote, cases, args.timeout)
                    slowest = max(each, key=each.__getitem__)
                    print(f"| {target.name} | {gsp:.1f} | {update} | {check:.1f} | {triples:,} | "
                          f"{total:.1f} | {' '.join(slowest)} {each[slowest]:.1f} |"
                          f"{_stopped(stopped)}", flush=True)  # fmt: skip
            kg.close()
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
