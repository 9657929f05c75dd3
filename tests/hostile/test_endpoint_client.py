"""The client side attacked: `push` and `query --endpoint` against hostile HTTP servers.

Each server here is a real HTTP server on 127.0.0.1 (``http.server`` in a thread of this process) that
redirects to another origin, trickles its reply a byte at a time, answers with an HTML page, garbage,
truncated JSON, control characters or 190 MB. The command line runs as a separate process where it
could hang, so that a hang fails the test instead of stalling it.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from _hostile import assert_clean_failure, run_cli

import actorgraph
from actorgraph.cli import main

pytestmark = pytest.mark.server

SELECT_OK = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"1"}}]}}'

#: name -> (status, Content-Type, body): replies no endpoint should have trusted.
BAD_REPLIES = {
    "html-page": (200, "text/html", b"<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>"),
    "not-json": (200, "application/sparql-results+json", b"Service temporarily unavailable"),
    "truncated-json": (200, "application/sparql-results+json", SELECT_OK[:50]),
    "json-list": (200, "application/sparql-results+json", b'[{"x": 1}]'),
    "bad-binding": (
        200,
        "application/sparql-results+json",
        b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"frob","value":"1"}}]}}',
    ),
    "head-only": (200, "application/sparql-results+json", b'{"head":{"vars":["x"]}}'),
    "garbage-n-triples": (200, "application/n-triples", b"<http://a> <http://b> garbage .\n"),
    "no-content-type": (200, "", SELECT_OK),
}


@dataclass
class Seen:
    """What a server received: method, path and headers of each request."""

    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)  # time.monotonic() of each request


class _Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: Seen
    other: str  # the base URL of the other origin, for redirects

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.seen.requests.append((self.command, self.path, dict(self.headers)))
        self.seen.arrived.append(time.monotonic())
        path = self.path.partition("?")[0]
        if path.startswith("/redirect/"):
            self._reply(int(path.rsplit("/", 1)[1]), "", b"", Location=f"{self.other}/store")
        elif path == "/moved":
            self._reply(301, "", b"", Location="/reply/ok")
        elif path == "/reply/ok":
            self._reply(200, "application/sparql-results+json", SELECT_OK)
        elif path.startswith("/reply/"):
            self._reply(*BAD_REPLIES[path.rsplit("/", 1)[1]])
        elif path == "/escape":
            self._reply(500, "text/plain", b"boom \x1b[2J\x1b]0;owned\x07 \xe2\x80\xae done")
        elif path == "/accept":
            self._reply(204, "", b"")
        elif path == "/trickle-head":
            self._trickle(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Slow: " + b"a" * 60)
        elif path == "/trickle-body":
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                b"Content-Length: 100000\r\n\r\n"
            )
            self._trickle(b" " * 100)
        elif path == "/huge":
            self._huge(190 * 1024 * 1024)
        else:
            self._reply(404, "text/plain", b"no such path")

    do_GET = do_POST = do_PUT = _handle

    def _reply(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _trickle(self, data: bytes) -> None:
        for byte in data:
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:
                return  # the client gave up, as it should
            time.sleep(2)

    def _huge(self, size: int) -> None:
        head = b'{"head":{"vars":["x"]},"results":{"bindings":['
        row = b'{"x":{"type":"literal","value":"' + b"x" * 1000 + b'"}},'
        self.wfile.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
            b"Connection: close\r\n\r\n" + head
        )
        block = row * 1000
        try:
            for _ in range(size // len(block)):
                self.wfile.write(block)
        except OSError:
            return

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Running:
    base: str
    seen: Seen


def _start(other: str = "") -> tuple[Running, http.server.ThreadingHTTPServer]:
    seen = Seen()
    handler = type("Handler", (_Hostile,), {"seen": seen, "other": other})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return Running(f"http://127.0.0.1:{httpd.server_address[1]}", seen), httpd


@pytest.fixture
def servers() -> Iterator[tuple[Running, Running]]:
    """A hostile server, and another origin (another port) its redirects point to."""
    other, other_httpd = _start()
    hostile, hostile_httpd = _start(other.base)
    yield hostile, other
    for httpd in (hostile_httpd, other_httpd):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def hostile(servers: tuple[Running, Running]) -> Running:
    return servers[0]


# -- redirects -------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("how", ["--gsp", "--update"])
def test_a_redirect_on_push_is_an_error_naming_the_new_location(
    servers: tuple[Running, Running],
    status: int,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile, other = servers
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", "s3cret")
    url = f"{hostile.base}/redirect/{status}"
    code = main(["push", how, url, "--graph", "agg:curated", "--user", "alice", "--auth", "basic"])
    err = capsys.readouterr().err
    assert code == 6, err
    assert f"{other.base}/store" in err
    assert "redirect" in err
    assert "now in" not in err
    # The other origin got nothing: no body, no credentials.
    assert not any("Authorization" in headers for _, _, headers in other.seen.requests)
    assert other.seen.requests == []


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_query_is_not_sent_on_to_another_origin(
    servers: tuple[Running, Running], status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile, other = servers
    code = main(["query", "ASK {}", "--endpoint", f"{hostile.base}/redirect/{status}"])
    err = capsys.readouterr().err
    assert code == 6, err
    assert f"{other.base}/store" in err
    assert other.seen.requests == []


def test_a_query_follows_a_redirect_within_its_origin(
    hostile: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["query", "SELECT ?x {}", "--endpoint", f"{hostile.base}/moved", "--format", "csv"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == ["x", "1"]
    assert [path for _, path, _ in hostile.seen.requests] == ["/moved", "/reply/ok"]
    assert hostile.seen.requests[1][0] == "POST"  # the query went along, to the same origin


# -- a deadline, not a per-read timeout ------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/trickle-head", "/trickle-body"])
@pytest.mark.parametrize("verb", ["query", "push"])
def test_a_trickling_server_cannot_hold_the_client_past_its_timeout(
    hostile: Running, path: str, verb: str
) -> None:
    url = f"{hostile.base}{path}"
    if verb == "query":
        args = ["query", "ASK {}", "--endpoint", url, "--timeout", "5"]
    else:
        args = ["push", "--gsp", url, "--graph", "agg:curated", "--timeout", "5", "--no-check"]
    run = run_cli(*args, timeout=600)
    ended = time.monotonic()
    assert_clean_failure(run, 5)
    assert "within 5 s" in run.stderr
    # Only a guard against a hang, counted from the request's arrival (the process may take a
    # while to start on a busy machine): the byte every 2 s would keep a per-read timeout alive.
    assert ended - hostile.seen.arrived[0] < 20


# -- replies are checked ---------------------------------------------------------------------


@pytest.mark.parametrize("name", BAD_REPLIES)
def test_a_malformed_query_reply_is_an_endpoint_error_quoting_it(
    hostile: Running, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }" if "triples" in name else "SELECT ?x {}"
    code = main(["query", query, "--endpoint", f"{hostile.base}/reply/{name}"])
    captured = capsys.readouterr()
    assert code == 6, captured.err
    assert "(0 rows)" not in captured.out
    assert "internal error" not in captured.err
    body = BAD_REPLIES[name][2]
    assert body.decode()[:20] in captured.err  # what came back, quoted


def test_a_malformed_reply_is_an_error_from_python_too(hostile: Running) -> None:
    kg = actorgraph.load(f"{hostile.base}/reply/head-only")
    with pytest.raises(actorgraph.EndpointError, match="not valid"):
        kg.query("SELECT ?x {}")


def test_an_html_page_in_answer_to_a_push_is_not_success(
    hostile: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{hostile.base}/reply/html-page"
    code = main(["push", "--gsp", url, "--graph", "agg:curated", "--no-check"])
    err = capsys.readouterr().err
    assert code == 6, err
    assert "HTML page" in err
    assert "Sign in" in err
    assert "now in" not in err


def test_control_characters_from_a_server_are_escaped(
    hostile: Running, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["query", "ASK {}", "--endpoint", f"{hostile.base}/escape"],
        ["push", "--gsp", f"{hostile.base}/escape", "--graph", "agg:curated", "--no-check"],
    ):
        assert main(args) == 6
        err = capsys.readouterr().err
        assert "\x1b" not in err
        assert "\x07" not in err
        assert "\u202e" not in err
        assert "\\x1b[2J" in err
        assert "\\u202e" in err


@pytest.mark.slow
def test_a_reply_cap_set_in_the_environment_is_kept(hostile: Running) -> None:
    args = ["query", "SELECT ?x {}", "--endpoint", f"{hostile.base}/huge", "--limit", "1"]
    run = _run_with_env({"ACTORGRAPH_MAX_REPLY": "5000000"}, *args)
    assert run.returncode == 6, run.stderr
    assert "5,000,000-byte cap" in run.stderr
    assert "ACTORGRAPH_MAX_REPLY" in run.stderr


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="the peak is read from Linux's /proc")
def test_the_default_reply_cap_refuses_190_mb_in_bounded_memory(hostile: Running) -> None:
    # The child's own peak (VmHWM of its address space): ru_maxrss would also count the parent's
    # peak, which Linux carries across the fork and exec that start the child (a test run that has
    # grown past the bound made this fail while the client itself stayed small).
    code = (
        "import re, sys; from actorgraph.cli import main\n"
        "rc = main(sys.argv[1:])\n"
        "status = open('/proc/self/status').read()\n"
        "print(re.search(r'VmHWM:\\s+(\\d+) kB', status).group(1), file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    args = ["query", "SELECT ?x {}", "--endpoint", f"{hostile.base}/huge", "--limit", "1"]
    env = {key: value for key, value in os.environ.items() if key != "ACTORGRAPH_MAX_REPLY"}
    run = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert run.returncode == 6, run.stderr
    assert "100,000,000-byte cap" in run.stderr
    peak_mb = int(run.stderr.strip().splitlines()[-1]) / 1024
    # The reply is 190 MB; the client holds at most the cap, never the whole reply twice over.
    assert peak_mb < 350, f"peak RSS {peak_mb:.0f} MB"


def test_a_reply_cap_that_is_not_a_number_is_a_usage_error() -> None:
    run = _run_with_env(
        {"ACTORGRAPH_MAX_REPLY": "lots"}, "query", "ASK {}", "--endpoint", "http://127.0.0.1:9/q"
    )
    assert run.returncode == 2, run.stderr
    assert "ACTORGRAPH_MAX_REPLY" in run.stderr


def _run_with_env(extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "actorgraph.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **extra},
        timeout=120,
        check=False,
    )
