"""SELECT rows read from SPARQL TSV (the in-process route) are the terms the JSON route gives.

A SELECT run in this process comes back as SPARQL TSV and its rows are made from each cell's text;
a result sent by a worker or an endpoint comes as SPARQL JSON. Both must give the same rdflib terms,
to the lexical form, datatype and language, whatever the data.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actorgraph
from actorgraph.sparql._results import QueryResult, _tsv_rows
from actorgraph.sparql._runner import run_local

XSD = "http://www.w3.org/2001/XMLSchema#"


def strict(rows: Any) -> list[tuple[Any, ...]]:
    """Rows as tuples of (kind, text, datatype, language): rdflib's == would fold 1 and 01."""
    return [
        tuple(
            None
            if term is None
            else (type(term).__name__, str(term), getattr(term, "datatype", None),
                  getattr(term, "language", None))
            for term in row
        )
        for row in rows
    ]  # fmt: skip


def both_routes(store: ox.Store, text: str) -> tuple[QueryResult, QueryResult]:
    in_process = run_local(store, text)
    assert in_process._tsv is not None, "an unlimited local SELECT comes as TSV"
    as_json = QueryResult("SELECT", in_process.serialize("json"))
    return in_process, as_json


def assert_same(store: ox.Store, text: str) -> QueryResult:
    tsv, js = both_routes(store, text)
    assert strict(tsv) == strict(js)
    assert [str(v) for v in tsv.vars] == [str(v) for v in js.vars]
    assert len(tsv) == len(js) == len(list(tsv))
    assert tsv.serialize("json") == js.serialize("json")
    for fmt in ("csv", "tsv", "xml"):
        assert tsv.serialize(fmt) == js.serialize(fmt)
    return tsv


@pytest.mark.slow
def test_the_bundled_data_gives_the_same_rows_both_ways() -> None:
    kg = actorgraph.load()
    assert kg.store is not None
    result = assert_same(kg.store, "SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    assert len(result) > 1000
    assert result._tsv is not None and _tsv_rows(result._tsv) is not None  # read from the TSV


@pytest.mark.parametrize(
    ("values", "from_tsv"),
    [
        ('"plain" "with space" "é ü 中文" "emoji 🙂" ""', True),
        ('"x"@en "x"@en-GB "y"@ur', True),
        ('1 -5 +7 "01"^^xsd:integer 1.50 -.5 1e3 1.0E-2 "NaN"^^xsd:double "INF"^^xsd:double', True),
        ('true false "1"^^xsd:boolean "2023"^^xsd:gYear "2023-07-30"^^xsd:date', True),
        ('"q\\"uote" "back\\\\slash" "tab\\tin" "new\\nline" "cr\\rhere" "\\u00e9"', True),
        ('"<<not a triple>>" "a\tb" "\\u0000 nul"', True),
        ("<https://example.org/a> <https://example.org/b?q=1&r=%20#frag> <urn:x:y>", True),
        ('"x"^^<https://example.org/my-type>', True),
    ],
)
def test_tricky_terms_give_the_same_rows_both_ways(values: str, from_tsv: bool) -> None:
    store = ox.Store()
    result = assert_same(store, f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}")
    # Quoted triples go the JSON way; everything else, escapes included, is read from the TSV.
    assert result._tsv is not None and (_tsv_rows(result._tsv) is not None) is from_tsv


def test_a_triple_term_goes_the_json_way() -> None:
    store = ox.Store()
    text = "SELECT ?x WHERE { BIND(TRIPLE(<https://e.org/a>, <https://e.org/b>, 1) AS ?x) }"
    result = assert_same(store, text)
    assert result._tsv is not None and _tsv_rows(result._tsv) is None
    assert "https://e.org/a" in str(next(iter(result))[0])


def test_unbound_cells_blank_nodes_and_no_variables() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.BlankNode("b1"), ox.NamedNode("https://e.org/p"), ox.Literal("v")))
    assert_same(
        store, "SELECT ?s ?o ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } }"
    )
    rows = assert_same(
        store, "SELECT ?missing WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?missing } }"
    )
    assert strict(rows) == [(None,)]
    assert len(assert_same(store, "SELECT * WHERE { }")) == 1
    assert len(assert_same(store, "SELECT ?x WHERE { ?x <urn:none> ?y }")) == 0


def test_a_row_reads_by_name_and_as_dict() -> None:
    store = ox.Store()
    row = next(iter(run_local(store, 'SELECT ?a ?b WHERE { BIND(1 AS ?a) BIND("t"@en AS ?b) }')))
    assert str(row.a) == "1" and row["b"].language == "en"
    assert set(row.asdict()) == {"a", "b"}


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_literals = st.one_of(
    st.builds(ox.Literal, _texts),
    st.builds(
        lambda t, lang: ox.Literal(t, language=lang), _texts, st.sampled_from(["en", "ur", "de-CH"])
    ),
    st.builds(
        lambda t, dt: ox.Literal(t, datatype=ox.NamedNode(XSD + dt)),
        st.one_of(_texts, st.integers().map(str), st.floats().map(repr)),
        st.sampled_from(["integer", "decimal", "double", "boolean", "date", "gYear", "string"]),
    ),
)
_subjects = st.one_of(
    st.integers(0, 5).map(lambda i: ox.NamedNode(f"https://example.org/s{i}")),
    st.integers(0, 3).map(lambda i: ox.BlankNode(f"b{i}")),
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.tuples(_subjects, _literals), min_size=1, max_size=15))
def test_any_data_gives_the_same_rows_both_ways(pairs: list[tuple[Any, Any]]) -> None:
    store = ox.Store()
    for subject, literal in pairs:
        store.add(ox.Quad(subject, ox.NamedNode("https://example.org/p"), literal))
    assert_same(store, "SELECT ?s ?o WHERE { ?s ?p ?o }")
