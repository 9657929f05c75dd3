"""Dates and filters of a projection: time intervals of nodes and edges (``as_of``, ``between``),
types, relations, and the neighbourhood of a focus node found by name."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

import networkx as nx

from actorgraph._errors import UsageError
from actorgraph.network._vocabulary import OntologyView, path_parts
from actorgraph.vocab._dates import date_bounds
from actorgraph.vocab._name_index import NameIndex
from actorgraph.vocab._namespaces import curie

# ----------------------------------------------------------------------------------------------
# Dates and filters


def _interval(
    earliest: Any, latest: Any, start: Any = None, end: Any = None
) -> tuple[str | None, str | None]:
    lo = min(earliest) if isinstance(earliest, list) else earliest
    hi = max(latest) if isinstance(latest, list) else latest
    if lo is None and start is not None:
        lo = date_bounds(start)[0]
    if hi is None and end is not None:
        hi = date_bounds(end)[1]
    return lo, hi


def node_interval(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return _interval(data.get("earliest"), data.get("latest"))


def _edge_intervals(data: Mapping[str, Any]) -> list[tuple[str | None, str | None]]:
    if "events" in data:  # a folded edge: when its events happened
        if "earliest" in data or "latest" in data:
            return [(data.get("earliest"), data.get("latest"))]
        return []
    out = []
    for st in data.get("statements", []):
        lo, hi = _interval(st.get("earliest"), st.get("latest"), st.get("start"), st.get("end"))
        if lo is not None or hi is not None:
            out.append((lo, hi))
    return out


#: Properties whose open-ended terms end where another subject's term for the same object begins
#: (a leader's term runs until the next leader's, as the saved query leader-at-date reads it).
_SUCCESSIVE_TERMS = {"ag:leaderOf"}


def _joined_interval(
    intervals: list[tuple[str | None, str | None]], successor_start: str | None
) -> tuple[str | None, str | None]:
    """One interval for an edge from its statements' intervals.

    Sources often give only a start or only an end of the same term; the edge runs from the
    earliest known start to the latest known end (as the profile and the page show it). An
    open end stops the day before a successor's term begins, where there is one.
    """
    starts = [lo for lo, _ in intervals if lo is not None]
    ends = [hi for _, hi in intervals if hi is not None]
    lo = min(starts) if starts else None
    hi = max(ends) if ends else None
    if hi is None and successor_start is not None:
        hi = (_dt.date.fromisoformat(successor_start) - _dt.timedelta(days=1)).isoformat()
    return lo, hi


def _open_term_ends(G: nx.MultiDiGraph) -> dict[tuple[Any, Any, Any], str]:
    """For each edge of a successive-terms property, the start of the next term of its object."""
    starts: dict[tuple[Any, Any], list[tuple[str, Any]]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in _SUCCESSIVE_TERMS:
            known = [lo for lo, _ in _edge_intervals(d) if lo is not None]
            if known:
                starts.setdefault((v, k), []).append((min(known), u))
    ends: dict[tuple[Any, Any, Any], str] = {}
    for (v, k), terms in starts.items():
        for lo, u in terms:
            later = [other_lo for other_lo, other in terms if other != u and other_lo > lo]
            if later:
                ends[(u, v, k)] = min(later)
    return ends


def _overlaps(lo: str | None, hi: str | None, start: str, end: str) -> bool:
    return (lo is None or lo <= end) and (hi is None or hi >= start)


def _class_curie(name: str) -> str:
    if "://" in name:
        return curie(name)
    return name if ":" in name else f"ag:{name}"


def filter_graph(
    G: nx.MultiDiGraph,
    onto: OntologyView,
    *,
    as_of: Any,
    between: Any,
    types: Sequence[str] | None,
    relations: Sequence[str] | None,
) -> None:
    if types:
        wanted = {_class_curie(t) for t in ([types] if isinstance(types, str) else types)}
        unknown = sorted(wanted - onto.classes) if onto.classes else []
        if unknown:
            raise UsageError(
                f"unknown class(es) {', '.join(unknown)}; use classes of the ontology such as "
                "ag:Actor, ag:ArmedGroup, ag:Event, ag:Attack, ag:Place"
            )
        drop = [
            n
            for n, d in G.nodes(data=True)
            if not any(onto.ancestors(t) & wanted for t in d.get("types", []))
        ]
        G.remove_nodes_from(drop)
    window: tuple[str, str] | None = None
    point = False
    if as_of is not None and between is not None:
        raise UsageError("give as_of or between, not both")
    if as_of is not None:
        day = date_bounds(as_of)[1]
        window, point = (day, day), True
    elif between is not None:
        if isinstance(between, str | bytes) or len(between) != 2:
            raise UsageError("between takes two dates: (start, end)")
        window = (date_bounds(between[0])[0], date_bounds(between[1])[1])
        if window[0] > window[1]:
            raise UsageError(f"between: the start {between[0]} is after the end {between[1]}")
    if window is not None:
        start, end = window
        events = set()
        drop = []
        for n, d in G.nodes(data=True):
            is_event = any("ag:Event" in onto.ancestors(t) for t in d.get("types", []))
            lo, hi = node_interval(d)
            if is_event:
                events.add(n)
            # An event that happened by then stays; anything else must overlap the window.
            keep = (
                (lo is None or lo <= end) if point and is_event else _overlaps(lo, hi, start, end)
            )
            if not keep:
                drop.append(n)
        G.remove_nodes_from(drop)
        drop_edges = []
        term_ends = _open_term_ends(G)
        for u, v, k, d in G.edges(keys=True, data=True):
            intervals = _edge_intervals(d)
            if not intervals:
                continue
            if "events" not in d:
                intervals = [_joined_interval(intervals, term_ends.get((u, v, k)))]
            if point and (u in events or "events" in d):
                keep = any(lo is None or lo <= end for lo, _ in intervals)
            else:
                keep = any(_overlaps(lo, hi, start, end) for lo, hi in intervals)
            if not keep:
                drop_edges.append((u, v, k))
        G.remove_edges_from(drop_edges)
    if relations:
        wanted_rel = {
            _class_curie(r) for r in ([relations] if isinstance(relations, str) else relations)
        }
        drop_edges = [
            (u, v, k)
            for u, v, k in G.edges(keys=True)
            if not (k in wanted_rel or set(path_parts(k)) & wanted_rel)
        ]
        G.remove_edges_from(drop_edges)


def focus_nodes(kg: Any, G: nx.MultiDiGraph, focus: str | Sequence[str]) -> list[str]:
    names = [focus] if isinstance(focus, str) else list(focus)
    resolver = getattr(kg, "resolve", None)
    out = []
    index: NameIndex | None = None
    for name in names:
        if name in G:
            out.append(name)
            continue
        if callable(resolver):
            out.append(str(resolver(name)))
            continue
        if index is None:
            index = names_of(G)
        out.append(index.resolve(name))
    return out


def names_of(G: nx.Graph) -> NameIndex:
    """Return a :class:`~actorgraph.vocab._name_index.NameIndex` of a projected graph's labels and aliases.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:iskp", label="Islamic State Khorasan Province", aliases=["ISIS-K"])
    >>> names_of(G).resolve("isis–k")
    'agd:iskp'
    """
    entries: list[tuple[str, str, bool]] = []
    ranks = {
        node: 0 if "ag:ArmedGroup" in types else 2 if "ag:Place" in types else 1
        for node, data in G.nodes(data=True)
        if (types := set(data.get("types") or [data.get("type")]))
    }
    for node, data in G.nodes(data=True):
        labels = data.get("label")
        for label in labels if isinstance(labels, list) else [labels] if labels else []:
            entries.append((node, str(label), True))
        entries.extend((node, str(alias), False) for alias in data.get("aliases", []))
        if not labels:
            entries.append((node, node, True))
    return NameIndex(entries, ranks)


def resolve_node(G: nx.Graph, name: str) -> str:
    """Return the node a name means in ``G``: a node id, a label or an alias.

    Raises
    ------
    UnknownNameError
        If no node or several nodes have that name; the message lists close matches.
    """
    if name in G:
        return name
    if "://" in name and curie(name) in G:
        return curie(name)
    return names_of(G).resolve(name)
