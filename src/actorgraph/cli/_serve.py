"""The ``serve`` and ``push`` verbs: the knowledge graph over HTTP, and into other SPARQL stores."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import textwrap
from typing import Any

from actorgraph._errors import UsageError

__all__ = ["add_push_parser", "add_serve_parser"]

_SERVER_EXTRA = "pip install 'actorgraph[server]'"
# Named here as well as in actorgraph.http._server, which needs the server extra to import.
UPDATE_TOKEN_ENV = "ACTORGRAPH_UPDATE_TOKEN"


def _examples(text: str) -> str:
    return "examples:\n" + textwrap.indent(textwrap.dedent(text).strip(), "  ")


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(value: str) -> int | float:
        try:
            number = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {value!r}") from None
        if number <= 0:
            raise argparse.ArgumentTypeError(f"must be more than 0, got {value}")
        return number

    return parse


# --------------------------------------------------------------------------------------------
# serve


def add_serve_parser(sub: Any) -> None:
    """Declare the ``serve`` verb."""
    from actorgraph.cli._options import add_store_flags  # noqa: PLC0415 - cli imports this module

    parser = sub.add_parser(
        "serve",
        help="serve the SPARQL 1.1 Protocol at /sparql and the query page at /",
        description=textwrap.dedent(
            f"""
            Serve the knowledge graph over HTTP: the SPARQL 1.1 Protocol at /sparql (GET ?query=,
            POST form or application/sparql-query; results as JSON, XML, CSV or TSV, graphs as
            Turtle, N-Triples or JSON-LD, chosen by the Accept header), the Service Description on a
            bare GET, and an offline query page with the saved queries at /.

            Read-only unless --allow-update (then SPARQL Update at /update, from this server's
            own pages, origins given with --cors, or clients that are not browsers; with the
            token in {UPDATE_TOKEN_ENV} when it is set, which --allow-update on an address other
            machines reach requires). Each query runs in its own worker process: stopped after
            --timeout seconds (HTTP 503) or past --query-memory MiB (HTTP 507), and sends at most
            --max-rows rows; --workers run at once (--client-workers per client address), up to
            --queue wait; /status shows the queue. SERVICE is refused. Binds 127.0.0.1 unless
            --host says otherwise, and answers only to IP addresses, localhost and the names
            given with --allowed-host. Needs {_SERVER_EXTRA}.
            """
        ).strip(),
        epilog=_examples(
            """
            actorgraph serve                                   # http://127.0.0.1:7878/
            actorgraph serve --store ~/actorgraph-store --port 8000
            curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ag:claimedBy ?o }' http://127.0.0.1:7878/sparql
            actorgraph serve --cors https://yasgui.org --timeout 10 --max-rows 50000
            ACTORGRAPH_UPDATE_TOKEN=... actorgraph serve --host 0.0.0.0 --allowed-host kg.example.org --allow-update
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7878, help="port (default 7878)")
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=30.0,
        metavar="S",
        help="stop each query after S seconds (default 30)",
    )
    parser.add_argument(
        "--max-rows",
        type=_positive(int),
        default=10_000,
        metavar="N",
        help="send at most N result rows or triples per query (default 10000)",
    )
    parser.add_argument(
        "--max-body",
        type=_positive(int),
        default=1_000_000,
        metavar="BYTES",
        help="refuse request bodies larger than this with 413 (default 1000000)",
    )
    parser.add_argument(
        "--query-memory",
        type=_positive(int),
        default=1024,
        metavar="MIB",
        help="stop a query whose worker needs more than MIB MiB beyond the store (HTTP 507; default 1024)",
    )
    parser.add_argument(
        "--workers",
        type=_positive(int),
        default=4,
        metavar="N",
        help="evaluate at most N queries at once; the others wait (default 4)",
    )
    parser.add_argument(
        "--client-workers",
        type=_positive(int),
        default=2,
        metavar="N",
        help="evaluate at most N queries at once for one client address (default 2)",
    )
    parser.add_argument(
        "--queue",
        type=_positive(int),
        default=64,
        metavar="N",
        help="let at most N requests wait for a worker; more get 503 (default 64)",
    )
    parser.add_argument(
        "--allow-update",
        action="store_true",
        help=f"accept SPARQL Update at /update (with the token in {UPDATE_TOKEN_ENV} when set)",
    )
    parser.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (NAME or NAME:PORT; repeatable; * for any); "
        "others get 421",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow SERVICE, LOAD and FROM of graphs outside the store (refused by default)",
    )
    parser.add_argument(
        "--cors",
        action="append",
        metavar="ORIGIN",
        help="let pages from ORIGIN (or * for any, to read) call the endpoint, and send updates "
        "(never *); repeatable; no CORS headers otherwise",
    )
    add_store_flags(parser)
    parser.set_defaults(func=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    """Run the ``serve`` verb until interrupted."""
    try:
        from actorgraph.http import _server  # noqa: PLC0415 - the server extra
    except ModuleNotFoundError as exc:
        raise UsageError(
            f"actorgraph serve needs the server extra ({(exc.name or 'starlette').partition('.')[0]} "
            f"is missing): {_SERVER_EXTRA}"
        ) from None
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: expected 0 to 65535")
    options = _server.ServerOptions(
        timeout=args.timeout,
        max_rows=args.max_rows,
        max_body=args.max_body,
        allow_update=args.allow_update,
        allow_remote=args.allow_remote,
        cors=tuple(args.cors or ()),
        query_memory=args.query_memory,
        workers=args.workers,
        client_workers=args.client_workers,
        queue=args.queue,
        allowed_hosts=tuple(args.allowed_host),
        update_token=os.environ.get(UPDATE_TOKEN_ENV) or None,
    )
    _server.serve(args.store, host=args.host, port=args.port, data=args.data, options=options)
    return 0


# --------------------------------------------------------------------------------------------
# push


def add_push_parser(sub: Any) -> None:
    """Declare the ``push`` verb."""
    from actorgraph.cli._options import add_store_flags  # noqa: PLC0415

    parser = sub.add_parser(
        "push",
        help="load the knowledge graph into a SPARQL 1.1 store (Graph Store Protocol or Update)",
        description=textwrap.dedent(
            """
            Copy each named graph (ontology, curated data, imports, your own files) into another
            SPARQL 1.1 store, replacing what that graph held there, so pushing again never
            duplicates anything.

            --gsp URL uses the Graph Store HTTP Protocol (one PUT of N-Triples per graph);
            --update URL uses SPARQL Update (INSERT DATA in chunks into a staging graph, then MOVE
            it over the target). --graph sends one graph only.

            Credentials: --user NAME, with the password in the environment variable
            ACTORGRAPH_PASSWORD (asked for when it is unset and a terminal is attached); never on
            the command line. Query the store afterwards with
            `actorgraph query --endpoint URL` (see docs/servers.md for Oxigraph, Virtuoso, GraphDB
            and QLever).
            """
        ).strip(),
        epilog=_examples(
            """
            oxigraph serve --location ./oxi --bind 127.0.0.1:7879 --union-default-graph &
            actorgraph push --gsp http://127.0.0.1:7879/store
            actorgraph push --update http://127.0.0.1:7879/update --graph agg:curated
            ACTORGRAPH_PASSWORD=... actorgraph push --gsp https://db.example.org/store --user me
            actorgraph query --saved contested-tolls --endpoint http://127.0.0.1:7879/query
            """
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--gsp", metavar="URL", help="the store's Graph Store Protocol URL")
    target.add_argument("--update", metavar="URL", help="the store's SPARQL Update URL")
    parser.add_argument(
        "--graph", metavar="IRI", help="push only this graph (e.g. agg:curated); default: all"
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="HTTP Basic user; the password is read from ACTORGRAPH_PASSWORD",
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive(int),
        default=5_000,
        metavar="N",
        help="triples per INSERT DATA request with --update (default 5000)",
    )
    parser.add_argument(
        "--no-staging",
        action="store_true",
        help="with --update: drop each graph and insert straight into it, for stores without "
        "MOVE (readers may see a partial graph meanwhile)",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=300.0,
        metavar="S",
        help="seconds to wait for each request (default 300)",
    )
    add_store_flags(parser)
    parser.set_defaults(func=run_push)


def _password(user: str | None) -> str | None:
    from actorgraph.http._push import PASSWORD_ENV  # noqa: PLC0415

    if user is None:
        return None
    password = os.environ.get(PASSWORD_ENV)
    if password is None and sys.stdin is not None and sys.stdin.isatty():
        password = getpass.getpass(f"password for {user}: ")
    if password is None:
        raise UsageError(
            f"--user {user} needs a password: set the environment variable {PASSWORD_ENV}"
        )
    return password


def run_push(args: argparse.Namespace) -> int:
    """Run the ``push`` verb."""
    from actorgraph.cli._options import open_graph  # noqa: PLC0415
    from actorgraph.http._push import push_graphs  # noqa: PLC0415
    from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

    if args.store and str(args.store).startswith(("http://", "https://")):
        raise UsageError("push copies a local graph: give --store a directory, not a URL")
    password = _password(args.user)
    kg = open_graph(args)
    try:
        pushed = push_graphs(
            kg,
            gsp=args.gsp,
            update=args.update,
            graph=args.graph,
            user=args.user,
            password=password,
            chunk_size=args.chunk_size,
            timeout=args.timeout,
            staging=not args.no_staging,
        )
    finally:
        kg.close()
    target = args.gsp or args.update
    for item in pushed:
        print(f"pushed {curie(item.graph)}: {item.triples} triples in {item.requests} request(s)")
    total = sum(item.triples for item in pushed)
    print(f"actorgraph: {len(pushed)} graph(s), {total} triples, now in {target}", file=sys.stderr)
    return 0
