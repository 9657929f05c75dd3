"""The README's and the tutorials' examples run and print exactly what the documents show.

``console`` blocks: each ``$ actorgraph …`` line is run (in a scratch directory) and, where the document
shows output under it, the output must match line for line (``python tools/doc_outputs.py`` refreshes
them). Other commands (pip, pytest, curl) are set-up steps the suite stands for elsewhere. ``pycon`` blocks
run as doctests. The documentation site builds with MkDocs in strict mode (warnings are errors).
"""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs" / "tutorials").glob("*.md"))]
BLOCK_RE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _blocks(document: Path, kind: str) -> list[str]:
    text = document.read_text(encoding="utf-8")
    return [body for lang, body in BLOCK_RE.findall(text) if lang == kind]


def _commands(document: Path) -> list[tuple[str, list[str]]]:
    commands: list[tuple[str, list[str]]] = []
    for block in _blocks(document, "console"):
        current: tuple[str, list[str]] | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                current = (line[2:], [])
                commands.append(current)
            elif current is not None:
                current[1].append(line)
    return [(cmd, out) for cmd, out in commands if cmd.startswith("actorgraph ")]


COMMANDS = [
    pytest.param(command, expected, id=f"{doc.name}: {command[:60]}")
    for doc in DOCUMENTS
    for command, expected in _commands(doc)
]
# A document's Python blocks run in order in one namespace, as a reader runs them.
PYCON = [
    pytest.param("\n".join(_blocks(doc, "pycon")), id=doc.name)
    for doc in DOCUMENTS
    if _blocks(doc, "pycon")
]


def test_the_readme_and_each_tutorial_have_examples() -> None:
    assert _commands(ROOT / "README.md")
    assert _blocks(ROOT / "README.md", "pycon")
    assert len(DOCUMENTS) >= 4, "the README and three tutorials"
    for document in DOCUMENTS[1:]:
        assert _commands(document) or _blocks(document, "pycon"), (
            f"{document.name} shows no example"
        )


@pytest.mark.slow  # each runs the installed actorgraph command in a process of its own
@pytest.mark.parametrize(("command", "expected"), COMMANDS)
def test_document_command(command: str, expected: list[str], tmp_path: Path) -> None:
    argv = shlex.split(command)
    argv[0] = shutil.which("actorgraph") or "actorgraph"
    result = subprocess.run(
        argv, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    if expected:
        shown = [line.rstrip() for line in expected]
        printed = [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]
        assert printed == shown, "refresh with: python tools/doc_outputs.py"


@pytest.mark.slow
@pytest.mark.parametrize("block", PYCON)
def test_document_python(block: str) -> None:
    test = doctest.DocTestParser().get_doctest(block, {}, "document", None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0


@pytest.mark.slow  # mkdocs builds the whole site
def test_the_documentation_site_builds_without_warnings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site" / "index.html").is_file()
