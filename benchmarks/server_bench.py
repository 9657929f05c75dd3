"""Benchmark `actorgraph serve` and `actorgraph push` on the bundled data.

Starts a real `actorgraph serve` process on a free loopback port and measures, in one run:

1. a cheap query's latency, sequentially (each query runs in a forked worker process that can be
   killed, so this is mostly the cost of the fork);
2. the throughput of the same query from several concurrent clients;
3. the cheap query's latency while a runaway query occupies a worker until its timeout;
4. each saved query's latency through the endpoint;
5. with the `oxigraph` binary present: `push --gsp` and `push --update` into a fresh Oxigraph server.

Run: ``python benchmarks/server_bench.py [--clients 8] [--requests 80]`` (under a minute).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from actorgraph.sparql._saved import saved_queries

CHEAP = "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(argv: list[str], probe: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(probe, timeout=2)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{argv[0]} did not start")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=80)
    args = parser.parse_args()

    port = _free_port()
    sparql = f"http://127.0.0.1:{port}/sparql"
    server = _start(
        [sys.executable, "-m", "actorgraph.cli", "serve", "--port", str(port), "--timeout", "3"],
        sparql,
    )
    try:
        client = httpx.Client(limits=httpx.Limits(max_connections=args.clients * 2), timeout=60)
        for _ in range(5):
            client.get(sparql, params={"query": CHEAP})

        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            client.get(sparql, params={"query": CHEAP}).raise_for_status()
            times.append(time.perf_counter() - start)
        print(f"cheap query, one client: median {_ms(statistics.median(times))}")

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.clients) as pool:
            codes = list(
                pool.map(
                    lambda _: client.get(sparql, params={"query": CHEAP}).status_code,
                    range(args.requests),
                )
            )
        elapsed = time.perf_counter() - start
        print(
            f"cheap query, {args.clients} clients: {args.requests / elapsed:.0f} queries/s "
            f"(one client: {1 / statistics.median(times):.0f}/s); statuses {sorted(set(codes))}"
        )

        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            runaway = pool.submit(client.get, sparql, params={"query": RUNAWAY})
            time.sleep(0.5)
            beside = []
            while not runaway.done() and len(beside) < 20:
                start = time.perf_counter()
                client.get(sparql, params={"query": CHEAP}).raise_for_status()
                beside.append(time.perf_counter() - start)
            status = runaway.result().status_code
        print(
            f"cheap query beside a runaway one: median {_ms(statistics.median(beside))} "
            f"({len(beside)} queries); the runaway one answered {status}"
        )

        for saved in saved_queries():
            start = time.perf_counter()
            response = client.post(sparql, data={"query": saved.text})
            print(f"  {saved.name:32} {response.status_code}  {_ms(time.perf_counter() - start)}")
    finally:
        server.terminate()
        server.wait()

    binary = shutil.which("oxigraph")
    if binary is None:
        print("oxigraph binary missing: push not measured (pip install oxigraph)")
        return 0
    for how, path in (("--gsp", "store"), ("--update", "update")):
        with tempfile.TemporaryDirectory() as tmp:
            port = _free_port()
            base = f"http://127.0.0.1:{port}"
            oxigraph = _start(
                [
                    binary,
                    "serve",
                    "--location",
                    str(Path(tmp) / "db"),
                    "--bind",
                    f"127.0.0.1:{port}",
                ],
                f"{base}/query?query=ASK%7B%7D",
            )
            try:
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "actorgraph.cli", "push", how, f"{base}/{path}"],
                    check=True,
                    capture_output=True,
                )
                print(
                    f"push {how}: {time.perf_counter() - start:.2f} s (including loading the graph)"
                )
            finally:
                oxigraph.terminate()
                oxigraph.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
