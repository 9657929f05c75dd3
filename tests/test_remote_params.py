"""Parameters against a remote SPARQL endpoint: written into the query as VALUES blocks.

The unmarked tests check the text that would be sent by running it on the local store beside the
same query with Oxigraph's own substitutions (or, for parameters a SELECT does not project, the
local query, which goes through the same placement, and the query with the values written in by
hand); the ``server`` tests send it to real server processes (``oxigraph serve`` filled with
``actorgraph push``, and ``actorgraph serve``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

import actorgraph
from _serve import Server
from actorgraph._errors import QueryError
from actorgraph.cli import main
from actorgraph.sparql._saved import param_example, read_saved_query, saved_queries
from actorgraph.store._remote import bind_remote_params
from actorgraph.vocab._namespaces import PREFIXES
from test_push import bundled_endpoint  # the push tests' oxigraph server process
from test_query_params import CASES, by_hand  # parameters a FILTER or BIND reads, and the oracle

# Values that would end a string or an IRI early if they were pasted into the query unescaped.
HOSTILE_TEXT = [
    pytest.param('" } ; DROP ALL #', id="quote-brace-drop"),
    pytest.param("'} DROP ALL #", id="single-quote"),
    pytest.param('"""} DROP ALL', id="long-quote"),
    pytest.param('\\" } DROP ALL #', id="backslash-quote"),
    pytest.param("\\u0022 } DROP ALL #", id="codepoint-escape-text"),
    pytest.param("a\\", id="trailing-backslash"),
    pytest.param('line\n} DROP ALL #\r"', id="line-breaks"),
    pytest.param("tab\there\x00\x01\x7f", id="control-characters"),
    pytest.param("> } SELECT * WHERE { ?s ?p ?o }", id="angle-brace"),
    pytest.param("ünïcødé — \u202eرمز\u202c 𝄞", id="unicode-bidi-astral"),
    pytest.param("# not a comment", id="hash"),
]
# IRIs that would break out of <...>: refused, never sent.
HOSTILE_IRIS = [
    pytest.param("<http://x.example/> } ; DROP ALL #>", id="iri-close-and-drop"),
    pytest.param("<http://x.example/a b>", id="iri-space"),
    pytest.param('<http://x.example/"a>', id="iri-quote"),
    pytest.param("<http://x.example/{a}>", id="iri-brace"),
    pytest.param("<http://x.example/a\\u003E>", id="iri-escape"),
    pytest.param("agd:ttp> } DROP ALL #", id="curie-close"),
]
ECHO = "SELECT ?x ?v WHERE { BIND(STR(?x) AS ?v) }"


def _example_params(name: str) -> dict[str, str]:
    """The example value each parameter of a saved query documents, ``(e.g. agd:ttp)``."""
    query = read_saved_query(name)
    params = {param: param_example(query, param) for param in query.params}
    missing = [param for param, example in params.items() if example is None]
    assert not missing, f"{name}: parameters {missing} document no example value"
    return {param: example for param, example in params.items() if example}


PARAM_CASES = [
    pytest.param(query.name, chosen, id=f"{query.name}-{'-'.join(chosen) or 'none'}")
    for query in saved_queries()
    if query.params
    for chosen in [
        sorted(query.params),
        *([name] for name in sorted(query.params) if len(query.params) > 1),
    ]
]


def _rows(payload: bytes) -> list[str]:
    """The rows of a SPARQL JSON result, order-free; GROUP_CONCAT's order is up to each store."""
    rows = []
    for row in json.loads(payload)["results"]["bindings"]:
        for cell in row.values():
            if cell["type"] == "literal" and " " in cell["value"]:
                cell["value"] = sorted(re.split(r"[;\s]+", cell["value"]))
        rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
    return sorted(rows)


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def _sent(kg: actorgraph.KnowledgeGraph, text: str, params: dict[str, Any]) -> Any:
    """Run the text an endpoint would receive on the local store (no substitutions)."""
    bound = bind_remote_params(text, params)
    return kg.store.query(bound, prefixes=PREFIXES, use_default_graph_as_union=True)


# --------------------------------------------------------------------------------------------
# The text sent answers as the local substitution does


@pytest.mark.parametrize(("name", "chosen"), PARAM_CASES)
def test_saved_query_with_values_blocks_answers_as_substitution(
    kg: actorgraph.KnowledgeGraph, name: str, chosen: list[str]
) -> None:
    examples = _example_params(name)
    params = {key: examples[key] for key in chosen}
    text = read_saved_query(name).text
    local = kg.query(text, params=params).serialize("json")
    sent = _sent(kg, text, params).serialize(format=ox.QueryResultsFormat.JSON)
    assert _rows(sent) == _rows(local)


def test_leader_at_date_is_bound_before_its_bind_reads_the_date(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    # A trailing VALUES would be joined after BIND(COALESCE(?date, today)) ran: today's leader.
    text = read_saved_query("leader-at-date").text
    rows = list(_sent(kg, text, {"group": "agd:ttp", "date": "2015-06-01"}))
    assert [str(row["leaderLabel"].value) for row in rows] == ["Mullah Fazlullah"]
    assert {row["date"].value for row in rows} == {"2015-06-01"}


# Each query binds ?e to agd:ttp.
SHAPES = {
    "sub-select-keeps-its-own-variables": (
        "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?e rdfs:label ?l } } }"
    ),
    "where-group-is-a-sub-select": "SELECT ?e ?l WHERE { SELECT ?e ?l WHERE { ?e rdfs:label ?l } }",
    # A sub-select that projects ?e is bound inside, before its LIMIT, as a substitution is.
    "sub-select-projecting-it-with-limit": (
        "SELECT ?e ?l WHERE { ?e a ?t { SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1 } }"
    ),
    "where-group-is-a-sub-select-with-limit": (
        "SELECT ?e ?l WHERE { SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1 }"
    ),
    "sub-select-star-with-limit": (
        "SELECT ?e ?l WHERE { { SELECT * WHERE { ?e rdfs:label ?l } ORDER BY ?l LIMIT 1 } }"
    ),
    "nested-sub-selects": (
        "SELECT ?e ?l WHERE { { SELECT ?e ?l WHERE { { SELECT ?e ?l WHERE { ?e rdfs:label ?l } "
        "LIMIT 1 } } } }"
    ),
    "construct-template-skipped": "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l }",
    "construct-where-short-form": "CONSTRUCT WHERE { ?e rdfs:label ?l }",
    "describe-without-where": "DESCRIBE ?e",
    "ask": "ASK { ?e rdfs:label ?l }",
    "inline-values-data-block-skipped": "SELECT ?e ?k WHERE { VALUES ?k { 1 2 } ?e rdfs:label ?l }",
    "select-with-trailing-values": (
        "SELECT ?e ?l WHERE { ?e rdfs:label ?l } VALUES ?l { 'Tehrik-i-Taliban Pakistan'@en 'x' }"
    ),
    "exists-in-projection": (
        "SELECT ?e (EXISTS { ?e a ag:ArmedGroup } AS ?armed) WHERE { ?e rdfs:label ?l }"
    ),
    "braces-in-comment-and-string": (
        "# { a comment }\nSELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(?l != '{ ?e }') }"
    ),
    "union": "SELECT ?e ?l WHERE { { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } }",
    "minus": "SELECT ?e ?l WHERE { ?e rdfs:label ?l MINUS { ?e a ag:Person } }",
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=SHAPES.keys())
def test_query_shapes_bind_as_substitution(kg: actorgraph.KnowledgeGraph, text: str) -> None:
    params = {"e": "agd:ttp"}
    local = kg.query(text, params=params)
    sent = _sent(kg, text, params)
    if local.type == "ASK":
        assert bool(sent) is bool(local) is True
    elif local.type == "CONSTRUCT":
        assert len(local.graph) > 0
        assert {str(t) for t in sent} == {
            str(t) for t in ox.parse(local.serialize("nt"), format=ox.RdfFormat.N_TRIPLES)
        }
    else:
        assert len(local) > 0
        assert _rows(sent.serialize(format=ox.QueryResultsFormat.JSON)) == _rows(
            local.serialize("json")
        )


@pytest.mark.parametrize(("text", "params"), CASES.values(), ids=CASES.keys())
def test_parameters_a_filter_or_bind_reads_bind_as_locally(
    kg: actorgraph.KnowledgeGraph, text: str, params: dict[str, tuple[object, str]]
) -> None:
    # Locally these go through the same placement (none is projected); the sent text must answer
    # as the local query does, and as the query with the values written in by hand.
    values = {name: value for name, (value, _) in params.items()}
    local = kg.query(text, params=values).serialize("json")
    assert _rows(local) == _rows(kg.query(by_hand(text, params)).serialize("json"))
    assert _rows(_sent(kg, text, values).serialize(format=ox.QueryResultsFormat.JSON)) == _rows(
        local
    )


@pytest.mark.parametrize(
    "value",
    [
        *HOSTILE_TEXT,
        pytest.param(Literal("chat", lang="fr"), id="language-tag"),
        pytest.param(
            Literal("3.5", datatype=URIRef("http://www.w3.org/2001/XMLSchema#decimal")),
            id="decimal",
        ),
        pytest.param(URIRef("https://w3id.org/actorgraph/data/ttp"), id="rdflib-iri"),
        pytest.param(2012, id="int"),
        pytest.param(True, id="bool"),
        pytest.param("2015-06-01", id="date"),
        pytest.param("<https://w3id.org/actorgraph/data/ttp>", id="iri"),
    ],
)
def test_a_value_comes_back_as_exactly_the_term_bound_locally(
    kg: actorgraph.KnowledgeGraph, value: object
) -> None:
    local = kg.query(ECHO, params={"x": value}).bindings
    sent = json.loads(_sent(kg, ECHO, {"x": value}).serialize(format=ox.QueryResultsFormat.JSON))
    assert sent["results"]["bindings"] == local
    if type(value) is str and not value.startswith("<") and value != "2015-06-01":
        assert local[0]["v"]["value"] == local[0]["x"]["value"] == value


@pytest.mark.parametrize("value", HOSTILE_IRIS)
def test_an_iri_that_would_break_out_is_refused(value: str) -> None:
    with pytest.raises(QueryError, match="parameter x="):
        bind_remote_params("SELECT ?x WHERE { ?x ?p ?o }", {"x": value})


@pytest.mark.parametrize(
    ("params", "message"),
    [
        pytest.param({"grup": "agd:ttp"}, r"no variable \?grup.*\?group", id="misspelt"),
        pytest.param({"group": ["agd:ttp"]}, "takes one value", id="list"),
        pytest.param({"group": ox.BlankNode("b0")}, "blank node", id="blank-node"),
        pytest.param(
            {"group": Literal("x", datatype=URIRef("http://x.example/> } DROP ALL #"))},
            "parameter group=",
            id="hostile-datatype",
        ),
        pytest.param({"gr) } DROP ALL #": "x"}, "parameter gr", id="hostile-name"),
    ],
)
def test_bad_parameters_are_query_errors(params: dict[str, Any], message: str) -> None:
    text = read_saved_query("leader-at-date").text
    with pytest.raises(QueryError, match=message):
        bind_remote_params(text, params)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT ?x WHERE { BIND(1 AS ?x) }", id="bind"),
        pytest.param("SELECT (COUNT(*) AS ?x) WHERE { ?s ?p ?o }", id="select-expression"),
    ],
)
def test_a_variable_the_query_assigns_cannot_be_a_parameter(text: str) -> None:
    # A server would refuse the VALUES with a syntax error at a place the user did not write.
    with pytest.raises(QueryError, match=r"assigns \?x itself .*drop the parameter x"):
        bind_remote_params(text, {"x": 2})


def test_a_query_ending_with_its_own_values_clause_cannot_take_a_second(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    text = "CONSTRUCT WHERE { ?e rdfs:label ?l } VALUES ?l { 'x' }"
    with pytest.raises(QueryError, match=r"its own VALUES clause.*bind \?e in that clause"):
        bind_remote_params(text, {"e": "agd:ttp"})


# --------------------------------------------------------------------------------------------
# Real servers


@pytest.fixture(scope="module")
def oxigraph_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An `oxigraph serve` process holding the knowledge graph (pushed with the Graph Store Protocol)."""
    yield from bundled_endpoint(tmp_path_factory.mktemp("remote-params") / "oxigraph")


@pytest.fixture(scope="module")
def actorgraph_endpoint() -> Iterator[str]:
    """An `actorgraph serve` process on the bundled data."""
    server = Server()
    yield server.sparql
    server.stop()


@pytest.fixture(params=["oxigraph", "actorgraph"])
def endpoint(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_endpoint")
    return url


@pytest.mark.server
def test_leader_at_date_answers_the_same_remotely(
    kg: actorgraph.KnowledgeGraph, endpoint: str
) -> None:
    text = read_saved_query("leader-at-date").text
    params = {"group": "agd:ttp", "date": "2015-06-01"}
    remote = actorgraph.load(store=endpoint).query(text, params=params)
    local = kg.query(text, params=params)
    assert _rows(remote.serialize("json")) == _rows(local.serialize("json"))
    assert [str(row.leaderLabel) for row in remote] == ["Mullah Fazlullah"]


@pytest.mark.server
@pytest.mark.parametrize(("name", "chosen"), PARAM_CASES)
def test_every_saved_query_with_params_answers_the_same_on_oxigraph(
    kg: actorgraph.KnowledgeGraph, oxigraph_endpoint: str, name: str, chosen: list[str]
) -> None:
    examples = _example_params(name)
    params = {key: examples[key] for key in chosen}
    text = read_saved_query(name).text
    remote = actorgraph.load(store=oxigraph_endpoint).query(text, params=params)
    assert _rows(remote.serialize("json")) == _rows(kg.query(text, params=params).serialize("json"))


@pytest.mark.server
@pytest.mark.parametrize(("text", "params"), CASES.values(), ids=CASES.keys())
def test_parameters_a_filter_or_bind_reads_answer_the_same_remotely(
    kg: actorgraph.KnowledgeGraph, endpoint: str, text: str, params: dict[str, tuple[object, str]]
) -> None:
    values = {name: value for name, (value, _) in params.items()}
    remote = actorgraph.load(store=endpoint).query(text, params=values)
    local = kg.query(text, params=values)
    assert len(local) > 0
    assert _rows(remote.serialize("json")) == _rows(local.serialize("json"))


@pytest.mark.server
@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_hostile_text_reaches_the_server_as_one_string(
    kg: actorgraph.KnowledgeGraph, endpoint: str, value: str
) -> None:
    remote = actorgraph.load(store=endpoint).query(ECHO, params={"x": value})
    assert remote.bindings == kg.query(ECHO, params={"x": value}).bindings
    assert remote.bindings[0]["x"] == {"type": "literal", "value": value}


@pytest.mark.server
def test_cli_param_with_endpoint(
    kg: actorgraph.KnowledgeGraph, oxigraph_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["query", "--saved", "leader-at-date", "--endpoint", oxigraph_endpoint]
    args += ["--param", "group=agd:ttp", "--param", "date=2015-06-01"]
    assert main([*args, "--format", "json"]) == 0
    remote = capsys.readouterr().out.encode()
    local = kg.query(
        read_saved_query("leader-at-date").text, params={"group": "agd:ttp", "date": "2015-06-01"}
    )
    assert _rows(remote) == _rows(local.serialize("json"))
    assert main(args) == 0
    table = capsys.readouterr().out
    assert "Mullah Fazlullah" in table
    assert "(1 row)" in table


@pytest.mark.server
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["SELECT ?group WHERE { BIND(1 AS ?group) }", "--param", "grup=agd:ttp"],
            r"no variable \?grup to bind; its variables are .*\?group",
            id="misspelt-param",
        ),
        pytest.param(
            ["--saved", "leader-at-date", "--param", "group=<http://x.example/> } ; DROP ALL #>"],
            r"the parameter group=.*Invalid IRI code point '>'",
            id="iri-breaking-out",
        ),
        pytest.param(
            ["DESCRIBE ?e VALUES ?e { agd:ttp }", "--param", "e=agd:iskp"],
            r"ends with its own VALUES clause.*bind \?e in that clause",
            id="second-values-clause",
        ),
    ],
)
def test_cli_param_errors_with_endpoint_exit_4(
    oxigraph_endpoint: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    before = actorgraph.load(store=oxigraph_endpoint).query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert main(["query", *args, "--endpoint", oxigraph_endpoint]) == 4
    err = capsys.readouterr().err
    assert re.search(message, err), err
    after = actorgraph.load(store=oxigraph_endpoint).query("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    assert after.bindings == before.bindings
    assert int(before.bindings[0]["n"]["value"]) > 0


@pytest.mark.server
def test_a_misspelt_parameter_of_a_saved_query_is_a_usage_error_before_any_request(
    oxigraph_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["query", "--saved", "leader-at-date", "--param", "grup=agd:ttp"]
    assert main([*args, "--endpoint", oxigraph_endpoint]) == 2
    err = capsys.readouterr().err
    assert "the saved query leader-at-date has no parameter 'grup'" in err, err
    assert "its parameters: date, group" in err, err
