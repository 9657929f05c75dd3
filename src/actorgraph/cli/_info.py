"""``actorgraph info``: what the graph holds."""

from __future__ import annotations

import argparse
from typing import Any

from actorgraph._version import __version__
from actorgraph.cli._options import add_store_flags, open_graph, verb_parser

# --------------------------------------------------------------------------------------------
# info


def add_parser(sub: Any) -> None:
    parser = verb_parser(
        sub,
        "info",
        "summarise the knowledge graph: graphs, entities by type, sources, claims",
        "Summarise what the knowledge graph holds.",
        """
        actorgraph info
        actorgraph info --store ./kg
        """,
    )
    add_store_flags(parser)
    parser.set_defaults(func=_cmd_info)


def _cmd_info(args: argparse.Namespace) -> int:
    with open_graph(args) as kg:
        print(f"actorgraph {__version__}: {kg!r}")
        print(f"{len(kg):,} triples")
        print("\ngraphs:")
        for graph, count in kg.graphs().items():
            print(f"  {graph:<40} {count:>10,} triples")
        rows = kg.query(
            """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
                 GRAPH ?g { ?e a ?type } FILTER(?g != agg:ontology && ?type != rdf:Statement)
               } GROUP BY ?type ORDER BY DESC(?n) ?type"""
        )
        from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

        print("\nentities by type:")
        for row in rows:
            print(f"  {curie(str(row[0])):<40} {int(row[1]):>10,}")
        (claims,) = next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")))
        print(f"\n{int(claims):,} sourced claims (statements)")
    return 0
