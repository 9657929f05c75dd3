"""Hostile or broken input files get a precise error and change nothing (issue 20, items 11 and 12):
numbers too long for Python's int conversion, a FIFO that would bypass the size limit, duplicated
columns, impossible estimates and times, counts far beyond any recorded event."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import actorgraph
from actorgraph.importers import import_file

_HEADER = "id,type_of_violence,side_a,side_b,date_start,date_end,best,low,high\n"
_ROW = "{id},1,TTP,Government of Pakistan,{start},2014-01-01,{best},{low},{high}\n"


def _ucdp(tmp_path: Path, *rows: dict[str, object], header: str = _HEADER) -> Path:
    path = tmp_path / "ged.csv"
    path.write_text(header + "".join(_ROW.format(**row) for row in rows), encoding="utf-8")
    return path


def _row(**overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": 1, "start": "2014-01-01", "best": 5, "low": 4, "high": 6,
    }  # fmt: skip
    row.update(overrides)
    return row


@pytest.fixture
def kg(bundled_store: Path) -> Iterator[actorgraph.KnowledgeGraph]:
    graph = actorgraph.load(store=str(bundled_store))
    yield graph
    graph.close()


@pytest.mark.slow
def test_a_5000_digit_number_in_a_yaml_claim_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(
        "claims:\n  - subject: agd:ttp\n    property: ag:killed\n"
        f"    object: {'9' * 5000}\n    source: ags:x\n    claim: c\n",
        encoding="utf-8",
    )
    with pytest.raises(actorgraph.DataError, match="5,000 digits") as caught:
        actorgraph.load(data=[path])
    assert caught.value.line == 4


def test_a_fifo_cannot_bypass_the_curated_size_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with fifo.open("wb") as handle:
                chunk = b"# " + b"x" * 65_534 + b"\n"
                for _ in range(64 * 1024 * 1024 // len(chunk)):
                    handle.write(chunk)
        except BrokenPipeError:
            pass  # the reader stopped at the limit, as it should

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    with pytest.raises(actorgraph.DataError, match="larger than"):
        actorgraph.load(data=[fifo])
    writer.join(timeout=30)


@pytest.mark.slow
def test_a_duplicated_column_stops_the_import_before_any_row(
    tmp_path: Path, kg: actorgraph.KnowledgeGraph
) -> None:
    path = _ucdp(tmp_path, _row(), header=_HEADER.replace("high\n", "best\n"))
    with pytest.raises(actorgraph.DataError, match="appears twice") as caught:
        import_file(kg, "ucdp", path)
    assert caught.value.line == 1
    assert caught.value.column == 9


@pytest.mark.slow
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param(_row(best=10**20, high=10**20), "invalid count", id="count-of-1e20"),
        pytest.param(_row(best="9" * 5000), "invalid count", id="5000-digit-count"),
        pytest.param(_row(start="2023-01-01T99:99:99"), "invalid date", id="impossible-time"),
        pytest.param(_row(start="٢٠١٤-01-01"), "invalid date", id="arabic-indic-digits"),
    ],
)
def test_an_impossible_row_is_rejected_with_its_reason(
    tmp_path: Path, kg: actorgraph.KnowledgeGraph, row: dict[str, object], reason: str
) -> None:
    path = _ucdp(tmp_path, row, _row(id=2))
    report = import_file(kg, "ucdp", path)
    assert [(issue.action, issue.reason) for issue in report.issues] == [("rejected", reason)]
    assert report.events_created == 1


@pytest.mark.slow
def test_bounds_that_contradict_the_best_estimate_are_dropped_and_reported(
    tmp_path: Path, kg: actorgraph.KnowledgeGraph
) -> None:
    # low > best > high: the row keeps its best estimate and neither bound.
    path = _ucdp(tmp_path, _row(low=9, best=5, high=2))
    report = import_file(kg, "ucdp", path)
    assert sorted((i.action, i.reason, i.column) for i in report.issues) == [
        ("dropped", "inconsistent estimates", "high"),
        ("dropped", "inconsistent estimates", "low"),
    ]
    answer = kg.query(
        "SELECT ?p ?v WHERE { agd:ucdp-ged-1 ?p ?v . "
        "VALUES ?p { ag:killed ag:killedLow ag:killedHigh } }"
    )
    assert {(str(r[0]).rsplit("#", 1)[-1], int(r[1])) for r in answer} == {("killed", 5)}
