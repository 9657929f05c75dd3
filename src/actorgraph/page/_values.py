"""Attribute values as the page's JSON carries them: text, lists, statements, and the short name
of a CURIE."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["as_list", "as_text", "display", "json_statements", "slug"]


def json_statements(value: Any) -> list[dict[str, Any]]:
    """Keep statement dicts, with JSON-safe values."""
    return [
        {str(k): _json_value(v) for k, v in item.items() if v is not None}
        for item in as_list(value)
        if isinstance(item, Mapping)
    ]


def _json_value(value: Any) -> bool | int | float | str:
    """A number JSON carries as a number (finite, an integer of 64 bits at most), else text."""
    if isinstance(value, bool) or (isinstance(value, float) and math.isfinite(value)):
        return value
    if isinstance(value, int) and -(2**63) <= value < 2**64:
        return value
    return as_text(value)


def as_list(value: Any) -> list[Any]:
    """An attribute's values as a list: one value (a string, a mapping) is a list of one."""
    if value is None:
        return []
    if isinstance(value, str | bytes | Mapping):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    return [value]


def as_text(value: Any) -> str:
    """An attribute's value as text (``None`` is the empty string, bytes are read as UTF-8)."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def display(value: Any) -> str | list[str]:
    """An attribute's value as text; several values stay a list (the page puts one a line)."""
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    if isinstance(value, list | tuple):
        items = [as_text(v) for v in value]
        return items[0] if len(items) == 1 else items
    return as_text(value)


def slug(curie: str) -> str:
    """The part of a CURIE or IRI after its last ``:`` and ``/``."""
    return curie.rsplit(":", 1)[-1].rsplit("/", 1)[-1]
