"""Armed Conflict Location & Event Data (ACLED): one row per event.

Two flavours are read, by column name: the current export (lower-case columns such as
``event_id_cnty``, ``event_date`` as ``2023-07-30`` or ``30 July 2023``) and the legacy export
(upper-case columns, ``ALLY_ACTOR_1``, dates as dd/mm/yyyy).

Mapping, per row:

- ``agd:acled-<event_id_cnty>`` (lower-case). "Violence against civilians" and "(Explosions/)Remote
  violence" rows are ``ag:Attack`` attributed to ``actor1``; every other event type (battles,
  protests, riots, strategic developments) is an ``ag:Event`` with its actors as participants.
- ``event_date`` → ``ag:date`` (``time_precision`` 3, "month", → ``xsd:gYearMonth``).
- ``fatalities`` → ``ag:killed``; ACLED's 0 is its own figure and is kept; blank is unknown.
- Actors: ``actor1``, ``assoc_actor_1`` (``;``-separated), ``actor2``, ``assoc_actor_2``;
  "TTP: Tehrik-i-Taliban Pakistan" is tried whole and as each of its parts; "Military/Police
  Forces of X (…)" is the State X; "Civilians (X)" is the civilians target category;
  "Unidentified Armed Group (X)" is no actor.
- Places: ``country`` → ``admin1`` → ``admin2`` → ``admin3`` → ``location``.

The label is ours: ``"ACLED event PAK123: Explosions/Remote violence – Suicide bomb, Peshawar,
2023-01-30"``. ``notes`` (the dataset's prose) are not imported.
"""

from __future__ import annotations

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

__all__ = ["ACLED", "map_acled_row", "parse_acled_date"]

ACLED_INFO = DatasetInfo(
    key="acled",
    source_slug="acled",
    title="ACLED",
    creator="ACLED",
    publisher="ACLED",
    license="ACLED's terms (redistribution restricted)",
)

REQUIRED = ("event_id_cnty", "event_date", "event_type", "actor1")
_ID_RE = re.compile(r"^[A-Za-z]{2,4}\d{1,12}$")
_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})\Z", re.ASCII)
_DMY_RE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\Z", re.ASCII)
_WORDS_RE = re.compile(r"^(\d{1,2})[ -]([A-Za-z]+)[ -](\d{4})\Z", re.ASCII)
_MONTHS = {
    name.casefold(): number
    for number, names in enumerate(
        [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")]
    )
    for name in names
}  # fmt: skip
_ATTACK_TYPES = ("violence against civilians", "remote violence")


def parse_acled_date(text: str, precision: str = "1") -> PartialDate:
    """Parse an ACLED ``event_date``: ``2023-07-30``, ``30 July 2023`` or legacy ``30/07/2023``.

    Legacy dates are always day/month/year. ``precision`` is ``time_precision``: ``"3"`` (only the
    month is known) gives the month.

    Raises
    ------
    RowError
        For any other form or a day that does not exist.

    Examples
    --------
    >>> parse_acled_date("30/07/2023"), parse_acled_date("30 July 2023", "3")
    (PartialDate('2023-07-30'), PartialDate('2023-07'))
    """
    value = (text or "").strip()
    if match := _ISO_RE.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY_RE.match(value):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _WORDS_RE.match(value)) and match.group(2).casefold() in _MONTHS:
        day, year = int(match.group(1)), int(match.group(3))
        month = _MONTHS[match.group(2).casefold()]
    else:
        raise RowError(
            "invalid date",
            "event_date",
            f"{value!r}; expected YYYY-MM-DD, 'D Month YYYY' or (legacy) DD/MM/YYYY",
        )
    try:
        date = partial_date(year, month, day)
    except ValueError as exc:
        raise RowError("invalid date", "event_date", f"{value!r} {exc}") from None
    if precision.strip() == "3":
        return partial_date(year, month)
    return date


def _names(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(";") if part.strip()]


def _mention(name: str, role: str) -> ActorMention:
    # ACLED writes some groups as "ACRONYM: Full Name"; try the whole and each part.
    parts = tuple(part.strip() for part in name.split(":", 1)) if ":" in name else ()
    alternatives = tuple(reversed(parts))
    if role == "perpetrator":
        return ActorMention(name, "perpetrator", alternatives=alternatives)
    return ActorMention(name, "participant", alternatives=alternatives)


def map_acled_row(row: Mapping[str, str]) -> EventRecord:
    """Map one ACLED row (either flavour; lower-cased column names) to an :class:`EventRecord`.

    Raises
    ------
    RowError
        When the row has no valid ``event_id_cnty``, ``event_date`` or ``event_type``.
    """
    record_id = (row.get("event_id_cnty") or "").strip()
    if not _ID_RE.match(record_id):
        raise RowError("invalid id", "event_id_cnty", f"{record_id!r}; expected e.g. PAK12345")
    date = parse_acled_date(row.get("event_date", ""), row.get("time_precision") or "1")
    event_type = (row.get("event_type") or "").strip()
    if not event_type:
        raise RowError("missing event type", "event_type")
    sub_type = (row.get("sub_event_type") or "").strip()
    attack = any(word in event_type.casefold() for word in _ATTACK_TYPES)
    record = EventRecord(
        record_id=record_id,
        slug=f"acled-{record_id.lower()}",
        kind="Attack" if attack else "Event",
        label="",
        date=date,
        start=None,
        end=None,
    )
    fatalities = count_value(row.get("fatalities"), "fatalities")
    if fatalities is not None:
        record.counts["killed"] = fatalities
    actor1 = (row.get("actor1") or "").strip()
    if not actor1:
        raise RowError("missing actor", "actor1", "ACLED names actor1 for every event")
    record.actors.append(_mention(actor1, "perpetrator" if attack else "participant"))
    for column in ("assoc_actor_1", "ally_actor_1", "actor2", "assoc_actor_2", "ally_actor_2"):
        for name in _names(row.get(column)):
            record.actors.append(_mention(name, "participant"))
    record.places = []
    for column in ("country", "admin1", "admin2", "admin3", "location"):
        name = (row.get(column) or "").strip()
        if name and name not in record.places:
            record.places.append(name)
    try:
        lat = decimal_value(row.get("latitude"), "latitude", 90)
        long = decimal_value(row.get("longitude"), "longitude", 180)
    except RowError as err:
        record.dropped.append((err.reason, err.column, err.detail))
    else:
        if lat is not None and long is not None:
            record.lat, record.long = lat, long
    what = f"{event_type} – {sub_type}" if sub_type else event_type
    where = record.places[-1] if record.places else "place unknown"
    record.label = f"ACLED event {record_id}: {what}, {where}, {date.iso}"
    return record


def _prepare(header: list[str]) -> tuple[str, RowMapper, Callable[[Mapping[str, str]], bool]]:
    # The legacy export writes its column names in upper case (EVENT_ID_CNTY, ALLY_ACTOR_1, ...).
    legacy = any(name.isupper() for name in header if name.lower() == "event_id_cnty")
    return ("legacy" if legacy else "current"), map_acled_row, lambda row: False


ACLED = Importer(
    dataset=ACLED_INFO,
    required=REQUIRED,
    encoding="utf-8-sig",
    id_column="event_id_cnty",
    prepare=_prepare,
)
