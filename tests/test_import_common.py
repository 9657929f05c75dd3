"""What every import shares: atomicity, idempotence, --strict, malformed files, the CLI, row parsers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actorgraph
from actorgraph import UsageError
from actorgraph.cli import main
from actorgraph.importers import (
    drop_incomplete_imports,
    import_file,
    map_gtd_row,
    parse_acled_date,
    parse_gtd_date,
    parse_ucdp_date,
    replace_graph,
)
from actorgraph.importers._driver import SeenIds, run_import
from actorgraph.importers._gtd import GTD
from actorgraph.importers._ntriples import nt_escape
from actorgraph.importers._records import (
    RowError,
    count_value,
    date_range_value,
    decimal_value,
    slugify,
)
from actorgraph.store._graphs import LOADING, META_GRAPH
from actorgraph.store._replace import drop_unfinished

FIXTURES = Path(__file__).parent / "fixtures"
GTD_FILE = FIXTURES / "gtd_sample.csv"
SETTINGS = settings(deadline=None, derandomize=True, max_examples=200)


def _snapshot(store: ox.Store) -> list[str]:
    return sorted(str(q) for q in store)


# ---------------------------------------------------------------------------------------------
# Atomicity and idempotence


@pytest.mark.slow
def test_failed_import_leaves_the_store_unchanged(bundled_store: Path) -> None:
    kg = actorgraph.load(store=bundled_store)
    try:
        import_file(kg, "acled", FIXTURES / "acled_current.csv")
        before = _snapshot(kg.store)
        with pytest.raises(RuntimeError, match="testing"):
            run_import(kg, GTD, GTD_FILE, fail_after_rows=3)
        assert _snapshot(kg.store) == before
    finally:
        kg.close()


def test_failed_swap_leaves_the_old_graph_and_no_staging_graph(tmp_path: Path) -> None:
    store = ox.Store()
    graph = "https://w3id.org/actorgraph/graph/import/test/0"
    good = tmp_path / "good.nt"
    good.write_text('<http://example.org/a> <http://example.org/p> "1" .\n', "utf-8")
    replace_graph(store, graph, good)
    before = _snapshot(store)
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/b> <http://example.org/p> "2" .\nnot n-triples\n', "utf-8")
    with pytest.raises(SyntaxError):
        replace_graph(store, graph, bad)
    assert _snapshot(store) == before
    assert [g.value for g in store.named_graphs()] == [graph]


def test_failed_first_load_leaves_no_graph(tmp_path: Path) -> None:
    store = ox.Store()
    bad = tmp_path / "bad.nt"
    bad.write_text('<http://example.org/b> <http://example.org/p> "2" .\nnot n-triples\n', "utf-8")
    with pytest.raises(SyntaxError):
        replace_graph(store, "https://w3id.org/actorgraph/graph/import/test/1", bad)
    assert len(store) == 0


@pytest.mark.slow
def test_graph_left_by_a_killed_import_is_dropped_before_the_next(tmp_path: Path) -> None:
    kg = actorgraph.load()
    partial = "https://w3id.org/actorgraph/graph/import/gtd/0123456789abcdef"
    staging = "https://w3id.org/actorgraph/graph/staging/0123"
    for graph in (partial, staging):
        kg.store.add(ox.Quad(ox.NamedNode("http://example.org/half"), ox.NamedNode("http://example.org/p"),
                             ox.Literal("x"), ox.NamedNode(graph)))  # fmt: skip
    # What a load killed in place leaves: agg:meta still names the graph as loading.
    kg.store.add(
        ox.Quad(ox.NamedNode(partial), LOADING, ox.Literal("4242"), ox.NamedNode(str(META_GRAPH)))
    )
    assert sorted(drop_incomplete_imports(kg.store)) == sorted([partial, staging])
    assert not any(g.value in (partial, staging) for g in kg.store.named_graphs())
    report = import_file(kg, "gtd", GTD_FILE)
    assert report.store_change == "loaded"
    assert drop_incomplete_imports(kg.store) == []


def test_unfinished_graphs_larger_than_a_chunk_are_dropped_whole() -> None:
    # Dropped a chunk at a time (one DROP held every deletion in memory: 2.2 GiB at 1.7 million
    # quads): every chunk goes, blank nodes too, and only the unfinished graphs.
    store = ox.Store()
    partial = "https://w3id.org/actorgraph/graph/import/gtd/0123456789abcdef"
    staging = "https://w3id.org/actorgraph/graph/staging/0123"
    kept = "https://w3id.org/actorgraph/graph/import/ucdp/fedcba9876543210"
    p = ox.NamedNode("http://example.org/p")
    for i in range(10):
        store.add(ox.Quad(ox.BlankNode(f"b{i}"), p, ox.Literal(str(i)), ox.NamedNode(partial)))
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.BlankNode(), ox.NamedNode(staging)))  # fmt: skip
    store.add(ox.Quad(ox.NamedNode("http://example.org/k"), p, ox.Literal("k"), ox.NamedNode(kept)))
    store.add(
        ox.Quad(ox.NamedNode(partial), LOADING, ox.Literal("4242"), ox.NamedNode(str(META_GRAPH)))
    )
    assert drop_unfinished(store, chunk=3) == sorted([partial, staging])
    graphs = {g.value for g in store.named_graphs()}
    assert partial not in graphs and staging not in graphs
    assert [
        q.object.value for q in store.quads_for_pattern(None, None, None, ox.NamedNode(kept))
    ] == ["k"]
    assert not list(store.quads_for_pattern(None, LOADING, None, None))
    assert drop_unfinished(store, chunk=3) == []


@pytest.mark.slow
def test_reimport_is_idempotent_and_other_graphs_are_untouched(tmp_path: Path) -> None:
    kg = actorgraph.load()
    first = import_file(kg, "gtd", GTD_FILE)
    once = _snapshot(kg.store)
    second = import_file(kg, "gtd", GTD_FILE)
    assert (first.store_change, second.store_change) == ("loaded", "unchanged")
    assert second.graph == first.graph
    assert _snapshot(kg.store) == once
    graphs = kg.graphs()
    assert graphs["agg:curated"] > 0
    assert len([g for g in graphs if g.startswith("agg:import/gtd/")]) == 1


@pytest.mark.slow
def test_strict_writes_nothing_when_rows_are_rejected() -> None:
    kg = actorgraph.load()
    before = _snapshot(kg.store)
    report = import_file(kg, "gtd", GTD_FILE, strict=True)
    assert report.rejected and not report.committed
    assert _snapshot(kg.store) == before
    assert "(not written)" in report.summary()


# ---------------------------------------------------------------------------------------------
# Malformed files


def test_missing_required_column_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "gtd.csv"
    path.write_text("eventid,iyear,imonth,gname\n201501010001,2015,1,Unknown\n", "latin-1")
    with pytest.raises(actorgraph.DataError) as info:
        import_file(actorgraph.load(), "gtd", path)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), 1, "iday")
    assert "'iday'" in str(err) and "expected a header with" in str(err)
    assert err.exit_code == 3


def test_malformed_csv_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,actor1\n"
        "PAK1,2019-01-01,Battles,TTP\n"
        'PAK2,2019-01-02,"Battles"x,TTP\n',
        "utf-8",
    )
    with pytest.raises(actorgraph.DataError) as info:
        import_file(actorgraph.load(), "acled", path)
    assert info.value.line == 3


def test_ragged_rows_are_rejected_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,actor1\nPAK1,2019-01-01,Battles\n"
        "PAK2,2019-01-02,Battles,TTP\n",
        "utf-8",
    )
    report = import_file(actorgraph.load(), "acled", path)
    assert [(i.line, i.reason) for i in report.rejected] == [(2, "wrong number of fields")]
    assert report.events_created == 1


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,actor1\nPAK1,2019-01-01,Battles,TTP\n"
        "PAK1,2019-01-02,Battles,TTP\n",
        "utf-8",
    )
    report = import_file(actorgraph.load(), "acled", path)
    assert [(i.line, i.reason) for i in report.rejected] == [(3, "duplicate id")]


def test_ids_equal_as_numbers_but_not_as_text_are_different_rows(tmp_path: Path) -> None:
    # gtd-0012, gtd-12 and gtd-012 are three events; only the repeated "12" is a duplicate.
    path = tmp_path / "gtd.csv"
    rows = ["0012", "12", "012", "12", "\u0661\u0662"]
    path.write_text(
        "eventid,iyear,imonth,iday,gname\n" + "".join(f"{r},2014,1,1,Unknown\n" for r in rows),
        "utf-8",
    )
    report = import_file(actorgraph.load(), "gtd", path, encoding="utf-8")
    assert [(i.line, i.record, i.reason) for i in report.rejected] == [(5, "12", "duplicate id")]
    assert report.events_created == 4


@pytest.mark.slow
@SETTINGS
@given(
    st.lists(st.one_of(st.integers(0, 10**19), st.text("0123456789PAK", max_size=20)), max_size=300)
)
def test_seen_ids_reject_exactly_the_ids_seen_before(values: list[int | str]) -> None:
    seen = SeenIds()
    seen.RECENT = 8  # merged into sorted arrays every few ids
    seen._BITS = 4  # a tiny bitmap: most new ids collide and the arrays are searched
    seen._bitmap = bytearray(2)
    texts: set[str] = set()
    for value in values:
        text = str(value)
        assert seen.add(text) is (text not in texts)
        texts.add(text)
    assert len(seen) == len(texts)


# ---------------------------------------------------------------------------------------------
# The command line


@pytest.mark.slow
def test_cli_import_with_report_and_strict(
    bundled_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(bundled_store)
    report = tmp_path / "rejected.csv"
    code = main(
        ["import", "gtd", str(GTD_FILE), "--store", store, "--report", str(report), "--quiet"]
    )
    err = capsys.readouterr().err
    assert code == 0
    assert "rows read: 8" in err and "events created: 5" in err and "invalid date: 1" in err
    assert "'=1+1" in report.read_text("utf-8")

    code = main(["import", "acled", str(FIXTURES / "acled_current.csv"), "--store", store, "--strict",
                 "--report", str(tmp_path / "r.json"), "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 7
    assert "nothing was imported" in err
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert data["committed"] is False and len(data["issues"]) == 2

    kg = actorgraph.load(store=store)
    try:
        assert kg.query("ASK { ?e prov:wasDerivedFrom ags:gtd }")
        assert not kg.query("ASK { ?e prov:wasDerivedFrom ags:acled }")
    finally:
        kg.close()


@pytest.mark.slow
def test_cli_exit_3_for_a_missing_column(
    tmp_path: Path, bundled_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ucdp.csv"
    path.write_text("id,year,side_a,side_b\n1,2014,A,B\n", "utf-8")
    code = main(["import", "ucdp", str(path), "--store", str(bundled_store), "--quiet"])
    err = capsys.readouterr().err
    assert code == 3
    assert f"{path}:1" in err and "type_of_violence" in err


def test_cli_import_requires_a_store(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["import", "gtd", str(GTD_FILE)])
    assert info.value.code == 2
    assert "--store" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# Row parsers (property-based)


@SETTINGS
@given(st.integers(1, 9999), st.integers(0, 12), st.integers(0, 31))
def test_gtd_dates_keep_their_precision(year: int, month: int, day: int) -> None:
    try:
        date = parse_gtd_date(str(year), str(month), str(day))
    except RowError as err:
        assert err.reason == "invalid date"
        assert month and day
        with pytest.raises(ValueError):
            dt.date(year, month, day)
        return
    if month == 0:
        assert date.iso == f"{year:04d}"
    elif day == 0:
        assert date.iso == f"{year:04d}-{month:02d}"
    else:
        assert date.earliest == date.latest == dt.date(year, month, day)
    assert date.earliest <= date.latest


@SETTINGS
@given(st.dates())
def test_acled_and_ucdp_date_forms_agree(day: dt.date) -> None:
    iso = day.isoformat()
    legacy = f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    words = f"{day.day} {day.strftime('%B')} {day.year:04d}"
    assert parse_acled_date(iso) == parse_acled_date(legacy) == parse_acled_date(words)
    assert parse_acled_date(iso).earliest == day
    assert parse_ucdp_date(f"{iso} 00:00:00.000", "date_start").earliest == day
    assert parse_ucdp_date(f"{iso}T00:00:00", "date_start").earliest == day


@SETTINGS
@given(st.dates(max_value=dt.date(9000, 1, 1)), st.integers(0, 400))
def test_date_ranges_give_one_date_only_when_exact(start: dt.date, days: int) -> None:
    from actorgraph.vocab._dates import PartialDate

    end = start + dt.timedelta(days=days)
    value = date_range_value(PartialDate(start.year, start.month, start.day),
                             PartialDate(end.year, end.month, end.day))  # fmt: skip
    if value is not None:
        assert (value.earliest, value.latest) == (start, end)


@SETTINGS
@given(st.one_of(st.integers(-1000, 10**9).map(str), st.text(max_size=8)))
def test_counts_are_whole_non_negative_or_unknown(text: str) -> None:
    try:
        value = count_value(text, "nkill", {"-9", "-99"})
    except RowError as err:
        assert err.reason == "invalid count"
        return
    if value is None:
        assert text.strip() in ("", "-9", "-99")
    else:
        assert value >= 0 and value == int(text.strip().split(".")[0])


@SETTINGS
@given(st.floats(-200, 200, allow_nan=False).map(lambda f: f"{f:.6f}"))
def test_coordinates_in_range_are_kept_exactly(text: str) -> None:
    try:
        value = decimal_value(text, "latitude", 90)
    except RowError:
        assert abs(float(text)) > 90
        return
    assert value is not None and float(value) == float(text)


_GTD_COLUMNS = ["eventid", "iyear", "imonth", "iday", "gname", "gname2", "claimed", "guncertain1",
                "nkill", "nwound", "latitude", "longitude", "country_txt", "provstate", "city",
                "attacktype1_txt", "targtype1_txt"]  # fmt: skip


@pytest.mark.slow
@SETTINGS
@given(st.fixed_dictionaries({c: st.text(max_size=12) for c in _GTD_COLUMNS}))
def test_gtd_rows_map_or_are_rejected_with_a_reason(row: dict[str, str]) -> None:
    try:
        record = map_gtd_row(row)
    except RowError as err:
        assert err.reason and err.column in _GTD_COLUMNS
        return
    assert record.slug == f"gtd-{record.record_id}"
    assert record.earliest <= record.latest
    assert all(v >= 0 for v in record.counts.values())


@SETTINGS
@given(st.text())
def test_literals_survive_n_triples(text: str) -> None:
    line = f'<http://example.org/s> <http://example.org/p> "{nt_escape(text)}" .\n'
    quads = list(ox.parse(line.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert quads[0].object.value == text


@SETTINGS
@given(st.text(min_size=1))
def test_slugs_are_iri_safe_and_stable(text: str) -> None:
    slug = slugify(text)
    assert slug == slugify(text)
    assert slug and all(c.isascii() and (c.isalnum() or c == "-") for c in slug)
    ox.NamedNode("https://w3id.org/actorgraph/data/place-" + slug)


@pytest.mark.slow
def test_an_import_compacts_the_store_only_when_it_is_a_large_share_of_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compaction rewrites the whole store: a few rows imported into a large store must not pay for
    # it (the bundled data alone is ~70,000 quads; the sample file writes a few hundred triples).
    import actorgraph.importers._driver as driver

    with actorgraph.load(store=tmp_path / "kg") as kg:
        small = import_file(kg, "gtd", GTD_FILE)
        assert small.store_change == "loaded" and not small.compacted
        assert small.as_dict()["compacted"] is False
        monkeypatch.setattr(driver, "COMPACT_SHARE", 0)  # the setting: 0 compacts every import
        again = import_file(kg, "gtd", GTD_FILE, unresolved="report")
        assert again.store_change == "replaced" and again.compacted
    # An in-memory store is never compacted.
    memory = import_file(actorgraph.load(), "gtd", GTD_FILE)
    assert memory.store_change == "loaded" and not memory.compacted


@pytest.mark.slow
def test_an_import_compacts_when_told_and_not_when_told_not_to(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several files imported in a row compact once: --no-compact on all but the last, --compact on
    # the last (whatever the share rule would say either way).
    import actorgraph.importers._driver as driver

    store, report = tmp_path / "kg", tmp_path / "report.json"
    monkeypatch.setattr(driver, "COMPACT_SHARE", 0)  # the rule alone would compact every import
    args = ["import", "gtd", str(GTD_FILE), "--store", str(store), "--quiet", "--report"]
    assert main([*args, str(report), "--no-compact"]) == 0
    assert json.loads(report.read_text())["compacted"] is False
    monkeypatch.setattr(driver, "COMPACT_SHARE", 1e9)  # and now it would compact none
    assert main([*args, str(report), "--compact"]) == 0
    done = json.loads(report.read_text())
    assert done["compacted"] is True and done["store_change"] == "unchanged"
    with actorgraph.load(store=store) as kg:
        before = len(kg)
        kg.compact()  # the API's way to the same
        assert len(kg) == before
    with actorgraph.load(store=store, read_only=True) as kg, pytest.raises(UsageError):
        kg.compact()
    actorgraph.load().compact()  # an in-memory store: nothing to do
