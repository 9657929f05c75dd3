"""The small hand-made store the NetworkX tests share: the ontology and ``fixtures/network.trig``."""

from __future__ import annotations

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
