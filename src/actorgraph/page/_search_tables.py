"""The tables the page's search needs to normalise names as :func:`actorgraph.vocab._names.normalize_name`
does (Unicode's combining marks, case folding and spaces, taken from this Python)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from typing import Any

from actorgraph.vocab import _names

__all__ = ["code_points_with_properties", "normalize_tables"]


def code_points_with_properties() -> Iterable[int]:
    """The planes that hold combining, case-folding or space characters (a test checks this).

    Planes 2-13 hold CJK ideographs and unassigned code points; plane 15-16 private use.
    Scanning only planes 0, 1 and 14 takes a tenth of the time of all 1.1 million.
    """
    yield from range(0x20000)
    yield from range(0xE0000, 0xE1000)


@functools.lru_cache(maxsize=1)
def normalize_tables() -> dict[str, Any]:
    """The data :func:`actorgraph.vocab._names.normalize_name`'s JavaScript port needs.

    Python's ``unicodedata.combining``, ``str.casefold`` and ``str.isspace`` have no exact
    JavaScript counterpart, so their tables are taken from this Python and shipped.
    """
    combining: list[list[int]] = []
    fold: dict[str, str] = {}
    space: list[int] = []
    for cp in code_points_with_properties():
        ch = chr(cp)
        if unicodedata.combining(ch):
            if combining and combining[-1][1] == cp - 1:
                combining[-1][1] = cp
            else:
                combining.append([cp, cp])
        folded = ch.casefold()
        if folded != ch.lower():
            fold[ch] = folded
        if ch.isspace():
            space.append(cp)
    return {
        "combining": combining,
        "fold": fold,
        "space": space,
        "dashes": _names._DASHES + "_/",
        "drop": "\u2019'",
        "words": dict(_names._WORD_FOLDS),
    }
