"""The README's examples run and print exactly what the README shows.

``console`` blocks: each ``$ actorgraph …`` line is run (in a scratch directory) and, where the README
shows output under it, the output must match line for line. Other commands (pip, pytest) are set-up
steps that the test suite itself stands for. ``pycon`` blocks run as doctests.
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(kind: str) -> list[str]:
    return [
        body for lang, body in BLOCK_RE.findall(README.read_text(encoding="utf-8")) if lang == kind
    ]


def _commands() -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for block in _blocks("console"):
        current: tuple[str, list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (line[2:], [])
                commands.append(current)
            elif current is not None:
                current[1].append(line)
    return [(cmd, out) for cmd, out in commands if cmd.startswith("actorgraph ")]


def test_the_readme_has_examples() -> None:
    assert _commands(), "the README shows actorgraph commands"
    assert _blocks("pycon"), "the README shows a Python example"


@pytest.mark.parametrize(("command", "expected"), _commands(), ids=[c for c, _ in _commands()])
def test_readme_command(command: str, expected: list[str], tmp_path: Path) -> None:
    argv = shlex.split(command)
    argv[0] = shutil.which("actorgraph") or "actorgraph"
    result = subprocess.run(
        argv, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    if expected:
        shown = [line.rstrip() for line in expected]
        printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
        assert printed == shown


@pytest.mark.parametrize("block", _blocks("pycon"))
def test_readme_python(block: str) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0
