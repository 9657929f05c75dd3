"""Results kept until a store changes, through the command line: `viz`, `profile` and `query` give
what they gave when they derived, read back without opening the store; an answer that may change
is not kept; a command called in-process leaves the store closed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import actorgraph
from actorgraph import _derived, _resources
from actorgraph._derived import read_back
from actorgraph.cli._main import main
from actorgraph.network import _to_networkx
from actorgraph.page._profile_result import KIND, from_dict, kept_key
from actorgraph.store._graphs import DATA_VERSION, META_GRAPH
from actorgraph.store._undo import PARTIAL_DIR, STORE_DIR, UNDO_DIR

try:
    from _kept_stores import (
        TEST_GRAPH,
        imported_template,
        kept_files,
        store,
        write_with_pyoxigraph,
    )
    from _stores import kill_writer
except ImportError:  # tests/ imported as a package
    from tests._kept_stores import (
        TEST_GRAPH,
        imported_template,  # noqa: F401 - a fixture
        kept_files,
        store,  # noqa: F401 - a fixture
        write_with_pyoxigraph,
    )
    from tests._stores import kill_writer

# Each test derives a view, a page or a profile of the bundled data and an import (1-2 s each).
pytestmark = pytest.mark.slow


def _deriving_fails(*args: Any, **kwargs: Any) -> Any:
    raise AssertionError("derived again: the kept result was not used")


def test_the_command_line_gives_the_same_page_and_profile_twice(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages, said = [], []
    for n in range(2):
        page = tmp_path / f"page-{n}.html"
        argv = ["viz", "--store", str(store), "-o", str(page), "--focus", "TTP", "--hops", "2"]
        with monkeypatch.context() as mp:
            if n == 1:  # read back whole: neither the view nor a name is derived
                mp.setattr(_to_networkx, "read_actors_view", _deriving_fails)
                mp.setattr(actorgraph.KnowledgeGraph, "resolve", _deriving_fails)
            assert main(argv) == 0
        pages.append(page.read_bytes())
        said.append(capsys.readouterr().out.replace(f"page-{n}.html", "PAGE"))
    assert pages[0] == pages[1]
    assert said[0] == said[1] and "opens on the" in said[0]
    profiles = []
    for _ in range(2):
        assert main(["profile", "TTP", "--store", str(store), "--format", "json"]) == 0
        profiles.append(capsys.readouterr().out)
    assert profiles[0] == profiles[1] and '"attacks_by_year"' in profiles[0]
    assert len(kept_files(store)) == 3  # the page, its actors view and the profile


# Run in a process of its own: the command prints its output, then which libraries it imported.
_COMMAND = """
import json, sys
from actorgraph.cli._main import main
code = main(sys.argv[1:])
sys.stdout.flush()
libraries = sorted(m for m in ("rdflib", "pyoxigraph", "networkx") if m in sys.modules)
print(json.dumps([code, libraries]), file=sys.stderr)
"""


def _command(*argv: str) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _COMMAND, *argv], capture_output=True, text=True, check=True
    )
    code, libraries = json.loads(done.stderr.splitlines()[-1])
    return code, libraries, done.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["profile", "TTP", "--format", "json"],
        ["query", "--saved", "attacks-by-group-and-year", "--format", "csv"],
        ["viz", "--focus", "TTP", "-o", "PAGE"],
    ],
    ids=["profile", "query", "viz"],
)
def test_a_kept_result_is_read_back_without_opening_the_store(
    store: Path, tmp_path: Path, argv: list[str]
) -> None:
    """Read back, a command neither opens the store nor imports what would read it (rdflib,
    Oxigraph: most of its time), and prints what it printed when it derived the result."""
    said = []
    for n in range(2):
        page = tmp_path / f"page-{n}.html"
        code, libraries, out = _command(
            *[str(page) if a == "PAGE" else a for a in argv], "--store", str(store)
        )
        assert code == 0
        said.append(out.replace(str(page), "PAGE"))
        if n == 0:
            assert "pyoxigraph" in libraries and "rdflib" in libraries
        else:
            assert libraries == []
    assert said[0] == said[1] and said[0]
    if argv[0] == "viz":
        assert (tmp_path / "page-0.html").read_bytes() == (tmp_path / "page-1.html").read_bytes()


def test_a_command_reads_back_nothing_kept_before_another_program_wrote(store: Path) -> None:
    """What is read back without opening the store is judged by its files as they stand."""
    argv = ["profile", "TTP", "--store", str(store), "--format", "json"]
    before = json.loads(_command(*argv)[2])
    assert _command(*argv)[1] == []  # read back
    write_with_pyoxigraph(store)
    code, libraries, out = _command(*argv)
    assert code == 0 and "rdflib" in libraries  # derived
    allies = [
        {line["entity"] for line in p["sections"]["Allies"]} for p in (before, json.loads(out))
    ]
    assert allies[1] - allies[0] == {"agd:derived-test-group"}


@pytest.mark.parametrize(
    "when",
    [
        pytest.param(PARTIAL_DIR, id="while-the-checkpoint-is-taken"),
        pytest.param(UNDO_DIR, id="while-bulk-loading"),
    ],
)
def test_after_a_killed_writer_a_command_gives_the_store_as_it_was(
    store: Path, tmp_path: Path, when: str
) -> None:
    """A writer killed in the store (a new ally of TTP first in its file, then 300,000 triples)
    leaves its checkpoint, or the store as it was when killed while taking it: the next commands
    answer with the store as it was before the write (put back from the checkpoint where one was
    left), exit 0 and keep that answer."""
    argv = ["profile", "TTP", "--store", str(store), "--format", "json"]
    code, _, before = _command(*argv)
    assert code == 0 and "agd:derived-test-group" not in before
    agd, ag = "https://w3id.org/actorgraph/data/", "https://w3id.org/actorgraph/ontology#"
    ally = (
        f"<{agd}derived-test-group> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        f"<{ag}ArmedGroup> .\n<{agd}derived-test-group> <{ag}alliedWith> <{agd}ttp> .\n"
    )
    filler = "".join(f"<{agd}filler-{i}> <{ag}note> <{agd}o{i % 7}> .\n" for i in range(300_000))
    data = tmp_path / "write.nt"
    data.write_text(ally + filler, encoding="utf-8")
    assert kill_writer(store, data, TEST_GRAPH, when) == "killed"
    answers = [_command(*argv) for _ in range(3)]
    assert [(code, out) for code, _, out in answers] == [(0, before)] * 3
    assert [libraries for _, libraries, _ in answers[1:]] == [[], []]  # read back
    if when == UNDO_DIR:  # restored by the first command, which opened it for writing
        assert sorted(p.name for p in store.iterdir()) == ["actorgraph.lock", STORE_DIR]


def test_a_store_of_another_data_version_is_brought_up_to_date_then_kept(store: Path) -> None:
    """A store written by another version of actorgraph's data is brought up to date by the first
    command (an open for writing) and read as any store is: the second reads back."""
    argv = ["profile", "TTP", "--store", str(store), "--format", "json"]
    code, _, before = _command(*argv)
    assert code == 0
    write_with_pyoxigraph(
        store,
        f"DELETE {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> ?p ?v }} }} "
        f"INSERT {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> ?p 'an older version' }} }} "
        f"WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATA_VERSION}> ?p ?v }} }}",
    )
    with pytest.raises(actorgraph.UsageError, match="another version"):
        actorgraph.load(store=store, read_only=True)
    answers = [_command(*argv) for _ in range(2)]
    assert [(code, out) for code, _, out in answers] == [(0, before)] * 2
    assert "rdflib" in answers[0][1] and answers[1][1] == []  # derived, then read back


@pytest.mark.parametrize(
    "argv",
    [
        ["profile", "TTP"],
        ["viz", "-o", "PAGE"],
        ["query", "SELECT * WHERE { ?s a ?o } LIMIT 1"],
        ["export", "--format", "graphml", "-o", "PAGE"],
        ["network", "ego", "TTP"],
        ["info"],
    ],
    ids=["profile", "viz", "query", "export", "network", "info"],
)
def test_a_command_called_in_process_leaves_the_store_closed(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """A program that calls the command line's main() reads a store another program wrote after
    an earlier command: the earlier command closed the store it opened, so the next one opens
    it afresh rather than sharing a store still reading the old files."""
    page = str(tmp_path / "out")
    assert main([*(page if a == "PAGE" else a for a in argv), "--store", str(store)]) == 0
    write_with_pyoxigraph(store)
    capsys.readouterr()
    assert main(["profile", "TTP", "--store", str(store), "--format", "json"]) == 0
    allies = {line["entity"] for line in json.loads(capsys.readouterr().out)["sections"]["Allies"]}
    assert "agd:derived-test-group" in allies


def test_a_kept_query_answer_is_the_answer_derived(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked = [
        ["--saved", "attacks-by-group-and-year"],
        ["--saved", "attacks-by-group-and-year", "--format", "csv", "--limit", "3"],
        ["SELECT ?e WHERE { ?e skos:altLabel ?name }", "--param", "name=TTP"],
    ]
    derived = []
    for args in asked:
        assert main(["query", *args, "--store", str(store)]) == 0
        derived.append(capsys.readouterr())
    assert "stopped at --limit 3 rows" in derived[1].err
    assert "is bound as text" in derived[2].err
    assert len(kept_files(store)) == 3

    def no_queries(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the store was read again")

    monkeypatch.setattr(actorgraph.KnowledgeGraph, "query", no_queries)
    for args, first in zip(asked, derived, strict=True):
        assert main(["query", *args, "--store", str(store)]) == 0
        assert capsys.readouterr() == first


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (NOW() AS ?t) WHERE {}",
        "SELECT (rand ( ) AS ?r) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        "SELECT ?b WHERE { BIND(bnode() AS ?b) }",
    ],
)
def test_an_answer_that_may_change_on_the_same_data_is_not_kept(
    store: Path, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    """Time, random numbers and new identifiers or blank nodes differ from run to run."""
    assert main(["query", query, "--store", str(store)]) == 0
    assert kept_files(store) == []


def test_a_result_is_not_read_back_for_other_bundled_data(
    store: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A store is brought up to the bundled data when it is opened; read back without opening it,
    a result has its key alone to tell: with a curated file edited (a checkout), the profile kept
    before is not read back."""
    with actorgraph.load(store=store, read_only=True) as kg:
        derived = kg.profile("TTP")
    key = kept_key("TTP", None)
    assert read_back(store, KIND, key, from_dict) == derived
    data = tmp_path / "data"
    shutil.copytree(_resources.resource_dir("data"), data)
    with open(data / "curated" / "group-ttp.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# edited\n")
    shipped = _resources.resource_dir
    try:
        with monkeypatch.context() as mp:
            mp.setattr(
                _resources, "resource_dir", lambda kind: data if kind == "data" else shipped(kind)
            )
            _resources.bundled_data_version.cache_clear()
            _derived.code_digest.cache_clear()
            assert read_back(store, KIND, key, from_dict) is None
    finally:  # not the edited data's fingerprint for later tests
        _resources.bundled_data_version.cache_clear()
        _derived.code_digest.cache_clear()
    assert read_back(store, KIND, key, from_dict) == derived
