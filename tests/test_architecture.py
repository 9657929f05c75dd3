"""The layout is the architecture: no import cycle, arrows that point one way, no oversized module.

Every module's imports are read with :mod:`ast` (imports inside functions count: they run too; those
under ``if TYPE_CHECKING:`` do not), the modules and the packages become two directed graphs, and
both must be acyclic. The packages are layered as ``docs/design.md`` draws them; a package imports
only packages of its own layer or below. The last test plants each kind of fault in a copy of the
package and checks that the checks see it, so that they can fail.
"""

from __future__ import annotations

import ast
import functools
import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
#: "No module over about 600 lines" (STYLE.md): the limit, with a little slack.
MAX_LINES = 650
#: The packages from the bottom layer up, as docs/design.md's layout table lists them. The top-level
#: private modules (``actorgraph._errors``…) are the bottom layer; ``actorgraph`` itself (the public
#: surface that re-exports the library) sits just below the command line.
LAYERS = [
    "actorgraph._base",
    "actorgraph.vocab",
    "actorgraph.curation",
    "actorgraph.sparql",
    "actorgraph.network",
    "actorgraph.page",
    "actorgraph.store",
    "actorgraph.importers",
    "actorgraph.http",
    "actorgraph",
    "actorgraph.cli",
    "actorgraph.__main__",  # python -m actorgraph: runs the command line
]


def module_files(src: Path) -> dict[str, Path]:
    """Every module of the ``actorgraph`` package under ``src``, by dotted name."""
    modules = {}
    for path in sorted((src / "actorgraph").rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


@functools.cache
def _imported(text: str, module: str, is_package: bool, modules: frozenset[str]) -> set[str]:
    """The dotted names a module imports (relative imports resolved), outside TYPE_CHECKING blocks.

    Cached by text: the planted faults below re-read only the modules they change.
    """
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = module.split(".") if is_package else module.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join([*package, base] if base else package)
            # `from actorgraph.cli import _query` imports the module `_query` (its package is
            # imported first whatever the import, as for `import actorgraph.cli._query`);
            # `from actorgraph.cli import main` takes a name from the package itself.
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            )
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(text, filename=module))
    return found


def import_graph(src: Path) -> nx.DiGraph:
    """Modules of ``actorgraph`` under ``src``, with an edge from each module to each it imports."""
    files = module_files(src)
    graph = nx.DiGraph()
    graph.add_nodes_from(files)
    names = frozenset(files)
    for module, path in files.items():
        text = path.read_text(encoding="utf-8")
        for name in _imported(text, module, path.name == "__init__.py", names):
            # `from actorgraph.sparql import _html` names a module; `from x import func`, its module.
            if name in files and name != module:
                graph.add_edge(module, name)
    return graph


def package_of(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "actorgraph"
    if parts[1].startswith("_") and not parts[1].startswith("__"):
        return "actorgraph._base"
    return ".".join(parts[:2])


def package_graph(modules: nx.DiGraph) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from({package_of(m) for m in modules})
    for a, b in modules.edges:
        if package_of(a) != package_of(b):
            graph.add_edge(package_of(a), package_of(b), via=(a, b))
    return graph


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One cycle for each strongly connected part of ``graph`` that has one."""
    found = []
    for part in nx.strongly_connected_components(graph):
        if len(part) > 1:
            found.append(nx.find_cycle(graph.subgraph(part)))
    return [[a for a, _ in cycle] + [cycle[-1][1]] for cycle in found]


def upward_imports(modules: nx.DiGraph) -> list[str]:
    """Imports from a lower layer into a higher one, as ``importer -> imported``."""
    rank = {package: i for i, package in enumerate(LAYERS)}
    return sorted(
        f"{a} -> {b}" for a, b in modules.edges if rank[package_of(a)] < rank[package_of(b)]
    )


def long_modules(src: Path, limit: int = MAX_LINES) -> list[str]:
    out = []
    for module, path in module_files(src).items():
        lines = path.read_text(encoding="utf-8").count("\n")
        if lines > limit:
            out.append(f"{module} ({lines} lines)")
    return out


@pytest.fixture(scope="module")
def modules() -> nx.DiGraph:
    return import_graph(SRC)


def test_every_package_has_a_layer(modules: nx.DiGraph) -> None:
    unknown = {package_of(m) for m in modules} - set(LAYERS)
    assert not unknown, f"add these packages to LAYERS (and docs/design.md's layout): {unknown}"


def test_the_graph_is_read(modules: nx.DiGraph) -> None:
    # A reader that found no imports would pass every check below.
    assert modules.number_of_nodes() > 50
    assert modules.has_edge("actorgraph.sparql._runner", "actorgraph.sparql._guard")
    assert modules.has_edge("actorgraph.cli._main", "actorgraph.cli._query")


def test_no_import_cycle_between_modules(modules: nx.DiGraph) -> None:
    found = cycles(modules)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_no_import_cycle_between_packages(modules: nx.DiGraph) -> None:
    packages = package_graph(modules)
    found = cycles(packages)
    # Each step of a cycle names one import that makes it.
    detail = [
        " -> ".join(c)
        + ": "
        + ", ".join(" imports ".join(packages.edges[step]["via"]) for step in itertools.pairwise(c))
        for c in found
    ]
    assert not found, "import cycles between packages:\n" + "\n".join(detail)


def test_imports_point_down_the_layers(modules: nx.DiGraph) -> None:
    found = upward_imports(modules)
    assert not found, "a lower layer imports a higher one:\n" + "\n".join(found)


def test_no_module_is_too_long() -> None:
    found = long_modules(SRC)
    assert not found, f"modules over {MAX_LINES} lines (split them by job):\n" + "\n".join(found)


def test_the_checks_see_a_planted_fault(tmp_path: Path) -> None:
    copy = tmp_path / "src"
    shutil.copytree(SRC / "actorgraph", copy / "actorgraph")
    # A cycle inside sparql, through a relative import inside a function (a lazy import).
    guard = copy / "actorgraph" / "sparql" / "_guard.py"
    guard.write_text(
        guard.read_text(encoding="utf-8")
        + "\n\ndef _planted() -> None:\n    from ._runner import run_local  # noqa\n"
    )
    # The vocabulary importing the command line: upward, and a cycle between packages.
    names = copy / "actorgraph" / "vocab" / "_names.py"
    names.write_text(names.read_text(encoding="utf-8") + "\nimport actorgraph.cli._main  # noqa\n")
    # A module grown too long.
    dates = copy / "actorgraph" / "vocab" / "_dates.py"
    dates.write_text(dates.read_text(encoding="utf-8") + "\n" * MAX_LINES)

    planted = import_graph(copy)
    module_cycles = cycles(planted)
    assert any(
        {"actorgraph.sparql._guard", "actorgraph.sparql._runner"} <= set(c) for c in module_cycles
    )
    assert any(
        {"actorgraph.vocab", "actorgraph.cli"} <= set(c) for c in cycles(package_graph(planted))
    )
    assert "actorgraph.vocab._names -> actorgraph.cli._main" in upward_imports(planted)
    assert "actorgraph.vocab._dates" in [m.split(" ")[0] for m in long_modules(copy)]
    # Code under TYPE_CHECKING is not an import at run time.
    store = copy / "actorgraph" / "vocab" / "_namespaces.py"
    store.write_text(
        store.read_text(encoding="utf-8")
        + "\nfrom typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import actorgraph.http._server\n"
    )
    assert not import_graph(copy).has_edge(
        "actorgraph.vocab._namespaces", "actorgraph.http._server"
    )


@pytest.mark.slow
def test_every_module_imports_where_fcntl_does_not_exist() -> None:
    # Windows has no fcntl: the store's lock imports it only when it takes a lock on POSIX, so
    # every module imports there. Simulated by making it unimportable.
    script = """
import importlib, pkgutil, sys
sys.modules["fcntl"] = None
import actorgraph
for module in pkgutil.walk_packages(actorgraph.__path__, "actorgraph."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
print("fcntl" in sys.modules and sys.modules["fcntl"] is not None)
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
