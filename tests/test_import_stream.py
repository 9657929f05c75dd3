"""The importer's streaming load: chunks bulk-loaded on a second thread, all or nothing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph.importers import _common, import_file
from actorgraph.importers._common import _LoadingInPlace, _StoreSink, run_import
from actorgraph.importers._gtd import GTD

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = ox.NamedNode("https://w3id.org/actorgraph/graph/import/test/0123456789abcdef")


def _lines(n: int) -> list[str]:
    return [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(n)]


def test_chunks_are_loaded_and_hashed_as_one_file_would_be() -> None:
    store = ox.Store()
    sink = _StoreSink(store, GRAPH, chunk_lines=3)
    lines = _lines(10)
    for line in lines:
        sink.write(line)
    sink.finish()
    assert len(list(store.quads_for_pattern(None, None, None, GRAPH))) == 10
    assert sink.digest == hashlib.sha256("".join(lines).encode()).hexdigest()


def test_a_loader_error_is_raised_and_the_half_loaded_graph_dropped() -> None:
    store = ox.Store()
    with pytest.raises(SyntaxError), _LoadingInPlace(store, GRAPH):
        sink = _StoreSink(store, GRAPH, chunk_lines=2)
        try:
            for line in [*_lines(4), "not n-triples\n", *_lines(4)]:
                sink.write(line)
            sink.finish()
        finally:
            sink.abort()
    assert len(store) == 0


@pytest.mark.parametrize("on_disk", [True, False], ids=["on-disk", "in-memory"])
def test_a_failure_after_chunks_were_loaded_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool
) -> None:
    # Tiny chunks: several are in the store before the import fails at its fourth row.
    monkeypatch.setattr(_common, "CHUNK_LINES", 5)
    monkeypatch.setattr(_common, "MEMORY_CHUNK_LINES", 5)
    kg = actorgraph.load(store=tmp_path / "store" if on_disk else None)
    try:
        import_file(kg, "acled", FIXTURES / "acled_current.csv")
        before = sorted(str(q) for q in kg.store)
        with pytest.raises(RuntimeError, match="testing"):
            run_import(kg, GTD, FIXTURES / "gtd_sample.csv", fail_after_rows=3)
        assert sorted(str(q) for q in kg.store) == before
        # The same file then imports completely, in chunks, to the same graph as in one piece.
        report = import_file(kg, "gtd", FIXTURES / "gtd_sample.csv")
        assert report.store_change == "loaded"
        chunked = sorted(
            str(q) for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(report.graph))
        )
    finally:
        kg.close()
    monkeypatch.undo()
    whole = actorgraph.load()
    report = import_file(whole, "gtd", FIXTURES / "gtd_sample.csv")
    assert chunked == sorted(
        str(q) for q in whole.store.quads_for_pattern(None, None, None, ox.NamedNode(report.graph))
    )
