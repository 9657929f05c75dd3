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


class _CountedPipe(io.RawIOBase):
    """The reading end of a pipe that counts the lines it passes on (a count per chunk, in C)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self.lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = os.read(self._fd, len(buffer))
        size = len(data)
        buffer[:size] = data
        self.lines += data.count(b"\n")
        return size

    def close(self) -> None:
        if not self.closed:
            os.close(self._fd)
        super().close()


def _triples_in(store: ox.Store, graph: Any) -> int:
    """How many triples one graph of the store holds (counted by Oxigraph, without the GIL)."""
    (solution,) = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=graph)  # type: ignore[misc]
    return int(solution["n"].value)


def _dump_into(store: ox.Store, graph: Any, pipe: int, outcome: list[Any]) -> None:
    """Write one graph as N-Triples into a pipe, then close it (run on a thread).

    Given a path, Oxigraph writes without holding the GIL; ``/dev/fd/N`` opens the pipe's writing
    end again. Closing the pipe ends the reader's lines. An error is handed to the reader, which
    raises it. Every dump into a pipe ends with one: syncing a pipe to disk fails (EINVAL) after
    everything was written; so an EINVAL comes with the graph's number of triples, and the reader
    raises it unless it read that many lines (an EINVAL halfway must not read as a whole graph).
    """
    try:
        store.dump(f"/dev/fd/{pipe}", format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    except OSError as error:
        if error.errno == errno.EINVAL or str(error).endswith(_SYNC_FAILED):
            os.close(pipe)
            pipe = -1
            outcome.append(error)
            outcome.append(_triples_in(store, graph))
        else:
            outcome.append(error)
    except BaseException as error:  # handed to the reading thread
        outcome.append(error)
    finally:
        if pipe >= 0:
            os.close(pipe)


def graph_lines(store: ox.Store, graph: Any) -> Iterator[str]:
    """The triples of one graph of the store as N-Triples lines, read as Oxigraph writes them.

    A million triples: 0.5 s, the writing on another core, where reading the same quads as pyoxigraph
    objects took 0.7 s. Elsewhere than on Linux (where ``/dev/fd`` and the error a pipe's sync gives
    may differ), the dump is read once it is whole.
    """
    reading, writing = os.pipe()
    if not (sys.platform.startswith("linux") and os.path.exists(f"/dev/fd/{writing}")):
        os.close(reading)
        os.close(writing)
        dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        yield from io.StringIO(dumped.decode("utf-8"), newline="\n")
        return
    outcome: list[Any] = []
    writer = threading.Thread(
        target=_dump_into, args=(store, graph, writing, outcome), name="actorgraph-dump"
    )
    writer.start()
    try:
        # Closed when the lines are read, or when the reader stops early: the writer then fails
        # to write (EPIPE) and ends.
        pipe = _CountedPipe(reading)
        lines = io.TextIOWrapper(io.BufferedReader(pipe), encoding="utf-8", newline="\n")
    except BaseException:
        os.close(reading)
        writer.join()
        raise
    try:
        with lines:
            yield from lines
    finally:
        writer.join()
    if len(outcome) == 2:
        error, expected = outcome
        if expected == pipe.lines:
            return  # the pipe's final sync failed, after every triple was written
        raise OSError(
            errno.EINVAL,
            f"the store's dump of {graph} stopped after {pipe.lines} of {expected} triples ({error})",
        ) from error
    if outcome:
        raise outcome[0]


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
        return Reading(
            [graph_lines(store, g) for g in graphs], statements, onto, requery_in(store, graphs)
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
