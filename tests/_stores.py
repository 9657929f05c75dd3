"""Stores the tests share: the small hand-made one of the NetworkX tests (the ontology and
``fixtures/network.trig``), and copies of an on-disk store made once (``conftest.bundled_store``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox

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
