"""The ``serve`` and ``push`` verbs: the knowledge graph over HTTP, and into other SPARQL stores."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import textwrap
import time
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

            --gsp URL uses the Graph Store HTTP Protocol (one PUT of N-Triples per graph, or a PUT
            and POSTs with --chunk-size); --update URL uses SPARQL Update (INSERT DATA in chunks
            into a staging graph, then MOVE it over the target). --graph sends one graph only.
            A redirect is an error (the data and credentials would go along), and so is a reply
            that is an HTML page.

            Credentials: --user NAME, with the password in the environment variable
            ACTORGRAPH_PASSWORD (asked for when it is unset and a terminal is attached); never on
            the command line. They are sent when the server asks, as HTTP Digest or Basic.

            Afterwards push asks the store's query endpoint (--endpoint, or guessed) whether it
            sees the pushed triples, also in its default graph, and says what to do if not. Query
            the store with
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
            ACTORGRAPH_PASSWORD=dba actorgraph push --gsp http://127.0.0.1:8890/sparql-graph-crud-auth --user dba
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
        help="user name for the store; the password is read from ACTORGRAPH_PASSWORD",
    )
    parser.add_argument(
        "--auth",
        choices=["auto", "basic", "digest"],
        default="auto",
        help="HTTP authentication: auto (default) answers the server's challenge, Digest or "
        "Basic; basic sends Basic credentials with every request; digest answers Digest only",
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive(int),
        metavar="N",
        help="triples per request, to stay under a server's request-size limit: per INSERT DATA "
        "with --update (default 5000); with --gsp, a PUT of the first N and a POST of each next N "
        "(default: each graph in one PUT)",
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
        help="the most seconds one request may take, from connecting to the end of its reply "
        "(default 300)",
    )
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help="the store's query URL, asked after the push whether it sees what was pushed "
        "(default: guessed from --gsp/--update for Oxigraph, Fuseki, Virtuoso and GraphDB)",
    )
    parser.add_argument(
        "--no-check", action="store_true", help="do not ask the query endpoint after the push"
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
    if args.endpoint and not args.endpoint.startswith(("http://", "https://")):
        raise UsageError(f"--endpoint {args.endpoint!r}: expected an http:// or https:// URL")
    password = _password(args.user)
    kg = open_graph(args)
    report = _Progress(sys.stderr)
    try:
        pushed = push_graphs(
            kg,
            gsp=args.gsp,
            update=args.update,
            graph=args.graph,
            user=args.user,
            password=password,
            auth=args.auth,
            chunk_size=args.chunk_size,
            timeout=args.timeout,
            staging=not args.no_staging,
            progress=report,
        )
    finally:
        report.done()
        kg.close()
    target = args.gsp or args.update
    for item in pushed:
        print(f"pushed {curie(item.graph)}: {item.triples} triples in {item.requests} request(s)")
    total = sum(item.triples for item in pushed)
    print(f"actorgraph: {len(pushed)} graph(s), {total} triples, now in {target}", file=sys.stderr)
    if not args.no_check and pushed:
        _check_push(args, pushed, password)
    return 0


def _check_push(args: argparse.Namespace, pushed: list[Any], password: str | None) -> None:
    """Ask the query endpoint whether it sees what was pushed; say what to do when it does not."""
    from actorgraph._errors import EndpointError  # noqa: PLC0415
    from actorgraph.http._push import check_push  # noqa: PLC0415
    from actorgraph.store._remote import UNION_ADVICE, query_url_for  # noqa: PLC0415
    from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

    endpoint = args.endpoint or query_url_for(args.gsp or args.update)
    if endpoint is None:
        print(
            "actorgraph: note: give --endpoint QUERY-URL to check that the store's query endpoint "
            "sees the pushed graphs",
            file=sys.stderr,
        )
        return
    try:
        check = check_push(
            pushed,
            endpoint,
            user=args.user,
            password=password,
            auth=args.auth,
            timeout=min(args.timeout, 60.0),
        )
    except EndpointError as exc:
        if args.endpoint:
            raise
        print(
            f"actorgraph: note: could not check what {endpoint} sees ({exc}); give the store's "
            "query URL with --endpoint to check, or --no-check",
            file=sys.stderr,
        )
        return
    unseen = [(g, seen, sent) for g, seen, sent in check.differing if seen == 0 and sent > 0]
    if unseen:
        listed = ", ".join(f"{curie(g)} (0 of {sent})" for g, _, sent in unseen)
        raise EndpointError(
            f"the push was answered as a success, but {endpoint} sees no triples in {listed}: "
            "is this query endpoint the same store as the push URL?"
        )
    for graph, seen, sent in check.differing:
        print(
            f"actorgraph: warning: {endpoint} sees {seen} triples in {curie(graph)}, "
            f"{sent} were pushed (another writer, or a store that merges equal literals)",
            file=sys.stderr,
        )
    if check.not_in_default:
        listed = ", ".join(curie(g) for g in check.not_in_default)
        print(
            f"actorgraph: warning: {endpoint} holds the pushed graphs, but its default graph does "
            f"not show {listed}: {UNION_ADVICE}",
            file=sys.stderr,
        )
    else:
        print(
            f"actorgraph: checked: {endpoint} sees the pushed triples, in its default graph too",
            file=sys.stderr,
        )


class _Progress:
    """The push's progress on stderr: one line redrawn on a terminal, else a line every 10 s."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.every = 0.2 if self.tty else 10.0
        self.start = self.last = time.monotonic()
        self.drawn = False

    def __call__(self, graph: str, sent: int, total: int) -> None:
        from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

        now = time.monotonic()
        if now - self.last < self.every:
            return
        self.last = now
        share = f" ({100 * sent // total}%)" if total else ""
        line = f"actorgraph: pushing {curie(graph)}: {sent:,} of {total:,} triples{share}"
        if self.tty:
            self.stream.write(f"\r{line}\x1b[K")
            self.drawn = True
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
