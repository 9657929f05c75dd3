"""Helpers of the hostile-input tests: run the real command line, fingerprint files and stores."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated"
CSV = HERE / "csv"
QUERIES = HERE / "queries"
#: ../shared next to the repository (the team's shared files), absent on a plain checkout.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS = SHARED / "seeds"

#: Run the console script's own entry point with this interpreter, so the tests use the code under test.
_ENTRY = "import sys; from actorgraph.cli import main; sys.exit(main())"


@dataclass
class Run:
    """What one command-line run did."""

    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        """The ``actorgraph: error: …`` lines on standard error."""
        return [line for line in self.stderr.splitlines() if line.startswith("actorgraph: error:")]


def run_cli(
    *args: str | os.PathLike[str],
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 300,
    stdin: str | None = None,
) -> Run:
    """Run ``actorgraph ARGS…`` as a subprocess and return its exit code and output."""
    # Bytes, decoded without newline translation, so that CRLF in W3C CSV stays visible.
    proc = subprocess.run(
        [sys.executable, "-c", _ENTRY, *map(str, args)],
        cwd=cwd,
        input=None if stdin is None else stdin.encode("utf-8"),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Run(
        proc.returncode,
        proc.stdout.decode("utf-8", "replace"),
        proc.stderr.decode("utf-8", "replace"),
    )


def assert_clean_failure(run: Run, code: int) -> None:
    """The run failed the way a user error should: its exit code, no traceback, an error line."""
    assert run.code == code, (run.code, run.stderr[-2000:])
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert "internal error" not in run.stderr, run.stderr[-2000:]
    assert run.error_lines, run.stderr[-2000:]


def fingerprint(*paths: str | os.PathLike[str]) -> dict[str, str]:
    """SHA-256 of every file under the paths (files or directories), by path; absent paths count too."""
    out: dict[str, str] = {}
    for root in map(Path, paths):
        if not root.exists():
            out[str(root)] = "absent"
            continue
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def store_state(store: str | os.PathLike[str]) -> dict[str, object]:
    """What an on-disk store holds beyond the bundled data, read in a fresh process: the names of all
    its named graphs, and the size and a digest (sorted N-Quads) of every other graph.

    The ontology, curated and meta graphs are left out: opening a store refreshes them whenever the
    bundled data changed, which happens while the data is being edited, not because of an import.
    """
    code = (
        "import hashlib, json, sys, actorgraph\n"
        "kg = actorgraph.load(store=sys.argv[1])\n"
        "bundled = {'https://w3id.org/actorgraph/graph/' + g for g in ('ontology', 'curated', 'meta')}\n"
        "names = sorted(g.value for g in kg.store.named_graphs())\n"
        "lines = sorted(str(q) for q in kg.store if getattr(q.graph_name, 'value', '') not in bundled)\n"
        "digest = hashlib.sha256('\\n'.join(lines).encode()).hexdigest()\n"
        "print(json.dumps({'named': names, 'quads': len(lines), 'sha256': digest}))\n"
        "kg.close()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(store)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    state: dict[str, object] = json.loads(proc.stdout)
    return state
