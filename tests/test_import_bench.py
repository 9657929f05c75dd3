"""A tiny run of ``benchmarks/import_bench.py``, so the import benchmark cannot rot (no timing asserted).

It also checks what makes the benchmark fair: its plain-rdflib side builds exactly the triples that the
importer writes into the store (the commit marker aside).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest

import actorgraph
from _scripts import load_script, run_script
from actorgraph.importers import import_file


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("benchmarks/import_bench.py")


@pytest.mark.slow
def test_the_rdflib_side_holds_the_same_triples_as_the_import(
    bench: ModuleType, tmp_path: Path
) -> None:
    path = tmp_path / "gtd.csv"
    bench.write_rows(path, 400)
    kg = actorgraph.load()
    report = import_file(kg, "gtd", path)
    assert report.events_created == 400
    graph = ox.NamedNode(report.graph)
    ours = {str(ox.Triple(q.subject, q.predicate, q.object))
            for q in kg.store.quads_for_pattern(None, None, None, graph)}  # fmt: skip
    marker = {t for t in ours if "<https://schema.org/sha256>" in t}
    assert len(marker) == 1
    theirs = bench.map_into_rdflib(path, actorgraph.load().store)
    # Compared as Oxigraph stores them: it keeps literals of known datatypes by value
    # ("71.905410"^^xsd:decimal reads back as "71.90541").
    stored = ox.Store()
    stored.load(theirs.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert ours - marker == {str(ox.Triple(q.subject, q.predicate, q.object)) for q in stored}
    assert len(theirs) == len(ours) - 1
    # The rows exercise more than the event node: uncertain attributions, targets, new places.
    predicates = {str(p) for _, p, _ in theirs}
    assert "https://w3id.org/actorgraph/ontology#uncertain" in predicates
    assert "https://w3id.org/actorgraph/ontology#target" in predicates
    assert "https://schema.org/containedInPlace" in predicates


def _run(*args: str) -> str:
    return run_script("benchmarks/import_bench.py", *args)


@pytest.mark.slow
def test_a_tiny_run_prints_both_sides_and_their_ratio() -> None:
    out = _run("--rows", "300")
    assert "actorgraph import_file (on-disk store):" in out
    assert "for 300 events" in out
    assert "plain rdflib Graph, same rows, mapper and triples:" in out
    assert "ratio: " in out


@pytest.mark.slow
def test_a_tiny_memory_run_prints_one_line_per_size() -> None:
    out = _run("--memory", "--sizes", "200,400")
    lines = out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].strip().startswith("200 rows: import") and "peak RSS" in lines[0]
    assert lines[1].strip().startswith("400 rows: import")
