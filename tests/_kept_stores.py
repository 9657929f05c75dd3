"""An on-disk store with imported events, for the tests of results kept until a store changes
(tests/test_derived.py, tests/test_derived_commands.py), and what they do to it."""

from __future__ import annotations

import gc
from pathlib import Path

import pyoxigraph as ox
import pytest

import actorgraph
from actorgraph._derived import KEEP_ENV, kept_folder
from actorgraph.importers import import_file

try:
    from _stores import copy_store
except ImportError:  # tests/ imported as a package
    from tests._stores import copy_store

FIXTURES = Path(__file__).parent / "fixtures"
TEST_GRAPH = "https://w3id.org/actorgraph/graph/import/test/derived"
# A new armed group allied with TTP: a node of the actors view and a line of TTP's profile.
NEW_ALLY = f"""
PREFIX ag: <https://w3id.org/actorgraph/ontology#>
PREFIX agd: <https://w3id.org/actorgraph/data/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
INSERT DATA {{ GRAPH <{TEST_GRAPH}> {{
  agd:derived-test-group a ag:ArmedGroup ; rdfs:label "A group added by a test" ;
      ag:alliedWith agd:ttp .
}} }}
"""


@pytest.fixture(scope="module")
def imported_template(
    bundled_store_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The bundled data and the GTD sample in a closed on-disk store (copied, never opened)."""
    path = copy_store(bundled_store_template, tmp_path_factory.mktemp("derived") / "kg")
    with actorgraph.load(store=path) as kg:
        import_file(kg, "gtd", FIXTURES / "gtd_sample.csv")
    return path


@pytest.fixture
def store(imported_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of that store of this test's own, with keeping turned on (conftest turns it off) into
    a cache folder of the test's own."""
    monkeypatch.setenv(KEEP_ENV, "1")
    monkeypatch.setenv("ACTORGRAPH_CACHE", str(tmp_path / "cache"))
    return copy_store(imported_template, tmp_path / "kg")


def kept_files(path: Path) -> list[str]:
    folder = kept_folder(path)
    assert folder is not None
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def write_with_pyoxigraph(path: Path, update: str = NEW_ALLY) -> None:
    """Another program writes the store's files (as the Oxigraph server would): by default, a new
    ally of TTP."""
    other = ox.Store(str(path / "oxigraph"))
    other.update(update)
    other.flush()
    del other
    gc.collect()  # RocksDB closes the store with its last reference
