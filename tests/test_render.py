"""The page's Python side: one self-contained file, escaped data, deterministic layout.

The page's behaviour in a browser (search, filters, panel, escaping as rendered) is tested in
``test_page_browser.py``.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actorgraph
from actorgraph.page._render import _VIEWER_SCRIPTS, render_html
from actorgraph.vocab import _names

try:
    from _pagegraph import (
        ALARABIYA_URL,
        BAJAUR,
        BIDI,
        JS_URL,
        XSS_IMG,
        XSS_SCRIPT,
        actors_view_graph,
        fixture_graph,
        located_graph,
    )
except ImportError:  # tests/ imported as a package
    from tests._pagegraph import (
        ALARABIYA_URL,
        BAJAUR,
        BIDI,
        JS_URL,
        XSS_IMG,
        XSS_SCRIPT,
        actors_view_graph,
        fixture_graph,
        located_graph,
    )


def _script_json(page: str, element_id: str) -> Any:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', page, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def _viz_scripts() -> list[Path]:
    from actorgraph._resources import resource_dir

    return sorted(Path(str(p)) for p in resource_dir("viz").iterdir() if p.name.endswith(".js"))


def _meta(page: str) -> dict[str, Any]:
    meta: dict[str, Any] = _script_json(page, "meta-data")
    return meta


def _node_index(meta: dict[str, Any], curie: str) -> int:
    return next(i for i, d in enumerate(meta["details"]) if d["id"] == curie)


def test_writes_one_file_and_returns_the_same_text(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out" / "page.html"
    out.parent.mkdir()
    page = render_html(fixture_graph(), out)
    assert out.read_text(encoding="utf-8") == page
    # pyvis's 'local' mode writes lib/ into the working directory; nothing else may appear.
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["out", "page.html"]
    assert out.stat().st_mode & 0o644 == 0o644


def test_path_none_only_returns(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    assert render_html(fixture_graph()).startswith("<!DOCTYPE html>")
    assert list(tmp_path.iterdir()) == []


def test_non_finite_numbers_and_integers_beyond_64_bits_become_text() -> None:
    g = fixture_graph()
    g.nodes["agd:ttp"]["statements"] = [
        {"claim": "x", "killed": float("nan"), "wounded": 10**30, "year": 2014, "share": 0.25}
    ]
    meta = _meta(render_html(g))
    assert meta["details"][_node_index(meta, "agd:ttp")]["statements"] == [
        {"claim": "x", "killed": "nan", "wounded": str(10**30), "year": 2014, "share": 0.25}
    ]


def test_no_external_resource_and_a_strict_csp() -> None:
    page = render_html(fixture_graph(hostile=True))
    assert "<link" not in page
    assert not re.search(r"<script[^>]+src=", page)
    assert "bootstrap" not in page.lower()
    assert "cdn" not in page.lower().replace("cdnjs", "")  # no CDN host of any kind
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp
    assert "default-src 'none'" in csp.group(1)
    assert "connect-src 'none'" in csp.group(1)
    assert "unsafe-inline" not in csp.group(1).split("script-src", 1)[1].split(";")[0]


def test_csp_hashes_match_the_inline_scripts() -> None:
    page = render_html(fixture_graph())
    allowed = set(re.findall(r"'sha256-([^']+)'", page))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    # vis-network, then the viewer's scripts (viewer.js, map.js, ...), each with its own hash.
    assert len(scripts) == 1 + len(_VIEWER_SCRIPTS) == len(allowed)
    # Every script of viz/ is one of them: a script left out of the tuple would never run.
    assert sorted(_VIEWER_SCRIPTS) == [p.name for p in _viz_scripts()]
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert digest in allowed


def test_vis_network_is_inlined_unmodified_with_its_licence() -> None:
    from importlib import resources

    vis = (
        resources.files("pyvis")
        .joinpath("templates", "lib", "vis-9.1.2", "vis-network.min.js")
        .read_text(encoding="utf-8")
    )
    page = render_html(fixture_graph())
    assert vis in page
    assert "vis.js is dual licensed" in page


def test_hostile_text_never_reaches_the_html_unescaped() -> None:
    page = render_html(fixture_graph(hostile=True), title="<b>t</b>" + XSS_IMG)
    data_part = page.split('id="graph-data">', 1)[1]
    for raw in (XSS_IMG, "</script><script>window.__xss", "<b>bold</b>", "\u2028", "\u2029"):
        assert raw not in data_part
    assert "<title>&lt;b&gt;t&lt;/b&gt;&lt;img" in page
    # Exactly the elements the template has; no script element came from data.
    # graph, meta and map data, vis-network, the viewer's scripts
    assert page.count("</script>") == 4 + len(_VIEWER_SCRIPTS)
    # The JSON still carries the original text.
    meta = _meta(page)
    evil = meta["details"][_node_index(meta, "agd:evil-img")]
    assert evil["label"] == XSS_IMG
    assert evil["aliases"] == [XSS_SCRIPT, BIDI, "\u2028line\u2029separators & <b>bold</b>"]
    graph = _script_json(page, "graph-data")
    assert XSS_IMG in [n["label"] for n in graph["nodes"]]


def test_only_http_urls_are_kept_for_sources() -> None:
    meta = _meta(render_html(fixture_graph(hostile=True)))
    assert "url" not in meta["sources"]["ags:evil"]
    assert "url" not in meta["sources"]["ags:evil-data"]
    assert meta["sources"]["ags:event-alarabiya-bajaur-isis-claim-toll-54"]["url"] == ALARABIYA_URL
    assert JS_URL not in json.dumps(meta["sources"])


def test_same_graph_and_seed_give_the_same_page() -> None:
    assert render_html(fixture_graph(), seed=3) == render_html(fixture_graph(), seed=3)
    one = _script_json(render_html(fixture_graph(), seed=1), "graph-data")["nodes"]
    two = _script_json(render_html(fixture_graph(), seed=2), "graph-data")["nodes"]
    assert [(n["x"], n["y"]) for n in one] != [(n["x"], n["y"]) for n in two]


def test_every_node_has_a_precomputed_position_and_physics_starts_off() -> None:
    page = render_html(fixture_graph())
    nodes = _script_json(page, "graph-data")["nodes"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)
    meta = _meta(page)
    assert meta["options"]["physics"]["enabled"] is False
    assert meta["options"]["layout"]["improvedLayout"] is False
    assert meta["options"]["edges"]["smooth"] is False
    assert meta["physics"] == {"toggle": True, "start": False}
    assert _meta(render_html(fixture_graph(), physics=False))["physics"]["toggle"] is False
    assert _meta(render_html(fixture_graph(), physics=True))["physics"]["start"] is True


def test_pyvis_lists_are_filled_directly(monkeypatch: Any) -> None:
    from pyvis.network import Network

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("add_node/add_edge scan every node; fill the lists instead")

    monkeypatch.setattr(Network, "add_node", refuse)
    monkeypatch.setattr(Network, "add_edge", refuse)
    monkeypatch.setattr(Network, "add_nodes", refuse)
    page = render_html(fixture_graph())
    assert len(_script_json(page, "graph-data")["edges"]) == 6


def test_search_keys_follow_the_names_module() -> None:
    g = fixture_graph()
    g.nodes["agd:jui-f"]["search"] = ["custom key"]
    meta = _meta(render_html(g))
    iskp = meta["search"][_node_index(meta, "agd:iskp")]
    expected: set[str] = set()
    for name in ["ISIS–K", "ISKP", "ISIS-K", "Islamic State Khorasan Province"]:
        expected |= _names.name_keys(name)
    assert iskp == sorted(expected)
    assert meta["search"][_node_index(meta, "agd:jui-f")] == ["custom key"]
    table = meta["normalize"]
    assert table["words"] == _names._WORD_FOLDS
    assert "\u2013" in table["dashes"]
    assert [0x300, 0x34E] in table["combining"]  # combining diacritical marks (U+034F is not)
    assert table["fold"]["ß"] == "ss"


@pytest.mark.slow
def test_the_unicode_tables_skip_only_planes_without_such_characters() -> None:
    import sys
    import unicodedata

    from actorgraph.page._search_tables import code_points_with_properties

    scanned = set(code_points_with_properties())
    for cp in range(sys.maxunicode + 1):
        if cp in scanned:
            continue
        ch = chr(cp)
        assert not unicodedata.combining(ch), hex(cp)
        assert ch.casefold() == ch.lower(), hex(cp)
        assert not ch.isspace(), hex(cp)


def test_claims_sources_and_pinpoints_reach_the_page() -> None:
    meta = _meta(render_html(fixture_graph()))
    claimed = [d for d in meta["edgeDetails"] if d["rel"] == "ag:claimedBy"]
    assert len(claimed) == 1
    statements = claimed[0]["statements"]
    assert [s["source"] for s in statements] == [
        "ags:ipd-terrorism-resurging-in-pakistan",
        "ags:event-alarabiya-bajaur-isis-claim-toll-54",
    ]
    assert statements[0]["char_start"] == 1997
    assert statements[1]["source_fact"].endswith("#1")
    bajaur = meta["details"][_node_index(meta, BAJAUR)]
    assert ["killed", "killed", "63"] in bajaur["attrs"]
    assert bajaur["earliest"] == "2023-07-30"


def test_time_intervals_for_events_and_dated_relations() -> None:
    meta = _meta(render_html(fixture_graph()))
    # Months, counted as year * 12 + month - 1; a year alone spans its twelve months.
    assert meta["nodeTime"][_node_index(meta, BAJAUR)] == [2023 * 12 + 6, 2023 * 12 + 6]
    assert meta["nodeTime"][_node_index(meta, "agd:ttp")] is None  # actors are not timed
    rels = {d["rel"]: meta["edgeTime"][i] for i, d in enumerate(meta["edgeDetails"])}
    assert rels["ag:opposes"] == [2007 * 12, meta["timeOpen"][1]]  # open end
    assert rels["ag:activeIn"] is None


def test_legend_styles_by_class_and_relation() -> None:
    meta = _meta(render_html(fixture_graph()))
    types = {t["id"]: t for t in meta["types"]}
    assert types["ag:ArmedGroup"]["count"] == 2
    assert types["ag:ArmedGroup"]["label"] == "Armed group"
    assert types["ag:Attack"]["shape"] != types["ag:ArmedGroup"]["shape"]
    assert len({t["color"] for t in meta["types"]}) == len(meta["types"])
    rels = {r["id"]: r for r in meta["relations"]}
    assert rels["ag:claimedBy"]["label"] == "claimed by"
    assert rels["ag:attributedTo"]["dashes"]
    group = meta["options"]["groups"][f"t{types['ag:Attack']['index']}"]
    assert group["shape"] == "square"


def test_any_networkx_graph_renders() -> None:
    g = nx.Graph()
    g.add_edge("a", "b", label="knows")
    g.add_node("c")
    meta = _meta(render_html(g))
    assert [d["label"] for d in meta["details"]] == ["a", "b", "c"]
    assert meta["relations"][0]["id"] == "knows"
    assert render_html(nx.MultiDiGraph()).startswith("<!DOCTYPE html>")
    with pytest.raises(TypeError, match="networkx graph"):
        render_html({"a": 1})  # type: ignore[arg-type]


@pytest.mark.parametrize("height", ["600px", "100vh", "80%", "40.5em"])
def test_height_is_a_css_length(height: str) -> None:
    assert f"#graph {{ height: {height}; }}" in render_html(fixture_graph(), height=height)


@pytest.mark.parametrize("height", ["", "100", "1px; } body { display: none", "calc(1px)"])
def test_other_heights_are_refused(height: str) -> None:
    with pytest.raises(ValueError, match="CSS length"):
        render_html(fixture_graph(), height=height)


@pytest.mark.slow
def test_large_graphs_draw_events_after_the_first_frame() -> None:
    g = nx.MultiDiGraph()
    for i in range(2100):
        kind = "ag:Attack" if i % 3 else "ag:ArmedGroup"
        g.add_node(f"agd:n{i}", label=f"n{i}", type=kind, types=[kind])
        if i:
            g.add_edge(f"agd:n{i}", f"agd:n{i // 2}", key="ag:claimedBy")
    meta = _meta(render_html(g))
    later = set(meta["later"])
    assert later == {i for i in range(2100) if i % 3}
    assert meta["options"]["interaction"]["hideEdgesOnDrag"] is True
    assert meta["physics"]["toggle"] is False
    assert _meta(render_html(fixture_graph()))["later"] == []


@pytest.mark.slow
def test_bundled_data_renders() -> None:
    import actorgraph

    g = actorgraph.load().to_networkx()
    meta = _meta(render_html(g))
    assert len(meta["details"]) == g.number_of_nodes()
    assert len(meta["edgeDetails"]) == g.number_of_edges()


@pytest.mark.parametrize("name", _VIEWER_SCRIPTS)
def test_the_viewer_never_writes_html_strings(name: str) -> None:
    from actorgraph._resources import resource_dir

    viewer = (resource_dir("viz") / name).read_text(encoding="utf-8")
    code = viewer.split("*/", 1)[1]  # the header comment names what the code must not do
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in code
    assert "</script" not in viewer.lower()


@pytest.mark.slow
@settings(deadline=None, derandomize=True, max_examples=60)
@given(
    label=st.text(max_size=40),
    alias=st.text(max_size=20),
    claim=st.text(max_size=60),
)
def test_any_text_survives_the_page_unchanged(label: str, alias: str, claim: str) -> None:
    g = nx.MultiDiGraph()
    g.add_node("agd:a", label=label, type="ag:ArmedGroup", aliases=[alias])
    g.add_node("agd:b", label="b", type="ag:ArmedGroup")
    g.add_edge("agd:a", "agd:b", key="ag:alliedWith", statements=[{"claim": claim}])
    page = render_html(g, title=label)
    for block in re.findall(
        r'<script type="application/json" id="[a-z-]+">(.*?)</script>', page, re.S
    ):
        assert "<" not in block
        assert ">" not in block
        assert "&" not in block
    meta = _meta(page)
    assert meta["details"][0]["label"] == (label or "agd:a")
    assert meta["details"][0].get("aliases", []) == ([alias] if alias else [])
    assert meta["edgeDetails"][0]["statements"] == [{"claim": claim}]
    assert meta["title"] == label


def test_folded_events_are_dated_and_searchable() -> None:
    meta = _meta(render_html(actors_view_graph()))
    folded = next(i for i, d in enumerate(meta["edgeDetails"]) if d.get("events"))
    assert meta["edgeDetails"][folded]["events"] == [BAJAUR]
    assert meta["edgeTime"][folded] == [2023 * 12 + 6, 2023 * 12 + 6]
    # The event is not a node of the view: it is found by its slug's words.
    assert meta["events"] == [
        {
            "id": BAJAUR,
            "label": "bajaur rally bombing 2023",
            "edges": [folded],
            "search": ["bajaur rally bombing 2023"],
        }
    ]


def test_folded_events_take_their_names_from_the_graph() -> None:
    g = actors_view_graph()
    g.graph["events"] = {
        BAJAUR: {
            "label": "Bajaur JUI-F rally bombing (2023)",
            "aliases": ["2023 Khar bombing"],
            "type": "ag:Attack",
            "date": "2023-07-30",
        }
    }
    (event,) = _meta(render_html(g))["events"]
    assert event["label"] == "Bajaur JUI-F rally bombing (2023)"
    assert event["aliases"] == ["2023 Khar bombing"]
    assert (event["type"], event["date"]) == ("ag:Attack", "2023-07-30")
    assert "2023 khar bombing" in event["search"]
    assert "bajaur rally bombing 2023" in event["search"]


def test_attributes_take_the_property_labels_and_keep_lists() -> None:
    g = nx.MultiDiGraph()
    g.graph["properties"] = {
        "ag:foundingDate": {"label": "founding date", "attribute": "foundingDate"}
    }
    g.add_node(
        "agd:a",
        label="A",
        type="ag:ArmedGroup",
        foundingDate="2015",
        deathToll=3,
        note=["First sentence.", "Second sentence."],
    )
    attrs = _meta(render_html(g))["details"][0]["attrs"]
    assert attrs == [
        ["deathToll", "death toll", "3"],
        ["foundingDate", "founding date", "2015"],
        ["note", "note", ["First sentence.", "Second sentence."]],
    ]


def test_only_parallel_edges_are_curved() -> None:
    g = nx.MultiDiGraph()
    for n in "abcd":
        g.add_node(f"agd:{n}", label=n, type="ag:ArmedGroup")
    g.add_edge("agd:a", "agd:b", key="ag:opposes")
    g.add_edge("agd:a", "agd:b", key="ag:rivalOf")
    g.add_edge("agd:b", "agd:a", key="ag:alliedWith")
    g.add_edge("agd:c", "agd:d", key="ag:opposes")
    page = render_html(g)
    edges = json.loads(
        re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1)  # type: ignore[union-attr]
    )["edges"]
    smooth = [e.get("smooth") for e in edges]
    assert smooth[0] is None and smooth[3] is None  # the first of three, and a single edge
    # The other two bend to opposite sides: b -> a's clockwise is a -> b's anticlockwise.
    assert {smooth[1]["type"], smooth[2]["type"]} == {"curvedCW"}
    assert smooth[1]["roundness"] == smooth[2]["roundness"] > 0
    assert _meta(page)["options"]["edges"]["smooth"] is False


def test_folded_event_names_come_from_the_full_view() -> None:
    from actorgraph.network._folding import folded_event_names

    names = folded_event_names(actors_view_graph(), fixture_graph())
    assert names == {
        BAJAUR: {"label": "Bajaur rally bombing", "type": "ag:Attack"}
        | {
            k: v
            for k, v in fixture_graph().nodes[BAJAUR].items()
            if k in ("aliases", "date", "earliest", "latest")
        }
    }
    assert folded_event_names(actors_view_graph(), nx.MultiDiGraph()) == {}


@pytest.mark.slow
def test_the_actors_view_keeps_the_names_of_its_folded_events() -> None:
    # So that a page drawn from kg.render_html() or to_networkx(view="actors") finds "Bajaur".
    G = actorgraph.load().to_networkx(view="actors")
    names = G.graph["events"]
    assert names["agd:bajaur-rally-bombing-2023"]["label"].startswith("Bajaur")
    carried = {e for _, _, d in G.edges(data=True) for e in d.get("events", [])}
    assert carried == set(names)


# --------------------------------------------------------------------------- the map


def test_the_map_lists_what_has_coordinates() -> None:
    page = render_html(located_graph())
    meta = _meta(page)
    located = {meta["details"][row[0]]["id"]: row[1:] for row in meta["geo"]["nodes"]}
    # An event has its own coordinates, else its place's; a place its own (the flag: an event).
    assert located == {
        "agd:peshawar": [34.0, 71.5, 0],
        "agd:a": [33.6, 73.0, 1],
        "agd:b": [34.0, 71.5, 1],
    }
    base = _script_json(page, "map-data")
    assert base["source"].startswith("Natural Earth")
    assert {c[0] for c in base["countries"]} >= {"pak", "afg", "irn", "ind", "chn"}
    assert base["countryLines"].startswith("M") and base["provinceLines"].startswith("M")


def test_a_folded_event_that_is_also_a_node_is_mapped_where_its_node_is() -> None:
    # Ties that stand for events a, b and c, drawn beside their nodes: each folded event is put
    # where the map puts its node (own coordinates, else its place's; c's place has none).
    g = located_graph()
    g.add_node("agd:state", label="State", type="ag:State")
    g.add_edge("agd:ttp", "agd:state", key="ag:attacked", events=["agd:a", "agd:b", "agd:c"])
    meta = _meta(render_html(g))
    nodes = {meta["details"][row[0]]["id"]: row[1:3] for row in meta["geo"]["nodes"]}
    events = {meta["events"][row[0]]["id"]: row[1:] for row in meta["geo"]["events"]}
    assert events == {"agd:a": nodes["agd:a"], "agd:b": nodes["agd:b"]}
    assert events["agd:b"] == nodes["agd:peshawar"]


def test_a_page_with_nothing_to_map_carries_no_base_map() -> None:
    page = render_html(fixture_graph())
    assert _script_json(page, "map-data") is None
    assert _meta(page)["geo"] == {"nodes": [], "events": []}


def test_folded_events_keep_their_coordinates_and_year() -> None:
    from actorgraph.network._folding import folded_event_names

    full = located_graph()
    full.add_node("agd:jui-f", label="JUI-F", type="ag:PoliticalParty", types=["ag:PoliticalParty"])
    full.add_edge("agd:b", "agd:jui-f", key="ag:target")
    actors = nx.MultiDiGraph()
    actors.add_node("agd:ttp", **full.nodes["agd:ttp"])
    actors.add_node("agd:jui-f", **full.nodes["agd:jui-f"])
    actors.add_edge("agd:ttp", "agd:jui-f", key="^ag:claimedBy/ag:target", events=["agd:b"])
    actors.graph["events"] = folded_event_names(actors, full)
    assert actors.graph["events"]["agd:b"] == {
        "label": "B",
        "type": "ag:Attack",
        "earliest": "2015",
        "lat": 34.0,
        "long": 71.5,
    }
    meta = _meta(render_html(actors))
    (event,) = meta["events"]
    # The period judges the folded event by its own time, as it judges the event's node.
    nodes = _meta(render_html(full))
    assert event["time"] == nodes["nodeTime"][_node_index(nodes, "agd:b")] is not None
    assert event["time"] == [2015 * 12, 2015 * 12 + 11]  # months: all of 2015
    assert meta["geo"]["events"] == [[0, 34.0, 71.5]]


CURATED_TOWN = """
sources:
- id: ags:test-gazetteer
  title: A gazetteer
  creator: Test
  publisher: Test
  url: https://example.org/gazetteer
entities:
- id: agd:test-town
  type: ag:Place
  label: Test Town
- id: agd:test-town-attack
  type: ag:Attack
  label: Test Town attack
claims:
- {subject: agd:test-town, property: geo:lat, object: 34.5, source: ags:test-gazetteer,
   claim: Test Town lies at 34.5 N.}
- {subject: agd:test-town, property: geo:long, object: 71.25, source: ags:test-gazetteer,
   claim: Test Town lies at 71.25 E.}
- {subject: agd:test-town-attack, property: ag:date, object: "2019-03-02",
   source: ags:test-gazetteer, claim: It happened on 2 March 2019.}
- {subject: agd:test-town-attack, property: ag:place, object: agd:test-town,
   source: ags:test-gazetteer, claim: The attack was in Test Town.}
- {subject: agd:test-town-attack, property: ag:claimedBy, object: agd:ttp,
   source: ags:test-gazetteer, claim: The TTP claimed it.}
- {subject: agd:test-town-attack, property: ag:target, object: agd:pakistan,
   source: ags:test-gazetteer, claim: It targeted the state.}
"""


@pytest.mark.slow
def test_a_curated_place_puts_itself_and_its_events_on_the_map(tmp_path: Path) -> None:
    user = tmp_path / "town.yaml"
    user.write_text(CURATED_TOWN, encoding="utf-8")
    kg = actorgraph.load(data=[user])
    # The full view: the place and the attack (at the place's coordinates) are nodes.
    full = _meta(render_html(kg.to_networkx()))
    located = {full["details"][row[0]]["id"]: row[1:] for row in full["geo"]["nodes"]}
    assert located["agd:test-town"] == [34.5, 71.25, 0]
    assert located["agd:test-town-attack"] == [34.5, 71.25, 1]
    # The actors view: the attack is folded into the TTP's tie to Pakistan, mapped, and the
    # period judges it by its own time, as it judges the node in the full view.
    meta = _meta(render_html(kg.to_networkx(view="actors")))
    k = next(i for i, ev in enumerate(meta["events"]) if ev["id"] == "agd:test-town-attack")
    assert [k, 34.5, 71.25] in meta["geo"]["events"]
    node = _node_index(full, "agd:test-town-attack")
    assert meta["events"][k]["time"] == full["nodeTime"][node] is not None


def test_render_leaves_the_collector_as_the_program_set_it() -> None:
    # Building the page pauses the cyclic collector (actorgraph._gc): the program finds it
    # enabled, or disabled, as it left it.
    assert gc.isenabled()
    render_html(fixture_graph())
    assert gc.isenabled()
    gc.disable()
    try:
        render_html(fixture_graph())
        assert not gc.isenabled()
    finally:
        gc.enable()
