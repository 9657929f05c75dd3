"""Load one of the repository's scripts (``benchmarks/``, ``tools/``) as a module, for the tests."""

from __future__ import annotations

import importlib.util
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
