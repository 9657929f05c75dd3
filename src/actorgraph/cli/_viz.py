"""``actorgraph viz``: the interactive page."""

from __future__ import annotations

import argparse
from typing import Any

from actorgraph.cli._options import (
    add_filter_flags,
    add_store_flags,
    filters_from,
    open_graph,
    verb_parser,
    write_output,
)

# --------------------------------------------------------------------------------------------
# viz


def add_parser(sub: Any) -> None:
    parser = verb_parser(
        sub,
        "viz",
        "write the interactive network page: one offline HTML file",
        """
        Write one self-contained HTML page of the network (no internet needed to open it):
        filter by type, relation and date, search names and aliases, click a tie to read the
        claims and sources behind it.
        """,
        """
        actorgraph viz                          # writes actorgraph.html
        actorgraph viz -o ttp.html --focus TTP --hops 2
        actorgraph viz --view full --as-of 2023
        """,
    )
    parser.add_argument(
        "-o", "--output", default="actorgraph.html", metavar="FILE", help="default: actorgraph.html"
    )
    parser.add_argument("--title", default="actorgraph", help="the page's title")
    parser.add_argument(
        "--physics", action="store_true", help="let the layout move (small graphs only)"
    )
    add_store_flags(parser)
    add_filter_flags(parser)
    parser.set_defaults(func=_cmd_viz)


def _cmd_viz(args: argparse.Namespace) -> int:
    from actorgraph.page._render import render_html  # noqa: PLC0415

    kg = open_graph(args)
    graph = kg.to_networkx(view=args.view, **filters_from(args))
    html = render_html(graph, None, title=args.title, physics=args.physics or None)
    path = write_output(args.output, html.encode("utf-8"))
    print(
        f"wrote {path} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges); "
        "open it in a browser, no internet needed"
    )
    return 0
