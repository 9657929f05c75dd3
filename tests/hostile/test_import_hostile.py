"""Hostile event-data files through ``actorgraph import``: a bad file changes nothing.

A file that cannot be read (malformed CSV, the wrong encoding, a missing column, a 100 MB field, a
binary file) exits with 3 and one line naming the file, line and column, and leaves the store, the
data file and an earlier report file byte-identical. Bad rows in a readable file are rejected one by
one (exit 0, or 7 and nothing written under ``--strict``), each listed in the report with its line;
the CSV report neutralises spreadsheet formulas while SPARQL CSV stays exactly the W3C format.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest
from _hostile import CSV, assert_clean_failure, fingerprint, run_cli, store_state

from _stores import copy_store

#: Every test runs the command line and reads the store back in processes of their own (1-2 s of
#: CPU each): the slow set.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, bundled_store_template: Path) -> Path:
    """A store that already holds one import, which every failed import must leave as it was."""
    path = copy_store(bundled_store_template, tmp_path_factory.mktemp("import-store") / "kg")
    run = run_cli("import", "ucdp", CSV / "ucdp_good.csv", "--store", path, "--quiet")
    assert run.code == 0, run.stderr
    return path


@pytest.fixture(scope="module")
def state(store: Path) -> dict[str, object]:
    return store_state(store)


def _huge_field(path: Path) -> Path:
    header = (CSV / "ucdp_good.csv").read_bytes().split(b"\n")[0]
    with path.open("wb") as handle:
        handle.write(
            header + b"\n900001,2014,3,TTP,Civilians,Pakistan,Sindh,2014-12-16,2014-12-16,5,5,"
        )
        handle.write(b"x" * (100 * 1024 * 1024))
        handle.write(b"\n")
    return path


def _binary(path: Path) -> Path:
    path.write_bytes(gzip.compress((CSV / "ucdp_good.csv").read_bytes()))
    return path


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(("ucdp_unclosed_quote.csv", 3, None, "malformed CSV"), id="unclosed-quote"),
        pytest.param(("ucdp_latin1.csv", 3, None, "not utf-8-sig text"), id="latin1-as-utf8"),
        pytest.param(("ucdp_missing_column.csv", 1, "best", "lacks the required column"), id="missing-column"),
        pytest.param((_huge_field, 2, None, "field larger than field limit"), id="100-mb-field"),
        pytest.param((_binary, 1, None, ""), id="gzip-bytes"),
        pytest.param((_empty, 1, None, "the file is empty"), id="empty-file"),
    ],
)  # fmt: skip
def test_an_unreadable_file_exits_3_and_changes_nothing(
    store: Path,
    state: dict[str, object],
    tmp_path: Path,
    case: tuple[object, int, str | None, str],
) -> None:
    make, line, field, fragment = case
    data = CSV / make if isinstance(make, str) else make(tmp_path / "hostile.csv")  # type: ignore[operator]
    report = tmp_path / "report.csv"
    report.write_bytes(b"an earlier report the user wants to keep\n")
    before = fingerprint(data, report)
    run = run_cli("import", "ucdp", data, "--store", store, "--report", report, "--quiet")
    assert_clean_failure(run, 3)
    (error,) = run.error_lines
    assert error.startswith(f"actorgraph: error: {data}:{line}"), error
    if field is not None:
        assert f": {field}: " in error, error
    assert fragment in error
    assert fingerprint(data, report) == before
    assert store_state(store) == state


def test_bad_rows_under_strict_exit_7_and_write_nothing_but_the_report(
    store: Path, state: dict[str, object], tmp_path: Path
) -> None:
    report = tmp_path / "rejected.csv"
    run = run_cli(
        "import", "ucdp", CSV / "ucdp_bad_rows.csv", "--store", store, "--strict",
        "--report", report, "--quiet",
    )  # fmt: skip
    assert_clean_failure(run, 7)
    assert "nothing was imported" in run.error_lines[0]
    assert store_state(store) == state
    rows = list(csv.DictReader(io.StringIO(report.read_text("utf-8"))))
    rejected = {(r["line"], r["column"], r["reason"]) for r in rows if r["kind"] == "rejected"}
    assert rejected == {
        ("3", "date_start", "invalid date"),  # 2014-02-30
        ("4", "date_start", "invalid date"),  # month 13
        ("5", "date_start", "invalid date"),  # day 0
        ("6", "best", "invalid count"),  # -5
        ("7", "best", "invalid count"),  # many
        ("8", "id", "duplicate id"),
        ("9", "", "wrong number of fields"),
        ("11", "id", "invalid id"),  # =1+1
    }


@pytest.fixture(scope="module")
def bad_rows(
    tmp_path_factory: pytest.TempPathFactory, bundled_store_template: Path
) -> tuple[Path, Path]:
    """A fresh store into which ucdp_bad_rows.csv was imported, and the CSV report."""
    tmp = tmp_path_factory.mktemp("bad-rows")
    store, report = copy_store(bundled_store_template, tmp / "kg"), tmp / "rejected.csv"
    run = run_cli(
        "import", "ucdp", CSV / "ucdp_bad_rows.csv", "--store", store, "--report", report, "--quiet"
    )
    assert run.code == 0, run.stderr
    assert "Traceback" not in run.stderr
    return store, report


def test_bad_rows_are_rejected_one_by_one_and_the_good_ones_imported(
    bad_rows: tuple[Path, Path],
) -> None:
    query = (
        "SELECT ?r WHERE { ?e prov:wasDerivedFrom ags:ucdp-ged ; ag:sourceRecord ?r } ORDER BY ?r"
    )
    run = run_cli("query", "--store", bad_rows[0], "--format", "csv", query)
    assert run.stdout.split() == ["r", "900001", "900016"]


FORMULA = '=HYPERLINK("http://attacker.example/","click")'


def test_formulas_are_neutralised_in_the_csv_report(bad_rows: tuple[Path, Path]) -> None:
    cells = [
        cell for row in csv.reader(io.StringIO(bad_rows[1].read_text("utf-8"))) for cell in row
    ]
    assert "'" + FORMULA in cells
    assert "'=1+1" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_sparql_csv_and_tsv_stay_exactly_w3c(bad_rows: tuple[Path, Path]) -> None:
    # The W3C formats, byte for byte: no escaping beyond their own quoting.
    query = "SELECT ?l WHERE { ?a ag:provisional true ; rdfs:label ?l }"
    run = run_cli("query", "--store", bad_rows[0], "--format", "csv", query)
    assert run.stdout.encode() == b'l\r\n"=HYPERLINK(""http://attacker.example/"",""click"")"\r\n'
    run = run_cli("query", "--store", bad_rows[0], "--format", "tsv", query)
    assert run.stdout == '?l\n"=HYPERLINK(\\"http://attacker.example/\\",\\"click\\")"@en\n'


def test_the_json_report_keeps_names_as_they_are(tmp_path: Path, bundled_store: Path) -> None:
    # JSON is data, not a spreadsheet.
    report = tmp_path / "rejected.json"
    run = run_cli(
        "import", "ucdp", CSV / "ucdp_bad_rows.csv", "--store", bundled_store, "--report", report,
        "--quiet", "--unresolved", "report",
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert FORMULA in json.loads(report.read_text("utf-8"))["unresolved"]


def test_a_utf8_bom_before_the_header_is_accepted(bundled_store: Path) -> None:
    run = run_cli("import", "ucdp", CSV / "ucdp_bom.csv", "--store", bundled_store, "--quiet")
    assert run.code == 0, run.stderr
    assert "events created: 2" in run.stderr
