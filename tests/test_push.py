"""`actorgraph push` into a real Oxigraph server process, and queries back with `--endpoint`."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import actorgraph
from actorgraph.cli import main
from actorgraph.http._push import pushable_graphs
from actorgraph.sparql._saved import read_saved_query

pytestmark = pytest.mark.server

COUNT_BY_GRAPH = (
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Oxigraph:
    """An `oxigraph serve` process on a free loopback port with a temporary store (its default
    graph the union of its named graphs, unless told otherwise)."""

    def __init__(self, location: Path, *, union_default_graph: bool = True) -> None:
        binary = shutil.which("oxigraph")
        if binary is None:
            pytest.skip("the oxigraph server binary is missing: pip install oxigraph")
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", f"127.0.0.1:{self.port}",
             *(["--union-default-graph"] if union_default_graph else [])],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {self.process.communicate()[1]}")
            try:
                httpx.get(f"{self.base}/query", params={"query": "ASK {}"}, timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph did not start within 30 s")

    def counts(self) -> dict[str, int]:
        response = httpx.post(
            f"{self.base}/query",
            data={"query": COUNT_BY_GRAPH},
            headers={"Accept": "application/sparql-results+json"},
        )
        response.raise_for_status()
        rows = response.json()["results"]["bindings"]
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()


def bundled_endpoint(location: Path) -> Iterator[str]:
    """An `oxigraph serve` process at ``location`` holding the bundled graph, pushed with the Graph
    Store Protocol as a user would; yields its query endpoint, then stops it (for module fixtures)."""
    server = Oxigraph(location)
    try:
        assert main(["push", "--gsp", f"{server.base}/store"]) == 0
        yield f"{server.base}/query"
    finally:
        server.stop()


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[Oxigraph]:
    server = Oxigraph(tmp_path / "oxigraph")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def _local_counts(kg: actorgraph.KnowledgeGraph) -> dict[str, int]:
    counts = {}
    for row in kg.query(COUNT_BY_GRAPH):
        counts[str(row[0])] = int(row[1])
    return {g: n for g, n in counts.items() if g in set(pushable_graphs(kg))}


@pytest.mark.parametrize(
    ("how", "extra"),
    [
        pytest.param("--gsp", [], id="graph-store-protocol"),
        pytest.param("--update", ["--chunk-size", "500"], id="update-staged"),
        pytest.param("--update", ["--chunk-size", "500", "--no-staging"], id="update-direct"),
    ],
)
def test_push_twice_leaves_the_same_triples(
    oxigraph: Oxigraph,
    kg: actorgraph.KnowledgeGraph,
    how: str,
    extra: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = f"{oxigraph.base}/store" if how == "--gsp" else f"{oxigraph.base}/update"
    expected = _local_counts(kg)
    assert expected, "the local graph should have named graphs to push"
    assert main(["push", how, url, *extra]) == 0
    assert "pushed agg:curated" in capsys.readouterr().out

    def counts_through_the_cli() -> dict[str, int]:
        endpoint = f"{oxigraph.base}/query"
        assert main(["query", COUNT_BY_GRAPH, "--endpoint", endpoint, "--format", "json"]) == 0
        rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}

    first = counts_through_the_cli()
    assert first == expected
    assert main(["push", how, url, *extra]) == 0
    capsys.readouterr()
    assert counts_through_the_cli() == first
    assert oxigraph.counts() == first


def test_push_one_graph(oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph) -> None:
    assert main(["push", "--gsp", f"{oxigraph.base}/store", "--graph", "agg:curated"]) == 0
    counts = oxigraph.counts()
    assert list(counts) == ["https://w3id.org/actorgraph/graph/curated"]
    assert counts == {g: n for g, n in _local_counts(kg).items() if g.endswith("/curated")}


def test_push_replaces_what_the_graph_held(oxigraph: Oxigraph) -> None:
    stale = "https://w3id.org/actorgraph/data/stale-entity"
    httpx.post(
        f"{oxigraph.base}/update",
        content=f"INSERT DATA {{ GRAPH <https://w3id.org/actorgraph/graph/curated> {{ <{stale}> a <urn:x> }} }}".encode(),
        headers={"Content-Type": "application/sparql-update"},
    ).raise_for_status()
    assert main(["push", "--update", f"{oxigraph.base}/update", "--graph", "agg:curated"]) == 0
    ask = httpx.post(
        f"{oxigraph.base}/query",
        data={"query": f"ASK {{ <{stale}> ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert ask.json()["boolean"] is False
    graphs = oxigraph.counts()
    assert not [g for g in graphs if "/staging/" in g], "a staging graph was left behind"


def test_query_back_with_endpoint_matches_in_process(
    oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["push", "--gsp", f"{oxigraph.base}/store"]) == 0
    capsys.readouterr()
    for name in ("contested-tolls", "claimed-attributed-disowned", "names-and-aliases"):
        saved = read_saved_query(name)
        code = main(["query", "--saved", name, "--endpoint", f"{oxigraph.base}/query", "--format", "json"])  # fmt: skip
        assert code == 0
        remote = json.loads(capsys.readouterr().out)
        local = json.loads(kg.query(saved.text).serialize("json"))

        def rows(doc: dict[str, object]) -> list[str]:
            bindings = doc["results"]["bindings"]  # type: ignore[index]
            return sorted(json.dumps(b, sort_keys=True) for b in bindings)

        assert rows(remote) == rows(local), name
        assert rows(local), name


def test_a_construct_through_endpoint_is_a_graph(
    oxigraph: Oxigraph, kg: actorgraph.KnowledgeGraph
) -> None:
    assert main(["push", "--gsp", f"{oxigraph.base}/store", "--graph", "agg:ontology"]) == 0
    text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH agg:ontology { ?s ?p ?o } }"
    remote = actorgraph.load(store=f"{oxigraph.base}/query").query(text)
    assert remote.type == "CONSTRUCT"
    assert set(remote.graph) == set(kg.query(text).graph)
    assert len(remote.graph) == _local_counts(kg)["https://w3id.org/actorgraph/graph/ontology"]


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []  # noqa: RUF012 - one recorder per test run

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(length)
        _Recorder.seen.append(dict(self.headers))
        if "Authorization" not in self.headers:
            # As a store that wants Basic credentials asks for them.
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="store"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[str]:
    _Recorder.seen = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/store"
    httpd.shutdown()
    httpd.server_close()


def test_credentials_come_from_the_environment(
    recorder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", "s3cret")
    push = ["push", "--gsp", recorder, "--user", "alice", "--graph", "agg:curated", "--no-check"]
    assert main(push) == 0
    # Nothing goes out before the server's challenge; then Basic, as it asked.
    assert "Authorization" not in _Recorder.seen[0]
    assert _Recorder.seen[1]["Authorization"] == "Basic YWxpY2U6czNjcmV0"  # alice:s3cret
    _Recorder.seen = []
    assert main([*push, "--auth", "basic"]) == 0
    assert [h["Authorization"] for h in _Recorder.seen] == ["Basic YWxpY2U6czNjcmV0"]


def test_user_without_password_is_a_usage_error(
    recorder: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ACTORGRAPH_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", None)
    assert main(["push", "--gsp", recorder, "--user", "alice"]) == 2
    assert "ACTORGRAPH_PASSWORD" in capsys.readouterr().err
    assert not _Recorder.seen


def test_a_password_in_the_url_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    url = "http://alice:s3cret@127.0.0.1:9/store"
    assert main(["push", "--gsp", url, "--graph", "agg:curated"]) == 2
    err = capsys.readouterr().err
    assert "ACTORGRAPH_PASSWORD" in err
    assert "s3cret" not in err


def test_unreachable_store_is_an_endpoint_error(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{_free_port()}/store"
    assert main(["push", "--gsp", url, "--graph", "agg:curated", "--timeout", "5"]) == 6
    assert "cannot reach" in capsys.readouterr().err


def test_server_error_is_reported_with_its_status(
    oxigraph: Oxigraph, capsys: pytest.CaptureFixture[str]
) -> None:
    # /query does not accept a Graph Store PUT.
    assert main(["push", "--gsp", f"{oxigraph.base}/query", "--graph", "agg:curated"]) == 6
    assert "HTTP 4" in capsys.readouterr().err
