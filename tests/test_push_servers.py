"""What real servers need from `push` and `query --endpoint`: HTTP Digest authentication, uploads in
chunks, a progress report, a check that the query endpoint sees what was pushed (and a message that
says what to do when its default graph does not), and results cut by a server's row cap reported as
cut. Every server is a real process or a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import hashlib
import http.server
import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import actorgraph
from _serve import Server
from actorgraph.cli import main
from actorgraph.http._push import check_push, push_graphs
from test_push import Oxigraph, _local_counts

pytestmark = pytest.mark.server

USER, PASSWORD, REALM = "alice", "s3cret", "actorgraph-test"
CURATED = "https://w3id.org/actorgraph/graph/curated"


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "union")
    yield server
    server.stop()


@pytest.fixture
def plain_oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    """Oxigraph as `oxigraph serve` starts by default: its default graph is a graph of its own."""
    server = Oxigraph(tmp_path / "plain", union_default_graph=False)
    yield server
    server.stop()


# -- HTTP Digest -----------------------------------------------------------------------------


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class _DigestProxy(http.server.BaseHTTPRequestHandler):
    """A store behind HTTP Digest (RFC 2617, qop=auth), as Virtuoso's /sparql-graph-crud-auth:
    a request with a valid Digest answer goes on to the Oxigraph behind it, anything else gets a
    401 challenge."""

    protocol_version = "HTTP/1.1"
    backend: str
    nonce: str
    authorizations: list[str]

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        header = self.headers.get("Authorization", "")
        self.authorizations.append(header)
        if not self._valid(header):
            self.send_response(401)
            self.send_header(
                "WWW-Authenticate",
                f'Digest realm="{REALM}", qop="auth", nonce="{self.nonce}", algorithm=MD5',
            )
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        forwarded = {
            k: v for k, v in self.headers.items() if k.lower() in {"content-type", "accept"}
        }
        reply = httpx.request(
            self.command, self.backend + self.path, content=body, headers=forwarded, timeout=60
        )
        self.send_response(reply.status_code)
        if "content-type" in reply.headers:
            self.send_header("Content-Type", reply.headers["content-type"])
        self.send_header("Content-Length", str(len(reply.content)))
        self.end_headers()
        self.wfile.write(reply.content)

    do_GET = do_POST = do_PUT = _handle

    def _valid(self, header: str) -> bool:
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "digest":
            return False
        fields = dict(
            (key.strip(), value.strip().strip('"'))
            for key, _, value in (part.partition("=") for part in _split(rest))
        )
        if fields.get("username") != USER or fields.get("nonce") != self.nonce:
            return False
        if fields.get("uri") != self.path:
            return False
        ha1 = _md5(f"{USER}:{REALM}:{PASSWORD}")
        ha2 = _md5(f"{self.command}:{fields['uri']}")
        expected = _md5(
            f"{ha1}:{self.nonce}:{fields.get('nc')}:{fields.get('cnonce')}:{fields.get('qop')}:{ha2}"
        )
        return secrets.compare_digest(expected, fields.get("response", ""))

    def log_message(self, format: str, *args: object) -> None:
        pass


def _split(text: str) -> list[str]:
    """Split a Digest header's fields on the commas outside quotes."""
    parts, current, quoted = [], "", False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


@pytest.fixture
def digest_store(oxigraph: Oxigraph) -> Iterator[tuple[str, list[str], Oxigraph]]:
    """A Digest-protected proxy in front of Oxigraph: its URL, the Authorization headers it got,
    and the Oxigraph behind it."""
    seen: list[str] = []
    handler = type(
        "Handler",
        (_DigestProxy,),
        {"backend": oxigraph.base, "nonce": secrets.token_hex(16), "authorizations": seen},
    )
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen, oxigraph
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("auth", ["auto", "digest"])
def test_push_with_digest_authentication(
    digest_store: tuple[str, list[str], Oxigraph],
    kg: actorgraph.KnowledgeGraph,
    auth: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, seen, oxigraph = digest_store
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", PASSWORD)
    code = main(["push", "--gsp", f"{base}/store", "--user", USER, "--auth", auth])
    err = capsys.readouterr().err
    assert code == 0, err
    assert oxigraph.counts() == _local_counts(kg)
    # The check after the push went through Digest too, to the query URL beside /store.
    assert f"checked: {base}/query sees the pushed triples" in err
    assert any(header.startswith("Digest ") for header in seen)
    assert not any(header.lower().startswith("basic") for header in seen)
    assert not any(PASSWORD in header for header in seen)


def test_a_wrong_digest_password_is_refused_clearly(
    digest_store: tuple[str, list[str], Oxigraph],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, _, _ = digest_store
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", "wrong")
    code = main(["push", "--gsp", f"{base}/store", "--user", USER, "--graph", "agg:curated"])
    err = capsys.readouterr().err
    assert code == 6, err
    assert "HTTP 401" in err
    assert "ACTORGRAPH_PASSWORD" in err


# -- chunks and progress ---------------------------------------------------------------------


@pytest.mark.parametrize("how", ["gsp", "update"])
def test_push_in_chunks_reports_progress_and_leaves_the_same_triples(
    oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph, how: str
) -> None:
    calls: list[tuple[str, int, int]] = []
    url = f"{oxigraph.base}/store" if how == "gsp" else f"{oxigraph.base}/update"
    pushed = push_graphs(
        kg,
        **{how: url},
        graph="agg:curated",
        chunk_size=1_000,
        progress=lambda graph, sent, total: calls.append((graph, sent, total)),
    )
    (item,) = pushed
    assert item.triples > 3_000
    assert item.requests >= item.triples // 1_000
    assert oxigraph.counts() == {CURATED: item.triples}
    sent = [s for _, s, _ in calls]
    assert sent == sorted(sent)
    assert calls[-1] == (CURATED, item.triples, item.triples)
    assert len(calls) > 3


def test_push_cli_with_chunks_over_gsp(
    oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["push", "--gsp", f"{oxigraph.base}/store", "--chunk-size", "2000"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert oxigraph.counts() == _local_counts(kg)
    assert "pushed agg:curated" in captured.out
    assert " 1 request(s)" not in captured.out.split("pushed agg:curated", 1)[1].splitlines()[0]


# -- does the endpoint see what was pushed? --------------------------------------------------


def test_push_says_what_to_do_when_the_default_graph_leaves_out_the_named_graphs(
    plain_oxigraph: Oxigraph, capsys: pytest.CaptureFixture[str]
) -> None:
    # The SPARQL tutorial's steps, into a default `oxigraph serve`.
    assert main(["push", "--gsp", f"{plain_oxigraph.base}/store"]) == 0
    err = capsys.readouterr().err
    assert "default graph does not show" in err
    assert "--union-default-graph" in err
    assert "GRAPH ?g" in err
    endpoint = f"{plain_oxigraph.base}/query"
    assert main(["query", "--endpoint", endpoint, "--saved", "contested-tolls"]) == 0
    captured = capsys.readouterr()
    assert "(0 rows)" in captured.out
    assert "default graph of" in captured.err
    assert "--union-default-graph" in captured.err


def test_push_check_is_quiet_about_the_default_graph_when_it_shows_everything(
    oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph
) -> None:
    pushed = push_graphs(kg, gsp=f"{oxigraph.base}/store")
    check = check_push(pushed, f"{oxigraph.base}/query")
    assert check.differing == []
    assert check.not_in_default == []


def test_push_fails_when_the_query_endpoint_sees_none_of_it(
    plain_oxigraph: Oxigraph, capsys: pytest.CaptureFixture[str]
) -> None:
    # A "store" that accepts anything and keeps nothing, checked against a real, empty Oxigraph.
    class Sink(http.server.BaseHTTPRequestHandler):
        def do_PUT(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        sink = f"http://127.0.0.1:{httpd.server_address[1]}/store"
        endpoint = f"{plain_oxigraph.base}/query"
        code = main(["push", "--gsp", sink, "--graph", "agg:curated", "--endpoint", endpoint])
    finally:
        httpd.shutdown()
        httpd.server_close()
    err = capsys.readouterr().err
    assert code == 6, err
    assert "sees no triples in agg:curated" in err


# -- a server's row cap ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def capped_server() -> Iterator[Server]:
    server = Server("--max-rows", "5")
    yield server
    server.stop()


ALL_LABELS = "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"


def test_rows_cut_by_the_servers_cap_are_reported_as_cut(
    capped_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["query", ALL_LABELS, "--endpoint", capped_server.sparql]) == 0
    captured = capsys.readouterr()
    assert "(5 rows)" in captured.out
    assert "the endpoint cut the result at its row cap (max-rows=5)" in captured.err


def test_a_remote_result_cut_by_the_servers_cap_says_so_in_python(capped_server: Server) -> None:
    result = actorgraph.load(capped_server.sparql).query(ALL_LABELS)
    assert len(result) == 5
    assert result.truncated
    assert result.endpoint_cap == "max-rows=5"
    whole = actorgraph.load(capped_server.sparql).query("ASK { ?s ?p ?o }")
    assert not whole.truncated
    assert whole.endpoint_cap is None
