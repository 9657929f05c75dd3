"""The Examples sections of the NetworkX side's docstrings run as doctests."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        # Its examples project the bundled graph several times (2.5 s of CPU).
        pytest.param("actorgraph.network._to_networkx", marks=pytest.mark.slow),
        "actorgraph.network._from_networkx",
        "actorgraph.network._filters",
        "actorgraph.network._analytics",
        "actorgraph.network._export",
        "actorgraph.network._families",
    ],
)
def test_docstring_examples(module: str) -> None:
    result = doctest.testmod(
        importlib.import_module(module),
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        raise_on_error=False,
    )
    assert result.attempted > 0
    assert result.failed == 0
