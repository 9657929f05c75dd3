"""Both ways of installing work from any directory: a built wheel in a fresh venv, and editable."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from actorgraph.page._render import _VIEWER_SCRIPTS

#: Each test builds or installs the package and runs it in fresh interpreters: the slow set.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]

SMOKE = """
import actorgraph, sys
kg = actorgraph.load()
rows = kg.query("SELECT ?g WHERE { agd:bajaur-rally-bombing-2023 ag:claimedBy ?g }")
assert [str(r.g).rsplit('/', 1)[-1] for r in rows] == ["iskp"], list(rows)
print(actorgraph.__file__)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("actorgraph-*.whl")
    return built


def test_the_wheel_ships_ontology_data_viz_and_queries(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    for expected in [
        "actorgraph/ontology/actorgraph.ttl",
        "actorgraph/ontology/shapes.ttl",
        "actorgraph/py.typed",
        # The page's template, styles and every script it inlines; the map's base layer and its
        # licence.
        "actorgraph/viz/template.html",
        "actorgraph/viz/viewer.css",
        *(f"actorgraph/viz/{name}" for name in _VIEWER_SCRIPTS),
        "actorgraph/viz/basemap.json",
        "actorgraph/viz/basemap.LICENSE",
    ]:
        assert expected in names
    assert any(n.startswith("actorgraph/data/curated/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("actorgraph/viz/") for n in names)
    # Every script the page inlines, so an installed page works as the source tree's does.
    for script in sorted((Path(__file__).parents[1] / "viz").glob("*.js")):
        assert f"actorgraph/viz/{script.name}" in names, script.name
    assert any(n.startswith("actorgraph/queries/") and n.endswith(".rq") for n in names)


def test_the_wheel_installs_and_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # The runtime dependencies come from this interpreter's site-packages (whether it is itself a
    # venv or not), listed after the new venv's own: the package itself only from the wheel.
    # A path in a .pth file is added as is; .pth files inside it (an editable install's hook) are
    # not run, so the source tree stays out of reach.
    inner = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    outer = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(inner) / "outer-site-packages.pth").write_text("\n".join(sorted(outer)) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Without PYTHONPATH, nothing but the wheel's copy can be imported.
    clean_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(python), "-c", SMOKE],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=clean_env,
    )
    assert result.returncode == 0, result.stderr
    assert str(env_dir) in result.stdout, "the source tree was imported, not the wheel's copy"
    script = env_dir / "bin" / "actorgraph"
    page = elsewhere / "page.html"
    viz = subprocess.run(
        [str(script), "viz", "-o", str(page)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=clean_env,
    )
    assert viz.returncode == 0, viz.stderr
    assert page.stat().st_size > 10_000


def test_the_editable_install_runs_from_another_directory(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SMOKE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert str(ROOT / "src") in result.stdout
