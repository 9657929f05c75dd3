"""Families of armed groups: derived in the projection from the sourced ties and the ontology's rules.

Checked on the bundled data through the public API (node attributes of ``to_networkx``), on small
graphs of our own (``from_networkx`` then ``load(data=...)`` is not needed: the rules read the
ontology, the members the graph) and against the SHACL shapes.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from pyshacl import validate
from rdflib import Graph

import actorgraph

ONTOLOGY_DIR = Path(__file__).parents[1] / "ontology"


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.fixture(scope="module")
def full(kg: actorgraph.KnowledgeGraph) -> nx.MultiDiGraph:
    return kg.to_networkx()


def _members(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for node, family in G.nodes(data="family"):
        if family is not None:
            out[family].add(node)
    return out


@pytest.mark.slow
def test_the_ttps_factions_share_its_family(full: nx.MultiDiGraph) -> None:
    ttp = full.nodes["agd:ttp"]["family"]
    assert ttp == "ag:TTPFamily"
    for faction in ("agd:jamaat-ul-ahrar", "agd:hizb-ul-ahrar", "agd:ttp-sajna-group"):
        assert full.nodes[faction]["family"] == ttp, faction


def test_a_faction_is_explained_by_its_sourced_ties_to_the_root(full: nx.MultiDiGraph) -> None:
    data = full.nodes["agd:hizb-ul-ahrar"]
    assert data["family_rule"] == "root"
    ties = data["family_ties"]
    # A chain of splinter/merger ties from the group to the TTP, each as the graph has it.
    assert ties[0]["subject"] == "agd:hizb-ul-ahrar"
    assert ties[-1]["object"] == "agd:ttp"
    for tie in ties:
        assert tie["property"] in ("ag:splinterOf", "ag:mergedInto")
        edge = full.edges[tie["subject"], tie["object"], tie["property"]]
        assert tie["sources"] == edge["sources"] and tie["sources"]


@pytest.mark.parametrize(
    ("group", "family", "rule", "claim"),
    [
        pytest.param("agd:bla", "ag:BalochFamily", "ideology", "ag:adheresTo", id="baloch"),
        pytest.param(
            "agd:lashkar-e-taiba", "ag:KashmirFamily", "place", "ag:activeIn", id="kashmir"
        ),
        pytest.param("agd:aqis", "ag:TransnationalFamily", "ideology", "ag:adheresTo", id="aqis"),
        pytest.param("agd:sipah-e-sahaba", "ag:SectarianFamily", "opposes", "ag:opposes", id="ssp"),
    ],
)
def test_a_group_without_splinter_ties_gets_its_family_from_a_sourced_claim(
    full: nx.MultiDiGraph, group: str, family: str, rule: str, claim: str
) -> None:
    data = full.nodes[group]
    assert (data["family"], data["family_rule"]) == (family, rule)
    first = data["family_ties"][0]
    assert (first["subject"], first["property"]) == (group, claim)
    assert full.has_edge(group, first["object"], claim)
    assert first["sources"]


def test_an_earlier_family_wins_over_a_later_one(full: nx.MultiDiGraph) -> None:
    """Lashkar-e-Taiba adheres to Salafism (the transnational rule) but is active in Kashmir (tried first)."""
    assert full.has_edge("agd:lashkar-e-taiba", "agd:salafism", "ag:adheresTo")
    assert full.nodes["agd:lashkar-e-taiba"]["family"] == "ag:KashmirFamily"


def test_a_splinter_that_meets_no_rule_inherits_its_parents_family(full: nx.MultiDiGraph) -> None:
    data = full.nodes["agd:lej-al-alami"]
    assert data["family_rule"] == "inherited"
    assert data["family"] == full.nodes["agd:lashkar-e-jhangvi"]["family"]
    assert [t["object"] for t in data["family_ties"]] == ["agd:lashkar-e-jhangvi"]


def test_groups_tied_only_to_each_other_form_a_lineage_named_for_its_root(
    full: nx.MultiDiGraph,
) -> None:
    family = full.nodes["agd:high-council-islamic-emirate"]["family"]
    assert family == "lineage:agd:afghan-taliban"
    assert full.nodes["agd:afghan-taliban"]["family"] == family
    assert full.graph["families"][family]["label"] == "Afghan Taliban lineage"


def test_a_group_with_no_tie_and_no_matching_claim_has_no_family(full: nx.MultiDiGraph) -> None:
    """No family unless a rule gives one: the attributes are absent, never None."""
    etim = "agd:etim"
    keys = {k for _, _, k in full.out_edges(etim, keys=True)}
    keys |= {k for _, _, k in full.in_edges(etim, keys=True)}
    assert not keys & {"ag:splinterOf", "ag:mergedInto", "ag:adheresTo", "ag:opposes"}
    assert not {"family", "family_rule", "family_ties"} & set(full.nodes[etim])


def test_only_armed_groups_have_families(full: nx.MultiDiGraph) -> None:
    for node, data in full.nodes(data=True):
        if "family" in data:
            assert "ag:ArmedGroup" in data["types"], node


def test_the_five_families_of_the_issue_are_found(full: nx.MultiDiGraph) -> None:
    families = full.graph["families"]
    for name in (
        "ag:TTPFamily",
        "ag:BalochFamily",
        "ag:SectarianFamily",
        "ag:KashmirFamily",
        "ag:TransnationalFamily",
    ):
        assert families[name]["size"] >= 2, name
        assert families[name]["label"]
    members = _members(full)
    assert {fid: len(m) for fid, m in members.items()} == {
        fid: d["size"] for fid, d in families.items()
    }


@pytest.mark.slow
def test_families_are_deterministic_and_ignore_filters(kg: actorgraph.KnowledgeGraph) -> None:
    whole = kg.to_networkx(view="actors")
    again = kg.to_networkx(view="actors")
    early = kg.to_networkx(view="actors", as_of="2010")
    assert _members(whole) == _members(again)
    assert whole.graph["families"] == again.graph["families"]
    for node, family in early.nodes(data="family"):
        assert family == whole.nodes[node].get("family"), node
    # Sizes count the members shown.
    for fid, d in early.graph["families"].items():
        assert d["size"] == len(_members(early)[fid])


def test_the_family_rules_name_entities_of_the_right_class(kg: actorgraph.KnowledgeGraph) -> None:
    rows = kg.query(
        """SELECT ?family ?rule ?object WHERE {
             ?family a ag:Family ; ?rule ?object .
             FILTER(?rule IN (ag:familyRoot, ag:familyIdeology, ag:familyPlace, ag:familyOpposes))
             FILTER NOT EXISTS {
               VALUES (?r ?class) { (ag:familyRoot ag:ArmedGroup) (ag:familyIdeology ag:Ideology)
                                    (ag:familyPlace ag:Place) (ag:familyOpposes ag:Ideology)
                                    (ag:familyOpposes ag:ArmedGroup) (ag:familyOpposes ag:State) }
               FILTER(?r = ?rule) ?object a ?class } }"""
    )
    assert not list(rows)


@pytest.mark.slow
def test_the_ontologys_families_meet_their_shape() -> None:
    ontology = Graph().parse(ONTOLOGY_DIR / "actorgraph.ttl", format="turtle")
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    conforms, _, text = validate(Graph(), shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param('rdfs:label "x"@en ; ag:familyOrder 1', "at least one rule", id="no-rule"),
        pytest.param(
            'rdfs:label "x"@en ; ag:familyRoot agd:a', "exactly one ag:familyOrder", id="no-order"
        ),
        pytest.param(
            'rdfs:label "x"@en ; ag:familyOrder 1 ; ag:familyIdeology "Salafism"',
            "by its IRI",
            id="rule-names-a-literal",
        ),
    ],
)
def test_a_badly_defined_family_is_caught(body: str, fragment: str) -> None:
    ontology = Graph().parse(ONTOLOGY_DIR / "actorgraph.ttl", format="turtle")
    shapes = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    data = Graph().parse(
        data="@prefix ag: <https://w3id.org/actorgraph/ontology#> .\n"
        "@prefix agd: <https://w3id.org/actorgraph/data/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f"agd:f a ag:Family ; {body} .\n",
        format="turtle",
    )
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert not conforms
    assert fragment in str(text), text


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["graphml", "gexf", "node_link"])
def test_families_survive_the_network_formats_and_are_no_triples(
    kg: actorgraph.KnowledgeGraph, tmp_path: Path, kind: str
) -> None:
    G = kg.to_networkx(view="actors")
    path = tmp_path / f"actors.{kind}"
    getattr(actorgraph, f"write_{kind}")(G, path)
    back = getattr(actorgraph, f"read_{kind}")(path)
    for node in ("agd:ttp", "agd:hizb-ul-ahrar", "agd:bla"):
        for name in ("family", "family_rule", "family_ties"):
            assert back.nodes[node][name] == G.nodes[node][name], (node, name)
    assert back.graph["families"] == G.graph["families"]
    triples: Any = actorgraph.from_networkx(back)
    assert not [t for t in triples if "family" in str(t[1]).lower()]


@pytest.mark.slow
def test_the_page_data_carries_the_families_and_their_explanations(
    full: nx.MultiDiGraph,
) -> None:
    import json
    import re

    from actorgraph import render_html

    keep = [n for n, f in full.nodes(data="family") if f in ("ag:TTPFamily", "ag:BalochFamily")]
    G = full.subgraph([*keep, "agd:etim"]).copy()
    page = render_html(G)
    meta = json.loads(
        re.search(r'<script type="application/json" id="meta-data">(.*?)</script>', page, re.S)[1]
    )
    families = {f["id"]: f for f in meta["families"]}
    assert list(families) == ["ag:TTPFamily", "ag:BalochFamily"]  # the families' order
    ids = [d["id"] for d in meta["details"]]
    ttp = families["ag:TTPFamily"]
    assert sorted(ids[i] for i in ttp["members"]) == sorted(
        n for n in keep if full.nodes[n]["family"] == "ag:TTPFamily"
    )
    assert ttp["label"] == "the TTP and its factions" and ttp["color"].startswith("#")
    assert ttp["color"] != families["ag:BalochFamily"]["color"]
    jua = meta["details"][ids.index("agd:jamaat-ul-ahrar")]
    assert jua["family"]["id"] == "ag:TTPFamily" and jua["family"]["rule"] == "root"
    tie = jua["family"]["ties"][0]
    assert tie["label"] in ("splinter of", "merged into") and tie["sources"]
    # Shown as the family's explanation, not again among the attributes.
    assert not [a for a in jua.get("attrs", []) if a[0].startswith("family")]
    assert "family" not in meta["details"][ids.index("agd:etim")]
