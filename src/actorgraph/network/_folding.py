"""The ``"actors"`` view: events (attacks, fatwas, designations, ...) folded into actor-actor edges keyed
by the SPARQL path between the two actors (``"^ag:claimedBy/ag:target"``: claimed an attack on)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx

from actorgraph.network._filters import node_interval
from actorgraph.network._values import differs, iri_of, lexical_of, values_at
from actorgraph.network._vocabulary import (
    ACTOR_ROLES,
    IRI_TAG,
    STATEMENT_FIELDS,
    OntologyView,
    path_parts,
)
from actorgraph.vocab._dates import date_bounds
from actorgraph.vocab._namespaces import curie


def fold_actors(G: nx.MultiDiGraph, onto: OntologyView) -> nx.MultiDiGraph:
    known: dict[tuple[str, tuple[str, ...]], bool] = {}  # a few tuples of types, over and over

    def has_class(data: Mapping[str, Any], cls: str) -> bool:
        types = tuple(data.get("types", ()))
        found = known.get((cls, types))
        if found is None:
            found = known[(cls, types)] = any(cls in onto.ancestors(t) for t in types)
        return found

    actors = {n for n, d in G.nodes(data=True) if has_class(d, "ag:Actor")}
    succ = G._succ  # the out-edges of each event, read as G.out_edges gives them
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["view"] = "actors"
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(actors))
    H.add_edges_from(
        (u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in actors and v in actors
    )
    folded: dict[tuple[str, str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str, str], set[Any]] = {}
    for event, data in G.nodes(data=True):
        if event in actors or not has_class(data, "ag:Event"):
            continue
        roles = [
            (k, v, d) for v, keyed in succ[event].items() if v in actors for k, d in keyed.items()
        ]
        for role_a, actor_a, data_a in roles:
            for role_b, actor_b, data_b in roles:
                label = ACTOR_ROLES.get((role_a, role_b))
                if label is None or actor_a == actor_b:
                    continue
                if role_a == role_b and actor_a > actor_b:
                    continue  # participants: one edge per pair
                key = f"^{role_a}/{role_b}"
                edge = folded.get((actor_a, actor_b, key))
                if edge is None:
                    edge = folded[(actor_a, actor_b, key)] = {
                        "label": label,
                        "events": [],
                        "statements": [],
                        "sources": [],
                    }
                    seen[(actor_a, actor_b, key)] = set()
                done = seen[(actor_a, actor_b, key)]  # sets, not list scans: nothing quadratic
                if event not in done:
                    done.add(event)
                    edge["events"].append(event)
                for role, actor, d in ((role_a, actor_a, data_a), (role_b, actor_b, data_b)):
                    for st in d.get("statements", []):
                        mark = (event, role, actor, st.get("id"))
                        if mark not in done:
                            done.add(mark)
                            edge["statements"].append(
                                {**st, "subject": event, "property": role, "object": actor}
                            )
                lo, hi = node_interval(data)
                if lo is not None:
                    edge["earliest"] = min(edge.get("earliest", lo), lo)
                if hi is not None:
                    edge["latest"] = max(edge.get("latest", hi), hi)
    rows = []
    for (a, b, key), edge in sorted(folded.items()):
        edge["events"].sort()
        edge["statements"].sort(key=lambda r: (r["subject"], r["id"]))
        edge["sources"] = sorted(
            {st["source"] for st in edge["statements"] if isinstance(st.get("source"), str)}
        )
        dates = [G.nodes[e].get("date") for e in edge["events"]]
        dates = [d for d in dates if isinstance(d, str)]
        if dates:
            edge["start"] = min(dates, key=lambda d: date_bounds(d)[0])
            edge["end"] = max(dates, key=lambda d: date_bounds(d)[1])
        rows.append((a, b, key, edge))
    H.add_edges_from(rows)
    # The folded events leave the graph as nodes; their names stay, so that a page or a reader can
    # find "the Bajaur attack" among the ties that carry it.
    H.graph["events"] = folded_event_names(H, G)
    describe_view(H, onto)
    return H


_NOT_VALUES = {"id", "subject", "property", "object"}
_FIELD_PROPERTIES = {field: curie(prop) for prop, field in STATEMENT_FIELDS.items()}


def describe_view(H: nx.MultiDiGraph, onto: OntologyView) -> None:
    """Make ``H.graph["properties"]`` and ``["literals"]`` describe what the view holds.

    The projection a view is folded from describes its whole graph; the view keeps the
    properties its nodes, edges and statements use, each property's usual tag counted over the
    values the view holds, and the values that differ from it. A value's own tag is known from
    the projection's description (its usual tag, unless the value is listed apart), so the view
    gets the same description however much of the graph was read.
    """
    props: dict[str, dict[str, str]] = H.graph.get("properties", {})
    by_attribute = {e["attribute"]: c for c, e in props.items() if "attribute" in e}
    listed = {(o, k, at): (v, lex, tag) for o, k, at, v, lex, tag in H.graph.get("literals", [])}
    found: dict[tuple[str, str, int], tuple[str, Any]] = {}  # (owner, key, at) -> (prop, value)
    used: set[str] = set()
    attributes: dict[str, str] = {}

    def statement(record: Mapping[str, Any]) -> None:
        if "property" in record:
            used.add(record["property"])
        for key in record:
            if key in _NOT_VALUES:
                continue
            prop = record["property"] if key == "value" else _FIELD_PROPERTIES.get(key, key)
            for at, value in enumerate(values_at(record, key)):
                found[(record["id"], key, at)] = (prop, value)

    for node, data in H.nodes(data=True):
        for key in data:
            prop = by_attribute.get(key)
            if prop is not None:
                attributes[prop] = key
                for at, value in enumerate(values_at(data, key)):
                    found[(node, key, at)] = (prop, value)
        for record in data.get("statements", []):
            statement(record)
    for _, _, key, data in H.edges(keys=True, data=True):
        used.update(path_parts(key) or [key])
        for record in data.get("statements", []):
            statement(record)
    tags: dict[str, dict[str, int]] = {}
    values = []
    for (owner, key, at), (prop, held) in found.items():
        known = listed.get((owner, key, at))
        if known is None:
            tag = props[prop]["literal"]
            value = held
            lexical = iri_of(str(held)) if tag == IRI_TAG else lexical_of(held)
        else:
            value, lexical, tag = known
        counts = tags.setdefault(prop, {})
        counts[tag] = counts.get(tag, 0) + 1
        values.append([owner, key, at, value, lexical, tag])
    usual = {prop: max((n, tag) for tag, n in counts.items())[1] for prop, counts in tags.items()}
    exceptions = sorted(
        (
            entry
            for entry in values
            if differs(entry[3], entry[4], entry[5], usual[_prop(entry, found)])
        ),
        key=lambda entry: (entry[0], entry[1], entry[2]),
    )
    described: dict[str, dict[str, str]] = {}
    for prop in sorted(used | tags.keys()):
        entry = {"label": onto.label(prop)}
        if prop in attributes:
            entry["attribute"] = attributes[prop]
        if prop in usual:
            entry["literal"] = usual[prop]
        described[prop] = entry
    H.graph["properties"] = described
    H.graph.pop("literals", None)
    if exceptions:
        H.graph["literals"] = exceptions


def _prop(entry: list[Any], found: Mapping[tuple[str, str, int], tuple[str, Any]]) -> str:
    return found[(entry[0], entry[1], entry[2])][0]


def folded_event_names(graph: nx.Graph, full: nx.Graph) -> dict[str, dict[str, Any]]:
    """Name, aliases, type and date of the events folded into ``graph``'s edges, from ``full``.

    The actors view lists the events behind a tie by CURIE only and keeps this mapping in
    ``graph.graph["events"]``; use it for a graph you folded yourself.

    Returns
    -------
    dict
        Event CURIE -> ``{"label", "aliases", "type", "date", "earliest", "latest", "sourceRecord",
        "lat", "long"}`` (the keys the node has; ``sourceRecord`` marks a dataset's row; ``lat`` and
        ``long`` are the event's own, else those of its ``ag:place``).
    """
    out: dict[str, dict[str, Any]] = {}
    for _u, _v, attrs in graph.edges(data=True):
        events = attrs.get("events")
        for event in events if isinstance(events, list) else []:
            if event in out or event not in full:
                continue
            data = full.nodes[event]
            names = ("label", "aliases", "type", "date", "earliest", "latest", "sourceRecord")
            out[event] = {k: data[k] for k in names if k in data}
            where = event_coordinates(full, event)
            if where is not None:
                out[event]["lat"], out[event]["long"] = where
    return out


def event_coordinates(graph: nx.Graph, node: Any) -> tuple[float, float] | None:
    """A node's ``lat`` and ``long`` (WGS 84 degrees), else those of the place it happened at.

    The place is the first ``ag:place`` neighbour (in the graph's order) that has coordinates.
    ``None`` when neither has them.
    """
    own = coordinates(graph.nodes[node])
    if own is not None or not graph.is_multigraph():
        return own
    for _, place, key in graph.out_edges(node, keys=True):
        if key == "ag:place":
            found = coordinates(graph.nodes[place])
            if found is not None:
                return found
    return None


def coordinates(data: Mapping[str, Any]) -> tuple[float, float] | None:
    """``(lat, long)`` from node attributes, when both are finite numbers in range."""
    if "lat" not in data or "long" not in data:
        return None  # most nodes: not raising KeyError for them saves its cost
    try:
        lat, long = float(data["lat"]), float(data["long"])
    except (KeyError, TypeError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(long) and abs(lat) <= 90 and abs(long) <= 180:
        return lat, long
    return None
