"""Gephi Lite's own GEXF parser reads our GEXF files as NetworkX does.

Gephi Lite (the Gephi team's web version) opens GEXF files with graphology-gexf. These tests run that
parser (its Node.js build, which differs from the browser build only in the DOM it parses with) on
what ``write_gexf`` writes, through ``tests/gephi/read_gexf.js``, and compare what it read with what
networkx's reader reads from the same file: every node, every edge with its kind, every attribute
value. Spells are the exception: graphology keeps no time, so they are left out of the comparison
(``tests/test_export.py`` checks them).

Needs Node.js and ``npm ci --prefix tests/gephi`` (graphology and graphology-gexf, versions pinned in
``tests/gephi/package-lock.json``); ``.ci/run`` installs both, and the tests skip with that reason
elsewhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

import actorgraph
from actorgraph.network._export import write_gexf

HERE = Path(__file__).parent / "gephi"
NODE = shutil.which("node")

pytestmark = [
    pytest.mark.gephi,
    pytest.mark.skipif(NODE is None, reason="Node.js is not installed (.ci/run installs it)"),
    pytest.mark.skipif(
        not (HERE / "node_modules" / "graphology-gexf").is_dir(),
        reason="graphology-gexf is not installed: run npm ci --prefix tests/gephi",
    ),
]


def _gephi_lite_reads(path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [str(NODE), str(HERE / "read_gexf.js"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _same_as_networkx(path: Path) -> dict[str, Any]:
    """Check graphology-gexf and networkx read the same graph from ``path``; return the former."""
    read = _gephi_lite_reads(path)
    H = nx.read_gexf(path, version="1.3")  # networkx's own reader, nothing decoded
    assert (read["type"], read["multi"]) == ("directed", True)
    assert set(read["nodes"]) == set(H.nodes)
    for node, data in H.nodes(data=True):
        expected = {k: v for k, v in data.items() if k != "spells"}
        assert read["nodes"][node] == expected, node
    theirs = sorted(
        (
            e["source"],
            e["target"],
            e["attributes"]["kind"],
            json.dumps(e["attributes"], sort_keys=True),
        )
        for e in read["edges"]
    )
    ours = []
    for u, v, key, data in H.edges(keys=True, data=True):
        # networkx gives the GEXF edge id as "id" and takes its key from the networkx_key attribute
        # it wrote (our kind: the property); graphology keeps the id as the edge's own key, the kind
        # and networkx_key as attributes.
        attributes = {k: val for k, val in data.items() if k not in ("spells", "id")}
        attributes["kind"] = attributes["networkx_key"] = key
        ours.append((u, v, key, json.dumps(attributes, sort_keys=True)))
    assert theirs == sorted(ours)
    return read


@pytest.mark.parametrize("view", ["full", "actors"])
def test_gephi_lite_reads_the_bundled_graph(tmp_path: Path, view: str) -> None:
    G = actorgraph.load().to_networkx(view=view)
    path = tmp_path / f"{view}.gexf"
    write_gexf(G, path)
    read = _same_as_networkx(path)
    assert len(read["nodes"]) == G.number_of_nodes() and len(read["edges"]) == G.number_of_edges()
    iskp = read["nodes"]["agd:iskp"]
    assert iskp["label"] == G.nodes["agd:iskp"]["label"]
    assert json.loads(iskp["aliases"]) == G.nodes["agd:iskp"]["aliases"]
    assert read["graph"]["creator"] == "actorgraph"


def test_gephi_lite_reads_a_filtered_graph_and_awkward_text(tmp_path: Path) -> None:
    G = actorgraph.load().to_networkx(view="actors", as_of="2023")
    G.nodes["agd:ttp"]["label"] = "TTP <&> \"quoted\" 'single' – ünïcødé 𝄞\ttab\nline \x01"
    path = tmp_path / "awkward.gexf"
    write_gexf(G, path)
    read = _same_as_networkx(path)
    # The label with a character XML cannot carry is JSON (see _export); the others are plain text.
    assert json.loads(read["nodes"]["agd:ttp"]["label"]) == G.nodes["agd:ttp"]["label"]
    assert read["nodes"]["agd:iskp"]["label"] == G.nodes["agd:iskp"]["label"]
    assert actorgraph.read_gexf(path).nodes["agd:ttp"]["label"] == G.nodes["agd:ttp"]["label"]


def test_a_file_gephi_lite_cannot_parse_fails_the_check(tmp_path: Path) -> None:
    # The check itself can fail: graphology-gexf refuses a file with no <graph>.
    path = tmp_path / "broken.gexf"
    path.write_text('<?xml version="1.0"?><gexf xmlns="http://gexf.net/1.3" version="1.3"/>')
    with pytest.raises(AssertionError):
        _gephi_lite_reads(path)
