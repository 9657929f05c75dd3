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

Each query runs in a worker thread that waits on a killable worker process
(:func:`actorgraph._query.run_local` with a timeout), so a slow query neither blocks the event loop
nor other clients, and a runaway one is really stopped.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from actorgraph._errors import QueryError, QueryTimeout, UsageError
from actorgraph._namespaces import PREFIXES
from actorgraph._query import MEDIA_TYPES, QueryResult, check_query, run_local
from actorgraph._resources import resource_dir
from actorgraph._saved import saved_queries
from actorgraph._store import KnowledgeGraph, load, load_for_reading
from actorgraph._version import __version__

__all__ = ["ServerOptions", "create_app", "negotiate", "serve"]

#: What each output format may be asked for as, in the server's order of preference.
RESULT_OFFERS: list[tuple[str, str]] = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
GRAPH_OFFERS: list[tuple[str, str]] = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/x-turtle", "turtle"),
    ("text/plain", "nt"),
    ("application/json", "jsonld"),
]
_DESCRIPTION_OFFERS: list[tuple[str, str]] = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("text/plain", "turtle"),
]
_W3C_FORMATS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
}


@dataclass(frozen=True)
class ServerOptions:
    """How the endpoint behaves; the defaults are the safe ones.

    Parameters
    ----------
    timeout
        Seconds after which a query is stopped (its worker process killed); the client gets 503.
    max_rows
        Most result rows (or triples) sent for one query; a cut result carries the header
        ``X-ActorGraph-Truncated``.
    max_body
        Most bytes of a request body or query string; larger requests get 413.
    allow_update
        Accept SPARQL Update at ``/update`` (refused with 403 otherwise).
    allow_remote
        Allow ``SERVICE``, ``LOAD`` and ``FROM`` of outside graphs (refused by default).
    cors
        The origin allowed to call the endpoint from a browser (``*`` for any); no CORS headers
        are sent unless given.
    """

    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    allow_update: bool = False
    allow_remote: bool = False
    cors: str | None = None


class _HTTPProblem(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _problem(exc: _HTTPProblem) -> Response:
    return PlainTextResponse(exc.message + "\n", status_code=exc.status, headers=exc.headers)


# --------------------------------------------------------------------------------------------
# Content negotiation


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media: str) -> float:
    """The quality of ``media`` under the most specific matching range (RFC 9110, 12.5.1)."""
    kind = media.partition("/")[0]
    best_specificity, best_quality = -1, 0.0
    for pattern, quality in ranges:
        if pattern == media:
            specificity = 2
        elif pattern == f"{kind}/*":
            specificity = 1
        elif pattern == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best_specificity:
            best_specificity, best_quality = specificity, quality
    return best_quality


def negotiate(accept: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """Pick the format of ``offers`` (media type, format) that ``accept`` likes best.

    Ties go to the earlier offer; ``None`` when nothing offered is acceptable.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS)
    'xml'
    >>> negotiate(None, RESULT_OFFERS)
    'json'
    >>> negotiate("image/png", RESULT_OFFERS) is None
    True
    """
    if not accept or not accept.strip():
        return offers[0][1]
    ranges = _parse_accept(accept)
    best: tuple[float, int] | None = None
    chosen = None
    for index, (media, fmt) in enumerate(offers):
        quality = _quality(ranges, media)
        if quality <= 0:
            continue
        key = (quality, -index)
        if best is None or key > best:
            best, chosen = key, fmt
    return chosen


# --------------------------------------------------------------------------------------------
# Reading requests


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _HTTPProblem(413, f"the request body is larger than this server's {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _HTTPProblem(413, f"the request body is larger than this server's {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _HTTPProblem(400, "the request body is not UTF-8") from None


async def _protocol_fields(request: Request, options: ServerOptions) -> dict[str, list[str]]:
    """The protocol's fields (query, update, default-graph-uri, named-graph-uri) of a request."""
    query_string = request.url.query
    if len(query_string) > options.max_body:
        raise _HTTPProblem(413, f"the query string is longer than {options.max_body} bytes")
    fields = parse_qs(query_string, keep_blank_values=True)
    if request.method != "POST":
        return fields
    media = _media_type(request)
    body = await _body(request, options.max_body)
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
            fields.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        fields["query"] = [_decode(body)]
    elif media == "application/sparql-update":
        fields["update"] = [_decode(body)]
    else:
        raise _HTTPProblem(
            415,
            f"unsupported Content-Type {media or '(none)'!r}: POST a query as "
            "application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    return fields


def _params(values: list[str]) -> dict[str, str]:
    """actorgraph's extension: ``param=VAR=VALUE`` binds a variable, as ``--param`` does."""
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise _HTTPProblem(400, f"param {item!r}: expected VAR=VALUE, e.g. group=agd:ttp")
        params[name.strip().lstrip("?$")] = value
    return params


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name, [])
    if len(values) > 1:
        raise _HTTPProblem(400, f"give exactly one {name!r} parameter, not {len(values)}")
    return values[0] if values else None


# --------------------------------------------------------------------------------------------
# The application


def create_app(graph: KnowledgeGraph, options: ServerOptions | None = None) -> Starlette:
    """The ASGI application serving ``graph`` (an in-memory or on-disk knowledge graph).

    Examples
    --------
    >>> import actorgraph
    >>> app = create_app(actorgraph.load(), ServerOptions(timeout=10))
    >>> sorted(r.path for r in app.routes)[:3]
    ['/', '/queries.json', '/query']
    """
    options = options or ServerOptions()
    store = graph.store
    viz = resource_dir("viz")

    async def sparql(request: Request) -> Response:
        try:
            fields = await _protocol_fields(request, options)
            query = _one(fields, "query")
            update = _one(fields, "update")
            if update is not None:
                if query is not None:
                    raise _HTTPProblem(400, "give either 'query' or 'update', not both")
                return await _run_update(update, fields)
            if query is None:
                if request.method == "POST":
                    raise _HTTPProblem(400, "the request has no 'query' parameter")
                return _description(request)
            return await _run_query(request, query, fields)
        except _HTTPProblem as exc:
            return _problem(exc)

    async def update_endpoint(request: Request) -> Response:
        try:
            fields = await _protocol_fields(request, options)
            update = _one(fields, "update")
            if update is None:
                raise _HTTPProblem(
                    400, "POST the update as application/sparql-update, or form field 'update'"
                )
            return await _run_update(update, fields)
        except _HTTPProblem as exc:
            return _problem(exc)

    async def _run_query(request: Request, query: str, fields: dict[str, list[str]]) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, RESULT_OFFERS + GRAPH_OFFERS) is None:
            raise _HTTPProblem(406, _not_acceptable(accept))
        default_graphs = fields.get("default-graph-uri")
        named_graphs = fields.get("named-graph-uri")
        params = _params(fields.get("param", []))
        try:
            result: QueryResult = await run_in_threadpool(
                run_local,
                store,
                query,
                params=params,
                timeout=options.timeout,
                allow_remote=options.allow_remote,
                limit=options.max_rows,
                default_graph=default_graphs,
                named_graphs=named_graphs,
            )
        except QueryTimeout as exc:
            raise _HTTPProblem(503, str(exc)) from None
        except QueryError as exc:
            raise _HTTPProblem(400, str(exc)) from None
        offers = GRAPH_OFFERS if result.type == "CONSTRUCT" else RESULT_OFFERS
        fmt = negotiate(accept, offers)
        if fmt is None:
            raise _HTTPProblem(406, _not_acceptable(accept, result.type))
        payload = await run_in_threadpool(result.serialize, fmt)
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["X-ActorGraph-Truncated"] = f"max-rows={options.max_rows}"
        return Response(payload, media_type=MEDIA_TYPES[fmt], headers=headers)

    async def _run_update(update: str, fields: dict[str, list[str]]) -> Response:
        if not options.allow_update:
            raise _HTTPProblem(
                403,
                "this endpoint is read-only: SPARQL Update is refused "
                "(start the server with `actorgraph serve --allow-update` to accept updates at /update)",
            )
        if fields.get("using-graph-uri") or fields.get("using-named-graph-uri"):
            raise _HTTPProblem(400, "using-graph-uri and using-named-graph-uri are not supported")
        try:
            check_query(update, allow_remote=options.allow_remote, update=True)
            await run_in_threadpool(_apply_update, store, update)
        except QueryError as exc:
            raise _HTTPProblem(400, str(exc)) from None
        return Response(status_code=204)

    def _description(request: Request) -> Response:
        accept = request.headers.get("accept")
        if accept and "text/html" in accept and negotiate(accept, _DESCRIPTION_OFFERS) is None:
            return Response(status_code=303, headers={"Location": "/"})
        fmt = negotiate(accept, _DESCRIPTION_OFFERS)
        if fmt is None:
            raise _HTTPProblem(406, _not_acceptable(accept, "the Service Description"))
        endpoint = str(request.url.replace(query=""))
        body = service_description(endpoint, store, options)
        if fmt == "nt":
            import pyoxigraph as ox  # noqa: PLC0415

            triples = ox.parse(body.encode("utf-8"), format=ox.RdfFormat.TURTLE)
            payload = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
            return Response(payload, media_type=MEDIA_TYPES["nt"], headers={"Vary": "Accept"})
        return Response(body, media_type=MEDIA_TYPES["turtle"], headers={"Vary": "Accept"})

    async def page(request: Request) -> Response:
        return FileResponse(viz / "query.html", media_type="text/html; charset=utf-8")

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
        Route("/queries.json", queries, methods=["GET"]),
        Route("/sparql", sparql, methods=["GET", "POST"]),
        Route("/update", update_endpoint, methods=["POST"]),
        Mount("/query", app=StaticFiles(directory=viz / "query"), name="query-assets"),
    ]
    middleware = []
    if options.cors:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=[options.cors],
                allow_methods=["GET", "POST"],
                allow_headers=["Accept", "Content-Type"],
                expose_headers=["X-ActorGraph-Truncated"],
            )
        )
    return Starlette(routes=routes, middleware=middleware)


def _apply_update(store: Any, update: str) -> None:
    try:
        store.update(update, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL Update syntax error: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"the update failed: {exc}") from None


def _not_acceptable(accept: str | None, what: str | None = None) -> str:
    if what == "CONSTRUCT":
        offered = GRAPH_OFFERS
    elif what in {"SELECT", "ASK"}:
        offered = RESULT_OFFERS
    elif what is not None:
        offered = _DESCRIPTION_OFFERS
    else:
        offered = RESULT_OFFERS + GRAPH_OFFERS
    types = ", ".join(dict.fromkeys(media for media, _ in offered))
    subject = f"{what} result" if what in {"SELECT", "ASK", "CONSTRUCT"} else (what or "result")
    return f"cannot answer Accept: {accept}; a {subject} is available as {types}"


def service_description(endpoint: str, store: Any, options: ServerOptions) -> str:
    """The SPARQL 1.1 Service Description of the endpoint, in Turtle."""
    graphs = sorted(g.value for g in store.named_graphs() if hasattr(g, "value"))
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if options.allow_update else [])
    formats = ", ".join(f"formats:{name}" for name in dict.fromkeys(_W3C_FORMATS.values()))
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
        f'groups; queries stop after {options.timeout:g} s and return at most {options.max_rows} rows" ;',
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

    if store is not None and str(store).startswith(("http://", "https://")):
        raise UsageError(
            "actorgraph serve needs a local store (a directory, or none for the bundled data), "
            "not a remote endpoint"
        )
    opener = load if options is not None and options.allow_update else load_for_reading
    graph = opener(store=Path(store) if store is not None else None, data=data)
    app = create_app(graph, options)
    print(
        f"actorgraph: serving http://{_display_host(host)}:{port}/ "
        f"(SPARQL endpoint /sparql{', updates /update' if (options or ServerOptions()).allow_update else ''}); "
        "Ctrl-C stops it",
        flush=True,
    )
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    finally:
        graph.close()


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
