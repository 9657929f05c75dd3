"""The families of armed groups as the page shows them: legend entries, members and the ties that
explain each member's family (graph -> data; ``viz/families.js`` draws them).

The families themselves are derived in the projection (``actorgraph.network._families``) and
arrive as node attributes (``family``, ``family_rule``, ``family_ties``) and
``G.graph["families"]``; a graph without them gives the page no families."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Node attributes that carry a family: shown in the panel's family section, not as attributes.
FAMILY_KEYS = frozenset({"family", "family_rule", "family_ties"})

# Colours of the families, in their order; distinct from the node types' colours, so that a
# family's colour is never read as a type. A family past the palette's end takes its colours again.
_FAMILY_PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#17becf",
    "#6a3d9a",
    "#b15928",
)


def family_payload(
    graph: Any, ids: Sequence[Any]
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Any]]]:
    """The page's families and, for each member node's index, its family detail.

    Returns
    -------
    (families, details)
        ``families``: one dict per family with a member in ``graph``, in the families' order:
        ``id``, ``label``, ``color``, ``members`` (node indices) and, where known, ``comment``
        and ``rules``. ``details``: node index -> ``{"id", "rule", "ties"}``, each tie a dict of
        ``subject``, ``property``, ``object``, the property's ``label``, the two ends' labels and
        ``sources``.
    """
    described = graph.graph.get("families")
    described = described if isinstance(described, Mapping) else {}
    property_labels = _property_labels(graph)
    members: dict[str, list[int]] = {}
    details: dict[int, dict[str, Any]] = {}
    for i, node in enumerate(ids):
        attrs = graph.nodes[node]
        fid = attrs.get("family")
        if not isinstance(fid, str) or not fid:
            continue
        members.setdefault(fid, []).append(i)
        detail: dict[str, Any] = {"id": fid}
        if isinstance(attrs.get("family_rule"), str):
            detail["rule"] = attrs["family_rule"]
        detail["ties"] = [_tie(t, property_labels) for t in _ties(attrs.get("family_ties"))]
        details[i] = detail

    def order(fid: str) -> tuple[int, str]:
        info = described.get(fid)
        rank = info.get("order") if isinstance(info, Mapping) else None
        return (rank if isinstance(rank, int) else 1 << 30, fid)

    families = []
    for k, fid in enumerate(sorted(members, key=order)):
        info = described.get(fid)
        info = info if isinstance(info, Mapping) else {}
        entry: dict[str, Any] = {
            "id": fid,
            "label": str(info.get("label") or fid),
            "color": _FAMILY_PALETTE[k % len(_FAMILY_PALETTE)],
            "members": members[fid],
        }
        if info.get("comment"):
            entry["comment"] = str(info["comment"])
        rules = info.get("rules")
        if isinstance(rules, Mapping):
            entry["rules"] = {str(r): [str(v) for v in vs] for r, vs in rules.items()}
        families.append(entry)
    return families, details


def _property_labels(graph: Any) -> dict[str, str]:
    """Property CURIE -> its label, from ``G.graph["properties"]``."""
    properties = graph.graph.get("properties")
    if not isinstance(properties, Mapping):
        return {}
    return {
        str(curie): str(info["label"])
        for curie, info in properties.items()
        if isinstance(info, Mapping) and info.get("label")
    }


def _ties(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [t for t in value if isinstance(t, Mapping)]
    return []


def _tie(tie: Mapping[str, Any], property_labels: Mapping[str, str]) -> dict[str, Any]:
    prop = str(tie.get("property", ""))
    out: dict[str, Any] = {
        key: str(tie[key])
        for key in ("subject", "property", "object", "subject_label", "object_label")
        if tie.get(key) is not None
    }
    out["label"] = property_labels.get(prop) or prop.rsplit(":", 1)[-1]
    sources = tie.get("sources")
    if isinstance(sources, Sequence) and not isinstance(sources, str | bytes):
        out["sources"] = [str(s) for s in sources]
    return out
