"""A bounded load test of ``actorgraph serve`` on loopback: many clients running the saved queries.

Starts a real ``actorgraph serve`` process (the bundled data, in memory) on a free loopback port, then
``--clients`` threads each send up to ``--requests`` saved queries (``queries/*.rq``, in turn, each
client starting at a different one) over keep-alive connections, until all are sent or ``--seconds``
have passed. Every response must be HTTP 200 with a SPARQL JSON body; anything else (another status,
a transport error, a client-side timeout) counts as an error. Reported: requests completed, errors,
throughput, latency percentiles (p50, p90, p99, max), and memory: the server process's peak resident
set, and the peak of the server plus its query worker processes together (sampled every 0.2 s from
/proc).

Run: ``python benchmarks/load_test.py`` (50 clients × 200 queries, at most 60 s), or e.g.
``python benchmarks/load_test.py --clients 8 --requests 20 --json load.json``. Exits 1 if any request
failed. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from actorgraph.sparql._saved import saved_queries

ACCEPT = {"Accept": "application/sparql-results+json"}


@dataclass
class Results:
    """What the clients saw; appended to under a lock."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    by_query: dict[str, list[float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    pids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(p) for p in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return pids


class MemorySampler(threading.Thread):
    """Samples the server's resident memory, alone and with its worker processes."""

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak_server = 0
        self.peak_total = 0
        self.peak_workers = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            server = _rss_kib(self.pid)
            children = _children(self.pid)
            total = server + sum(_rss_kib(c) for c in children)
            self.peak_server = max(self.peak_server, server)
            self.peak_total = max(self.peak_total, total)
            self.peak_workers = max(self.peak_workers, len(children))
            self.stop.wait(self.every)


def _client(
    index: int,
    url: str,
    *,
    queries: list[tuple[str, str]],
    requests: int,
    deadline: float,
    results: Results,
    timeout: float,
) -> None:
    with httpx.Client(headers=ACCEPT, timeout=timeout) as client:
        for n in range(requests):
            if time.monotonic() >= deadline:
                return
            name, text = queries[(index + n) % len(queries)]
            start = time.perf_counter()
            try:
                response = client.post(url, data={"query": text})
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    error = f"HTTP {response.status_code}"
                elif "results" not in response.json() and "boolean" not in response.json():
                    error = "not SPARQL JSON"
                else:
                    error = None
            except httpx.HTTPError as exc:
                elapsed = time.perf_counter() - start
                error = type(exc).__name__
            with results.lock:
                if error is None:
                    results.latencies.append(elapsed)
                    results.by_query.setdefault(name, []).append(elapsed)
                else:
                    results.errors[error] += 1


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument("--seconds", type=float, default=60.0, help="stop sending after this")
    parser.add_argument("--server-timeout", type=float, default=30.0, help="serve --timeout")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args()

    queries = [(q.name, q.text) for q in saved_queries()]
    port = _free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    server = subprocess.Popen(
        [sys.executable, "-m", "actorgraph.cli", "serve", "--port", str(port),
         "--timeout", str(args.server_timeout)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"actorgraph serve did not start: {server.communicate()[1]}")
            try:
                httpx.get(url, timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        idle_rss = _rss_kib(server.pid)
        results = Results()
        sampler = MemorySampler(server.pid)
        sampler.start()
        started = time.monotonic()
        stop_at = started + args.seconds
        threads = [
            threading.Thread(
                target=_client,
                args=(i, url),
                kwargs={
                    "queries": queries,
                    "requests": args.requests,
                    "deadline": stop_at,
                    "results": results,
                    "timeout": args.server_timeout + 30,
                },
            )
            for i in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
        sampler.stop.set()
        sampler.join()
    finally:
        server.terminate()
        try:
            _, stderr = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            _, stderr = server.communicate()
    lat = results.latencies
    done = len(lat) + sum(results.errors.values())
    summary = {
        "clients": args.clients,
        "requests_per_client": args.requests,
        "requests_planned": args.clients * args.requests,
        "requests_completed": done,
        "ok": len(lat),
        "errors": dict(results.errors),
        "wall_s": round(wall, 2),
        "throughput_per_s": round(done / wall, 1) if wall else None,
        "latency_ms": {
            name: round(_percentile(lat, q) * 1000, 1)
            for name, q in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))
        },
        "latency_mean_ms": round(statistics.fmean(lat) * 1000, 1) if lat else None,
        "server_rss_idle_mib": round(idle_rss / 1024, 1),
        "server_rss_peak_mib": round(sampler.peak_server / 1024, 1),
        "server_plus_workers_rss_peak_mib": round(sampler.peak_total / 1024, 1),
        "workers_peak": sampler.peak_workers,
        "saved_queries": len(queries),
        "per_query_p50_ms": {
            name: round(statistics.median(v) * 1000, 1)
            for name, v in sorted(results.by_query.items())
        },
        "server_traceback": "Traceback" in stderr,
        "cpus": os.cpu_count(),
    }
    print(f"actorgraph serve load test: {args.clients} clients x {args.requests} saved queries "
          f"({len(queries)} distinct), at most {args.seconds:g} s, {os.cpu_count()} CPUs")  # fmt: skip
    print(f"  completed {done:,} of {args.clients * args.requests:,} requests in {wall:.1f} s "
          f"({summary['throughput_per_s']}/s); errors: {sum(results.errors.values())} "
          f"{dict(results.errors) or ''}")  # fmt: skip
    latency = summary["latency_ms"]
    print(f"  latency: p50 {latency['p50']} ms, p90 {latency['p90']} ms, p99 {latency['p99']} ms, "
          f"max {latency['max']} ms")  # fmt: skip
    print(f"  memory: server {summary['server_rss_idle_mib']} MiB idle, "
          f"{summary['server_rss_peak_mib']} MiB peak; server + workers peak "
          f"{summary['server_plus_workers_rss_peak_mib']} MiB ({sampler.peak_workers} workers at once)")  # fmt: skip
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    failed = bool(results.errors) or summary["server_traceback"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
