"""``actorgraph serve``: the SPARQL 1.1 Protocol over HTTP, and the offline query page.

An ASGI application (Starlette) served by uvicorn; both are the ``server`` extra
(``pip install 'actorgraph[server]'``).

- ``/sparql``: queries by GET ``?query=``, POST form-encoded and POST ``application/sparql-query``,
  with ``default-graph-uri`` / ``named-graph-uri`` (and, as an actorgraph extension, ``param=VAR=VALUE``
  to bind a variable as ``--param`` does); results negotiated by ``Accept`` (SPARQL JSON,
  XML, CSV, TSV; Turtle, N-Triples, JSON-LD for graphs; 406 otherwise); a bare GET answers the
  Service Description.
- ``/update``: SPARQL Update, only when the server was started with ``allow_update``.
- ``/``: the query page (``viz/query.html``), ``/queries.json`` the saved queries it offers.

The store lives in a separate query host process (:mod:`actorgraph.http._query_host`) that forks a
worker per query, with a memory limit, killed at its timeout or when its client goes away; a
bounded number run at once (in total and per client), the others wait in a bounded queue
(``/status`` shows it). Updates need the same origin (or one given with ``--cors``) and, when the
server has one, the update token; every request must name a host the server serves (DNS
rebinding)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from actorgraph._errors import QueryError, QueryMemoryError, QueryTimeout, UsageError
from actorgraph._resources import resource_dir
from actorgraph._version import __version__
from actorgraph.http._access import (
    Admission,
    HostCheck,
    allowed_hosts,
    check_writer,
    unless_disconnected,
)
from actorgraph.http._negotiation import (
    DESCRIPTION_OFFERS,
    GRAPH_OFFERS,
    RESULT_OFFERS,
    W3C_FORMATS,
    negotiate,
)
from actorgraph.http._options import UPDATE_TOKEN_ENV, ServerOptions
from actorgraph.http._query_host import QueryHost
from actorgraph.http._requests import HTTPProblem, one_field, problem, protocol_fields, query_params
from actorgraph.sparql._guard import check_query
from actorgraph.sparql._results import MEDIA_TYPES, QueryResult
from actorgraph.sparql._saved import saved_queries

__all__ = ["UPDATE_TOKEN_ENV", "ServerOptions", "allowed_hosts", "create_app", "negotiate", "serve"]


# --------------------------------------------------------------------------------------------
# The application


def create_app(
    host: QueryHost,
    options: ServerOptions | None = None,
    *,
    bind: str = "127.0.0.1",
    port: int = 7878,
) -> Starlette:
    """The ASGI application answering from ``host`` (the process holding the store).

    ``bind`` and ``port`` are where the server listens: they decide which ``Host`` headers it
    answers to (:func:`allowed_hosts`).

    Examples
    --------
    >>> from actorgraph.http._query_host import QueryHost
    >>> host = QueryHost()
    >>> app = create_app(host, ServerOptions(timeout=10))
    >>> sorted(r.path for r in app.routes)[:4]
    ['/', '/favicon.ico', '/queries.json', '/query']
    >>> host.close()
    """
    options = options or ServerOptions()
    viz = resource_dir("viz")
    admission = Admission(options.workers, options.client_workers, options.queue)

    async def sparql(request: Request) -> Response:
        try:
            fields = await protocol_fields(request, options)
            query = one_field(fields, "query")
            update = one_field(fields, "update")
            if update is not None:
                if query is not None:
                    raise HTTPProblem(400, "give either 'query' or 'update', not both")
                if request.method != "POST":
                    # A GET carries no Origin: an <img src=...?update=DROP+ALL> on any page would
                    # change the store. The protocol sends updates by POST only.
                    raise HTTPProblem(405, "SPARQL Update must be sent by POST", {"Allow": "POST"})
                return await _run_update(request, update, fields)
            if query is None:
                if request.method == "POST":
                    raise HTTPProblem(400, "the request has no 'query' parameter")
                return await _description(request)
            return await _run_query(request, query, fields)
        except HTTPProblem as exc:
            return problem(exc)

    async def update_endpoint(request: Request) -> Response:
        try:
            fields = await protocol_fields(request, options)
            update = one_field(fields, "update")
            if update is None:
                raise HTTPProblem(
                    400, "POST the update as application/sparql-update, or form field 'update'"
                )
            return await _run_update(request, update, fields)
        except HTTPProblem as exc:
            return problem(exc)

    async def _run_query(request: Request, query: str, fields: dict[str, list[str]]) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, RESULT_OFFERS + GRAPH_OFFERS) is None:
            raise HTTPProblem(406, _not_acceptable(accept))
        default_graphs = fields.get("default-graph-uri")
        named_graphs = fields.get("named-graph-uri")
        params = query_params(fields.get("param", []))
        client = request.client.host if request.client else "unknown"

        async def evaluate() -> QueryResult:
            async with admission.slot(client):
                return await host.query(
                    query,
                    params=params,
                    timeout=options.timeout,
                    allow_remote=options.allow_remote,
                    limit=options.max_rows,
                    default_graph=default_graphs,
                    named_graphs=named_graphs,
                )

        try:
            result = await unless_disconnected(request, evaluate())
        except QueryMemoryError as exc:
            raise HTTPProblem(507, str(exc)) from None
        except QueryTimeout as exc:
            raise HTTPProblem(503, str(exc)) from None
        except QueryError as exc:
            raise HTTPProblem(400, str(exc)) from None
        offers = GRAPH_OFFERS if result.type == "CONSTRUCT" else RESULT_OFFERS
        fmt = negotiate(accept, offers)
        if fmt is None:
            raise HTTPProblem(406, _not_acceptable(accept, result.type))
        payload = await run_in_threadpool(result.serialize, fmt)
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["X-ActorGraph-Truncated"] = f"max-rows={options.max_rows}"
        return Response(payload, media_type=MEDIA_TYPES[fmt], headers=headers)

    async def _run_update(request: Request, update: str, fields: dict[str, list[str]]) -> Response:
        if not options.allow_update:
            raise HTTPProblem(
                403,
                "this endpoint is read-only: SPARQL Update is refused "
                "(start the server with `actorgraph serve --allow-update` to accept updates at /update)",
            )
        check_writer(request, options)
        if fields.get("using-graph-uri") or fields.get("using-named-graph-uri"):
            raise HTTPProblem(400, "using-graph-uri and using-named-graph-uri are not supported")
        try:
            check_query(update, allow_remote=options.allow_remote, update=True)
            await host.update(update)
        except QueryError as exc:
            raise HTTPProblem(400, str(exc)) from None
        return Response(status_code=204)

    async def _description(request: Request) -> Response:
        accept = request.headers.get("accept")
        if accept and "text/html" in accept and negotiate(accept, DESCRIPTION_OFFERS) is None:
            return Response(status_code=303, headers={"Location": "/"})
        fmt = negotiate(accept, DESCRIPTION_OFFERS)
        if fmt is None:
            raise HTTPProblem(406, _not_acceptable(accept, "the Service Description"))
        endpoint = str(request.url.replace(query=""))
        try:
            graphs = await host.graphs()
        except QueryError as exc:
            raise HTTPProblem(503, str(exc)) from None
        body = service_description(endpoint, graphs, options)
        if fmt == "nt":
            import pyoxigraph as ox  # noqa: PLC0415

            triples = ox.parse(body.encode("utf-8"), format=ox.RdfFormat.TURTLE)
            payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            return Response(payload, media_type=MEDIA_TYPES["nt"], headers={"Vary": "Accept"})
        return Response(body, media_type=MEDIA_TYPES["turtle"], headers={"Vary": "Accept"})

    async def status(request: Request) -> Response:
        return JSONResponse(
            {
                "running": admission.running,
                "waiting": admission.waiting,
                "limits": {
                    "workers": options.workers,
                    "client_workers": options.client_workers,
                    "queue": options.queue,
                    "query_memory_mib": options.query_memory,
                    "timeout_s": options.timeout,
                    "max_rows": options.max_rows,
                    "max_body_bytes": options.max_body,
                },
            },
            headers={"Cache-Control": "no-store"},
        )

    async def page(request: Request) -> Response:
        return FileResponse(viz / "query.html", media_type="text/html; charset=utf-8")

    async def favicon(request: Request) -> Response:
        # The page declares no icon of its own (an empty data: URL); a browser that asks anyway
        # gets an empty answer, not a 404 in the log.
        return Response(status_code=204, headers={"Cache-Control": "max-age=86400"})

    async def queries(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "answers": q.answers,
                    "params": q.params,
                    "text": q.text,
                }
                for q in saved_queries()
            ]
        )

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/favicon.ico", favicon, methods=["GET"]),
        Route("/queries.json", queries, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/status", status, methods=["GET"]),
        Route("/update", update_endpoint, methods=["POST"]),
        Mount("/query", app=StaticFiles(directory=viz / "query"), name="query-assets"),
    ]
    middleware = [
        Middleware(HostCheck, allowed=allowed_hosts(bind, port, options.allowed_hosts), port=port)
    ]
    if options.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(options.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Authorization", "Content-Type"],
                expose_headers=["X-ActorGraph-Truncated"],
            )
        )
    return Starlette(routes=routes, middleware=middleware)


def _not_acceptable(accept: str | None, what: str | None = None) -> str:
    if what == "CONSTRUCT":
        offered = GRAPH_OFFERS
    elif what in {"SELECT", "ASK"}:
        offered = RESULT_OFFERS
    elif what is not None:
        offered = DESCRIPTION_OFFERS
    else:
        offered = RESULT_OFFERS + GRAPH_OFFERS
    types = ", ".join(dict.fromkeys(media for media, _ in offered))
    subject = f"{what} result" if what in {"SELECT", "ASK", "CONSTRUCT"} else (what or "result")
    return f"cannot answer Accept: {accept}; a {subject} is available as {types}"


def service_description(endpoint: str, graphs: Sequence[str], options: ServerOptions) -> str:
    """The SPARQL 1.1 Service Description of the endpoint (with its named ``graphs``), in Turtle."""
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if options.allow_update else [])
    formats = ", ".join(f"formats:{name}" for name in dict.fromkeys(W3C_FORMATS.values()))
    named = " ,\n        ".join(
        f"[ a sd:NamedGraph ; sd:name <{iri}> ]" for iri in graphs if "/staging/" not in iri
    )
    lines = [
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .",
        "@prefix formats: <http://www.w3.org/ns/formats/> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        f"<{endpoint}> a sd:Service ;",
        f"    sd:endpoint <{endpoint}> ;",
        f"    sd:supportedLanguage {', '.join(languages)} ;",
        f"    sd:resultFormat {formats} ;",
        "    sd:feature sd:UnionDefaultGraph, sd:BasicFederatedQuery ;"
        if options.allow_remote
        else "    sd:feature sd:UnionDefaultGraph ;",
        f'    dcterms:description "actorgraph {__version__}: a sourced knowledge graph of militant '
        f"groups; queries stop after {options.timeout:g} s or {options.query_memory} MiB and return at most "
        f"{options.max_rows} rows; {options.workers} run at once ({options.client_workers} per client), "
        f'{options.queue} may wait; the queue is at /status" ;',
        "    sd:defaultDataset [",
        "        a sd:Dataset ;",
        "        sd:defaultGraph [ a sd:Graph ] ;",
    ]
    if named:
        lines.append(f"        sd:namedGraph {named}")
    lines.append("    ] .")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Running


def serve(
    store: str | os.PathLike[str] | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 7878,
    data: Sequence[str | os.PathLike[str]] = (),
    options: ServerOptions | None = None,
) -> None:
    """Serve the knowledge graph until interrupted (``actorgraph serve``)."""
    import uvicorn  # noqa: PLC0415 - the server extra

    options = options or ServerOptions()
    if store is not None and str(store).startswith(("http://", "https://")):
        raise UsageError(
            "actorgraph serve needs a local store (a directory, or none for the bundled data), "
            "not a remote endpoint"
        )
    if options.allow_update and options.update_token is None and not _is_loopback(host):
        raise UsageError(
            f"--allow-update on {host}, reachable from other machines, needs a token: set "
            f"{UPDATE_TOKEN_ENV} to a secret that updates must send"
        )
    query_host = QueryHost(
        store, data=data, writable=options.allow_update, memory_mib=options.query_memory
    )
    try:
        app = create_app(query_host, options, bind=host, port=port)
        print(
            f"actorgraph: serving http://{_display_host(host)}:{port}/ "
            f"(SPARQL endpoint /sparql{', updates /update' if options.allow_update else ''}); "
            "Ctrl-C stops it",
            flush=True,
        )
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        query_host.close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
