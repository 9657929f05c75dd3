"""Families of armed groups, derived from the sourced ties and claims the ontology's rules name.

The ontology defines each family (``ag:Family``, scheme ``ag:Families``) by rules, not by a list of
members: ``ag:familyRoot`` (a group and every group whose ``ag:splinterOf``/``ag:mergedInto`` ties
lead to it), ``ag:familyIdeology`` (groups that ``ag:adheresTo`` it), ``ag:familyPlace`` (groups
``ag:activeIn`` it or a place within it) and ``ag:familyOpposes`` (groups that ``ag:opposes`` it).
Every ``ag:ArmedGroup`` is given a family in four steps, each deterministic:

1. the families are tried in ``ag:familyOrder``; a group joins the first whose rule it meets
   (a family's rules in the order root, place, ideology, opposes; their objects in CURIE order);
2. a group that meets no rule joins the family of the nearest group of step 1 that its
   splinter/merger ties lead to (at equal distance the earlier family, then the smaller CURIE);
3. groups still without a family that are tied to each other form a lineage family, named after
   its root: the member most of the others lead to (then the smaller CURIE);
4. any other group has no family (no ``family`` attribute: nothing is ``None``).

Each member gets ``family`` (the family's id: a concept CURIE such as ``"ag:TTPFamily"``, or
``"lineage:"`` and the root's CURIE), ``family_rule`` (``root``, ``place``, ``ideology``,
``opposes``, ``inherited`` or ``lineage``) and ``family_ties``: the ties that explain it, each
``{subject, property, object, sources}`` with the two ends' labels. ``G.graph["families"]``
describes each family that has a member.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import networkx as nx

from actorgraph.network._vocabulary import OntologyView

__all__ = ["LINEAGE_PREFIX", "count_members", "derive_families"]

LINEAGE_PREFIX = "lineage:"
_LINEAGE = ("ag:splinterOf", "ag:mergedInto")
_CONTAINED = "schema:containedInPlace"
# A family's rules, in the order they are tried: rule name -> the property a member's tie has.
_RULES = (
    ("root", None),
    ("place", "ag:activeIn"),
    ("ideology", "ag:adheresTo"),
    ("opposes", "ag:opposes"),
)

Tie = dict[str, Any]


def derive_families(G: nx.MultiDiGraph, onto: OntologyView) -> None:
    """Give each armed group of ``G`` (the full view) its family, in place.

    Examples
    --------
    >>> import actorgraph
    >>> G = actorgraph.load().to_networkx()
    >>> G.nodes["agd:jamaat-ul-ahrar"]["family"], G.nodes["agd:jamaat-ul-ahrar"]["family_rule"]
    ('ag:TTPFamily', 'root')
    >>> G.graph["families"]["ag:TTPFamily"]["label"]
    'the TTP and its factions'
    """

    armed_types: dict[str, bool] = {}  # a few types, met on every node

    def armed(data: dict[str, Any]) -> bool:
        for t in data.get("types", ()):
            found = armed_types.get(t)
            if found is None:
                found = armed_types[t] = "ag:ArmedGroup" in onto.ancestors(t)
            if found:
                return True
        return False

    groups = sorted(n for n, d in G.nodes(data=True) if armed(d))
    members = set(groups)

    def tie(u: str, v: str, key: str) -> Tie:
        data = G.edges[u, v, key]
        out: Tie = {"subject": u, "property": key, "object": v}
        out["sources"] = list(data.get("sources", []))
        for end, name in ((u, "subject_label"), (v, "object_label")):
            label = G.nodes[end].get("label")
            if isinstance(label, str):
                out[name] = label
        return out

    # Splinter/merger ties between armed groups, both ways, in a stable order.
    ups: dict[str, list[tuple[str, str]]] = {g: [] for g in groups}
    downs: dict[str, list[tuple[str, str]]] = {g: [] for g in groups}
    for g in groups:
        for _, v, key in sorted(G.out_edges(g, keys=True), key=lambda e: (e[1], e[2])):
            if key in _LINEAGE and v in members and v != g:
                ups[g].append((v, key))
                downs[v].append((g, key))

    families = sorted(
        ((rules.get("order", [10**6])[0], fid, rules) for fid, rules in onto.family_rules.items()),
        key=lambda f: (f[0] if isinstance(f[0], int) else 10**6, f[1]),
    )
    assigned: dict[str, tuple[str, str, list[Tie]]] = {}
    for _, fid, rules in families:
        for rule, prop in _RULES:
            for obj in sorted(str(o) for o in rules.get(rule, [])):
                if rule == "root":
                    for g, path in _leading_to(obj, downs, members, tie):
                        assigned.setdefault(g, (fid, rule, path))
                    continue
                for g in groups:
                    if g in assigned:
                        continue
                    found = _claim(G, g, prop or "", obj, within=rule == "place")
                    if found is not None:
                        assigned[g] = (fid, rule, [tie(*t) for t in found])
    # Step 1 is done: only its assignments are inherited, so the result does not depend on order.
    first = dict(assigned)
    order = {fid: n for n, (_, fid, _) in enumerate(families)}
    for g in groups:
        if g in first:
            continue
        found = _nearest(g, ups, first, order)
        if found is not None:
            path = [tie(u, v, k) for u, v, k in found]
            assigned[g] = (first[found[-1][1]][0], "inherited", path)
    lineages = _lineages([g for g in groups if g not in assigned], ups, downs, tie)
    described: dict[str, dict[str, Any]] = {}
    for n, (_, fid, rules) in enumerate(families):
        entry: dict[str, Any] = {
            "label": onto.labels.get(fid, fid),
            "order": n + 1,
            "rules": {rule: sorted(map(str, rules[rule])) for rule, _ in _RULES if rule in rules},
        }
        if fid in onto.comments:
            entry["comment"] = onto.comments[fid]
        described[fid] = entry
    for n, (root, group_ties) in enumerate(lineages, start=len(families) + 1):
        fid = LINEAGE_PREFIX + root
        label = G.nodes[root].get("label", root)
        described[fid] = {
            "label": f"{label} lineage",
            "order": n,
            "rules": {"lineage": [root]},
            "comment": f"Armed groups tied to {label} by splinters and mergers, in no other family.",
        }
        for g, path in group_ties.items():
            assigned[g] = (fid, "lineage", path)
    for g, (fid, rule, path) in assigned.items():
        G.nodes[g]["family"] = fid
        G.nodes[g]["family_rule"] = rule
        G.nodes[g]["family_ties"] = path
    used = {fid for fid, _, _ in assigned.values()}
    G.graph["families"] = {fid: d for fid, d in described.items() if fid in used}


def count_members(G: nx.Graph) -> None:
    """Keep in ``G.graph["families"]`` the families with a member in ``G``, each with its ``size``."""
    families = G.graph.get("families")
    if not isinstance(families, dict):
        return
    sizes: dict[str, int] = {}
    for _, fid in G.nodes(data="family"):
        if isinstance(fid, str):
            sizes[fid] = sizes.get(fid, 0) + 1
    G.graph["families"] = {
        fid: {**d, "size": sizes[fid]} for fid, d in families.items() if fid in sizes
    }


def _claim(
    G: nx.MultiDiGraph, group: str, prop: str, obj: str, *, within: bool
) -> list[tuple[str, str, str]] | None:
    """The ties by which ``group`` meets a claim rule (``prop`` to ``obj``), or None.

    ``within`` (a place rule): a claim about a place that lies in ``obj`` meets it too; the ties
    are the claim and the shortest chain of ``schema:containedInPlace`` from its place to ``obj``
    (walked from the group's places up, so that no pass over the whole graph is needed).
    """
    targets = sorted({v for _, v, key in G.out_edges(group, keys=True) if key == prop})
    if obj in targets:
        return [(group, obj, prop)]
    if not within:
        return None
    for target in targets:
        paths: dict[str, list[tuple[str, str, str]]] = {target: []}
        todo = deque([target])
        while todo:
            here = todo.popleft()
            ups = sorted({v for _, v, key in G.out_edges(here, keys=True) if key == _CONTAINED})
            for up in ups:
                if up not in paths:
                    paths[up] = [*paths[here], (here, up, _CONTAINED)]
                    todo.append(up)
        if obj in paths:
            return [(group, target, prop), *paths[obj]]
    return None


def _leading_to(
    root: str,
    downs: dict[str, list[tuple[str, str]]],
    members: set[str],
    tie: Any,
) -> list[tuple[str, list[Tie]]]:
    """The root and every group whose splinter/merger ties lead to it, each with its shortest path."""
    if root not in members:
        return []
    paths: dict[str, list[Tie]] = {root: []}
    todo = deque([root])
    found = [(root, paths[root])]
    while todo:
        here = todo.popleft()
        for child, key in downs[here]:
            if child not in paths:
                paths[child] = [tie(child, here, key), *paths[here]]
                found.append((child, paths[child]))
                todo.append(child)
    return found


def _nearest(
    group: str,
    ups: dict[str, list[tuple[str, str]]],
    first: dict[str, tuple[str, str, list[Tie]]],
    order: dict[str, int],
) -> list[tuple[str, str, str]] | None:
    """The ties from ``group`` to the nearest group of step 1 its ties lead to, or None."""
    paths: dict[str, list[tuple[str, str, str]]] = {group: []}
    level = [group]
    while level:
        nxt: list[str] = []
        hits: list[tuple[int, str]] = []
        for here in level:
            for up, key in ups[here]:
                if up in paths:
                    continue
                paths[up] = [*paths[here], (here, up, key)]
                nxt.append(up)
                if up in first:
                    hits.append((order.get(first[up][0], 10**6), up))
        if hits:
            return paths[min(hits)[1]]
        level = nxt
    return None


def _lineages(
    rest: list[str],
    ups: dict[str, list[tuple[str, str]]],
    downs: dict[str, list[tuple[str, str]]],
    tie: Any,
) -> list[tuple[str, dict[str, list[Tie]]]]:
    """Components of two or more groups, tied among ``rest``: (root, group -> ties to the root)."""
    left = set(rest)
    H = nx.Graph()
    H.add_nodes_from(rest)
    for g in rest:
        for up, _key in ups[g]:
            if up in left:
                H.add_edge(g, up)
    out = []
    for component in sorted((sorted(c) for c in nx.connected_components(H)), key=lambda c: c[0]):
        if len(component) < 2:
            continue
        inside = set(component)

        def reached_by(node: str, inside: set[str] = inside) -> int:
            seen = {node}
            todo = [node]
            while todo:
                for child, _ in downs[todo.pop()]:
                    if child in inside and child not in seen:
                        seen.add(child)
                        todo.append(child)
            return len(seen) - 1

        root = min(component, key=lambda n: (-reached_by(n), n))
        ties: dict[str, list[Tie]] = {root: []}
        # Shortest paths from the root over the ties in either direction, each tie kept as stated.
        todo = deque([root])
        while todo:
            here = todo.popleft()
            steps = [(child, (child, here, key)) for child, key in downs[here]]
            steps += [(up, (here, up, key)) for up, key in ups[here]]
            for other, (u, v, key) in sorted(steps):
                if other in inside and other not in ties:
                    ties[other] = [tie(u, v, key), *ties[here]]
                    todo.append(other)
        out.append((root, ties))
    out.sort(key=lambda item: item[0])
    return out
