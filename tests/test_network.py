"""The NetworkX projection: conventions of docs/design.md, the actors view, filters, analytics, CLI."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph._errors import UnknownNameError, UsageError
from actorgraph.cli import main
from actorgraph.network._analytics import (
    centrality,
    communities,
    ego_network,
    format_path,
    shortest_path_claims,
    timeline,
)
from actorgraph.network._to_networkx import to_networkx
from test_push import bundled_endpoint  # the push tests' oxigraph server process

try:
    from _stores import fixture_store
except ImportError:  # tests/ imported as a package
    from tests._stores import fixture_store

BAJAUR = "agd:bajaur-rally-bombing-2023"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return fixture_store()


@pytest.fixture(scope="module")
def G(store: ox.Store) -> nx.MultiDiGraph:
    return to_networkx(store)


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def assert_no_none(G: nx.MultiDiGraph) -> None:
    def walk(value: object) -> None:
        assert value is not None
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for _, data in G.nodes(data=True):
        walk(data)
    for *_, data in G.edges(keys=True, data=True):
        walk(data)
    walk(G.graph)


# --- nodes -----------------------------------------------------------------------------------


def test_nodes_are_entities_keyed_by_curie_with_label_type_types_aliases(
    G: nx.MultiDiGraph,
) -> None:
    ttp = G.nodes["agd:ttp"]
    assert ttp["label"] == "Tehrik-i-Taliban Pakistan"
    assert ttp["type"] == "ag:ArmedGroup"
    assert ttp["types"] == ["ag:ArmedGroup"]
    assert sorted(ttp["aliases"]) == sorted(["TTP", "Pakistani Taliban", "تحریک طالبان پاکستان"])
    assert "ttp" in ttp["search"]
    assert not any(node.startswith("agst:") for node in G)  # statements are no nodes
    assert "ags:seed" in G and G.nodes["ags:seed"]["types"] == ["ag:Source"]


def test_type_is_the_most_specific_class_preferring_ours(G: nx.MultiDiGraph) -> None:
    pakistan = G.nodes["agd:pakistan"]
    assert sorted(pakistan["types"]) == ["ag:Place", "ag:State"]
    assert pakistan["type"] == "ag:State"  # State is deeper (Actor > Organization > State)


def test_literals_are_attributes_with_dates_at_their_precision(G: nx.MultiDiGraph) -> None:
    attack = G.nodes[BAJAUR]
    assert attack["killed"] == 63
    assert attack["date"] == "2023-07-30"
    assert (attack["earliest"], attack["latest"]) == ("2023-07-30", "2023-07-30")
    assert G.nodes["agd:attack-2014"]["date"] == "2014"
    assert G.nodes["agd:ttp"]["foundingDate"] == "2007"
    assert G.nodes["agd:bajaur"]["lat"] == pytest.approx(34.7)
    # Literals never become nodes (rdflib's bridge makes "63" a node).
    assert "63" not in G and 63 not in G


def test_statements_about_literals_and_non_direct_triples_sit_on_the_subject(
    G: nx.MultiDiGraph,
) -> None:
    statements = {st["id"]: st for st in G.nodes[BAJAUR]["statements"]}
    toll = statements["agst:0000000000000004"]
    assert (toll["property"], toll["value"], toll["rank"]) == ("ag:killed", 63, "ag:PreferredRank")
    interim = statements["agst:0000000000000005"]
    assert interim["value"] == 54 and interim["lower_bound"] is True
    assert interim["note"] == "An interim toll."
    assert interim["rank"] == "ag:DeprecatedRank"
    # A deprecated attribution has no direct triple, hence no edge: its statement is on the node.
    (old,) = G.nodes["agd:attack-2014"]["statements"]
    assert (old["property"], old["object"]) == ("ag:attributedTo", "agd:iskp")
    assert not G.has_edge("agd:attack-2014", "agd:iskp")


def test_graph_describes_sources_and_properties(G: nx.MultiDiGraph) -> None:
    assert G.graph["sources"]["ags:wire"] == {
        "title": "A wire report",
        "creator": "A wire",
        "publisher": "A paper",
        "date": "2023-07-31",
        "url": "https://example.org/wire/2023/07/31",
    }
    assert G.graph["sources"]["ags:seed"]["date"] == "2025"
    assert G.graph["properties"]["ag:claimedBy"]["label"] == "claimed by"
    assert G.graph["properties"]["ag:killed"]["attribute"] == "killed"
    # The one alias whose language is not the usual one is recorded for the way back.
    assert [[e[0], e[1], e[3], e[5]] for e in G.graph["literals"]] == [
        ["agd:ttp", "aliases", "تحریک طالبان پاکستان", "@ur"]
    ]
    assert_no_none(G)


# --- edges -----------------------------------------------------------------------------------


def test_one_edge_per_direct_triple_keyed_by_property_with_statements(G: nx.MultiDiGraph) -> None:
    data = G.get_edge_data(BAJAUR, "agd:iskp", key="ag:claimedBy")
    assert data["label"] == "claimed by"
    assert data["sources"] == ["ags:seed", "ags:wire"]
    by_id = {st["id"]: st for st in data["statements"]}
    seed = by_id["agst:0000000000000001"]
    assert seed["source"] == "ags:seed"
    assert seed["claim"] == "The article says ISIS-K later claimed the rally attack."
    assert seed["rank"] == "ag:PreferredRank"
    assert (seed["char_start"], seed["char_end"]) == (2074, 2109)
    assert len(seed["span_sha256"]) == 64
    assert by_id["agst:0000000000000002"]["source_fact"] == "wire#1"
    assert list(G[BAJAUR]["agd:iskp"]) == ["ag:claimedBy"]


def test_edge_start_comes_from_its_statements(G: nx.MultiDiGraph) -> None:
    data = G.get_edge_data("agd:iskp", "agd:ttp", key="ag:recruitsFrom")
    assert data["start"] == "2015"
    assert "end" not in data  # nothing is None: an absent value is an absent key


@pytest.mark.slow
def test_the_bundled_data_projects_with_the_seed_claim(kg: actorgraph.KnowledgeGraph) -> None:
    G = kg.to_networkx()
    data = G.get_edge_data(BAJAUR, "agd:iskp", key="ag:claimedBy")
    assert "ags:ipd-terrorism-resurging-in-pakistan" in data["sources"]
    assert G.nodes["agd:iskp"]["type"] == "ag:ArmedGroup"
    assert_no_none(G)


# --- the actors view -------------------------------------------------------------------------


def test_actors_view_folds_events_into_actor_edges(store: ox.Store) -> None:
    A = to_networkx(store, view="actors")
    assert set(A) == {"agd:ttp", "agd:iskp", "agd:jui-f", "agd:pakistan"}
    data = A.get_edge_data("agd:iskp", "agd:jui-f", key="^ag:claimedBy/ag:target")
    assert data["label"] == "claimed an attack on"
    assert data["events"] == [BAJAUR]
    assert data["sources"] == ["ags:seed", "ags:wire"]
    assert {st["property"] for st in data["statements"]} == {"ag:claimedBy", "ag:target"}
    assert (data["start"], data["end"]) == ("2023-07-30", "2023-07-30")
    assert A.has_edge("agd:iskp", "agd:ttp", "ag:recruitsFrom")  # direct ties stay
    assert A.has_edge("agd:ttp", "agd:pakistan", "^ag:attributedTo/ag:target")
    assert A.graph["view"] == "actors"


@pytest.mark.slow
def test_actors_view_of_the_bundled_data_has_iskp_to_jui_f_through_bajaur(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    A = kg.to_networkx(view="actors")
    data = A.get_edge_data("agd:iskp", "agd:jui-f", key="^ag:claimedBy/ag:target")
    assert BAJAUR in data["events"]
    assert data["sources"]


# --- filters ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "present"),
    [
        pytest.param("2013", False, id="before"),
        pytest.param("2014-06-01", True, id="a year-only date counts from its first day"),
        pytest.param("2014", True, id="a year means the end of that year"),
    ],
)
def test_as_of_uses_earliest_and_latest(store: ox.Store, as_of: str, present: bool) -> None:
    G = to_networkx(store, as_of=as_of)
    assert ("agd:attack-2014" in G) is present
    assert "agd:ttp" in G  # undated entities stay
    assert BAJAUR not in G  # 2023 had not happened


def test_as_of_drops_relations_that_had_not_started(store: ox.Store) -> None:
    assert not to_networkx(store, as_of="2014").has_edge("agd:iskp", "agd:ttp", "ag:recruitsFrom")
    assert to_networkx(store, as_of="2016").has_edge("agd:iskp", "agd:ttp", "ag:recruitsFrom")


def test_between_keeps_what_overlaps(store: ox.Store) -> None:
    G = to_networkx(store, between=("2023-07", "2023-07"))
    assert BAJAUR in G and "agd:attack-2014" not in G
    assert "agd:jui-f" in G  # undated entities stay


def test_types_relations_and_focus(store: ox.Store) -> None:
    actors = to_networkx(store, types=["ag:Actor"])
    assert set(actors) == {"agd:ttp", "agd:iskp", "agd:jui-f", "agd:pakistan"}
    groups = to_networkx(store, types="ArmedGroup")
    assert set(groups) == {"agd:ttp", "agd:iskp"}
    claimed = to_networkx(store, relations=["ag:claimedBy"])
    assert {k for *_, k in claimed.edges(keys=True)} == {"ag:claimedBy"}
    near = to_networkx(store, focus="ISIS-K", hops=1)
    assert set(near) == {"agd:iskp", "agd:ttp", BAJAUR}
    assert near.graph["filters"] == {"focus": "ISIS-K", "hops": 1}


@pytest.mark.slow
def test_focus_on_the_bundled_data_goes_through_resolve(kg: actorgraph.KnowledgeGraph) -> None:
    G = kg.to_networkx(view="actors", focus="ISKP", hops=1)
    assert "agd:iskp" in G and "agd:jui-f" in G


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param({"view": "everything"}, "unknown view", id="view"),
        pytest.param({"as_of": "July 2023"}, "is not a date", id="date"),
        pytest.param({"between": ("2024", "2023")}, "after the end", id="between order"),
        pytest.param({"types": ["ag:Militia"]}, "unknown class", id="class"),
        pytest.param({"as_of": "2023", "between": ("2020", "2021")}, "not both", id="both"),
    ],
)
def test_bad_filters_raise_usage_errors(store: ox.Store, kwargs: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        to_networkx(store, **kwargs)


def test_unknown_focus_name_lists_close_matches(store: ox.Store) -> None:
    with pytest.raises(UnknownNameError, match="ISIS"):
        to_networkx(store, focus="ISIS-KP")


# --- analytics -------------------------------------------------------------------------------


def test_centrality_ranks_the_hub_first(store: ox.Store) -> None:
    rows = centrality(to_networkx(store))
    assert rows[0]["node"] == BAJAUR  # the attack links the most entities
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    assert set(rows[0]) >= {"node", "label", "type", "degree", "betweenness", "pagerank"}
    assert centrality(to_networkx(store), ["pagerank"], top=2)[1]["rank"] == 2
    with pytest.raises(UsageError):
        centrality(to_networkx(store), ["eigen"])


@pytest.mark.slow
def test_communities_are_reproducible_with_a_seed(kg: actorgraph.KnowledgeGraph) -> None:
    A = kg.to_networkx(view="actors")
    first = communities(A, seed=7)
    assert first == communities(A, seed=7)
    assert sorted(n for group in first for n in group) == sorted(A)


def test_shortest_path_is_a_chain_of_sourced_claims(store: ox.Store) -> None:
    G = to_networkx(store)
    steps = shortest_path_claims(G, "ISKP", "JUI-F")
    assert [(s["subject"], s["property"], s["object"]) for s in steps] == [
        (BAJAUR, "ag:claimedBy", "agd:iskp"),
        (BAJAUR, "ag:target", "agd:jui-f"),
    ]
    text = format_path(steps)
    # The path reads from ISKP to JUI-F; the claim keeps its direction with a backward arrow.
    assert text.startswith(
        "Islamic State Khorasan Province ←claimed by— Bajaur JUI-F rally bombing (2023) "
        "[ags:seed: The article says"
    )
    with pytest.raises(UnknownNameError):
        shortest_path_claims(G, "ISKP", "Nobody at all")


def test_ego_network_and_timeline(store: ox.Store) -> None:
    G = to_networkx(store)
    assert set(ego_network(G, "TTP")) == {"agd:ttp", "agd:iskp", "agd:attack-2014"}
    rows = timeline(G, "ISIS-K")
    assert [(r["event"], r["role"], r["date"]) for r in rows] == [
        (BAJAUR, "ag:claimedBy", "2023-07-30")
    ]
    assert rows[0]["sources"] == ["ags:seed", "ags:wire"]


# --- command line ----------------------------------------------------------------------------


@pytest.mark.slow
def test_cli_network_path_resolves_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "path", "ISKP", "JUI-F"]) == 0
    out = capsys.readouterr().out
    assert "Islamic State" in out and "Jamiat Ulema-e-Islam (F)" in out and "[" in out


@pytest.mark.slow
def test_cli_network_unknown_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "path", "ISKP", "Nonexistent Front"]) == 2
    assert "no entity is called 'Nonexistent Front'" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("analysis", ["centrality", "communities"])
def test_cli_network_tables_as_json(capsys: pytest.CaptureFixture[str], analysis: str) -> None:
    assert main(["network", analysis, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and isinstance(rows[0], dict)


@pytest.mark.slow
def test_cli_network_timeline_and_ego(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["network", "timeline", "TTP", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "date,event,label,role,sources"
    assert main(["network", "ego", "TTP", "--radius", "1"]) == 0
    assert "Tehrik-i-Taliban Pakistan" in capsys.readouterr().out


@pytest.mark.slow
def test_cli_export_writes_network_formats(tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    assert main(["export", "--format", "gexf", "--view", "actors", "-o", str(out)]) == 0
    G = actorgraph.read_gexf(out)
    assert G.has_edge("agd:iskp", "agd:jui-f", "^ag:claimedBy/ag:target")


@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `oxigraph serve` process holding the bundled graph (pushed with the Graph Store
    Protocol), as a user would query one."""
    yield from bundled_endpoint(tmp_path_factory.mktemp("remote-projection") / "oxigraph")


@pytest.mark.server
def test_a_graph_loaded_from_an_endpoint_projects_as_the_local_one(
    kg: actorgraph.KnowledgeGraph, oxigraph_endpoint: str
) -> None:
    remote_kg = actorgraph.load(oxigraph_endpoint)
    assert remote_kg.is_remote

    def nodes(G: nx.MultiDiGraph) -> dict[str, dict[str, object]]:
        # Multi-valued attributes keep the order they were read in, which may differ.
        return {
            n: {k: sorted(v, key=str) if isinstance(v, list) else v for k, v in d.items()}
            for n, d in G.nodes(data=True)
        }

    for view in ("full", "actors"):
        local, remote = kg.to_networkx(view=view), remote_kg.to_networkx(view=view)
        assert remote.number_of_nodes() > 10
        assert nodes(remote) == nodes(local)
        assert sorted(remote.edges(keys=True)) == sorted(local.edges(keys=True))
    assert set(remote_kg.to_networkx(focus="ISKP")) == set(kg.to_networkx(focus="ISKP"))


@pytest.mark.slow
def test_actors_view_in_a_period_lists_only_the_events_of_that_period(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    full = kg.to_networkx()
    in_2014 = kg.to_networkx(view="actors", between=("2014", "2014"))
    listed = {e for *_, data in in_2014.edges(keys=True, data=True) for e in data.get("events", [])}
    assert "agd:aps-attack-2014" in listed
    assert BAJAUR not in listed
    for event in listed:
        data = full.nodes[event]
        if "earliest" in data:  # undated events are kept by every time filter
            assert data["earliest"] <= "2014-12-31" and data.get("latest", "9999") >= "2014-01-01"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("year", "leader"),
    [
        pytest.param("2008", "agd:baitullah-mehsud", id="2008"),
        pytest.param("2012", "agd:hakimullah-mehsud", id="2012"),
        pytest.param("2015", "agd:mullah-fazlullah", id="2015"),
        pytest.param("2019", "agd:noor-wali-mehsud", id="2019"),
    ],
)
def test_as_of_gives_the_one_leader_in_office(year: str, leader: str) -> None:
    # Sources give a term's start and its end in separate statements, and open terms end where
    # the next leader's begins: the view agrees with the saved query leader-at-date.
    kg = actorgraph.load()
    G = kg.to_networkx(view="full", as_of=year)
    leaders = [u for u, _, k in G.in_edges("agd:ttp", keys=True) if k == "ag:leaderOf"]
    assert leaders == [leader]


@pytest.mark.slow  # writes the bundled data to an on-disk store (~7 s of CPU)
def test_an_on_disk_stores_bookkeeping_is_not_projected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with actorgraph.load(store=tmp_path / "kg") as kg:
        on_disk = kg.to_networkx()
    in_memory = actorgraph.load().to_networkx()
    assert set(on_disk) == set(in_memory)


@pytest.mark.slow
def test_the_graph_is_built_as_networkxs_own_methods_build_it(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    # The projection writes NetworkX's adjacency dicts directly; the same rows given to
    # add_nodes_from/add_edges_from must give an equal graph, and the graph must behave as one.
    G = kg.to_networkx()
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from(G.edges(keys=True, data=True))
    assert nx.utils.graphs_equal(G, H)
    assert sorted(G.edges(keys=True)) == sorted(H.edges(keys=True))
    # Each edge's keys and data are one object seen from both ends, as add_edge makes them.
    u, v, key = next(iter(G.edges(keys=True)))
    G[u][v][key]["seen"] = True
    assert G.pred[v][u][key]["seen"] is True
    G.add_edge(u, v, key="ag:another")
    assert "ag:another" in G.pred[v][u]
    G.remove_edge(u, v, "ag:another")
    G.remove_edge(u, v, key)
    assert not G.has_edge(u, v, key) and H.has_edge(u, v, key)
    assert G.in_degree(v) == H.in_degree(v) - 1


@pytest.mark.slow
def test_the_projection_leaves_the_collector_as_the_program_set_it(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    # The projection pauses the cyclic collector while it builds the graph (it would only rescan
    # millions of new objects): the program finds it enabled, or disabled, as it left it.
    assert gc.isenabled() and gc.get_freeze_count() == 0
    kg.to_networkx()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        kg.to_networkx()
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.slow
def test_a_dropped_projection_is_freed_at_once(kg: actorgraph.KnowledgeGraph) -> None:
    # Freed by reference counting, not left for the cyclic collector: networkx memoises views
    # (G.nodes, G.edges) that refer back to the graph, and the families and filters use them.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for options in ({}, {"view": "actors"}, {"as_of": "2015", "types": "ag:ArmedGroup"}):
            G = kg.to_networkx(**options)  # type: ignore[arg-type]
            assert G.number_of_nodes() > 0 and "families" in G.graph
            dropped = weakref.ref(G)
            del G
            assert dropped() is None, options
    finally:
        if enabled:
            gc.enable()


@pytest.mark.slow
def test_the_projection_leaves_a_programs_frozen_objects_frozen(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        gc.disable()
        try:
            kg.to_networkx()
            assert not gc.isenabled()
        finally:
            gc.enable()
        # Unfreezing would empty the permanent generation. A few frozen objects may be freed
        # meanwhile by another thread of the process (pytest-xdist's), each one fewer in the count.
        assert gc.get_freeze_count() >= frozen - 100
    finally:
        gc.unfreeze()


@pytest.mark.slow
def test_the_graph_and_the_profile_give_an_entity_one_type(kg: actorgraph.KnowledgeGraph) -> None:
    G = kg.to_networkx()
    several = [n for n, types in G.nodes(data="types") if types and len(types) > 1]
    assert several, "the bundled data has entities stated to have several types"
    for node in several:
        assert actorgraph.profile(kg, node).type == G.nodes[node]["type"], node
