"""The ``query`` verb: SPARQL from the command line."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from actorgraph._errors import UsageError
from actorgraph._namespaces import curie

__all__ = ["add_parser", "format_table"]

_FORMATS = ["table", "csv", "tsv", "json", "xml", "turtle", "nt", "jsonld"]


def add_parser(sub: Any) -> None:
    """Declare the ``query`` verb."""
    from actorgraph.cli import add_store_flags  # noqa: PLC0415 - cli imports this module

    parser = sub.add_parser(
        "query",
        help="run a SPARQL query: inline, from a file, or from standard input",
        description=textwrap.dedent(
            """
            Run a SPARQL 1.1 query over the knowledge graph (all named graphs together).
            The prefixes ag:, agd:, ags:, agst:, agg:, rdf:, rdfs:, owl:, xsd:, skos:, dcterms:,
            prov:, foaf:, org:, time:, sem:, schema: and geo: are predeclared.

            SELECT and ASK print a table, or --format csv|tsv|json|xml (the W3C results
            formats; the CSV/TSV formats define no ASK form, so ASK prints true or false).
            CONSTRUCT and DESCRIBE print --format turtle|nt|jsonld (default turtle).
            """
        ).strip(),
        epilog="examples:\n"
        + textwrap.indent(
            textwrap.dedent(
                """
                actorgraph query "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
                actorgraph query -f my-question.rq --format csv > answer.csv
                echo "ASK { agd:ttp a ag:ArmedGroup }" | actorgraph query
                actorgraph query "SELECT ?p ?o WHERE { ?g ?p ?o }" --param g=agd:ttp
                """
            ).strip(),
            "  ",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "text", nargs="?", metavar="QUERY", help="the query text (or use -f, or stdin)"
    )
    parser.add_argument("-f", "--file", metavar="FILE.rq", help="read the query from a file")
    parser.add_argument(
        "--format", choices=_FORMATS, help="output format (default: table, or turtle for graphs)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        metavar="S",
        help="stop the query after S seconds (default 60)",
    )
    parser.add_argument("--limit", type=int, metavar="N", help="print at most N rows")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="VAR=VALUE",
        help="bind a variable: a CURIE or <IRI>, YYYY-MM-DD, a number, or text (repeatable)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow SERVICE and FROM of graphs outside the store (refused by default)",
    )
    add_store_flags(parser)
    parser.set_defaults(func=run)


def _query_text(args: argparse.Namespace) -> str:
    sources = [bool(args.text), bool(args.file)]
    if sum(sources) > 1:
        raise UsageError("give the query inline or with -f, not both")
    if args.file:
        try:
            with open(args.file, encoding="utf-8") as handle:
                return handle.read()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UsageError(f"{args.file} is not UTF-8 text; save it as UTF-8") from None
    if args.text:
        return str(args.text)
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no query: give it inline, with -f FILE.rq, or on standard input")
    return sys.stdin.read()


def _params(args: argparse.Namespace) -> dict[str, str]:
    params = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--param {item!r}: expected VAR=VALUE, e.g. --param group=agd:ttp")
        params[name.strip().lstrip("?$")] = value
    return params


def run(args: argparse.Namespace) -> int:
    """Run the ``query`` verb."""
    from actorgraph.cli import open_graph, write_stdout  # noqa: PLC0415

    text = _query_text(args)
    if args.limit is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    kg = open_graph(args)
    result = kg.query(
        text,
        params=_params(args),
        timeout=args.timeout,
        allow_remote=args.allow_remote,
        limit=args.limit,
    )
    fmt = args.format or ("turtle" if result.type == "CONSTRUCT" else "table")
    if fmt == "table":
        if result.type == "CONSTRUCT":
            raise UsageError(
                "a CONSTRUCT/DESCRIBE result is a graph: use --format turtle, nt or jsonld"
            )
        print(format_table(result))
    else:
        write_stdout(result.serialize(fmt))
    if result.truncated:
        print(f"actorgraph: stopped at --limit {args.limit} rows; more rows match", file=sys.stderr)
    return 0


def format_table(result: Any, *, width: int = 60) -> str:
    """A plain-text table of a SELECT result (IRIs as CURIEs), or the answer of an ASK."""
    if result.type == "ASK":
        return "true" if result.askAnswer else "false"
    names = [str(v) for v in result.vars]
    rows = [["" if term is None else _cell(term, width) for term in row] for row in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = "  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    count = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join([line.rstrip(), rule, *body, count])


def _cell(term: Any, width: int) -> str:
    from rdflib import URIRef  # noqa: PLC0415

    text = curie(str(term)) if isinstance(term, URIRef) else str(term)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
