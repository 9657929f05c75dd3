"""The ``network`` verb: centrality, communities, paths, ego networks and timelines from the CLI."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from typing import Any

from actorgraph._errors import UsageError

__all__ = ["add_parser"]

_TABLE_FORMATS = ["table", "csv", "tsv", "json"]


def add_parser(sub: Any) -> None:
    """Declare the ``network`` verb and its subcommands."""
    from actorgraph.cli._options import add_filter_flags, add_store_flags, verb_parser  # noqa: PLC0415

    parser = verb_parser(
        sub,
        "network",
        "analyse the network: centrality, communities, path, ego, timeline",
        """
        Analyse the NetworkX projection of the graph. Names go through actorgraph.resolve():
        any label or alias works ("ISKP", "ISIS-K", "JUI-F"); an unknown or ambiguous name is
        an error that lists close matches. The filter flags narrow the graph first.
        """,
        """
        actorgraph network centrality --top 10
        actorgraph network communities --seed 1
        actorgraph network path ISKP "JUI-F"
        actorgraph network ego TTP --radius 2 --format json
        actorgraph network timeline TTP --format csv
        """,
    )
    verbs = parser.add_subparsers(title="analyses", metavar="ANALYSIS", required=True)

    def common(p: argparse.ArgumentParser, *, view: str = "actors") -> None:
        p.add_argument("--format", choices=_TABLE_FORMATS, default="table")
        add_store_flags(p)
        add_filter_flags(p, default_view=view)

    p = verbs.add_parser("centrality", help="rank nodes by degree, betweenness and PageRank")
    p.add_argument(
        "--measure",
        nargs="+",
        choices=["degree", "betweenness", "pagerank"],
        default=["degree", "betweenness", "pagerank"],
        help="measures to compute; the table is ranked by the first",
    )
    p.add_argument("--top", type=int, default=20, metavar="N", help="rows to print (default 20)")
    common(p)
    p.set_defaults(func=_cmd_centrality)

    p = verbs.add_parser("communities", help="Louvain communities (reproducible with --seed)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--resolution", type=float, default=1.0)
    common(p)
    p.set_defaults(func=_cmd_communities)

    p = verbs.add_parser("path", help="the shortest chain of sourced claims between two entities")
    p.add_argument("source", metavar="FROM")
    p.add_argument("target", metavar="TO")
    common(p, view="full")
    p.set_defaults(func=_cmd_path)

    p = verbs.add_parser("ego", help="an entity's neighbourhood")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--radius", type=int, default=1, metavar="N")
    common(p)
    p.set_defaults(func=_cmd_ego)

    p = verbs.add_parser("timeline", help="the events an entity takes part in, in time order")
    p.add_argument("name", metavar="NAME")
    common(p, view="full")
    p.set_defaults(func=_cmd_timeline)


def _graph(args: argparse.Namespace, *names: str) -> tuple[Any, list[str]]:
    """The view the flags ask for, and the node each of ``names`` means in it."""
    from actorgraph.cli._options import filters_from, open_graph  # noqa: PLC0415

    with open_graph(args) as kg:
        G = kg.to_networkx(view=args.view, **filters_from(args))
        return G, [_resolve(kg, G, name) for name in names]


def _resolve(kg: Any, G: Any, name: str) -> str:
    if name in G:
        return name
    node = str(kg.resolve(name))
    if node not in G:
        raise UsageError(f"{name!r} ({node}) is not in this view of the graph; try --view full")
    return node


def _print_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str) -> None:
    if fmt == "json":
        sys.stdout.write(json.dumps(list(rows), ensure_ascii=False, indent=1) + "\n")
        return
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        sys.stdout.write(buffer.getvalue())
        return
    widths = [max([len(c), *(len(row[i]) for row in cells)]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    sys.stdout.write("\n".join(lines) + "\n")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _cmd_centrality(args: argparse.Namespace) -> int:
    from actorgraph.network._analytics import centrality  # noqa: PLC0415

    G, _ = _graph(args)
    rows = centrality(G, args.measure, top=args.top)
    _print_rows(rows, ["rank", "node", "label", "type", *args.measure], args.format)
    return 0


def _cmd_communities(args: argparse.Namespace) -> int:
    from actorgraph.network._analytics import communities  # noqa: PLC0415

    G, _ = _graph(args)
    groups = communities(G, seed=args.seed, resolution=args.resolution)
    rows = [
        {
            "community": i,
            "size": len(group),
            "members": [G.nodes[n].get("label", n) for n in group],
            "nodes": group,
        }
        for i, group in enumerate(groups, start=1)
    ]
    columns = (
        ["community", "size", "members"]
        if args.format == "table"
        else list(rows[0])
        if rows
        else []
    )
    _print_rows(rows, columns or ["community", "size", "members", "nodes"], args.format)
    return 0


def _cmd_path(args: argparse.Namespace) -> int:
    from actorgraph.network._analytics import format_path, shortest_path_claims  # noqa: PLC0415

    G, (a, b) = _graph(args, args.source, args.target)
    steps = shortest_path_claims(G, a, b)
    if args.format == "table":
        sys.stdout.write(format_path(steps) + "\n")
        return 0
    rows = [
        {**{k: v for k, v in step.items() if k != "statements"}, "claims": _claims(step)}
        for step in steps
    ]
    if args.format == "json":
        rows = [dict(step) for step in steps]
    _print_rows(rows, ["subject", "property", "object", "label", "sources", "claims"], args.format)
    return 0


def _claims(step: dict[str, Any]) -> list[str]:
    return [f"{st.get('source', '?')}: {st.get('claim', '')}" for st in step["statements"]]


def _cmd_ego(args: argparse.Namespace) -> int:
    from actorgraph.network._analytics import ego_network  # noqa: PLC0415

    G, (name,) = _graph(args, args.name)
    ego = ego_network(G, name, radius=args.radius)
    rows = [
        {
            "subject": u,
            "property": k,
            "object": v,
            "label": d.get("label", k),
            "subject_label": ego.nodes[u].get("label", u),
            "object_label": ego.nodes[v].get("label", v),
            "sources": d.get("sources", []),
        }
        for u, v, k, d in sorted(ego.edges(keys=True, data=True), key=lambda e: e[:3])
    ]
    columns = ["subject_label", "label", "object_label", "sources"]
    if args.format != "table":
        columns = ["subject", "property", "object", "label", "sources"]
    _print_rows(rows, columns, args.format)
    return 0


def _cmd_timeline(args: argparse.Namespace) -> int:
    from actorgraph.network._analytics import timeline  # noqa: PLC0415

    G, (name,) = _graph(args, args.name)
    rows = timeline(G, name)
    _print_rows(rows, ["date", "event", "label", "role", "sources"], args.format)
    return 0
