"""What an importer's mapper gives back for one row (:class:`EventRecord`, :class:`ActorMention`,
:class:`RowError`) and the pure value parsers every importer shares."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from actorgraph.vocab._dates import PartialDate
from actorgraph.vocab._names import normalize_name
from actorgraph.vocab._namespaces import AG, AGS, expand
from actorgraph.vocab._ontology import subclasses_of


def actor_classes() -> frozenset[str]:
    """The IRIs of the classes whose members an actor name may resolve to: ag:Actor and every
    subclass the ontology gives it (tribal militias and collective actors included)."""
    return _actor_classes()


@functools.cache
def _actor_classes() -> frozenset[str]:
    return frozenset({str(AG.Actor)} | {str(expand(c)) for c in subclasses_of("ag:Actor")})


_SLUG_RE = re.compile(r"[^a-z0-9]+")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT_RE = re.compile(r"^[+-]?\d+(\.0*)?$", re.ASCII)


# ----------------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset an importer reads: its name on the command line and its ``ags:`` source node.

    ``title``, ``creator``, ``publisher`` and ``license`` describe the dataset as a bibliographic
    source; ``version`` is given by the user (the files themselves do not carry it).
    """

    key: str
    source_slug: str
    title: str
    creator: str
    publisher: str
    license: str
    url: str | None = None
    #: How claim texts name the dataset ("UCDP GED"); the title when empty.
    short: str = ""

    @property
    def short_name(self) -> str:
        """The dataset's name in claim texts."""
        return self.short or self.title

    @property
    def source(self) -> str:
        """The dataset's source IRI, e.g. ``https://w3id.org/actorgraph/source/ucdp-ged``."""
        return str(AGS) + self.source_slug


@dataclass(frozen=True)
class ActorMention:
    """A name in a row, with the part it played.

    ``role`` is ``"participant"`` (``ag:participant``), ``"perpetrator"`` (``ag:participant`` and
    ``ag:attributedTo``, the dataset's own attribution) or ``"target"`` (``ag:target``: for
    categories such as civilians). ``claimed`` adds ``ag:claimedBy``; ``uncertain`` marks the
    dataset's attribution as suspected (a statement with ``ag:uncertain true``). ``local_id`` is the
    dataset's own id for the actor (UCDP's side ids), used to name a provisional actor.
    """

    name: str
    role: Literal["participant", "perpetrator", "target"] = "participant"
    local_id: str | None = None
    claimed: bool = False
    uncertain: bool = False
    alternatives: tuple[str, ...] = ()


@dataclass
class EventRecord:
    """One dataset row as the importer understood it, before names are resolved.

    ``places`` runs from the broadest to the narrowest place name the row gives (country, province,
    district, town); the event's ``ag:place`` is the narrowest of them.
    """

    record_id: str
    slug: str
    kind: str
    label: str
    date: PartialDate | None
    start: PartialDate | None
    end: PartialDate | None
    counts: dict[str, int] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    lat: str | None = None
    long: str | None = None
    actors: list[ActorMention] = field(default_factory=list)
    #: Values dropped from the row as ``(reason, column, detail)``; the row itself is kept.
    dropped: list[tuple[str, str | None, str]] = field(default_factory=list)
    #: The first two actors fight each other (a conflict dyad: UCDP's state-based and non-state
    #: violence); the import derives one ``ag:opposes`` statement per dyad from such records.
    opposing: bool = False

    @property
    def earliest(self) -> dt.date:
        """The first day the event may have happened on."""
        first = self.start or self.date
        if first is None:
            raise ValueError(f"record {self.record_id} has no date")
        return first.earliest

    @property
    def latest(self) -> dt.date:
        """The last day the event may have happened on."""
        last = self.end or self.date
        if last is None:
            raise ValueError(f"record {self.record_id} has no date")
        return last.latest


class RowError(ValueError):
    """A row that cannot be imported: ``reason`` is a short category, ``detail`` says what was found."""

    def __init__(self, reason: str, column: str | None = None, detail: str = "") -> None:
        self.reason = reason
        self.column = column
        self.detail = detail
        text = reason if column is None else f"{reason} ({column})"
        super().__init__(f"{text}: {detail}" if detail else text)


@dataclass(frozen=True)
class Issue:
    """A rejected row (``action="rejected"``) or a value dropped from a kept row (``"dropped"``)."""

    line: int
    record: str
    action: str
    reason: str
    column: str | None = None
    detail: str = ""


# ----------------------------------------------------------------------------------------------------
# Value parsers shared by the importers (pure; property-tested)


def slugify(text: str) -> str:
    """Return a lower-case, hyphenated slug of a name (diacritics folded, as in :func:`normalize_name`).

    Examples
    --------
    >>> slugify("Khyber Pakhtunkwa province")
    'khyber-pakhtunkwa-province'
    >>> slugify("Tehreek-e-Taliban (TTP)")
    'tehrik-i-taliban-ttp'
    """
    slug = _SLUG_RE.sub("-", normalize_name(text).encode("ascii", "ignore").decode()).strip("-")
    if slug:
        return slug
    # A name in a non-Latin script has no ASCII slug: name it by its hash so it stays stable.
    return "x" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


#: The largest death or injury count an importer accepts for one event: far above any recorded event's
#: toll, so a larger one is a data error (a shifted column, a spreadsheet's serial number).
MAX_COUNT = 1_000_000
#: Digits that cannot exceed MAX_COUNT (six: 999,999).
_FAST_DIGITS = len(str(MAX_COUNT)) - 1


def count_value(text: str | None, column: str, unknown: Iterable[str] = ()) -> int | None:
    """Parse a death or injury count: blank or one of ``unknown`` means unknown (``None``), never 0.

    Integer-valued decimals ("12.0", as spreadsheets write them) are accepted.

    Raises
    ------
    RowError
        For text that is not a whole number, or a negative number not listed in ``unknown``.

    Examples
    --------
    >>> count_value("12.0", "nkill"), count_value("", "nkill"), count_value("-99", "nkill", {"-9", "-99"})
    (12, None, None)
    """
    if text is None:
        return None
    # The usual case, a few plain ASCII digits, skips the checks below (same result).
    if len(text) <= _FAST_DIGITS and text.isdigit() and text.isascii() and text not in unknown:
        return int(text)
    value = text.strip()
    if value == "" or value in unknown:
        return None
    if not _INT_RE.match(value):
        raise RowError("invalid count", column, f"{value!r} is not a whole number")
    whole = value.split(".", 1)[0]
    # Checked on the digits before int(): Python refuses to convert more than 4,300 of them.
    if len(whole.lstrip("+-0")) > len(str(MAX_COUNT)):
        raise RowError("invalid count", column, f"{_short(value)} is larger than {MAX_COUNT:,}")
    number = int(whole)
    if number < 0:
        raise RowError("invalid count", column, f"{value!r} is negative")
    if number > MAX_COUNT:
        raise RowError("invalid count", column, f"{value!r} is larger than {MAX_COUNT:,}")
    return number


def _short(text: str) -> str:
    return repr(text) if len(text) <= 20 else f"a number of {len(text):,} characters"


def decimal_value(text: str | None, column: str, bound: float) -> str | None:
    """Parse a latitude (``bound`` 90) or longitude (``bound`` 180) to a canonical decimal string.

    Blank means absent. Raises :class:`RowError` for text that is not a decimal or out of range.

    Examples
    --------
    >>> decimal_value("34.016667", "latitude", 90), decimal_value(" ", "latitude", 90)
    ('34.016667', None)
    """
    if text is None:
        return None
    value = text.strip()
    if value == "":
        return None
    if not _DECIMAL_RE.match(value):
        raise RowError("invalid coordinate", column, f"{value!r} is not a decimal number")
    if abs(float(value)) > bound:
        raise RowError("invalid coordinate", column, f"{value} is outside -{bound}..{bound}")
    if value[0] not in "+." and value[-1] != "." and not value.startswith("-."):
        return value  # already canonical (the usual case)
    sign = "-" if value.startswith("-") else ""
    body = value.lstrip("+-")
    if body.startswith("."):
        body = "0" + body
    if body.endswith("."):
        body += "0"
    return sign + body


def date_range_value(start: PartialDate, end: PartialDate) -> PartialDate | None:
    """Return the one date at some precision that spans exactly ``start``…``end``, if there is one.

    A range from the first to the last day of a month is that month; of a year, that year; a single
    day is that day. Any other range has no single ``ag:date`` (it keeps ``ag:startDate`` and
    ``ag:endDate``).

    Examples
    --------
    >>> from actorgraph.vocab._dates import parse_partial_date as p
    >>> date_range_value(p("2014-03-01"), p("2014-03-31"))
    PartialDate('2014-03')
    >>> date_range_value(p("2014-03-01"), p("2014-03-05")) is None
    True
    """
    first, last = start.earliest, end.latest
    if first == last:
        return PartialDate(first.year, first.month, first.day)
    month = PartialDate(first.year, first.month)
    if month.earliest == first and month.latest == last:
        return month
    year = PartialDate(first.year)
    if year.earliest == first and year.latest == last:
        return year
    return None
