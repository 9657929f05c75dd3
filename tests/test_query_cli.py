"""`actorgraph query`: where the query comes from, output formats, limits, parameters, errors."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from rdflib import Graph

import actorgraph
from actorgraph.cli import main
from actorgraph.sparql._saved import read_saved_query, saved_queries

CLAIMS = "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group } ORDER BY ?attack ?group"
GRAPH_QUERY = "CONSTRUCT { ?a ag:claimedBy ?g } WHERE { ?a ag:claimedBy ?g }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    return code, captured.out, captured.err.decode("utf-8")


# --------------------------------------------------------------------------------------------
# Where the query comes from


def test_inline_query(
    kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(capsysbinary, "query", CLAIMS, "--format", "csv")
    assert code == 0
    assert out == kg.query(CLAIMS).serialize("csv")


def test_query_from_a_file(
    tmp_path: Path, kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "claims.rq"
    path.write_text(CLAIMS, encoding="utf-8")
    code, out, _ = run(capsysbinary, "query", "-f", str(path), "--format", "tsv")
    assert code == 0
    assert out == kg.query(CLAIMS).serialize("tsv")


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [pytest.param([], id="no-argument"), pytest.param(["-f", "-"], id="dash")]
)
def test_query_from_stdin(
    argv: list[str],
    kg: actorgraph.KnowledgeGraph,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(CLAIMS))
    code, out, _ = run(capsysbinary, "query", *argv, "--format", "json")
    assert code == 0
    assert json.loads(out) == json.loads(kg.query(CLAIMS).serialize("json"))


def test_two_sources_of_query_are_a_usage_error(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "q.rq"
    path.write_text(CLAIMS, encoding="utf-8")
    code, _, err = run(capsysbinary, "query", CLAIMS, "-f", str(path))
    assert code == 2
    assert "one way" in err


def test_missing_file_is_a_usage_error(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = run(capsysbinary, "query", "-f", str(tmp_path / "nope.rq"))
    assert code == 2
    assert "nope.rq" in err


# --------------------------------------------------------------------------------------------
# Formats


@pytest.mark.slow
def test_table_shows_curies_and_a_row_count(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "query", CLAIMS)
    text = out.decode("utf-8")
    assert code == 0
    assert "agd:bajaur-rally-bombing-2023" in text
    assert "agd:iskp" in text
    assert text.rstrip().endswith("rows)")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_select_in_each_results_format(
    fmt: str, kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(capsysbinary, "query", CLAIMS, "--format", fmt)
    assert code == 0
    expected = kg.query(CLAIMS).serialize(fmt)
    assert out.rstrip(b"\n") == expected.rstrip(b"\n")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "expected"),
    [("table", b"true"), ("json", b'"boolean": true'), ("csv", b"true"), ("tsv", b"true")],
)
def test_ask_in_each_format(
    fmt: str, expected: bytes, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(capsysbinary, "query", "ASK { agd:ttp a ag:ArmedGroup }", "--format", fmt)
    assert code == 0
    assert expected in out.replace(b'"boolean":true', b'"boolean": true')


@pytest.mark.slow
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_in_each_rdf_format(
    fmt: str,
    rdflib_format: str,
    kg: actorgraph.KnowledgeGraph,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, _ = run(capsysbinary, "query", GRAPH_QUERY, "--format", fmt)
    assert code == 0
    graph = Graph().parse(data=out.decode("utf-8"), format=rdflib_format)
    assert set(graph) == set(kg.query(GRAPH_QUERY).graph)
    assert len(graph) > 0


@pytest.mark.slow
def test_construct_defaults_to_turtle(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(capsysbinary, "query", GRAPH_QUERY)
    assert code == 0
    assert len(Graph().parse(data=out.decode("utf-8"), format="turtle")) > 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "fmt"),
    [
        pytest.param(GRAPH_QUERY, "csv", id="graph-as-csv"),
        pytest.param(CLAIMS, "turtle", id="table-as-turtle"),
    ],
)
def test_a_format_that_does_not_fit_the_result_is_refused(
    query: str, fmt: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = run(capsysbinary, "query", query, "--format", fmt)
    assert code in {2, 4}
    assert "--format" in err


# --------------------------------------------------------------------------------------------
# Limits, parameters, timeouts, stores


@pytest.mark.slow
def test_limit_cuts_rows_and_says_so(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, err = run(
        capsysbinary, "query", "SELECT * WHERE { ?s ?p ?o }", "--limit", "3", "--format", "json"
    )
    assert code == 0
    assert len(json.loads(out)["results"]["bindings"]) == 3
    assert "--limit 3" in err


@pytest.mark.slow
def test_repeated_params_bind_variables(
    kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    query = "SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }"
    code, out, _ = run(
        capsysbinary, "query", query, "--param", "group=agd:iskp",
        "--param", "attack=agd:bajaur-rally-bombing-2023", "--format", "json",
    )  # fmt: skip
    assert code == 0
    rows = json.loads(out)["results"]["bindings"]
    assert [(r["attack"]["value"], r["group"]["value"]) for r in rows] == [
        (
            "https://w3id.org/actorgraph/data/bajaur-rally-bombing-2023",
            "https://w3id.org/actorgraph/data/iskp",
        )
    ]


def test_malformed_param_is_a_usage_error(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(capsysbinary, "query", CLAIMS, "--param", "group")
    assert code == 2
    assert "VAR=VALUE" in err


@pytest.mark.slow
def test_runaway_query_is_stopped_with_exit_code_5(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, err = run(capsysbinary, "query", RUNAWAY, "--timeout", "1")
    assert code == 5
    assert out == b""
    assert "stopped" in err


@pytest.mark.slow  # creates an on-disk store through the command line (~7 s of CPU)
def test_on_disk_store(
    tmp_path: Path, kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    store = tmp_path / "store"
    for _ in range(2):  # created, then reused
        code, out, _ = run(capsysbinary, "query", CLAIMS, "--store", str(store), "--format", "csv")
        assert code == 0
        assert out == kg.query(CLAIMS).serialize("csv")
    # An empty answer is an answer (it once ended in an internal error: a closed store was taken
    # for an endpoint, and the endpoint's empty-default-graph hint was looked up at None).
    nothing = 'SELECT ?e WHERE { ?e rdfs:label "no such name" }'
    code, out, err = run(capsysbinary, "query", nothing, "--store", str(store))
    assert (code, out, err) == (0, b"e\n-\n(0 rows)\n", "")


def test_endpoint_and_store_together_are_a_usage_error(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, _, err = run(
        capsysbinary,
        "query",
        CLAIMS,
        "--endpoint",
        "http://127.0.0.1:9/sparql",
        "--store",
        str(tmp_path),
    )
    assert code == 2
    assert "--endpoint" in err


def test_unreachable_endpoint_is_exit_code_6(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(
        capsysbinary, "query", CLAIMS, "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", "5"
    )
    assert code == 6
    assert "127.0.0.1:9" in err


# --------------------------------------------------------------------------------------------
# Errors point into the user's text


def test_syntax_error_points_at_line_and_column_of_the_file(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "broken.rq"
    path.write_text("SELECT ?x\nWHERE {\n  ?x ag:claimedBy ?y ]\n}\n", encoding="utf-8")
    code, _, err = run(capsysbinary, "query", "-f", str(path))
    assert code == 4
    first, source, caret = err.splitlines()[:3]
    # The stray "]" is at line 3, column 22; the caret sits under it.
    assert f"{path}:3:22:" in first
    assert "line 3, column 22" in first
    assert source.endswith("3 |   ?x ag:claimedBy ?y ]")
    assert caret.index("^") == source.index("]")


@pytest.mark.slow
def test_inline_syntax_error_names_line_and_column(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, _, err = run(capsysbinary, "query", "SELECT ?x WHERE { ?x ag:claimedBy ")
    assert code == 4
    assert "line 1, column" in err
    assert "^" in err


@pytest.mark.slow
def test_unknown_prefix_is_named(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, _, err = run(capsysbinary, "query", "SELECT ?x WHERE {\n  ?x foo:bar ?y }")
    assert code == 4
    assert "unknown prefix foo:" in err
    assert "line 2" in err


@pytest.mark.slow
def test_service_is_refused_at_its_position(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    query = "SELECT * WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?o }\n}"
    code, _, err = run(capsysbinary, "query", query)
    assert code == 4
    assert "line 2, column 3" in err
    assert "--allow-remote" in err


def test_variables_named_like_keywords_are_not_refused(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    query = "SELECT ?from ?service WHERE { ?from ag:claimedBy ?service }"
    code, _, _ = run(capsysbinary, "query", query)
    assert code == 0


# --------------------------------------------------------------------------------------------
# Saved queries


def test_list_shows_every_saved_query_with_its_params(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, _ = run(capsysbinary, "query", "--list")
    text = out.decode("utf-8")
    assert code == 0
    for saved in saved_queries():
        assert f"{saved.name}  {saved.title}" in text
        for name in saved.params:
            assert f"--param {name}=" in text


def test_saved_query_runs_by_name(
    kg: actorgraph.KnowledgeGraph, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(capsysbinary, "query", "--saved", "contested-tolls", "--format", "csv")
    assert code == 0
    assert out == kg.query(read_saved_query("contested-tolls").text).serialize("csv")
    assert out.count(b"\n") > 2


@pytest.mark.slow
def test_saved_query_with_params(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    code, out, _ = run(
        capsysbinary,
        "query",
        "--saved",
        "names-and-aliases",
        "--param",
        "entity=agd:iskp",
        "--format",
        "json",
    )
    assert code == 0
    rows = json.loads(out)["results"]["bindings"]
    assert {r["entity"]["value"] for r in rows} == {"https://w3id.org/actorgraph/data/iskp"}
    assert "ISKP" in {r["name"]["value"] for r in rows}


def test_a_saved_query_name_given_as_the_query_suggests_saved(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, out, err = run(capsysbinary, "query", "leader-at-date")
    assert (code, out) == (2, b"")
    assert "did you mean `actorgraph query --saved leader-at-date`?" in err
    assert "syntax error" not in err.lower()


def test_unknown_saved_query_suggests_close_names(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    code, _, err = run(capsysbinary, "query", "--saved", "contested-toll")
    assert code == 2
    assert "contested-tolls" in err
    assert "--list" in err


@pytest.mark.parametrize(
    ("param", "expected"),
    [
        pytest.param("date=2015-13-45", "expected a date YYYY-MM-DD", id="month-13"),
        pytest.param("date=June", "expected a date YYYY-MM-DD", id="a-word"),
        pytest.param("date=2015-02-30", "exists in the calendar", id="no-such-day"),
    ],
)
def test_a_saved_query_refuses_a_value_of_the_wrong_kind(
    capsys: pytest.CaptureFixture[str], param: str, expected: str
) -> None:
    code = main(
        ["query", "--saved", "leader-at-date", "--param", "group=agd:ttp", "--param", param]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert expected in err and "(e.g. 2015-06-01)" in err
    assert "Traceback" not in err


def test_a_year_parameter_takes_four_digits(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["query", "--saved", "relations-in-year", "--param", "actor=agd:ttp",
                 "--param", "year=12"])  # fmt: skip
    assert code == 2
    assert "expected a year of four digits" in capsys.readouterr().err
