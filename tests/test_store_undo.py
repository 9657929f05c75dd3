"""A writer killed in an on-disk store is undone from its checkpoint: the next open for writing puts
back the store as it was before that write, quad for quad, and leaves no directory of its own behind.

Each kill is real: a subprocess replaces a graph with 300,000 triples and is SIGKILLed while it takes
the checkpoint or while it bulk-loads. The states a kill during the restore itself would leave (its
two renames and the deletion are each too quick to hit with a signal) are made with the same renames
on a real checkpoint left by a killed writer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import actorgraph
from _stores import copy_store, kill_writer
from actorgraph.cli import main
from actorgraph.store._undo import DISCARD_DIR, PARTIAL_DIR, STORE_DIR, UNDO_DIR

GRAPH = "https://w3id.org/actorgraph/graph/import/test/0123456789abcdef"
OTHER = "https://w3id.org/actorgraph/graph/import/test/fedcba9876543210"
EX = "https://example.org/"
pytestmark = (
    pytest.mark.slow
)  # each opens on-disk stores several times; most kill a 300k-triple load

#: What a store directory holds when no write is under way.
AT_REST = ["actorgraph.lock", STORE_DIR]


def _ntriples(n: int, tag: str) -> bytes:
    return "".join(f"<{EX}{tag}{i}> <{EX}p> <{EX}o{i % 7}> .\n" for i in range(n)).encode()


def _state(store: Path) -> tuple[int, str]:
    """Every quad of the store (opened for writing, which restores a checkpoint left in it)."""
    with actorgraph.load(store=store) as kg:
        lines = sorted(str(q) for q in kg.store)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


@pytest.fixture(scope="module")
def old_store(
    bundled_store_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, tuple[int, str]]:
    """A store holding the bundled data and one small graph: the state before the killed write."""
    store = copy_store(bundled_store_template, tmp_path_factory.mktemp("undo") / "old")
    with actorgraph.load(store=store) as kg:
        kg.replace_graph(GRAPH, _ntriples(40, "old"))
    return store, _state(store)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("undo-data") / "big.nt"
    path.write_bytes(_ntriples(300_000, "big"))
    return path


@pytest.mark.parametrize(
    "graph", [pytest.param(OTHER, id="a-new-graph"), pytest.param(GRAPH, id="over-a-graph")]
)
@pytest.mark.parametrize(
    "when",
    [
        pytest.param(PARTIAL_DIR, id="while-the-checkpoint-is-taken"),
        pytest.param(UNDO_DIR, id="while-bulk-loading"),
    ],
)
def test_a_killed_writer_is_undone_to_the_quad(
    old_store: tuple[Path, tuple[int, str]], big_file: Path, tmp_path: Path, graph: str, when: str
) -> None:
    store = tmp_path / "store"
    shutil.copytree(old_store[0], store)
    assert kill_writer(store, big_file, graph, when) == "killed"
    assert _state(store) == old_store[1]
    assert sorted(os.listdir(store)) == AT_REST
    # The store takes a write again.
    with actorgraph.load(store=store) as kg:
        kg.replace_graph(graph, _ntriples(30, "again"))
        rows = kg.query(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert int(next(iter(rows))[0]) == 30
    assert sorted(os.listdir(store)) == AT_REST


@pytest.fixture(scope="module")
def killed_store(
    old_store: tuple[Path, tuple[int, str]],
    big_file: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    """A store whose writer was killed while bulk-loading: the live store half-written, the
    checkpoint beside it."""
    store = tmp_path_factory.mktemp("killed") / "store"
    shutil.copytree(old_store[0], store)
    assert kill_writer(store, big_file, OTHER, UNDO_DIR) == "killed"
    assert sorted(os.listdir(store)) == sorted([*AT_REST, UNDO_DIR])
    return store


def _between_the_renames(store: Path) -> None:
    (store / STORE_DIR).rename(store / DISCARD_DIR)


def _while_deleting(store: Path) -> None:
    (store / STORE_DIR).rename(store / DISCARD_DIR)
    (store / UNDO_DIR).rename(store / STORE_DIR)
    for file in sorted((store / DISCARD_DIR).iterdir())[::2]:
        file.unlink()


def _an_earlier_restore_left_its_discard(store: Path) -> None:
    shutil.copytree(store / STORE_DIR, store / DISCARD_DIR)


@pytest.mark.parametrize(
    "step",
    [
        pytest.param(None, id="before-the-restore"),
        pytest.param(_between_the_renames, id="between-its-two-renames"),
        pytest.param(_while_deleting, id="while-it-deletes-the-half-written-store"),
        pytest.param(_an_earlier_restore_left_its_discard, id="with-a-discard-left-before"),
    ],
)
def test_a_restore_cut_short_at_any_step_ends_with_the_old_store(
    old_store: tuple[Path, tuple[int, str]], killed_store: Path, tmp_path: Path, step: object
) -> None:
    store = tmp_path / "store"
    shutil.copytree(killed_store, store)
    if callable(step):
        step(store)
    if (store / UNDO_DIR).exists():  # a reader is kept out until a writer has restored it
        with pytest.raises(actorgraph.UsageError, match="killed; open it once for writing"):
            actorgraph.load(store=store, read_only=True)
    assert _state(store) == old_store[1]
    assert sorted(os.listdir(store)) == AT_REST


def test_a_reopen_killed_at_any_moment_still_ends_with_the_old_store(
    old_store: tuple[Path, tuple[int, str]], killed_store: Path, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(killed_store, store)
    script = (
        "import actorgraph, sys\n"
        "print('ready', flush=True)\n"
        "actorgraph.load(store=sys.argv[1]).close()\n"
    )
    for delay in (0.0, 0.001, 0.003, 0.01, 0.03, 0.1):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(store)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
    assert _state(store) == old_store[1]
    assert sorted(os.listdir(store)) == AT_REST


def test_a_store_left_by_a_killed_writer_is_restored_not_read(
    bundled_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = bundled_store
    with actorgraph.load(store=store) as kg:
        kg.replace_graph(GRAPH, _ntriples(5, "old"))
    before = _state(store)
    # What a killed writer leaves: its checkpoint of the old store, and the store written after it.
    with actorgraph.load(store=store) as kg:
        kg.store.backup(str(store / UNDO_DIR))
        kg.store.update(f"INSERT DATA {{ GRAPH <{OTHER}> {{ <{EX}a> <{EX}p> <{EX}b> }} }}")
    with pytest.raises(actorgraph.UsageError, match="killed; open it once for writing"):
        actorgraph.load(store=store, read_only=True)
    # The command line, which reads through a write-open when a read-only one is refused,
    # restores it and reads the old store.
    ask = f"ASK {{ GRAPH <{OTHER}> {{ ?s ?p ?o }} }}"
    assert main(["query", ask, "--store", str(store), "--format", "json"]) == 0
    assert '"boolean": false' in capsys.readouterr().out.replace('":false', '": false')
    assert _state(store) == before
    assert sorted(os.listdir(store)) == AT_REST
