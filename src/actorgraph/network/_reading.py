"""Reading the store for the projection: the data graph as N-Triples lines, dumped by Oxigraph into a
pipe on another thread, and the few helpers that turn one line back into terms."""

from __future__ import annotations

import errno
import io
import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

import pyoxigraph as ox
import rdflib

from actorgraph._errors import UsageError
from actorgraph.network._values import typed_value
from actorgraph.network._vocabulary import (
    ONTOLOGY_GRAPH,
    RDF_STATEMENT,
    RDF_TYPE,
    OntologyView,
    Term,
    Value,
)
from actorgraph.vocab._namespaces import AGG


def _store_of(kg: Any) -> ox.Store | None:
    """The Oxigraph store to read, or None for a graph that only answers queries (an endpoint)."""
    if isinstance(kg, ox.Store):
        return kg
    if getattr(kg, "is_remote", False):
        return None  # its ``store`` property raises: there is none
    store = getattr(kg, "store", None)
    return store if isinstance(store, ox.Store) else None


def _rdflib_to_ox(term: Any) -> Term:
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def _key_term(key: str) -> ox.NamedNode | ox.BlankNode:
    """The term of a key: the inverse of :func:`_term_key`."""
    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)


def _term_key(term: Any) -> str:
    """A term's key in the projection: its IRI, or ``_:id`` for a blank node."""
    return term.value if type(term) is ox.NamedNode else "_:" + term.value


# N-Triples lines: how the projection reads triples. One string per triple costs Python less than a
# pyoxigraph Quad and its terms; Oxigraph writes the lines on another thread.

_XSD_STRING_TAG = "xsd:string"  # the tag of a plain string: written "…" with no datatype
# How a dump into a pipe ends: every byte is written, then syncing the pipe fails (EINVAL).
_SYNC_FAILED = f"(os error {errno.EINVAL})"


def unescape(text: str) -> str:
    """Undo the escapes of an N-Triples string (``\\"``, ``\\n``, ``\\u00e9``, ...), with Oxigraph's
    own N-Triples parser (only strings holding a backslash come here: a few in most graphs)."""
    line = f'<a:s> <a:p> "{text}" .\n'.encode()
    (triple,) = ox.parse(line, format=ox.RdfFormat.N_TRIPLES)
    return str(triple.object.value)


def line_key(term: str) -> str:
    """The key of an IRI or a blank node ending a line: ``<iri> .\\n`` → ``iri``, ``_:b .\\n`` → ``_:b``."""
    return term[1:-4] if term[0] == "<" else term[:-3]


def line_literal(term: str) -> tuple[Value, str, str]:
    """Value, tag and lexical form of a literal ending a line (``"5"^^<…#integer> .\\n``)."""
    quoted, _, suffix = term.rpartition('"')
    lexical = quoted[1:]
    if "\\" in lexical:
        lexical = unescape(lexical)
    if suffix[0] == "@":
        return lexical, "@" + suffix[1:-3], lexical
    if suffix[0] == "^":
        value, tag = typed_value(lexical, suffix[3:-4])
        return value, tag, lexical
    return lexical, _XSD_STRING_TAG, lexical


def quad_lines(quads: Iterable[Any]) -> Iterator[str]:
    """Quads as the N-Triples lines Oxigraph writes for them (terms print as N-Triples)."""
    for q in quads:
        yield f"{q.subject} {q.predicate} {q.object} .\n"


def _triples_in(store: ox.Store, graph: Any) -> int:
    """How many triples one graph of the store holds (counted by Oxigraph, without the GIL)."""
    (solution,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)  # type: ignore[misc]
    return int(solution["n"].value)


def _ends_like_a_sync(error: BaseException) -> bool:
    """Whether a dump's error is the one a dump into a pipe ends with (EINVAL: a pipe cannot be
    synced), which Oxigraph also raises, message and all, if a write fails with EINVAL."""
    return isinstance(error, OSError) and (
        error.errno == errno.EINVAL or str(error).endswith(_SYNC_FAILED)
    )


class DumpCheck:
    """Whether the dumps of some graphs of a store gave every triple those graphs hold.

    A dump into a pipe ends with EINVAL once everything is written (syncing a pipe fails); the
    same error from a write halfway through looks no different. So the lines read are compared
    with what the store holds, once the last of ``graphs`` is read: for one graph, Oxigraph counts
    its triples; for the data graph (every graph but a few small ones), the store's size less
    those few graphs is the count, which costs a quarter of counting the graphs themselves
    (300,000 triples: 0.02 s against 0.08 s of CPU). Only when the totals differ is each graph
    counted, to name the one that stopped.
    """

    def __init__(self, store: ox.Store, graphs: Iterable[Any]) -> None:
        self.store = store
        self.graphs = list(graphs)
        self.read: list[tuple[Any, int, BaseException | None]] = []

    def ended(self, graph: Any, lines: int, error: BaseException | None) -> None:
        """Record that the dump of ``graph`` gave ``lines`` lines and ended with ``error`` (the
        sync's, or None); once the last graph has ended, raise if a dump stopped halfway."""
        self.read.append((graph, lines, error))
        if len(self.read) < len(self.graphs) or all(e is None for _, _, e in self.read):
            return
        if sum(n for _, n, _ in self.read) == self._expected():
            return
        for dumped, count, failed in self.read:
            expected = _triples_in(self.store, dumped)
            if count != expected:
                raise OSError(
                    errno.EINVAL,
                    f"the store's dump of {dumped} stopped after {count} of {expected} triples"
                    + (f" ({failed})" if failed is not None else ""),
                ) from failed
        raise OSError(errno.EINVAL, "the store changed while its graphs were read")

    def _expected(self) -> int:
        store, graphs = self.store, self.graphs
        if len(graphs) == 1:
            return _triples_in(store, graphs[0])
        read = set(graphs)
        others: list[Any] = [g for g in store.named_graphs() if g not in read]
        if ox.DefaultGraph() not in read:
            others.append(ox.DefaultGraph())
        return len(store) - sum(_triples_in(store, g) for g in others)


def _dump_into(store: ox.Store, graph: Any, pipe: int, outcome: list[BaseException]) -> None:
    """Write one graph as N-Triples into a pipe, then close it (run on a thread).

    Given a path, Oxigraph writes without holding the GIL; ``/dev/fd/N`` opens the pipe's writing
    end again. Closing the pipe ends the reader's lines. An error is handed to the reader.
    """
    try:
        store.dump(f"/dev/fd/{pipe}", format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    except BaseException as error:  # handed to the reading thread
        outcome.append(error)
    finally:
        os.close(pipe)


def graph_lines(store: ox.Store, graph: Any, check: DumpCheck | None = None) -> Iterator[str]:
    """The triples of one graph of the store as N-Triples lines, read as Oxigraph writes them.

    A million triples: 0.5 s, the writing on another core, where reading the same quads as pyoxigraph
    objects took 0.7 s. Elsewhere than on Linux (where ``/dev/fd`` and the error a pipe's sync gives
    may differ), the dump is read once it is whole. A dump that ends with the error of a pipe's
    sync is checked by ``check`` (by default, a check of this graph alone: see :class:`DumpCheck`);
    any other error is raised.
    """
    if check is None:
        check = DumpCheck(store, [graph])
    reading, writing = os.pipe()
    if not (sys.platform.startswith("linux") and os.path.exists(f"/dev/fd/{writing}")):
        os.close(reading)
        os.close(writing)
        dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        yield from io.StringIO(dumped.decode("utf-8"), newline="\n")
        check.ended(graph, dumped.count(b"\n"), None)
        return
    outcome: list[BaseException] = []
    writer = threading.Thread(
        target=_dump_into, args=(store, graph, writing, outcome), name="actorgraph-dump"
    )
    writer.start()
    try:
        # Closed when the lines are read, or when the reader stops early: the writer then fails
        # to write (EPIPE) and ends.
        lines = open(reading, encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
    except BaseException:
        os.close(reading)
        writer.join()
        raise
    try:
        with lines:
            # Counted as they pass (enumerate, in C): what the check compares.
            count = 0
            for count, line in enumerate(lines, 1):  # noqa: B007 - the count is read after
                yield line
    finally:
        writer.join()
    error = outcome[0] if outcome else None
    if error is not None and not _ends_like_a_sync(error):
        raise error
    check.ended(graph, count, error)


def ontology_view(store: ox.Store) -> OntologyView:
    """The ontology graph of a store as the projection reads it."""
    return OntologyView(
        (str(getattr(q.subject, "value", "")), q.predicate.value, q.object)
        for q in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH)
    )


def data_graphs(store: ox.Store) -> list[Any]:
    """The graphs of the data graph, in the order the projection reads them.

    Every named graph but ``agg:ontology`` and the store's own bookkeeping (``agg:meta``, a staging
    graph of a running load), in a stable order (the store lists them in an order of its own, which
    can differ from one process to the next: a node's values from several graphs keep theirs), then
    the default graph.
    """
    graphs: list[Any] = sorted(
        (
            g
            for g in store.named_graphs()
            if g != ONTOLOGY_GRAPH
            and not str(getattr(g, "value", "")).startswith(
                (str(AGG) + "meta", str(AGG) + "staging/")
            )
        ),
        key=str,
    )
    graphs.append(ox.DefaultGraph())
    return graphs


def requery_in(store: ox.Store, graphs: list[Any]) -> Callable[[str, int], Iterable[str]]:
    """A way to read one subject's lines in one of ``graphs`` again."""

    def requery(key: str, index: int) -> Iterable[str]:
        return quad_lines(store.quads_for_pattern(_key_term(key), None, None, graphs[index]))

    return requery


class Reading(NamedTuple):
    """What the projection reads: the triples as N-Triples lines (one iterable per graph, each
    subject's lines together), the statements among their subjects (subjects typed
    ``rdf:Statement``), the ontology, and a way to read one subject's lines in one of those graphs
    again. ``subjects_among`` is None when every subject of the data graph is read; a reading of
    part of it (:mod:`~actorgraph.network._view_reading`) tells which IRIs are subjects elsewhere,
    so that an IRI object outside the node namespaces still makes an edge to its node."""

    lines: list[Iterable[str]]
    statements: set[str]
    onto: OntologyView
    requery: Callable[[str, int], Iterable[str]]
    subjects_among: Callable[[Iterable[str]], set[str]] | None = None


def read_data_graph(kg: Any) -> Reading:
    """Return the whole data graph as the projection reads it (see :class:`Reading`).

    The data graph is every named graph but ``agg:ontology`` (and the default graph). The lines
    come from Oxigraph's N-Triples writer, streamed (:func:`graph_lines`): the cheapest way from
    Oxigraph to Python found (a million pyoxigraph quads, one subject's quads at a time, SELECT
    results as TSV, CSV or JSON, grouped or shaped queries all measured slower). Oxigraph writes a
    graph's triples grouped by subject. The statements (subjects typed ``rdf:Statement``) are
    looked up first, in the index.
    """
    store = _store_of(kg)
    rdf_type, rdf_statement = ox.NamedNode(RDF_TYPE), ox.NamedNode(RDF_STATEMENT)
    if store is not None:
        onto = ontology_view(store)
        graphs = data_graphs(store)
        statements = {
            _term_key(q.subject)
            for g in graphs
            for q in store.quads_for_pattern(None, rdf_type, rdf_statement, g)
        }
        # The graphs' dumps are checked together: the store's size gives their total.
        check = DumpCheck(store, graphs)
        return Reading(
            [graph_lines(store, g, check) for g in graphs],
            statements,
            onto,
            requery_in(store, graphs),
        )
    if not hasattr(kg, "query"):
        raise UsageError(
            f"to_networkx needs a KnowledgeGraph or a pyoxigraph Store, not {type(kg).__name__}"
        )
    onto_rows = kg.query("SELECT ?s ?p ?o WHERE { GRAPH agg:ontology { ?s ?p ?o } }")
    onto = OntologyView((str(s), str(p), _rdflib_to_ox(o)) for s, p, o in onto_rows)
    rows = kg.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != agg:ontology "
        f"&& !STRSTARTS(STR(?g), '{AGG}meta') && !STRSTARTS(STR(?g), '{AGG}staging/')) }}"
    )
    quads = [
        ox.Quad(_rdflib_to_ox(s), _rdflib_to_ox(p), _rdflib_to_ox(o))  # type: ignore[arg-type]
        for s, p, o in rows
    ]
    statements = {
        _term_key(q.subject) for q in quads if q.predicate == rdf_type and q.object == rdf_statement
    }

    def requery_list(key: str, _: int) -> Iterable[str]:
        subject = _key_term(key)
        return quad_lines(q for q in quads if q.subject == subject)

    return Reading([quad_lines(quads)], statements, onto, requery_list)
