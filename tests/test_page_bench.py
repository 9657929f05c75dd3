"""The page benchmark runs end to end on a tiny graph (numbers are not asserted here)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "page_bench.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("page_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_graph_has_the_asked_size() -> None:
    g = _bench().synthetic_graph(200, 400)
    assert g.number_of_nodes() == 200
    assert g.number_of_edges() == 400


@pytest.mark.slow
@pytest.mark.browser
def test_benchmark_smoke(tmp_path: Path, capsys: Any) -> None:
    pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
    if not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"):
        pytest.skip("needs Chromium at /usr/bin/chromium")
    bench = _bench()
    summary = bench.main(
        ["--nodes", "300", "--edges", "600", "--runs", "1", "--frames", "5", "--out", str(tmp_path)]
    )
    assert "first-draw ratio" in capsys.readouterr().out
    for name in ("actorgraph", "pyvis"):
        assert summary[name]["requests_blocked"] == 0
        assert summary[name]["page_errors"] == []
        assert len(summary[name]["first_draw_s"]) == 1
    assert (tmp_path / "actorgraph.html").exists()
    assert (tmp_path / "pyvis-hand-tuned.html").exists()
