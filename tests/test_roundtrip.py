"""to_networkx → from_networkx gives back the data graph (rdflib.compare.isomorphic).

On the bundled data, on the hand-written fixture, through each export format, and on valid graphs
that Hypothesis generates: entities of several classes with labels and aliases in several
languages, literals of every datatype the ontology uses, object properties, and statements with every
optional field, including deprecated ones whose triple is not direct.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

import actorgraph
from actorgraph.network._export import read_network, write_network
from actorgraph.network._from_networkx import from_networkx
from actorgraph.network._to_networkx import to_networkx
from actorgraph.store._graphs import to_ox
from actorgraph.vocab._namespaces import AG, AGD, AGG, AGS, AGST, GEO

try:
    from _stores import ONTOLOGY, fixture_store
except ImportError:  # tests/ imported as a package
    from tests._stores import ONTOLOGY, fixture_store

CURATED = ox.NamedNode(str(AGG) + "curated")


def data_graph(store: ox.Store) -> Graph:
    """Every triple outside agg:ontology, as rdflib terms."""
    graph = Graph()
    result = store.query(
        "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        "FILTER(?g != <https://w3id.org/actorgraph/graph/ontology>) }"
    )
    for row in result:
        graph.add(tuple(_rdflib(term) for term in row))
    return graph


def _rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> URIRef | Literal:
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)
    return URIRef(term.value)


def assert_isomorphic(expected: Graph, got: Graph) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(expected, got)
        pytest.fail(
            f"not isomorphic; missing {sorted(only_expected)[:5]}, extra {sorted(only_got)[:5]}"
        )


def store_with(graph: Graph) -> ox.Store:
    store = ox.Store()
    store.load(
        path=str(ONTOLOGY),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(AGG) + "ontology"),
    )
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), CURATED) for s, p, o in graph)
    return store


@pytest.mark.slow
def test_bundled_data_round_trips() -> None:
    kg = actorgraph.load()
    expected = data_graph(kg.store)
    back = actorgraph.from_networkx(kg.to_networkx())
    assert len(back) == len(expected)
    assert_isomorphic(expected, back)


def test_fixture_round_trips() -> None:
    store = fixture_store()
    assert_isomorphic(data_graph(store), from_networkx(to_networkx(store)))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["graphml", "gexf", "node-link"])
def test_round_trip_through_each_export(tmp_path: Path, fmt: str) -> None:
    kg = actorgraph.load()
    path = tmp_path / "graph"
    write_network(kg.to_networkx(), path, fmt)
    assert_isomorphic(data_graph(kg.store), from_networkx(read_network(path, fmt)))


def test_a_graph_edited_in_networkx_becomes_rdf() -> None:
    G = to_networkx(fixture_store())
    G.add_node("agd:new-group", types=["ag:ArmedGroup"], label="A new group", aliases=["ANG"])
    G.add_edge("agd:new-group", "agd:ttp", key="ag:alliedWith")
    G.nodes["agd:new-group"]["killed"] = 3
    back = from_networkx(G)
    new = AGD["new-group"]
    assert (new, RDF.type, AG.ArmedGroup) in back
    assert (new, RDFS.label, Literal("A new group", lang="en")) in back
    assert (new, SKOS.altLabel, Literal("ANG", lang="en")) in back
    assert (new, AG.alliedWith, AGD.ttp) in back
    assert (new, AG.killed, Literal("3", datatype=XSD.integer)) in back
    # …so it can be queried with SPARQL again.
    answer = back.query(
        "SELECT ?g WHERE { ?g <https://w3id.org/actorgraph/ontology#alliedWith> ?t }"
    )
    assert [str(row[0]) for row in answer] == [str(new)]


def test_the_actors_view_gives_back_the_event_triples_behind_folded_edges() -> None:
    back = from_networkx(to_networkx(fixture_store(), view="actors"))
    bajaur = AGD["bajaur-rally-bombing-2023"]
    assert (bajaur, AG.claimedBy, AGD.iskp) in back
    assert (bajaur, AG.target, AGD["jui-f"]) in back
    assert (AGST["0000000000000001"], PROV.wasDerivedFrom, AGS.seed) in back


# --- property-based --------------------------------------------------------------------------

CLASSES = [AG.ArmedGroup, AG.PoliticalParty, AG.State, AG.Place, AG.Person, AG.Attack, AG.Fatwa]
OBJECT_PROPERTIES = [AG.alliedWith, AG.claimedBy, AG.target, AG.place, AG.recruitsFrom, AG.opposes]
RANKS = [AG.PreferredRank, AG.NormalRank, AG.DeprecatedRank]

text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=12,
)
dates = st.one_of(
    st.integers(1990, 2030).map(lambda y: Literal(f"{y:04d}", datatype=XSD.gYear)),
    st.tuples(st.integers(1990, 2030), st.integers(1, 12)).map(
        lambda ym: Literal(f"{ym[0]:04d}-{ym[1]:02d}", datatype=XSD.gYearMonth)
    ),
    st.dates().map(lambda d: Literal(d.isoformat(), datatype=XSD.date, normalize=False)),
)
literal_values = st.one_of(
    st.tuples(st.just(AG.killed), st.integers(0, 10_000).map(Literal)),
    st.tuples(st.just(AG.date), dates),
    st.tuples(st.just(AG.ruling), text.map(lambda t: Literal(t, lang="en"))),
    st.tuples(st.just(AG.listName), text.map(Literal)),
    st.tuples(st.just(AG.provisional), st.booleans().map(Literal)),
    st.tuples(
        st.just(GEO.lat),
        st.decimals(-90, 90, places=3, allow_nan=False).map(
            lambda d: Literal(str(d), datatype=XSD.decimal, normalize=False)
        ),
    ),
    st.tuples(
        st.just(SKOS.altLabel),
        st.tuples(text, st.sampled_from(["en", "ur", "ps"])).map(
            lambda tl: Literal(tl[0], lang=tl[1])
        ),
    ),
)


@st.composite
def valid_graphs(draw: st.DrawFn) -> Graph:
    graph = Graph()
    n = draw(st.integers(1, 6))
    entities = [AGD[f"e{i}"] for i in range(n)]
    sources = [AGS[f"s{i}"] for i in range(draw(st.integers(1, 2)))]
    for source in sources:
        graph.add((source, RDF.type, AG.Source))
        graph.add((source, URIRef("http://purl.org/dc/terms/title"), Literal(draw(text))))
    for entity in entities:
        for cls in draw(st.sets(st.sampled_from(CLASSES), min_size=1, max_size=2)):
            graph.add((entity, RDF.type, cls))
        graph.add((entity, RDFS.label, Literal(draw(text), lang="en")))
        for prop, value in draw(st.lists(literal_values, max_size=4)):
            graph.add((entity, prop, value))
    triples = []
    for _ in range(draw(st.integers(0, 8))):
        s, o = draw(st.sampled_from(entities)), draw(st.sampled_from(entities))
        triples.append((s, draw(st.sampled_from(OBJECT_PROPERTIES)), o))
    literal_triples = [t for t in graph if t[1] in (AG.killed, AG.date, GEO.lat)]
    for s, p, o in triples + literal_triples:
        for source in draw(st.sets(st.sampled_from(sources), max_size=len(sources))):
            rank = draw(st.sampled_from(RANKS))
            digest = hashlib.sha256(f"{s}\n{p}\n{o}\n{source}".encode()).hexdigest()[:16]
            node = AGST[digest]
            graph.add((node, RDF.type, RDF.Statement))
            graph.add((node, RDF.subject, s))
            graph.add((node, RDF.predicate, p))
            graph.add((node, RDF.object, o))
            graph.add((node, PROV.wasDerivedFrom, source))
            graph.add((node, AG.claimText, Literal(draw(text), lang="en")))
            graph.add((node, AG.rank, rank))
            if draw(st.booleans()):
                start = draw(dates)
                graph.add((node, AG.startDate, start))
            if draw(st.booleans()):
                graph.add((node, AG.charStart, Literal(draw(st.integers(0, 5000)))))
                graph.add((node, AG.spanSha256, Literal(digest * 4)))
            if draw(st.booleans()):
                graph.add((node, SKOS.note, Literal(draw(text), lang="en")))
                graph.add((node, AG.lowerBound, Literal(True)))
            if rank != AG.DeprecatedRank:
                graph.add((s, p, o))  # the direct triple, by the best-rank rule's outcome
    for t in triples:  # some relations hold with no statement
        if draw(st.booleans()):
            graph.add(t)
    return graph


@pytest.mark.slow
@settings(
    deadline=None,
    derandomize=True,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(valid_graphs())
def test_generated_graphs_round_trip(graph: Graph) -> None:
    store = store_with(graph)
    # Oxigraph keeps numbers in canonical form ("0.000"^^xsd:decimal reads back as "0"): what must
    # come back is what the store holds.
    expected = data_graph(store)
    assert len(expected) == len(graph)
    assert_isomorphic(expected, from_networkx(to_networkx(store)))


@pytest.mark.slow
@settings(deadline=None, derandomize=True, max_examples=40)
@given(valid_graphs(), st.sampled_from(["graphml", "gexf", "node-link"]))
def test_generated_graphs_round_trip_through_exports(
    tmp_path_factory: pytest.TempPathFactory, graph: Graph, fmt: str
) -> None:
    store = store_with(graph)
    path = tmp_path_factory.mktemp("export") / "graph"
    write_network(to_networkx(store), path, fmt)
    H = read_network(path, fmt)
    assert isinstance(H, nx.MultiDiGraph)
    assert_isomorphic(data_graph(store), from_networkx(H))


def test_iris_and_datatypes_outside_the_known_namespaces_round_trip() -> None:
    graph = Graph()
    entity = AGD["odd"]
    graph.add((entity, RDF.type, URIRef("urn:example:Class")))
    graph.add((entity, RDFS.label, Literal("Odd", lang="en")))
    graph.add((entity, URIRef("urn:example:seeAlso"), URIRef("urn:isbn:0000000000")))
    graph.add((entity, URIRef("http://example.org/p"), Literal("x", datatype=URIRef("urn:dt"))))
    graph.add((entity, AG.killed, Literal("007", datatype=XSD.integer, normalize=False)))
    graph.add((entity, AG.killed, Literal("7", datatype=XSD.nonNegativeInteger)))
    store = store_with(graph)
    assert_isomorphic(data_graph(store), from_networkx(to_networkx(store)))


class _Ordered:
    """A knowledge graph that answers the projection's data query with triples in a given order.

    The projection reads a store's quads in the store's order; through ``query`` (any object
    with rdflib's query method) the order is the caller's, so the rare paths that depend on it
    can be reached on purpose.
    """

    def __init__(self, triples: list[tuple[URIRef, URIRef, URIRef | Literal]]) -> None:
        self.triples = triples

    def query(self, text: str) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
        return self.triples if "DISTINCT" in text else []  # no ontology


def _ordered_round_trip(triples: list[tuple[URIRef, URIRef, URIRef | Literal]]) -> nx.MultiDiGraph:
    G = to_networkx(_Ordered(triples))
    expected = Graph()
    for triple in triples:
        expected.add(triple)
    assert_isomorphic(expected, from_networkx(G))
    return G


def test_a_property_whose_first_value_is_not_of_its_usual_datatype_round_trips() -> None:
    count = URIRef("http://example.org/count")
    a, b, c = AGD.a, AGD.b, AGD.c
    G = _ordered_round_trip(
        [
            (a, count, Literal("many")),  # read first, the odd one out
            (b, count, Literal("1", datatype=XSD.integer)),
            (c, count, Literal("2", datatype=XSD.integer)),
        ]
    )
    assert G.graph["properties"]["http://example.org/count"]["literal"] == "xsd:integer"
    assert G.graph["literals"] == [["agd:a", "count", 0, "many", "many", "xsd:string"]]
    assert (G.nodes["agd:b"]["count"], G.nodes["agd:c"]["count"]) == (1, 2)


def test_a_statement_field_first_read_as_an_iri_round_trips() -> None:
    a, b, basis = AGD.a, AGD.b, URIRef("http://example.org/basis")
    triples: list[tuple[URIRef, URIRef, URIRef | Literal]] = [(a, AG.alliedWith, b)]
    values = [URIRef("http://example.org/doc"), Literal("a talk"), Literal("a letter")]
    for n, value in enumerate(values):
        statement = AGST[f"000000000000000{n}"]
        triples += [
            (statement, RDF.type, RDF.Statement),
            (statement, RDF.subject, a),
            (statement, RDF.predicate, AG.alliedWith),
            (statement, RDF.object, b),
            (statement, basis, value),
        ]
    G = _ordered_round_trip(triples)
    # Most values here are text, so the IRI read first is the one recorded as an exception.
    assert G.graph["properties"]["http://example.org/basis"]["literal"] == "xsd:string"
    assert G.graph["literals"] == [
        [
            "agst:0000000000000000",
            "http://example.org/basis",
            0,
            "http://example.org/doc",
            "http://example.org/doc",
            "iri",
        ]
    ]
    edge = G["agd:a"]["agd:b"]["ag:alliedWith"]
    assert [st["http://example.org/basis"] for st in edge["statements"]] == [
        "http://example.org/doc",
        "a talk",
        "a letter",
    ]


def test_attribute_names_that_collide_in_reading_order_are_settled_by_the_whole_set() -> None:
    a = AGD.a
    G = _ordered_round_trip(
        [
            (a, URIRef("http://example.org/killed"), Literal("3", datatype=XSD.integer)),
            (a, AG.killed, Literal("4", datatype=XSD.integer)),  # ag: first, whatever the order
        ]
    )
    assert (G.nodes["agd:a"]["killed"], G.nodes["agd:a"]["x_killed"]) == (4, 3)
    assert G.graph["properties"]["ag:killed"]["attribute"] == "killed"
