"""Jupyter: the example notebook runs top to bottom offline, and results display as HTML."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

import actorgraph

NOTEBOOK = Path(__file__).resolve().parents[1] / "docs" / "examples" / "quickstart.ipynb"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the notebook tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.slow  # runs every cell of the example notebook (2 s of CPU)
def test_the_example_notebook_runs_top_to_bottom_offline(no_network: None) -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    namespace: dict[str, Any] = {}
    displayed = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        # Run the cell as Jupyter does: the value of its last expression is displayed.
        *body, last = source.strip().split("\n")
        exec("\n".join(body), namespace)
        try:
            value = eval(last, namespace)
        except SyntaxError:
            exec(last, namespace)
            continue
        if hasattr(value, "_repr_html_"):
            displayed.append(value._repr_html_())
    assert any("agd:bajaur-rally-bombing-2023" in html for html in displayed)
    assert displayed[-1].startswith("<iframe srcdoc=")


def test_the_notebook_is_committed_without_outputs() -> None:
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert all(not cell.get("outputs") for cell in notebook["cells"] if cell["cell_type"] == "code")


def test_a_knowledge_graph_displays_a_summary() -> None:
    html = actorgraph.load()._repr_html_()
    assert "agg:curated" in html
    assert "ag:ArmedGroup" in html


def test_query_results_display_escaped(tmp_path: Path) -> None:
    kg = actorgraph.load()
    html = kg.query('SELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }')._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.slow
def test_to_dataframe_types_columns() -> None:
    pytest.importorskip("pandas")
    kg = actorgraph.load()
    df = kg.query(
        'SELECT ?n ?d ?y ?s WHERE { VALUES (?n ?d ?y ?s) { (3 "2023-07-30"^^xsd:date "2023"^^xsd:gYear agd:ttp) } }'
    ).to_dataframe(curies=True)
    assert str(df["n"].dtype) == "Int64"
    assert str(df["d"].dtype).startswith("datetime64")
    assert df["y"].iloc[0] == "2023"
    assert df["s"].iloc[0] == "agd:ttp"
