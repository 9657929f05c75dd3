"""ACLED import from hand-written, synthetic fixtures (no real rows): current and legacy exports."""

from __future__ import annotations

from pathlib import Path

import pytest

import actorgraph
from actorgraph.importers import ImportReport, import_file

FIXTURES = Path(__file__).parent / "fixtures"
TTP = "https://w3id.org/actorgraph/data/ttp"
PAKISTAN = "https://w3id.org/actorgraph/data/pakistan"


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.fixture(scope="module")
def current(kg: actorgraph.KnowledgeGraph) -> ImportReport:
    return import_file(kg, "acled", FIXTURES / "acled_current.csv")


@pytest.fixture(scope="module")
def legacy(kg: actorgraph.KnowledgeGraph) -> ImportReport:
    return import_file(kg, "acled", FIXTURES / "acled_legacy.csv")


def _values(kg: actorgraph.KnowledgeGraph, subject: str, prop: str) -> set[str]:
    return {str(r[0]) for r in kg.query(f"SELECT ?o WHERE {{ {subject} {prop} ?o }}")}


def test_current_export(kg: actorgraph.KnowledgeGraph, current: ImportReport) -> None:
    assert current.flavour == "current"
    assert (current.rows_read, current.events_created) == (7, 5)
    assert {(i.line, i.reason) for i in current.rejected} == {
        (7, "invalid date"),
        (8, "invalid id"),
    }


def test_acronym_colon_name_form_resolves(
    kg: actorgraph.KnowledgeGraph, current: ImportReport
) -> None:
    assert "TTP: Tehrik-i-Taliban Pakistan" not in current.unresolved
    assert kg.query(
        "ASK { agd:acled-pak90001 a ag:Attack ; ag:attributedTo agd:ttp ; ag:participant agd:ttp }"
    )
    assert _values(kg, "agd:acled-pak90001", "ag:killed") == {"7"}
    assert _values(kg, "agd:acled-pak90001", "ag:date") == {"2019-03-04"}
    assert _values(kg, "agd:acled-pak90001", "ag:sourceRecord") == {"PAK90001"}
    assert _values(kg, "agd:acled-pak90001", "prov:wasDerivedFrom") == {
        "https://w3id.org/actorgraph/source/acled"
    }


def test_battle_is_an_event_and_forces_of_x_are_the_state(
    kg: actorgraph.KnowledgeGraph, current: ImportReport
) -> None:
    assert _values(kg, "agd:acled-pak90002", "rdf:type") == {
        "https://w3id.org/actorgraph/ontology#Event"
    }
    assert _values(kg, "agd:acled-pak90002", "ag:participant") == {TTP, PAKISTAN}
    assert _values(kg, "agd:acled-pak90002", "ag:attributedTo") == set()
    # "4 March 2019" and ACLED's own 0 fatalities, kept
    assert _values(kg, "agd:acled-pak90002", "ag:date") == {"2019-03-04"}
    assert _values(kg, "agd:acled-pak90002", "ag:killed") == {"0"}


def test_month_precision_and_blank_fatalities(
    kg: actorgraph.KnowledgeGraph, current: ImportReport
) -> None:
    row = next(
        iter(kg.query("SELECT ?d (DATATYPE(?d) AS ?t) WHERE { agd:acled-pak90003 ag:date ?d }"))
    )
    assert (str(row[0]), str(row[1]).rsplit("#", 1)[-1]) == ("2019-05", "gYearMonth")
    assert _values(kg, "agd:acled-pak90004", "ag:killed") == set()


def test_categories_and_unidentified_groups_are_not_unresolved_names(current: ImportReport) -> None:
    assert dict(current.unresolved) == {"Zz Synthetic Front": 1}
    for name in (
        "Civilians (Pakistan)",
        "Protesters (Pakistan)",
        "Unidentified Armed Group (Pakistan)",
    ):
        assert name in current.categories


def test_notes_prose_is_not_imported(kg: actorgraph.KnowledgeGraph, current: ImportReport) -> None:
    assert not kg.query('ASK { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "HYPERLINK")) }')


def test_legacy_export_reads_day_first_dates(
    kg: actorgraph.KnowledgeGraph, legacy: ImportReport
) -> None:
    assert legacy.flavour == "legacy"
    assert (legacy.rows_read, legacy.events_created) == (3, 2)
    # "12/31/2012" has month and day swapped: a legacy date is always dd/mm/yyyy.
    assert [(i.line, i.reason, i.column) for i in legacy.rejected] == [
        (4, "invalid date", "event_date")
    ]
    assert _values(kg, "agd:acled-pak80001", "ag:date") == {"2012-03-05"}
    assert kg.query("ASK { agd:acled-pak80001 a ag:Attack ; ag:attributedTo agd:ttp }")
    assert _values(kg, "agd:acled-pak80002", "ag:participant") == {TTP, PAKISTAN}
    assert _values(kg, "agd:acled-pak80002", "ag:killed") == set()
