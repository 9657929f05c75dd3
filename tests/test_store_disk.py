"""The on-disk store: reopening, imports that are killed half-way, read-only opens shared by readers."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import actorgraph
import actorgraph.store._loading
from actorgraph.store._graphs import DATA_VERSION, LOADING, META_GRAPH, STAGING_PREFIX

#: Every test opens an on-disk store: a copy of the session's (``bundled_store``), whose one creation
#: costs about 7 s of CPU, and most start a second process: the slow set.
pytestmark = pytest.mark.slow

GRAPH = "https://w3id.org/actorgraph/graph/import/test/0123456789abcdef"
EX = "https://example.org/"


def _ntriples(n: int, tag: str = "a") -> bytes:
    return "".join(f"<{EX}{tag}{i}> <{EX}p> <{EX}o{i % 7}> .\n" for i in range(n)).encode()


def _count(kg: actorgraph.KnowledgeGraph, graph: str = GRAPH) -> int:
    rows = kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(next(iter(rows))[0])


def test_an_imported_graph_survives_a_reopen(bundled_store: Path) -> None:
    with actorgraph.load(store=bundled_store) as kg:
        kg.replace_graph(GRAPH, _ntriples(50))
        total = len(kg)
    with actorgraph.load(store=bundled_store) as kg:
        assert _count(kg) == 50
        assert len(kg) == total
        assert kg.resolve("TTP") == "agd:ttp"


@pytest.mark.parametrize(
    "on_disk", [pytest.param(True, id="disk"), pytest.param(False, id="memory")]
)
@pytest.mark.parametrize(
    "existing", [pytest.param(0, id="into-a-fresh-graph"), pytest.param(5, id="over-a-graph")]
)
def test_replace_graph_replaces_and_a_failed_load_keeps_what_was_there(
    bundled_store: Path, existing: int, on_disk: bool
) -> None:
    with actorgraph.load(store=bundled_store if on_disk else None) as kg:
        if existing:
            kg.replace_graph(GRAPH, _ntriples(existing, "old"))
        broken = _ntriples(20) + b"<https://example.org/x> this is not N-Triples .\n"
        with pytest.raises(SyntaxError):
            kg.replace_graph(GRAPH, broken)
        assert _count(kg) == existing
        assert not any(
            isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)
            for g in kg.store.named_graphs()
        )
        assert not list(kg.store.quads_for_pattern(None, LOADING, None, None))
        kg.replace_graph(GRAPH, _ntriples(30))
        assert _count(kg) == 30
        assert not list(kg.store.quads_for_pattern(None, LOADING, None, None))


def test_a_graph_left_half_loaded_is_dropped_on_the_next_open(bundled_store: Path) -> None:
    with actorgraph.load(store=bundled_store) as kg:
        kg.replace_graph(GRAPH, _ntriples(10))
        before = len(kg)
        # What a process killed in the middle of a bulk load leaves: the marker and part of a graph.
        half = ox.NamedNode(f"{EX}half-loaded")
        meta = ox.NamedNode(str(META_GRAPH))
        kg.store.add(ox.Quad(half, LOADING, ox.Literal("12345"), meta))
        kg.store.bulk_load(_ntriples(10, "half"), format=ox.RdfFormat.N_TRIPLES, to_graph=half)
        staging = ox.NamedNode(f"{STAGING_PREFIX}deadbeef")
        kg.store.bulk_load(_ntriples(3, "st"), format=ox.RdfFormat.N_TRIPLES, to_graph=staging)
    with actorgraph.load(store=bundled_store) as kg:
        assert len(kg) == before
        assert _count(kg) == 10
        assert not kg.store.contains_named_graph(half)
        assert not kg.store.contains_named_graph(staging)
        assert not list(kg.store.quads_for_pattern(None, LOADING, None, None))


def test_an_import_killed_mid_load_leaves_all_or_nothing(tmp_path: Path) -> None:
    data = tmp_path / "big.nt"
    data.write_bytes(_ntriples(300_000))
    store = tmp_path / "store"
    actorgraph.load(store=store).close()
    script = textwrap.dedent(
        f"""
        import actorgraph, sys
        kg = actorgraph.load(store={str(store)!r})
        print("open", flush=True)
        kg.replace_graph({GRAPH!r}, {str(data)!r})
        kg.close()
        print("done", flush=True)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "open"
        time.sleep(0.3)
        os.kill(child.pid, signal.SIGKILL)
    with actorgraph.load(store=store) as kg:
        assert _count(kg) in (0, 300_000)


@contextlib.contextmanager
def _held(path: Path, *, read_only: bool) -> Iterator[subprocess.Popen[str]]:
    """Another process that opens the store and keeps it open until the block ends."""
    code = textwrap.dedent(
        f"""
        import sys, time, actorgraph
        kg = actorgraph.load(store={str(path)!r}, read_only={read_only})
        print("open", flush=True)
        time.sleep(600)
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True
    ) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
            yield holder
        finally:
            holder.kill()


def test_readers_share_a_read_only_store_and_keep_writers_out(bundled_store: Path) -> None:
    with actorgraph.load(store=bundled_store) as kg:
        kg.replace_graph(GRAPH, _ntriples(12))
    with (
        actorgraph.load(store=bundled_store, read_only=True) as first,
        actorgraph.load(store=bundled_store, read_only=True) as second,
    ):
        assert _count(first) == _count(second) == 12
        assert first.resolve("ISKP") == "agd:iskp"
        with pytest.raises(actorgraph.StoreLockedError, match="open read-only"):
            actorgraph.load(store=bundled_store)
        with pytest.raises(actorgraph.UsageError, match="read-only"):
            first.replace_graph(GRAPH, _ntriples(1))
    with (
        _held(bundled_store, read_only=True),
        pytest.raises(actorgraph.StoreLockedError, match="open in another process"),
    ):
        actorgraph.load(store=bundled_store)
    with _held(bundled_store, read_only=False) as writer:  # noqa: SIM117 - the match needs the pid
        with pytest.raises(actorgraph.StoreLockedError, match=f"pid {writer.pid}"):
            actorgraph.load(store=bundled_store, read_only=True)


def test_loading_a_store_twice_in_one_process_shares_it(bundled_store: Path) -> None:
    first = actorgraph.load(store=bundled_store)
    first.replace_graph(GRAPH, _ntriples(5))
    again = actorgraph.load(store=bundled_store)  # a notebook cell run a second time
    assert _count(again) == 5
    first.close()
    assert _count(again) == 5  # the store stays open while one of them is
    again.close()
    with actorgraph.load(store=bundled_store) as reopened:
        assert _count(reopened) == 5


def test_a_lock_left_by_an_exited_writer_does_not_name_it(bundled_store: Path) -> None:
    actorgraph.load(store=bundled_store).close()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (bundled_store / "actorgraph.lock").write_text(f"actorgraph pid {gone.pid}\n")
    with _held(bundled_store, read_only=True), pytest.raises(actorgraph.StoreLockedError) as caught:
        actorgraph.load(store=bundled_store)
    assert str(gone.pid) not in str(caught.value)
    assert "--store" not in str(caught.value)


def test_read_only_refuses_what_it_cannot_do(bundled_store: Path, tmp_path: Path) -> None:
    with pytest.raises(actorgraph.UsageError, match="no actorgraph store"):
        actorgraph.load(store=tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()
    with pytest.raises(actorgraph.UsageError, match="on-disk store"):
        actorgraph.load(read_only=True)
    actorgraph.load(store=bundled_store).close()
    with pytest.raises(actorgraph.UsageError, match="data files"):
        actorgraph.load(store=bundled_store, data=[tmp_path / "mine.yaml"], read_only=True)


def test_read_only_refuses_a_store_written_by_another_version(bundled_store: Path) -> None:
    with actorgraph.load(store=bundled_store) as kg:
        kg.store.update(
            f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> ?p ?o }} }} ;"
            f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> <{EX}v> "old" }} }}'
        )
    with pytest.raises(actorgraph.UsageError, match="another version"):
        actorgraph.load(store=bundled_store, read_only=True)
    # The refused reader let go of the lock: a writer brings the store up to date.
    with actorgraph.load(store=bundled_store) as kg:
        assert kg.resolve("TTP") == "agd:ttp"
    with actorgraph.load(store=bundled_store, read_only=True) as kg:
        assert kg.resolve("TTP") == "agd:ttp"


def _size_on_disk(path: Path) -> int:
    """The bytes of RocksDB's tables and write-ahead logs under ``path``."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.suffix in (".sst", ".log"))


def test_a_store_brought_up_to_date_does_not_keep_what_it_replaced(
    bundled_store: Path, tmp_path: Path
) -> None:
    # Twice a store written by another version of the data is opened for writing, which replaces
    # its ontology and curated graphs.
    for _ in range(2):
        with actorgraph.load(store=bundled_store) as kg:
            kg.store.update(
                f"DELETE WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> ?p ?o }} }} ;"
                f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> <{EX}v> "old" }} }}'
            )
        actorgraph.load(store=bundled_store).close()
    # RocksDB deletes a write-ahead log it no longer needs when the store is next opened.
    actorgraph.load(store=bundled_store).close()
    # The floor: a copy of the same store, compacted by Oxigraph itself.
    floor = tmp_path / "floor"
    shutil.copytree(bundled_store, floor)
    compacted = ox.Store(str(floor / "oxigraph"))
    compacted.optimize()
    compacted.flush()
    del compacted
    assert _size_on_disk(bundled_store) < 1.1 * _size_on_disk(floor)


def test_close_twice_is_harmless(bundled_store: Path) -> None:
    kg = actorgraph.load(store=bundled_store)
    kg.close()
    kg.close()
    reader = actorgraph.load(store=bundled_store, read_only=True)
    reader.close()
    reader.close()


def test_a_file_loads_in_chunks_on_disk_and_blank_nodes_keep_their_identity(
    bundled_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of 7 lines: the plain file goes in several, the one with blank nodes must not.
    monkeypatch.setattr(actorgraph.store._loading, "CHUNK_LINES", 7)
    plain = tmp_path / "plain.nt"
    plain.write_bytes(_ntriples(50))
    blank = tmp_path / "blank.nt"
    blank.write_bytes(
        b"_:shared <https://example.org/p> <https://example.org/first> .\n"
        + _ntriples(30, "filler")
        + b"_:shared <https://example.org/p> <https://example.org/last> .\n"
    )
    broken = tmp_path / "broken.nt"
    broken.write_bytes(_ntriples(30) + b"<https://example.org/x> not N-Triples .\n")
    other = "https://w3id.org/actorgraph/graph/import/test/fedcba9876543210"
    with actorgraph.load(store=bundled_store) as kg:
        kg.replace_graph(GRAPH, plain)
        assert _count(kg) == 50
        kg.replace_graph(other, blank)
        rows = kg.query(
            "SELECT ?b WHERE { ?b <https://example.org/p> <https://example.org/first> , "
            "<https://example.org/last> }"
        )
        assert len(rows) == 1
        third = "https://w3id.org/actorgraph/graph/import/test/0000000000000003"
        with pytest.raises(SyntaxError):
            kg.replace_graph(third, broken)
        assert _count(kg, third) == 0
        assert not list(kg.store.quads_for_pattern(None, LOADING, None, None))
