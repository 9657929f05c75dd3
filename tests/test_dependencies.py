"""What a plain ``pip install actorgraph`` brings is enough: no feature needs an undeclared package."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Each test projects the bundled graph in a fresh interpreter without SciPy: the slow set.
pytestmark = pytest.mark.slow

# SciPy comes with many scientific Pythons but is not a dependency of actorgraph: NetworkX's
# pagerank needs it, so actorgraph computes PageRank with igraph instead.
BLOCK_SCIPY = "import sys; sys.modules['scipy'] = None\n"


def test_centrality_works_without_scipy() -> None:
    code = BLOCK_SCIPY + (
        "import actorgraph\n"
        "G = actorgraph.load().to_networkx(view='actors')\n"
        "rows = actorgraph.centrality(G, top=3)\n"
        "assert rows[0]['pagerank'] > 0, rows\n"
        "print(rows[0]['node'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("agd:")


def test_communities_and_paths_work_without_scipy() -> None:
    code = BLOCK_SCIPY + (
        "import actorgraph\n"
        "G = actorgraph.load().to_networkx(view='actors')\n"
        "assert actorgraph.communities(G, seed=1)\n"
        "assert actorgraph.shortest_path_claims(G, 'agd:iskp', 'agd:jui-f')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
