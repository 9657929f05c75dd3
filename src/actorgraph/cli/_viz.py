"""``actorgraph viz``: the interactive page."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

import orjson

from actorgraph._derived import kept
from actorgraph._errors import UsageError
from actorgraph.cli._options import (
    add_filter_flags,
    add_store_flags,
    filters_from,
    open_graph,
    read_back_kept,
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
        claims and sources behind it. With --focus the page opens on that entity's
        neighbourhood (--hops away), the rest of the network dimmed around it.
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
    # --focus opens the page on the neighbourhood, with the rest of the graph dimmed around it
    # (and one click away), rather than leaving the rest out.
    filters = {k: v for k, v in filters_from(args).items() if k not in ("focus", "hops")}
    key = [args.view, filters, args.title, args.physics, args.focus, args.hops]
    # On an on-disk store the page is kept until the store changes (actorgraph._derived), and
    # read back without opening the store: the page of 100,000 imported GTD rows' actors view took
    # 8.4 s derived, 0.30 s read back (BENCHMARKS.md, session 15).
    page = read_back_kept(args, "page", key, _Page.from_bytes)
    if page is None:
        with open_graph(args) as kg:
            page = kept(
                kg,
                "page",
                key,
                derive=lambda: _page(kg, args, filters),
                encode=_Page.to_bytes,
                decode=_Page.from_bytes,
            )
    path = write_output(args.output, page.html)
    print(f"wrote {path} ({page.summary}); open it in a browser, no internet needed")
    return 0


@dataclasses.dataclass
class _Page:
    html: bytes | memoryview
    #: What the page shows: "743 nodes, 1,257 edges; opens on …".
    summary: str

    def to_bytes(self) -> bytes:
        """The summary as a line of JSON, then the page."""
        return b"".join((orjson.dumps(self.summary), b"\n", self.html))

    @classmethod
    def from_bytes(cls, data: bytes) -> _Page:
        """The page :meth:`to_bytes` wrote: not copied (a page of 400,000 events is 91 MB)."""
        end = data.index(b"\n")
        return cls(html=memoryview(data)[end + 1 :], summary=orjson.loads(data[:end]))


def _page(kg: Any, args: argparse.Namespace, filters: dict[str, Any]) -> _Page:
    from actorgraph.network._filters import focus_nodes  # noqa: PLC0415
    from actorgraph.page._render import render_html  # noqa: PLC0415

    graph = kg.to_networkx(view=args.view, **filters)
    centres = [c for c in focus_nodes(kg, graph, args.focus) if c in graph] if args.focus else []
    if args.focus and not centres:
        raise UsageError(f"--focus {args.focus!r} is not in this view of the graph")
    html = render_html(
        graph,
        None,
        title=args.title,
        physics=args.physics or None,
        focus=centres,
        hops=args.hops,
    )
    opens_on = ""
    if centres:
        import networkx as nx  # noqa: PLC0415

        undirected = graph.to_undirected(as_view=True)
        near: set[str] = set()
        for centre in centres:
            near |= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=args.hops))
        names = ", ".join(str(graph.nodes[c].get("label") or c) for c in centres)
        hops = f"{args.hops} hop{'' if args.hops == 1 else 's'}"
        opens_on = f"; opens on the {len(near):,} within {hops} of {names}"
    summary = f"{graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges{opens_on}"
    return _Page(html=html.encode("utf-8"), summary=summary)
