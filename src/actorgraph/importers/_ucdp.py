"""UCDP Georeferenced Event Dataset (GED): one row per dyad-event.

Two flavours are read, by column name: the HDX download (an ``iso3`` column and a second row of HXL
tags such as ``#date+start``; dates like ``2014-12-16 00:00:00.000``) and the API/Excel export
(True/False flags, ISO datetimes such as ``2013-07-24T00:00:00``).

Mapping, per row:

- ``agd:ucdp-ged-<id>``; one-sided violence (``type_of_violence`` 3) is an ``ag:Attack`` attributed to
  side A with side B (civilians) as its target; state-based (1) and non-state (2) violence are
  ``ag:Event`` with both sides as participants — a clash between two armed parties is not by itself
  one side's attack.
- ``best``/``low``/``high`` → ``ag:killed``/``ag:killedLow``/``ag:killedHigh``;
  ``deaths_civilians`` → ``ag:civilianDeaths``; the deaths of a side that is a government →
  ``ag:securityForceDeaths``, of any other armed side → ``ag:militantDeaths``.
- ``date_start``/``date_end``: one day → ``ag:date`` ``xsd:date``; a whole month or year → that
  month or year; any other range → ``ag:startDate``/``ag:endDate``; always
  ``ag:earliestDate``/``ag:latestDate``.
- Places: ``country`` → ``adm_1`` → ``adm_2`` → the named location (``where_coordinates``), as
  deep as ``where_prec`` allows (1–2 the location, 3 the district, 4 the province, else the country).
- Actors: side names through the curated names; an unknown side becomes ``agd:ucdp-actor-<side id>``.
- Conflict dyads: over the state-based and non-state rows, each pair (side A, side B) of resolved or
  provisional actors becomes ``side_a ag:opposes side_b`` with one statement (``prov:wasDerivedFrom
  ags:ucdp-ged``, rank normal) giving the first and last event dates as ``ag:startDate``/``ag:endDate``
  and the row count and summed best estimates as ``ag:eventCount``/``ag:deathCount``; aggregated while
  the rows stream, written into the same import graph (a re-import replaces them).

The label is ours: ``"UCDP GED event 156098: TTP – Civilians, 2014-12-16"``. The source prose columns
(``source_article``, ``source_headline``, …) are not imported.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping

from actorgraph.importers._driver import Importer, RowMapper
from actorgraph.importers._records import (
    ActorMention,
    DatasetInfo,
    EventRecord,
    RowError,
    count_value,
    date_range_value,
    decimal_value,
)
from actorgraph.vocab._dates import PartialDate, partial_date

__all__ = ["UCDP", "map_ucdp_row", "parse_ucdp_date"]

UCDP_GED = DatasetInfo(
    key="ucdp",
    source_slug="ucdp-ged",
    title="UCDP GED",
    creator="UCDP",
    publisher="UCDP",
    license="CC BY-IGO",
    short="UCDP GED",
)

REQUIRED = (
    "id", "type_of_violence", "side_a", "side_b", "date_start", "date_end", "best",
)  # fmt: skip

_DATE_RE = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?)?\s*\Z",
    re.ASCII,
)
_ID_RE = re.compile(r"^\d+$")
_KINDS = {"1": "state-based", "2": "non-state", "3": "one-sided"}
_GOVERNMENT = re.compile(r"^government of ", re.IGNORECASE)


def parse_ucdp_date(text: str, column: str) -> PartialDate:
    """Parse a UCDP date (``2014-12-16``, ``2014-12-16 00:00:00.000`` or ``2014-12-16T00:00:00``).

    Raises
    ------
    RowError
        For any other text, or a day that does not exist.

    Examples
    --------
    >>> parse_ucdp_date("2014-12-16 00:00:00.000", "date_start")
    PartialDate('2014-12-16')
    """
    found = _known_date(text or "")
    if found is not None:
        return found
    match = _DATE_RE.match(text or "")
    if not match:
        raise RowError(
            "invalid date",
            column,
            f"{text!r}; expected YYYY-MM-DD (a time of day HH:MM[:SS] may follow)",
        )
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return partial_date(year, month, day)
    except ValueError as exc:
        raise RowError("invalid date", column, f"{text!r} {exc}") from None


@functools.lru_cache(maxsize=1 << 14)
def _known_date(text: str) -> PartialDate | None:
    """The valid date ``text`` gives, else ``None`` (:func:`parse_ucdp_date` then says why).

    A GED file repeats its dates (one per day of the years it covers: 13,000 for 1989-2024), so
    each text is parsed once; the dates are shared between records, which never change them.
    """
    match = _DATE_RE.match(text)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return partial_date(year, month, day)
    except ValueError:
        return None


def map_ucdp_row(row: Mapping[str, str]) -> EventRecord:
    """Map one UCDP GED row to an :class:`EventRecord` (names unresolved).

    Raises
    ------
    RowError
        When the row has no valid id, dates, violence type or best estimate.
    """
    record_id = (row.get("id") or "").strip()
    if not _ID_RE.match(record_id):
        raise RowError("invalid id", "id", f"{record_id!r}; expected a whole number")
    kind = (row.get("type_of_violence") or "").strip()
    if kind not in _KINDS:
        raise RowError(
            "invalid type_of_violence", "type_of_violence", f"{kind!r}; expected 1, 2 or 3"
        )
    start = parse_ucdp_date(row.get("date_start", ""), "date_start")
    end = parse_ucdp_date(row.get("date_end", ""), "date_end")
    if end.earliest < start.earliest:
        raise RowError("invalid date", "date_end", f"{end.iso} is before date_start {start.iso}")
    date = date_range_value(start, end)
    record = EventRecord(
        record_id=record_id,
        slug=f"ucdp-ged-{record_id}",
        kind="Attack" if kind == "3" else "Event",
        label="",
        date=date,
        start=start,
        end=end,
        opposing=kind != "3",
    )
    best = count_value(row.get("best"), "best")
    if best is None:
        raise RowError(
            "missing best estimate", "best", "UCDP gives a best estimate for every event"
        )
    record.counts["killed"] = best
    for column, prop in (
        ("low", "killedLow"),
        ("high", "killedHigh"),
        ("deaths_civilians", "civilianDeaths"),
    ):
        value = count_value(row.get(column), column)
        if value is not None:
            record.counts[prop] = value
    # UCDP's low and high bound its best estimate; where a row's do not (40 rows of the Pakistan
    # file), the event keeps its best estimate and the bounds that contradict it are dropped and
    # reported, not stored as a range that says something false.
    low, high = record.counts.get("killedLow"), record.counts.get("killedHigh")
    if low is not None and low > best:
        del record.counts["killedLow"]
        record.dropped.append(("inconsistent estimates", "low", f"low {low} is above best {best}"))
    if high is not None and high < best:
        del record.counts["killedHigh"]
        record.dropped.append(
            ("inconsistent estimates", "high", f"high {high} is below best {best}")
        )
    side_a = (row.get("side_a") or "").strip()
    side_b = (row.get("side_b") or "").strip()
    if not side_a or not side_b:
        raise RowError(
            "missing side", "side_a" if not side_a else "side_b", "both sides are required"
        )
    security = militant = None
    for column, side in (("deaths_a", side_a), ("deaths_b", side_b)):
        value = count_value(row.get(column), column)
        if value is None or side.casefold() == "civilians":
            continue
        if _GOVERNMENT.match(side):
            security = (security or 0) + value
        else:
            militant = (militant or 0) + value
    if security is not None:
        record.counts["securityForceDeaths"] = security
    if militant is not None:
        record.counts["militantDeaths"] = militant
    a_id = (row.get("side_a_new_id") or row.get("side_a_dset_id") or "").strip() or None
    b_id = (row.get("side_b_new_id") or row.get("side_b_dset_id") or "").strip() or None
    if kind == "3":
        record.actors.append(ActorMention(side_a, "perpetrator", a_id))
        record.actors.append(ActorMention(side_b, "target", b_id))
    else:
        record.actors.append(ActorMention(side_a, "participant", a_id))
        record.actors.append(ActorMention(side_b, "participant", b_id))
    record.places = _places(row)
    try:
        lat = decimal_value(row.get("latitude"), "latitude", 90)
        long = decimal_value(row.get("longitude"), "longitude", 180)
    except RowError as err:
        record.dropped.append((err.reason, err.column, err.detail))
    else:
        if lat is not None and long is not None:
            record.lat, record.long = lat, long
    when = date.iso if date is not None else f"{start.iso} to {end.iso}"
    record.label = f"UCDP GED event {record_id}: {side_a} – {side_b}, {when}"
    return record


def _places(row: Mapping[str, str]) -> list[str]:
    precision = (row.get("where_prec") or "").strip()
    names = [(row.get(c) or "").strip() for c in ("country", "adm_1", "adm_2", "where_coordinates")]
    depth = {"1": 4, "2": 4, "3": 3, "4": 2}.get(precision, 1)
    chain: list[str] = []
    for name in names[:depth]:
        if name and name not in chain:
            chain.append(name)
    return chain


def _prepare(header: list[str]) -> tuple[str, RowMapper, Callable[[Mapping[str, str]], bool]]:
    flavour = "HDX" if "iso3" in (h.lower() for h in header) else "API"

    def skip(row: Mapping[str, str]) -> bool:
        # HDX's second row holds HXL tags (#date+start, ...), not an event.
        return not (row.get("id") or "").strip() and any(
            value.startswith("#") for value in row.values() if value
        )

    return flavour, map_ucdp_row, skip


UCDP = Importer(
    dataset=UCDP_GED,
    required=REQUIRED,
    encoding="utf-8-sig",
    id_column="id",
    prepare=_prepare,
    hints={"IS": ["Islamic State"], "Taleban": ["Taliban"]},
)
