"""What the README and the tutorials tell a user to write into a checkout is ignored by git."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_OUTPUT = re.compile(r"^\$?\s*actorgraph\b[^\n]*?\s(?:-o|--output)\s+([\w.-]+)", re.MULTILINE)


def _documented_outputs() -> set[str]:
    texts = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    return {m.group(1) for path in texts for m in _OUTPUT.finditer(path.read_text("utf-8"))}


def test_files_the_docs_write_into_a_checkout_are_ignored() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    outputs = sorted(_documented_outputs())
    assert "ttp.html" in outputs
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *outputs],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert sorted(result.stdout.split()) == outputs
