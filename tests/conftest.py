"""Shared test set-up.

pytest puts this directory on ``sys.path`` because this file is here (the ``prepend`` import mode),
so test modules in subdirectories (``tests/hostile/``) import the helpers beside it:
``from _serve import Server``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import actorgraph
from _stores import copy_store
from actorgraph._derived import KEEP_ENV


@pytest.fixture(scope="session", autouse=True)
def _derive_afresh() -> Iterator[None]:
    """Every test derives views and profiles from the store (the CLI's subprocesses too): a result
    kept by an earlier call on a shared store would otherwise stand in for the derivation a test
    means to exercise. tests/test_derived.py turns the keeping on where it tests it."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(KEEP_ENV, "0")
        yield


@pytest.fixture(scope="session")
def bundled_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store as ``actorgraph.load(store=DIR)`` creates it, made once per test session.

    Creating one fills RocksDB through a staging graph: about 7 s of CPU (a minute of waiting on a
    busy machine); copying the closed directory takes a fifth of a second. Tests copy it with
    :func:`bundled_store`, or a module's fixture with ``_stores.copy_store``; never open this one.
    """
    path = tmp_path_factory.mktemp("bundled-store") / "kg"
    actorgraph.load(store=path).close()
    return path


@pytest.fixture
def bundled_store(bundled_store_template: Path, tmp_path: Path) -> Path:
    """A new on-disk store of this test's own (``tmp_path / "kg"``) that holds the bundled data and
    nothing else, exactly as a first ``actorgraph.load(store=...)`` or ``--store`` leaves it."""
    return copy_store(bundled_store_template, tmp_path / "kg")
