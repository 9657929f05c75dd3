"""What the store already knows before an import: curated entities and events, read once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from actorgraph.importers._ntriples import IMPORT_GRAPHS, RDFS_NS, SKOS_NS, STAGING_GRAPHS
from actorgraph.vocab._name_index import NameIndex
from actorgraph.vocab._namespaces import AG, SCHEMA

# ----------------------------------------------------------------------------------------------------
# What the store already knows: curated entities and events


def _select(
    store: ox.Store, query: str, prefixes: dict[str, str] | None = None
) -> Iterator[ox.QuerySolution]:
    result = store.query(query, prefixes=prefixes)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return iter(result)


class HasStore(Protocol):
    @property
    def store(self) -> ox.Store | None: ...


@dataclass
class CuratedEvent:
    """A curated event, as far as matching imported rows against it needs."""

    iri: str
    earliest: dt.date
    latest: dt.date
    places: set[str]
    actors: set[str]


@dataclass
class KnownEntities:
    """The entities outside import graphs: their names, classes, and the curated events."""

    names: NameIndex
    types: dict[str, set[str]]
    parents: dict[str, set[str]]
    events: list[CuratedEvent]

    @classmethod
    def from_store(cls, store: ox.Store) -> KnownEntities:
        """Read names, types, place containment and dated events from every non-import graph."""
        prefix = {"ag": str(AG), "schema": str(SCHEMA)}
        not_imported = f'FILTER(!STRSTARTS(STR(?g), "{IMPORT_GRAPHS}") && !STRSTARTS(STR(?g), "{STAGING_GRAPHS}"))'
        types: dict[str, set[str]] = {}
        for row in _select(
            store, f"SELECT ?x ?t WHERE {{ GRAPH ?g {{ ?x a ?t }} {not_imported} }}"
        ):
            x, t = row[0], row[1]
            if isinstance(x, ox.NamedNode) and isinstance(t, ox.NamedNode):
                types.setdefault(x.value, set()).add(t.value)
        query = (
            f"SELECT ?x ?p ?n WHERE {{ VALUES ?p {{ <{RDFS_NS}label> <{SKOS_NS}altLabel> }} "
            f"GRAPH ?g {{ ?x ?p ?n }} {not_imported} }}"
        )
        names = NameIndex(
            (
                (x.value, n.value, p.value == f"{RDFS_NS}label")
                for x, p, n in (tuple(row[i] for i in range(3)) for row in _select(store, query))
                if isinstance(x, ox.NamedNode) and isinstance(n, ox.Literal) and x.value in types
            ),
            ids=str,
        )
        parents: dict[str, set[str]] = {}
        query = (
            f"SELECT ?x ?p WHERE {{ GRAPH ?g {{ ?x schema:containedInPlace+ ?p }} {not_imported} }}"
        )
        for row in _select(store, query, prefixes=prefix):
            x, p = row[0], row[1]
            if isinstance(x, ox.NamedNode) and isinstance(p, ox.NamedNode):
                parents.setdefault(x.value, set()).add(p.value)
        events: dict[str, CuratedEvent] = {}
        query = f"""
            SELECT ?e ?early ?late ?place ?actor WHERE {{
              GRAPH ?g {{ ?e ag:earliestDate ?early ; ag:latestDate ?late . }} {not_imported}
              OPTIONAL {{ GRAPH ?g2 {{ ?e ag:place ?place }} }}
              OPTIONAL {{ GRAPH ?g3 {{ ?e ag:participant|ag:attributedTo|ag:claimedBy ?actor }} }}
            }}"""
        for row in _select(store, query, prefixes=prefix):
            e, early, late, place, actor = (row[i] for i in range(5))
            if not (isinstance(e, ox.NamedNode) and isinstance(early, ox.Literal)):
                continue
            if not isinstance(late, ox.Literal):
                continue
            if not any(t.startswith(str(AG)) for t in types.get(e.value, ())):
                continue
            try:
                first = dt.date.fromisoformat(early.value)
                last = dt.date.fromisoformat(late.value)
            except ValueError:
                continue
            event = events.setdefault(e.value, CuratedEvent(e.value, first, last, set(), set()))
            # Several dates (sources disagreeing at the same rank) widen the interval, which only
            # makes a match less likely.
            event.earliest = min(event.earliest, first)
            event.latest = max(event.latest, last)
            if isinstance(place, ox.NamedNode):
                event.places.add(place.value)
            if isinstance(actor, ox.NamedNode):
                event.actors.add(actor.value)
        event_types = {
            str(AG) + n for n in ("Event", "Attack", "Assassination", "MilitaryOperation")
        }
        kept = [e for e in events.values() if types.get(e.iri, set()) & event_types]
        return cls(names, types, parents, kept)

    def lookup(self, name: str, classes: Iterable[str] | None = None) -> set[str]:
        """Return the entities a name may mean, limited to members of ``classes`` when given."""
        found = self.names.lookup(name)
        if classes is None:
            return found
        wanted = set(classes)
        return {node for node in found if self.types.get(node, set()) & wanted}
