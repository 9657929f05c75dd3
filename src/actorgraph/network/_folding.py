"""The ``"actors"`` view: events (attacks, fatwas, designations, ...) folded into actor-actor edges keyed
by the SPARQL path between the two actors (``"^ag:claimedBy/ag:target"``: claimed an attack on)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import networkx as nx

from actorgraph.network._filters import node_interval
from actorgraph.network._vocabulary import ACTOR_ROLES, OntologyView
from actorgraph.vocab._dates import date_bounds


def fold_actors(G: nx.MultiDiGraph, onto: OntologyView) -> nx.MultiDiGraph:
    def has_class(data: Mapping[str, Any], cls: str) -> bool:
        return any(cls in onto.ancestors(t) for t in data.get("types", []))

    actors = {n for n, d in G.nodes(data=True) if has_class(d, "ag:Actor")}
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
            (k, v, d) for _, v, k, d in G.out_edges(event, keys=True, data=True) if v in actors
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
    return H


def folded_event_names(graph: nx.Graph, full: nx.Graph) -> dict[str, dict[str, Any]]:
    """Name, aliases, type and date of the events folded into ``graph``'s edges, from ``full``.

    The actors view lists the events behind a tie by CURIE only and keeps this mapping in
    ``graph.graph["events"]``; use it for a graph you folded yourself.

    Returns
    -------
    dict
        Event CURIE -> ``{"label", "aliases", "type", "date", "earliest", "latest", "lat",
        "long"}`` (the keys the node has; ``lat`` and ``long`` are the event's own, else those of
        its ``ag:place``).
    """
    out: dict[str, dict[str, Any]] = {}
    for _u, _v, attrs in graph.edges(data=True):
        events = attrs.get("events")
        for event in events if isinstance(events, list) else []:
            if event in out or event not in full:
                continue
            data = full.nodes[event]
            names = ("label", "aliases", "type", "date", "earliest", "latest")
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
    try:
        lat, long = float(data["lat"]), float(data["long"])
    except (KeyError, TypeError, ValueError):
        return None
    if math.isfinite(lat) and math.isfinite(long) and abs(lat) <= 90 and abs(long) <= 180:
        return lat, long
    return None
