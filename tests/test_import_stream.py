"""The importer's streaming load: chunks bulk-loaded on a second thread, all or nothing."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph.importers import _driver, _swap, import_file
from actorgraph.importers._driver import run_import
from actorgraph.importers._gtd import GTD
from actorgraph.importers._sinks import StoreSink
from actorgraph.store._replace import LoadingInPlace

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH = ox.NamedNode("https://w3id.org/actorgraph/graph/import/test/0123456789abcdef")


def _lines(n: int) -> list[str]:
    return [f'<http://example.org/s{i}> <http://example.org/p> "{i}" .\n' for i in range(n)]


@pytest.mark.parametrize("depth", [1, 3])
@pytest.mark.parametrize("in_memory", [False, True], ids=["bulk-load", "load"])
def test_chunks_are_loaded_and_hashed_as_one_file_would_be(depth: int, in_memory: bool) -> None:
    store = ox.Store()
    sink = StoreSink(store, GRAPH, chunk_lines=3, in_memory=in_memory, depth=depth)
    lines = _lines(10)
    for line in lines:
        sink.write(line)
    sink.finish()
    assert len(list(store.quads_for_pattern(None, None, None, GRAPH))) == 10
    assert sink.digest == hashlib.sha256("".join(lines).encode()).hexdigest()


def test_chunks_into_memory_grow_from_the_first_size_to_the_full_size() -> None:
    store = _StalledStore()
    store.go.set()
    sink = StoreSink(store, GRAPH, chunk_lines=8, in_memory=True, depth=2, first_lines=1)  # type: ignore[arg-type]
    lines = _lines(40)
    for line in lines:
        sink.write(line)
    sink.finish()
    assert [chunk.count(b"\n") for chunk in store.loaded] == [1, 2, 4, 8, 8, 8, 8, 1]
    assert b"".join(store.loaded) == "".join(lines).encode()


@pytest.mark.parametrize("depth", [1, 3])
def test_a_loader_error_is_raised_and_the_half_loaded_graph_dropped(depth: int) -> None:
    store = ox.Store()
    with pytest.raises(SyntaxError), LoadingInPlace(store, GRAPH):
        sink = StoreSink(store, GRAPH, chunk_lines=2, in_memory=True, depth=depth)
        try:
            for line in [*_lines(4), "not n-triples\n", *_lines(4)]:
                sink.write(line)
            sink.finish()
        finally:
            sink.abort()
    assert len(store) == 0


class _StalledStore:
    """Stands in for a store whose loader takes a chunk and finishes only when told to."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.started = threading.Event()
        self.loaded: list[bytes] = []

    def load(self, data: bytes, **_: object) -> None:
        self.started.set()
        self.go.wait(timeout=30)
        self.loaded.append(data)


@pytest.mark.parametrize("depth", [1, 4])
def test_the_loader_holds_at_most_depth_chunks_and_the_writer_waits(depth: int) -> None:
    store = _StalledStore()
    sink = StoreSink(store, GRAPH, chunk_lines=2, in_memory=True, depth=depth)  # type: ignore[arg-type]
    lines = _lines(2 * (depth + 5))

    written: list[str] = []

    def write_all() -> None:
        for line in lines:
            sink.write(line)
            written.append(line)

    writer = threading.Thread(target=write_all, daemon=True)
    writer.start()
    assert store.started.wait(timeout=30)
    # The writer gets stuck handing over one more chunk: the loader holds depth chunks, one of
    # them loading (waited for, however slow the machine); nothing is lost once it goes on.
    deadline = time.monotonic() + 30
    while len(written) < 2 * (depth + 1) - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    writer.join(timeout=0.2)
    assert writer.is_alive()
    assert len(written) == 2 * (depth + 1) - 1  # depth chunks held, one more built, then it waits
    store.go.set()
    writer.join(timeout=30)
    sink.finish()
    assert b"".join(store.loaded) == "".join(lines).encode()


@pytest.mark.slow
def test_an_import_leaves_the_interpreters_switch_interval_alone() -> None:
    before = sys.getswitchinterval()
    during: list[float] = []
    import_file(
        actorgraph.load(),
        "gtd",
        FIXTURES / "gtd_sample.csv",
        progress=lambda *_: during.append(sys.getswitchinterval()),
    )
    assert during and set(during) == {before}
    with pytest.raises(RuntimeError, match="testing"):
        run_import(actorgraph.load(), GTD, FIXTURES / "gtd_sample.csv", fail_after_rows=1)
    assert sys.getswitchinterval() == before


@pytest.mark.slow
@pytest.mark.parametrize("on_disk", [True, False], ids=["on-disk", "in-memory"])
def test_a_failure_after_chunks_were_loaded_leaves_the_store_as_it_was(
    bundled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_disk: bool
) -> None:
    # Tiny chunks: several are in the store before the import fails at its fourth row.
    monkeypatch.setattr(_driver, "CHUNK_LINES", 5)
    monkeypatch.setattr(_swap, "CHUNK_LINES", 5)
    monkeypatch.setattr(_driver, "MEMORY_CHUNK_LINES", 5)
    kg = actorgraph.load(store=bundled_store if on_disk else None)
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
