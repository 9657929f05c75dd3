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
rebinding).
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import ipaddress
import os
import re
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qs

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from actorgraph._errors import QueryError, QueryMemoryError, QueryTimeout, UsageError
from actorgraph._resources import resource_dir
from actorgraph._version import __version__
from actorgraph.http._query_host import QueryHost
from actorgraph.sparql._query import MEDIA_TYPES, QueryResult, check_query
from actorgraph.sparql._saved import saved_queries

__all__ = ["UPDATE_TOKEN_ENV", "ServerOptions", "allowed_hosts", "create_app", "negotiate", "serve"]

#: The environment variable holding the token that updates must present (never a flag: a token on
#: the command line is visible to every user of the machine).
UPDATE_TOKEN_ENV = "ACTORGRAPH_UPDATE_TOKEN"

_T = TypeVar("_T")

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
        The origins whose pages may call the endpoint from a browser (``*`` for any, to read);
        no CORS headers are sent unless given. Pages from these origins, never from ``*``, may
        also send updates.
    query_memory
        Each query's memory budget in MiB (its worker's address space beyond the store's); past
        it the query is stopped with 507.
    workers
        Queries evaluated at once, in total; the others wait.
    client_workers
        Queries evaluated at once for one client address.
    queue
        Requests that may wait for a worker; past it, 503.
    allowed_hosts
        Host names (``name`` or ``name:port``, ``*`` for any) the server answers to beside IP
        addresses and ``localhost``; other ``Host`` headers get 421 (DNS rebinding).
    update_token
        When set, updates must carry it (``Authorization: Bearer TOKEN``, or as the password of
        HTTP Basic).
    """

    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    allow_update: bool = False
    allow_remote: bool = False
    cors: str | tuple[str, ...] | None = None
    query_memory: int = 1024
    workers: int = 4
    client_workers: int = 2
    queue: int = 64
    allowed_hosts: tuple[str, ...] = ()
    update_token: str | None = field(default=None, repr=False)

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """The ``cors`` origins as a tuple."""
        if self.cors is None:
            return ()
        return (self.cors,) if isinstance(self.cors, str) else tuple(self.cors)


class _HTTPProblem(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that
# reorder a terminal's text: an error body may quote the client's query or headers, and must not
# carry escape sequences to whoever reads it in a terminal.
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    r"""``text`` with control characters written as Python-style escapes.

    Examples
    --------
    >>> escape_controls("bad \x1b[31mred\x1b[0m\n")
    'bad \\x1b[31mred\\x1b[0m\n'
    """
    return _UNSAFE_RE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def _problem(exc: _HTTPProblem) -> Response:
    return PlainTextResponse(
        escape_controls(exc.message) + "\n", status_code=exc.status, headers=exc.headers
    )


# --------------------------------------------------------------------------------------------
# Content negotiation


def negotiate(accept: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """Pick the format of ``offers`` (media type, format) that ``accept`` likes best.

    The header is read by werkzeug as RFC 9110 says: a range with an invalid quality (``q=NaN``,
    ``q=5``) is dropped, parameters other than ``q`` are ignored, and each offer takes the quality of the most specific range matching it.
    Ties go to the earlier offer; ``None`` when nothing offered is acceptable. A header with no
    valid range counts as absent.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS)
    'xml'
    >>> negotiate("text/csv;q=NaN, text/tab-separated-values", RESULT_OFFERS)
    'tsv'
    >>> negotiate(None, RESULT_OFFERS)
    'json'
    >>> negotiate("image/png", RESULT_OFFERS) is None
    True
    """
    parsed = parse_accept_header(accept, MIMEAccept) if accept else MIMEAccept()
    # Parameters other than q (``charset=utf-8``) do not change what matches: every format is
    # written in UTF-8.
    ranges = MIMEAccept([(value.partition(";")[0].strip(), q) for value, q in parsed])
    if not ranges:
        return offers[0][1]
    best: tuple[float, int] | None = None
    chosen = None
    for index, (media, fmt) in enumerate(offers):
        quality = ranges.quality(media)
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
    admission = _Admission(options.workers, options.client_workers, options.queue)

    async def sparql(request: Request) -> Response:
        try:
            fields = await _protocol_fields(request, options)
            query = _one(fields, "query")
            update = _one(fields, "update")
            if update is not None:
                if query is not None:
                    raise _HTTPProblem(400, "give either 'query' or 'update', not both")
                if request.method != "POST":
                    # A GET carries no Origin: an <img src=...?update=DROP+ALL> on any page would
                    # change the store. The protocol sends updates by POST only.
                    raise _HTTPProblem(405, "SPARQL Update must be sent by POST", {"Allow": "POST"})
                return await _run_update(request, update, fields)
            if query is None:
                if request.method == "POST":
                    raise _HTTPProblem(400, "the request has no 'query' parameter")
                return await _description(request)
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
            return await _run_update(request, update, fields)
        except _HTTPProblem as exc:
            return _problem(exc)

    async def _run_query(request: Request, query: str, fields: dict[str, list[str]]) -> Response:
        accept = request.headers.get("accept")
        if negotiate(accept, RESULT_OFFERS + GRAPH_OFFERS) is None:
            raise _HTTPProblem(406, _not_acceptable(accept))
        default_graphs = fields.get("default-graph-uri")
        named_graphs = fields.get("named-graph-uri")
        params = _params(fields.get("param", []))
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
            result = await _unless_disconnected(request, evaluate())
        except QueryMemoryError as exc:
            raise _HTTPProblem(507, str(exc)) from None
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

    async def _run_update(request: Request, update: str, fields: dict[str, list[str]]) -> Response:
        if not options.allow_update:
            raise _HTTPProblem(
                403,
                "this endpoint is read-only: SPARQL Update is refused "
                "(start the server with `actorgraph serve --allow-update` to accept updates at /update)",
            )
        _check_writer(request, options)
        if fields.get("using-graph-uri") or fields.get("using-named-graph-uri"):
            raise _HTTPProblem(400, "using-graph-uri and using-named-graph-uri are not supported")
        try:
            check_query(update, allow_remote=options.allow_remote, update=True)
            await host.update(update)
        except QueryError as exc:
            raise _HTTPProblem(400, str(exc)) from None
        return Response(status_code=204)

    async def _description(request: Request) -> Response:
        accept = request.headers.get("accept")
        if accept and "text/html" in accept and negotiate(accept, _DESCRIPTION_OFFERS) is None:
            return Response(status_code=303, headers={"Location": "/"})
        fmt = negotiate(accept, _DESCRIPTION_OFFERS)
        if fmt is None:
            raise _HTTPProblem(406, _not_acceptable(accept, "the Service Description"))
        endpoint = str(request.url.replace(query=""))
        try:
            graphs = await host.graphs()
        except QueryError as exc:
            raise _HTTPProblem(503, str(exc)) from None
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
        Middleware(_HostCheck, allowed=allowed_hosts(bind, port, options.allowed_hosts), port=port)
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


# --------------------------------------------------------------------------------------------
# Who may ask: hosts, writers, and a fair share of the workers


class _Admission:
    """At most ``workers`` queries at once, ``per_client`` of them for one client address, and
    at most ``queue`` waiting; a waiter whose client leaves is dropped from the queue."""

    def __init__(self, workers: int, per_client: int, queue: int) -> None:
        self.workers = workers
        self.per_client = per_client
        self.queue = queue
        self.running = 0
        self.waiting = 0
        self._by_client: Counter[str] = Counter()
        self._changed = asyncio.Condition()

    def _free(self, client: str) -> bool:
        return self.running < self.workers and self._by_client[client] < self.per_client

    @asynccontextmanager
    async def slot(self, client: str) -> AsyncIterator[None]:
        async with self._changed:
            if not self._free(client):
                if self.waiting >= self.queue:
                    raise _HTTPProblem(
                        503,
                        f"the server is busy: {self.running} queries running and {self.waiting} "
                        f"waiting, the most it queues (--queue {self.queue}); try again shortly",
                        {"Retry-After": "5"},
                    )
                self.waiting += 1
                try:
                    await self._changed.wait_for(lambda: self._free(client))
                finally:
                    self.waiting -= 1
            self.running += 1
            self._by_client[client] += 1
        try:
            yield
        finally:
            async with self._changed:
                self.running -= 1
                self._by_client[client] -= 1
                if not self._by_client[client]:
                    del self._by_client[client]
                self._changed.notify_all()


async def _unless_disconnected(request: Request, work: Awaitable[_T]) -> _T:
    """Await ``work``, cancelling it (and so killing its worker) if the client disconnects."""
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(_disconnection(request))
    try:
        await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
        watch.cancel()
    if task.cancelled() or not task.done():
        with suppress(asyncio.CancelledError):
            await task  # its clean-up kills the worker
        raise _HTTPProblem(499, "the client closed the connection")
    return task.result()


async def _disconnection(request: Request) -> None:
    """Return when the client disconnects (the body, if any, has been read already)."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            return


def allowed_hosts(bind: str, port: int, extra: Sequence[str] = ()) -> frozenset[str]:
    """The ``Host`` header values, beside IP addresses, that a server bound to ``bind`` answers.

    ``localhost`` (at ``port``) always; ``bind`` itself when it is a name; and ``extra`` (the
    ``--allowed-host`` names: ``name`` for any port, ``name:port`` for one, ``*`` for any host).
    An IP address is always accepted at the server's port: DNS rebinding needs a name.

    Examples
    --------
    >>> sorted(allowed_hosts("127.0.0.1", 7878, ["kg.example.org"]))
    ['kg.example.org', 'localhost:7878']
    """
    names = {f"localhost:{port}"}
    if not _is_ip(bind) and bind not in {"", "localhost"}:
        names.add(f"{bind.lower()}:{port}")
    names.update(name.strip().lower() for name in extra if name.strip())
    return frozenset(names)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def _split_host(value: str) -> tuple[str, int | None]:
    """``Host`` header value -> (name, port or None); ``[::1]:80`` -> (``[::1]``, 80)."""
    name, port = value, None
    if value.startswith("["):
        end = value.find("]")
        name, rest = value[: end + 1], value[end + 1 :]
        if rest.startswith(":") and rest[1:].isdigit():
            port = int(rest[1:])
    elif value.count(":") == 1:
        name, _, digits = value.partition(":")
        port = int(digits) if digits.isdigit() else -1
    return name.lower(), port


class _HostCheck:
    """Refuse (421) requests whose ``Host`` is not one this server answers to: a page whose name
    was rebound to this machine's address must not read the store through a browser."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str], port: int) -> None:
        self.app = app
        self.allowed = allowed
        self.port = port

    def accepts(self, value: str) -> bool:
        if "*" in self.allowed:
            return True
        name, port = _split_host(value.strip())
        # Port 0 asks the system for a free port: the one it gave is not known here.
        ours = self.port or port
        at_our_port = port is None or port == ours
        if _is_ip(name):
            return at_our_port
        return (
            name in self.allowed
            or (at_our_port and f"{name}:{self.port}" in self.allowed)
            or (port is not None and f"{name}:{port}" in self.allowed)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in {"http", "websocket"}:
            value = Headers(scope=scope).get("host", "")
            if not self.accepts(value):
                response = PlainTextResponse(
                    escape_controls(
                        f"this server does not answer to the host {value!r}: start it with "
                        f"`actorgraph serve --allowed-host NAME` to serve it under that name "
                        f"(IP addresses and localhost:{self.port} are always answered)"
                    )
                    + "\n",
                    status_code=421,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _check_writer(request: Request, options: ServerOptions) -> None:
    """Refuse an update a browser sent for another site (CSRF), or one without the token."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    trusted = {o.lower() for o in options.cors_origins if o != "*"}
    form = _media_type(request) in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    }
    if origin is not None and origin.lower() != own:
        if origin.lower() not in trusted:
            raise _HTTPProblem(
                403,
                f"a page from {origin} may not change this store: updates are accepted from this "
                "server's own pages and from origins given with --cors",
            )
        if form:
            raise _HTTPProblem(
                403,
                f"a form from {origin} may not change this store: send the update as "
                "application/sparql-update (a form is accepted only from the same origin)",
            )
    elif origin is None:
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in {"same-origin", "none"}:
            raise _HTTPProblem(
                403, f"a {site} request may not change this store (Sec-Fetch-Site: {site})"
            )
    if options.update_token is not None and not _has_token(request, options.update_token):
        raise _HTTPProblem(
            401,
            f"updates need this server's token: send `Authorization: Bearer TOKEN` (the value of "
            f"{UPDATE_TOKEN_ENV} where the server runs), or TOKEN as the HTTP Basic password",
            {"WWW-Authenticate": 'Bearer realm="actorgraph", Basic realm="actorgraph"'},
        )


def _has_token(request: Request, token: str) -> bool:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8").partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.encode("utf-8"), token.encode("utf-8"))


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


def service_description(endpoint: str, graphs: Sequence[str], options: ServerOptions) -> str:
    """The SPARQL 1.1 Service Description of the endpoint (with its named ``graphs``), in Turtle."""
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
