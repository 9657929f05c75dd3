"""Fill in the output of every ``$ actorgraph …`` command in the README and the tutorials by running it.

Run after the data changes: ``python tools/doc_outputs.py``; ``tests/test_docs.py`` then checks that the
documents show exactly what the commands print.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs" / "tutorials").glob("*.md"))]
BLOCK_RE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _run(command: str) -> list[str]:
    argv = shlex.split(command)
    argv[0] = shutil.which("actorgraph") or "actorgraph"
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, check=True)
    return [line.rstrip() for line in (result.stdout + result.stderr).splitlines()]


def _fill(match: re.Match[str]) -> str:
    """Replace the output under each ``$ actorgraph`` line with what the command prints now."""
    out: list[str] = []
    replacing = False
    for line in match.group(1).splitlines():
        if line.startswith("$ "):
            out.append(line)
            replacing = line.startswith("$ actorgraph ")
            if replacing:
                out.extend(_run(line[2:]))
        elif not replacing:
            out.append(line)
    return "```console\n" + "\n".join(out) + "\n```"


def main() -> int:
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        document.write_text(BLOCK_RE.sub(_fill, text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
