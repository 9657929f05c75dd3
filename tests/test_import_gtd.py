"""GTD import from a hand-written, synthetic fixture in GTD's CSV format (latin-1; no real rows).

The fixture's tricky rows: iday 0, imonth 0, -9/-99 and blank counts, latin-1 names, an unknown
group, "Unknown" as group, formula-injection text, an impossible date and a count that is no number.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pytest

import actorgraph
from actorgraph.importers import ImportReport, import_file

GTD = Path(__file__).parent / "fixtures" / "gtd_sample.csv"


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


@pytest.fixture(scope="module")
def report(kg: actorgraph.KnowledgeGraph) -> ImportReport:
    return import_file(kg, "gtd", GTD)


def _values(kg: actorgraph.KnowledgeGraph, subject: str, prop: str) -> set[str]:
    return {str(r[0]) for r in kg.query(f"SELECT ?o WHERE {{ {subject} {prop} ?o }}")}


@pytest.mark.slow
def test_counts_and_rejections(report: ImportReport) -> None:
    assert report.flavour == "CSV"
    assert (report.rows_read, report.events_created) == (8, 5)
    rejected = {(i.line, i.reason, i.column) for i in report.rejected}
    assert rejected == {
        (7, "invalid id", "eventid"),
        (8, "invalid date", "iday"),
        (9, "invalid count", "nkill"),
    }
    assert report.committed


def test_day_zero_gives_a_month_and_month_zero_a_year(
    kg: actorgraph.KnowledgeGraph, report: ImportReport
) -> None:
    rows = kg.query(
        """SELECT ?e ?d (DATATYPE(?d) AS ?t) ?early ?late WHERE {
             VALUES ?e { agd:gtd-201502009002 agd:gtd-201500009003 agd:gtd-201501019001 }
             ?e ag:date ?d ; ag:earliestDate ?early ; ag:latestDate ?late }"""
    )
    got = {
        str(r[0]).rsplit("-", 1)[-1]: tuple(str(x).rsplit("#", 1)[-1] for x in r[1:]) for r in rows
    }
    assert got == {
        "201502009002": ("2015-02", "gYearMonth", "2015-02-01", "2015-02-28"),
        "201500009003": ("2015", "gYear", "2015-01-01", "2015-12-31"),
        "201501019001": ("2015-01-01", "date", "2015-01-01", "2015-01-01"),
    }


def test_unknown_counts_stay_absent_never_zero(
    kg: actorgraph.KnowledgeGraph, report: ImportReport
) -> None:
    # -9 nkill and -99 nwound
    assert _values(kg, "agd:gtd-201502009002", "ag:killed") == set()
    assert _values(kg, "agd:gtd-201502009002", "ag:injured") == set()
    # blank nkill, nwound 0
    assert _values(kg, "agd:gtd-201500009003", "ag:killed") == set()
    assert _values(kg, "agd:gtd-201500009003", "ag:injured") == {"0"}
    assert _values(kg, "agd:gtd-201501019001", "ag:killed") == {"5"}
    assert _values(kg, "agd:gtd-201501019001", "ag:injured") == {"10"}
    assert _values(kg, "agd:gtd-201501019001", "ag:militantDeaths") == {"1"}


def test_perpetrators_claims_and_unknown_group(
    kg: actorgraph.KnowledgeGraph, report: ImportReport
) -> None:
    ttp = "https://w3id.org/actorgraph/data/ttp"
    assert _values(kg, "agd:gtd-201501019001", "ag:attributedTo") == {ttp}
    assert _values(kg, "agd:gtd-201501019001", "ag:claimedBy") == {ttp}
    # "Unknown" is no actor, and not an unresolved name.
    assert _values(kg, "agd:gtd-201500009003", "ag:attributedTo") == set()
    assert "Unknown" not in report.unresolved
    # gname2 with claim2 = 1
    assert _values(kg, "agd:gtd-201503039004", "ag:claimedBy") == {ttp}
    # target types are categories, never provisional actors
    assert "Police" not in report.unresolved
    assert not kg.query('ASK { ?a ag:provisional true ; rdfs:label "Police"@en }')


def test_latin1_names_and_unknown_group_become_provisional(
    kg: actorgraph.KnowledgeGraph, report: ImportReport
) -> None:
    assert report.unresolved["Front de Libération Synthétique"] == 1
    actor = "agd:gtd-actor-front-de-liberation-synthetique"
    assert kg.query(
        f"ASK {{ {actor} a ag:Actor ; ag:provisional true ; prov:wasDerivedFrom ags:gtd ; "
        f'rdfs:label "Front de Libération Synthétique"@en . agd:gtd-201503039004 ag:attributedTo {actor} }}'
    )
    assert kg.query('ASK { agd:gtd-201503039004 ag:place/rdfs:label "Kohât"@en }')


def test_uncertain_attribution_is_a_statement_flagged_uncertain(
    kg: actorgraph.KnowledgeGraph, report: ImportReport
) -> None:
    rows = kg.query(
        """SELECT ?e ?actor WHERE { ?st rdf:subject ?e ; rdf:predicate ag:attributedTo ;
             rdf:object ?actor ; ag:uncertain true ; prov:wasDerivedFrom ags:gtd ;
             ag:claimText ?text ; ag:rank ag:NormalRank . ?e ag:attributedTo ?actor }"""
    )
    got = {(str(r[0]).rsplit("-", 1)[-1], str(r[1]).rsplit("/", 1)[-1]) for r in rows}
    iskp = kg.names.lookup("Khorasan Chapter of the Islamic State")
    expected_iskp = (
        "iskp" if iskp == {"agd:iskp"} else "gtd-actor-khorasan-chapter-of-the-islamic-state"
    )
    assert got == {("201502009002", expected_iskp), ("201503039004", "ttp")}


def test_uncertain_statement_ids_follow_the_curated_rule() -> None:
    from rdflib import URIRef

    from actorgraph.curation._model import statement_id
    from actorgraph.importers._ntriples import statement_iri

    s, p, o, src = (
        "https://w3id.org/actorgraph/data/gtd-1",
        "https://w3id.org/actorgraph/ontology#attributedTo",
        "https://w3id.org/actorgraph/data/ttp",
        "https://w3id.org/actorgraph/source/gtd",
    )
    assert statement_iri(s, p, o, src) == str(
        statement_id(URIRef(s), URIRef(p), URIRef(o), URIRef(src))
    )


def test_dataset_source_node(kg: actorgraph.KnowledgeGraph, report: ImportReport) -> None:
    assert kg.query(
        "ASK { ags:gtd a ag:Source ; dcterms:title ?t ; dcterms:creator ?c ; dcterms:publisher ?p ; "
        "dcterms:license ?l }"
    )


def test_csv_report_neutralises_formulas(report: ImportReport, tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    report.write(path)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c and c[0] in "=+-@"]
    records = {row["record"] for row in rows}
    assert "'=1+1" in records
    assert "'@SUM(1+1)" in records
    assert {row["line"] for row in rows if row["kind"] == "rejected"} == {"7", "8", "9"}
    # JSON keeps the values as they are (no spreadsheet).
    json_path = tmp_path / "report.json"
    report.write(json_path)
    data = json.loads(json_path.read_text("utf-8"))
    assert {i["record"] for i in data["issues"]} >= {"=1+1"}
    assert data["rejected_by_reason"] == {"invalid count": 1, "invalid date": 1, "invalid id": 1}


def test_report_policy_leaves_unknown_names_out(tmp_path: Path) -> None:
    kg = actorgraph.load()
    report = import_file(kg, "gtd", GTD, unresolved="report")
    assert report.unresolved["Front de Libération Synthétique"] == 1
    assert report.provisional_actors == 0
    assert not kg.query("ASK { ?a ag:provisional true }")
    assert _values(kg, "agd:gtd-201503039004", "ag:attributedTo") == {
        "https://w3id.org/actorgraph/data/ttp"
    }


def test_wrong_encoding_is_a_data_error(tmp_path: Path) -> None:
    kg = actorgraph.load()
    with pytest.raises(actorgraph.DataError) as info:
        import_file(kg, "gtd", GTD, encoding="utf-8")
    assert info.value.path == str(GTD)
    assert info.value.line == 5
    assert "--encoding" in str(info.value)


def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    book = tmp_path / "gtd.xlsx"
    book.write_bytes(b"PK\x03\x04")
    with pytest.raises(actorgraph.UsageError, match=r"actorgraph\[xlsx\]"):
        import_file(actorgraph.load(), "gtd", book)


@pytest.mark.slow
def test_xlsx_export_imports_like_the_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="the xlsx extra (openpyxl) is not installed")
    book = openpyxl.Workbook()
    sheet = book.active
    with GTD.open(newline="", encoding="latin-1") as handle:
        for row in csv.reader(handle):
            sheet.append([int(c) if c.isdigit() and len(c) < 15 else c for c in row])
    path = tmp_path / "gtd.xlsx"
    book.save(path)
    kg = actorgraph.load()
    report = import_file(kg, "gtd", path)
    assert (report.rows_read, report.events_created, len(report.rejected)) == (8, 5, 3)
    assert report.path == str(path)
    assert report.graph.endswith(
        "/gtd/" + __import__("hashlib").sha256(path.read_bytes()).hexdigest()[:16]
    )
    assert kg.query(
        'ASK { agd:gtd-201503039004 ag:place/rdfs:label "Kohât"@en ; ag:claimedBy agd:ttp }'
    )
