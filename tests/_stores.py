"""Stores the tests share: the small hand-made one of the NetworkX tests (the ontology and
``fixtures/network.trig``), copies of an on-disk store made once (``conftest.bundled_store``), and a
writer killed in one."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from actorgraph.store._undo import UNDO_DIR

FIXTURE = Path(__file__).parent / "fixtures" / "network.trig"
ONTOLOGY = Path(__file__).parents[1] / "ontology" / "actorgraph.ttl"
ONTOLOGY_GRAPH = ox.NamedNode("https://w3id.org/actorgraph/graph/ontology")


def fixture_store() -> ox.Store:
    """A new in-memory store with the ontology in its graph and the fixture's graphs."""
    store = ox.Store()
    store.load(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE, to_graph=ONTOLOGY_GRAPH)
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return store


def copy_store(template: Path, path: Path) -> Path:
    """Copy a closed on-disk store directory to ``path`` (which must not exist) and return it."""
    shutil.copytree(template, path)
    return path


def kill_writer(store: Path, data: Path, graph: str, when: str) -> str:
    """Start a process that replaces ``graph`` with ``data`` and SIGKILL it once ``when`` (a
    directory in the store) appears; return what happened (``killed`` or ``finished``).

    The checkpoint is being taken while ``oxigraph.partial`` exists (about 0.2 s); on a machine so
    busy that the poll misses it, the kill comes as soon as the checkpoint is in place instead."""
    script = textwrap.dedent(
        f"""
        import actorgraph
        kg = actorgraph.load(store={str(store)!r})
        kg.replace_graph({graph!r}, {str(data)!r})
        kg.close()
        """
    )
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 300
        while not any((store / d).exists() for d in {when, UNDO_DIR}) and child.poll() is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{when} never appeared")
            time.sleep(0.001)
        if when == UNDO_DIR and child.poll() is None:
            time.sleep(0.5)  # well into the bulk load
        return sigkill(child)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def sigkill(child: subprocess.Popen[Any]) -> str:
    """SIGKILL a child process now (``killed``), unless it has already ended (``finished``)."""
    if child.poll() is not None:
        return "finished"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)
    return "killed"
