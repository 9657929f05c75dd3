"""The page's data: a NetworkX graph turned into the nodes, edges, styles, layout and search tables the
viewer draws (graph -> data).

This module walks the graph once and assembles what the viewer reads; the parts with a concept of
their own live beside it: ``_styles`` (colours and shapes), ``_periods`` (dates as months),
``_events`` (folded events and the timeline strip), ``_families``, ``_layout``, ``_search_tables``
and ``_values`` (attribute values as JSON)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from actorgraph.network._folding import coordinates
from actorgraph.page import _events, _periods
from actorgraph.page._families import FAMILY_KEYS, family_payload
from actorgraph.page._layout import edge_curves, layout
from actorgraph.page._search_tables import normalize_tables
from actorgraph.page._styles import CLASS_STYLE, RELATION_STYLE, local_name, styles
from actorgraph.page._values import as_list, as_text, display, json_statements, slug
from actorgraph.vocab import _names
from actorgraph.vocab._ontology import subclasses_of

__all__ = ["CSS_LENGTH", "build_page_data"]

# Classes hidden when the page opens (their filter box starts unchecked): sources have no
# relations in the graph, only claims that cite them.
_HIDDEN_CLASSES = frozenset({"ag:Source"})

# Node attributes with a role of their own; every other attribute is shown as a literal.
_RESERVED_NODE_KEYS = (
    frozenset({"label", "type", "types", "aliases", "search", "statements", "earliest", "latest"})
    | FAMILY_KEYS
)
# Above this many nodes the page draws events after the first frame, hides edges while
# dragging or zooming, and draws relations solid.
_LARGE = 2000
# vis-network's physics settles 1,000 nodes in tens of seconds; no toggle above that.
_PHYSICS_LIMIT = 1000
# The zoom at which a large graph's arrowheads (7.5 px at scale 1) become about 3 px; below it
# they cost a third of each frame and show nothing.
_ARROW_SCALE = 0.4
CSS_LENGTH = re.compile(r"[0-9]+(\.[0-9]+)?(px|vh|%|em|rem)")


# --------------------------------------------------------------------------- graph -> data


def build_page_data(
    graph: nx.Graph, *, physics: bool | None, seed: int
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Turn the graph into pyvis node and edge lists, vis options and the viewer's data."""
    # pyvis takes a quarter of a second to import; only the page needs it.
    from pyvis.network import Network  # noqa: PLC0415

    sources_in = graph.graph.get("sources") or {}
    attr_labels = _attribute_labels(graph.graph.get("properties"))
    ids = list(graph.nodes)
    index = {node: i for i, node in enumerate(ids)}
    type_ids: dict[str, int] = {}
    node_types: list[int] = []
    details: list[dict[str, Any]] = []
    search: list[list[str]] = []
    node_time: list[list[int] | None] = []
    node_timed: list[bool] = []
    # Where each node is (the map): its own coordinates, or for an event those of the place it
    # happened at, its first ag:place tie to a node that has them (found in the walk over edges).
    own_where: list[tuple[float, float] | None] = []
    node_where: list[tuple[float, float] | None] = []
    placeless: set[int] = set()  # events without coordinates, with ag:place ties to look at
    # The events of the timeline strip: node index -> [date, kind]; "claimed or attributed"
    # is found in the walk over edges, from the event's ties.
    node_events: dict[int, list[Any]] = {}
    unclaimed: set[int] = set()  # events whose ties may yet say who claimed them
    timed_classes = _periods.timed_classes()
    event_classes = subclasses_of("ag:Event")
    multigraph = graph.is_multigraph()
    places = graph.is_directed() and multigraph
    for node in ids:
        attrs = graph.nodes[node]
        source_meta = sources_in.get(node) if isinstance(sources_in, Mapping) else None
        label = (
            as_text(attrs.get("label"))
            or as_text(attrs.get("title"))  # a source node carries its title, not a label
            or (as_text(source_meta.get("title")) if isinstance(source_meta, Mapping) else "")
            or str(node)
        )
        type_ = as_text(attrs.get("type")) or "(untyped)"
        types = [as_text(t) for t in as_list(attrs.get("types"))] or [type_]
        aliases = [as_text(a) for a in as_list(attrs.get("aliases")) if as_text(a)]
        keys = attrs.get("search")
        if keys is None:
            key_set: set[str] = set()
            for name in [label, *aliases]:
                key_set |= _names.name_keys(name)
            keys = sorted(key_set)
        search.append(sorted({as_text(k) for k in as_list(keys) if as_text(k)}))
        node_types.append(type_ids.setdefault(type_, len(type_ids)))
        detail: dict[str, Any] = {"id": str(node), "label": label, "type": type_}
        if types != [type_]:
            detail["types"] = types
        if aliases:
            detail["aliases"] = aliases
        literals = [
            [str(k), attr_labels.get(str(k)) or _words(str(k)), display(v)]
            for k, v in sorted(attrs.items(), key=lambda kv: str(kv[0]))
            if str(k) not in _RESERVED_NODE_KEYS
        ]
        if literals:
            detail["attrs"] = literals
        for key in ("earliest", "latest"):
            if attrs.get(key) is not None:
                detail[key] = as_text(attrs[key])
        statements = json_statements(attrs.get("statements"))
        if statements:
            detail["statements"] = statements
        details.append(detail)
        i = len(details) - 1
        timed = bool(timed_classes.intersection([type_, *types]))
        node_timed.append(timed)
        own = coordinates(attrs)
        own_where.append(own)
        node_where.append(own)
        if own is None and timed and places:
            placeless.add(i)
        if timed and event_classes.intersection([type_, *types]):
            kind = _events.event_kind(attrs, claimed=False)
            node_events[i] = [_events.event_date(attrs), kind]
            if kind != _events.IMPORTED and graph.is_directed():
                unclaimed.add(i)
        span = _periods.span(attrs.get("earliest"), attrs.get("latest"))
        node_time.append(span if timed else None)

    rel_ids: dict[str, int] = {}
    rel_labels: dict[str, str] = {}
    pairs: list[tuple[int, int]] = []
    edge_rel: list[int] = []
    edge_details: list[dict[str, Any]] = []
    edge_time: list[list[int] | None] = []
    folded: dict[str, list[int]] = {}  # folded event -> the edges that carry it
    for u, v, key, attrs in _edges(graph):
        rel = as_text(key) or "(related)"
        rel_labels.setdefault(rel, as_text(attrs.get("label")) or local_name(rel))
        a, b = index[u], index[v]
        pairs.append((a, b))
        if a in placeless and key == "ag:place" and own_where[b] is not None:
            node_where[a] = own_where[b]
            placeless.discard(a)
        if a in unclaimed and _events.responsible(
            rel if multigraph else attrs.get("key", attrs.get("label"))
        ):
            unclaimed.discard(a)
            node_events[a][1] = _events.CLAIMED
        edge_rel.append(rel_ids.setdefault(rel, len(rel_ids)))
        statements = json_statements(attrs.get("statements"))
        edge_detail: dict[str, Any] = {"rel": rel}
        if statements:
            edge_detail["statements"] = statements
        edge_sources = [as_text(s) for s in as_list(attrs.get("sources")) if as_text(s)]
        if edge_sources:
            edge_detail["sources"] = edge_sources
        # The actors view folds events into ties; such an edge names the events it stands for.
        events = [as_text(e) for e in as_list(attrs.get("events")) if as_text(e)]
        if events:
            edge_detail["events"] = events
            for e in events:
                folded.setdefault(e, []).append(len(edge_details))
        for k in ("start", "end", "earliest", "latest"):
            if attrs.get(k) is not None:
                edge_detail[k] = as_text(attrs[k])
        edge_details.append(edge_detail)
        starts = [
            _periods.first_month(attrs.get("start")),
            _periods.first_month(attrs.get("earliest")),
        ]
        starts += [_periods.first_month(s.get("start")) for s in statements]
        ends = [_periods.last_month(attrs.get("end")), _periods.last_month(attrs.get("latest"))]
        ends += [_periods.last_month(s.get("end")) for s in statements]
        lo_e = min((y for y in starts if y is not None), default=None)
        hi_e = max((y for y in ends if y is not None), default=None)
        edge_time.append(None if lo_e is None and hi_e is None else _periods.interval(lo_e, hi_e))

    folded_events = _events.folded_events(
        folded, graph.graph.get("events"), index, details, node_where
    )
    geo_events: list[list[float]] = []  # [folded event index, lat, long]
    for position, event in enumerate(folded_events):
        where = event.pop("where", None)
        if where is not None:
            geo_events.append([position, *_rounded(where)])
    families, family_details = family_payload(graph, ids)
    for i, family in family_details.items():
        details[i]["family"] = family
    timeline = _events.timeline(node_events.values(), graph, folded, edge_rel, list(rel_ids))
    geo_nodes = [  # [node index, lat, long, 1 if an event else 0]
        [i, *_rounded(w), int(node_timed[i])] for i, w in enumerate(node_where) if w is not None
    ]
    xs, ys = layout(len(ids), pairs, seed)
    type_order = sorted(type_ids, key=lambda t: (t not in CLASS_STYLE, t))
    type_style = styles(type_order, {k: v[0] for k, v in CLASS_STYLE.items()})
    rel_order = sorted(rel_ids, key=lambda r: (r not in RELATION_STYLE, r))
    rel_style = styles(rel_order, {k: v[0] for k, v in RELATION_STYLE.items()})
    counts = [0] * len(type_ids)
    for t in node_types:
        counts[t] += 1
    rel_counts = [0] * len(rel_ids)
    for r in edge_rel:
        rel_counts[r] += 1

    # pyvis holds the node and edge lists; filled directly because Network.add_node and
    # add_edge scan every node on each call.
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.nodes = [
        {
            "id": i,
            "label": details[i]["label"],
            "x": xs[i],
            "y": ys[i],
            "group": f"t{node_types[i]}",
        }
        for i in range(len(ids))
    ]
    net.node_ids = list(range(len(ids)))
    curves = edge_curves(pairs)
    net.edges = [{"id": j, "from": a, "to": b} for j, (a, b) in enumerate(pairs)]
    for j, smooth in curves.items():
        net.edges[j]["smooth"] = smooth
    large = len(ids) > _LARGE
    toggle = physics is not False and (physics is True or len(ids) <= _PHYSICS_LIMIT)
    net.options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": seed},
        "physics": {"enabled": False, "stabilization": {"enabled": False}},
        # The viewer draws the labels itself, never overlapping (viz/viewer.js, "labels"):
        # vis-network's own are never drawn, whatever the zoom.
        "nodes": {
            "shape": "dot",
            "size": 10,
            "font": {"size": 14},
            "scaling": {"label": {"drawThreshold": 1_000_000}},
        },
        "edges": {
            "smooth": False,
            "width": 1,
            # Large graphs draw arrowheads only once zoomed in far enough to see them.
            "arrows": {"to": {"enabled": not large, "scaleFactor": 0.5}},
        },
        "interaction": {
            "hover": False,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            # Arrow keys pan and +/- zoom while the drawing has the keyboard focus; the focus
            # is never taken from the search box by a passing mouse.
            "keyboard": {"enabled": True, "bindToWindow": False, "autoFocus": False},
        },
        "groups": {
            f"t{type_ids[t]}": {
                "color": {"background": type_style[t], "border": type_style[t]},
                "shape": CLASS_STYLE.get(t, (None, "dot"))[1],
            }
            for t in type_order
        },
    }
    # Level of detail: a large graph draws its non-event nodes first, events a moment later.
    later = [i for i, timed in enumerate(node_timed) if timed] if large else []
    if len(later) == len(ids):
        later = []
    nodes, edges, _heading, _height, _width, options_json = net.get_network_data()
    options = json.loads(options_json)

    sources: dict[str, dict[str, str]] = {}
    if isinstance(sources_in, Mapping):
        for curie, meta in sources_in.items():
            if isinstance(meta, Mapping):
                info = {str(k): as_text(v) for k, v in meta.items() if v is not None}
                url = info.pop("url", "")
                if _safe_url(url):
                    info["url"] = url
                sources[str(curie)] = info
    payload: dict[str, Any] = {
        "types": [
            {
                "id": t,
                "index": type_ids[t],
                "label": local_name(t),
                "color": type_style[t],
                "shape": CLASS_STYLE.get(t, (None, "dot"))[1],
                "count": counts[type_ids[t]],
                "hidden": t in _HIDDEN_CLASSES,
            }
            for t in type_order
        ],
        "relations": [
            {
                "id": r,
                "index": rel_ids[r],
                "label": rel_labels[r],
                "color": rel_style[r],
                # Dashed lines cost several times a solid one in Chromium's software
                # rasteriser; large graphs tell relations apart by colour only.
                "dashes": None if large else RELATION_STYLE.get(r, ("", None))[1],
                "count": rel_counts[rel_ids[r]],
            }
            for r in rel_order
        ],
        "nodeType": node_types,
        "nodeTime": node_time,
        "edgeRel": edge_rel,
        "edgeTime": edge_time,
        "details": details,
        "edgeDetails": edge_details,
        "search": search,
        "events": folded_events,
        "families": families,
        "sources": sources,
        "responsibility": list(_events.RESPONSIBILITY),
        "physics": {"toggle": toggle, "start": physics is True},
        "arrowScale": _ARROW_SCALE if large else None,
        "later": later,
        "timeline": timeline,
        "timeOpen": [_periods.OPEN_START, _periods.OPEN_END],
        "normalize": normalize_tables(),
        # What the map draws: nodes and folded events that have coordinates (WGS 84 degrees).
        "geo": {"nodes": geo_nodes, "events": geo_events},
    }
    return payload, nodes, edges, options


def _rounded(where: tuple[float, float]) -> tuple[float, float]:
    # Four decimals of a degree are about 11 m: finer than any source places an event.
    return round(where[0], 4), round(where[1], 4)


def _edges(graph: nx.Graph) -> Iterable[tuple[Any, Any, Any, Mapping[str, Any]]]:
    if graph.is_multigraph():
        yield from graph.edges(keys=True, data=True)
    else:
        for u, v, attrs in graph.edges(data=True):
            yield u, v, attrs.get("key") or attrs.get("label"), attrs


def _words(name: str) -> str:
    """``"foundingDate"`` -> ``"founding date"``: an attribute name as words."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ")
    return spaced.lower() if spaced != name else name


def _attribute_labels(properties: Any) -> dict[str, str]:
    """Attribute name -> the property's label, from ``G.graph["properties"]``."""
    out: dict[str, str] = {}
    if isinstance(properties, Mapping):
        for curie, info in properties.items():
            if isinstance(info, Mapping) and info.get("label"):
                attribute = as_text(info.get("attribute")) or slug(as_text(curie))
                out.setdefault(attribute, as_text(info["label"]))
    return out


def _safe_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s]+$", url, re.IGNORECASE))
