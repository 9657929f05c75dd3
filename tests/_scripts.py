"""Load or run one of the repository's scripts (``benchmarks/``, ``tools/``), for the tests."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def load_script(relative: str) -> ModuleType:
    """Import ``ROOT / relative`` (e.g. ``"benchmarks/run.py"``) under a name of its own."""
    path = ROOT / relative
    spec = importlib.util.spec_from_file_location(f"ag_script_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(relative: str, *args: str) -> str:
    """Run ``ROOT / relative`` with ``args`` in a Python process of its own; its standard output.

    The script must exit 0 (its standard error is the assertion's message)."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / relative), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout
