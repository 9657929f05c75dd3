"""Reading only what the ``"actors"`` view needs from a local store.

The full projection reads every triple. The actors view keeps the actors (every node of a subclass
of ``ag:Actor``, with all its values and statements), the relations among them, and the events that
tie two of them, folded into actor–actor edges; it lists every source in ``G.graph["sources"]``.
On an imported store most triples belong to events that tie no two actors (an attack on a target
category, a dataset row's place and coordinates), so Oxigraph is asked which subjects the view needs:

1. the actors and the sources, by their types (the class hierarchy comes from the ontology);
2. the events that may tie two of them by a pair of roles of :data:`ACTOR_ROLES`, found without
   joining one event's roles (:func:`_candidate_events`);
3. for the candidate events of an imported graph, one row each (:func:`_event_rows`): Oxigraph
   reads each event's triples once and gives only what the folding and the page keep (its type,
   label, aliases, dates, source record, coordinates, place, and its roles), each field with its
   number of values; :func:`add_events` puts them into the projected graph as the projection
   would have made their nodes and role edges. An event a row cannot stand for (a field with
   several values, triples in another graph, a blank node, an actor known only as a blank node)
   is read whole, as below;
4. the places' containment and the other ends of the actors' and places' triples (what the
   families of armed groups read), the places of the events that have no coordinates of their
   own (where the page's map puts them), the statements whose ``rdf:subject`` is one of those
   actors, events read whole or places, and the statements about the roles a tie may fold
   (their dates and sources go with the tie);

and then gives each graph's triples of those subjects as N-Triples lines, in the order of its
index (a subject's triples together, ordered as a dump of the graph orders them), which the
projection reads exactly as it reads a whole graph. What the view does with them
(:func:`~actorgraph.network._folding.fold_actors`) is the same code on both ways of reading; the
tests build the view both ways and compare the graphs.
"""

from __future__ import annotations

import functools
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, NamedTuple

import networkx as nx
import pyoxigraph as ox

from actorgraph.network._folding import coordinates
from actorgraph.network._reading import (
    Reading,
    _store_of,
    data_graphs,
    graph_lines,
    line_key,
    line_literal,
    ontology_view,
    quad_lines,
    requery_in,
)
from actorgraph.network._statements import edge_conveniences, statement_id
from actorgraph.network._values import attribute_names, fast_curie, node_id, typed_value
from actorgraph.network._vocabulary import (
    ACTOR_ROLES,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    XSD_NS,
    OntologyView,
)
from actorgraph.vocab._namespaces import AGG, expand

_ACTOR = "ag:Actor"
_SOURCE = str(expand("ag:Source"))
_CONTAINED = str(expand("schema:containedInPlace"))
_PLACE = str(expand("ag:place"))
# Imported event data is read in part; curated data (small, and mostly about actors) whole.
_IMPORTS = str(AGG) + "import/"


class ActorsReading(NamedTuple):
    """What the actors view reads: the projection's :class:`Reading` (actors, sources, places,
    statements, curated graphs, and the events read whole) and the events read as rows
    (:class:`EventRow`), which :func:`add_events` adds to the projected graph."""

    reading: Reading
    events: list[EventRow]


class EventRow(NamedTuple):
    """One imported event as the folding reads it: its key, its types, the values of
    :data:`EVENT_FIELDS` by attribute name, its roles whose object is an actor (property IRI,
    actor IRI), and its place (only where its own coordinates do not place it)."""

    key: str
    types: list[str]
    values: dict[str, Any]
    roles: list[tuple[str, str]]
    place: str | None


#: What the folding and the page read of a folded event (``fold_actors``, ``folded_event_names``):
#: property IRI -> attribute name (names as the projection gives them; see ``add_events``).
EVENT_FIELDS = {
    str(expand(p)): p
    for p in (
        "rdf:type",
        "rdfs:label",
        "skos:altLabel",
        "ag:date",
        "ag:earliestDate",
        "ag:latestDate",
        "ag:sourceRecord",
        "geo:lat",
        "geo:long",
        "ag:place",
    )
}


def read_actors_view(kg: Any) -> ActorsReading | None:
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
    whole = actors | sources | places | ends
    imported = [str(getattr(g, "value", "")).startswith(_IMPORTS) for g in graphs]
    # Events of an imported graph are read as rows (EventRow): the folding's fields, one row
    # each. An event is read whole instead when a row cannot stand for it: it is known to the
    # reading otherwise (an actor, a place, a tie's end), it has triples in another graph, a
    # field holds several values, or an actor is a blank node (a VALUES clause cannot name it).
    rows: list[EventRow] = []
    used: set[tuple[str, str, str]] = set()  # the role triples a tie may fold
    if not any(a.startswith("_:") for a in actors):
        others = _subjects_elsewhere(ask, graphs, imported, events - whole)
        for graph, is_imported in zip(graphs, imported, strict=True):
            if is_imported:
                rows += _event_rows(ask, graph, sorted(events - whole - others), actors)
        # An event in two imports' rows is read whole (its node gathers both).
        counts = Counter(row.key for row in rows)
        rows = [row for row in rows if counts[row.key] == 1]
        for row in rows:
            used |= _paired_roles(row)
            if row.place is not None:
                whole.add(row.place)
    fast = {row.key for row in rows}
    about = actors | (events - fast) | places
    if rows and not any(k.startswith("_:") for k in about):
        statements = _statements_about(ask, about, used)
    else:
        # Two scans of the statements' index, no join: a VALUES clause over thousands of
        # events joined with them measured far slower.
        typed = {st for (st,) in ask.rows(f"SELECT ?st WHERE {{ ?st a <{RDF_STATEMENT}> }}")}
        statements = {
            st
            for st, subject in ask.rows(f"SELECT ?st ?s WHERE {{ ?st <{RDF_SUBJECT}> ?s }}")
            if subject in about and st in typed
        }
    whole |= statements
    folded = sorted(events - whole - fast)
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
    reading = Reading(
        [
            ask.lines(g, wanted) + lines if i else graph_lines(store, g)
            for g, i, lines in zip(graphs, imported, event_lines, strict=True)
        ],
        statements,
        onto,
        requery_in(store, graphs),
        ask.subjects_among,
    )
    return ActorsReading(reading, rows)


def _statements_about(ask: _Asker, about: set[str], used: set[tuple[str, str, str]]) -> set[str]:
    """The statements about these subjects (IRIs), and those about the role triples ``used``.

    The subjects are few (actors, places, events read whole): each is looked up. The role
    triples are many (two per event of a tie), but only a few of their properties have
    statements about them: the statements of each property are read, or, when few events have
    that role in a tie, those of these events."""
    typed = f"?st a <{RDF_STATEMENT}>"
    # The lookup by subject in a subquery: joined with the type directly, Oxigraph started from
    # every typed statement and checked each against the VALUES list (0.7 s of CPU against
    # 0.05 s for 4,514 of 27,275 statements on a 100,000-row import).
    found = {
        st
        for (st,) in ask.with_values(
            f"SELECT ?st WHERE {{ {{ SELECT ?st WHERE {{ VALUES ?s {{ %s }} "
            f"?st <{RDF_SUBJECT}> ?s }} }} {typed} }}",
            about,
        )
    }
    by_role: dict[str, set[str]] = {}
    for event, role, _ in used:
        by_role.setdefault(role, set()).add(event)
    for role, events in sorted(by_role.items()):
        pattern = (
            f"?st <{RDF_PREDICATE}> <{role}> . ?st <{RDF_SUBJECT}> ?s . "
            f"?st <{RDF_OBJECT}> ?o . {typed}"
        )
        if len(events) <= _FEW_EVENTS:
            found_rows = ask.with_values(
                f"SELECT ?st ?s ?o WHERE {{ VALUES ?s {{ %s }} {pattern} }}", events
            )
        else:
            found_rows = ask.rows(f"SELECT ?st ?s ?o WHERE {{ {pattern} }}")
        found |= {st for st, s, o in found_rows if (s, role, o) in used}
    return found


# Up to this many events of a role, their statements are looked up by subject.
_FEW_EVENTS = 2000


def _subjects_elsewhere(
    ask: _Asker, graphs: list[Any], imported: list[bool], events: set[str]
) -> set[str]:
    """Which of these events are subjects in more than one data graph, or in a graph that is not
    an import (such an event's node gathers the values of every graph: it is read whole)."""
    found: set[str] = set()
    for graph, is_imported in zip(graphs, imported, strict=True):
        if not is_imported:
            found |= {
                s
                for (s,) in ask.rows("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", graph)
                if s in events
            }
    if sum(imported) > 1:
        counts: dict[str, int] = {}
        for graph, is_imported in zip(graphs, imported, strict=True):
            if is_imported:
                for (s,) in ask.with_values(
                    "SELECT DISTINCT ?s WHERE { VALUES ?s { %s } ?s ?p ?o }", events, graph
                ):
                    counts[s] = counts.get(s, 0) + 1
        found |= {s for s, n in counts.items() if n > 1}
    return found


_FIELD_VARIABLES = {prop: f"f{i}" for i, prop in enumerate(EVENT_FIELDS)}
_ROLE_IRIS = sorted({str(expand(r)) for pair in ACTOR_ROLES for r in pair})
_ROLE_PAIRS = {(str(expand(a)), str(expand(b))) for a, b in ACTOR_ROLES}
_TYPE = str(expand("rdf:type"))
_ALIASES = str(expand("skos:altLabel"))
_PLACE_FIELD = str(expand("ag:place"))
_LAT, _LONG = str(expand("geo:lat")), str(expand("geo:long"))


def _event_rows(ask: _Asker, graph: Any, events: list[str], actors: set[str]) -> list[EventRow]:
    """The events of one imported graph as rows: Oxigraph reads each event's triples once and
    gives one row with each field's value, how many of its triples are fields' values, and its
    roles (a row stands for an event only when that number is the number of fields it has a
    value for: no field with several values). ``SAMPLE`` of a field bound on one triple of the
    event's group is that triple's object: Oxigraph's ``SAMPLE`` passes over the unbound values
    of the others (this query runs on the local store only)."""
    iris = [e for e in events if not e.startswith("_:")]
    if not iris:
        return []
    # One count of the fields' values, not one per field: 11 aggregates a group instead of 20
    # took 12% less of Oxigraph's CPU (0.90 against 1.02 s for 16,538 events, as TSV).
    fields = " ".join(f"(SAMPLE(?{v}) AS ?{v})" for v in _FIELD_VARIABLES.values())
    fields += " (COUNT(?value) AS ?values)"
    binds = " ".join(
        f"BIND(IF(?p = <{prop}>, ?o, ?none) AS ?{v})" for prop, v in _FIELD_VARIABLES.items()
    )
    binds += f" BIND(COALESCE({', '.join('?' + v for v in _FIELD_VARIABLES.values())}) AS ?value)"
    # Roles and actors as numbers (a join with a VALUES clause each): their IRIs need not be
    # written out for every role of every event.
    members = sorted(actors)
    roles = " ".join(f"(<{r}> {i})" for i, r in enumerate(_ROLE_IRIS))
    named = " ".join(f"(<{a}> {i})" for i, a in enumerate(members))
    head = "SELECT ?e (GROUP_CONCAT(?role) AS ?roles) " + fields + " WHERE { VALUES ?e { "
    tail = (
        " } ?e ?p ?o "
        + f"OPTIONAL {{ VALUES (?p ?pi) {{ {roles} }} }} "
        + f"OPTIONAL {{ VALUES (?o ?oi) {{ {named} }} }} "
        + binds
        + ' BIND(IF(BOUND(?pi) && BOUND(?oi), CONCAT(STR(?pi), ".", STR(?oi)), "") AS ?role)'
        " } GROUP BY ?e"
    )

    def answer(start: int) -> str:
        chunk = " ".join(f"<{e}>" for e in iris[start : start + EVENTS_PER_QUERY])
        result = ask.store.query(head + chunk + tail, default_graph=graph)
        assert isinstance(result, ox.QuerySolutions)  # a SELECT: our own text
        return (result.serialize(format=ox.QueryResultsFormat.TSV) or b"").decode("utf-8")

    out: list[EventRow] = []
    # EVENTS_PER_QUERY events a query: Oxigraph's groups and the answer's text for all of them
    # at once (16,538 events) took 55 MB more at the peak than queries of 1,000, for the same
    # CPU within 4%. Oxigraph answers without Python's lock, so the queries run on two threads
    # while this one reads the answers before them, in order; at most QUERIES_AHEAD answers wait.
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="actorgraph-events") as pool:
        waiting: deque[Future[str]] = deque()
        for start in range(0, len(iris), EVENTS_PER_QUERY):
            waiting.append(pool.submit(answer, start))
            if len(waiting) > QUERIES_AHEAD:
                out += _rows_of(waiting.popleft().result(), members)
        while waiting:
            out += _rows_of(waiting.popleft().result(), members)
    return out


#: How many events one query of :func:`_event_rows` reads (a setting: the rows are the same).
EVENTS_PER_QUERY = 1000
#: How many of those queries are asked before the answer of the first is read.
QUERIES_AHEAD = 2


def _rows_of(tsv: str, members: list[str]) -> list[EventRow]:
    """The rows of :func:`_event_rows`' answer (TSV) that stand for their events."""
    out = []
    props = list(_FIELD_VARIABLES)
    for line in tsv.split("\n")[1:]:
        if not line:
            continue
        cells = line.split("\t")
        key = cells[0][1:-1]
        samples = cells[2:-1]
        if int(cells[-1]) != sum(1 for cell in samples if cell):
            continue  # a field with several values: read whole
        values: dict[str, Any] = {}
        types: list[str] = []
        place = None
        for prop, cell in zip(props, samples, strict=True):
            if not cell:
                continue  # no value
            if prop == _TYPE:
                types.append(cell[1:-1])
            elif prop == _PLACE_FIELD:
                if cell[0] != "<":
                    break  # a literal where a place belongs: read whole
                place = cell[1:-1]
            else:
                values[prop] = cell_value(cell)
        else:
            if coordinates({"lat": values.get(_LAT), "long": values.get(_LONG)}) is not None:
                place = None  # its own coordinates place it (event_coordinates)
            found = []
            for code in cells[1][1:-1].split(" "):
                if code:
                    role, actor = code.split(".")
                    found.append((_ROLE_IRIS[int(role)], members[int(actor)]))
            out.append(EventRow(key, types, values, found, place))
    return out


def _paired_roles(row: EventRow) -> set[tuple[str, str, str]]:
    """The role triples of an event that a pair of :data:`ACTOR_ROLES` may fold (whose
    statements the folded tie lists)."""
    out = set()
    for role_a, actor_a in row.roles:
        for role_b, actor_b in row.roles:
            if actor_a != actor_b and (role_a, role_b) in _ROLE_PAIRS:
                out.add((row.key, role_a, actor_a))
                out.add((row.key, role_b, actor_b))
    return out


def cell_value(cell: str) -> Any:
    """A literal of a SPARQL TSV result as the projection reads its value (TSV writes booleans
    and numbers of the usual datatypes bare: ``true``, ``3``, ``1.5``, ``1.0E3``)."""
    if cell[0] == '"':
        if cell[-1] == ">":  # typed: an event's dates, mostly, the same days over and over
            return _typed_cell(cell)
        return line_literal(cell + " .\n")[0]
    if cell in ("true", "false"):
        datatype = "boolean"
    elif "e" in cell or "E" in cell:
        datatype = "double"
    elif "." in cell:
        datatype = "decimal"
    else:
        datatype = "integer"
    return typed_value(cell, XSD_NS + datatype)[0]


@functools.lru_cache(maxsize=16384)
def _typed_cell(cell: str) -> Any:
    # Every value is immutable (str, int, float, bool): shared safely. The 800,028 dates of the
    # 266,676 events of 400,000 UCDP rows are 12,783 days: BENCHMARKS.md, session 16.
    return line_literal(cell + " .\n")[0]


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

    # COUNT, not COUNT(DISTINCT): a triple held by two graphs may count twice, which only makes
    # a candidate the folding drops; the sets of DISTINCT took 0.06 s of CPU and 14 MB more
    # (100,000 events).
    found = {
        e
        for (e,) in ask.rows(
            f"SELECT ?e WHERE {{ VALUES ?r {{ {iris(twice)} }} ?e ?r ?x }} "
            "GROUP BY ?e ?r HAVING (COUNT(?x) > 1)"
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

    def with_values(self, text: str, keys: Iterable[str], graph: Any = None) -> list[list[str]]:
        """A SELECT with ``%s`` replaced by the IRIs among ``keys`` (a VALUES clause cannot
        name a blank node: those are looked up by pattern)."""
        iris = " ".join(f"<{k}>" for k in keys if not k.startswith("_:"))
        return self.rows(text % iris, graph) if iris else []

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


def add_events(G: nx.MultiDiGraph, onto: OntologyView, rows: list[EventRow]) -> None:
    """Add events read as rows to the projection of the rest, as the projection would have
    made them from their triples: a node with its types and the fields' values, an edge to each
    actor it has a role for (with the statements about that role, which the projection left on
    the event's node: no edge was there to take them), and an edge to its place."""
    if not rows:
        return
    node_data, succ, pred = G._node, G._succ, G._pred
    properties = G.graph.get("properties", {})
    # Attribute names as the projection gives them: a property it read keeps its name; the
    # others are named beside those.
    literal = set(EVENT_FIELDS) - {_TYPE, _PLACE_FIELD}
    read = {str(expand(c)) for c, e in properties.items() if "attribute" in e}
    named = attribute_names(read | literal)
    names = {
        prop: properties.get(EVENT_FIELDS[prop], {}).get("attribute") or named[prop]
        for prop in literal
    }
    labels: dict[str, tuple[str, str]] = {}

    def edge_key(prop: str) -> tuple[str, str]:
        found = labels.get(prop)
        if found is None:
            key = fast_curie(prop)
            found = labels[prop] = (key, onto.label(key))
        return found

    for row in rows:
        u = node_id(row.key)
        data = node_data.get(u)
        out: dict[str, dict[str, Any]]
        if data is None:
            data = node_data[u] = {"types": [], "aliases": []}
            out = succ[u] = {}
            pred[u] = {}
        else:
            out = succ[u]
        on_node = data.pop("statements", [])
        types = data["types"] = [fast_curie(t) for t in row.types]
        most = onto.most_specific(types)
        if most is not None:
            data["type"] = most
        for prop, value in row.values.items():
            name = names[prop]
            if name == "aliases":
                data["aliases"].append(value)
            else:
                data[name] = value
        by_role: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for record in on_node:
            prop, obj = record.pop("property"), record.pop("object", None)
            by_role.setdefault((prop, obj), []).append(record)
        ends = list(row.roles)
        if row.place is not None:
            ends.append((_PLACE_FIELD, row.place))
        for prop, end in ends:
            v = node_id(end)
            if v not in node_data:
                continue
            key, label = edge_key(prop)
            edge: dict[str, Any] = {"label": label, "statements": [], "sources": []}
            records = by_role.get((key, v))
            if records:
                edge["statements"] = records
                if len(records) > 1:
                    records.sort(key=statement_id)
                edge_conveniences(edge)
            keys: dict[str, Any] | None = out.get(v)
            if keys is None:
                keys = out[v] = pred[v][u] = {}
            keys[key] = edge
