"""`actorgraph serve` against the SPARQL 1.1 Protocol: a real server process, spoken to with httpx."""

from __future__ import annotations

import concurrent.futures
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import Namespace

import actorgraph
from _serve import Server
from actorgraph.sparql._saved import read_saved_query, saved_queries

# The one set of Chromium flags, shared with tools/page_screenshot.py and benchmarks/page_bench.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from _chromium import CHROMIUM as DEFAULT_CHROMIUM
from _chromium import CHROMIUM_ARGS

pytestmark = pytest.mark.server

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ONTOLOGY = "https://w3id.org/actorgraph/graph/ontology"
CURATED = "https://w3id.org/actorgraph/graph/curated"
CLAIMS = "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group } ORDER BY ?attack ?group"
GRAPH_QUERY = "CONSTRUCT { ?a ag:claimedBy ?g } WHERE { ?a ag:claimedBy ?g }"
# Three independent scans of every triple: billions of solutions, far beyond any timeout here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT_S = 4


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs /proc to watch the server's query workers")
    running = Server("--timeout", str(TIMEOUT_S), "--max-rows", "200", "--max-body", "20000")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def open_server() -> Iterator[Server]:
    """A server started with --allow-update and --cors."""
    running = Server("--allow-update", "--cors", "https://page.example")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def _bindings(payload: bytes) -> list[str]:
    """The rows of a SPARQL JSON result as sorted canonical strings (order-free comparison)."""
    doc = json.loads(payload)
    return sorted(json.dumps(row, sort_keys=True) for row in doc["results"]["bindings"])


# --------------------------------------------------------------------------------------------
# The three ways to send a query


def test_get_with_query_parameter_answers_sparql_json(
    server: Server, kg: actorgraph.KnowledgeGraph
) -> None:
    response = httpx.get(server.sparql, params={"query": CLAIMS})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert _bindings(response.content) == _bindings(kg.query(CLAIMS).serialize("json"))
    assert _bindings(response.content)


def test_post_form_encoded_answers_the_same(server: Server) -> None:
    by_get = httpx.get(server.sparql, params={"query": CLAIMS})
    by_form = httpx.post(server.sparql, data={"query": CLAIMS})
    assert by_form.status_code == 200
    assert _bindings(by_form.content) == _bindings(by_get.content)


def test_post_sparql_query_body_answers_the_same(server: Server) -> None:
    by_get = httpx.get(server.sparql, params={"query": CLAIMS})
    direct = httpx.post(
        server.sparql,
        content=CLAIMS.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert direct.status_code == 200
    assert _bindings(direct.content) == _bindings(by_get.content)


def test_post_with_another_content_type_is_415(server: Server) -> None:
    response = httpx.post(
        server.sparql, content=b"{}", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 415
    assert "application/sparql-query" in response.text


# --------------------------------------------------------------------------------------------
# Content negotiation


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        pytest.param("application/sparql-results+json", "json", "application/sparql-results+json", id="json"),
        pytest.param("application/sparql-results+xml", "xml", "application/sparql-results+xml", id="xml"),
        pytest.param("text/csv", "csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "tsv", "text/tab-separated-values", id="tsv"),
        pytest.param("text/csv;q=0.2, application/sparql-results+xml;q=0.9", "xml", "application/sparql-results+xml", id="q-values"),
        pytest.param("text/*", "csv", "text/csv", id="wildcard"),
    ],
)  # fmt: skip
def test_select_results_in_each_w3c_format(
    server: Server, kg: actorgraph.KnowledgeGraph, accept: str, fmt: str, media: str
) -> None:
    response = httpx.get(server.sparql, params={"query": CLAIMS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    expected = kg.query(CLAIMS).serialize(fmt)
    if fmt == "json":  # the same document; its whitespace may differ
        assert json.loads(response.content) == json.loads(expected)
    else:
        assert response.content == expected


@pytest.mark.parametrize(
    ("accept", "rdflib_format", "media"),
    [
        pytest.param("text/turtle", "turtle", "text/turtle", id="turtle"),
        pytest.param("application/n-triples", "nt", "application/n-triples", id="nt"),
        pytest.param("application/ld+json", "json-ld", "application/ld+json", id="jsonld"),
    ],
)
def test_construct_results_in_each_rdf_format(
    server: Server, kg: actorgraph.KnowledgeGraph, accept: str, rdflib_format: str, media: str
) -> None:
    response = httpx.get(server.sparql, params={"query": GRAPH_QUERY}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    received = Graph().parse(data=response.text, format=rdflib_format)
    expected = kg.query(GRAPH_QUERY).graph
    assert set(received) == set(expected)
    assert len(received) > 0


def test_ask_answers_in_json(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "ASK { agd:ttp a ag:ArmedGroup }"})
    assert response.status_code == 200
    assert json.loads(response.content)["boolean"] is True


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        pytest.param(CLAIMS, "image/png", id="select-as-image"),
        pytest.param(CLAIMS, "text/turtle", id="select-as-turtle"),
        pytest.param(GRAPH_QUERY, "text/csv", id="construct-as-csv"),
        pytest.param(CLAIMS, "application/sparql-results+json;q=0", id="refused-by-q0"),
    ],
)
def test_unsupported_accept_is_406(server: Server, query: str, accept: str) -> None:
    response = httpx.get(server.sparql, params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 406
    assert "Accept" in response.text


# --------------------------------------------------------------------------------------------
# Errors, read-only, guard


def test_malformed_query_is_400_with_the_parsers_message(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT ?x WHERE {\n  ?x ag:claimedBy"})
    assert response.status_code == 400
    assert "syntax error" in response.text
    assert "line 2" in response.text


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param(
            {"content": b"INSERT DATA { agd:x a ag:ArmedGroup }", "headers": {"Content-Type": "application/sparql-update"}},
            id="sparql-update-body",
        ),
        pytest.param({"data": {"update": "INSERT DATA { agd:x a ag:ArmedGroup }"}}, id="form-update"),
    ],
)  # fmt: skip
def test_updates_are_refused_by_a_read_only_server(
    server: Server, request_kwargs: dict[str, object]
) -> None:
    for url in (server.sparql, f"{server.base}/update"):
        response = httpx.post(url, **request_kwargs)  # type: ignore[arg-type]
        assert response.status_code == 403
        assert "--allow-update" in response.text
    ask = httpx.get(server.sparql, params={"query": "ASK { agd:x a ag:ArmedGroup }"})
    assert json.loads(ask.content)["boolean"] is False


def test_an_update_sent_as_a_query_is_a_syntax_error(server: Server) -> None:
    response = httpx.post(server.sparql, data={"query": "INSERT DATA { agd:x a ag:ArmedGroup }"})
    assert response.status_code == 400


def test_allow_update_accepts_sparql_update_at_update(open_server: Server) -> None:
    ask = {"query": "ASK { agd:pushed-by-test a ag:ArmedGroup }"}
    assert json.loads(httpx.get(open_server.sparql, params=ask).content)["boolean"] is False
    response = httpx.post(
        f"{open_server.base}/update",
        content=b"INSERT DATA { GRAPH <https://w3id.org/actorgraph/graph/user/test> { agd:pushed-by-test a ag:ArmedGroup } }",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 204
    assert json.loads(httpx.get(open_server.sparql, params=ask).content)["boolean"] is True


def test_service_is_refused_by_default(server: Server) -> None:
    query = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    response = httpx.get(server.sparql, params={"query": query})
    assert response.status_code == 400
    assert "SERVICE" in response.text


def test_from_an_outside_graph_is_refused(server: Server) -> None:
    query = "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }"
    response = httpx.get(server.sparql, params={"query": query})
    assert response.status_code == 400
    assert "FROM" in response.text


def test_load_is_refused_even_when_updates_are_allowed(open_server: Server) -> None:
    response = httpx.post(
        f"{open_server.base}/update",
        content=b"LOAD <http://example.org/data.ttl>",
        headers={"Content-Type": "application/sparql-update"},
    )
    assert response.status_code == 400
    assert "LOAD" in response.text


def test_malformed_update_is_400(open_server: Server) -> None:
    response = httpx.post(f"{open_server.base}/update", data={"update": "INSERT DATA { agd:x "})
    assert response.status_code == 400
    assert "syntax error" in response.text


def test_request_body_over_the_cap_is_413(server: Server) -> None:
    padding = "#" + "x" * 30_000 + "\n"
    response = httpx.post(server.sparql, data={"query": padding + CLAIMS})
    assert response.status_code == 413


def test_rows_are_capped_and_the_cut_is_announced(server: Server) -> None:
    response = httpx.get(server.sparql, params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert len(json.loads(response.content)["results"]["bindings"]) == 200
    assert response.headers["x-actorgraph-truncated"] == "max-rows=200"
    small = httpx.get(server.sparql, params={"query": CLAIMS})
    assert "x-actorgraph-truncated" not in small.headers


# --------------------------------------------------------------------------------------------
# Timeouts and concurrency


def test_runaway_query_gets_503_while_a_cheap_one_beside_it_succeeds(server: Server) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        runaway = pool.submit(
            httpx.get, server.sparql, params={"query": RUNAWAY}, timeout=TIMEOUT_S * 10
        )
        # Wait until the runaway query's worker process exists, so the cheap query runs beside it.
        deadline = time.monotonic() + TIMEOUT_S
        while not server.children() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.children(), "the runaway query never started a worker"
        cheap = httpx.get(server.sparql, params={"query": CLAIMS}, timeout=TIMEOUT_S * 10)
        assert cheap.status_code == 200
        assert _bindings(cheap.content)
        assert not runaway.done(), "the runaway query should still be running"
        slow = runaway.result()
    assert slow.status_code == 503
    assert "stopped" in slow.text
    # The worker evaluating the runaway query was killed, not left running.
    assert server.children() == []


# --------------------------------------------------------------------------------------------
# Dataset, Service Description, CORS


def test_default_graph_uri_restricts_the_default_graph(
    server: Server, kg: actorgraph.KnowledgeGraph
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    expected = int(kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ONTOLOGY}> {{ ?s ?p ?o }} }}").bindings[0]["n"]["value"])  # fmt: skip
    response = httpx.get(server.sparql, params={"query": count, "default-graph-uri": ONTOLOGY})
    assert int(json.loads(response.content)["results"]["bindings"][0]["n"]["value"]) == expected
    union = httpx.get(server.sparql, params={"query": count})
    assert int(json.loads(union.content)["results"]["bindings"][0]["n"]["value"]) > expected


def test_named_graph_uri_limits_the_named_graphs(server: Server) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = httpx.get(server.sparql, params={"query": query, "named-graph-uri": CURATED})
    graphs = [row["g"]["value"] for row in json.loads(response.content)["results"]["bindings"]]
    assert graphs == [CURATED]


def test_bare_get_asking_for_rdf_answers_the_service_description(server: Server) -> None:
    response = httpx.get(server.sparql, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=response.text, format="turtle")
    service = URIRef(server.sparql)
    assert (service, SD.endpoint, service) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in description
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in description
    names = set(description.objects(None, SD.name))
    assert URIRef(CURATED) in names


def test_service_description_mentions_update_when_allowed(open_server: Server) -> None:
    response = httpx.get(open_server.sparql, headers={"Accept": "text/turtle"})
    description = Graph().parse(data=response.text, format="turtle")
    assert (URIRef(open_server.sparql), SD.supportedLanguage, SD.SPARQL11Update) in description


def test_no_cors_headers_unless_asked_for(server: Server) -> None:
    response = httpx.get(
        server.sparql, params={"query": CLAIMS}, headers={"Origin": "https://page.example"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_cors_for_the_origin_given(open_server: Server) -> None:
    response = httpx.get(
        open_server.sparql, params={"query": CLAIMS}, headers={"Origin": "https://page.example"}
    )
    assert response.headers["access-control-allow-origin"] == "https://page.example"
    preflight = httpx.options(
        open_server.sparql,
        headers={
            "Origin": "https://page.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    other = httpx.get(
        open_server.sparql, params={"query": CLAIMS}, headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers


# --------------------------------------------------------------------------------------------
# Saved queries, the page, the CLI's --endpoint


@pytest.mark.parametrize("saved", saved_queries(), ids=lambda q: q.name)
def test_saved_query_answers_the_same_through_the_endpoint(
    server: Server, kg: actorgraph.KnowledgeGraph, saved: object
) -> None:
    text = saved.text  # type: ignore[attr-defined]
    response = httpx.post(server.sparql, data={"query": text}, timeout=60)
    assert response.status_code == 200, response.text
    in_process = kg.query(text, limit=200)
    assert _bindings(response.content) == _bindings(in_process.serialize("json"))


def test_param_extension_binds_a_variable(server: Server, kg: actorgraph.KnowledgeGraph) -> None:
    query = "SELECT ?group ?label WHERE { ?group rdfs:label ?label }"
    response = httpx.post(server.sparql, data={"query": query, "param": "group=agd:ttp"})
    expected = kg.query(query, params={"group": "agd:ttp"})
    assert _bindings(response.content) == _bindings(expected.serialize("json"))
    assert len(expected) == 1


def test_query_page_is_served_offline_with_the_saved_queries(server: Server) -> None:
    page = httpx.get(f"{server.base}/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<textarea" in page.text
    assert "http://" not in page.text.replace("http://www.w3.org", "")
    assert "https://" not in page.text
    for asset in ("query/query.js", "query/query.css"):
        response = httpx.get(f"{server.base}/{asset}")
        assert response.status_code == 200
        assert "https://" not in response.text
    listed = httpx.get(f"{server.base}/queries.json").json()
    assert {q["name"] for q in listed} == {q.name for q in saved_queries()}
    assert all(q["text"] and q["title"] for q in listed)


def test_query_cli_reads_from_the_endpoint(server: Server, kg: actorgraph.KnowledgeGraph) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "actorgraph.cli", "query", "--endpoint", server.sparql, "--format", "csv", CLAIMS],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.replace(b"\r\n", b"\n") == kg.query(CLAIMS).serialize("csv").replace(
        b"\r\n", b"\n"
    )


def test_a_browser_asking_the_endpoint_itself_is_sent_to_the_query_page(server: Server) -> None:
    response = httpx.get(server.sparql, headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_serve_without_the_server_extra_names_it() -> None:
    code = (
        "import sys; sys.modules['starlette'] = None; sys.modules['uvicorn'] = None\n"
        "from actorgraph.cli import main; sys.exit(main(['serve', '--port', '0']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert "pip install 'actorgraph[server]'" in result.stderr
    assert "starlette" in result.stderr


# --------------------------------------------------------------------------------------------
# The query page in a real headless Chromium

CHROMIUM = os.environ.get("ACTORGRAPH_CHROMIUM", DEFAULT_CHROMIUM)


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
def test_query_page_runs_a_saved_query_offline_like_curl(
    server: Server, browser: object, kg: actorgraph.KnowledgeGraph
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    outside: list[str] = []

    def route(request_route: object) -> None:
        url = request_route.request.url  # type: ignore[attr-defined]
        if url.startswith(server.base):
            request_route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            request_route.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)
    page.goto(f"{server.base}/")
    page.click("button[data-name='contested-tolls']")
    assert page.locator("#highlight .tok-kw", has_text="SELECT").count() >= 1
    page.click("#run")
    page.wait_for_selector("#results table")
    shown = page.locator("#results tbody tr").count()
    curl = httpx.post(
        server.sparql,
        data={"query": read_saved_query("contested-tolls").text},
        headers={"Accept": "text/csv"},
    )
    csv_rows = curl.text.strip().splitlines()[1:]
    assert shown == len(csv_rows) > 0
    first_cells = page.locator("#results tbody tr").first.locator("td").all_inner_texts()
    assert first_cells[0] == csv_rows[0].split(",")[0]

    # Parameters of a saved query get fields; the endpoint binds them.
    page.click("button[data-name='leader-at-date']")
    page.fill("input[data-param='group']", "agd:ttp")
    page.fill("input[data-param='date']", "2015-06-01")
    page.click("#run")
    page.wait_for_function("document.querySelector('#status').textContent.includes('row')")
    leaders = set(page.locator("#results tbody tr td:nth-child(5)").all_inner_texts())
    # The same answer as the library's, whoever the growing data names, each label with its tag.
    expected = {
        f"{row.leaderLabel} @{row.leaderLabel.language}"
        for row in kg.query(
            read_saved_query("leader-at-date").text,
            params={"group": "agd:ttp", "date": "2015-06-01"},
        )
        if row.leaderLabel is not None and row.leaderLabel.language
    }
    assert expected
    assert leaders == expected

    # A malformed query shows the server's message.
    page.fill("#query", "SELECT ?x WHERE {")
    page.click("#run")
    page.wait_for_function("document.querySelector('#status').textContent.includes('HTTP 400')")
    assert "syntax error" in page.locator("#results pre.error").inner_text()
    assert outside == []
    page.close()


def test_serve_an_on_disk_store(
    tmp_path_factory: pytest.TempPathFactory, kg: actorgraph.KnowledgeGraph
) -> None:
    store = tmp_path_factory.mktemp("serve") / "store"
    running = Server("--store", str(store), "--timeout", "30")
    try:
        response = httpx.get(running.sparql, params={"query": CLAIMS})
        assert response.status_code == 200
        assert _bindings(response.content) == _bindings(kg.query(CLAIMS).serialize("json"))
    finally:
        running.stop()
