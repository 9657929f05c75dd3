"""A persistent store SIGKILLed in the middle of an import reopens with the old state or the new, never half.

Each trial copies a store that holds one small import (the old state), starts ``actorgraph import gtd``
of a big synthetic GTD-format file as a real subprocess, and kills it with SIGKILL at one point:
while the rows are read, or some time after the last row (while the N-Triples are bulk-loaded into
a staging graph, or the staging graph is moved into place). The store is then reopened in a fresh
process and compared with the old state and with the state a complete import gives (bit for bit:
every graph other than the bundled ones, and the list of named graphs, so a staging graph left
behind counts as "half").
"""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from _hostile import run_cli, store_state

from _stores import sigkill

pytestmark = pytest.mark.slow

ROWS = 60_000
_ENTRY = "import sys; from actorgraph.cli import main; sys.exit(main())"
_GROUPS = [
    "Tehrik-i-Taliban Pakistan (TTP)",
    "Khorasan Chapter of the Islamic State",
    "Lashkar-e-Jhangvi",
    "Unknown",
]
_PLACES = [("Khyber Pakhtunkhwa", "Peshawar"), ("Balochistan", "Quetta"), ("Sindh", "Karachi")]


def write_gtd(path: Path, rows: int, *, first_id: int, seed: int) -> Path:
    """A synthetic GTD-format CSV (latin-1, GTD's columns) with ``rows`` rows; reproducible."""
    rng = random.Random(seed)
    header = [
        "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude",
        "longitude", "attacktype1_txt", "targtype1_txt", "gname", "gname2", "gname3",
        "guncertain1", "guncertain2", "guncertain3", "claimed", "claim2", "claim3", "nkill",
        "nkillter", "nwound",
    ]  # fmt: skip
    with path.open("w", newline="", encoding="latin-1") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for i in range(rows):
            province, city = rng.choice(_PLACES)
            writer.writerow(
                [
                    first_id + i, rng.randint(2010, 2020), rng.randint(1, 12), rng.randint(1, 28),
                    "Pakistan", province, city, "", "", "Bombing/Explosion", "Police",
                    rng.choice(_GROUPS), "", "", 0, "", "", rng.randint(0, 1), "", "",
                    rng.randint(0, 30), "", rng.randint(0, 60),
                ]
            )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("fault-kill")
    small = write_gtd(tmp / "gtd_small.csv", 200, first_id=199_000_000_000, seed=1)
    big = write_gtd(tmp / "gtd_big.csv", ROWS, first_id=201_000_000_000, seed=2)
    old = tmp / "old-store"
    run = run_cli("import", "gtd", small, "--store", old, "--quiet")
    assert run.code == 0, run.stderr
    # The new state: the same store after a complete import of the big file.
    new = tmp / "new-store"
    shutil.copytree(old, new)
    run = run_cli("import", "gtd", big, "--store", new, "--quiet", timeout=900)
    assert run.code == 0, run.stderr
    return {
        "tmp": tmp,
        "big": big,
        "old": old,
        "old_state": store_state(old),
        "new_state": store_state(new),
    }


def _import_and_kill(store: Path, big: Path, tmpdir: Path, percent: int, delay: float) -> str:
    """Start the import, wait until its progress passes ``percent``, wait ``delay`` s, SIGKILL it.

    Returns what happened: ``"killed"`` or ``"finished"`` (the import ended before the kill).
    """
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    # Progress goes to stderr every 10% when it is not a terminal.
    proc = subprocess.Popen(
        [sys.executable, "-c", _ENTRY, "import", "gtd", str(big), "--store", str(store)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            match = re.search(r"(\d+)% \(", line)
            if match and int(match.group(1)) >= percent:
                break
        time.sleep(delay)
        return sigkill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


@pytest.mark.parametrize(
    ("percent", "delay"),
    [
        pytest.param(30, 0.0, id="while-reading-rows"),
        pytest.param(100, 0.0, id="at-the-last-row"),
        pytest.param(100, 12.0, id="last-row-plus-12s"),
        pytest.param(100, 1.5, id="last-row-plus-1.5s"),
        pytest.param(100, 3.0, id="last-row-plus-3s"),
        pytest.param(100, 6.0, id="last-row-plus-6s"),
    ],
)
def test_a_store_killed_mid_import_reopens_old_or_new_never_half(
    setup: dict[str, object], tmp_path: Path, percent: int, delay: float
) -> None:
    store = tmp_path / "store"
    shutil.copytree(setup["old"], store)  # type: ignore[arg-type]
    outcome = _import_and_kill(store, setup["big"], tmp_path / "tmp", percent, delay)  # type: ignore[arg-type]
    state = store_state(store)
    which = (
        "old" if state == setup["old_state"] else "new" if state == setup["new_state"] else "HALF"
    )
    print(f"{percent}%+{delay}s: {outcome}, reopened with the {which} state")
    assert which != "HALF", (outcome, state, setup["old_state"], setup["new_state"])
    # The checkpoint the import took is put back or discarded: nothing of it is left.
    assert sorted(os.listdir(store)) == ["actorgraph.lock", "oxigraph"]
    if percent < 100:
        assert (outcome, which) == ("killed", "old")
        # The store still takes a complete import, which gives the new state.
        run = run_cli("import", "gtd", setup["big"], "--store", store, "--quiet", timeout=900)  # type: ignore[arg-type]
        assert run.code == 0, run.stderr
        assert store_state(store) == setup["new_state"]
