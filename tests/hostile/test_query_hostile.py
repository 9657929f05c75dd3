"""Hostile SPARQL: the guard against SERVICE, runaway queries, oversized and malformed text.

A real TCP listener on loopback counts connections: a refused ``SERVICE`` must open none. The
queries that hid ``SERVICE`` from the guard (an escaped ``#`` or ``'`` in a prefixed name, a ``\\u``
escape in an IRI, a comment ended by a carriage return) each made Oxigraph POST to the listener
before the guard's tokenizer was aligned with the SPARQL grammar.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from _hostile import assert_clean_failure, run_cli

import actorgraph
from actorgraph import QueryError


class Listener:
    """A loopback TCP server that accepts and counts connections, and answers nothing."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


# Each hides SERVICE from a tokenizer that does not split the text exactly as SPARQL does. The
# OPTIONAL in front makes Oxigraph evaluate the SERVICE even though the store has no match.
HIDDEN_SERVICE = [
    pytest.param(
        "PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?x ex:a\\#b ?y }} "
        "SERVICE <{url}> {{ ?s ?p ?o }} }}",
        id="escaped-hash-in-prefixed-name",
    ),
    pytest.param(
        "PREFIX ex: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?x ex:a\\' ?y }} "
        "SERVICE <{url}> {{ ?s ?p ?o }} FILTER(?s != 'z') }}",
        id="escaped-quote-in-prefixed-name",
    ),
    pytest.param(
        "PREFIX : <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?x :a\\#b ?y }} "
        "SERVICE <{url}> {{ ?s ?p ?o }} }}",
        id="escaped-hash-in-empty-prefix-name",
    ),
    pytest.param(
        "PREFIX é: <http://e/> SELECT * WHERE {{ OPTIONAL {{ ?x é:é\\#b ?y }} "
        "SERVICE <{url}> {{ ?s ?p ?o }} }}",
        id="escaped-hash-after-non-ascii-name",
    ),
    pytest.param(
        "SELECT * WHERE {{ OPTIONAL {{ ?x <http://x/\\u0041#frag> ?y }} "
        "SERVICE <{url}> {{ ?s ?p ?o }} }}",
        id="uchar-escape-in-iri",
    ),
    pytest.param(
        "SELECT * WHERE {{ # a comment ended by a carriage return\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        id="comment-ended-by-cr",
    ),
    pytest.param("select * where {{ service <{url}> {{ ?s ?p ?o }} }}", id="lower-case"),
    pytest.param("SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}", id="silent"),
    pytest.param(
        "SELECT * WHERE {{ BIND(<{url}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}", id="variable"
    ),
]


@pytest.mark.parametrize("template", HIDDEN_SERVICE)
def test_service_hidden_from_the_guard_is_still_refused(
    kg: actorgraph.KnowledgeGraph, listener: Listener, template: str
) -> None:
    with pytest.raises(QueryError, match="SERVICE reaches outside the store"):
        kg.query(template.format(url=listener.url))
    assert listener.connections == 0


def test_the_listener_sees_a_service_call_when_remote_is_allowed(
    kg: actorgraph.KnowledgeGraph, listener: Listener
) -> None:
    # The control: without it, "no connection" above could mean the listener never works.
    query = HIDDEN_SERVICE[0].values[0].format(url=listener.url)
    with pytest.raises(QueryError):  # the listener answers nothing
        kg.query(query, timeout=20, allow_remote=True)
    assert listener.connections >= 1


@pytest.mark.slow
@pytest.mark.parametrize("template", HIDDEN_SERVICE[:3])
def test_the_cli_refuses_a_hidden_service_with_exit_4(listener: Listener, template: str) -> None:
    run = run_cli("query", template.format(url=listener.url))
    assert_clean_failure(run, 4)
    assert "SERVICE reaches outside the store" in run.error_lines[0]
    assert listener.connections == 0


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            'SELECT ?s WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, "Service")) }',
            id="word-in-string",
        ),
        pytest.param("SELECT ?s WHERE { ?s ?p ?o } # SERVICE <http://x/>", id="word-in-comment"),
        pytest.param("SELECT ?s WHERE { ?s <http://e/SERVICE> ?o }", id="word-in-iri"),
        pytest.param(
            "PREFIX ex: <http://e/> SELECT ?s WHERE { OPTIONAL { ?s ex:a\\#b ?o } }",
            id="escaped-prefixed-name-without-service",
        ),
        pytest.param(
            "SELECT ?a WHERE { VALUES (?a ?b) { (1 2) } FILTER(?a<?b&&?b>?a) }",
            id="less-than-without-spaces",
        ),
        pytest.param("SELECT ?s FROM agg:curated WHERE { ?s ?p ?o } LIMIT 1", id="from-agg"),
    ],
)
def test_the_guard_lets_ordinary_queries_through(kg: actorgraph.KnowledgeGraph, query: str) -> None:
    kg.query(query)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", id="from-remote"),
        pytest.param("SELECT * WHERE { ?s ?p ?o } \\", id="stray-backslash"),
    ],
)
def test_the_guard_refuses_what_it_cannot_vouch_for(
    kg: actorgraph.KnowledgeGraph, query: str
) -> None:
    with pytest.raises(QueryError, match="refused by default"):
        kg.query(query)


# ------------------------------------------------------------------------------------------------
# Parameters cannot add query text


@pytest.mark.slow
@pytest.mark.parametrize(
    "param",
    [
        pytest.param("s=<http://x> } SERVICE <http://127.0.0.1:9/> { <y>", id="iri-breaking-out"),
        pytest.param("a b=1", id="variable-name-with-space"),
        pytest.param("x) } SERVICE <http://127.0.0.1:9/> { (?y=1", id="variable-name-breaking-out"),
    ],
)
def test_a_hostile_parameter_is_a_clean_query_error(param: str) -> None:
    run = run_cli("query", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "--param", param)
    assert_clean_failure(run, 4)
    # Refused either as a parameter Oxigraph will not take or as a variable the query lacks.
    assert "the parameter" in run.error_lines[0] or "to bind" in run.error_lines[0]


# ------------------------------------------------------------------------------------------------
# Runaway and oversized queries


@pytest.mark.slow
@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
            id="cross-product",
        ),
        pytest.param(
            "SELECT (COUNT(*) AS ?n) WHERE { ?a (rdf:type|!rdf:type)* ?b . ?c ?d ?e }",
            id="path-star-over-everything",
        ),
    ],
)
def test_a_runaway_query_is_stopped_by_the_timeout_with_exit_5(query: str) -> None:
    run = run_cli("query", query, "--timeout", "1", timeout=120)
    assert_clean_failure(run, 5)
    assert len(run.error_lines) == 1
    assert "ran past its 1 s limit" in run.error_lines[0]


@pytest.mark.slow
def test_a_query_with_a_megabyte_string_runs(tmp_path: Path) -> None:
    text = 'ASK { FILTER("' + "x" * 1_000_000 + '" != "y") }'
    (tmp_path / "big.rq").write_text(text, "utf-8")
    run = run_cli("query", "-f", tmp_path / "big.rq")
    assert run.code == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "true"


@pytest.mark.slow
def test_a_megabyte_of_garbage_is_one_syntax_error_line(tmp_path: Path) -> None:
    (tmp_path / "junk.rq").write_text("SELECT * WHERE { ?s ?p ?o " + "} {" * 333_333, "utf-8")
    run = run_cli("query", "-f", tmp_path / "junk.rq")
    assert_clean_failure(run, 4)
    assert len(run.error_lines) == 1
    assert len(run.error_lines[0]) < 2000


@pytest.mark.slow
def test_a_query_nested_too_deeply_for_the_parser_is_refused_before_it_runs(tmp_path: Path) -> None:
    # Oxigraph's parser overflows its stack (SIGSEGV, the whole process) near 3,000 nested groups.
    (tmp_path / "deep.rq").write_text(
        "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000, "utf-8"
    )
    run = run_cli("query", "-f", tmp_path / "deep.rq")
    assert_clean_failure(run, 4)
    assert "nested more than 256 levels deep" in run.error_lines[0]


@pytest.mark.parametrize("allow_remote", [False, True])
@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE " + "{" * 3_000 + "}" * 3_000, id="nested-groups"),
        pytest.param("ASK { FILTER(" + "(" * 3_000 + "1" + ")" * 3_000 + ") }", id="parens"),
        pytest.param("ASK { FILTER(" + "!" * 10_000 + "true) }", id="negations"),
        pytest.param("ASK { FILTER(" + " || ".join(["true"] * 10_000) + ") }", id="or-chain"),
        pytest.param("ASK { FILTER(" + "+".join(["1"] * 10_000) + " > 0) }", id="plus-chain"),
        pytest.param(
            "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }", id="unions"
        ),
    ],
)
def test_a_query_that_would_overflow_the_parser_stack_is_a_query_error_in_process(
    kg: actorgraph.KnowledgeGraph, query: str, allow_remote: bool
) -> None:
    # In process (no timeout, no worker): without the guard each of these kills the interpreter.
    with pytest.raises(QueryError, match="more than the SPARQL parser can take"):
        kg.query(query, allow_remote=allow_remote)


def test_a_deep_but_reasonable_query_still_runs(kg: actorgraph.KnowledgeGraph) -> None:
    assert kg.query("ASK { " + "{" * 200 + "}" * 200 + " }")
