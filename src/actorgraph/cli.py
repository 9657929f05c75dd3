"""The ``actorgraph`` command line.

Each verb is a pair of functions: ``_add_<verb>(subparsers)`` declares its flags and help, and
``_cmd_<verb>(args) -> int`` runs it. Errors a user can cause are :class:`ActorGraphError` subclasses:
``main`` prints them on one line and returns their exit code (see ``docs/design.md``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from actorgraph._errors import ActorGraphError, DataErrors, UsageError
from actorgraph._version import __version__

__all__ = ["main"]

ISSUES_URL = "https://github.com/actorgraph/actorgraph/issues"

Command = Callable[[argparse.Namespace], int]


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written."""


def _parser(
    sub: Any, name: str, help_text: str, description: str, examples: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help_text,
        description=textwrap.dedent(description).strip(),
        epilog="examples:\n" + textwrap.indent(textwrap.dedent(examples).strip(), "  "),
        formatter_class=_Formatter,
    )
    return parser


def add_store_flags(parser: argparse.ArgumentParser) -> None:
    """``--store`` and ``--data``, for every verb that reads the graph."""
    parser.add_argument(
        "--store",
        metavar="DIR|URL",
        help="an on-disk store directory (created if missing) or a SPARQL endpoint URL; "
        "default: the bundled data in memory",
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        action="append",
        default=[],
        help="your own curated YAML file, layered over the bundled data (repeatable)",
    )


def open_graph(args: argparse.Namespace) -> Any:
    """Load the knowledge graph the flags of :func:`add_store_flags` name, for reading.

    An existing, up-to-date on-disk store is opened read-only, so that any number of readers (and
    an ``actorgraph serve`` without ``--allow-update``) share it; a new or outdated one is opened
    for writing once, to create or update it.
    """
    from actorgraph._store import load_for_reading  # noqa: PLC0415 - keeps --help fast

    return load_for_reading(store=args.store, data=args.data)


def add_filter_flags(parser: argparse.ArgumentParser, *, default_view: str = "actors") -> None:
    """The filter flags shared by ``viz``, ``export`` and ``network``."""
    group = parser.add_argument_group("what to include")
    group.add_argument(
        "--view",
        choices=["actors", "full"],
        default=default_view,
        help=f"actors only, events folded into actor-actor ties; or every entity (default: {default_view})",
    )
    group.add_argument(
        "--as-of", metavar="DATE", help="only what held on this date (YYYY, YYYY-MM, YYYY-MM-DD)"
    )
    group.add_argument(
        "--between", nargs=2, metavar=("START", "END"), help="only what falls in this period"
    )
    group.add_argument(
        "--types", nargs="+", metavar="CLASS", help="only nodes of these classes (ag:ArmedGroup …)"
    )
    group.add_argument(
        "--relations",
        nargs="+",
        metavar="PROP",
        help="only edges of these properties (ag:claimedBy …)",
    )
    group.add_argument(
        "--focus", metavar="NAME", help="only the neighbourhood of this entity (any of its names)"
    )
    group.add_argument(
        "--hops", type=int, default=1, metavar="N", help="how far --focus reaches (default: 1)"
    )


def filters_from(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword arguments of :func:`actorgraph.to_networkx` the filter flags ask for."""
    filters: dict[str, Any] = {}
    if args.as_of:
        filters["as_of"] = args.as_of
    if args.between:
        filters["between"] = tuple(args.between)
    if args.types:
        filters["types"] = args.types
    if args.relations:
        filters["relations"] = args.relations
    if args.focus:
        filters["focus"] = args.focus
        filters["hops"] = args.hops
    return filters


def write_output(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write a file atomically: to a temporary file beside it, then renamed over it."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path()
    if not directory.is_dir():
        raise UsageError(f"cannot write {target}: the directory {directory} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        # mkstemp makes the file private (0600); give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_stdout(data: bytes) -> None:
    """Write bytes to standard output."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    if data and not data.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()


# --------------------------------------------------------------------------------------------
# info


def _add_info(sub: Any) -> None:
    parser = _parser(
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
    kg = open_graph(args)
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
    from actorgraph._namespaces import curie  # noqa: PLC0415

    print("\nentities by type:")
    for row in rows:
        print(f"  {curie(str(row[0])):<40} {int(row[1]):>10,}")
    (claims,) = next(iter(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a rdf:Statement }")))
    print(f"\n{int(claims):,} sourced claims (statements)")
    return 0


# --------------------------------------------------------------------------------------------
# validate


def _add_validate(sub: Any) -> None:
    parser = _parser(
        sub,
        "validate",
        "check curated data files: every problem with file, line and field",
        """
        Check curated YAML files (docs/authoring.md): the structure of every record (ids,
        classes, properties, values, dates, pinpoints, ranks), then the SHACL shapes of
        ontology/shapes.ttl on the compiled graph. With no PATH, checks the bundled data.
        Exit code 0 when all is well, 3 when a problem was found.
        """,
        """
        actorgraph validate
        actorgraph validate my-claims.yaml
        actorgraph validate data/curated --seeds ../shared/seeds
        """,
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="YAML files or directories")
    parser.add_argument(
        "--seeds",
        metavar="DIR",
        help="where the seed texts are: recompute every pinpoint's offsets and SHA-256",
    )
    parser.add_argument("--no-shacl", action="store_true", help="skip the SHACL shapes")
    parser.set_defaults(func=_cmd_validate)


def _cmd_validate(args: argparse.Namespace) -> int:
    from actorgraph._validate import validate  # noqa: PLC0415

    errors = validate(args.paths or None, seeds_dir=args.seeds, shacl=not args.no_shacl)
    if errors:
        raise DataErrors(errors)
    what = ", ".join(args.paths) if args.paths else "the bundled data"
    print(f"ok: {what} is valid")
    return 0


# --------------------------------------------------------------------------------------------
# viz


def _add_viz(sub: Any) -> None:
    parser = _parser(
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
    from actorgraph._render import render_html  # noqa: PLC0415

    kg = open_graph(args)
    graph = kg.to_networkx(view=args.view, **filters_from(args))
    html = render_html(graph, None, title=args.title, physics=args.physics or None)
    path = write_output(args.output, html.encode("utf-8"))
    print(
        f"wrote {path} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges); "
        "open it in a browser, no internet needed"
    )
    return 0


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


def _add_export(sub: Any) -> None:
    parser = _parser(
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
    kg = open_graph(args)
    if args.format in _RDF_FORMATS:
        data = kg.serialize(args.format, graphs=args.graph)
        if args.output is None:
            write_stdout(data)
            return 0
        path = write_output(args.output, data)
        print(f"wrote {path} ({len(data):,} bytes of {args.format})", file=sys.stderr)
        return 0
    from actorgraph._export import write_network  # noqa: PLC0415

    graph = kg.to_networkx(view=args.view, **filters_from(args))
    output = Path(args.output or f"actorgraph{_SUFFIXES[args.format]}")
    with tempfile.TemporaryDirectory(dir=output.parent if str(output.parent) else None) as tmp:
        staged = Path(tmp) / output.name
        write_network(graph, staged, args.format)
        os.replace(staged, output)
    print(
        f"wrote {output} ({graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges, {args.format})",
        file=sys.stderr,
    )
    return 0


# --------------------------------------------------------------------------------------------
# profile


def _add_profile(sub: Any) -> None:
    parser = _parser(
        sub,
        "profile",
        "everything known of one actor: names, leaders, splits, allies, designations, attacks",
        """
        Print the profile of an actor (or any entity): names and aliases, type, founding,
        founders and leaders over time, splinters and parents, allies and rivals, designations,
        areas, ideology, and recorded attacks by year (imported event data included when the
        store holds it). Every line lists the sources behind it.
        """,
        """
        actorgraph profile TTP
        actorgraph profile "Islamic State Khorasan Province" --format markdown > iskp.md
        actorgraph profile ISKP --format json --store ./kg
        actorgraph profile TTP --as-of 2012
        """,
    )
    parser.add_argument("name", help="any name or alias of the entity, or its id (agd:ttp)")
    parser.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="only relations whose statements hold on this date (YYYY, YYYY-MM, YYYY-MM-DD; "
        "a year or month means its last day); undated lines stay, marked (undated)",
    )
    add_store_flags(parser)
    parser.set_defaults(func=_cmd_profile)


def _cmd_profile(args: argparse.Namespace) -> int:
    kg = open_graph(args)
    if args.as_of:
        from actorgraph._profile import profile  # noqa: PLC0415

        result = profile(kg, args.name, as_of=args.as_of)
    else:
        result = kg.profile(args.name)
    if args.format == "json":
        print(result.to_json())
    elif args.format == "markdown":
        print(result.to_markdown(), end="")
    else:
        print(result.to_text())
    return 0


# --------------------------------------------------------------------------------------------
# main


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every verb."""
    parser = argparse.ArgumentParser(
        prog="actorgraph",
        description=textwrap.dedent(
            """
            A sourced knowledge graph of militant groups and the actors around them.
            Every tie carries the claims and sources behind it.
            """
        ).strip(),
        epilog=textwrap.dedent(
            """
            start here:
              actorgraph info                     what the graph holds
              actorgraph viz                      write the interactive page (actorgraph.html)
              actorgraph query "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
              actorgraph <verb> --help            examples for each verb

            exit codes: 0 ok, 2 usage, 3 bad data file, 4 bad query, 5 timeout,
            6 endpoint or network error, 7 import rejected rows (--strict), 1 a bug
            """
        ).strip(),
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"actorgraph {__version__}")
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    sub = parser.add_subparsers(title="verbs", metavar="VERB")
    for add in _verbs():
        add(sub)
    return parser


def _verbs() -> list[Callable[[Any], None]]:
    from actorgraph import _cli_import, _cli_network, _cli_query, _cli_serve  # noqa: PLC0415

    verbs: list[Callable[[Any], None]] = [
        _add_info,
        _add_validate,
        _cli_query.add_parser,
        _cli_import.add_parser,
        _add_viz,
        _add_export,
        _cli_network.add_parser,
        _add_profile,
        _cli_serve.add_push_parser,
        _cli_serve.add_serve_parser,
    ]
    return verbs


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        code: int = args.func(args)
        return code
    except ActorGraphError as exc:
        if args.debug:
            raise
        _print_error(exc)
        return exc.exit_code
    except KeyboardInterrupt:
        print("actorgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away; nothing is wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"actorgraph: internal error ({type(exc).__name__}: {exc}). This is a bug in actorgraph: "
            f"rerun with --debug and report the traceback at {ISSUES_URL}",
            file=sys.stderr,
        )
        return 1


def _print_error(exc: ActorGraphError) -> None:
    if isinstance(exc, DataErrors) and len(exc.errors) > 1:
        for error in exc.errors:
            print(f"actorgraph: error: {error}", file=sys.stderr)
        print(f"actorgraph: {len(exc.errors)} problems found", file=sys.stderr)
        return
    print(f"actorgraph: error: {exc}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
