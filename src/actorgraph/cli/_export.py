"""``actorgraph export``: the graph as RDF or as a network file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from actorgraph.cli._options import (
    add_filter_flags,
    add_store_flags,
    filters_from,
    open_graph,
    verb_parser,
    write_output,
    write_stdout,
)

# --------------------------------------------------------------------------------------------
# export

_RDF_FORMATS = ["turtle", "nt", "jsonld", "trig", "nq"]
_NETWORK_FORMATS = ["graphml", "gexf", "node-link"]
_SUFFIXES = {
    "turtle": ".ttl",
    "nt": ".nt",
    "jsonld": ".jsonld",
    "trig": ".trig",
    "nq": ".nq",
    "graphml": ".graphml",
    "gexf": ".gexf",
    "node-link": ".json",
}


def add_parser(sub: Any) -> None:
    parser = verb_parser(
        sub,
        "export",
        "write the graph as RDF (turtle, nt, jsonld, trig, nq) or a network (graphml, gexf, node-link)",
        """
        Export the knowledge graph. RDF formats write the triples (turtle, nt, jsonld: graphs
        merged) or the quads (trig, nq: named graphs kept). Network formats write the NetworkX
        projection (the filter flags apply) for Gephi, Cytoscape or your own code.
        """,
        """
        actorgraph export --format turtle -o actorgraph.ttl
        actorgraph export --format trig --graph agg:curated
        actorgraph export --format gexf --view full -o actorgraph.gexf
        """,
    )
    parser.add_argument("--format", required=True, choices=_RDF_FORMATS + _NETWORK_FORMATS)
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="default: standard output (RDF) or actorgraph.<ext>"
    )
    parser.add_argument(
        "--graph",
        action="append",
        metavar="IRI",
        help="only this named graph (RDF formats; repeatable)",
    )
    add_store_flags(parser)
    add_filter_flags(parser, default_view="full")
    parser.set_defaults(func=_cmd_export)


def _cmd_export(args: argparse.Namespace) -> int:
    if args.format in _RDF_FORMATS:
        with open_graph(args) as kg:
            data = kg.serialize(args.format, graphs=args.graph)
        if args.output is None:
            write_stdout(data)
            return 0
        path = write_output(args.output, data)
        print(f"wrote {path} ({len(data):,} bytes of {args.format})", file=sys.stderr)
        return 0
    from actorgraph.network._export import write_network  # noqa: PLC0415

    with open_graph(args) as kg:
        graph = kg.to_networkx(view=args.view, **filters_from(args))
    output = Path(args.output or f"actorgraph{_SUFFIXES[args.format]}")
    write_network(graph, output, args.format)
    print(
        f"wrote {output} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, {args.format})",
        file=sys.stderr,
    )
    return 0
