"""The store's named graphs (ontology, curated data, meta, staging), the bundled data and its version."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import URIRef

from actorgraph._derived import cache_folder, files_digest, private, private_folder
from actorgraph._errors import ActorGraphError
from actorgraph._resources import bundled_data_version
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._namespaces import AGG
from actorgraph.vocab._terms import to_ox

if TYPE_CHECKING:
    pass


ONTOLOGY_GRAPH = AGG["ontology"]
CURATED_GRAPH = AGG["curated"]
META_GRAPH = AGG["meta"]
STAGING_PREFIX = str(AGG["staging/"])
DATA_VERSION = AGG["meta/data-version"]
#: In ``agg:meta``: ``<graph> agg:meta/loading "pid"`` while a graph is bulk-loaded in place.
LOADING = ox.NamedNode(str(AGG["meta/loading"]))


def to_quads(triples: Iterable[tuple[Any, Any, Any]], graph: URIRef) -> list[ox.Quad]:
    g = ox.NamedNode(str(graph))
    return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]  # type: ignore[arg-type]


@functools.cache
def bundled_data() -> tuple[CuratedData, tuple[ox.Quad, ...]]:
    data = read_curated()
    return data, tuple(to_quads(compile_triples(data), CURATED_GRAPH))


@functools.cache
def bundled_quads() -> tuple[ox.Quad, ...]:
    """The bundled data compiled to quads of ``agg:curated``, read from a cache when one is there.

    Reading the curated YAML files costs seconds (about 5 s of CPU at 50,000 triples), once per
    process; the compiled quads are therefore kept as N-Quads in the user's cache folder
    (``$ACTORGRAPH_CACHE``, else ``$XDG_CACHE_HOME/actorgraph``, else ``~/.cache/actorgraph``), named by
    the fingerprint of the data, the ontology, the version and the code that compiles them, so a
    changed file or compiler never reads a stale cache. ``ACTORGRAPH_CACHE=off`` turns it off; a cache
    that cannot be written is skipped, and one that is not the user's or that others may write is
    neither read nor written (``actorgraph._derived.private``).
    """
    path = _cache_path()
    if path is not None and not private(path.parent, path):
        path = None  # a cache folder others may write could give the curated graph facts of theirs
    if path is not None and path.is_file():
        try:
            return tuple(ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS))
        except (OSError, SyntaxError, ValueError):
            pass  # a damaged cache is compiled again
    quads = bundled_data()[1]
    if path is not None:
        try:
            from actorgraph._files import write_file  # noqa: PLC0415

            private_folder(path.parent)
            write_file(path, ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
        except (OSError, ActorGraphError):
            pass
    return quads


def _cache_path() -> Path | None:
    base = cache_folder()
    if base is None:
        return None
    here = Path(__file__).resolve().parents[1]
    modules = sorted([*(here / "curation").glob("*.py"), *(here / "vocab").glob("*.py")])
    code = files_digest([*modules, Path(__file__)])
    return base / f"curated-{bundled_data_version()}-{code[:12]}.nq"


def expand_graph(name: str) -> str:
    if name.startswith("agg:"):
        return str(AGG) + name[4:]
    return name
