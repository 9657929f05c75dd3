"""``params=`` on a local store: a parameter is bound before the pattern is evaluated.

Oxigraph substitutes only the variables a SELECT projects. The others (and every parameter of an ASK
or CONSTRUCT) are written into the query as VALUES blocks opening the groups that use them
(:func:`actorgraph.sparql._parameters.bind_values`, shared with remote endpoints). The oracle here is the same
query with the value written in place of the variable by hand: a FILTER or BIND reading a parameter
must see the value, wherever it sits.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import actorgraph
from actorgraph._errors import QueryError
from actorgraph.sparql._parameters import bind_values, param_terms, user_offset
from actorgraph.sparql._runner import _syntax_error

TTP = "https://w3id.org/actorgraph/data/ttp"


# Each case: the query, its parameters as (value given, the same value as SPARQL text), none of
# them projected. The hand-written form replaces each ?name by its SPARQL text.
CASES: dict[str, tuple[str, dict[str, tuple[object, str]]]] = {
    "filter-equals": (
        "SELECT ?l WHERE { ?e rdfs:label ?l FILTER(?e = ?who) }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "filter-date-range": (
        "SELECT ?attack ?date WHERE {\n"
        "  ?attack a/rdfs:subClassOf* ag:Attack ; ag:earliestDate ?date\n"
        "  FILTER(?from <= ?date && ?date <= ?to) }",
        {
            "from": ("2014-01-01", '"2014-01-01"^^xsd:date'),
            "to": ("2016-12-31", '"2016-12-31"^^xsd:date'),
        },
    ),
    "bind": (
        "SELECT ?next WHERE { BIND(?year + 1 AS ?next) }",
        {"year": (2012, "2012")},
    ),
    "bind-coalesce": (
        "SELECT ?d WHERE { BIND(COALESCE(?date, 'today') AS ?d) }",
        {"date": ("2015-06-01", '"2015-06-01"^^xsd:date')},
    ),
    "select-expression": (
        "SELECT ?l (?year + 1 AS ?next) WHERE { ?e rdfs:label ?l FILTER(?e = ?who) }",
        {"year": (2012, "2012"), "who": ("agd:ttp", "agd:ttp")},
    ),
    "optional": (
        "SELECT ?e ?alt WHERE {\n"
        "  ?e a ag:ArmedGroup OPTIONAL { ?e skos:altLabel ?alt FILTER(?e = ?who) } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "union": (
        "SELECT ?l WHERE { { ?e rdfs:label ?l FILTER(?e = ?who) }\n"
        "  UNION { ?e skos:altLabel ?l FILTER(?e = ?who) } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "nested-groups": (
        "SELECT ?l WHERE { ?e a ag:ArmedGroup { { ?e rdfs:label ?l FILTER(?e = ?who) } } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "exists": (
        "SELECT ?e WHERE { ?e a ag:ArmedGroup\n"
        "  FILTER EXISTS { ?e skos:altLabel ?a FILTER(?e = ?who) } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "minus": (
        "SELECT ?e WHERE { ?e a ag:ArmedGroup MINUS { ?e a ag:ArmedGroup FILTER(?e != ?who) } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "graph": (
        "SELECT ?g WHERE { GRAPH ?g { ?e rdfs:label ?l FILTER(?e = ?who) } }",
        {"who": ("agd:ttp", "agd:ttp")},
    ),
    "text-and-language": (
        "SELECT ?e WHERE { ?e rdfs:label ?l FILTER(STR(?l) = ?name && LANG(?l) = ?lang) }",
        {
            "name": ("Tehrik-i-Taliban Pakistan", '"Tehrik-i-Taliban Pakistan"'),
            "lang": ('"en"', '"en"'),
        },
    ),
}


def by_hand(text: str, params: dict[str, tuple[object, str]]) -> str:
    for name, (_, written) in params.items():
        text = re.sub(rf"\?{name}\b", lambda _m, w=written: w, text)
    return text


def _rows(result: actorgraph.QueryResult) -> list[tuple[str, ...]]:
    return sorted(tuple(str(cell) for cell in row) for row in result)


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.mark.parametrize("timeout", [None, 60], ids=["in-process", "forked-worker"])
@pytest.mark.parametrize(("text", "params"), CASES.values(), ids=CASES.keys())
def test_a_parameter_is_bound_where_the_query_reads_it(
    kg: actorgraph.KnowledgeGraph,
    text: str,
    params: dict[str, tuple[object, str]],
    timeout: float | None,
) -> None:
    values = {name: value for name, (value, _) in params.items()}
    bound = kg.query(text, params=values, timeout=timeout)
    expected = kg.query(by_hand(text, params))
    assert len(expected) > 0
    assert [str(v) for v in bound.vars] == [str(v) for v in expected.vars]
    assert _rows(bound) == _rows(expected)


def test_the_reported_examples(kg: actorgraph.KnowledgeGraph) -> None:
    rows = kg.query(
        "SELECT ?l WHERE { ?e rdfs:label ?l FILTER(?e = ?who) }", params={"who": "agd:ttp"}
    )
    assert [str(row.l) for row in rows] == ["Tehrik-i-Taliban Pakistan"]
    text, params = CASES["filter-date-range"]
    dates = [
        str(row.date)
        for row in kg.query(text, params={name: value for name, (value, _) in params.items()})
    ]
    assert dates and all("2014-01-01" <= date <= "2016-12-31" for date in dates)
    assert kg.query("SELECT ?next WHERE { BIND(?year + 1 AS ?next) }", params={"year": 2012})
    assert [
        int(row.next)
        for row in kg.query(
            "SELECT ?next WHERE { BIND(?year + 1 AS ?next) }", params={"year": 2012}
        )
    ] == [2013]


@pytest.mark.parametrize("timeout", [None, 60], ids=["in-process", "forked-worker"])
def test_ask_and_construct_filter_on_a_parameter(
    kg: actorgraph.KnowledgeGraph, timeout: float | None
) -> None:
    ask = "ASK { ?e rdfs:label ?l FILTER(?e = ?who) }"
    assert bool(kg.query(ask, params={"who": "agd:ttp"}, timeout=timeout)) is True
    assert bool(kg.query(ask, params={"who": "<http://x.example/none>"}, timeout=timeout)) is False
    construct = "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e rdfs:label ?l FILTER(?e = ?who) }"
    graph = kg.query(construct, params={"who": "agd:ttp"}, timeout=timeout).graph
    assert {str(s) for s in graph.subjects()} == {TTP}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("SELECT ?l WHERE { { SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1 } }", id="group"),
        pytest.param("SELECT ?l WHERE { SELECT ?e ?l WHERE { ?e rdfs:label ?l } LIMIT 1 }", id="where"),
        pytest.param("SELECT ?l WHERE { SELECT * WHERE { ?e rdfs:label ?l } LIMIT 1 }", id="star"),
    ],
)  # fmt: skip
def test_a_sub_select_projecting_the_parameter_is_bound_before_its_limit(
    kg: actorgraph.KnowledgeGraph, text: str
) -> None:
    # As Oxigraph's substitution does when the outer SELECT projects ?e too.
    rows = kg.query(text, params={"e": "agd:ttp"})
    assert [str(row.l) for row in rows] == ["Tehrik-i-Taliban Pakistan"]
    projected = kg.query(text.replace("SELECT ?l", "SELECT ?e ?l", 1), params={"e": "agd:ttp"})
    assert [str(row.l) for row in projected] == ["Tehrik-i-Taliban Pakistan"]


def test_a_sub_select_keeps_a_variable_it_does_not_project(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    text = "SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { ?x rdfs:label ?l FILTER(?x != ?e) } } }"
    # ?e inside is the sub-select's own, unbound there: the FILTER is an error for every row.
    assert [int(row.n) for row in kg.query(text, params={"e": "agd:ttp"})] == [0]


def test_a_query_without_a_group_ending_in_a_comment(kg: actorgraph.KnowledgeGraph) -> None:
    rows = kg.query("CONSTRUCT WHERE { ?e rdfs:label ?l } # the labels", params={"e": "agd:ttp"})
    assert {str(s) for s in rows.graph.subjects()} == {TTP}


def test_a_parameter_the_query_assigns_is_refused(kg: actorgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"assigns \?x itself .*drop the parameter x"):
        kg.query("SELECT ?l WHERE { ?e rdfs:label ?l BIND(?e AS ?x) }", params={"x": "agd:ttp"})


@pytest.mark.parametrize("timeout", [None, 60], ids=["in-process", "forked-worker"])
def test_a_syntax_error_in_a_query_with_parameters_points_into_the_users_text(
    kg: actorgraph.KnowledgeGraph, timeout: float | None
) -> None:
    text = "SELECT ?l WHERE { ?e rdfs:label ?l FILTER(?e = ?who) .\n  ?e foo:bar ?x }"
    with pytest.raises(QueryError) as without:
        kg.query(text, timeout=timeout)
    with pytest.raises(QueryError) as info:
        kg.query(text, params={"who": "agd:ttp"}, timeout=timeout)
    assert (info.value.line, info.value.column) == (without.value.line, without.value.column)
    assert info.value.line == 2
    assert str(info.value) == str(without.value)


def test_a_misspelt_parameter_is_named(kg: actorgraph.KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match=r"no variable \?wh0 to bind; its variables are"):
        kg.query("ASK { ?e rdfs:label ?l FILTER(?e = ?who) }", params={"wh0": "agd:ttp"})


# --------------------------------------------------------------------------------------------
# Positions in the rewritten text map back to the user's


TEXT = (
    "PREFIX x: <http://x.example/>\n"
    "SELECT ?l WHERE { ?e rdfs:label ?l\n"
    "  OPTIONAL { ?e skos:altLabel ?a FILTER(?e = ?who) } { SELECT ?e WHERE { ?e a ?t } LIMIT 3 }\n"
    "  FILTER(?l != 'é𝄞') }"
)


def _written(text: str) -> tuple[str, list[tuple[int, str]]]:
    return bind_values(text, param_terms({"who": "agd:ttp", "e": "say 'hé'"}))


def test_every_position_maps_back_to_the_users_text() -> None:
    bound, inserts = _written(TEXT)
    # The WHERE group, the OPTIONAL and the sub-select's WHERE group (which projects ?e only).
    assert [block.split(")")[0] for _, block in inserts] == [" VALUES (?who ?e"] * 2 + [
        " VALUES (?e"
    ]
    assert bound.count("\n") == TEXT.count("\n")
    for offset in range(len(TEXT) + 1):
        shift = sum(len(block) for at, block in inserts if at <= offset)
        assert user_offset(inserts, offset + shift) == offset
        if offset < len(TEXT):
            assert bound[offset + shift] == TEXT[offset]
    for at, block in inserts:
        start = at + sum(len(b) for a, b in inserts if a < at)
        for inside in range(start, start + len(block)):
            assert user_offset(inserts, inside) == at


@pytest.mark.parametrize("target", ["FILTER(?l", "LIMIT", "?a FILTER", "'é𝄞'"])
def test_a_syntax_error_in_the_rewritten_text_is_reported_where_the_user_wrote_it(
    target: str,
) -> None:
    bound, inserts = _written(TEXT)
    offset = bound.index(target)
    line = bound.count("\n", 0, offset) + 1
    column = offset - (bound.rfind("\n", 0, offset) + 1) + 1
    error = _syntax_error(f"error at {line}:{column}: expected x", TEXT, bound, inserts)
    user = TEXT.index(target)
    assert error.line == TEXT.count("\n", 0, user) + 1
    assert error.column == user - (TEXT.rfind("\n", 0, user) + 1) + 1
    assert f"line {error.line}, column {error.column}: expected x" in str(error)


def test_params_go_through_one_placement_for_both_paths() -> None:
    from actorgraph.store import _remote

    params: dict[str, Any] = {"who": "agd:ttp"}
    text = CASES["filter-equals"][0]
    assert _remote.bind_remote_params(text, params) == bind_values(text, param_terms(params))[0]
