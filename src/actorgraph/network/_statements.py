"""Statements on edges: their ids, the sources they cite, and an edge's start, end and sources."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from actorgraph.network._values import iri_of
from actorgraph.vocab._dates import date_bounds


def statement_id(record: Mapping[str, Any]) -> str:
    return str(record["id"])


def source_info(data: Mapping[str, Any], attr_names: Mapping[str, str]) -> dict[str, Any]:
    wanted = {
        "title": "http://purl.org/dc/terms/title",
        "creator": "http://purl.org/dc/terms/creator",
        "publisher": "http://purl.org/dc/terms/publisher",
        "date": "http://purl.org/dc/terms/date",
        "url": "https://schema.org/url",
    }
    info: dict[str, Any] = {}
    for field, prop in wanted.items():
        attr = attr_names.get(prop)
        if attr is not None and attr in data:
            value = data[attr]
            if field == "url":
                value = [iri_of(v) for v in value] if isinstance(value, list) else value
                value = iri_of(value) if isinstance(value, str) else value
            info[field] = value
    return info


def edge_conveniences(data: dict[str, Any]) -> None:
    """An edge's start, end and sources, from its statements (the projection sets those of an
    edge with one statement itself, as its statement arrives)."""
    statements = data["statements"]
    if len(statements) == 1:  # the usual case: its own, no dates to compare
        only = statements[0]
        for key in ("start", "end"):
            value = only.get(key)
            if isinstance(value, str):
                data[key] = value
            else:
                data.pop(key, None)
        source = only.get("source")
        data["sources"] = [source] if isinstance(source, str) else []
        return
    data.pop("start", None)
    data.pop("end", None)
    starts = [st["start"] for st in statements if isinstance(st.get("start"), str)]
    ends = [st["end"] for st in statements if isinstance(st.get("end"), str)]
    if starts:
        data["start"] = min(starts, key=lambda d: date_bounds(d)[0])
    if ends:
        data["end"] = max(ends, key=lambda d: date_bounds(d)[1])
    data["sources"] = sorted(
        {st["source"] for st in statements if isinstance(st.get("source"), str)}
    )
