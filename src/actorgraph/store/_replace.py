"""Replacing a named graph all or nothing: the one mechanism the knowledge graph and the importers share.

A graph is replaced in one of two ways, and a process killed midway leaves one kind of trace:

- **into an empty graph**, loaded in place (:class:`LoadingInPlace`): while it loads, ``agg:meta``
  names it with the loading marker (:data:`~actorgraph.store._graphs.LOADING`), removed once the
  graph is whole;
- **over a graph that holds data** (:func:`swap_in`): the new triples fill a staging graph
  ``agg:staging/<uuid>``, then one SPARQL Update (one transaction) drops the old graph and moves
  the staging graph into its place.

So a graph is unfinished exactly when it is a staging graph or marked as loading
(:func:`unfinished_graphs`); :func:`drop_unfinished` drops them, when a store is opened for
writing and before an import. Oxigraph's bulk loader is not atomic by itself: this is what makes a
failed load leave the previous state. A killed one, in a store opened with ``load(store=DIR)``, is
undone before that by the checkpoint of :mod:`actorgraph.store._undo` (whose time does not grow with
what the killed process wrote); the markers remain the way back for a bare ``pyoxigraph.Store``
given to an importer.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from types import TracebackType

import pyoxigraph as ox

from actorgraph.store._graphs import LOADING, META_GRAPH, STAGING_PREFIX

__all__ = ["LoadingInPlace", "compact_store", "drop_unfinished", "swap_in", "unfinished_graphs"]

_META = ox.NamedNode(str(META_GRAPH))


def swap_in(store: ox.Store, target: ox.NamedNode, fill: Callable[[ox.NamedNode], object]) -> None:
    """Fill a staging graph (``fill(staging)``), then drop ``target`` and move the staging graph
    into place in one SPARQL Update; on any failure the staging graph is dropped and ``target``
    keeps what it held."""
    staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4().hex}")
    try:
        fill(staging)
        store.update(
            f"DROP SILENT GRAPH <{target.value}> ; MOVE SILENT GRAPH <{staging.value}> TO <{target.value}>"
        )
    except BaseException:
        store.update(f"DROP SILENT GRAPH <{staging.value}>")
        raise


class LoadingInPlace:
    """A graph loaded straight into its final name, marked as loading until :meth:`commit`.

    Leaving the ``with`` block without a commit (an error, a rejected strict import, Ctrl-C) drops
    the graph; a killed process leaves the marker, and :func:`drop_unfinished` drops the graph. In
    a plain pyoxigraph store that had no ``agg:meta``, the marker's graph is removed again after.
    """

    def __init__(self, store: ox.Store, node: ox.NamedNode) -> None:
        self.store = store
        self.node = node
        self.marker = ox.Quad(node, LOADING, ox.Literal(str(os.getpid())), _META)
        self.committed = False
        self._had_meta = True

    def __enter__(self) -> LoadingInPlace:
        self._had_meta = self.store.contains_named_graph(_META)
        self.store.add(self.marker)
        return self

    def commit(self, quads: Iterable[ox.Quad] = ()) -> None:
        """Add the last quads (e.g. a digest of the content): from now on the graph is whole."""
        for quad in quads:
            self.store.add(quad)
        self.committed = True

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.committed:
            self.store.update(f"DROP SILENT GRAPH <{self.node.value}>")
        self.store.remove(self.marker)
        if (
            not self._had_meta
            and next(iter(self.store.quads_for_pattern(None, None, None, _META)), None) is None
        ):
            self.store.remove_graph(_META)


def unfinished_graphs(store: ox.Store) -> list[str]:
    """Graphs a killed process left half-written: staging graphs and graphs marked as loading."""
    found = [
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)
    ]
    found += [
        q.subject.value
        for q in store.quads_for_pattern(None, LOADING, None, _META)
        if isinstance(q.subject, ox.NamedNode)
    ]
    return sorted(set(found))


#: Quads deleted per transaction when an unfinished graph is dropped.
DROP_CHUNK = 50_000


def drop_unfinished(store: ox.Store, *, chunk: int = DROP_CHUNK) -> list[str]:
    """Drop what :func:`unfinished_graphs` finds, and the loading markers; return the graphs' IRIs.

    Each graph is emptied ``chunk`` quads at a time, and its marker removed only once it
    is empty, so that a process killed meanwhile leaves a graph that is still found unfinished. One
    ``DROP GRAPH`` is one transaction that holds every deletion in memory: a 100,000-row import
    killed at its last row took 1,416 s and 2,256 MiB to reopen (on 2 busy cores). 286,399 quads
    on disk: ``DROP`` 54 s and 434 MiB, chunks of 50,000 19-28 s and 254 MiB, each chunk flushed
    25 s and 132 MiB (a process that only opens the store and reads it: 44 MiB).
    """
    found = unfinished_graphs(store)
    for graph in found:
        node = ox.NamedNode(graph)
        first = next(iter(store.quads_for_pattern(None, None, None, node)), None)
        while first is not None:
            store.update(
                f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ SELECT ?s ?p ?o "
                f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT {chunk} }}"
            )
            store.flush()  # writes the chunk's deletions out of RocksDB's memory
            left = next(iter(store.quads_for_pattern(None, None, None, node)), None)
            if left == first:
                break  # nothing deleted (a quad the pattern cannot match): DROP takes the rest
            first = left
        store.update(f"DROP SILENT GRAPH <{graph}>")
    for quad in list(store.quads_for_pattern(None, LOADING, None, _META)):
        store.remove(quad)
    return found


def compact_store(store: ox.Store) -> None:
    """Compact an on-disk store after a graph was loaded or replaced (Oxigraph's ``optimize``).

    The bulk loader adds each chunk's sorted files beside the others: a 100,000-row GTD import
    leaves 86 files, and a query reads each pattern in every one of them. Compacted (23 files),
    the same store answered the commands of an analyst's journey in a quarter to a half of the
    CPU time (``benchmarks/store_bench.py``; BENCHMARKS.md), for a compaction costing about a
    seventh of the import's CPU time. A replaced graph (the bundled data of a new version) leaves
    its former quads, and its staging graph's, as deletions that reads step over: at 100,000
    imported rows, a join within the curated graph took 0.34 s of CPU instead of 0.21 s, and the
    store 585 MB instead of 527 MB, until compacted (2.4 s of CPU).
    """
    store.optimize()
