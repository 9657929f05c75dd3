"""`actorgraph push` into a real OpenLink Virtuoso, and every saved query asked of it with
`--endpoint`, compared row for row with the local store.

Virtuoso is Debian's ``virtuoso-opensource`` (7.2), started once for this module in a temporary
directory with its own ini file and free loopback ports (``tests/_virtuoso.py``); the tests skip,
saying how to install it, when ``virtuoso-t`` is missing (``.ci/run`` installs it). Pushes go to
Virtuoso's authenticated endpoints as a user would send them: ``/sparql-graph-crud-auth`` (Graph
Store Protocol) and ``/sparql-auth`` (SPARQL Update), both behind HTTP Digest, as ``dba``.

The answers are compared as a user reads them, with three differences of form that docs/servers.md
documents: GROUP_CONCAT's order is undefined, so its cells are compared as sorted words; Virtuoso
gives ``""`` where Oxigraph leaves a GROUP_CONCAT over nothing unbound; and it writes booleans as
``"1"``/``"0"``. The differences of substance that Virtuoso 7.2 makes are marked ``xfail(strict=True)``
with the reason that docs/servers.md gives, so that a fix on either side shows up as a failure here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import httpx
import pytest

import actorgraph
from _virtuoso import PASSWORD, USER, Virtuoso, missing
from actorgraph.cli import main
from actorgraph.importers import import_file
from actorgraph.sparql._saved import read_saved_query, saved_queries
from test_push import COUNT_BY_GRAPH, _local_counts
from test_saved_queries_engines import UCDP, _example_params

pytestmark = [pytest.mark.server, pytest.mark.slow]

BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_NAMES = [query.name for query in saved_queries()]

#: Saved queries whose answer on Virtuoso 7.2 differs from Oxigraph's, and why (docs/servers.md,
#: "Where Virtuoso answers differently"). Keys: (query, whether the example parameters are bound).
VIRTUOSO_DIFFERS = {
    ("attacks-in-period", True): (
        "Virtuoso compares an unbound date as if it were a value, so an undated attack is kept "
        "in a bounded period"
    ),
    ("fatwas-and-declarations", False): (
        'Virtuoso makes STR(?unbound) = "" false instead of an error, so rulings without an '
        "issuer are left out"
    ),
    ("relations-in-year", False): (
        'Virtuoso\'s CONCAT skips an unbound ?year ("-01-01"), so without a year nearly every '
        "relation is filtered out"
    ),
    ("relations-in-year", True): (
        "Virtuoso 7.2 leaves out one dated claim (the TTP's claim of the Khar Levies checkpoint "
        "bombing, 4 May 2012); not yet reduced to its cause"
    ),
    ("party-members-targeted", False): (
        "Virtuoso 7.2 loses UNION rows joined with `?attack a/rdfs:subClassOf* ag:Event`"
    ),
    ("party-members-targeted", True): (
        "Virtuoso 7.2 loses UNION rows joined with `?attack a/rdfs:subClassOf* ag:Event`"
    ),
    ("sources-and-their-claims", False): (
        "Virtuoso 7.2 counts some sources' deprecated claims as 0 over the whole graph (right "
        "when one source is asked for)"
    ),
    ("entity-profile", False): (
        "Virtuoso cuts every answer at ResultSetMaxRows (10,000 in Debian's virtuoso.ini); "
        "query --endpoint warns"
    ),
}
#: The differences above that are Virtuoso's row cap alone (see _cases).
CUT_AT_THE_ROW_CAP = {("entity-profile", False)}


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Virtuoso]:
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    server = Virtuoso(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", PASSWORD)


@pytest.fixture(scope="module")
def bundled() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.fixture(scope="module")
def ucdp_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An on-disk store holding the bundled data and the UCDP GED events of Pakistan."""
    if not UCDP.is_file():
        pytest.skip(f"the UCDP GED file for Pakistan is not at {UCDP} (../shared/data is absent)")
    folder = tmp_path_factory.mktemp("ucdp") / "store"
    kg = actorgraph.load(store=str(folder))
    import_file(kg, "ucdp", UCDP)
    kg.close()
    return folder


@pytest.fixture(scope="module")
def ucdp(ucdp_store: Path) -> Iterator[actorgraph.KnowledgeGraph]:
    kg = actorgraph.load(store=str(ucdp_store), read_only=True)  # push opens it too
    yield kg
    kg.close()


class Loaded:
    """What the module's Virtuoso holds: the bundled graphs, or those and the UCDP import.

    Each test asks for the state it needs; the push happens once per change of state (the tests
    of one state come together in this file)."""

    def __init__(self, server: Virtuoso, ucdp_store: Callable[[], Path]) -> None:
        self.server = server
        self.ucdp_store = ucdp_store
        self.state: str | None = None

    def ensure(self, state: str) -> None:
        if state == self.state:
            return
        crud = f"{self.server.base}/sparql-graph-crud-auth"
        if state == "bundled":
            # Drop whatever an earlier state pushed, then push the bundled graphs.
            for graph in self.graphs():
                self.update(f"DROP SILENT GRAPH <{graph}>")
            assert main(["push", "--gsp", crud, "--user", USER]) == 0
        else:
            store = str(self.ucdp_store())
            assert main(["push", "--store", store, "--gsp", crud, "--user", USER]) == 0
        self.state = state

    def graphs(self) -> list[str]:
        reply = httpx.post(
            f"{self.server.base}/sparql",
            data={"query": COUNT_BY_GRAPH},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        reply.raise_for_status()
        return [
            row["g"]["value"]
            for row in reply.json()["results"]["bindings"]
            if row["g"]["value"].startswith("https://w3id.org/actorgraph/graph/")
        ]

    def update(self, text: str) -> None:
        httpx.post(
            f"{self.server.base}/sparql-auth",
            data={"query": text},
            auth=httpx.DigestAuth(USER, PASSWORD),
            timeout=120,
        ).raise_for_status()


@pytest.fixture(scope="module")
def loaded(virtuoso: Virtuoso, request: pytest.FixtureRequest) -> Loaded:
    return Loaded(virtuoso, lambda: request.getfixturevalue("ucdp_store"))


def _counts_at(endpoint: str, capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    capsys.readouterr()
    assert main(["query", COUNT_BY_GRAPH, "--endpoint", endpoint, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    return {
        row["g"]["value"]: int(row["n"]["value"])
        for row in rows
        if row["g"]["value"].startswith("https://w3id.org/actorgraph/graph/")
    }


# -- Pushing ---------------------------------------------------------------------------------


def test_graph_store_push_needs_the_digest_credentials(
    virtuoso: Virtuoso, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    crud = f"{virtuoso.base}/sparql-graph-crud-auth"
    assert main(["push", "--gsp", crud, "--graph", "agg:ontology"]) == 6
    assert "HTTP 401" in capsys.readouterr().err
    monkeypatch.setenv("ACTORGRAPH_PASSWORD", "not-the-password")
    assert main(["push", "--gsp", crud, "--user", USER, "--graph", "agg:ontology"]) == 6
    assert "HTTP 401" in capsys.readouterr().err


def test_graph_store_push_with_digest_holds_the_local_triples(
    loaded: Loaded, bundled: actorgraph.KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded.state = None  # push again, and read what push says
    capsys.readouterr()
    loaded.ensure("bundled")
    captured = capsys.readouterr()
    assert "pushed agg:curated" in captured.out
    assert "in its default graph too" in captured.err
    assert "warning" not in captured.err
    assert _counts_at(f"{loaded.server.base}/sparql", capsys) == _local_counts(bundled)


def test_update_push_with_digest_needs_small_chunks(
    loaded: Loaded, bundled: actorgraph.KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    update = f"{loaded.server.base}/sparql-auth"
    loaded.state = None
    for graph in loaded.graphs():
        loaded.update(f"DROP SILENT GRAPH <{graph}>")
    # Virtuoso's SPARQL compiler refuses an INSERT DATA of 5,000 triples (the default chunk).
    assert main(["push", "--update", update, "--user", USER, "--graph", "agg:curated"]) == 6
    err = capsys.readouterr().err
    assert "--chunk-size" in err
    assert "1000 for Virtuoso" in err
    assert not [g for g in loaded.graphs() if "/staging/" in g], "a staging graph was left"

    assert main(["push", "--update", update, "--user", USER, "--chunk-size", "1000"]) == 0
    assert "in its default graph too" in capsys.readouterr().err
    assert _counts_at(f"{loaded.server.base}/sparql", capsys) == _local_counts(bundled)


def test_pushed_triples_come_back_as_they_were_sent(
    loaded: Loaded, bundled: actorgraph.KnowledgeGraph
) -> None:
    """Every triple, term for term (booleans read by value: Virtuoso writes "1" for true)."""
    loaded.ensure("bundled")
    remote = actorgraph.load(store=f"{loaded.server.base}/sparql")
    for graph in _local_counts(bundled):
        text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ours = {_canonical(row) for row in bundled.query(text)}
        theirs: set[tuple[str, ...]] = set()
        # Virtuoso answers at most ResultSetMaxRows (10,000) rows, and refuses an ORDER BY past
        # them (SR353): page without ORDER BY, and let the set comparison catch any overlap.
        for offset in range(0, len(ours) + 10_000, 10_000):
            page = remote.query(f"{text} LIMIT 10000 OFFSET {offset}")
            theirs |= {_canonical(row) for row in page}
        assert theirs == ours, graph


def test_a_construct_comes_back_as_a_graph(
    loaded: Loaded, bundled: actorgraph.KnowledgeGraph
) -> None:
    loaded.ensure("bundled")
    remote = actorgraph.load(store=f"{loaded.server.base}/sparql")
    text = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH agg:ontology { ?s ?p ?o } }"
    ours = {_canonical(t) for t in bundled.query(text).graph}
    assert {_canonical(t) for t in remote.query(text).graph} == ours
    assert len(ours) == _local_counts(bundled)["https://w3id.org/actorgraph/graph/ontology"]


def _canonical(triple: Iterable[object]) -> tuple[str, ...]:
    subject, predicate, obj = triple
    text = obj.n3()  # type: ignore[attr-defined]
    if getattr(obj, "datatype", None) is not None and str(obj.datatype) == BOOLEAN:  # type: ignore[attr-defined]
        text = f"{bool(obj.toPython())}"  # type: ignore[attr-defined]
    return (str(subject), str(predicate), text)


# -- Saved queries ---------------------------------------------------------------------------


def _cell(term: dict[str, str] | None) -> tuple[str, ...]:
    if term is None or term["value"] == "":
        return ("",)  # Virtuoso's GROUP_CONCAT over nothing is "", Oxigraph's is unbound
    value = term["value"]
    if term.get("datatype") == BOOLEAN:
        value = {"1": "true", "0": "false"}.get(value, value)
    kind = (term["type"].replace("typed-literal", "literal"), term.get("datatype", ""))
    return (*kind, term.get("xml:lang", ""), *sorted(re.split(r"[\s;]+", value)))


def _rows(doc: dict[str, object]) -> list[tuple[tuple[str, ...], ...]]:
    names = doc["head"]["vars"]  # type: ignore[index]
    bindings = doc["results"]["bindings"]  # type: ignore[index]
    return sorted(tuple(_cell(row.get(name)) for name in names) for row in bindings)


def _compare(
    kg: actorgraph.KnowledgeGraph,
    endpoint: str,
    name: str,
    with_params: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    params = _example_params(name) if with_params else {}
    if with_params and not params:
        pytest.skip(f"{name} has no parameter")
    argv = ["query", "--saved", name, "--endpoint", endpoint, "--format", "json"]
    for param, value in params.items():
        argv += ["--param", f"{param}={value}"]
    capsys.readouterr()
    assert main(argv) == 0
    theirs = json.loads(capsys.readouterr().out)
    ours = json.loads(kg.query(read_saved_query(name).text, params=params).serialize("json"))
    assert _rows(theirs) == _rows(ours), f"{name}: Virtuoso and the local store disagree"


def _cases() -> list[object]:
    cases = []
    for name in _NAMES:
        for with_params in (False, True):
            marks = []
            reason = VIRTUOSO_DIFFERS.get((name, with_params))
            if reason is not None:
                # A difference the row cap makes is not run: it cannot pass whatever the query
                # does, comparing 70,000-row answers took 135 s (bundled) and 267 s (UCDP), and
                # test_an_answer_cut_at_virtuosos_row_cap_is_reported checks the cap itself.
                run = (name, with_params) not in CUT_AT_THE_ROW_CAP
                marks.append(pytest.mark.xfail(reason=reason, strict=True, run=run))
            label = f"{name}-{'examples' if with_params else 'unbound'}"
            cases.append(pytest.param(name, with_params, marks=marks, id=label))
    return cases


@pytest.mark.parametrize(("name", "with_params"), _cases())
def test_saved_query_on_the_bundled_data_agrees_with_the_local_store(
    loaded: Loaded,
    bundled: actorgraph.KnowledgeGraph,
    name: str,
    with_params: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    loaded.ensure("bundled")
    _compare(bundled, f"{loaded.server.base}/sparql", name, with_params, capsys)


def test_an_answer_cut_at_virtuosos_row_cap_is_reported(
    loaded: Loaded, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded.ensure("bundled")
    endpoint = f"{loaded.server.base}/sparql"
    assert main(["query", "--saved", "entity-profile", "--endpoint", endpoint, "--format", "json"]) == 0  # fmt: skip
    captured = capsys.readouterr()
    assert len(json.loads(captured.out)["results"]["bindings"]) == 10_000
    assert "ResultSetMaxRows=10000" in captured.err


def test_graph_store_push_of_an_imported_store(
    loaded: Loaded, ucdp: actorgraph.KnowledgeGraph, capsys: pytest.CaptureFixture[str]
) -> None:
    loaded.state = None  # push again, and read what push says
    capsys.readouterr()
    loaded.ensure("ucdp")
    captured = capsys.readouterr()
    assert "pushed agg:import/ucdp/" in captured.out
    # The check's sample of agg:ontology is a language-tagged literal: Virtuoso 7.2 once hid it.
    assert "in its default graph too" in captured.err
    assert "warning" not in captured.err
    assert _counts_at(f"{loaded.server.base}/sparql", capsys) == _local_counts(ucdp)


@pytest.mark.parametrize(("name", "with_params"), _cases())
def test_saved_query_on_an_imported_ucdp_store_agrees_with_the_local_store(
    loaded: Loaded,
    ucdp: actorgraph.KnowledgeGraph,
    name: str,
    with_params: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    loaded.ensure("ucdp")
    _compare(ucdp, f"{loaded.server.base}/sparql", name, with_params, capsys)
