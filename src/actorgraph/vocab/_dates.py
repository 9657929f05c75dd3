"""Dates at the precision a source gives, and the interval each precision implies."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

__all__ = ["PartialDate", "parse_partial_date"]

_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class PartialDate:
    """A date known to the year, the month or the day.

    Examples
    --------
    >>> d = parse_partial_date("2023")
    >>> d.iso, d.earliest.isoformat(), d.latest.isoformat()
    ('2023', '2023-01-01', '2023-12-31')
    >>> parse_partial_date("2024-02").latest.isoformat()
    '2024-02-29'
    """

    __slots__ = ("day", "month", "year")

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        self.year = year
        self.month = month
        self.day = day

    @property
    def iso(self) -> str:
        """The ISO form at the date's precision: ``2023``, ``2023-07`` or ``2023-07-30``."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
            if self.day is not None:
                text += f"-{self.day:02d}"
        return text

    @property
    def datatype(self) -> URIRef:
        """``xsd:gYear``, ``xsd:gYearMonth`` or ``xsd:date``."""
        if self.month is None:
            return XSD.gYear
        return XSD.gYearMonth if self.day is None else XSD.date

    @property
    def earliest(self) -> dt.date:
        """The first day the date may mean."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> dt.date:
        """The last day the date may mean."""
        month = self.month or 12
        day = self.day or calendar.monthrange(self.year, month)[1]
        return dt.date(self.year, month, day)

    def literal(self) -> Literal:
        """The RDF literal at the date's precision."""
        return Literal(self.iso, datatype=self.datatype)

    def __repr__(self) -> str:
        return f"PartialDate({self.iso!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and self.iso == other.iso

    def __hash__(self) -> int:
        return hash(self.iso)


def parse_partial_date(value: object) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or an int year, or a :class:`datetime.date`).

    Raises
    ------
    ValueError
        With a message that says what was expected, for any other form or an impossible date
        (``2014-02-30``, month 13, day 0).
    """
    if isinstance(value, dt.datetime):
        raise ValueError(
            f"{value.isoformat()!r} has a time of day; give a date: YYYY, YYYY-MM or YYYY-MM-DD"
        )
    if isinstance(value, dt.date):
        return PartialDate(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    text = str(value).strip()
    match = _DATE_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        raise ValueError(f"{text!r} has month {month}; months run from 01 to 12")
    if month is not None and day is not None:
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise ValueError(f"{text!r} has day {day}; {year}-{month:02d} has days 01 to {last}")
    return PartialDate(year, month, day)
