"""The one HTTP client for talking to SPARQL servers: ``push``, ``query --endpoint`` and ``load(URL)``.

httpx speaks HTTP; this module adds what a client of servers it does not control needs and httpx
leaves to its caller:

- **a deadline for the whole request.** httpx's timeouts bound each network operation, so a server
  that trickles a byte every two seconds never trips them. A watchdog thread shuts the request's
  sockets down when its deadline passes; the blocked read returns at once and the request fails
  with :class:`~actorgraph._errors.EndpointTimeout`.
- **no redirect that carries a body or credentials elsewhere.** A redirect on a write is an error
  that names the new location; a query follows redirects within its own origin only.
- **a cap on the size of a reply** (:data:`DEFAULT_MAX_REPLY`, or ``ACTORGRAPH_MAX_REPLY`` bytes),
  read as it arrives, so a huge reply is refused without being held.
- **credentials by the server's challenge.** No credentials go out until the server asks; then HTTP
  Digest if it offers Digest, else Basic (``auth="basic"``/``"digest"`` fixes the scheme).

Every failure is an :class:`~actorgraph._errors.EndpointError` (exit code 6) or an
:class:`~actorgraph._errors.EndpointTimeout` (exit code 5) whose message quotes a short, escaped
excerpt of what came back.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from actorgraph._errors import EndpointError, EndpointTimeout, UsageError
from actorgraph._version import __version__

__all__ = [
    "DEFAULT_MAX_REPLY",
    "MAX_REPLY_ENV",
    "Client",
    "Reply",
    "excerpt",
    "redacted",
    "reply_cap",
]

#: The largest reply read by default (bytes): far above any saved query's answer, far below what
#: would strain a laptop.
DEFAULT_MAX_REPLY = 100_000_000
#: The environment variable that changes it.
MAX_REPLY_ENV = "ACTORGRAPH_MAX_REPLY"
#: Redirects a query follows within its own origin.
MAX_REDIRECTS = 5

AuthScheme = Literal["auto", "basic", "digest"]


def reply_cap() -> int:
    """The reply size cap in bytes: ``ACTORGRAPH_MAX_REPLY`` if set, else :data:`DEFAULT_MAX_REPLY`."""
    text = os.environ.get(MAX_REPLY_ENV, "").strip().replace("_", "")
    if not text:
        return DEFAULT_MAX_REPLY
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{MAX_REPLY_ENV}={text!r}: expected a number of bytes, such as 500000000")
    return int(text)


def excerpt(body: bytes, limit: int = 200) -> str:
    """A short, one-line, terminal-safe excerpt of ``body``: whitespace runs become one space,
    control and format characters are escaped (``\\x1b``, ``\\u202e``), and it stops at ``limit``."""
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    shown = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )
    if not shown:
        return "(an empty body)"
    return shown if len(shown) <= limit and len(body) <= limit * 4 else shown[:limit] + "…"


def redacted(url: str | httpx.URL) -> str:
    """``url`` with any password in it replaced by ``***``."""
    parts = urllib.parse.urlsplit(str(url))
    if parts.password is None:
        return str(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return (url.scheme, url.host, url.port or default)


@dataclass(frozen=True)
class Reply:
    """A complete reply: its status, headers, body (decoded, at most the cap) and final URL."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def media_type(self) -> str:
        """The Content-Type without parameters, in lower case (``""`` when there is none)."""
        content_type: str = self.headers.get("content-type", "")
        return content_type.partition(";")[0].strip().lower()

    @property
    def is_html(self) -> bool:
        """Whether the body is an HTML page (by its type, or by how it starts)."""
        if not self.body.strip():
            return False
        start = self.body.lstrip()[:15].lower()
        return self.media_type in {"text/html", "application/xhtml+xml"} or start.startswith(
            (b"<!doctype html", b"<html")
        )


class _ChallengeAuth(httpx.Auth):
    """HTTP Digest or Basic, whichever the server's first challenge asks for (Digest when it offers
    both); nothing is sent before a challenge, and the choice is kept for later requests."""

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._chosen: httpx.Auth | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._chosen is not None:
            yield from self._chosen.auth_flow(request)
            return
        response = yield request
        if response.status_code != 401:
            return
        schemes = {
            header.strip().split(None, 1)[0].lower()
            for header in response.headers.get_list("www-authenticate")
            if header.strip()
        }
        if "digest" in schemes:
            self._chosen = self._digest
            # httpx's Digest flow, fed the challenge already in hand: its next request answers it.
            flow = self._digest.auth_flow(request)
            next(flow)
            with contextlib.suppress(StopIteration):
                yield flow.send(response)
        elif "basic" in schemes:
            self._chosen = self._basic
            yield from self._basic.auth_flow(request)


class _Watchdog:
    """Shuts a request's sockets down when its deadline passes, so that no read outlives it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._end = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(self._end - time.monotonic(), 0.01)

    def trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: note each socket as its connection opens."""
        if event not in {"connection.connect_tcp.complete", "connection.start_tls.complete"}:
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def stop(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for a TLS socket: it unblocks a read in another thread
    # without touching the TLS state that thread is using. A closed socket raises OSError.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Client:
    """An HTTP client for one job (a push, a query), with credentials and a reply cap.

    Parameters
    ----------
    user, password
        Credentials, sent only when the server asks (or always, with ``auth="basic"``).
    auth
        ``"auto"`` (default): the scheme the server's challenge names, Digest before Basic;
        ``"basic"`` or ``"digest"`` to fix it.
    max_reply
        The largest reply body read, in bytes (default: :func:`reply_cap`).
    """

    def __init__(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        auth: AuthScheme = "auto",
        max_reply: int | None = None,
    ) -> None:
        if auth not in {"auto", "basic", "digest"}:
            raise UsageError(f"auth {auth!r}: expected auto, basic or digest")
        self._auth: httpx.Auth | None = None
        if user is not None:
            if password is None:
                raise UsageError(f"the user {user} needs a password")
            self._auth = {
                "auto": _ChallengeAuth,
                "basic": httpx.BasicAuth,
                "digest": httpx.DigestAuth,
            }[auth](user, password)
        self.max_reply = max_reply if max_reply is not None else reply_cap()
        # One connection per request: the watchdog learns each request's socket as it opens.
        self._http = httpx.Client(
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            headers={"User-Agent": f"actorgraph/{__version__}"},
        )

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes = b"",
        headers: Mapping[str, str] | None = None,
        timeout: float,
        write: bool,
    ) -> Reply:
        """Send one request and read its whole reply within ``timeout`` seconds, all told.

        ``write`` marks a request that changes the server: it never follows a redirect. A query
        follows redirects within its own origin (re-sending its body there), never to another.

        Raises
        ------
        EndpointError
            When the server cannot be reached, breaks the protocol, redirects where the request
            may not follow, or sends more than the cap.
        EndpointTimeout
            When the reply is not complete within ``timeout`` seconds.
        """
        watchdog = _Watchdog(timeout)
        start = httpx.URL(url)
        current = start
        try:
            for _ in range(MAX_REDIRECTS + 1):
                response = self._send(method, current, content, headers, watchdog)
                try:
                    if response.is_redirect:
                        current = self._redirect_target(method, start, current, response, write)
                        continue
                    body = self._read(method, current, response, watchdog)
                    return Reply(response.status_code, response.headers, body, str(current))
                finally:
                    response.close()
            raise EndpointError(
                f"{redacted(start)} redirected more than {MAX_REDIRECTS} times; "
                f"give the final URL (the last was {redacted(current)})"
            )
        except httpx.HTTPError as exc:
            if watchdog.expired or isinstance(exc, httpx.TimeoutException):
                raise self._timeout(method, current, timeout) from None
            raise _transport_error(method, current, exc) from None
        except httpx.InvalidURL as exc:
            raise UsageError(f"{url!r} is not a usable URL: {exc}") from None
        finally:
            watchdog.stop()

    def _send(
        self,
        method: str,
        url: httpx.URL,
        content: bytes,
        headers: Mapping[str, str] | None,
        watchdog: _Watchdog,
    ) -> httpx.Response:
        if watchdog.expired:
            raise httpx.TimeoutException("deadline passed")
        request = self._http.build_request(
            method,
            url,
            content=content,
            headers=headers,
            timeout=httpx.Timeout(watchdog.remaining()),
            extensions={"trace": watchdog.trace},
        )
        if self._auth is None:
            return self._http.send(request, stream=True)
        # The auth flow is driven here, not by httpx, so that a challenge's body is never read
        # (httpx would read it whole, past any cap).
        flow = self._auth.sync_auth_flow(request)
        try:
            request = next(flow)
            while True:
                response = self._http.send(request, stream=True)
                try:
                    request = flow.send(response)
                except StopIteration:
                    return response
                response.close()
                if watchdog.expired:
                    raise httpx.TimeoutException("deadline passed")
        finally:
            flow.close()

    def _redirect_target(
        self,
        method: str,
        start: httpx.URL,
        current: httpx.URL,
        response: httpx.Response,
        write: bool,
    ) -> httpx.URL:
        target = current.join(response.headers["location"])
        where = redacted(target)
        if write:
            raise EndpointError(
                f"{method} {redacted(start)} was redirected (HTTP {response.status_code}) to "
                f"{where}; actorgraph follows no redirect on a write (the data and credentials "
                f"would go along and the write could be lost): if {where} is the store, give "
                "that URL instead"
            )
        if _origin(target) != _origin(current):
            raise EndpointError(
                f"{redacted(start)} redirects (HTTP {response.status_code}) to another origin, "
                f"{where}; actorgraph does not send a query or credentials on to another origin: "
                "if you trust it, give that URL instead"
            )
        return target

    def _read(
        self, method: str, url: httpx.URL, response: httpx.Response, watchdog: _Watchdog
    ) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_reply:
            raise self._too_large(method, url, f"declares {int(declared):,} bytes, over")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.max_reply:
                raise self._too_large(method, url, "passed")
            if watchdog.expired:
                raise httpx.TimeoutException("deadline passed")
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, method: str, url: httpx.URL, what: str) -> EndpointError:
        return EndpointError(
            f"{method} {redacted(url)}: the reply {what} the {self.max_reply:,}-byte cap; "
            f"set {MAX_REPLY_ENV}=BYTES to allow more, or ask for less (LIMIT, fewer variables)"
        )

    @staticmethod
    def _timeout(method: str, url: httpx.URL, seconds: float) -> EndpointTimeout:
        return EndpointTimeout(
            f"{method} {redacted(url)}: no complete reply within {seconds:g} s (the timeout); "
            "the server is slow or stalled: try again, or give a longer --timeout"
        )


def _transport_error(method: str, url: httpx.URL, exc: httpx.HTTPError) -> EndpointError:
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return EndpointError(
            f"cannot reach {redacted(url)}: {reason}; check the URL and that the server runs"
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return EndpointError(f"{method} {redacted(url)}: the reply is not valid HTTP: {reason}")
    return EndpointError(f"{method} {redacted(url)}: the connection failed: {reason}")
