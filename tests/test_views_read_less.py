"""The actors view reads only what it needs from a local store, and gives the same graph as folding
the whole projection (the way it was built before): nodes, edges, their order, every attribute,
and the graph's own attributes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph.importers import import_file
from actorgraph.network import _view_reading
from actorgraph.network._to_networkx import build_view, to_networkx
from actorgraph.network._view_reading import read_actors_view

FIXTURES = Path(__file__).parent / "fixtures"

try:
    from _stores import fixture_store
except ImportError:  # tests/ imported as a package
    from tests._stores import fixture_store

# An imported graph with what a partial reading could get wrong: an actor known only as a blank
# node, an IRI outside the node namespaces that is a subject (an edge) beside one that is not (an
# attribute), an actor in two graphs, values whose datatype or language is not their property's
# usual one, events that tie two actors, one that ties none, and a statement about a role.
IMPORTED = """
@prefix ag: <https://w3id.org/actorgraph/ontology#> .
@prefix agd: <https://w3id.org/actorgraph/data/> .
@prefix ags: <https://w3id.org/actorgraph/source/> .
@prefix agst: <https://w3id.org/actorgraph/statement/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .

<https://w3id.org/actorgraph/graph/import/test/0123456789abcdef> {
  ags:dataset a ag:Source ; dcterms:title "A dataset" .
  agd:ttp skos:altLabel "TTP"@en, "Tehreek-e-Taliban"@en ; ag:killed 12 .
  agd:group-7 a ag:ArmedGroup ; rdfs:label "Group 7" ; ag:provisional true ;
      ag:modeledOn <https://example.org/model> ; schema:url <https://example.org/group-7> .
  <https://example.org/model> rdfs:label "A model elsewhere" .
  _:nameless a ag:ArmedGroup ; rdfs:label "A nameless group"@ur .
  agd:ev-1 a ag:Attack ; rdfs:label "Event 1" ; ag:date "2019-05-03"^^xsd:date ;
      ag:earliestDate "2019-05-03"^^xsd:date ; ag:latestDate "2019-05-03"^^xsd:date ;
      ag:participant agd:ttp, agd:group-7 ; ag:killed 4 ; prov:wasDerivedFrom ags:dataset ;
      ag:place agd:town .
  agd:town a ag:Place ; rdfs:label "A town" ; geo:lat 34.5 ; geo:long 71.25 .
  agd:ev-2 a ag:Attack ; rdfs:label "Event 2" ; ag:date "2020"^^xsd:gYear ;
      ag:earliestDate "2020-01-01"^^xsd:date ; ag:latestDate "2020-12-31"^^xsd:date ;
      ag:claimedBy _:nameless ; ag:target agd:jui-f ; ag:killed 2 .
  agd:ev-3 a ag:Attack ; rdfs:label "Event 3" ; ag:date "2021-02"^^xsd:gYearMonth ;
      ag:claimedBy agd:group-7 ; ag:target agd:police .
  agd:police a ag:TargetCategory ; rdfs:label "Police" .
  agd:ev-4 a ag:Attack ; rdfs:label "Event 4" ; ag:claimedBy agd:group-7 ; ag:target _:nameless .
  agst:import-1 a rdf:Statement ; rdf:subject agd:ev-1 ; rdf:predicate ag:participant ;
      rdf:object agd:group-7 ; prov:wasDerivedFrom ags:dataset ; ag:uncertain true ;
      ag:claimText "Row 1 names Group 7 as uncertain." .
  agst:import-2 a rdf:Statement ; rdf:subject agd:group-7 ; rdf:predicate ag:foundingDate ;
      rdf:object "2011"^^xsd:gYear ; prov:wasDerivedFrom ags:dataset .
}
"""


def _old_actors_view(kg: Any, **filters: Any) -> nx.MultiDiGraph:
    """The actors view as it was built before: the whole graph projected, then folded."""
    options: dict[str, Any] = {
        "as_of": None,
        "between": None,
        "types": None,
        "relations": None,
        "focus": None,
        "hops": 1,
    }
    return build_view(kg, "actors", None, **{**options, **filters})


def assert_same_graph(old: nx.MultiDiGraph, new: nx.MultiDiGraph) -> None:
    assert list(new.nodes(data=True)) == list(old.nodes(data=True))
    assert list(new.edges(keys=True, data=True)) == list(old.edges(keys=True, data=True))
    assert {v: dict(new.pred[v]) for v in new} == {v: dict(old.pred[v]) for v in old}
    assert new.graph == old.graph


def _store_with_import() -> ox.Store:
    store = fixture_store()
    store.load(IMPORTED.encode(), format=ox.RdfFormat.TRIG)
    return store


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="whole"),
        pytest.param({"as_of": "2020"}, id="as-of"),
        pytest.param({"types": ["ag:ArmedGroup"]}, id="types"),
        pytest.param({"focus": "agd:ttp", "hops": 1}, id="focus"),
    ],
)
def test_the_actors_view_of_an_imported_graph_is_the_folded_projection(
    filters: dict[str, Any],
) -> None:
    store = _store_with_import()
    new = to_networkx(store, view="actors", **filters)
    assert_same_graph(_old_actors_view(store, **filters), new)
    # What the partial reading had to get right is there.
    if not filters:
        blank = next(n for n in new if n.startswith("_:"))
        assert new.has_edge(blank, "agd:jui-f", "^ag:claimedBy/ag:target")
        assert new.has_edge("agd:group-7", blank, "^ag:claimedBy/ag:target")
    assert new.nodes["agd:group-7"]["url"] == "https://example.org/group-7"
    assert "agd:ev-3" not in new.graph["events"]
    if not filters:
        assert new.graph["events"]["agd:ev-1"]["lat"] == 34.5  # its place's


def test_an_iri_that_is_a_subject_elsewhere_stays_an_edge_in_the_actors_view() -> None:
    store = _store_with_import()
    G = to_networkx(store)
    assert G.has_edge("agd:group-7", "https://example.org/model", "ag:modeledOn")
    assert "modeledOn" not in to_networkx(store, view="actors").nodes["agd:group-7"]


def test_the_actors_view_describes_the_properties_and_values_it_holds() -> None:
    store = _store_with_import()
    A = to_networkx(store, view="actors")
    full = to_networkx(store).graph["properties"]
    assert "schema:containedInPlace" in full
    assert "schema:containedInPlace" not in A.graph["properties"]  # only between places
    assert A.graph["properties"]["ag:participant"]["label"]
    literals = {(owner, key) for owner, key, *_ in A.graph["literals"]}
    assert ("agd:group-7", "label") in literals  # a plain string where most labels are @en
    assert all(owner in A or owner.startswith("agst:") for owner, *_ in A.graph["literals"])


# Imported events that the actors view reads as rows (one per event: its fields and roles),
# beside events a row cannot stand for (read whole): two labels, triples in another graph, an
# event in two imports. What a row must get right: a statement about a paired role (with dates
# the time filters read), an event placed by its place, coordinates of unusual datatypes, a
# label with escapes, a numeric source record, an unpaired role's statement (not read).
_PREFIXES = IMPORTED.split("\n<https", maxsplit=1)[0]
ROWS = (
    _PREFIXES
    + """
<https://w3id.org/actorgraph/graph/import/rows/0000000000000001> {
  agd:group-8 a ag:ArmedGroup ; rdfs:label "Group 8"@en .
  agd:row-a a ag:Attack ; rdfs:label "Row A"@en ; ag:date "2019-05-03"^^xsd:date ;
      ag:earliestDate "2019-05-03"^^xsd:date ; ag:latestDate "2019-05-03"^^xsd:date ;
      ag:participant agd:ttp, agd:group-8 ; geo:lat 33.5 ; geo:long 70.25 ; ag:killed 3 ;
      ag:sourceRecord "A-1" .
  agst:row-a-1 a rdf:Statement ; rdf:subject agd:row-a ; rdf:predicate ag:participant ;
      rdf:object agd:group-8 ; prov:wasDerivedFrom ags:dataset ; ag:startDate "2019-05"^^xsd:gYearMonth ;
      ag:claimText "Row A names Group 8." .
  agst:row-a-2 a rdf:Statement ; rdf:subject agd:row-a ; rdf:predicate ag:killed ;
      rdf:object 3 ; prov:wasDerivedFrom ags:dataset .
  agd:row-b a ag:Assassination ; rdfs:label "Row \\"B\\"\\twith a tab"@en ; ag:date "2021"^^xsd:gYear ;
      ag:earliestDate "2021-01-01"^^xsd:date ; ag:latestDate "2021-12-31"^^xsd:date ;
      ag:claimedBy agd:group-8 ; ag:attributedTo agd:ttp ; ag:target agd:jui-f ;
      ag:place agd:row-town ; ag:sourceRecord 42 .
  agst:row-b-1 a rdf:Statement ; rdf:subject agd:row-b ; rdf:predicate ag:attributedTo ;
      rdf:object agd:ttp ; prov:wasDerivedFrom ags:dataset ; ag:uncertain true .
  agd:row-town a ag:Place ; rdfs:label "Row town" ; geo:lat 31.5 ; geo:long 72.0 .
  agd:row-c a ag:Attack ; rdfs:label "Row C"@en, "Row C again"@en ;
      ag:participant agd:ttp, agd:group-8 .
  agd:row-d a ag:Attack ; rdfs:label "Row D"@en ; ag:participant agd:ttp, agd:group-8 .
  agd:row-e a ag:Attack ; rdfs:label "Row E"@en ; ag:participant agd:ttp, agd:group-8 .
  agd:row-f a ag:Attack ; rdfs:label "Row F"@en ; ag:participant agd:ttp, agd:group-8 ;
      geo:lat "north"^^xsd:string ; geo:long 70.5 ; ag:place agd:row-town ; ag:date "2018"^^xsd:gYear .
  agd:row-g a ag:Attack ; ag:participant agd:ttp, agd:group-8, agd:jui-f ;
      geo:lat "3.4E1"^^xsd:double ; geo:long "7.05E1"^^xsd:double ; skos:altLabel "G"@en .
}
<https://w3id.org/actorgraph/graph/import/rows/0000000000000002> {
  agd:row-e ag:killed 9 .
}
<https://w3id.org/actorgraph/graph/user/notes> {
  agd:row-d skos:note "Also in a user's file." .
}
"""
)


def _store_with_rows() -> ox.Store:
    store = fixture_store()
    store.load(ROWS.encode(), format=ox.RdfFormat.TRIG)
    return store


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="whole"),
        pytest.param({"as_of": "2020"}, id="as-of"),
        pytest.param({"between": ("2019-05-01", "2019-05-31")}, id="between"),
        pytest.param({"relations": ["ag:target"]}, id="relations"),
    ],
)
def test_imported_events_read_as_rows_give_the_folded_projection(filters: dict[str, Any]) -> None:
    store = _store_with_rows()
    reading = read_actors_view(store)
    assert reading is not None
    rows = {row.key.rsplit("/", 1)[1] for row in reading.events}
    assert {"row-a", "row-b", "row-f", "row-g"} <= rows  # read as rows
    assert not rows & {"row-c", "row-d", "row-e"}  # two labels, another graph, two imports
    new = to_networkx(store, view="actors", **filters)
    assert_same_graph(_old_actors_view(store, **filters), new)
    if not filters:
        events = new.graph["events"]
        assert events["agd:row-b"]["lat"] == 31.5  # its place's
        assert events["agd:row-b"]["label"] == 'Row "B"\twith a tab'
        assert events["agd:row-b"]["sourceRecord"] == 42
        assert events["agd:row-g"]["aliases"] == ["G"]
        tie = new.edges["agd:group-8", "agd:ttp", "^ag:participant/ag:participant"]
        assert "agst:row-a-1" in {st["id"] for st in tie["statements"]}


def test_events_read_a_few_per_query_give_the_same_rows_and_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = _store_with_rows()
    whole = read_actors_view(store)
    monkeypatch.setattr(_view_reading, "EVENTS_PER_QUERY", 2)
    parted = read_actors_view(store)
    assert whole is not None and parted is not None
    assert len(whole.events) > 2  # more than one query
    assert sorted(parted.events) == sorted(whole.events)
    assert_same_graph(_old_actors_view(store), to_networkx(store, view="actors"))
    # The queries run two at a time; their answers are read in the order they were asked.
    monkeypatch.setattr(_view_reading, "QUERIES_AHEAD", 0)
    one_by_one = read_actors_view(store)
    assert one_by_one is not None and one_by_one.events == parted.events


@pytest.mark.slow
def test_the_actors_view_of_the_bundled_data_is_the_folded_projection() -> None:
    kg = actorgraph.load()
    assert_same_graph(_old_actors_view(kg), kg.to_networkx(view="actors"))
    assert_same_graph(_old_actors_view(kg, as_of="2015"), kg.to_networkx("actors", as_of="2015"))


_UCDP = (
    "id,type_of_violence,side_a,side_b,date_start,date_end,best,low,high,latitude,longitude\n"
    "9001,1,Government of Pakistan,TTP,2014-06-15,2014-06-15,12,10,14,33.0,70.1\n"
    "9002,2,TTP,IS,2016-03-01,2016-03-02,3,3,4,34.1,71.2\n"
    "9003,2,Lashkar-e-Islam,TTP,2012-01-10,2012-01-10,5,5,5,34.0,71.0\n"
    "9004,3,TTP,Civilians,2013-09-22,2013-09-22,81,81,81,34.0,71.6\n"
    "9005,2,A Group Nobody Knows,TTP,2018-11-30,2018-11-30,1,1,2,32.9,70.5\n"
)


@pytest.mark.slow
@pytest.mark.parametrize("dataset", ["gtd", "ucdp"])
def test_the_actors_view_of_an_imported_store_is_the_folded_projection(
    bundled_store: Path, tmp_path: Path, dataset: str
) -> None:
    if dataset == "gtd":
        path = FIXTURES / "gtd_sample.csv"
    else:
        path = tmp_path / "ged.csv"
        path.write_text(_UCDP, encoding="utf-8")
    with actorgraph.load(store=bundled_store) as kg:
        import_file(kg, dataset, path)
        old, new = _old_actors_view(kg), kg.to_networkx(view="actors")
        assert new.graph["events"]  # the import folded into ties
        assert_same_graph(old, new)
