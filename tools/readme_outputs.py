"""Fill in the output of every ``$ actorgraph …`` command in README.md by running it.

Run after the data changes: ``python tools/readme_outputs.py``; ``tests/test_readme.py`` then checks that
the README shows exactly what the commands print.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK_RE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _fill(match: re.Match[str]) -> str:
    lines: list[str] = []
    for line in match.group(1).splitlines():
        if not line.startswith("$ "):
            if lines and lines[-1].startswith("$ actorgraph "):
                continue
            if any(l.startswith("$ actorgraph ") for l in lines):
                continue
            lines.append(line)
            continue
        lines.append(line)
        if line.startswith("$ actorgraph "):
            argv = shlex.split(line[2:])
            argv[0] = shutil.which("actorgraph") or "actorgraph"
            with tempfile.TemporaryDirectory() as tmp:
                result = subprocess.run(argv, cwd=tmp, capture_output=True, text=True, check=True)
            lines.extend(l.rstrip() for l in (result.stdout + result.stderr).splitlines())
    return "```console\n" + "\n".join(lines) + "\n```"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    README.write_text(BLOCK_RE.sub(_fill, text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
