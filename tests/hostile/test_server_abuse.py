"""`actorgraph serve` under abuse: a real server process on loopback, spoken to with httpx.

The server's own protocol tests live in tests/test_server.py; these are the hostile cases: SERVICE
hidden from the guard, queries and updates that would crash the parser, many runaway queries at
once beside a cheap one, hostile parameters and bodies, and where the server listens.
"""

from __future__ import annotations

import concurrent.futures
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from test_query_hostile import HIDDEN_SERVICE, Listener

import _serve

pytestmark = pytest.mark.server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { agd:ttp a ag:ArmedGroup }"
JSON = {"Accept": "application/sparql-results+json"}


class Server(_serve.Server):
    """A running ``actorgraph serve`` process that can say whether it still answers."""

    def alive(self) -> bool:
        if self.process.poll() is not None:
            return False
        response = httpx.get(self.sparql, params={"query": CHEAP}, headers=JSON, timeout=30)
        return response.status_code == 200 and response.json()["boolean"] is True


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--timeout", "3", "--allow-update")
    yield running
    stderr = running.stop()
    # A hostile request is the client's error, never a crash of the server's own code.
    assert "Traceback" not in stderr, stderr[-3000:]


@pytest.mark.parametrize("template", HIDDEN_SERVICE)
def test_service_hidden_from_the_guard_is_400_and_connects_nowhere(
    server: Server, template: str
) -> None:
    listener = Listener()
    try:
        response = httpx.post(server.sparql, data={"query": template.format(url=listener.url)})
        assert response.status_code == 400, response.text
        assert "SERVICE reaches outside the store" in response.text
        assert listener.connections == 0
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("endpoint", "field", "text"),
    [
        pytest.param("sparql", "query", "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000, id="query"),
        pytest.param(
            "update", "update",
            "INSERT { <http://a> <http://b> <http://c> } WHERE " + "{" * 10_000 + "}" * 10_000,
            id="update",
        ),
        pytest.param(
            "update", "update",
            "INSERT { <http://a> <http://b> <http://c> } WHERE { FILTER("
            + " || ".join(["true"] * 10_000) + ") }",
            id="update-operator-chain",
        ),
    ],
)  # fmt: skip
def test_a_text_that_would_crash_the_parser_is_400_and_the_server_lives(
    server: Server, endpoint: str, field: str, text: str
) -> None:
    # Before the guard's size check the update killed the server (SIGSEGV in Oxigraph's parser).
    url = server.sparql if endpoint == "sparql" else server.update
    response = httpx.post(url, data={field: text}, timeout=60)
    assert response.status_code == 400, response.text[:500]
    assert "more than the SPARQL parser can take" in response.text
    assert server.alive()


def test_many_runaway_queries_do_not_starve_a_cheap_one(server: Server) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=9) as pool:
        runaways = [
            pool.submit(httpx.post, server.sparql, data={"query": RUNAWAY}, timeout=60)
            for _ in range(8)
        ]
        time.sleep(0.5)
        cheap = httpx.get(server.sparql, params={"query": CHEAP}, headers=JSON, timeout=30)
        statuses = [f.result().status_code for f in runaways]
    assert cheap.status_code == 200
    assert cheap.json()["boolean"] is True
    assert statuses == [503] * 8
    # Every killed worker is reaped.
    deadline = time.monotonic() + 10
    while server.children() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert server.children() == []


@pytest.mark.parametrize(
    "param",
    [
        pytest.param("s=<http://x> } SERVICE <http://127.0.0.1:9/> { <y>", id="iri-breaking-out"),
        pytest.param("a b=1", id="bad-variable-name"),
    ],
)
def test_a_hostile_parameter_is_400_not_500(server: Server, param: str) -> None:
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"
    response = httpx.get(server.sparql, params={"query": query, "param": param}, headers=JSON)
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    ("method", "kwargs", "expected"),
    [
        pytest.param(
            "POST",
            {"content": b"ASK { ?s ?p \xff }", "headers": {"Content-Type": "application/sparql-query"}},
            {400},
            id="body-not-utf8",
        ),
        pytest.param(
            "POST",
            {"content": b"ASK {}" + b" " * 2_000_000, "headers": {"Content-Type": "application/sparql-query"}},
            {413},
            id="2mb-body",
        ),
        pytest.param(
            "POST",
            {"content": b"query=ASK%20%7B%7D&query=ASK%20%7B%7D", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            {400},
            id="two-queries",
        ),
    ],
)  # fmt: skip
def test_malformed_requests_are_client_errors(
    server: Server, method: str, kwargs: dict[str, object], expected: set[int]
) -> None:
    try:
        response = httpx.request(method, server.sparql, timeout=30, **kwargs)  # type: ignore[arg-type]
    except httpx.RemoteProtocolError:
        pass  # closing the connection on an oversized request is refusing it too
    else:
        assert response.status_code in expected, (response.status_code, response.text[:300])
    assert server.alive()


def test_a_two_megabyte_request_line_is_refused(server: Server) -> None:
    # httpx will not build such a URL; a raw socket will.
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
        request = (
            b"GET /sparql?query=ASK%7B" + b"%20" * 700_000 + b"%7D HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        try:
            sock.sendall(request)
            status = sock.recv(64).split(b" ")[1:2]
        except (BrokenPipeError, ConnectionResetError):
            status = []  # closed before the whole line was read: refused
    assert status in ([], [b"400"], [b"413"], [b"414"], [b"431"]), status
    assert server.alive()


def test_the_server_listens_on_loopback_only_by_default(server: Server) -> None:
    # /proc/net/tcp: local address as hex IP:port; 0100007F is 127.0.0.1, state 0A is LISTEN.
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, port = fields[1].rsplit(":", 1)
            if int(port, 16) == server.port and fields[3] == "0A":
                listening.append(address)
    assert listening == ["0100007F"]
