"""The test markers: every one the tests use is declared in pyproject.toml, and the README names
each declared marker and leaves every one out of its quick test command."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: pytest's own markers, which need no declaration.
BUILTIN = {"parametrize", "skip", "skipif", "xfail", "usefixtures", "filterwarnings"}
USE_RE = re.compile(r"pytest\.mark\.(\w+)")


def _declared() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    lines = config["tool"]["pytest"]["ini_options"]["markers"]
    return {line.split(":", 1)[0].strip() for line in lines}


def _used() -> dict[str, list[str]]:
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in USE_RE.findall(path.read_text(encoding="utf-8")):
            if name not in BUILTIN:
                used.setdefault(name, []).append(str(path.relative_to(ROOT)))
    return used


def test_every_marker_used_is_declared() -> None:
    undeclared = {name: files for name, files in _used().items() if name not in _declared()}
    assert undeclared == {}, "declare these in pyproject.toml's [tool.pytest.ini_options] markers"


def test_the_readme_names_every_marker_and_its_quick_command_leaves_each_out() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run the tests", 1)[1].split("\n## ", 1)[0]
    declared = _declared()
    assert {"server", "browser", "gephi", "slow"} <= declared
    for name in declared:
        assert f"`-m {name}`" in section, f"the README's test section does not explain -m {name}"
    (quick,) = re.findall(r'^\$ (?:python -m )?pytest -m "([^"]+)"$', section, re.MULTILINE)
    assert set(re.findall(r"not (\w+)", quick)) == declared, quick
    assert re.search(r"under a minute|in \d+ s", section), "the README states the quick set's time"
