"""The store's named graphs (ontology, curated data, meta, staging), the bundled data and its version."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from actorgraph._version import __version__
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData, bundled_files
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._namespaces import AGG
from actorgraph.vocab._ontology import ontology_path

if TYPE_CHECKING:
    pass


ONTOLOGY_GRAPH = AGG["ontology"]
CURATED_GRAPH = AGG["curated"]
META_GRAPH = AGG["meta"]
STAGING_PREFIX = str(AGG["staging/"])
DATA_VERSION = AGG["meta/data-version"]
#: In ``agg:meta``: ``<graph> agg:meta/loading "pid"`` while a graph is bulk-loaded in place.
LOADING = ox.NamedNode(str(AGG["meta/loading"]))


def to_ox(term: URIRef | BNode | Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to pyoxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_quads(triples: Iterable[tuple[Any, Any, Any]], graph: URIRef) -> list[ox.Quad]:
    g = ox.NamedNode(str(graph))
    return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]  # type: ignore[arg-type]


@functools.cache
def bundled_data_version() -> str:
    """A fingerprint of the package version, the ontology and the bundled curated files."""
    digest = hashlib.sha256(__version__.encode())
    for path in [ontology_path(), *bundled_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def bundled_data() -> tuple[CuratedData, tuple[ox.Quad, ...]]:
    data = read_curated()
    return data, tuple(to_quads(compile_triples(data), CURATED_GRAPH))


def expand_graph(name: str) -> str:
    if name.startswith("agg:"):
        return str(AGG) + name[4:]
    return name
