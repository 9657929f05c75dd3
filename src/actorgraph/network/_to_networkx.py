"""The NetworkX projection of the knowledge graph, its filters, and the way back to RDF.

:func:`to_networkx` reads the data graph (every named graph but ``agg:ontology``) in one pass over the
store's triples, streamed as N-Triples lines, and builds a :class:`networkx.MultiDiGraph` by the
conventions of ``docs/design.md``:

- one node per entity, keyed by its CURIE, with ``label``, ``type`` (the most specific class),
  ``types``, ``aliases``, ``search`` (normalised name keys), literal properties by local name, and
  ``earliest``/``latest``; statements about literal values, and statements whose triple is not direct,
  sit on the subject node in ``statements``;
- one edge per direct (subject, property, object) between two nodes, ``key`` the property's CURIE, with
  ``label``, ``statements`` and the conveniences ``start``, ``end`` and ``sources``;
- ``G.graph["sources"]`` describes every source, ``G.graph["properties"]`` every property used (its
  label, the node attribute that holds its values, and the usual datatype or language of those values),
  and ``G.graph["literals"]`` the few values whose datatype or language differs from the usual one, so
  that :func:`from_networkx` gives back exactly the triples that were read;
- each armed group's ``family``, derived by the ontology's family rules (``_families``), with the
  ``family_rule`` and ``family_ties`` that explain it, and ``G.graph["families"]`` describing them.

The ``"actors"`` view folds events (attacks, fatwas, designations, …) into actor–actor edges: an actor
that claimed an attack on another gets an edge keyed ``"^ag:claimedBy/ag:target"`` (the SPARQL path
from one to the other) listing the ``events`` and ``sources`` behind it."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Sequence
from typing import Any

import networkx as nx

from actorgraph._derived import kept
from actorgraph._errors import UsageError
from actorgraph._gc import collector_paused
from actorgraph.network._families import count_members, derive_families
from actorgraph.network._filters import filter_graph, focus_nodes
from actorgraph.network._folding import fold_actors
from actorgraph.network._projection import project
from actorgraph.network._reading import Reading
from actorgraph.network._view_reading import ActorsReading, add_events, read_actors_view


def to_networkx(
    kg: Any,
    view: str = "full",
    *,
    as_of: Any = None,
    between: Any = None,
    types: Sequence[str] | str | None = None,
    relations: Sequence[str] | str | None = None,
    focus: Sequence[str] | str | None = None,
    hops: int = 1,
) -> nx.MultiDiGraph:
    """Project the knowledge graph to a :class:`networkx.MultiDiGraph`.

    Parameters
    ----------
    kg
        A :class:`~actorgraph.KnowledgeGraph` (or a ``pyoxigraph.Store`` holding the same named graphs).
    view
        ``"full"``: every entity a node, every object property an edge. ``"actors"``: actors only, with
        events, fatwas and designations folded into actor–actor edges that list the ``events`` and
        ``sources`` behind them.
    as_of
        A date (``"2023"``, ``"2023-07"``, ``"2023-07-30"`` or a :class:`datetime.date`): events that
        happened by then (a year-only date counts from its first day), entities and relations that held
        then. A date given as a year means the end of that year.
    between
        ``(start, end)`` dates: what overlaps that period (by ``ag:earliestDate``/``ag:latestDate``).
    types
        Keep nodes of these classes or their subclasses (``"ag:ArmedGroup"`` or ``"ArmedGroup"``).
    relations
        Keep edges of these properties (``"ag:claimedBy"``); a folded edge is kept when either of its
        two properties is named.
    focus, hops
        Keep what lies within ``hops`` edges (either direction) of the named entities; names go through
        :func:`actorgraph.resolve`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by CURIE, edges keyed by property CURIE (see ``docs/design.md``).

    Examples
    --------
    >>> import actorgraph
    >>> kg = actorgraph.load()
    >>> G = to_networkx(kg)
    >>> G.nodes["agd:iskp"]["type"], G.nodes["agd:bajaur-rally-bombing-2023"]["killed"]
    ('ag:ArmedGroup', 63)
    >>> claim = G["agd:bajaur-rally-bombing-2023"]["agd:iskp"]["ag:claimedBy"]
    >>> "ags:ipd-terrorism-resurging-in-pakistan" in claim["sources"]
    True
    >>> A = to_networkx(kg, view="actors", as_of="2023")
    >>> A.has_edge("agd:iskp", "agd:jui-f", "^ag:claimedBy/ag:target")
    True
    >>> to_networkx(kg, view="actors", as_of="2022").has_edge(
    ...     "agd:iskp", "agd:jui-f", "^ag:claimedBy/ag:target")
    False
    """
    if view not in ("full", "actors"):
        raise UsageError(f"unknown view {view!r}: use 'full' or 'actors'")
    if hops < 0:
        raise UsageError("hops must be 0 or more")
    # Hundreds of thousands of small objects and no cycles: the collector is paused for the call,
    # not only for the projection (actorgraph._gc). The actors view makes most of its objects
    # outside the projection (its events' rows and nodes, the folding), where the collector's
    # 916 passes over the growing graph took 0.6 of 3.4 s of CPU on a 100,000-row import.
    filters: dict[str, Any] = {
        "as_of": as_of,
        "between": between,
        "types": types,
        "relations": relations,
        "focus": focus,
        "hops": hops,
    }

    def derive() -> nx.MultiDiGraph:
        with collector_paused():
            # The actors view reads only what it needs: the actors, the events between two of
            # them, their statements, the sources, and the places and ends a family rule reads
            # (the whole graph when kg is an endpoint).
            reading = read_actors_view(kg) if view == "actors" else None
            return build_view(kg, view, reading, **filters)

    if view == "full":
        return derive()  # at its target by reading; kept, 111 MB of JSON at 100k rows (design.md)
    # On an on-disk store the actors view is kept until the store changes (actorgraph._derived):
    # derived, it reads every event that ties two actors (3-4 s at 100,000 imported GTD rows).
    return kept(
        kg,
        "actors-view",
        filters,
        derive=derive,
        encode=graph_to_data,
        decode=graph_from_data,
    )


def graph_to_data(G: nx.MultiDiGraph) -> dict[str, Any]:
    """A graph as JSON data: its attributes, nodes and edges, in order."""
    return {
        "graph": G.graph,
        "nodes": [[n, d] for n, d in G.nodes(data=True)],
        "edges": [[u, v, k, d] for u, v, k, d in G.edges(keys=True, data=True)],
    }


def graph_from_data(data: dict[str, Any]) -> nx.MultiDiGraph:
    """The graph :func:`graph_to_data` wrote."""
    G = nx.MultiDiGraph()
    G.graph.update(data["graph"])
    G.add_nodes_from((n, d) for n, d in data["nodes"])
    G.add_edges_from((u, v, k, d) for u, v, k, d in data["edges"])
    forget_views(G)
    return G


def build_view(
    kg: Any,
    view: str,
    reading: Reading | ActorsReading | None,
    *,
    as_of: Any,
    between: Any,
    types: Sequence[str] | str | None,
    relations: Sequence[str] | str | None,
    focus: Sequence[str] | str | None,
    hops: int,
) -> nx.MultiDiGraph:
    """:func:`to_networkx` from a ``reading`` of ``kg`` (None: the whole data graph)."""
    if isinstance(reading, ActorsReading):
        G, onto = project(kg, reading.reading)
        add_events(G, onto, reading.events)
    else:
        G, onto = project(kg, reading)
    # Families come from the whole graph, before any filter: a group's family does not change
    # with the period or the focus shown.
    derive_families(G, onto)
    if view == "actors":
        # Time first, on the events themselves, so that a folded edge lists only the events of
        # the period (not every event between two actors whose span overlaps it).
        filter_graph(G, onto, as_of=as_of, between=between, types=None, relations=None)
        full, G = G, fold_actors(G, onto)
        forget_views(full)
        filter_graph(G, onto, as_of=None, between=None, types=types, relations=relations)
    else:
        filter_graph(G, onto, as_of=as_of, between=between, types=types, relations=relations)
    if focus:
        centres = focus_nodes(kg, G, focus)
        undirected = G.to_undirected(as_view=True)
        keep: set[str] = set()
        for centre in centres:
            if centre in G:
                keep |= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=hops))
        G.remove_nodes_from([n for n in list(G) if n not in keep])
    filters = {
        "as_of": as_of,
        "between": list(between) if between is not None else None,
        "types": types,
        "relations": relations,
        "focus": focus,
        "hops": hops if focus else None,
    }
    used = {k: (str(v) if isinstance(v, _dt.date) else v) for k, v in filters.items() if v}
    if used:
        G.graph["filters"] = used
    count_members(G)
    forget_views(G)
    return G


def forget_views(G: nx.Graph) -> None:
    """Drop the views networkx memoised on ``G`` while it was built (``G.nodes``, ``G.edges``, …).

    networkx keeps each such view in the graph's ``__dict__`` (a ``functools.cached_property``) and
    each view refers back to the graph: a reference cycle, so a projection the program drops would
    stay in memory until the cyclic collector next runs, instead of being freed at once (the
    families and the filters read ``G.nodes``). With the collector paused in the next projection,
    two graphs then lived side by side: 287 MB against 230 MB at 300,000 triples, and each
    projection paid for freeing the one before (BENCHMARKS.md, "Before and after the restructure").
    The views are made again when next used.
    """
    cls = type(G)
    for name in [
        n for n in vars(G) if isinstance(getattr(cls, n, None), functools.cached_property)
    ]:
        del G.__dict__[name]
