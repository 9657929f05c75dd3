"""Reading only what the ``"actors"`` view needs from a local store.

The full projection reads every triple. The actors view keeps the actors (every node of a subclass
of ``ag:Actor``, with all its values and statements), the relations among them, and the events that
tie two of them, folded into actor–actor edges; it lists every source in ``G.graph["sources"]``.
On an imported store most triples belong to events that tie no two actors (an attack on a target
category, a dataset row's place and coordinates), so Oxigraph is asked which subjects the view needs:

1. the actors and the sources, by their types (the class hierarchy comes from the ontology);
2. the events that may tie two of them by a pair of roles of :data:`ACTOR_ROLES`, found without
   joining one event's roles (:func:`_candidate_events`);
3. the places' containment and the other ends of the actors' and places' triples (what the
   families of armed groups read), the places of the events (where the page's map puts an event
   with no coordinates of its own), and the statements whose ``rdf:subject`` is one of those
   actors, events or places;

and then gives each graph's triples of those subjects as N-Triples lines, in the order of its
index (a subject's triples together, ordered as a dump of the graph orders them), which the
projection reads exactly as it reads a whole graph. What the view does with them
(:func:`~actorgraph.network._folding.fold_actors`) is the same code on both ways of reading; the
tests build the view both ways and compare the graphs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from actorgraph.network._reading import (
    Reading,
    _store_of,
    data_graphs,
    graph_lines,
    line_key,
    ontology_view,
    quad_lines,
    requery_in,
)
from actorgraph.network._vocabulary import ACTOR_ROLES, RDF_STATEMENT, RDF_SUBJECT
from actorgraph.vocab._namespaces import AGG, expand

_ACTOR = "ag:Actor"
_SOURCE = str(expand("ag:Source"))
_CONTAINED = str(expand("schema:containedInPlace"))
_PLACE = str(expand("ag:place"))
# Imported event data is read in part; curated data (small, and mostly about actors) whole.
_IMPORTS = str(AGG) + "import/"


def read_actors_view(kg: Any) -> Reading | None:
    """What the actors view of ``kg`` needs, read as the projection reads a graph; None for a
    graph that is no local store (an endpoint), which is read whole."""
    store = _store_of(kg)
    if store is None:
        return None
    onto = ontology_view(store)
    graphs = data_graphs(store)
    ask = _Asker(store, graphs)
    classes = sorted(c for c in onto.classes | {_ACTOR} if _ACTOR in onto.ancestors(c))
    actors: set[str] = set()
    sources: set[str] = set()
    for subject, cls in ask.rows(
        "SELECT DISTINCT ?s ?c WHERE { VALUES ?c { "
        + " ".join(f"<{expand(c)}>" for c in [*classes, "ag:Source"])
        + " } ?s a ?c }"
    ):
        (sources if cls == _SOURCE else actors).add(subject)
    events = _candidate_events(ask, actors) - actors
    # Families (network/_families.py) read the actors' ties, the labels at their other ends, and
    # the places' containment (with its sources).
    places = {s for (s,) in ask.rows(f"SELECT DISTINCT ?s WHERE {{ ?s <{_CONTAINED}> ?o }}")}
    ends = {
        o
        for (o,) in ask.with_values(
            "SELECT DISTINCT ?o WHERE { VALUES ?s { %s } ?s ?p ?o FILTER(!isLiteral(?o)) }",
            actors | places,
        )
    }
    about = actors | events | places
    # Two scans of the statements' index, no join: a VALUES clause over thousands of events
    # joined with them measured far slower.
    typed = {st for (st,) in ask.rows(f"SELECT ?st WHERE {{ ?st a <{RDF_STATEMENT}> }}")}
    statements = {
        st
        for st, subject in ask.rows(f"SELECT ?st ?s WHERE {{ ?st <{RDF_SUBJECT}> ?s }}")
        if subject in about and st in typed
    }
    whole = actors | sources | places | ends | statements
    folded = sorted(events - whole)
    imported = [str(getattr(g, "value", "")).startswith(_IMPORTS) for g in graphs]
    event_lines = [ask.lines(g, folded) if i else [] for g, i in zip(graphs, imported, strict=True)]
    # A folded event without coordinates of its own is mapped at its place's (fold_actors).
    marker = f" <{_PLACE}> "
    whole |= {
        line_key(line.split(" ", 2)[2])
        for lines in event_lines
        for line in lines
        if marker in line and line.split(" ", 2)[2][0] != '"'
    } - set(folded)
    wanted = sorted(whole)
    return Reading(
        [
            ask.lines(g, wanted) + lines if i else graph_lines(store, g)
            for g, i, lines in zip(graphs, imported, event_lines, strict=True)
        ],
        statements,
        onto,
        requery_in(store, graphs),
        ask.subjects_among,
    )


def _candidate_events(ask: _Asker, actors: set[str]) -> set[str]:
    """The events that may tie two actors by a pair of :data:`ACTOR_ROLES` (the folding
    decides): without joining the roles, which on an imported store means joining every event's
    participants. An event with the same role twice (two participants) is found by grouping that
    role's triples; one whose other party (a target, a victim, ...) is an actor, from that role's
    triples; one with a rarer role beside a common one (a mediator beside the
    participants), by that role."""
    acting = {a for a, _ in ACTOR_ROLES}
    twice = sorted({a for a, b in ACTOR_ROLES if a == b})
    by_actor = sorted({b for a, b in ACTOR_ROLES if a != b and b not in acting})
    rare = sorted({a for a, b in ACTOR_ROLES if a != b and b in acting})

    def iris(names: list[str]) -> str:
        return " ".join(f"<{expand(n)}>" for n in names)

    found = {
        e
        for (e,) in ask.rows(
            f"SELECT ?e WHERE {{ VALUES ?r {{ {iris(twice)} }} ?e ?r ?x }} "
            "GROUP BY ?e ?r HAVING (COUNT(DISTINCT ?x) > 1)"
        )
    }
    found |= {
        e
        for (e,) in ask.rows(
            f"SELECT DISTINCT ?e WHERE {{ VALUES ?r {{ {iris(rare)} }} ?e ?r ?x }}"
        )
    }
    # Read and checked here: a join with a VALUES clause of the actors measured slower.
    found |= {
        e
        for e, other in ask.rows(
            f"SELECT DISTINCT ?e ?y WHERE {{ VALUES ?r {{ {iris(by_actor)} }} ?e ?r ?y }}"
        )
        if other in actors
    }
    return found


class _Asker:
    """Queries over the data graphs of one store, their answers read as TSV."""

    def __init__(self, store: ox.Store, graphs: list[Any]) -> None:
        self.store = store
        self.graphs = graphs

    def rows(self, text: str, graph: Any = None) -> list[list[str]]:
        """The rows of a SELECT, each cell an IRI or ``_:id`` (the keys the projection uses)."""
        result = self.store.query(text, default_graph=self.graphs if graph is None else graph)
        assert isinstance(result, ox.QuerySolutions)  # a SELECT: our own text
        tsv = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
        return [
            [cell[1:-1] if cell.startswith("<") else cell for cell in line.split("\t")]
            for line in tsv.decode("utf-8").split("\n")[1:]
            if line
        ]

    def with_values(self, text: str, keys: Iterable[str]) -> list[list[str]]:
        """A SELECT with ``%s`` replaced by the IRIs among ``keys`` (a VALUES clause cannot
        name a blank node: those are looked up by pattern)."""
        iris = " ".join(f"<{k}>" for k in keys if not k.startswith("_:"))
        return self.rows(text % iris) if iris else []

    def lines(self, graph: Any, keys: list[str]) -> list[str]:
        """One graph's triples of these subjects as N-Triples lines, in the graph's index order."""
        iris = " ".join(f"<{k}>" for k in keys if not k.startswith("_:"))
        out: list[str] = []
        if iris:
            result = self.store.query(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {iris} }} ?s ?p ?o }}",
                default_graph=graph,
            )
            assert isinstance(result, ox.QueryTriples)  # a CONSTRUCT: our own text
            text = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
            out = text.decode("utf-8").splitlines(keepends=True)
        for key in keys:
            if key.startswith("_:"):
                quads = self.store.quads_for_pattern(ox.BlankNode(key[2:]), None, None, graph)
                out.extend(quad_lines(quads))
        return out

    def subjects_among(self, keys: Iterable[str]) -> set[str]:
        """Which of these IRIs or blank nodes are subjects somewhere in the data graphs."""
        keys = list(keys)
        found = {
            s
            for (s,) in self.with_values(
                "SELECT DISTINCT ?s WHERE { VALUES ?s { %s } ?s ?p ?o }", keys
            )
        }
        for key in keys:
            if key.startswith("_:"):
                term = ox.BlankNode(key[2:])
                if any(
                    next(iter(self.store.quads_for_pattern(term, None, None, g)), None) is not None
                    for g in self.graphs
                ):
                    found.add(key)
        return found


def _key(term: Any) -> str:
    return term.value if type(term) is ox.NamedNode else "_:" + term.value
