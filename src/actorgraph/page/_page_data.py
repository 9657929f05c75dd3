"""The page's data: a NetworkX graph turned into the nodes, edges, styles, layout and search tables the
viewer draws (graph -> data)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from actorgraph.network._folding import coordinates, event_coordinates
from actorgraph.page._families import FAMILY_KEYS, family_payload
from actorgraph.page._layout import edge_curves, layout
from actorgraph.page._search_tables import normalize_tables
from actorgraph.vocab import _names
from actorgraph.vocab._ontology import subclasses_of


def _timed_classes() -> frozenset[str]:
    """Classes whose instances the period hides outside its range: things that happen at a
    time (every event class of the ontology, and observations), not actors."""
    return subclasses_of("ag:Event") | subclasses_of("ag:Observation")


# Colour and shape by class. Unknown classes take colours from _PALETTE in sorted order.
_CLASS_STYLE: dict[str, tuple[str, str]] = {
    "ag:ArmedGroup": ("#d62728", "dot"),
    "ag:PoliticalParty": ("#1f77b4", "dot"),
    "ag:State": ("#2ca02c", "dot"),
    "ag:GovernmentBody": ("#17becf", "dot"),
    "ag:ReligiousOrganization": ("#9467bd", "dot"),
    "ag:InternationalOrganization": ("#8c564b", "dot"),
    "ag:Organization": ("#7f7f7f", "dot"),
    "ag:Actor": ("#7f7f7f", "dot"),
    "ag:Person": ("#ff7f0e", "triangle"),
    "ag:Cleric": ("#bcbd22", "triangle"),
    "ag:Attack": ("#e377c2", "square"),
    "ag:Assassination": ("#c7417b", "square"),
    "ag:Event": ("#f7b6d2", "square"),
    "ag:Negotiation": ("#98df8a", "square"),
    "ag:Ceasefire": ("#b5cf6b", "square"),
    "ag:MilitaryOperation": ("#637939", "square"),
    "ag:Advisory": ("#dbdb8d", "square"),
    "ag:Fatwa": ("#c5b0d5", "diamond"),
    "ag:Declaration": ("#aec7e8", "diamond"),
    "ag:Designation": ("#ff9896", "diamond"),
    "ag:Observation": ("#c49c94", "star"),
    "ag:Place": ("#9edae5", "triangleDown"),
    "ag:Source": ("#525252", "hexagon"),
    "ag:Ideology": ("#6b6ecf", "hexagon"),
    "ag:Practice": ("#9c9ede", "hexagon"),
    "ag:TargetCategory": ("#e7969c", "hexagon"),
    "ag:ActorCategory": ("#de9ed6", "hexagon"),
    "ag:AttackType": ("#cedb9c", "hexagon"),
}
_PALETTE = (
    "#393b79",
    "#5254a3",
    "#8ca252",
    "#bd9e39",
    "#ad494a",
    "#a55194",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
    "#fd8d3c",
)
# Edge style by relation: (colour, dash pattern or None). Unknown relations: palette, solid.
_RELATION_STYLE: dict[str, tuple[str, list[int] | None]] = {
    "ag:claimedBy": ("#d62728", None),
    "ag:attributedTo": ("#ff7f0e", [6, 4]),
    "ag:disownedBy": ("#7f7f7f", [2, 4]),
    "ag:target": ("#8c564b", None),
    "ag:victim": ("#8c564b", [2, 3]),
    "ag:place": ("#17becf", [1, 3]),
    "ag:alliedWith": ("#2ca02c", None),
    "ag:rivalOf": ("#9467bd", [8, 4]),
    "ag:opposes": ("#9467bd", None),
    "ag:splinterOf": ("#e377c2", [6, 3]),
    "ag:mergedInto": ("#e377c2", None),
    "ag:memberOf": ("#1f77b4", None),
    "ag:leaderOf": ("#1f77b4", [6, 3]),
    "ag:founderOf": ("#1f77b4", [2, 3]),
    "ag:issuedBy": ("#bcbd22", None),
    "ag:condemns": ("#bcbd22", [6, 3]),
    "ag:designatedBy": ("#ff9896", None),
    "ag:designatedGroup": ("#ff9896", [6, 3]),
    "ag:participant": ("#637939", None),
    "ag:mediator": ("#637939", [6, 3]),
    "ag:activeIn": ("#9edae5", [1, 3]),
    "ag:adheresTo": ("#6b6ecf", [6, 3]),
    "ag:recruitsFrom": ("#ad494a", [6, 3]),
    "ag:modeledOn": ("#a55194", [2, 3]),
    "ag:sameEventAs": ("#636363", [2, 2]),
}

# Classes hidden when the page opens (their filter box starts unchecked): sources have no
# relations in the graph, only claims that cite them.
_HIDDEN_CLASSES = frozenset({"ag:Source"})
# Relations that say who did an event: listed before the others in the side panel.
_RESPONSIBILITY = ("ag:claimedBy", "ag:attributedTo", "ag:disownedBy")

# Node attributes with a role of their own; every other attribute is shown as a literal.
_RESERVED_NODE_KEYS = (
    frozenset({"label", "type", "types", "aliases", "search", "statements", "earliest", "latest"})
    | FAMILY_KEYS
)
# A date at its precision: the year, and the month when the value has one.
_DATE_RE = re.compile(r"^(-?\d{4})(?:-(\d{2}))?")
# Times in the page are months, counted as year * 12 + month - 1; an interval open at one end
# reaches these (the widest years JSON carries without ceremony).
_OPEN_START = -9999 * 12
_OPEN_END = 9999 * 12 + 11
# Kinds of dated event in the timeline strip, in its stacking order.
_EVENT_KINDS = ("claimed or attributed", "imported", "other")
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
    geo_nodes: list[list[float]] = []  # [node index, lat, long, 1 if an event else 0]
    timed_classes = _timed_classes()
    for node in ids:
        attrs = graph.nodes[node]
        source_meta = sources_in.get(node) if isinstance(sources_in, Mapping) else None
        label = (
            _text(attrs.get("label"))
            or _text(attrs.get("title"))  # a source node carries its title, not a label
            or (_text(source_meta.get("title")) if isinstance(source_meta, Mapping) else "")
            or str(node)
        )
        type_ = _text(attrs.get("type")) or "(untyped)"
        types = [_text(t) for t in _as_list(attrs.get("types"))] or [type_]
        aliases = [_text(a) for a in _as_list(attrs.get("aliases")) if _text(a)]
        keys = attrs.get("search")
        if keys is None:
            key_set: set[str] = set()
            for name in [label, *aliases]:
                key_set |= _names.name_keys(name)
            keys = sorted(key_set)
        search.append(sorted({_text(k) for k in _as_list(keys) if _text(k)}))
        node_types.append(type_ids.setdefault(type_, len(type_ids)))
        detail: dict[str, Any] = {"id": str(node), "label": label, "type": type_}
        if types != [type_]:
            detail["types"] = types
        if aliases:
            detail["aliases"] = aliases
        literals = [
            [str(k), attr_labels.get(str(k)) or _words(str(k)), _display(v)]
            for k, v in sorted(attrs.items(), key=lambda kv: str(kv[0]))
            if str(k) not in _RESERVED_NODE_KEYS
        ]
        if literals:
            detail["attrs"] = literals
        for key in ("earliest", "latest"):
            if attrs.get(key) is not None:
                detail[key] = _text(attrs[key])
        statements = _statements(attrs.get("statements"))
        if statements:
            detail["statements"] = statements
        details.append(detail)
        timed = bool(timed_classes.intersection([type_, *types]))
        node_timed.append(timed)
        # Where it is: its own coordinates, or for an event those of the place it happened at.
        where = event_coordinates(graph, node) if timed else coordinates(attrs)
        if where is not None:
            geo_nodes.append([len(details) - 1, *_rounded(where), int(timed)])
        span = _span(attrs.get("earliest"), attrs.get("latest"))
        node_time.append(span if timed else None)

    rel_ids: dict[str, int] = {}
    rel_labels: dict[str, str] = {}
    pairs: list[tuple[int, int]] = []
    edge_rel: list[int] = []
    edge_details: list[dict[str, Any]] = []
    edge_time: list[list[int] | None] = []
    folded: dict[str, list[int]] = {}  # folded event -> the edges that carry it
    for u, v, key, attrs in _edges(graph):
        rel = _text(key) or "(related)"
        rel_labels.setdefault(rel, _text(attrs.get("label")) or _local_name(rel))
        pairs.append((index[u], index[v]))
        edge_rel.append(rel_ids.setdefault(rel, len(rel_ids)))
        statements = _statements(attrs.get("statements"))
        edge_detail: dict[str, Any] = {"rel": rel}
        if statements:
            edge_detail["statements"] = statements
        edge_sources = [_text(s) for s in _as_list(attrs.get("sources")) if _text(s)]
        if edge_sources:
            edge_detail["sources"] = edge_sources
        # The actors view folds events into ties; such an edge names the events it stands for.
        events = [_text(e) for e in _as_list(attrs.get("events")) if _text(e)]
        if events:
            edge_detail["events"] = events
            for e in events:
                folded.setdefault(e, []).append(len(edge_details))
        for k in ("start", "end", "earliest", "latest"):
            if attrs.get(k) is not None:
                edge_detail[k] = _text(attrs[k])
        edge_details.append(edge_detail)
        starts = [_start(attrs.get("start")), _start(attrs.get("earliest"))]
        starts += [_start(s.get("start")) for s in statements]
        ends = [_end(attrs.get("end")), _end(attrs.get("latest"))]
        ends += [_end(s.get("end")) for s in statements]
        lo_e = min((y for y in starts if y is not None), default=None)
        hi_e = max((y for y in ends if y is not None), default=None)
        edge_time.append(None if lo_e is None and hi_e is None else _interval(lo_e, hi_e))

    folded_events = _folded_events(folded, graph.graph.get("events"), index, details, graph)
    geo_events: list[list[float]] = []  # [folded event index, lat, long]
    for position, event in enumerate(folded_events):
        where = event.pop("where", None)
        if where is not None:
            geo_events.append([position, *_rounded(where)])
    families, family_details = family_payload(graph, ids)
    for i, family in family_details.items():
        details[i]["family"] = family
    timeline = _timeline(graph, ids, folded, edge_rel, list(rel_ids))
    xs, ys = layout(len(ids), pairs, seed)
    type_order = sorted(type_ids, key=lambda t: (t not in _CLASS_STYLE, t))
    type_style = _styles(type_order, {k: v[0] for k, v in _CLASS_STYLE.items()})
    rel_order = sorted(rel_ids, key=lambda r: (r not in _RELATION_STYLE, r))
    rel_style = _styles(rel_order, {k: v[0] for k, v in _RELATION_STYLE.items()})
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
                "shape": _CLASS_STYLE.get(t, (None, "dot"))[1],
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
                info = {str(k): _text(v) for k, v in meta.items() if v is not None}
                url = info.pop("url", "")
                if _safe_url(url):
                    info["url"] = url
                sources[str(curie)] = info
    payload: dict[str, Any] = {
        "types": [
            {
                "id": t,
                "index": type_ids[t],
                "label": _local_name(t),
                "color": type_style[t],
                "shape": _CLASS_STYLE.get(t, (None, "dot"))[1],
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
                "dashes": None if large else _RELATION_STYLE.get(r, ("", None))[1],
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
        "responsibility": list(_RESPONSIBILITY),
        "physics": {"toggle": toggle, "start": physics is True},
        "arrowScale": _ARROW_SCALE if large else None,
        "later": later,
        "timeline": timeline,
        "timeOpen": [_OPEN_START, _OPEN_END],
        "normalize": normalize_tables(),
        # What the map draws: nodes and folded events that have coordinates (WGS 84 degrees).
        "geo": {"nodes": geo_nodes, "events": geo_events},
    }
    return payload, nodes, edges, options


def _folded_events(
    folded: Mapping[str, list[int]],
    known: Any,
    index: Mapping[Any, int],
    details: list[dict[str, Any]],
    graph: nx.Graph | None = None,
) -> list[dict[str, Any]]:
    """The events that folded edges stand for, with names to find them by.

    Names come from the event's node when the graph has it, else from ``G.graph["events"]``
    (CURIE -> ``label``, ``aliases``, ``type``, ``date``, ``lat``, ``long``), else from the
    CURIE's slug. An event with coordinates carries them as ``where`` (lat, long).
    """
    out = []
    for curie in sorted(folded):
        info: Mapping[str, Any] = {}
        if curie in index:
            info = details[index[curie]]
        elif isinstance(known, Mapping) and isinstance(known.get(curie), Mapping):
            info = known[curie]
        label = _text(info.get("label")) or _slug(curie).replace("-", " ")
        aliases = [_text(a) for a in _as_list(info.get("aliases")) if _text(a)]
        keys: set[str] = {_names.normalize_name(_slug(curie))}
        for name in [label, *aliases]:
            keys |= _names.name_keys(name)
        event: dict[str, Any] = {
            "id": curie,
            "label": label,
            "edges": folded[curie],
            "search": sorted(k for k in keys if k),
        }
        if aliases:
            event["aliases"] = aliases
        for key in ("type", "date"):
            if info.get(key):
                event[key] = _text(info[key])
        # The period filter's interval for the event itself (its ties span all their events).
        time = _span(
            info.get("earliest") or info.get("date"), info.get("latest") or info.get("date")
        )
        if time is not None:
            event["time"] = time
        where = (
            event_coordinates(graph, curie)
            if graph is not None and curie in index
            else coordinates(info)
        )
        if where is not None:
            event["where"] = where
        out.append(event)
    return out


def _rounded(where: tuple[float, float]) -> tuple[float, float]:
    # Four decimals of a degree are about 11 m: finer than any source places an event.
    return round(where[0], 4), round(where[1], 4)


def _timeline(
    graph: nx.Graph,
    ids: list[Any],
    folded: Mapping[str, list[int]],
    edge_rel: list[int],
    rel_names: list[str],
) -> dict[str, Any]:
    """The dated events the timeline strip counts: each once, in the month it began.

    An event is an ``ag:Event`` node, or an event folded into ties (the actors view) that is not a
    node of the graph. Its kind: ``imported`` when it is a dataset's row (``sourceRecord``),
    else ``claimed or attributed`` when a tie says who claimed it or is held responsible, else
    ``other``. Events dated to the year only are listed apart (``yearOnly``: their years): the strip
    has no month to put them in.
    """
    event_classes = subclasses_of("ag:Event")
    responsible = frozenset(_RESPONSIBILITY[:2])  # claimed by, attributed to
    months: list[int] = []
    kinds: list[int] = []
    year_only: list[int] = []

    def add(when: Any, kind: int) -> None:
        bounds = _months(when)
        if bounds is None:
            return
        if bounds[0] != bounds[1]:
            year_only.append(bounds[0] // 12)
            return
        months.append(bounds[0])
        kinds.append(kind)

    for node in ids:
        attrs = graph.nodes[node]
        types = {_text(attrs.get("type")), *(_text(t) for t in _as_list(attrs.get("types")))}
        if not event_classes.intersection(types):
            continue
        if attrs.get("sourceRecord") is not None:
            kind = 1
        elif graph.is_directed() and any(_text(k) in responsible for k in _out_keys(graph, node)):
            kind = 0
        else:
            kind = 2
        # The date at its own precision ("2014"), else the first day it may have been.
        add(attrs.get("date") or attrs.get("earliest") or attrs.get("latest"), kind)
    known = graph.graph.get("events")
    for curie, carriers in sorted(folded.items()):
        if curie in graph:
            continue  # counted as a node
        info = known.get(curie) if isinstance(known, Mapping) else None
        if not isinstance(info, Mapping):
            continue
        if info.get("sourceRecord") is not None:
            kind = 1
        elif any(
            rel_names[edge_rel[e]].split("/", 1)[0].lstrip("^") in responsible for e in carriers
        ):
            kind = 0
        else:
            kind = 2
        add(info.get("date"), kind)
    return {
        "months": months,
        "kinds": kinds,
        "kindNames": list(_EVENT_KINDS),
        "yearOnly": year_only,
    }


def _out_keys(graph: nx.Graph, node: Any) -> Iterable[Any]:
    if graph.is_multigraph():
        return (k for _u, _v, k in graph.out_edges(node, keys=True))
    return (d.get("key", d.get("label")) for _u, _v, d in graph.out_edges(node, data=True))


def _edges(graph: nx.Graph) -> Iterable[tuple[Any, Any, Any, Mapping[str, Any]]]:
    if graph.is_multigraph():
        yield from graph.edges(keys=True, data=True)
    else:
        for u, v, attrs in graph.edges(data=True):
            yield u, v, attrs.get("key") or attrs.get("label"), attrs


def _statements(value: Any) -> list[dict[str, Any]]:
    """Keep statement dicts, with JSON-safe values."""
    return [
        {str(k): _json_value(v) for k, v in item.items() if v is not None}
        for item in _as_list(value)
        if isinstance(item, Mapping)
    ]


def _json_value(value: Any) -> bool | int | float | str:
    if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
        return value
    return _text(value)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _display(value: Any) -> str | list[str]:
    """An attribute's value as text; several values stay a list (the page puts one a line)."""
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    if isinstance(value, list | tuple):
        items = [_text(v) for v in value]
        return items[0] if len(items) == 1 else items
    return _text(value)


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
                attribute = _text(info.get("attribute")) or _slug(_text(curie))
                out.setdefault(attribute, _text(info["label"]))
    return out


def _months(value: Any) -> tuple[int, int] | None:
    """The first and last month a date covers at its precision ("2023" is January to December)."""
    if value is None:
        return None
    match = _DATE_RE.match(_text(value).strip())
    if not match:
        return None
    year = int(match.group(1)) * 12
    month = int(match.group(2) or 0)
    if 1 <= month <= 12:
        return year + month - 1, year + month - 1
    return year, year + 11


def _span(earliest: Any, latest: Any) -> list[int] | None:
    """The months from the first of ``earliest`` to the last of ``latest``; one of them alone
    stands for both ("2015" alone: all of 2015); ``None`` when neither is a date."""
    first, last = _months(earliest), _months(latest)
    first, last = first or last, last or first
    if first is None or last is None:
        return None
    return [first[0], last[1]]


def _start(value: Any) -> int | None:
    bounds = _months(value)
    return None if bounds is None else bounds[0]


def _end(value: Any) -> int | None:
    bounds = _months(value)
    return None if bounds is None else bounds[1]


def _interval(lo: int | None, hi: int | None) -> list[int]:
    return [lo if lo is not None else _OPEN_START, hi if hi is not None else _OPEN_END]


def _slug(curie: str) -> str:
    return curie.rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def _local_name(curie: str) -> str:
    name = curie.rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    # camelCase -> words, for legends: "ArmedGroup" -> "Armed group"
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).split(" ")
    text = " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name
    return text or curie


def _styles(order: list[str], fixed: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    spare = 0
    for key in order:
        if key in fixed:
            out[key] = fixed[key]
        else:
            out[key] = _PALETTE[spare % len(_PALETTE)]
            spare += 1
    return out


def _safe_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s]+$", url, re.IGNORECASE))
