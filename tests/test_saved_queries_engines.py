"""Every saved query gives the same answer under Oxigraph and under rdflib's own SPARQL engine.

The two engines were written independently; a saved query whose answer depends on one engine's leniency
is a bug in the query, since users run these queries on other servers (issue 22). Each query runs with
the parameters its header documents as examples. GROUP_CONCAT's order is undefined in SPARQL 1.1, so
cells are compared as sorted multisets of their words.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib

import actorgraph
from actorgraph.importers import import_file
from actorgraph.sparql._saved import param_example, read_saved_query, saved_queries

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
UCDP = SHARED / "data" / "ucdp" / "ucdp_ged_hdx_pakistan_2012_2021.csv"

pytestmark = pytest.mark.slow

_NAMES = [query.name for query in saved_queries()]


def _cell(value: object) -> tuple[str, ...]:
    return tuple(sorted(re.split(r"[\s;]+", "" if value is None else str(value))))


def _rows(result: object, names: list[str]) -> list[tuple[tuple[str, ...], ...]]:
    return sorted(
        tuple(_cell(row.asdict().get(name)) for name in names)  # type: ignore[attr-defined]
        for row in result  # type: ignore[attr-defined]
    )


def _rdflib_copy(kg: actorgraph.KnowledgeGraph) -> rdflib.Graph:
    graph = rdflib.Graph()
    for triple in kg.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").graph:
        graph.add(triple)
    return graph


def _example_params(name: str) -> dict[str, str]:
    """Each parameter bound to the example its query documents (``(e.g. agd:ttp)``): the answers
    stay small enough for rdflib's engine, which takes minutes over the whole graph."""
    query = read_saved_query(name)
    examples = {param: param_example(query, param) for param in query.params}
    return {param: example for param, example in examples.items() if example}


def _compare(kg: actorgraph.KnowledgeGraph, graph: rdflib.Graph, name: str) -> None:
    text = read_saved_query(name).text
    params = _example_params(name)
    ours = kg.query(text, params=params)
    names = [str(v) for v in ours.vars]
    bindings = {rdflib.Variable(param): _rdflib_term(kg, value) for param, value in params.items()}
    theirs = graph.query(text, initBindings=bindings)
    assert _rows(theirs, names) == _rows(ours, names), f"{name}: the engines disagree"


def _rdflib_term(kg: actorgraph.KnowledgeGraph, value: str) -> rdflib.term.Identifier:
    """The term ``--param`` makes of a value, as rdflib's own term: asked of the library itself."""
    row = next(iter(kg.query("SELECT ?v WHERE { }", params={"v": value})))
    term: rdflib.term.Identifier = row[0]
    return term


@pytest.fixture(scope="module")
def bundled() -> tuple[actorgraph.KnowledgeGraph, rdflib.Graph]:
    kg = actorgraph.load()
    return kg, _rdflib_copy(kg)


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[actorgraph.KnowledgeGraph, rdflib.Graph]]:
    if not UCDP.is_file():
        pytest.skip(f"the UCDP GED file for Pakistan is not at {UCDP} (../shared/data is absent)")
    folder = tmp_path_factory.mktemp("ucdp-slice")
    sample = folder / "ucdp_slice.csv"
    with UCDP.open(encoding="utf-8", newline="") as src, sample.open("w", newline="") as dst:
        writer = csv.writer(dst)
        for _, record in zip(range(202), csv.reader(src), strict=False):  # header, HXL, 200 rows
            writer.writerow(record)
    kg = actorgraph.load(store=str(folder / "store"))
    import_file(kg, "ucdp", sample)
    yield kg, _rdflib_copy(kg)
    kg.close()


@pytest.mark.parametrize("name", _NAMES)
def test_saved_query_agrees_between_oxigraph_and_rdflib_on_the_bundled_data(
    bundled: tuple[actorgraph.KnowledgeGraph, rdflib.Graph], name: str
) -> None:
    _compare(*bundled, name)


@pytest.mark.parametrize("name", _NAMES)
def test_saved_query_agrees_between_oxigraph_and_rdflib_on_an_imported_store(
    imported: tuple[actorgraph.KnowledgeGraph, rdflib.Graph], name: str
) -> None:
    _compare(*imported, name)
