"""The knowledge graph through the public API: load, query, resolve, the guard, timeouts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

import actorgraph
from actorgraph.vocab._namespaces import curie

CLAIMS_QUERY = """
SELECT ?attack ?group ?source ?claim WHERE {
  ?attack ag:claimedBy ?group .
  ?st rdf:subject ?attack ; rdf:predicate ag:claimedBy ; rdf:object ?group ;
      prov:wasDerivedFrom ?source ; ag:claimText ?claim .
}
"""


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def test_public_names_are_exactly_the_documented_ones() -> None:
    documented = {
        "ActorGraphError", "DataError", "DataErrors", "EndpointError", "ImportRejectedError",
        "KnowledgeGraph", "QueryError", "QueryResult", "QueryTimeout", "StoreLockedError",
        "UnknownNameError", "UsageError", "__version__", "load", "resolve",
    }  # fmt: skip
    networkx_side = {
        "Page", "Profile", "centrality", "communities", "ego_network", "from_networkx", "profile",
        "read_gexf", "read_graphml", "read_node_link", "render_html", "shortest_path_claims",
        "show", "timeline", "to_networkx", "write_gexf", "write_graphml", "write_node_link",
    }  # fmt: skip
    assert set(actorgraph.__all__) == documented | networkx_side
    assert actorgraph.__all__ == sorted(actorgraph.__all__)
    assert set(actorgraph.__all__) <= set(dir(actorgraph))  # before their first use too
    for name in sorted(set(actorgraph.__all__) - {"__version__"}):
        value = getattr(actorgraph, name)  # all but the errors are imported on first use
        assert callable(value), name
        assert value.__module__.startswith("actorgraph."), name
        assert (value.__doc__ or "").strip(), f"{name} has no docstring"
    assert isinstance(actorgraph.__version__, str) and actorgraph.__version__[0].isdigit()
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = actorgraph.nothing_here  # type: ignore[attr-defined]


def test_importing_actorgraph_imports_neither_rdflib_nor_oxigraph() -> None:
    """They take most of the time of a command that reads a kept result back (tests/test_derived.py),
    and are imported when first needed."""
    code = "import sys, actorgraph; print(sorted({'rdflib', 'pyoxigraph', 'networkx'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
    code = "import sys, actorgraph; actorgraph.load; print('rdflib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "True"


def test_load_puts_ontology_and_curated_data_in_their_named_graphs(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    graphs = kg.graphs()
    assert graphs["agg:ontology"] > 100
    assert graphs["agg:curated"] > 0


def test_which_attacks_were_claimed_by_whom_according_to_which_source(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    rows = {
        (curie(str(r.attack)), curie(str(r.group)), curie(str(r.source)))
        for r in kg.query(CLAIMS_QUERY)
    }
    assert (
        "agd:bajaur-rally-bombing-2023",
        "agd:iskp",
        "ags:ipd-terrorism-resurging-in-pakistan",
    ) in rows


def test_rows_look_like_rdflib_rows(kg: actorgraph.KnowledgeGraph) -> None:
    result = kg.query("SELECT ?label WHERE { agd:ttp rdfs:label ?label }")
    assert [str(v) for v in result.vars] == ["label"]
    (row,) = list(result)
    assert row.asdict() == {"label": Literal("Tehrik-i-Taliban Pakistan", lang="en")}
    assert row[0] == row.label == row["label"]


def test_ask_and_construct(kg: actorgraph.KnowledgeGraph) -> None:
    assert kg.query("ASK { agd:ttp a ag:ArmedGroup }").askAnswer is True
    assert not kg.query("ASK { agd:ttp a ag:PoliticalParty }")
    graph = kg.query("CONSTRUCT { agd:ttp rdfs:label ?l } WHERE { agd:ttp rdfs:label ?l }").graph
    assert len(graph) == 1
    assert b"Tehrik-i-Taliban Pakistan" in kg.query("DESCRIBE agd:ttp").serialize("turtle")


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        pytest.param("json", b'"vars"', id="json"),
        pytest.param("xml", b"<sparql", id="xml"),
        pytest.param("csv", b"label\r\nTehrik-i-Taliban Pakistan", id="csv"),
        pytest.param("tsv", b'?label\n"Tehrik-i-Taliban Pakistan"@en', id="tsv"),
    ],
)
def test_results_serialise_to_the_w3c_formats(
    kg: actorgraph.KnowledgeGraph, fmt: str, expected: bytes
) -> None:
    out = kg.query("SELECT ?label WHERE { agd:ttp rdfs:label ?label }").serialize(fmt)
    assert expected in out


def test_json_results_are_valid_sparql_json(kg: actorgraph.KnowledgeGraph) -> None:
    doc = json.loads(kg.query("SELECT ?g WHERE { ?a ag:claimedBy ?g }").serialize("json"))
    assert doc["head"]["vars"] == ["g"]
    assert all(b["g"]["type"] == "uri" for b in doc["results"]["bindings"])


def test_params_bind_variables(kg: actorgraph.KnowledgeGraph) -> None:
    result = kg.query("SELECT ?label WHERE { ?e rdfs:label ?label }", params={"e": "agd:ttp"})
    assert [str(r.label) for r in result] == ["Tehrik-i-Taliban Pakistan"]
    as_term = kg.query(
        "SELECT ?label WHERE { ?e rdfs:label ?label }",
        params={"e": URIRef("https://w3id.org/actorgraph/data/ttp")},
    )
    assert len(as_term) == 1


def test_limit_cuts_rows_and_says_so(kg: actorgraph.KnowledgeGraph) -> None:
    result = kg.query("SELECT ?s WHERE { ?s ?p ?o }", limit=3)
    assert len(result) == 3
    assert result.truncated


def test_syntax_error_points_at_the_users_line_and_column(kg: actorgraph.KnowledgeGraph) -> None:
    with pytest.raises(actorgraph.QueryError) as info:
        kg.query("SELECT ?s WHERE {\n  ?s ag:claimedBy  }")
    assert (info.value.line, info.value.column) == (2, 20)
    assert "line 2, column 20" in str(info.value)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", id="service"
        ),
        pytest.param("select * where { service <http://x/> { ?s ?p ?o } }", id="service-lower"),
        pytest.param("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }", id="from-remote"),
        pytest.param(
            "SELECT * FROM NAMED <http://example.org/g> WHERE { ?s ?p ?o }", id="from-named"
        ),
    ],
)
def test_the_guard_refuses_what_reaches_outside(kg: actorgraph.KnowledgeGraph, query: str) -> None:
    with pytest.raises(actorgraph.QueryError, match="refused by default"):
        kg.query(query)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('SELECT ?s WHERE { ?s rdfs:label "SERVICE" }', id="keyword-in-string"),
        pytest.param(
            "SELECT ?s WHERE { ?s ?p ?o } # SERVICE in a comment", id="keyword-in-comment"
        ),
        pytest.param("SELECT ?s FROM agg:curated WHERE { ?s ?p ?o }", id="from-own-graph"),
    ],
)
def test_the_guard_lets_harmless_queries_through(kg: actorgraph.KnowledgeGraph, query: str) -> None:
    kg.query(query)


def test_a_timeout_really_stops_a_runaway_query(kg: actorgraph.KnowledgeGraph) -> None:
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(actorgraph.QueryTimeout, match="stopped"):
        kg.query(runaway, timeout=0.5)
    # The store still answers afterwards, within a timeout too.
    assert len(kg.query("SELECT ?s WHERE { ?s a ag:ArmedGroup }", timeout=30)) >= 2


def test_resolve_finds_entities_by_any_name(kg: actorgraph.KnowledgeGraph) -> None:
    for name in ["ISKP", "ISIS–K", "isis-k", "Islamic State – Khorasan Province"]:
        assert kg.resolve(name) == "agd:iskp"
    assert actorgraph.resolve("Tehreek-e-Taliban Pakistan") == "agd:ttp"
    assert actorgraph.resolve("agd:jui-f") == "agd:jui-f"


def test_resolve_lists_close_matches_for_an_unknown_name(kg: actorgraph.KnowledgeGraph) -> None:
    with pytest.raises(actorgraph.UnknownNameError) as info:
        kg.resolve("Tehrik-i-Talibn Pakistan")
    assert "agd:ttp" in str(info.value)


def test_user_files_layer_into_their_own_graph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    mine = tmp_path / "mine.yaml"
    mine.write_text(
        """
sources:
  - id: ags:my-notes
    title: My field notes
    creator: A researcher
    publisher: Self-published
entities:
  - id: agd:my-test-group
    type: ag:ArmedGroup
    label: My Test Group
claims:
  - subject: agd:my-test-group
    property: ag:rivalOf
    object: agd:ttp
    source: ags:my-notes
    claim: My notes describe the test group as a rival of the TTP.
""",
        encoding="utf-8",
    )
    kg = actorgraph.load(data=[mine])
    assert kg.graphs()["agg:user/mine"] > 0
    assert kg.query(
        "ASK { GRAPH <https://w3id.org/actorgraph/graph/user/mine> "
        "{ agd:my-test-group ag:rivalOf agd:ttp } }"
    ).askAnswer
    assert kg.resolve("my test group") == "agd:my-test-group"


def test_a_broken_user_file_is_an_error_with_file_and_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "entities:\n  - id: agd:x\n    type: ag:ArmedGroup\n    label: X\n    colour: red\n"
    )
    with pytest.raises(actorgraph.DataError) as info:
        actorgraph.load(data=[bad])
    assert info.value.path == str(bad)
    assert info.value.line == 5
    assert info.value.field == "colour"


@pytest.mark.slow
def test_on_disk_store_is_reused_and_locked(bundled_store: Path) -> None:
    directory = bundled_store
    with actorgraph.load(store=directory) as first:
        count = len(first)
        assert count > 0
        # Another process is locked out while this one has the store open for writing.
        other = subprocess.run(
            [sys.executable, "-c", f"import actorgraph; actorgraph.load(store={str(directory)!r})"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert other.returncode != 0 and "StoreLockedError" in other.stderr
        assert f"actorgraph pid {os.getpid()}" in other.stderr
    with actorgraph.load(store=directory) as again:
        assert len(again) == count
        assert again.resolve("TTP") == "agd:ttp"


def test_a_parameter_the_query_does_not_have_is_refused(kg: actorgraph.KnowledgeGraph) -> None:
    with pytest.raises(actorgraph.QueryError, match=r"no variable \?grop"):
        kg.query("SELECT ?label WHERE { ?group rdfs:label ?label }", params={"grop": "agd:ttp"})


@pytest.mark.parametrize("value", [["agd:ttp"], None, {"a": 1}], ids=["list", "none", "dict"])
def test_a_parameter_takes_one_value(kg: actorgraph.KnowledgeGraph, value: object) -> None:
    with pytest.raises(actorgraph.QueryError, match="takes one value"):
        kg.query("SELECT ?label WHERE { ?e rdfs:label ?label }", params={"e": value})
