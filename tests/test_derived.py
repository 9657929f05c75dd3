"""Results kept beside an on-disk store (actorgraph._derived): a later call on the same store gives
what deriving gave, value for value, without reading the store again; any write to the store, by
actorgraph or by another program, makes the next call derive afresh."""

from __future__ import annotations

import math
import os
import shutil
import stat
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import actorgraph
from actorgraph import _derived
from actorgraph._derived import KEEP_ENV, kept_folder, store_digest
from actorgraph.cli._main import main
from actorgraph.importers import import_file
from actorgraph.network import _to_networkx

try:
    from _kept_stores import (
        NEW_ALLY,
        TEST_GRAPH,
        imported_template,
        kept_files,
        store,
        write_with_pyoxigraph,
    )
    from _stores import copy_store
except ImportError:  # tests/ imported as a package
    from tests._kept_stores import (
        NEW_ALLY,
        TEST_GRAPH,
        imported_template,  # noqa: F401 - a fixture
        kept_files,
        store,  # noqa: F401 - a fixture
        write_with_pyoxigraph,
    )
    from tests._stores import copy_store

FIXTURES = Path(__file__).parent / "fixtures"
# Each test derives views of the bundled data and an import (1-2 s each).
pytestmark = pytest.mark.slow

UCDP_ROWS = (
    "id,type_of_violence,side_a,side_b,date_start,date_end,best,low,high,latitude,longitude\n"
    "9101,2,TTP,Lashkar-e-Islam,2016-03-01,2016-03-02,3,3,4,34.1,71.2\n"
)


def _same(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    """The same graph, value for value and in order: repr tells 1 from 1.0 and True, a list from
    a tuple."""
    assert repr(list(a.nodes(data=True))) == repr(list(b.nodes(data=True)))
    assert repr(list(a.edges(keys=True, data=True))) == repr(list(b.edges(keys=True, data=True)))
    assert repr(a.graph) == repr(b.graph)


def _actors(path: Path, **filters: Any) -> nx.MultiDiGraph:
    with actorgraph.load(store=path, read_only=True) as kg:
        return kg.to_networkx(view="actors", **filters)


def _derived_afresh(path: Path, monkeypatch: pytest.MonkeyPatch, **filters: Any) -> Any:
    with monkeypatch.context() as mp:
        mp.setenv(KEEP_ENV, "0")
        return _actors(path, **filters)


def _deriving_fails(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("derived again: the kept result was not used")


@pytest.mark.parametrize(
    "filters",
    [
        pytest.param({}, id="whole"),
        pytest.param({"as_of": "2015"}, id="as-of"),
        pytest.param({"types": ["ag:ArmedGroup"], "relations": "ag:target"}, id="types"),
        pytest.param({"focus": "TTP", "hops": 1}, id="focus"),
    ],
)
def test_a_kept_actors_view_is_the_view_derived(
    store: Path, monkeypatch: pytest.MonkeyPatch, filters: dict[str, Any]
) -> None:
    digest = store_digest(store)
    derived = _actors(store, **filters)
    assert derived.number_of_edges() > 0
    assert len(kept_files(store)) == 1
    assert store_digest(store) == digest  # a read-only open and its reading wrote nothing
    # The second call reads the kept view: deriving it would fail.
    monkeypatch.setattr(_to_networkx, "read_actors_view", _deriving_fails)
    _same(derived, _actors(store, **filters))


def test_nothing_is_kept_in_the_stores_folder(store: Path) -> None:
    """A store is shared as a folder: results are kept in the user's cache, where a store's
    sender cannot put a page or an answer (read back, they are not escaped again)."""
    before = sorted(p.name for p in store.iterdir())
    _actors(store)
    with actorgraph.load(store=store, read_only=True) as kg:
        kg.profile("TTP")
    assert main(["viz", "--store", str(store), "-o", str(store.parent / "page.html")]) == 0
    assert sorted(p.name for p in store.iterdir()) == before
    assert len(kept_files(store)) == 3


def test_each_question_is_kept_apart(store: Path) -> None:
    whole, early = _actors(store), _actors(store, as_of="2010")
    assert len(kept_files(store)) == 2
    assert whole.number_of_edges() != early.number_of_edges()
    _same(whole, _actors(store))
    _same(early, _actors(store, as_of="2010"))


@pytest.mark.parametrize("as_of", [None, "2015"])
def test_a_kept_profile_is_the_profile_derived(
    store: Path, monkeypatch: pytest.MonkeyPatch, as_of: str | None
) -> None:
    with actorgraph.load(store=store, read_only=True) as kg:
        derived = kg.profile("TTP") if as_of is None else actorgraph.profile(kg, "TTP", as_of)
    assert derived.attacks_by_year and len(kept_files(store)) == 1

    def no_queries(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the store was read again")

    monkeypatch.setattr(actorgraph.KnowledgeGraph, "query", no_queries)
    monkeypatch.setattr(actorgraph.KnowledgeGraph, "resolve", no_queries)
    with actorgraph.load(store=store, read_only=True) as kg:
        again = kg.profile("TTP") if as_of is None else actorgraph.profile(kg, "TTP", as_of)
    assert again == derived
    assert repr(again) == repr(derived)


def _write_with_actorgraph_update(path: Path) -> None:
    with actorgraph.load(store=path) as kg:
        kg.store.update(NEW_ALLY)


def _write_with_import(path: Path) -> None:
    """A UCDP row: an event between TTP and Lashkar-e-Islam, and their dyad."""
    csv = path.parent / "ged.csv"
    csv.write_text(UCDP_ROWS, encoding="utf-8")
    with actorgraph.load(store=path) as kg:
        import_file(kg, "ucdp", csv)


def _profile(path: Path) -> dict[str, Any]:
    with actorgraph.load(store=path, read_only=True) as kg:
        return kg.profile("TTP").to_dict()


@pytest.mark.parametrize(
    "write",
    [_write_with_actorgraph_update, write_with_pyoxigraph, _write_with_import],
    ids=["sparql-update", "another-program", "import"],
)
def test_after_a_write_the_view_and_profile_are_derived_afresh(
    store: Path, monkeypatch: pytest.MonkeyPatch, write: Any
) -> None:
    before, profile_before = _actors(store), _profile(store)
    kept = kept_files(store)
    assert len(kept) == 2
    write(store)
    after, profile_after = _actors(store), _profile(store)
    # What the write changed is there, as deriving afresh gives it.
    assert repr(after.graph) != repr(before.graph)
    assert profile_after != profile_before
    _same(_derived_afresh(store, monkeypatch), after)
    with monkeypatch.context() as mp:
        mp.setenv(KEEP_ENV, "0")
        assert _profile(store) == profile_after
    if write is not _write_with_import:
        assert "agd:derived-test-group" in after and "agd:derived-test-group" not in before
        allies = {line["entity"] for line in profile_after["sections"]["Allies"]}
        assert "agd:derived-test-group" in allies
    # What was kept for the store before the write is gone.
    assert not set(kept) & set(kept_files(store))


def test_a_reader_opened_before_another_program_wrote_keeps_nothing(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store opened read-only reads its files as they were when it was opened; another program
    (an Oxigraph server) may write them meanwhile, as actorgraph's own writers, which wait for its
    readers, do not. What that reader derives is of the old state: it must not be kept as the new
    state's, or every later reader would be given it."""
    kept_view = _actors(store)  # kept for the state the reader opens
    kept = kept_files(store)
    with actorgraph.load(store=store, read_only=True) as reader:
        opened = reader.opened_state
        assert opened == store_digest(store)
        write_with_pyoxigraph(store)
        assert store_digest(store) != opened
        old = reader.to_networkx(view="actors")
        profile = reader.profile("TTP").to_dict()
        old_full = reader.to_networkx(view="full")
    # The reader saw the state it opened: the view kept for it, and a profile derived from it;
    # neither has the new group. Nothing it derived was kept for the files as they are now.
    _same(old, kept_view)
    assert "agd:derived-test-group" not in old and "agd:derived-test-group" not in old_full
    allies = {line["entity"] for line in profile["sections"]["Allies"]}
    assert "agd:derived-test-group" not in allies
    assert kept_files(store) == kept
    # A reader opened after the write is given the new state, kept or derived alike.
    new = _actors(store)
    assert "agd:derived-test-group" in new
    _same(_derived_afresh(store, monkeypatch), new)
    assert "agd:derived-test-group" in _actors(store)


def test_a_store_opened_for_writing_reads_its_files_as_they_stand(store: Path) -> None:
    """Only a read-only open has a state of its own (KnowledgeGraph.opened_state)."""
    with actorgraph.load(store=store) as kg:
        assert kg.opened_state is None
        with actorgraph.load(store=store, read_only=True) as shared:  # the same open store
            assert shared.opened_state is None
    assert actorgraph.load().opened_state is None


def test_nothing_is_kept_when_the_environment_says_so(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEEP_ENV, "0")
    _actors(store)
    with actorgraph.load(store=store, read_only=True) as kg:
        kg.profile("TTP")
    assert kept_files(store) == []


def test_a_folder_that_cannot_be_written_keeps_nothing(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = kept_folder(store)
    assert folder is not None
    folder.parent.mkdir(parents=True)
    folder.write_text("a file where the folder would be", encoding="utf-8")
    view = _actors(store)
    _same(_derived_afresh(store, monkeypatch), view)
    _same(view, _actors(store))


def test_a_damaged_or_foreign_kept_file_is_derived_afresh(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = _actors(store)
    folder = kept_folder(store)
    assert folder is not None
    (kept,) = folder.iterdir()
    question = kept.read_bytes().split(b"\n", 1)[0]
    for damage in (
        b'{"question": "',  # cut short
        question + b'\n{"graph": {}, "nodes": [',  # the right question, the answer cut short
        b'{"question": "another", "raw": false}\n{}',  # another question
        b"[]",
    ):
        kept.write_bytes(damage)
        _same(view, _actors(store))
        assert kept.read_bytes() != damage  # kept anew


def test_kept_results_are_the_users_alone(store: Path) -> None:
    """The folders made for kept results are the user's alone: kept answers come from the user's
    stores, which may be private, and are written out as they were kept."""
    _actors(store)
    folder = kept_folder(store)
    assert folder is not None
    # The cache folder too: the compiled bundled data beside derived/ is read only from a folder
    # that is the user's alone.
    for place in (folder, folder.parent, folder.parent.parent):
        assert stat.S_IMODE(place.stat().st_mode) == 0o700


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX owners and modes")
@pytest.mark.parametrize("place", ["store-folder", "derived", "group"])
def test_a_result_planted_in_a_folder_others_may_write_is_not_read(
    store: Path, monkeypatch: pytest.MonkeyPatch, place: str
) -> None:
    """Someone who may write the cache folder (a cache set in a shared place) plants a profile:
    it is read back while the folder is the user's alone, and not once others may write there."""
    real = _profile(store)
    folder = kept_folder(store)
    assert folder is not None
    (kept,) = folder.iterdir()
    question, payload = kept.read_bytes().split(b"\n", 1)
    planted = payload.replace(b"Tehrik-i-Taliban Pakistan", b"PLANTED")
    assert planted != payload
    kept.write_bytes(question + b"\n" + planted)
    assert _profile(store)["label"] == "PLANTED"  # the folder is private: kept files are trusted
    if place == "group":
        # Writable by the user's own primary group (umask 002 with a private group): trusted;
        # by another group: not.
        folder.chmod(0o770)
        assert _profile(store)["label"] == "PLANTED"
        # (root may give a folder any group; another user one of its own other groups)
        groups = [65534] if os.getuid() == 0 else os.getgroups()
        others = next((g for g in groups if g != os.getgid()), None)
        if others is None:
            pytest.skip("the user belongs to no group but its primary one")
        os.chown(folder, -1, others)
    else:
        (folder if place == "store-folder" else folder.parent).chmod(0o777)
    assert _profile(store) == real
    assert kept.read_bytes().endswith(planted)  # neither read nor written over


def test_a_result_that_is_not_plain_json_is_not_kept(store: Path) -> None:
    import datetime as dt

    _actors(store, as_of=dt.date(2015, 6, 30))  # a date in the question
    assert kept_files(store) == []


def test_a_value_json_cannot_carry_is_not_kept(store: Path) -> None:
    """NaN has no JSON form (orjson would write null): a view holding one is derived each time."""
    with actorgraph.load(store=store) as kg:
        kg.store.update(
            f"""PREFIX ag: <https://w3id.org/actorgraph/ontology#>
            PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
            INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{
              <https://w3id.org/actorgraph/data/ttp> ag:killed "NaN"^^xsd:double }} }}"""
        )
    view = _actors(store)
    killed = view.nodes["agd:ttp"]["killed"]
    assert any(math.isnan(v) for v in (killed if isinstance(killed, list) else [killed]))
    assert kept_files(store) == []


def test_at_most_max_kept_results_are_kept(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_derived, "MAX_KEPT", 2)
    for year in ("2005", "2010", "2015"):
        _actors(store, as_of=year)
    assert len(kept_files(store)) == 2
    # The first is gone, the last two are read back.
    monkeypatch.setattr(_to_networkx, "read_actors_view", _deriving_fails)
    _actors(store, as_of="2015")
    with pytest.raises(AssertionError, match="kept result was not used"):
        _actors(store, as_of="2005")


def test_the_least_recently_used_results_go_first_across_stores(
    store: Path, imported_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = copy_store(imported_template, tmp_path / "other")
    with actorgraph.load(store=store, read_only=True) as kg:
        kg.profile("TTP")
    (first,) = kept_files(store)
    folder = kept_folder(store)
    assert folder is not None
    size = (folder / first).stat().st_size
    monkeypatch.setattr(_derived, "MAX_BYTES", size * 3 // 2)  # room for one profile, not two
    with actorgraph.load(store=other, read_only=True) as kg:
        kg.profile("TTP")
    assert kept_files(store) == []
    assert len(kept_files(other)) == 1


def test_a_result_larger_than_max_bytes_is_not_kept(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_derived, "MAX_BYTES", 100_000)  # the view is larger, the profile not
    view = _actors(store)
    with actorgraph.load(store=store, read_only=True) as kg:
        kg.profile("TTP")
    (kept,) = kept_files(store)
    assert "-profile-" in kept
    _same(view, _actors(store))


def test_another_library_version_or_page_file_derives_afresh(
    store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A result derived by another version of a library (an upgraded SPARQL engine) or with other
    page files (a checkout being edited) is not read back, although actorgraph's version is the
    same (other bundled data: tests/test_derived_commands.py)."""
    try:
        _check_other_code_derives_afresh(store, monkeypatch, tmp_path)
    finally:
        _derived.code_digest.cache_clear()  # not the patched versions' digest for later tests


def _check_other_code_derives_afresh(
    store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _actors(store)
    derivations = []
    read = _to_networkx.read_actors_view

    def counted(*args: Any, **kwargs: Any) -> Any:
        derivations.append(1)
        return read(*args, **kwargs)

    monkeypatch.setattr(_to_networkx, "read_actors_view", counted)
    _actors(store)
    assert derivations == []  # read back
    version = _derived.metadata.version
    with monkeypatch.context() as mp:
        mp.setattr(
            _derived.metadata,
            "version",
            lambda name: "99.0" if name == "pyoxigraph" else version(name),
        )
        _derived.code_digest.cache_clear()
        _actors(store)
    assert derivations == [1]
    page = tmp_path / "viz"
    shutil.copytree(_derived.resource_dir("viz"), page)
    (page / "viewer.css").write_text("/* edited */\n", encoding="utf-8")
    monkeypatch.setattr(_derived, "resource_dir", lambda kind: page)
    _derived.code_digest.cache_clear()
    _actors(store)
    assert derivations == [1, 1]
