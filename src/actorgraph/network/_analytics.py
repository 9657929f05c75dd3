"""Analytics for analysts on a projected graph: centrality, communities, paths, ego networks, timelines.

Every function takes the :class:`networkx.MultiDiGraph` of :func:`actorgraph.to_networkx` and names
through :func:`actorgraph.network._filters.resolve_node` (a node id, a label or any alias), so
``shortest_path_claims(G, "ISKP", "JUI-F")`` works as typed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import networkx as nx

from actorgraph._errors import UsageError
from actorgraph.network._filters import node_interval, resolve_node
from actorgraph.vocab._dates import date_bounds
from actorgraph.vocab._ontology import subclasses_of

__all__ = [
    "MEASURES",
    "centrality",
    "communities",
    "ego_network",
    "format_path",
    "shortest_path_claims",
    "timeline",
]

#: The centrality measures :func:`centrality` computes.
MEASURES = ("degree", "betweenness", "pagerank")


def _simple(G: nx.Graph, *, directed: bool) -> nx.Graph:
    """Collapse parallel edges (several properties between two nodes) into one, weight = count."""
    H: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    H.add_nodes_from(G.nodes)
    weights: dict[tuple[Any, Any], int] = {}
    for u, v in G.edges():
        if u == v:
            continue
        key = (u, v) if directed or str(u) <= str(v) else (v, u)
        weights[key] = weights.get(key, 0) + 1
    H.add_edges_from((u, v, {"weight": w}) for (u, v), w in weights.items())
    return H


def centrality(
    G: nx.Graph,
    measures: Sequence[str] = MEASURES,
    *,
    top: int | None = None,
    sort_by: str | None = None,
) -> list[dict[str, Any]]:
    """Rank nodes by degree, betweenness and PageRank centrality.

    Degree and betweenness are computed on the undirected graph with parallel edges merged;
    PageRank on the directed graph, each edge weighted by how many properties link the two nodes.

    Parameters
    ----------
    G
        A projected graph (the ``"actors"`` view is the usual choice).
    measures
        Any of :data:`MEASURES`.
    top
        Keep only the first ``top`` rows.
    sort_by
        The measure to rank by (default: the first of ``measures``); ties go by node id.

    Returns
    -------
    list of dict
        One row per node: ``rank``, ``node``, ``label``, ``type`` and one value per measure.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b", "ag:alliedWith"), ("b", "c", "ag:rivalOf")])
    >>> [row["node"] for row in centrality(G, ["degree"])]
    ['b', 'a', 'c']
    """
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise UsageError(f"unknown centrality measure(s) {unknown}: use {', '.join(MEASURES)}")
    sort_by = sort_by or measures[0]
    if sort_by not in measures:
        raise UsageError(f"sort_by={sort_by!r} is not one of the measures asked for")
    values: dict[str, dict[Any, float]] = {}
    undirected = _simple(G, directed=False)
    if "degree" in measures:
        values["degree"] = nx.degree_centrality(undirected) if len(G) > 1 else dict.fromkeys(G, 0.0)
    if "betweenness" in measures:
        values["betweenness"] = nx.betweenness_centrality(undirected)
    if "pagerank" in measures:
        values["pagerank"] = _pagerank(_simple(G, directed=True)) if len(G) else {}
    rows = []
    for node, data in G.nodes(data=True):
        row: dict[str, Any] = {"node": node}
        if "label" in data:
            row["label"] = data["label"]
        if "type" in data:
            row["type"] = data["type"]
        for measure in measures:
            row[measure] = float(values[measure].get(node, 0.0))
        rows.append(row)
    rows.sort(key=lambda r: (-r[sort_by], str(r["node"])))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows[:top] if top is not None else rows


def communities(G: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> list[list[str]]:
    """Find communities with the Louvain method (reproducible for a given ``seed``).

    Returns
    -------
    list of list of str
        Communities, largest first; each a sorted list of node ids.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b", "ag:alliedWith"), ("c", "d", "ag:alliedWith")])
    >>> communities(G, seed=1)
    [['a', 'b'], ['c', 'd']]
    """
    undirected = _simple(G, directed=False)
    found = nx.community.louvain_communities(
        undirected, weight="weight", resolution=resolution, seed=seed
    )
    groups = [sorted(str(n) for n in group) for group in found]
    groups.sort(key=lambda g: (-len(g), g))
    return groups


def _pagerank(G: nx.DiGraph) -> dict[Any, float]:
    """PageRank (damping 0.85, edge weights) computed by igraph.

    NetworkX's own ``pagerank`` needs SciPy, which actorgraph does not depend on; igraph (a
    dependency, for the page's layout) computes the same measure with PRPACK, dangling nodes
    spread uniformly as in NetworkX.
    """
    import igraph  # noqa: PLC0415 - imported with the analytics only

    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    weights = [float(data.get("weight", 1.0)) for _, _, data in G.edges(data=True)]
    graph = igraph.Graph(n=len(nodes), edges=edges, directed=True)
    scores = graph.pagerank(damping=0.85, weights=weights if edges else None, directed=True)
    return dict(zip(nodes, scores, strict=True))


def shortest_path_claims(G: nx.Graph, a: str, b: str) -> list[dict[str, Any]]:
    """Return the shortest chain of sourced claims that connects two entities.

    Edges are followed in either direction; each step keeps the direction of its claim.

    Returns
    -------
    list of dict
        One step per edge, in order from ``a`` to ``b``: ``subject``, ``property``, ``object``
        (node ids), ``forward`` (the claim runs in the path's direction, from the step's first node
        to its next), ``label`` (the property's), ``subject_label``, ``object_label``,
        ``statements`` and ``sources``.

    Raises
    ------
    UnknownNameError
        If a name means no node or several.
    UsageError
        If no path connects them.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:iskp", label="ISIS-K")
    >>> G.add_node("agd:ttp", label="TTP")
    >>> G.add_edge("agd:iskp", "agd:ttp", key="ag:recruitsFrom", label="recruits from",
    ...            statements=[{"source": "ags:x", "claim": "X says so."}], sources=["ags:x"])
    'ag:recruitsFrom'
    >>> print(format_path(shortest_path_claims(G, "ISIS-K", "TTP")))
    ISIS-K —recruits from→ TTP [ags:x: X says so.]
    >>> print(format_path(shortest_path_claims(G, "TTP", "ISIS-K")))
    TTP ←recruits from— ISIS-K [ags:x: X says so.]
    """
    start, end = resolve_node(G, a), resolve_node(G, b)
    undirected = G.to_undirected(as_view=True)
    try:
        nodes = nx.shortest_path(undirected, start, end)
    except nx.NetworkXNoPath:
        raise UsageError(
            f"no chain of claims connects {_label(G, start)} and {_label(G, end)} in this view"
        ) from None
    steps = []
    for u, v in itertools.pairwise(nodes):
        forward = G.get_edge_data(u, v) or {}
        backward = G.get_edge_data(v, u) or {}
        candidates = [(u, v, k, d) for k, d in forward.items()]
        candidates += [(v, u, k, d) for k, d in backward.items()]
        # The best-sourced claim first, then by property for a stable answer.
        s, o, key, data = max(
            candidates, key=lambda c: (len(c[3].get("sources", [])), str(c[2]) == "", str(c[2]))
        )
        steps.append(
            {
                "subject": s,
                "property": key,
                "object": o,
                "forward": s == u,
                "label": data.get("label", key),
                "subject_label": _label(G, s),
                "object_label": _label(G, o),
                "statements": data.get("statements", []),
                "sources": data.get("sources", []),
            }
        )
    return steps


def _label(G: nx.Graph, node: Any) -> str:
    label = G.nodes[node].get("label") if node in G else None
    return str(label) if isinstance(label, str) else str(node)


def format_path(steps: Sequence[dict[str, Any]]) -> str:
    """Print a path of :func:`shortest_path_claims` as one line per claim with its sources."""
    lines = []
    for step in steps:
        claims = "; ".join(
            f"{st.get('source', '?')}: {st.get('claim', '')}".strip() for st in step["statements"]
        )
        # The path reads from the first name to the second; a claim stated the other way round
        # keeps its direction with a backward arrow.
        if step.get("forward", True):
            tie = f"{step['subject_label']} —{step['label']}→ {step['object_label']}"
        else:
            tie = f"{step['object_label']} ←{step['label']}— {step['subject_label']}"
        lines.append(tie + (f" [{claims}]" if claims else " [no statement]"))
    return "\n".join(lines)


def ego_network(G: nx.Graph, name: str, radius: int = 1) -> nx.MultiDiGraph:
    """Return the subgraph within ``radius`` edges (either direction) of an entity.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b", "k"), ("b", "c", "k"), ("c", "d", "k")])
    >>> sorted(ego_network(G, "b"))
    ['a', 'b', 'c']
    """
    if radius < 0:
        raise UsageError("radius must be 0 or more")
    centre = resolve_node(G, name)
    ego: nx.MultiDiGraph = nx.ego_graph(G, centre, radius=radius, undirected=True).copy()
    ego.graph["focus"] = centre
    return ego


def timeline(G: nx.Graph, name: str) -> list[dict[str, Any]]:
    """Return the dated events an entity takes part in, in time order.

    Works on the ``"full"`` view (events are nodes) and on the ``"actors"`` view (events listed on
    folded edges). Undated events come last.

    Returns
    -------
    list of dict
        ``event``, ``label``, ``date`` (at the source's precision), ``earliest``, ``latest``, ``role``
        (the property linking the event and the entity, as ``ag:claimedBy`` or ``^ag:target`` when
        the entity is the object), ``sources``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:e1", label="An attack", types=["ag:Attack"], date="2023",
    ...            earliest="2023-01-01", latest="2023-12-31")
    >>> G.add_node("agd:ttp", label="TTP")
    >>> G.add_edge("agd:e1", "agd:ttp", key="ag:claimedBy", sources=["ags:x"])
    'ag:claimedBy'
    >>> [(row["event"], row["role"], row["date"]) for row in timeline(G, "TTP")]
    [('agd:e1', 'ag:claimedBy', '2023')]
    """
    node = resolve_node(G, name)
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(event: str, role: str, sources: Sequence[str], data: dict[str, Any]) -> None:
        row = rows.setdefault((event, role), {"event": event, "role": role, "sources": []})
        if isinstance(data.get("label"), str):
            row["label"] = data["label"]
        for field in ("date", "startDate"):  # an event's date, or when a longer one began
            if isinstance(data.get(field), str):
                row.setdefault("date", data[field])
        lo, hi = node_interval(data)
        if lo is None and isinstance(data.get("date"), str):
            lo, hi = date_bounds(data["date"])
        if lo is not None:
            row["earliest"] = lo
        if hi is not None:
            row["latest"] = hi
        row["sources"] = sorted(set(row["sources"]) | set(sources))

    for s, _, key, data in G.in_edges(node, keys=True, data=True):
        event_data = G.nodes[s]
        if _is_event(event_data):
            add(s, str(key), data.get("sources", []), event_data)
    for _, o, key, data in G.out_edges(node, keys=True, data=True):
        if _is_event(G.nodes[o]):
            add(o, f"^{key}", data.get("sources", []), G.nodes[o])
    for _, _, key, data in G.edges(node, keys=True, data=True):
        for event in data.get("events", []):
            add(event, str(key), data.get("sources", []), {"label": event})
    for _, _, key, data in G.in_edges(node, keys=True, data=True):
        for event in data.get("events", []):
            add(event, str(key), data.get("sources", []), {"label": event})
    return sorted(rows.values(), key=lambda r: (r.get("earliest") or "9999", r["event"], r["role"]))


def _is_event(data: dict[str, Any]) -> bool:
    event_types = subclasses_of("ag:Event")
    return bool(event_types & set(data.get("types", []))) or data.get("type") in event_types
