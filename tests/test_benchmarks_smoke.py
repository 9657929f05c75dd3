"""A tiny run of ``benchmarks/run.py`` so that the scale benchmark cannot rot (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from _scripts import load_script, run_script


def _run_module() -> ModuleType:
    return load_script("benchmarks/run.py")


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("bench")
    out = tmp / "results.json"
    stdout = run_script(
        "benchmarks/run.py", "--quick", "--json", str(out), "--workdir", str(tmp / "work")
    )
    return stdout, json.loads(out.read_text())


@pytest.mark.slow
def test_quick_run_prints_the_side_by_side_table(quick: tuple[str, dict[str, Any]]) -> None:
    table, _ = quick
    for row in (
        "| load (bulk) |",
        "| query: GROUP BY attacks per group per year |",
        "| query: ag:alliedWith+ (transitive path) |",
        "| query: date range + OPTIONAL |",
        "| to_networkx |",
        "| peak memory after load (own process) |",
        "| reopen the on-disk store |",
        "| HTML page,",
    ):
        assert row in table
    assert "Targets at 2,000 triples:" in table
    assert "FAILED" not in table
    assert "ANSWERS DIFFER" not in table


@pytest.mark.slow
def test_both_sides_hold_the_same_triples_and_give_the_same_answers(
    quick: tuple[str, dict[str, Any]],
) -> None:
    _, doc = quick
    [entry] = doc["results"]
    ours, theirs = entry["actorgraph"], entry["rdflib"]
    assert ours["triples"] == theirs["triples"] > 2_000
    for name in ("aggregate", "transitive", "date_range"):
        assert ours[name]["rows"] > 0
        assert ours[name]["sha256"] == theirs[name]["sha256"], name
    for side in (ours, theirs):
        assert side["load"]["seconds"] > 0
        assert side["peak_mb"] > 0
        assert side["to_networkx"]["nodes"] > 0
    # The on-disk store reopens with everything in it (plus its data-version record).
    assert ours["reopen"]["triples"] >= ours["triples"]
    assert ours["reopen"]["aggregate"] == {k: ours["aggregate"][k] for k in ("rows", "sha256")}
    # The alliance chain (50 links in a quick run) answers on both sides, the same.
    assert ours["chain"]["rows"] == 50
    assert ours["chain"]["sha256"] == theirs["chain"]["sha256"]
    render = ours["render"]
    assert render["actorgraph"]["bytes"] > 0
    assert render["pyvis"]["bytes"] > 0


def test_a_failing_step_becomes_a_cell_not_a_crash() -> None:
    run = _run_module()

    def recurse(n: int = 0) -> int:
        return recurse(n + 1)

    def spin() -> None:
        while True:
            pass

    assert run._measure(recurse, timeout=60) == {"error": "RecursionError"}
    assert run._measure(spin, timeout=0.2) == {"error": "stopped after 0.2 s"}
    results = [
        {
            "size": 10,
            "actorgraph": {"transitive": {"seconds": 0.01, "rows": 3, "sha256": "x"}},
            "rdflib": {"transitive": {"error": "RecursionError"}},
        }
    ]
    table = run.report(results, {"seed": 1, "seconds": 1.0})
    assert "FAILED (RecursionError)" in table
    assert "transitive path answers (rdflib: FAILED (RecursionError))" in table


@pytest.mark.slow
def test_network_bench_runs_and_prints_its_floors() -> None:
    # The projection benchmark and the floors it documents (BENCHMARKS.md) must keep running.
    out = run_script("benchmarks/network_bench.py", "--triples", "3000", "--repeat", "1")
    assert "synthetic GTD-like graph: 3,000 triples" in out
    assert "faster than rdflib_to_networkx_multidigraph" in out
    assert "reading every triple as streamed N-Triples lines" in out
    assert "reading every quad out of pyoxigraph" in out and "NetworkX alone" in out


@pytest.mark.slow
def test_repeat_calls_projects_and_renders_the_same_page_each_time(tmp_path: Path) -> None:
    # The instruction counts of BENCHMARKS.md come from this script; it must keep running.
    data = tmp_path / "synthetic.nt"

    def run(*args: str) -> dict[str, Any]:
        stdout = run_script("benchmarks/repeat_calls.py", *args)
        return json.loads(stdout) if stdout else {}

    run("data", "3000", str(data))
    assert len(data.read_text(encoding="utf-8").splitlines()) == 3000
    projected = run("project", "2", str(data))
    assert len(projected["cpu_s"]) == len(projected["main_thread_s"]) == 2
    nodes, edges = projected["graph"]
    assert nodes > 0 and edges > 0
    pages = [run("render", "1", str(data), "--out", str(tmp_path))["page"] for _ in range(2)]
    assert pages[0] == pages[1]  # the same bytes from the same graph
    assert (tmp_path / "repeat-calls-page.html").stat().st_size == pages[0][0]
