"""Network exports read back with networkx to the same nodes, edges and decoded attributes.

The GEXF 1.3 XSD is not available offline (no PyPI or npm package ships it), so the GEXF files are
checked structurally against what the 1.3 schema requires: namespace and version, the XSI
schemaLocation, a dynamic graph with ``timeformat="date"``, declared attributes with 1.3 types and no
``mode`` (1.3 removed it), every attvalue pointing at a declared attribute, parallel edges told apart by
``kind`` (new in 1.3), and well-formed spells (ISO dates, start ≤ end). Gephi Lite's own parser reads
them in ``tests/test_gephi_lite.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph._errors import UsageError
from actorgraph.network._export import (
    NETWORK_FORMATS,
    read_gexf,
    read_network,
    write_gexf,
    write_graphml,
    write_network,
)
from actorgraph.network._to_networkx import to_networkx

GEXF = "{http://gexf.net/1.3}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "string", "date", "anyURI"}
FIXTURE = Path(__file__).parent / "fixtures" / "network.trig"
ONTOLOGY = Path(__file__).parents[1] / "ontology" / "actorgraph.ttl"


@pytest.fixture(scope="module")
def fixture_graphs() -> dict[str, nx.MultiDiGraph]:
    store = ox.Store()
    store.load(
        path=str(ONTOLOGY),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode("https://w3id.org/actorgraph/graph/ontology"),
    )
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return {view: to_networkx(store, view=view) for view in ("full", "actors")}


def same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert isinstance(H, nx.MultiDiGraph)
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))
    edges_g = {(u, v, k): d for u, v, k, d in G.edges(keys=True, data=True)}
    edges_h = {(u, v, k): d for u, v, k, d in H.edges(keys=True, data=True)}
    assert edges_g == edges_h
    assert G.graph == H.graph


@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
@pytest.mark.parametrize("view", ["full", "actors"])
def test_exports_read_back_the_same(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph], fmt: str, view: str
) -> None:
    G = fixture_graphs[view]
    path = tmp_path / f"graph.{fmt}"
    write_network(G, path, fmt)
    same_graph(G, read_network(path, fmt))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", NETWORK_FORMATS)
def test_bundled_data_exports_read_back_the_same(tmp_path: Path, fmt: str) -> None:
    G = actorgraph.load().to_networkx()
    path = tmp_path / f"graph.{fmt}"
    write_network(G, path, fmt)
    same_graph(G, read_network(path, fmt))


def test_graphml_writes_lists_as_json_strings(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph]
) -> None:
    path = tmp_path / "graph.graphml"
    write_graphml(fixture_graphs["full"], path)
    raw = nx.read_graphml(path, force_multigraph=True)  # plain networkx, no decoding
    assert sorted(json.loads(raw.nodes["agd:ttp"]["aliases"])) == sorted(
        ["TTP", "Pakistani Taliban", "تحریک طالبان پاکستان"]
    )
    assert raw.nodes["agd:bajaur-rally-bombing-2023"]["killed"] == 63
    names = json.loads(raw.graph["json_attributes"])
    assert "statements" in names["edge"] and "types" in names["node"]


def test_node_link_keeps_lists_native(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph]
) -> None:
    path = tmp_path / "graph.json"
    write_network(fixture_graphs["full"], path, "node-link")
    data = json.loads(path.read_text(encoding="utf-8"))
    node = next(n for n in data["nodes"] if n["id"] == "agd:ttp")
    assert isinstance(node["aliases"], list)
    assert {"source", "target", "key"} <= set(data["edges"][0])


def test_unknown_network_format_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="graphml, gexf, node-link"):
        write_network(nx.MultiDiGraph(), tmp_path / "x", "dot")


# Characters a str can hold and XML 1.0 cannot: control characters, U+FFFE/U+FFFF, a lone surrogate.
NOT_XML = ["\x01", "\x0b", "\x1f", "\ufffe", "\uffff", "\ud800"]


def _with_characters_xml_cannot_carry(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    G = G.copy()
    G.nodes["agd:ttp"]["label"] = "TTP" + "".join(NOT_XML) + ' <&> "quoted" ok'
    G.nodes["agd:ttp"]["aliases"] = [*G.nodes["agd:ttp"]["aliases"], "a\x02b\uffff"]
    u, v, k = next(iter(G.edges(keys=True)))
    G.edges[u, v, k]["note"] = "edge\x03note"
    G.edges[u, v, k]["start"] = "2019\x05"  # GEXF writes it as start_date
    G.graph["title"] = "graph\x04title"
    return G


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_characters_xml_cannot_carry_are_escaped_and_read_back(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph], fmt: str
) -> None:
    G = _with_characters_xml_cannot_carry(fixture_graphs["full"])
    path = tmp_path / f"graph.{fmt}"
    write_network(G, path, fmt)
    ET.parse(path)  # well-formed XML
    assert not any(c.encode("utf-8", "surrogatepass") in path.read_bytes() for c in NOT_XML)
    same_graph(G, read_network(path, fmt))
    # Only the values that needed it are escaped: the other labels stay plain text.
    raw = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path, version="1.3")
    assert raw.nodes["agd:iskp"]["label"] == G.nodes["agd:iskp"]["label"]
    assert json.loads(raw.nodes["agd:ttp"]["label"]) == G.nodes["agd:ttp"]["label"]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
@pytest.mark.parametrize(
    ("where", "message"),
    [("node", "node id 'bad\\x01id'"), ("key", "edge key 'ag:x\\x0b'"), ("name", "attribute name")],
)
def test_a_name_xml_cannot_carry_is_a_usage_error(
    tmp_path: Path, fmt: str, where: str, message: str
) -> None:
    G = nx.MultiDiGraph()
    G.add_node("agd:a", label="A")
    if where == "node":
        G.add_node("bad\x01id")
    elif where == "key":
        G.add_edge("agd:a", "agd:a", key="ag:x\x0b")
    else:
        G.nodes["agd:a"]["odd\x1fname"] = 1
    path = tmp_path / f"graph.{fmt}"
    with pytest.raises(UsageError, match=re.escape(message)) as caught:
        write_network(G, path, fmt)
    assert "node-link JSON" in str(caught.value)
    assert not path.exists()
    write_network(G, tmp_path / "graph.json", "node-link")  # which holds any string
    same_graph(G, read_network(tmp_path / "graph.json", "node-link"))


def _iso(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def check_gexf_13(path: Path) -> ET.Element:
    """Structural checks of what the GEXF 1.3 schema requires of our files."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{GEXF}gexf"
    assert root.get("version") == "1.3"
    assert root.get(f"{XSI}schemaLocation") == "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
    graph = root.find(f"{GEXF}graph")
    assert graph is not None
    assert graph.get("defaultedgetype") in {"directed", "undirected", "mutual"}
    declared: dict[str, set[str]] = {"node": set(), "edge": set()}
    for attributes in graph.findall(f"{GEXF}attributes"):
        assert attributes.get("class") in declared
        assert "mode" not in attributes.attrib  # 1.3 removed it (the graph's mode applies)
        for attribute in attributes.findall(f"{GEXF}attribute"):
            assert attribute.get("type") in GEXF_TYPES
            declared[attributes.get("class") or ""].add(attribute.get("id") or "")
    nodes = graph.findall(f"{GEXF}nodes/{GEXF}node")
    edges = graph.findall(f"{GEXF}edges/{GEXF}edge")
    ids = [n.get("id") for n in nodes]
    assert len(ids) == len(set(ids))
    edge_ids = [e.get("id") for e in edges]
    assert len(edge_ids) == len(set(edge_ids))
    for element, kind in [(n, "node") for n in nodes] + [(e, "edge") for e in edges]:
        for value in element.findall(f"{GEXF}attvalues/{GEXF}attvalue"):
            assert value.get("for") in declared[kind]
        for spell in element.findall(f"{GEXF}spells/{GEXF}spell"):
            start, end = spell.get("start"), spell.get("end")
            assert start or end
            if start and end:
                assert _iso(start) <= _iso(end)
    pairs: dict[tuple[str | None, str | None], set[str | None]] = {}
    for edge in edges:
        assert edge.get("source") in ids and edge.get("target") in ids
        kinds = pairs.setdefault((edge.get("source"), edge.get("target")), set())
        assert edge.get("kind") not in kinds  # parallel edges differ in kind, or Gephi merges them
        kinds.add(edge.get("kind"))
    return graph


def test_gexf_is_13_with_spells_for_the_timeline(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph]
) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(fixture_graphs["full"], path)
    graph = check_gexf_13(path)
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    spells = {
        node.get("id"): [(s.get("start"), s.get("end")) for s in node.iter(f"{GEXF}spell")]
        for node in graph.iter(f"{GEXF}node")
    }
    assert spells["agd:attack-2014"] == [("2014-01-01", "2014-12-31")]  # year-only: the whole year
    assert spells["agd:ttp"] == []  # undated: always there
    recruits = next(
        e
        for e in graph.iter(f"{GEXF}edge")
        if e.get("source") == "agd:iskp" and e.get("target") == "agd:ttp"
    )
    assert [(s.get("start"), s.get("end")) for s in recruits.iter(f"{GEXF}spell")] == [
        ("2015-01-01", None)
    ]
    # An event's edges live when the event happened.
    claimed = next(
        e
        for e in graph.iter(f"{GEXF}edge")
        if e.get("source") == "agd:bajaur-rally-bombing-2023" and e.get("target") == "agd:iskp"
    )
    assert [(s.get("start"), s.get("end")) for s in claimed.iter(f"{GEXF}spell")] == [
        ("2023-07-30", "2023-07-30")
    ]


def test_gexf_keeps_the_edges_own_dates_at_their_precision(
    tmp_path: Path, fixture_graphs: dict[str, nx.MultiDiGraph]
) -> None:
    path = tmp_path / "graph.gexf"
    write_gexf(fixture_graphs["full"], path)
    G = read_gexf(path)
    assert G.get_edge_data("agd:iskp", "agd:ttp", key="ag:recruitsFrom")["start"] == "2015"


@pytest.mark.slow
def test_bundled_gexf_passes_the_structural_checks(tmp_path: Path) -> None:
    for view in ("full", "actors"):
        path = tmp_path / f"{view}.gexf"
        write_gexf(actorgraph.load().to_networkx(view=view), path)
        check_gexf_13(path)
