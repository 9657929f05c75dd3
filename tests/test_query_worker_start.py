"""A query worker that cannot start is replaced, not waited for until the query's timeout.

A query with a timeout runs in a forked worker. A fork copies every lock as it was at that moment,
and an on-disk store's RocksDB threads may hold one: such a worker blocks on its first read of the
store, and its query used to be reported as too slow after the whole timeout (seen once in CI, on
a one-line query). These tests make workers hang at their start the way an inherited lock would
(a hook that runs in the child right after the fork, installed by a ``sitecustomize`` module on
``PYTHONPATH``) and check that the query is answered by the next worker, that the hung one is
killed, and that when none can start the user gets a clear error instead of a wait.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests._serve import Server

sys.path.insert(0, str(Path(__file__).parent / "hostile"))
from _hostile import assert_clean_failure, run_cli

pytestmark = pytest.mark.slow

# Runs in every Python process started with PYTHONPATH pointing at it: each forked child records
# its process id, and the first HANG_FORKS of them stop there (as if blocked on a held lock).
_SITECUSTOMIZE = """
import os, time
from pathlib import Path

_MARKER = Path(os.environ["AG_TEST_FORK_LOG"])
_HANG_FORKS = int(os.environ["AG_TEST_HANG_FORKS"])


def _after_fork_in_child():
    with _MARKER.open("a") as log:
        log.write(f"{os.getpid()}\\n")
    if len(_MARKER.read_text().split()) <= _HANG_FORKS:
        time.sleep(600)


os.register_at_fork(after_in_child=_after_fork_in_child)
"""

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a ag:ArmedGroup }"


def _hanging_forks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hang: int) -> Path:
    """Make the Python processes this test starts hang their first ``hang`` forked children;
    return the file that lists every forked child's process id."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    log = tmp_path / "forks.log"
    monkeypatch.setenv("AG_TEST_FORK_LOG", str(log))
    monkeypatch.setenv("AG_TEST_HANG_FORKS", str(hang))
    paths = [str(hooks), os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
    return log


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _forked(log: Path) -> list[int]:
    return [int(pid) for pid in log.read_text().split()] if log.exists() else []


def _kill_all(pids: list[int]) -> None:
    for pid in pids:
        if _alive(pid):
            os.kill(pid, 9)


def test_a_query_whose_first_worker_hangs_is_answered_by_the_next(
    tmp_path: Path, bundled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _hanging_forks(tmp_path, monkeypatch, hang=1)
    script = f"""
import json, actorgraph
kg = actorgraph.load(store={str(bundled_store)!r})
with_timeout = [[str(v) for v in row] for row in kg.query({_COUNT!r}, timeout=60)]
without = [[str(v) for v in row] for row in kg.query({_COUNT!r})]
print(json.dumps([with_timeout, without]))
"""
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        with_timeout, without = json.loads(done.stdout)
        assert with_timeout == without
        assert int(with_timeout[0][0]) >= 2
        forked = _forked(log)
        assert len(forked) == 2  # the hung worker, then the one that answered
        assert not _alive(forked[0]), "the worker that never started was left running"
    finally:
        _kill_all(_forked(log))


def test_a_query_for_which_no_worker_starts_fails_with_a_clear_message(
    tmp_path: Path, bundled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _hanging_forks(tmp_path, monkeypatch, hang=99)
    try:
        done = run_cli("query", _COUNT, "--store", bundled_store)
        assert_clean_failure(done, 4)  # QueryError, no traceback, an error line
        assert "could not read the store" in done.stderr
        assert "run the query again" in done.stderr
        assert done.stdout == ""
        forked = _forked(log)
        assert len(forked) == 3
        assert not [pid for pid in forked if _alive(pid)], "hung workers were left running"
    finally:
        _kill_all(_forked(log))


@pytest.mark.server
def test_the_endpoint_replaces_a_worker_that_hangs_at_its_start(
    tmp_path: Path, bundled_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = _hanging_forks(tmp_path, monkeypatch, hang=1)
    server = Server("--store", str(bundled_store))
    try:
        answer = httpx.post(
            server.sparql,
            data={"query": _COUNT},
            headers={"Accept": "application/sparql-results+json"},
            timeout=120,
        )
        assert answer.status_code == 200, answer.text
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) >= 2
        forked = _forked(log)
        assert len(forked) == 2
        assert not _alive(forked[0]), "the worker that never started was left running"
    finally:
        _kill_all(_forked(log))  # first: a hung worker would hold the server's stderr open
        server.stop()
