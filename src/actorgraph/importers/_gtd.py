"""Global Terrorism Database (GTD): one row per incident.

The CSV export is latin-1 (pass another ``encoding`` if yours is not); the XLSX export is read only
when ``openpyxl`` is installed (``pip install 'actorgraph[xlsx]'`` or ``pip install openpyxl``).

Mapping, per row:

- ``agd:gtd-<eventid>``, an ``ag:Attack`` (``ag:Assassination`` when ``attacktype1_txt`` says so):
  every GTD incident is an attack by the dataset's definition.
- ``iyear``/``imonth``/``iday``: ``iday`` 0 → ``xsd:gYearMonth``, ``imonth`` 0 → ``xsd:gYear``;
  ``ag:earliestDate``/``ag:latestDate`` follow.
- ``nkill`` → ``ag:killed``, ``nwound`` → ``ag:injured``, ``nkillter`` → ``ag:militantDeaths``
  (perpetrators killed); blank, -9 and -99 mean unknown and leave the value out.
- ``gname``/``gname2``/``gname3`` → ``ag:attributedTo`` (and ``ag:participant``); "Unknown" is no
  actor. ``claimed``/``claim2``/``claim3`` = 1 → ``ag:claimedBy``. ``guncertain1..3`` = 1 → the
  attribution also gets a statement with ``ag:uncertain true`` (GTD suspects but does not confirm it).
- Places: ``country_txt`` → ``provstate`` → ``city`` ("Unknown" parts left out).
- ``targtype1_txt`` → ``ag:target`` only where a curated target category has that name.

The label is ours: ``"GTD event 201412160001: Armed Assault, Peshawar, 2014-12-16"``. Prose columns
(``summary``, ``motive``, ``target1``, …) are not imported.
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
    decimal_value,
)
from actorgraph.vocab._dates import PartialDate, partial_date

__all__ = ["GTD", "map_gtd_row", "parse_gtd_date"]

GTD_INFO = DatasetInfo(
    key="gtd",
    source_slug="gtd",
    title="Global Terrorism Database (GTD)",
    creator="GTD",
    publisher="GTD",
    license="GTD licence (no redistribution)",
)

REQUIRED = ("eventid", "iyear", "imonth", "iday", "gname")
UNKNOWN_CODES = frozenset({"-9", "-99"})
_ID_RE = re.compile(r"^\d{1,20}$")
_INT_RE = re.compile(r"^\s*(\d+)(?:\.0*)?\s*\Z", re.ASCII)
_UNKNOWN = {"", "unknown"}


def _small_int(text: str | None, column: str) -> int:
    match = _INT_RE.match(text or "")
    if not match:
        raise RowError("invalid date", column, f"{text!r} is not a whole number")
    return int(match.group(1))


@functools.lru_cache(maxsize=4096)
def parse_gtd_date(iyear: str, imonth: str, iday: str) -> PartialDate:
    """Return the incident's date at the precision GTD gives: 0 for a day or month means unknown.

    Raises
    ------
    RowError
        For a missing year, a month above 12 or a day the month does not have.

    Rows share few distinct dates, so results are cached (the returned dates are not to be changed).

    Examples
    --------
    >>> parse_gtd_date("2014", "12", "16"), parse_gtd_date("2014", "12", "0"), parse_gtd_date("2014", "0", "0")
    (PartialDate('2014-12-16'), PartialDate('2014-12'), PartialDate('2014'))
    """
    year = _small_int(iyear, "iyear")
    month = _small_int(imonth, "imonth")
    day = _small_int(iday, "iday")
    # The checks are partial_date's; each error names the column it comes from.
    for column, parts in (
        ("iyear", (year,)),
        ("imonth", (year, month or None)),
        ("iday", (year, month or None, day or None) if month else (year,)),
    ):
        try:
            date = partial_date(*parts)
        except ValueError as exc:
            raise RowError("invalid date", column, f"{iyear}-{imonth}-{iday} {exc}") from None
    return date


_TRUE = ("1", "1.0")


@functools.lru_cache(maxsize=4096)
def _date_and_iso(iyear: str, imonth: str, iday: str) -> tuple[PartialDate, str]:
    date = parse_gtd_date(iyear, imonth, iday)
    return date, date.iso


@functools.lru_cache(maxsize=4096)
def _known(text: str | None) -> str:
    # Names and places repeat from row to row: each distinct text is looked at once.
    value = (text or "").strip()
    return "" if value.casefold() in _UNKNOWN else value


def map_gtd_row(row: Mapping[str, str]) -> EventRecord:
    """Map one GTD row to an :class:`EventRecord` (names unresolved).

    Raises
    ------
    RowError
        When the row has no valid ``eventid`` or date, or a count that is not a number.
    """
    record_id = (row.get("eventid") or "").strip()
    if not _ID_RE.match(record_id):
        raise RowError("invalid id", "eventid", f"{record_id!r}; expected digits")
    date, iso = _date_and_iso(row.get("iyear", ""), row.get("imonth", ""), row.get("iday", ""))
    attack_type = (row.get("attacktype1_txt") or "").strip()
    record = EventRecord(
        record_id=record_id,
        slug=f"gtd-{record_id}",
        kind="Assassination" if attack_type.casefold() == "assassination" else "Attack",
        label="",
        date=date,
        start=None,
        end=None,
    )
    for column, prop in _COUNTS:
        value = _count(row.get(column), column)
        if value is not None:
            record.counts[prop] = value
    for name_col, claim_col, uncertain_col in _GROUPS:
        name = (row.get(name_col) or "").strip()
        if not _known(name):
            continue
        record.actors.append(
            ActorMention(
                name,
                "perpetrator",
                claimed=(row.get(claim_col) or "").strip() in _TRUE,
                uncertain=(row.get(uncertain_col) or "").strip() in _TRUE,
            )
        )
    target = _known(row.get("targtype1_txt"))
    if target:
        record.actors.append(ActorMention(target, "target"))
    places = record.places
    for column in _PLACES:
        name = _known(row.get(column))
        if name:
            places.append(name)
    try:
        lat = decimal_value(row.get("latitude"), "latitude", 90)
        long = decimal_value(row.get("longitude"), "longitude", 180)
    except RowError as err:
        record.dropped.append((err.reason, err.column, err.detail))
    else:
        if lat is not None and long is not None:
            record.lat, record.long = lat, long
    where = record.places[-1] if record.places else "place unknown"
    record.label = f"GTD event {record_id}: {attack_type or 'attack'}, {where}, {iso}"
    return record


_GROUPS = (
    ("gname", "claimed", "guncertain1"),
    ("gname2", "claim2", "guncertain2"),
    ("gname3", "claim3", "guncertain3"),
)
_PLACES = ("country_txt", "provstate", "city")
_COUNTS = (("nkill", "killed"), ("nwound", "injured"), ("nkillter", "militantDeaths"))


@functools.lru_cache(maxsize=4096)
def _count(text: str | None, column: str) -> int | None:
    # Counts take few distinct values: parse each once.
    return count_value(text, column, UNKNOWN_CODES)


def _prepare(header: list[str]) -> tuple[str, RowMapper, Callable[[Mapping[str, str]], bool]]:
    return "CSV", map_gtd_row, lambda row: False


GTD = Importer(
    dataset=GTD_INFO,
    required=REQUIRED,
    encoding="latin-1",
    id_column="eventid",
    prepare=_prepare,
)
