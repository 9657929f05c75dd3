"""The curated-data compiler: statements, the best-rank rule, dates, and errors with file and line."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

import actorgraph
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData, statement_id
from actorgraph.curation._reader import read_curated
from actorgraph.curation._validate import validate
from actorgraph.sparql._saved import read_saved_query
from actorgraph.vocab._namespaces import AG, AGD, AGS, PROV

HEADER = """
sources:
  - id: ags:test-a
    title: Test source A
    creator: Author A
    publisher: Publisher A
  - id: ags:test-b
    title: Test source B
    creator: Author B
    publisher: Publisher B
    date: 2023-08-03
    url: https://example.org/b
  - id: ags:test-c
    title: Test source C
    creator: Author C
    publisher: Publisher C
entities:
  - id: agd:test-group
    type: ag:ArmedGroup
    label: Test Group
  - id: agd:test-attack
    type: ag:Attack
    label: Test attack
claims:
  - subject: agd:test-attack
    property: ag:date
    object: 2023-07
    source: ags:test-a
    claim: Source A dates the test attack to July 2023.
"""


def _write(tmp_path: Path, claims: str) -> Path:
    path = tmp_path / "test.yaml"
    path.write_text(HEADER + claims, encoding="utf-8")
    return path


def _toll(killed: int, source: str, rank: str) -> str:
    return f"""
  - subject: agd:test-attack
    property: ag:killed
    object: {killed}
    source: ags:{source}
    claim: Source {source[-1].upper()} gives {killed} dead.
    rank: {rank}
"""


def _direct_tolls(path: Path) -> set[int]:
    triples = compile_triples(read_curated([path]))
    return {int(o) for s, p, o in triples if s == AGD["test-attack"] and p == AG.killed}


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        pytest.param(
            [(63, "test-a", "preferred"), (54, "test-b", "normal"), (44, "test-c", "deprecated")],
            {63},
            id="preferred-wins",
        ),
        pytest.param(
            [(54, "test-b", "normal"), (44, "test-c", "deprecated")],
            {54},
            id="normal-over-deprecated",
        ),
        pytest.param([(44, "test-c", "deprecated")], set(), id="all-deprecated-no-direct-triple"),
        pytest.param(
            [(141, "test-a", "normal"), (149, "test-b", "normal")],
            {141, 149},
            id="equal-ranks-all-direct",
        ),
    ],
)
def test_direct_triples_follow_the_best_rank_rule(
    tmp_path: Path, claims: list[tuple[int, str, str]], expected: set[int]
) -> None:
    path = _write(tmp_path, "".join(_toll(*c) for c in claims))
    assert _direct_tolls(path) == expected


def test_every_claim_becomes_a_statement_with_its_source_and_rank(tmp_path: Path) -> None:
    path = _write(tmp_path, _toll(63, "test-b", "preferred"))
    triples = set(compile_triples(read_curated([path])))
    st = statement_id(
        AGD["test-attack"], AG.killed, Literal(63, datatype=XSD.integer), AGS["test-b"]
    )
    assert (st, RDF.type, RDF.Statement) in triples
    assert (st, PROV.wasDerivedFrom, AGS["test-b"]) in triples
    assert (st, AG.rank, AG.PreferredRank) in triples
    assert (st, AG.claimText, Literal("Source B gives 63 dead.", lang="en")) in triples


def test_statement_names_are_stable_so_loading_twice_never_duplicates(tmp_path: Path) -> None:
    path = _write(tmp_path, _toll(63, "test-b", "preferred"))
    first = compile_triples(read_curated([path]))
    second = compile_triples(read_curated([path]))
    assert first == second


def test_a_dates_precision_gives_its_interval(tmp_path: Path) -> None:
    triples = set(compile_triples(read_curated([_write(tmp_path, "")])))
    attack = AGD["test-attack"]
    assert (attack, AG.date, Literal("2023-07", datatype=XSD.gYearMonth)) in triples
    assert (attack, AG.earliestDate, Literal("2023-07-01", datatype=XSD.date)) in triples
    assert (attack, AG.latestDate, Literal("2023-07-31", datatype=XSD.date)) in triples


SINGLE_SOURCE_CLAIMS = """
  - subject: agd:test-group
    property: ag:foundingDate
    object: 2007-12
    source: ags:test-a
    claim: Source A dates the group's founding to December 2007.
  - subject: agd:test-group
    property: ag:foundingDate
    object: 2007-12-13
    source: ags:test-b
    claim: Source B dates the group's founding to 13 December 2007.
  - subject: agd:test-attack
    property: ag:killed
    object: 63
    source: ags:test-a
    claim: Source A gives 63 dead.
  - subject: agd:test-attack
    property: ag:killed
    object: 63
    source: ags:test-b
    claim: Source B gives 63 dead.
  - subject: agd:test-attack
    property: ag:injured
    object: 10
    source: ags:test-c
    claim: Source C gives 10 injured.
"""


def test_a_key_fact_that_one_source_alone_gives_is_marked_single_source(tmp_path: Path) -> None:
    triples = compile_triples(read_curated([_write(tmp_path, SINGLE_SOURCE_CLAIMS)]))
    marked = {s for s, p, o in triples if p == AG.singleSource and o == Literal(True)}
    subjects = {s: o for s, p, o in triples if p == RDF.object}
    sources = {s: o for s, p, o in triples if p == PROV.wasDerivedFrom}
    assert {(str(subjects[st]), sources[st]) for st in marked} == {
        # the day: B alone (A's month does not give the day) ...
        ("2007-12-13", AGS["test-b"]),
        # ... and the one toll only C gives
        ("10", AGS["test-c"]),
    }
    # not marked: A's "December 2007" (B's day falls within it), the 63 dead both give, and
    # the attack's date (no key fact), which one source gives too.


def test_the_saved_query_lists_the_facts_that_rest_on_one_source(tmp_path: Path) -> None:
    path = _write(tmp_path, SINGLE_SOURCE_CLAIMS)
    kg = actorgraph.load(data=[path])
    text = read_saved_query("single-source-facts").text
    rows = kg.query(text, params={"subject": "agd:test-attack"})
    assert [(str(r.property).rsplit("#", 1)[1], str(r.value), r.source) for r in rows] == [
        ("injured", "10", AGS["test-c"])
    ]


def test_sources_carry_title_creator_publisher_date_and_url(tmp_path: Path) -> None:
    triples = set(compile_triples(read_curated([_write(tmp_path, "")])))
    from rdflib.namespace import DCTERMS

    from actorgraph.vocab._namespaces import SCHEMA

    b = AGS["test-b"]
    assert (b, DCTERMS.title, Literal("Test source B")) in triples
    assert (b, DCTERMS.date, Literal("2023-08-03", datatype=XSD.date)) in triples
    assert (b, SCHEMA.url, URIRef("https://example.org/b")) in triples


@pytest.mark.parametrize(
    ("claims", "key", "field", "message"),
    [
        pytest.param(
            _toll(-3, "test-a", "normal"),
            "object",
            "object",
            "cannot be negative",
            id="negative-toll",
        ),
        pytest.param(
            _toll(63, "test-a", "best"), "rank", "rank", "is not a rank", id="unknown-rank"
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:date\n    object: 2014-02-30\n"
            "    source: ags:test-a\n    claim: x\n",
            "object",
            "object",
            "has day 30",
            id="impossible-date",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:date\n    object: 2014-13\n"
            "    source: ags:test-a\n    claim: x\n",
            "object",
            "object",
            "month 13",
            id="month-13",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:killed\n    object: many\n"
            "    source: ags:test-a\n    claim: x\n",
            "object",
            "object",
            "whole number",
            id="non-numeric-toll",
        ),
        pytest.param(
            "\n  - subject: agd:nobody\n    property: ag:killed\n    object: 3\n"
            "    source: ags:test-a\n    claim: x\n",
            "subject",
            "subject",
            "not declared",
            id="unknown-subject",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:killed\n    object: 3\n"
            "    source: ags:nowhere\n    claim: x\n",
            "source",
            "source",
            "not declared",
            id="unknown-source",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:colour\n    object: 3\n"
            "    source: ags:test-a\n    claim: x\n",
            "property",
            "property",
            "not a property",
            id="unknown-property",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:killed\n    object: 3\n"
            "    source: ags:test-a\n    claim: x\n    pinpoint: {start: 9, end: 3, sha256: abc}\n",
            "pinpoint",
            "pinpoint",
            "must come before",
            id="pinpoint-backwards",
        ),
        pytest.param(
            "\n  - subject: agd:test-attack\n    property: ag:killed\n    object: 3\n"
            "    source: ags:test-a\n    claim: x\n    source: ags:test-b\n",
            "source",
            None,
            "duplicate key",
            id="duplicate-key",
        ),
    ],
)
def test_bad_records_are_reported_with_file_line_and_field(
    tmp_path: Path, claims: str, key: str, field: str | None, message: str
) -> None:
    path = _write(tmp_path, claims)
    lines = path.read_text(encoding="utf-8").splitlines()
    line = max(i for i, text in enumerate(lines, 1) if text.lstrip(" -").startswith(f"{key}:"))
    with pytest.raises(actorgraph.DataError) as info:
        read_curated([path])
    error = info.value
    assert error.path == str(path)
    assert error.line == line
    assert error.field == field
    assert message in str(error)


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, _toll(-3, "test-a", "normal") + _toll(5, "test-b", "best"))
    with pytest.raises(actorgraph.DataErrors) as info:
        read_curated([path])
    assert len(info.value.errors) == 2


def test_latin1_file_is_refused_with_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(
        "entities:\n  - id: agd:x\n    type: ag:Person\n    label: Jos\xe9\n".encode("latin-1")
    )
    with pytest.raises(actorgraph.DataError, match="not UTF-8") as info:
        read_curated([path])
    assert info.value.line == 4


def test_a_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(read_curated([path]).claims) == 1


def test_an_entity_with_two_labels_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    path.write_text("entities:\n  - id: agd:x\n    type: ag:Person\n    label: [A, B]\n")
    with pytest.raises(actorgraph.DataError, match="exactly one English label"):
        read_curated([path])


def test_a_huge_field_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        "entities:\n  - id: agd:x\n    type: ag:Person\n    label: " + "a" * 20_000 + "\n"
    )
    with pytest.raises(actorgraph.DataError, match="at most 10,000"):
        read_curated([path])


@pytest.fixture(scope="module")
def bundled() -> CuratedData:
    """The bundled data read once for the tests below, which only look at it (1.5 s of CPU a read)."""
    return read_curated()


@pytest.mark.slow
def test_the_bundled_data_reads_and_compiles(bundled: CuratedData) -> None:
    assert bundled.claims
    assert compile_triples(bundled)


@pytest.mark.slow
def test_every_bundled_claim_says_where_in_its_source_the_fact_stands(
    bundled: CuratedData,
) -> None:
    data = bundled
    unplaced = [
        f"{claim.path}:{claim.line}"
        for claim in data.claims
        if claim.char_start is None and claim.fact is None and claim.locator is None
    ]
    assert unplaced == []


@pytest.mark.slow
def test_every_bundled_source_has_a_url(bundled: CuratedData) -> None:
    """A reader can open every source a bundled claim cites (issue 19: no statement without one)."""
    data = bundled
    cited = {claim.source for claim in data.claims}
    without = sorted(
        f"{source.path}:{source.line} {source.iri}"
        for source in data.sources.values()
        if not source.url and source.iri in cited
    )
    assert without == []


def test_a_locator_becomes_the_statements_ag_locator(tmp_path: Path) -> None:
    path = tmp_path / "located.yaml"
    path.write_text(
        "sources:\n  - id: ags:web\n    title: T\n    creator: C\n    publisher: P\n"
        "    url: https://example.org/t\n"
        "entities:\n  - id: agd:g\n    type: ag:ArmedGroup\n    label: G\n"
        "claims:\n  - subject: agd:g\n    property: ag:foundingDate\n    object: '2001'\n"
        "    source: ags:web\n    claim: The page dates the group's founding to 2001.\n"
        "    locator: para. 2\n"
    )
    triples = set(compile_triples(read_curated([path])))
    assert any(p == AG.locator and o == Literal("para. 2") for _, p, o in triples)


def test_an_alias_after_valid_records_is_refused_where_it_stands(tmp_path: Path) -> None:
    """libyaml reads the file; an alias still gets the pure-Python reader's message and place."""
    path = _write(tmp_path, "  - &toll\n    subject: agd:test-attack\n  - *toll\n")
    line = path.read_text(encoding="utf-8").splitlines().index("  - *toll") + 1
    with pytest.raises(actorgraph.DataError, match=r"the alias \*toll is not allowed") as info:
        read_curated([path])
    assert (info.value.line, info.value.column) == (line, 5)


def test_lines_are_those_of_the_file_however_it_is_read(tmp_path: Path) -> None:
    """Records and their keys keep their lines in plain files and in files with a rare line break
    (U+2028 in a quoted value, which only the pure-Python reader reads)."""
    plain = _write(tmp_path, _toll(-3, "test-a", "normal"))
    (tmp_path / "rare").mkdir()
    rare = _write(tmp_path / "rare", _toll(-3, "test-a", "normal"))
    rare.write_text(rare.read_text(encoding="utf-8").replace("Test Group", '"Test\u2028Group"'))
    for path in (plain, rare):
        # str.splitlines breaks at U+2028 as YAML 1.1 does
        lines = path.read_text(encoding="utf-8").splitlines()
        line = max(i for i, text in enumerate(lines, 1) if text.lstrip(" -").startswith("object:"))
        with pytest.raises(actorgraph.DataError) as info:
            read_curated([path])
        assert (info.value.line, info.value.field) == (line, "object"), path


def test_a_file_nested_deeper_than_any_record_is_read_as_before(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("entities: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    with pytest.raises(actorgraph.DataError):
        read_curated([path])


def test_an_alias_to_a_text_value_is_refused_where_it_stands(tmp_path: Path) -> None:
    """Plain text is read by a shorter path than other values; an alias to it is still noticed."""
    path = _write(
        tmp_path,
        "  - subject: agd:test-attack\n    property: ag:date\n    object: &when 2023-07\n"
        "    source: ags:test-b\n    claim: Source B dates the test attack to July 2023.\n"
        "    start: *when\n",
    )
    line = path.read_text(encoding="utf-8").splitlines().index("    start: *when") + 1
    with pytest.raises(actorgraph.DataError, match=r"the alias \*when is not allowed") as info:
        read_curated([path])
    assert (info.value.line, info.value.column) == (line, 12)


@pytest.mark.slow
def test_validate_leaves_the_collector_as_the_program_set_it() -> None:
    # Validation pauses the cyclic collector while it reads and compiles (it would only rescan the
    # new records): the program finds it enabled, or disabled, as it left it.
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert validate() == []
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        assert validate() == []
        assert not gc.isenabled()
    finally:
        gc.enable()
