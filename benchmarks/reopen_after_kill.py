"""How long an on-disk store takes to reopen after an import was killed with SIGKILL.

An import loads its triples into the store in chunks, after a checkpoint of the store
(``actorgraph.store._undo``); a process killed meanwhile leaves a half-written graph and the
checkpoint, which the next ``load(store=DIR)`` for writing puts back before it answers. This benchmark writes ``--rows`` synthetic GTD-format rows
(``import_bench.write_rows``, seeded), and for each of ``--delays``: copies a store that holds only
the bundled data, starts ``actorgraph import gtd`` into it as a real subprocess, waits until its
progress reaches 100% (every row read) plus the delay, kills it with SIGKILL (as
``tests/test_fault_kill.py`` does), then times, in a fresh process (``import actorgraph`` done
before the clock starts), ``actorgraph.load(store=DIR)`` and one query (a count of every triple),
with that process's peak resident memory.

    python benchmarks/reopen_after_kill.py                         # 100,000 rows, delays 0,2,4 s
    python benchmarks/reopen_after_kill.py --rows 20000 --delays 1

A delay past the end of the import (the output says "finished") measures an ordinary reopen.
``--full`` first times one import run to its end (wall time and the import's peak resident memory)
and, on the imported store, one checkpoint taken and discarded (what a write into an on-disk store
pays so that a kill can be undone), beside what the checkpoint saves the reopen. The store
directory's entries after the reopen are listed (``left in store``): the leftovers
of the killed import must be gone.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_bench import write_rows

_IMPORT = "import sys; from actorgraph.cli import main; sys.exit(main())"
_REOPEN = """
import json, os, resource, sys, time
import actorgraph
from actorgraph.store._replace import unfinished_graphs
start = time.perf_counter()
kg = actorgraph.load(store=sys.argv[1])
opened = time.perf_counter()
count = int(next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0])
checkpointed, checkpoint_s = getattr(kg, "_checkpointed", None), None
if checkpointed is not None:  # what a write pays to be undone if killed: taken, then discarded
    begun = time.perf_counter()
    with checkpointed():
        pass
    checkpoint_s = time.perf_counter() - begun
print(json.dumps({"reopen_s": opened - start, "query_s": time.perf_counter() - opened,
                  "left": unfinished_graphs(kg.store), "quads": count,
                  "files": sorted(os.listdir(sys.argv[1])), "checkpoint_s": checkpoint_s,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
kg.close()
"""


def import_and_kill(store: Path, rows_csv: Path, delay: float) -> tuple[str, float]:
    """Start the import, SIGKILL it ``delay`` s after its progress reaches 100%; return what
    happened (``killed`` or ``finished``) and the seconds it ran."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _IMPORT, "import", "gtd", str(rows_csv), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:  # progress every 10% when stderr is not a terminal
            match = re.search(r"(\d+)% \(", line)
            if match and int(match.group(1)) >= 100:
                break
        time.sleep(delay)
        if proc.poll() is not None:
            return "finished", time.perf_counter() - start
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return "killed", time.perf_counter() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def full_import(store: Path, rows_csv: Path) -> tuple[float, float]:
    """Run the import to its end; return its wall time (s) and peak resident memory (MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _IMPORT, "import", "gtd", str(rows_csv), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"the import exited with {proc.returncode}")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def reopen(store: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", _REOPEN, str(store)], check=True, capture_output=True, text=True
    ).stdout
    result: dict[str, object] = json.loads(out.strip().splitlines()[-1])
    return result


def _seconds(value: object) -> str:
    return "-" if value is None else f"{value:.2f} s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--delays", default="0,2,4", help="seconds after the last row, comma-separated"
    )
    parser.add_argument("--full", action="store_true", help="time one import run to its end first")
    parser.add_argument("--json", action="store_true", help="print each result as JSON too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows_csv = work / "gtd.csv"
        write_rows(rows_csv, args.rows)
        empty = work / "empty-store"
        empty.mkdir()
        reopen(empty)  # creates the store: the bundled data only
        print(f"{args.rows:,} GTD-format rows; load average {os.getloadavg()[0]:.1f} at the start")
        if args.full:
            store = work / "store-full"
            shutil.copytree(empty, store)
            ran, peak = full_import(store, rows_csv)
            result = reopen(store)
            print(
                f"full import: {ran:.1f} s, peak RSS {peak:.0f} MiB; reopen "
                f"{result['reopen_s']:.2f} s, {result['quads']:,} quads; a checkpoint taken and "
                f"discarded: {_seconds(result['checkpoint_s'])} "
                f"(load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            shutil.rmtree(store)
        for delay in (float(d) for d in args.delays.split(",")):
            store = work / f"store-{delay:g}"
            shutil.copytree(empty, store)
            outcome, ran = import_and_kill(store, rows_csv, delay)
            result = reopen(store)
            print(
                f"last row + {delay:g} s: import {outcome} after {ran:.1f} s; reopen "
                f"{result['reopen_s']:.2f} s, first query {result['query_s']:.2f} s, peak RSS "
                f"{result['peak_mib']:.0f} MiB, {result['quads']:,} quads, "
                f"unfinished graphs left: {len(result['left'])}, "  # type: ignore[arg-type]
                f"left in store: {', '.join(result['files'])} "  # type: ignore[arg-type]
                f"(load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            if args.json:
                print(json.dumps({"delay": delay, "outcome": outcome, **result}))
            shutil.rmtree(store)


if __name__ == "__main__":
    main()
