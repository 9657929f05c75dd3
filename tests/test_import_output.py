"""An import writes the same N-Triples, byte for byte, whatever is done to make it faster.

The golden digest below is the SHA-256 of the import graph's N-Triples (the graph's own
``schema:sha256`` commit marker) for the rows of :func:`write_rows`, as written by the importer
before its mapping was sped up (main at 22a6892). The rows go into a bare pyoxigraph store, so
that no curated name, place or event can change the output as the curated data grows.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from actorgraph.importers import ImportReport, import_file
from actorgraph.importers._swap import COMPLETE

COLUMNS = [
    "id", "relid", "year", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b",
    "side_a_new_id", "side_b_new_id", "where_prec", "where_coordinates", "adm_1", "adm_2",
    "latitude", "longitude", "country", "date_prec", "date_start", "date_end", "deaths_a",
    "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
]  # fmt: skip
SIDES = [
    "Government of Pakistan", "TTP", "Civilians", "BLA", "Lashkar-e-Islam", "IS",
    'A "quoted" group', "Tehreek-e-Taliban (TTP)", "Groupe armé du Nord",
]  # fmt: skip
COUNTS = ["0", "1", "2", "7", "12", "007", " 3 ", "4.0", "", "999999", "1000000"]
BAD_COUNTS = ["1000001", "-3", "٣", "2.5"]  # each row's cell is one of these once in 100
DATES = [
    ("2014-12-16 00:00:00.000", "2014-12-16 00:00:00.000"),
    ("2014-12-16T00:00:00", "2014-12-16T00:00:00"),
    ("2014-03-01", "2014-03-31"),  # a whole month
    ("2014-01-01", "2014-12-31"),  # a whole year
    ("2014-03-01", "2014-03-05"),  # a range
    ("2016-02-29", "2016-02-29"),
    ("2014-02-30", "2014-02-30"),  # no such day: rejected
    ("2014-12-16", "2014-12-01"),  # ends before it starts: rejected
    ("16/12/2014", "16/12/2014"),  # not a UCDP date: rejected
]

#: Of main at 22a6892: rows, triples of the import graph, SHA-256 of its N-Triples, SHA-256 of the
#: report's issues (rejected rows and dropped values, as JSON).
GOLDEN = (
    3000,
    36376,
    "5c282d55a55d9e22fec09db92ed2469acabf8909364865f58d205323338ddcda",
    "b2cca1a4cb4c630fa49076e56c1bca55f78ad43b65e6507d6ae566a74809bca8",
)


def write_rows(path: Path, n: int, seed: int = 5) -> None:
    """``n`` UCDP GED rows with the forms the mapper treats differently, reproducibly."""
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(n):
            a, b = rng.sample(SIDES, 2)
            violence = rng.choice("1233")
            start, end = (
                rng.choice(DATES)
                if rng.random() < 0.3
                else (
                    f"{rng.randint(1989, 2023)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                )
                * 2
            )
            counts = [rng.choice(BAD_COUNTS if rng.random() < 0.01 else COUNTS) for _ in range(7)]
            out.writerow([
                1_000 + i if rng.random() > 0.01 else 1_000,  # a few duplicate ids
                f"PAK-{i}", 2014, violence, f"{a} - {b}", f"{a} - {b}", a, b,
                rng.choice(["", str(rng.randint(100, 120))]), rng.choice(["", "205"]),
                rng.choice("12345"), rng.choice(["Mingora town", ""]),
                rng.choice(["Khyber Pakhtunkwa province", "Balochistan province", ""]),
                rng.choice(["Swat district", "Quetta district", ""]),
                rng.choice([f"{rng.uniform(24, 37):.6f}", "", "+34.5", "91.0", "34."]),
                rng.choice([f"{rng.uniform(61, 77):.6f}", "", "-.5"]),
                "Pakistan", rng.randint(1, 5), start, end, *counts,
            ])  # fmt: skip


def _issues(report: ImportReport) -> str:
    issues = [dataclasses.astuple(issue) for issue in report.issues]
    return hashlib.sha256(json.dumps(issues, ensure_ascii=False).encode()).hexdigest()


def _graph(store: ox.Store) -> tuple[int, str]:
    graph = next(g for g in store.named_graphs() if "/import/" in g.value)
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    (marker,) = store.quads_for_pattern(graph, ox.NamedNode(COMPLETE), None, graph)
    return triples, marker.object.value


@pytest.mark.slow
def test_an_import_writes_the_same_triples_as_before(tmp_path: Path) -> None:
    rows, triples, digest, issues = GOLDEN
    path = tmp_path / "ged.csv"
    write_rows(path, rows)
    store = ox.Store(str(tmp_path / "store"))
    report = import_file(store, "ucdp", path)
    assert report.rows_read == rows
    assert _graph(store) == (triples, digest)
    assert _issues(report) == issues
