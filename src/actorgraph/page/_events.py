"""Events on the page: those the actors view folds into ties (with names to find them by, their
period and their place), and the dated events the timeline strip counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from actorgraph.network._folding import coordinates
from actorgraph.page._periods import month_bounds, span
from actorgraph.page._values import as_list, as_text, slug
from actorgraph.vocab import _names

__all__ = [
    "CLAIMED",
    "IMPORTED",
    "RESPONSIBILITY",
    "event_date",
    "event_kind",
    "folded_events",
    "responsible",
    "timeline",
]

# Relations that say who did an event: listed before the others in the side panel.
RESPONSIBILITY = ("ag:claimedBy", "ag:attributedTo", "ag:disownedBy")
# The ties that make an event's kind "claimed or attributed": claimed by, attributed to.
_RESPONSIBLE = frozenset(RESPONSIBILITY[:2])
# Kinds of dated event in the timeline strip, in its stacking order, and their indices.
_EVENT_KINDS = ("claimed or attributed", "imported", "other")
CLAIMED, IMPORTED, OTHER = range(3)


def folded_events(
    folded: Mapping[str, list[int]],
    known: Any,
    index: Mapping[Any, int],
    details: list[dict[str, Any]],
    node_where: Sequence[tuple[float, float] | None],
) -> list[dict[str, Any]]:
    """The events that folded edges stand for, with names to find them by.

    Names come from the event's node when the graph has it, else from ``G.graph["events"]``
    (CURIE -> ``label``, ``aliases``, ``type``, ``date``, ``lat``, ``long``), else from the
    CURIE's slug. An event with coordinates carries them as ``where`` (lat, long): for a node, where
    the page's walk over the graph placed it (``node_where``, by node index), else its own.
    """
    out = []
    for curie in sorted(folded):
        info: Mapping[str, Any] = {}
        if curie in index:
            info = details[index[curie]]
        elif isinstance(known, Mapping) and isinstance(known.get(curie), Mapping):
            info = known[curie]
        label = as_text(info.get("label")) or slug(curie).replace("-", " ")
        aliases = [as_text(a) for a in as_list(info.get("aliases")) if as_text(a)]
        keys: set[str] = {_names.normalize_name(slug(curie))}
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
                event[key] = as_text(info[key])
        # The period filter's interval for the event itself (its ties span all their events).
        time = span(
            info.get("earliest") or info.get("date"), info.get("latest") or info.get("date")
        )
        if time is not None:
            event["time"] = time
        where = node_where[index[curie]] if curie in index else coordinates(info)
        if where is not None:
            event["where"] = where
        out.append(event)
    return out


def timeline(
    node_events: Iterable[Sequence[Any]],
    graph: nx.Graph,
    folded: Mapping[str, list[int]],
    edge_rel: list[int],
    rel_names: list[str],
) -> dict[str, Any]:
    """The dated events the timeline strip counts: each once, in the month it began.

    An event is an ``ag:Event`` node, or an event folded into ties (the actors view) that is not a
    node of the graph. The page's walk over the graph finds the nodes (``node_events``: each one's
    date and kind, in the graph's order, see ``event_kind``); the folded ones are read here. Events
    dated to the year only are listed apart (``yearOnly``: their years): the strip has no month to
    put them in.
    """
    months: list[int] = []
    kinds: list[int] = []
    year_only: list[int] = []

    def add(when: Any, kind: int) -> None:
        bounds = month_bounds(when)
        if bounds is None:
            return
        if bounds[0] != bounds[1]:
            year_only.append(bounds[0] // 12)
            return
        months.append(bounds[0])
        kinds.append(kind)

    for when, kind in node_events:
        add(when, kind)
    known = graph.graph.get("events")
    for curie, carriers in sorted(folded.items()):
        if curie in graph:
            continue  # counted as a node
        info = known.get(curie) if isinstance(known, Mapping) else None
        if not isinstance(info, Mapping):
            continue
        claimed = any(
            rel_names[edge_rel[e]].split("/", 1)[0].lstrip("^") in _RESPONSIBLE for e in carriers
        )
        add(info.get("date"), event_kind(info, claimed))
    return {
        "months": months,
        "kinds": kinds,
        "kindNames": list(_EVENT_KINDS),
        "yearOnly": year_only,
    }


def event_kind(attrs: Mapping[str, Any], claimed: bool) -> int:
    """An event's kind in the timeline strip (an index of its ``kindNames``): ``imported`` when it
    is a dataset's row (``sourceRecord``), else ``claimed or attributed`` when a tie says who
    claimed it or is held responsible (``claimed``), else ``other``."""
    if attrs.get("sourceRecord") is not None:
        return IMPORTED
    return CLAIMED if claimed else OTHER


def event_date(attrs: Mapping[str, Any]) -> Any:
    """The date the timeline strip counts an event node at: its own at its precision ("2014"),
    else the first day it may have been."""
    return attrs.get("date") or attrs.get("earliest") or attrs.get("latest")


def responsible(relation: Any) -> bool:
    """Whether an event's outgoing tie says who claimed it or is held responsible."""
    return as_text(relation) in _RESPONSIBLE
