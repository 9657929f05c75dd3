"""Attacks on `actorgraph serve`, each performed against a real server process (issue 20, 1-5).

Cross-site updates (a real Chromium submitting a form from another origin, and the same request
made by hand), DNS rebinding (a ``Host`` the server was not told to serve), a query that would
take gigabytes, runaway queries from clients that hang up, a hostile ``Accept`` header and
escape sequences in error bodies.
"""

from __future__ import annotations

import base64
import http.server
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

import _serve

# The one set of Chromium flags, shared with tests/test_page_browser.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from _chromium import CHROMIUM as DEFAULT_CHROMIUM
from _chromium import CHROMIUM_ARGS

pytestmark = pytest.mark.server

CHROMIUM = os.environ.get("ACTORGRAPH_CHROMIUM", DEFAULT_CHROMIUM)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CHEAP = "ASK { agd:ttp a ag:ArmedGroup }"
JSON = {"Accept": "application/sparql-results+json"}
TRUSTED = "https://page.example"
TOKEN = "s3cret-token-for-tests"


def _triples(server: _serve.Server) -> int:
    response = httpx.post(server.sparql, data={"query": COUNT}, headers=JSON, timeout=60)
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _holds(server: _serve.Server, triple: str) -> bool:
    response = httpx.post(server.sparql, data={"query": f"ASK {{ {triple} }}"}, headers=JSON)
    return bool(response.json()["boolean"])


@pytest.fixture(scope="module")
def writable() -> Iterator[_serve.Server]:
    running = _serve.Server("--allow-update", "--cors", TRUSTED)
    yield running
    stderr = running.stop()
    assert "Traceback" not in stderr, stderr[-3000:]


@pytest.fixture(scope="module")
def guarded() -> Iterator[_serve.Server]:
    """A writable server with an update token, answering to one extra host name."""
    os.environ["ACTORGRAPH_UPDATE_TOKEN"] = TOKEN
    try:
        running = _serve.Server("--allow-update", "--allowed-host", "kg.example.org")
    finally:
        del os.environ["ACTORGRAPH_UPDATE_TOKEN"]
    yield running
    running.stop()


# --------------------------------------------------------------------------------------------
# 1. Cross-site request forgery against --allow-update


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "https://evil.example"}, id="origin"),
        pytest.param({"Origin": "null"}, id="sandboxed-origin"),
        pytest.param({"Sec-Fetch-Site": "cross-site"}, id="sec-fetch-site-only"),
        pytest.param({"Origin": TRUSTED}, id="cors-origin-but-a-form"),
    ],
)
def test_a_cross_origin_form_cannot_drop_the_store(
    writable: _serve.Server, headers: dict[str, str]
) -> None:
    before = _triples(writable)
    for url in (writable.update, writable.sparql):
        response = httpx.post(url, data={"update": "DROP ALL"}, headers=headers)
        assert response.status_code == 403, response.text
        assert "may not change this store" in response.text
    assert _triples(writable) == before > 1000


def test_an_update_by_get_is_refused(writable: _serve.Server) -> None:
    # What an <img src=...> on any page would send: a GET, without an Origin header.
    before = _triples(writable)
    response = httpx.get(writable.sparql, params={"update": "DROP ALL"})
    assert response.status_code == 405
    assert _triples(writable) == before > 1000


def test_updates_from_the_same_origin_a_trusted_origin_or_no_browser_are_applied(
    writable: _serve.Server,
) -> None:
    own = f"http://127.0.0.1:{writable.port}"
    sent = [
        ({"Origin": own, "Sec-Fetch-Site": "same-origin"}, "form", "<urn:x:same> <urn:x:p> 1"),
        ({"Origin": TRUSTED}, "body", "<urn:x:trusted> <urn:x:p> 1"),
        ({}, "form", "<urn:x:curl> <urn:x:p> 1"),
    ]
    for headers, how, triple in sent:
        update = f"INSERT DATA {{ {triple} }}"
        if how == "form":
            response = httpx.post(writable.update, data={"update": update}, headers=headers)
        else:
            as_body = {**headers, "Content-Type": "application/sparql-update"}
            response = httpx.post(writable.update, content=update, headers=as_body)
        assert response.status_code == 204, (headers, response.text)
        assert _holds(writable, triple)


def test_a_cors_origin_may_read_but_a_wildcard_never_writes() -> None:
    server = _serve.Server("--allow-update", "--cors", "*")
    try:
        read = httpx.get(
            server.sparql, params={"query": CHEAP}, headers={"Origin": "https://any.example"}
        )
        assert read.headers["access-control-allow-origin"] == "*"
        write = httpx.post(
            server.update,
            content="DROP ALL",
            headers={"Origin": "https://any.example", "Content-Type": "application/sparql-update"},
        )
        assert write.status_code == 403
        assert _holds(server, "agd:ttp a ag:ArmedGroup")
    finally:
        server.stop()


def test_updates_need_the_token_when_the_server_has_one(guarded: _serve.Server) -> None:
    update = "INSERT DATA { <urn:x:token> <urn:x:p> 1 }"
    refused = httpx.post(guarded.update, data={"update": update})
    assert refused.status_code == 401
    assert "ACTORGRAPH_UPDATE_TOKEN" in refused.text
    wrong = httpx.post(
        guarded.update, data={"update": update}, headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 401
    assert not _holds(guarded, "<urn:x:token> <urn:x:p> 1")
    bearer = httpx.post(
        guarded.update, data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert bearer.status_code == 204
    basic = base64.b64encode(f"anyone:{TOKEN}".encode()).decode()
    second = "INSERT DATA { <urn:x:basic> <urn:x:p> 1 }"
    response = httpx.post(
        guarded.update, data={"update": second}, headers={"Authorization": f"Basic {basic}"}
    )
    assert response.status_code == 204
    assert _holds(guarded, "<urn:x:token> <urn:x:p> 1")
    assert _holds(guarded, "<urn:x:basic> <urn:x:p> 1")


def test_updates_on_a_public_address_without_a_token_do_not_start() -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTORGRAPH_UPDATE_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "actorgraph.cli", "serve", "--host", "0.0.0.0", "--port",
         str(_serve.free_port()), "--allow-update"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 2
    assert "ACTORGRAPH_UPDATE_TOKEN" in result.stderr


class _AttackerSite:
    """Another origin (a second loopback port) serving a page that auto-submits a form."""

    def __init__(self, target: str) -> None:
        page = (
            "<!doctype html><title>cats</title><body>"
            f'<form id="f" method="POST" action="{target}">'
            '<input name="update" value="DROP ALL"></form>'
            "<script>document.getElementById('f').submit()</script></body>"
        ).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/update", "/sparql"])
def test_a_page_on_another_origin_cannot_wipe_the_store_in_a_real_browser(
    writable: _serve.Server, browser: object, path: str
) -> None:
    before = _triples(writable)
    site = _AttackerSite(writable.base + path)
    page = browser.new_page()  # type: ignore[attr-defined]
    try:
        with page.expect_response(lambda r: r.url.startswith(writable.base + path)) as answer:
            page.goto(site.url)
        assert answer.value.status == 403
        assert answer.value.request.headers.get("origin") == site.url.rstrip("/")
    finally:
        page.close()
        site.close()
    assert _triples(writable) == before > 1000
    assert _holds(writable, "agd:ttp a ag:ArmedGroup")


@pytest.mark.browser
def test_the_query_page_makes_no_failing_request(writable: _serve.Server, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    failed: list[str] = []
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    page.goto(f"{writable.base}/")
    page.wait_for_selector("button[data-name='contested-tolls']")
    page.wait_for_timeout(500)  # the icon is asked for after the page loads
    page.close()
    assert failed == []
    assert not [url for url in asked if "favicon" in url]


# --------------------------------------------------------------------------------------------
# 2. DNS rebinding: hosts the server was not told to serve


@pytest.mark.parametrize(
    ("host", "status"),
    [
        pytest.param("evil.example", 421, id="foreign-name"),
        pytest.param("evil.example:{port}", 421, id="foreign-name-our-port"),
        pytest.param("kg.example.org.evil.example:{port}", 421, id="suffix-trick"),
        pytest.param("localhost:{port}", 200, id="localhost"),
        pytest.param("127.0.0.1:{port}", 200, id="ipv4"),
        pytest.param("[::1]:{port}", 200, id="ipv6"),
        pytest.param("kg.example.org", 200, id="allowed-name"),
        pytest.param("KG.example.org:443", 200, id="allowed-name-any-port"),
    ],
)
def test_only_hosts_the_server_serves_are_answered(
    guarded: _serve.Server, host: str, status: int
) -> None:
    value = host.format(port=guarded.port)
    for path in ("/sparql?query=" + quote(CHEAP), "/", "/status"):
        response = httpx.get(guarded.base + path, headers={"Host": value, **JSON})
        assert response.status_code == status, (path, response.text)
    if status == 421:
        assert "--allowed-host" in response.text


# --------------------------------------------------------------------------------------------
# 3 and 4. Memory per query; runaway queries from clients that hang up


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and all its descendants."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * os.sysconf(
                "SC_PAGE_SIZE"
            )
        except OSError:
            continue
        pids += _serve._children(current)
    return total


@pytest.mark.slow
def test_a_query_that_would_take_gigabytes_is_stopped_at_its_memory_cap() -> None:
    server = _serve.Server("--query-memory", "256", "--timeout", "120")
    try:
        idle = _tree_rss(server.process.pid)
        peak = idle
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(server.process.pid))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            response = httpx.post(
                server.sparql,
                data={"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f ?b ?e"},
                timeout=200,
            )
        finally:
            done.set()
            watcher.join()
        assert response.status_code == 507, response.text
        assert "memory limit of 256 MiB (--query-memory)" in response.text
        # Before the cap, this query grew the server by 2-11 GB; now by the cap and change.
        assert peak - idle < 600 * 2**20, (idle, peak)
        assert httpx.get(server.sparql, params={"query": CHEAP}, headers=JSON).json()["boolean"]
        assert server.children() == []
    finally:
        server.stop()


def _hang_up_after_sending(port: int, query: str) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        body = f"query={quote(query)}".encode()
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        time.sleep(0.3)


@pytest.mark.slow
def test_runaway_queries_from_clients_that_leave_do_not_hold_the_workers() -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    server = _serve.Server("--timeout", "300", "--workers", "2", "--client-workers", "2")
    try:
        threads = [
            threading.Thread(target=_hang_up_after_sending, args=(server.port, runaway))
            for _ in range(30)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # Far less than the runaways' 300 s: their workers were killed when they hung up.
        cheap = httpx.get(server.sparql, params={"query": CHEAP}, headers=JSON, timeout=120)
        assert cheap.status_code == 200
        assert cheap.json()["boolean"] is True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = httpx.get(f"{server.base}/status").json()
            if not server.children() and status["running"] == status["waiting"] == 0:
                break
            time.sleep(0.2)
        assert server.children() == []
        assert status["running"] == status["waiting"] == 0
        assert status["limits"]["workers"] == 2
    finally:
        server.stop()


def test_the_status_reports_the_queue_and_its_limits(guarded: _serve.Server) -> None:
    status = httpx.get(f"{guarded.base}/status").json()
    assert status["running"] == status["waiting"] == 0
    assert status["limits"] == {
        "workers": 4,
        "client_workers": 2,
        "queue": 64,
        "query_memory_mib": 1024,
        "timeout_s": 30.0,
        "max_rows": 10_000,
        "max_body_bytes": 1_000_000,
    }


# --------------------------------------------------------------------------------------------
# 5. Accept headers with invalid qualities; escape sequences in error bodies


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        pytest.param("text/csv;q=NaN, text/tab-separated-values", "text/tab-separated-values", id="nan"),
        pytest.param("text/csv;q=5, text/tab-separated-values;q=0.5", "text/tab-separated-values", id="above-1"),
        pytest.param("text/csv;q=-1, text/tab-separated-values;q=0.1", "text/tab-separated-values", id="negative"),
        pytest.param("text/csv;q=inf, text/tab-separated-values;q=0.1", "text/tab-separated-values", id="inf"),
        pytest.param("text/csv; charset=utf-8", "text/csv", id="charset"),
    ],
)  # fmt: skip
def test_an_invalid_quality_does_not_win_the_negotiation(
    guarded: _serve.Server, accept: str, media: str
) -> None:
    response = httpx.get(guarded.sparql, params={"query": CHEAP}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)


def test_error_bodies_carry_no_terminal_escape_sequences(guarded: _serve.Server) -> None:
    response = httpx.get(
        guarded.sparql,
        params={"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "param": "s=<http://a\x1b[2J>"},
    )
    assert response.status_code == 400
    assert "\x1b" not in response.text
    assert "\\x1b[2J" in response.text
