"""Who may ask: the Host check (421), who may write (updates only when allowed, from the same origin,
with the token when one is set), and a fair share of the query workers for each client."""

from __future__ import annotations

import asyncio
import base64
import hmac
import ipaddress
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
from typing import TypeVar

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from actorgraph.http._options import UPDATE_TOKEN_ENV, ServerOptions
from actorgraph.http._requests import HTTPProblem, escape_controls, media_type

_T = TypeVar("_T")

# --------------------------------------------------------------------------------------------
# Who may ask: hosts, writers, and a fair share of the workers


class Admission:
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
                    raise HTTPProblem(
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


async def unless_disconnected(request: Request, work: Awaitable[_T]) -> _T:
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
        raise HTTPProblem(499, "the client closed the connection")
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


class HostCheck:
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


def check_writer(request: Request, options: ServerOptions) -> None:
    """Refuse an update a browser sent for another site (CSRF), or one without the token."""
    origin = request.headers.get("origin")
    own = f"{request.url.scheme}://{request.headers.get('host', '')}".lower()
    trusted = {o.lower() for o in options.cors_origins if o != "*"}
    form = media_type(request) in {
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "text/plain",
    }
    if origin is not None and origin.lower() != own:
        if origin.lower() not in trusted:
            raise HTTPProblem(
                403,
                f"a page from {origin} may not change this store: updates are accepted from this "
                "server's own pages and from origins given with --cors",
            )
        if form:
            raise HTTPProblem(
                403,
                f"a form from {origin} may not change this store: send the update as "
                "application/sparql-update (a form is accepted only from the same origin)",
            )
    elif origin is None:
        site = request.headers.get("sec-fetch-site")
        if site is not None and site not in {"same-origin", "none"}:
            raise HTTPProblem(
                403, f"a {site} request may not change this store (Sec-Fetch-Site: {site})"
            )
    if options.update_token is not None and not _has_token(request, options.update_token):
        raise HTTPProblem(
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
