"""What every importer shares: rows in, N-Triples out, names resolved, the graph replaced atomically.

An importer module (``_ucdp``, ``_acled``, ``_gtd``) turns one CSV row into an :class:`EventRecord` (pure
functions, no store). :func:`run_import` streams the file through it, resolves the actors and places the
record names against the curated entities, links records to curated events that are the same real event
(``ag:sameEventAs``), and writes N-Triples for the named graph
``agg:import/<dataset>/<16 hex of the file's SHA-256>``. A graph not in the store yet is loaded in place
while the rows are read (chunks bulk-loaded on a second thread) and is complete only once its commit
marker is added after the last row; otherwise (the graph exists, or ``strict``) the N-Triples go to a
temporary file that :func:`replace_graph` swaps in through a staging graph and one SPARQL Update. Either
way a failed or killed import leaves the store as it was.

Memory stays flat in the number of rows: into an on-disk store at most two chunks of N-Triples are in
memory (into an in-memory store, up to five smaller ones), and the only per-row state kept is the
record ids, to reject duplicates (:class:`_SeenIds`: 8 bytes per numeric id); names, places, dates and
curated events are bounded by the data, not by the file.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import datetime as dt
import hashlib
import json
import os
import queue
import re
import sys
import tempfile
import threading
import uuid
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import pyoxigraph as ox

from actorgraph._dates import PartialDate
from actorgraph._errors import DataError, UsageError
from actorgraph._names import name_keys, normalize_name
from actorgraph._namespaces import AG, AGD, AGG, AGS, GEO, SCHEMA, curie
from actorgraph._spreadsheet import spreadsheet_safe
from actorgraph._store import LOADING, META_GRAPH, STAGING_PREFIX, line_chunks

__all__ = [
    "ActorMention",
    "DatasetInfo",
    "EventRecord",
    "ImportReport",
    "Issue",
    "RowError",
    "count_value",
    "decimal_value",
    "replace_graph",
    "run_import",
    "slugify",
]

Unresolved = Literal["provisional", "report"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"
_DCTERMS = "http://purl.org/dc/terms/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_IMPORT_GRAPHS = str(AGG) + "import/"
_STAGING_GRAPHS = STAGING_PREFIX
_META = ox.NamedNode(str(META_GRAPH))

_TYPE = f"<{_RDF}type>"
_LABEL = f"<{_RDFS}label>"
_DERIVED = f"<{_PROV}wasDerivedFrom>"
_CONTAINED = f"<{SCHEMA}containedInPlace>"
_SOURCE_RECORD = f"<{AG}sourceRecord>"

#: Classes whose members an actor name may resolve to (the ontology's ag:Actor and its subclasses).
ACTOR_CLASSES = frozenset(
    str(AG) + name
    for name in (
        "Actor", "Organization", "ArmedGroup", "PoliticalParty", "State", "GovernmentBody",
        "ReligiousOrganization", "InternationalOrganization", "Person", "Cleric",
    )
)  # fmt: skip
_SLUG_RE = re.compile(r"[^a-z0-9]+")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_INT_RE = re.compile(r"^[+-]?\d+(\.0*)?$")
#: Place-name words a dataset appends to a name ("Peshawar district"); dropped to find a curated place.
_PLACE_SUFFIXES = (
    "province", "district", "town", "city", "village", "agency", "division", "tehsil", "territory",
    "area", "region", "sector", "county", "municipality",
)  # fmt: skip


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
    value = text.strip()
    if value == "" or value in unknown:
        return None
    if not _INT_RE.match(value):
        raise RowError("invalid count", column, f"{value!r} is not a whole number")
    number = int(value.split(".", 1)[0])
    if number < 0:
        raise RowError("invalid count", column, f"{value!r} is negative")
    return number


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
    >>> from actorgraph._dates import parse_partial_date as p
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


# ----------------------------------------------------------------------------------------------------
# N-Triples text


def _iri(value: str) -> str:
    return f"<{value}>"


_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE(text):
        return text  # the usual case
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _lit(text: str, lang: str = "en") -> str:
    return f'"{_escape(text)}"@{lang}'


def _str(text: str) -> str:
    return f'"{_escape(text)}"'


def _typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{datatype}>'


def _int(value: int) -> str:
    return f'"{value}"^^<{_XSD}integer>'


def _date(value: PartialDate) -> str:
    return f'"{value.iso}"^^<{value.datatype}>'


def _day(value: dt.date) -> str:
    return f'"{value.isoformat()}"^^<{_XSD}date>'


def statement_iri(subject: str, predicate: str, obj: str, source: str) -> str:
    """Name a statement by content exactly as the curated loader does (``agst:`` + 16 hex).

    All four are IRIs here; the hash is over their N-Triples forms joined by line feeds.
    """
    text = "\n".join(_iri(term) for term in (subject, predicate, obj, source))
    return "https://w3id.org/actorgraph/statement/" + hashlib.sha256(text.encode()).hexdigest()[:16]


# ----------------------------------------------------------------------------------------------------
# What the store already knows: curated entities and events


def _select(
    store: ox.Store, query: str, prefixes: dict[str, str] | None = None
) -> Iterator[ox.QuerySolution]:
    result = store.query(query, prefixes=prefixes)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError("expected a SELECT query")
    return iter(result)


class _HasStore(Protocol):
    @property
    def store(self) -> ox.Store | None: ...


@dataclass
class CuratedEvent:
    """A curated event, as far as matching imported rows against it needs."""

    iri: str
    earliest: dt.date
    latest: dt.date
    places: set[str]
    actors: set[str]


@dataclass
class KnownEntities:
    """The entities outside import graphs: their names, classes, and the curated events."""

    keys: dict[str, set[str]]
    types: dict[str, set[str]]
    parents: dict[str, set[str]]
    events: list[CuratedEvent]

    @classmethod
    def from_store(cls, store: ox.Store) -> KnownEntities:
        """Read names, types, place containment and dated events from every non-import graph."""
        prefix = {"ag": str(AG), "schema": str(SCHEMA)}
        not_imported = f'FILTER(!STRSTARTS(STR(?g), "{_IMPORT_GRAPHS}") && !STRSTARTS(STR(?g), "{_STAGING_GRAPHS}"))'
        types: dict[str, set[str]] = {}
        for row in _select(
            store, f"SELECT ?x ?t WHERE {{ GRAPH ?g {{ ?x a ?t }} {not_imported} }}"
        ):
            x, t = row[0], row[1]
            if isinstance(x, ox.NamedNode) and isinstance(t, ox.NamedNode):
                types.setdefault(x.value, set()).add(t.value)
        keys: dict[str, set[str]] = {}
        query = (
            f"SELECT ?x ?n WHERE {{ GRAPH ?g {{ ?x <{_RDFS}label>|<{_SKOS}altLabel> ?n }} "
            f"{not_imported} }}"
        )
        for row in _select(store, query):
            x, n = row[0], row[1]
            if isinstance(x, ox.NamedNode) and isinstance(n, ox.Literal) and x.value in types:
                for key in name_keys(n.value):
                    keys.setdefault(key, set()).add(x.value)
        parents: dict[str, set[str]] = {}
        query = (
            f"SELECT ?x ?p WHERE {{ GRAPH ?g {{ ?x schema:containedInPlace+ ?p }} {not_imported} }}"
        )
        for row in _select(store, query, prefixes=prefix):
            x, p = row[0], row[1]
            if isinstance(x, ox.NamedNode) and isinstance(p, ox.NamedNode):
                parents.setdefault(x.value, set()).add(p.value)
        events: dict[str, CuratedEvent] = {}
        query = f"""
            SELECT ?e ?early ?late ?place ?actor WHERE {{
              GRAPH ?g {{ ?e ag:earliestDate ?early ; ag:latestDate ?late . }} {not_imported}
              OPTIONAL {{ GRAPH ?g2 {{ ?e ag:place ?place }} }}
              OPTIONAL {{ GRAPH ?g3 {{ ?e ag:participant|ag:attributedTo|ag:claimedBy ?actor }} }}
            }}"""
        for row in _select(store, query, prefixes=prefix):
            e, early, late, place, actor = (row[i] for i in range(5))
            if not (isinstance(e, ox.NamedNode) and isinstance(early, ox.Literal)):
                continue
            if not isinstance(late, ox.Literal):
                continue
            if not any(t.startswith(str(AG)) for t in types.get(e.value, ())):
                continue
            try:
                first = dt.date.fromisoformat(early.value)
                last = dt.date.fromisoformat(late.value)
            except ValueError:
                continue
            event = events.setdefault(e.value, CuratedEvent(e.value, first, last, set(), set()))
            # Several dates (sources disagreeing at the same rank) widen the interval, which only
            # makes a match less likely.
            event.earliest = min(event.earliest, first)
            event.latest = max(event.latest, last)
            if isinstance(place, ox.NamedNode):
                event.places.add(place.value)
            if isinstance(actor, ox.NamedNode):
                event.actors.add(actor.value)
        event_types = {
            str(AG) + n for n in ("Event", "Attack", "Assassination", "MilitaryOperation")
        }
        kept = [e for e in events.values() if types.get(e.iri, set()) & event_types]
        return cls(keys, types, parents, kept)

    def lookup(self, name: str, classes: Iterable[str] | None = None) -> set[str]:
        """Return the entities a name may mean, limited to members of ``classes`` when given."""
        wanted = set(classes) if classes is not None else None
        found: set[str] = set()
        for key in name_keys(name):
            for node in self.keys.get(key, ()):
                if wanted is None or self.types.get(node, set()) & wanted:
                    found.add(node)
        return found


# ----------------------------------------------------------------------------------------------------
# Resolving names


_GOVERNMENT_RE = re.compile(
    r"^(?:government|military forces|police forces|armed forces)\s+of\s+(?:the\s+)?(.+?)"
    r"(?:\s*\([^()]*\))*$",
    re.IGNORECASE,
)
#: Groups of people that are no single actor: ACLED's "Civilians (Pakistan)", "Protesters (Pakistan)".
_CATEGORY_RE = re.compile(r"^(civilians?|protesters|rioters)(?:\s*\([^()]*\))*$", re.IGNORECASE)
_UNKNOWN_RE = re.compile(
    r"^(?:unknown|unidentified(?:\s+armed\s+group)?|unidentified\s+\w+(?:\s+\w+)?)(?:\s*\([^()]*\))*$",
    re.IGNORECASE,
)
_TRAILING_PAREN_RE = re.compile(r"\s*\([^()]*\)\s*$")


class _Resolver:
    """Resolves actor and place names to IRIs, and creates the provisional nodes it needs."""

    def __init__(
        self,
        known: KnownEntities,
        dataset: DatasetInfo,
        policy: Unresolved,
        hints: Mapping[str, Sequence[str]],
    ) -> None:
        self.known = known
        self.dataset = dataset
        self.policy = policy
        self.hints = {normalize_name(k): tuple(v) for k, v in hints.items()}
        self.unresolved: Counter[str] = Counter()
        self.ambiguous: dict[str, list[str]] = {}
        self.resolved: Counter[str] = Counter()
        self.categories: Counter[str] = Counter()
        self._actor_cache: dict[tuple[str, str | None], tuple[str, str | None]] = {}
        self._place_cache: dict[tuple[str, ...], list[str]] = {}
        self._target_cache: dict[str, str | None] = {}
        self._place_set_cache: dict[tuple[str, ...], frozenset[str]] = {}
        self.new_actors: dict[str, tuple[str, str | None]] = {}
        self.new_places: dict[str, tuple[str, str | None]] = {}

    def _one(self, names: Iterable[str], classes: Iterable[str] | None) -> tuple[set[str], str]:
        seen: set[str] = set()
        last = ""
        for name in names:
            if not name.strip():
                continue
            found = self.known.lookup(name, classes)
            if len(found) == 1:
                return found, name
            if found:
                seen |= found
                last = name
        return seen, last

    def actor(self, mention: ActorMention) -> tuple[str, str | None]:
        """Return ``(kind, iri)``: kind is resolved, provisional, unresolved, unknown or category."""
        cache_key = (mention.name, mention.local_id)
        hit = self._actor_cache.get(cache_key)
        if hit is None:
            hit = self._actor(mention)
            self._actor_cache[cache_key] = hit
        kind, _ = hit
        if kind in ("provisional", "unresolved"):
            self.unresolved[mention.name] += 1
        elif kind == "resolved":
            self.resolved[mention.name] += 1
        elif kind in ("category", "unknown"):
            self.categories[mention.name] += 1
        return hit

    def _actor(self, mention: ActorMention) -> tuple[str, str | None]:
        name = mention.name.strip()
        if not name or _UNKNOWN_RE.match(name):
            return ("unknown", None)
        category = _CATEGORY_RE.match(name)
        if category:
            found = self.known.lookup(category.group(1), [str(AG) + "TargetCategory"])
            return ("category", next(iter(found)) if len(found) == 1 else None)
        candidates = [name, *mention.alternatives, *self.hints.get(normalize_name(name), ())]
        government = _GOVERNMENT_RE.match(name)
        if government:
            found = self.known.lookup(government.group(1), [str(AG) + "State"])
            if len(found) == 1:
                return ("resolved", next(iter(found)))
        found, _ = self._one(candidates, ACTOR_CLASSES)
        if len(found) == 1:
            return ("resolved", next(iter(found)))
        if found:
            self.ambiguous[name] = sorted(curie(node) for node in found)
        if self.policy == "report":
            return ("unresolved", None)
        if mention.local_id:
            iri = f"{AGD}{self.dataset.key}-actor-{slugify(mention.local_id)}"
        else:
            iri = f"{AGD}{self.dataset.key}-actor-{slugify(name)}"
        self.new_actors.setdefault(iri, (name, mention.local_id))
        return ("provisional", iri)

    def target(self, mention: ActorMention) -> str | None:
        """Return the curated target category a target names (``"Civilians (Pakistan)"``), if any.

        A dataset's target types ("Police", "Private Citizens & Property") are categories, not
        actors: they never become provisional actors and are not reported as unresolved names.
        """
        self.categories[mention.name] += 1
        if mention.name not in self._target_cache:
            name = _TRAILING_PAREN_RE.sub("", mention.name.strip()) or mention.name
            found = self.known.lookup(name, [str(AG) + "TargetCategory"])
            self._target_cache[mention.name] = next(iter(found)) if len(found) == 1 else None
        return self._target_cache[mention.name]

    def place_set(self, names: Sequence[str]) -> frozenset[str]:
        """Every place of a chain of names and every curated place containing one (cached)."""
        chain = tuple(names)
        hit = self._place_set_cache.get(chain)
        if hit is None:
            places = set(self.places(chain)) if chain else set()
            for place in list(places):
                places |= self.known.parents.get(place, set())
            hit = self._place_set_cache[chain] = frozenset(places)
        return hit

    def places(self, names: Sequence[str]) -> list[str]:
        """Return place IRIs from the broadest to the narrowest; unknown places become new nodes."""
        chain = tuple(names)
        hit = self._place_cache.get(chain)
        if hit is not None:
            return hit
        result: list[str] = []
        path: list[str] = []
        parent: str | None = None
        for name in chain:
            path.append(name)
            iri = self._curated_place(name, parent)
            if iri is None:
                iri = f"{AGD}place-{slugify(' '.join(path))}"
                self.new_places.setdefault(iri, (name, parent))
            if iri != parent:
                result.append(iri)
                parent = iri
        self._place_cache[chain] = result
        return result

    def _curated_place(self, name: str, parent: str | None) -> str | None:
        words = name.split()
        options = [name]
        if len(words) > 1 and words[-1].casefold() in _PLACE_SUFFIXES:
            options.append(" ".join(words[:-1]))
        options.append(_TRAILING_PAREN_RE.sub("", name))
        found, _ = self._one(options, [str(AG) + "Place"])
        if len(found) != 1:
            return None
        node = next(iter(found))
        # A curated place of the same name elsewhere (India's Punjab under Pakistan) is not this one:
        # when both the parent and the match are curated and the match has a known container, they
        # must agree.
        curated_parent = parent is not None and not parent.startswith(str(AGD) + "place-")
        ancestors = self.known.parents.get(node, set())
        if curated_parent and ancestors and parent not in ancestors and node != parent:
            return None
        return node


# ----------------------------------------------------------------------------------------------------
# The report


@dataclass
class ImportReport:
    """What an import did: rows read, events created, rows rejected (by reason), names unresolved.

    ``rejected`` lists every rejected row and every value dropped from a kept row, with its line
    number (the file's physical line where the row starts) and reason. ``unresolved`` counts each
    name that matched no curated entity; ``ambiguous`` lists names that matched several.
    """

    dataset: str
    path: str
    graph: str
    flavour: str = ""
    rows_read: int = 0
    events_created: int = 0
    same_event_links: int = 0
    #: Conflict dyads written as sourced ``ag:opposes`` statements.
    dyads: int = 0
    committed: bool = False
    issues: list[Issue] = field(default_factory=list)
    unresolved: Counter[str] = field(default_factory=Counter)
    resolved: Counter[str] = field(default_factory=Counter)
    categories: Counter[str] = field(default_factory=Counter)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    provisional_actors: int = 0
    places_created: int = 0
    #: What the store saw: "loaded", "replaced", "unchanged" (the same graph was there), or "".
    store_change: str = ""

    @property
    def rejected(self) -> list[Issue]:
        """The rejected rows (values dropped from kept rows are in ``issues`` too)."""
        return [issue for issue in self.issues if issue.action == "rejected"]

    @property
    def rejected_by_reason(self) -> Counter[str]:
        """How many rows were rejected for each reason."""
        return Counter(issue.reason for issue in self.rejected)

    @property
    def dropped_by_reason(self) -> Counter[str]:
        """How many values were dropped from kept rows, for each reason."""
        return Counter(issue.reason for issue in self.issues if issue.action == "dropped")

    def summary(self) -> str:
        """A few lines for a person: rows read, events created, rejections by reason, names."""
        lines = [
            f"{self.dataset} {self.flavour + ' ' if self.flavour else ''}file {self.path}",
            f"  rows read: {self.rows_read:,}",
            f"  events created: {self.events_created:,} in graph <{self.graph}>"
            + (f" ({self.store_change})" if self.committed else " (not written)"),
            f"  rows rejected: {len(self.rejected):,}",
        ]
        lines += [f"    {reason}: {n:,}" for reason, n in sorted(self.rejected_by_reason.items())]
        dropped = self.dropped_by_reason
        if dropped:
            lines.append(f"  values dropped from kept rows: {sum(dropped.values()):,}")
            lines += [f"    {reason}: {n:,}" for reason, n in sorted(dropped.items())]
        lines.append(f"  links to curated events (ag:sameEventAs): {self.same_event_links:,}")
        if self.dyads:
            lines.append(f"  conflict dyads (sourced ag:opposes statements): {self.dyads:,}")
        lines.append(
            f"  names resolved: {len(self.resolved):,} ({sum(self.resolved.values()):,} mentions); "
            f"unresolved: {len(self.unresolved):,} ({sum(self.unresolved.values()):,} mentions)"
            + (
                f", provisional actors: {self.provisional_actors:,}"
                if self.provisional_actors
                else ""
            )
        )
        for name, n in sorted(self.unresolved.items(), key=lambda item: (-item[1], item[0])):
            note = (
                f" (ambiguous: {', '.join(self.ambiguous[name])})" if name in self.ambiguous else ""
            )
            lines.append(f"    {n:>6,}  {name}{note}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "dataset": self.dataset,
            "flavour": self.flavour,
            "path": self.path,
            "graph": self.graph,
            "committed": self.committed,
            "store_change": self.store_change,
            "rows_read": self.rows_read,
            "events_created": self.events_created,
            "same_event_links": self.same_event_links,
            "dyads": self.dyads,
            "rejected_by_reason": dict(sorted(self.rejected_by_reason.items())),
            "dropped_by_reason": dict(sorted(self.dropped_by_reason.items())),
            "issues": [
                {
                    "line": i.line,
                    "record": i.record,
                    "action": i.action,
                    "reason": i.reason,
                    "column": i.column,
                    "detail": i.detail,
                }
                for i in self.issues
            ],
            "unresolved": dict(sorted(self.unresolved.items())),
            "ambiguous": dict(sorted(self.ambiguous.items())),
            "provisional_actors": self.provisional_actors,
            "places_created": self.places_created,
        }

    def write(self, path: str | Path) -> None:
        """Write the report as JSON (``.json``) or as CSV for spreadsheets (any other suffix).

        In the CSV, a cell that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a
        spreadsheet shows it as text instead of running it as a formula.
        """
        target = Path(path)
        if target.suffix.lower() == ".json":
            target.write_text(
                json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n", "utf-8"
            )
            return
        with target.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["kind", "line", "record", "column", "reason", "detail", "count"])
            for i in self.issues:
                writer.writerow(
                    spreadsheet_safe(
                        [i.action, i.line, i.record, i.column or "", i.reason, i.detail, ""]
                    )
                )
            for name, n in sorted(self.unresolved.items()):
                note = ", ".join(self.ambiguous.get(name, []))
                writer.writerow(
                    spreadsheet_safe(["unresolved", "", name, "", "unresolved name", note, n])
                )


# ----------------------------------------------------------------------------------------------------
# Reading the file


class _Lines:
    """The file's lines decoded one at a time, so a decoding error names its line; counts bytes."""

    def __init__(self, raw: IO[bytes], path: Path, encoding: str) -> None:
        self.raw = raw
        self.path = path
        self.encoding = encoding
        self.count = 0
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for data in self.raw:
            self.number += 1
            self.count += len(data)
            try:
                yield data.decode(self.encoding)
            except UnicodeDecodeError as exc:
                raise DataError(
                    f"the file is not {self.encoding} text ({exc.reason} at byte {exc.start + 1} "
                    "of the line); pass the right --encoding",
                    path=str(self.path),
                    line=self.number,
                    column=exc.start + 1,
                ) from None


def file_digest(path: Path) -> str:
    """Return the SHA-256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class RowSource:
    """A CSV file opened for streaming: its normalised header and an iterator of (line, row)."""

    path: Path
    header: list[str]
    raw_header: list[str]
    rows: Iterator[tuple[int, dict[str, str], int]]
    counter: _Lines
    size: int
    close: Callable[[], None]


def open_rows(path: Path, encoding: str, *, lower: bool = True) -> RowSource:
    """Open a CSV file and return its header (lower-cased) and its rows as dicts, lazily.

    Raises
    ------
    DataError
        When the file is empty, not text in ``encoding``, or not CSV.
    """
    try:
        # A large buffer: few reads. Each read releases and retakes the GIL, and while reads come
        # every few microseconds the loader thread (_StoreSink) waited for the GIL for 60-270 ms
        # per chunk instead of about 5 ms, so loading and reading rows hardly overlapped.
        raw = path.open("rb", buffering=1 << 20)
    except OSError as exc:
        raise DataError(f"cannot open the file: {exc.strerror}", path=str(path)) from exc
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # a byte-order mark is not part of the first column's name
    try:
        "".encode(encoding)
    except LookupError:
        raw.close()
        raise UsageError(f"unknown encoding {encoding!r}; try utf-8, latin-1 or cp1252") from None
    counter = _Lines(raw, path, encoding)
    reader = csv.reader(iter(counter), strict=True)

    def close() -> None:
        raw.close()

    try:
        first = next(reader)
    except StopIteration:
        close()
        raise DataError(
            "the file is empty; expected a CSV header row", path=str(path), line=1
        ) from None
    except csv.Error as exc:
        close()
        raise DataError(f"not a CSV file: {exc}", path=str(path), line=1) from exc
    except DataError:
        close()
        raise
    raw_header = [h.strip().lstrip("\ufeff") for h in first]
    header = [h.lower() for h in raw_header] if lower else list(raw_header)

    def rows() -> Iterator[tuple[int, dict[str, str], int]]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DataError(
                    f"malformed CSV: {exc}; expected quoted fields to close on the same record",
                    path=str(path),
                    line=line,
                ) from exc
            start, line = line, reader.line_num + 1
            if not cells or (len(cells) == 1 and cells[0] == ""):
                continue
            row = dict(zip(header, cells, strict=False))
            yield start, row, len(cells)

    return RowSource(path, header, raw_header, rows(), counter, path.stat().st_size, close)


def require_columns(source: RowSource, required: Iterable[str], dataset: str) -> None:
    """Raise :class:`DataError` naming the file, line 1, and the first required column missing."""
    missing = [name for name in required if name not in source.header]
    if missing:
        source.close()
        raise DataError(
            f"{dataset} file lacks the required column(s) {', '.join(repr(m) for m in missing)}; "
            f"expected a header with {', '.join(required)} (columns are matched by name, any order)",
            path=str(source.path),
            line=1,
            column=len(source.header) + 1,
            field=missing[0],
        )


# ----------------------------------------------------------------------------------------------------
# Writing triples


class _Writer:
    """Writes one record's triples as N-Triples lines."""

    def __init__(self, handle: _Sink, dataset: DatasetInfo) -> None:
        self.handle = handle
        self.dataset = dataset
        self.source = _iri(dataset.source)
        # The text of a line's predicate and object depends on few distinct values (a type, a
        # date, a count, an actor), so it is built once per value, not once per row.
        self._derived = f"{_DERIVED} {self.source}"
        self._types: dict[str, str] = {}
        self._dates: dict[tuple[object, ...], list[str]] = {}
        self._counts: dict[tuple[str, int], str] = {}
        self._objects: dict[tuple[str, str], str] = {}

    def event(self, record: EventRecord, resolver: _Resolver, same: list[str]) -> None:
        """Write the record's triples: the event, its dates, counts, place, actors, links."""
        ag = str(AG)
        kind = self._types.get(record.kind)
        if kind is None:
            kind = self._types[record.kind] = f"{_TYPE} <{ag}{record.kind}>"
        pos: list[str] = [
            kind,
            f"{_LABEL} {_lit(record.label)}",
            self._derived,
            f"{_SOURCE_RECORD} {_str(record.record_id)}",
        ]
        pos += self._date_lines(record)
        counts = self._counts
        for item in record.counts.items():
            text = counts.get(item)
            if text is None:
                text = counts[item] = f"<{ag}{item[0]}> {_int(item[1])}"
            pos.append(text)
        if record.lat is not None and record.long is not None:
            pos.append(f'<{GEO}lat> "{record.lat}"^^<{_XSD}decimal>')
            pos.append(f'<{GEO}long> "{record.long}"^^<{_XSD}decimal>')
        if record.places:
            places = resolver.places(record.places)
            if places:
                pos.append(self._object("place", places[-1]))
        head = f"<{AGD}{record.slug}> "
        parts: list[str] = []
        lines = 0
        for mention in record.actors:
            if mention.role == "target":
                category, iri = True, resolver.target(mention)
            else:
                found, iri = resolver.actor(mention)
                category = found == "category"
            if iri is None:
                continue
            if category:
                pos.append(self._object("target", iri))
                continue
            pos.append(self._object("participant", iri))
            if mention.role == "perpetrator":
                pos.append(self._object("attributedTo", iri))
                if mention.uncertain:
                    # The statement's lines (their own subject) follow the attribution's line.
                    parts.append(head + f" .\n{head}".join(pos) + " .\n")
                    statement = self._uncertain(record, str(AGD) + record.slug, iri)
                    parts.append("\n".join(statement))
                    parts.append("\n")
                    lines += len(pos) + len(statement)
                    pos = []
            if mention.claimed:
                pos.append(self._object("claimedBy", iri))
        for other in same:
            pos.append(self._object("sameEventAs", other))
        if pos:
            parts.append(head + f" .\n{head}".join(pos) + " .\n")
            lines += len(pos)
        self.handle.write("".join(parts), lines)

    def _object(self, prop: str, iri: str) -> str:
        key = (prop, iri)
        text = self._objects.get(key)
        if text is None:
            text = self._objects[key] = f"<{AG}{prop}> <{iri}>"
        return text

    def _date_lines(self, record: EventRecord) -> list[str]:
        """Predicate and object of the record's date lines, built once per distinct set of dates."""
        date, start, end = record.date, record.start, record.end
        key = (
            None if date is None else (date.year, date.month, date.day),
            None if start is None else (start.year, start.month, start.day),
            None if end is None else (end.year, end.month, end.day),
        )
        lines = self._dates.get(key)
        if lines is None:
            ag = str(AG)
            lines = []
            if date is not None:
                lines.append(f"<{ag}date> {_date(date)}")
            if start is not None and end is not None and date is None:
                lines.append(f"<{ag}startDate> {_date(start)}")
                lines.append(f"<{ag}endDate> {_date(end)}")
            lines.append(f"<{ag}earliestDate> {_day(record.earliest)}")
            lines.append(f"<{ag}latestDate> {_day(record.latest)}")
            self._dates[key] = lines
        return lines

    def _uncertain(self, record: EventRecord, subject: str, actor: str) -> list[str]:
        # The dataset flags its own attribution as suspected: a statement carries ag:uncertain true
        # (the direct triple stays, as for any sourced claim of normal rank).
        predicate = str(AG) + "attributedTo"
        st = _iri(statement_iri(subject, predicate, actor, self.dataset.source))
        text = (
            f"{self.dataset.title} attributes {record.record_id} to this actor but marks the "
            "attribution as uncertain."
        )
        return [
            f"{st} {_TYPE} <{_RDF}Statement> .",
            f"{st} <{_RDF}subject> {_iri(subject)} .",
            f"{st} <{_RDF}predicate> {_iri(predicate)} .",
            f"{st} <{_RDF}object> {_iri(actor)} .",
            f"{st} {_DERIVED} {self.source} .",
            f"{st} <{AG}claimText> {_lit(text)} .",
            f"{st} <{AG}rank> <{AG}NormalRank> .",
            f"{st} <{AG}uncertain> {_typed('true', _XSD + 'boolean')} .",
        ]

    def dataset_node(self, version: str | None, *, describe: bool = True) -> None:
        """Describe the dataset as a source (``describe=False``: the curated data already does)."""
        d = self.dataset
        s = self.source
        if not describe:
            if version:
                self.handle.write(f"{s} <{SCHEMA}version> {_str(version)} .\n")
            return
        lines = [
            f"{s} {_TYPE} <{AG}Source> .",
            f"{s} {_LABEL} {_lit(d.title)} .",
            f"{s} <{_DCTERMS}title> {_lit(d.title)} .",
            f"{s} <{_DCTERMS}creator> {_str(d.creator)} .",
            f"{s} <{_DCTERMS}publisher> {_str(d.publisher)} .",
            f"{s} <{_DCTERMS}license> {_str(d.license)} .",
        ]
        if d.url:
            lines.append(f"{s} <{SCHEMA}url> <{d.url}> .")
        if version:
            lines.append(f"{s} <{SCHEMA}version> {_str(version)} .")
        self.handle.write("\n".join(lines) + "\n")

    def new_nodes(self, resolver: _Resolver) -> None:
        """Describe the provisional actors and the places the import created (sorted: stable output)."""
        lines: list[str] = []
        for iri, (name, local_id) in sorted(resolver.new_actors.items()):
            node = _iri(iri)
            lines += [
                f"{node} {_TYPE} <{AG}Actor> .",
                f"{node} {_LABEL} {_lit(name)} .",
                f"{node} <{AG}provisional> {_typed('true', _XSD + 'boolean')} .",
                f"{node} {_DERIVED} {self.source} .",
            ]
            if local_id:
                lines.append(f"{node} {_SOURCE_RECORD} {_str(local_id)} .")
        for iri, (name, parent) in sorted(resolver.new_places.items()):
            node = _iri(iri)
            lines += [
                f"{node} {_TYPE} <{AG}Place> .",
                f"{node} {_LABEL} {_lit(name)} .",
                f"{node} {_DERIVED} {self.source} .",
            ]
            if parent is not None:
                lines.append(f"{node} {_CONTAINED} {_iri(parent)} .")
        if lines:
            self.handle.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------------
# Conflict dyads


@dataclass
class _Dyad:
    first: dt.date
    last: dt.date
    events: int = 0
    deaths: int = 0
    names: tuple[str, str] = ("", "")


class _Dyads:
    """Aggregates opposing records by (side A, side B) while rows stream past: no second pass.

    Memory is bounded by the number of distinct pairs of actors, not by the rows.
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], _Dyad] = {}

    def add(self, record: EventRecord, resolver: _Resolver) -> None:
        """Count an opposing record under its two sides, when both are resolved or provisional."""
        if not record.opposing or len(record.actors) < 2:
            return
        sides: list[str] = []
        for mention in record.actors[:2]:
            hit = resolver._actor_cache.get((mention.name, mention.local_id))
            if hit is None or hit[1] is None or hit[0] not in ("resolved", "provisional"):
                return
            sides.append(hit[1])
        a, b = sides
        if a == b:
            return
        dyad = self.pairs.get((a, b))
        if dyad is None:
            dyad = self.pairs[(a, b)] = _Dyad(
                record.earliest, record.latest, names=(record.actors[0].name, record.actors[1].name)
            )
        dyad.first = min(dyad.first, record.earliest)
        dyad.last = max(dyad.last, record.latest)
        dyad.events += 1
        dyad.deaths += record.counts.get("killed", 0)

    def write(self, handle: _Sink, dataset: DatasetInfo) -> None:
        """Write each dyad's direct ``ag:opposes`` triple and its statement (sorted: stable output)."""
        predicate = str(AG) + "opposes"
        source = _iri(dataset.source)
        lines: list[str] = []
        for (a, b), dyad in sorted(self.pairs.items()):
            st = _iri(statement_iri(a, predicate, b, dataset.source))
            years = (
                str(dyad.first.year)
                if dyad.first.year == dyad.last.year
                else f"{dyad.first.year}–{dyad.last.year}"
            )
            events = "1 event" if dyad.events == 1 else f"{dyad.events:,} events"
            deaths = "1 death" if dyad.deaths == 1 else f"{dyad.deaths:,} deaths"
            text = (
                f"{dataset.short_name} records {events} between {dyad.names[0]} and "
                f"{dyad.names[1]}, {years}, with {deaths} (best estimates)."
            )
            lines += [
                f"{_iri(a)} <{predicate}> {_iri(b)} .",
                f"{st} {_TYPE} <{_RDF}Statement> .",
                f"{st} <{_RDF}subject> {_iri(a)} .",
                f"{st} <{_RDF}predicate> <{predicate}> .",
                f"{st} <{_RDF}object> {_iri(b)} .",
                f"{st} {_DERIVED} {source} .",
                f"{st} <{AG}claimText> {_lit(text)} .",
                f"{st} <{AG}rank> <{AG}NormalRank> .",
                f"{st} <{AG}startDate> {_day(dyad.first)} .",
                f"{st} <{AG}endDate> {_day(dyad.last)} .",
                f"{st} <{AG}earliestDate> {_day(dyad.first)} .",
                f"{st} <{AG}latestDate> {_day(dyad.last)} .",
                f"{st} <{AG}eventCount> {_int(dyad.events)} .",
                f"{st} <{AG}deathCount> {_int(dyad.deaths)} .",
            ]
        if lines:
            handle.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------------
# Matching curated events


class _Matcher:
    """Finds curated events that a record is the same real event as.

    Same real event: the dates overlap and neither spans more than a week; a place of the record (at
    any level, or a place containing it) is the curated event's place; and an actor of the record is
    one of the curated event's actors (participant, attributed or claiming).
    """

    MAX_SPAN = dt.timedelta(days=7)

    def __init__(self, events: Sequence[CuratedEvent]) -> None:
        self.by_year: dict[int, list[CuratedEvent]] = {}
        for event in events:
            if (
                event.latest - event.earliest > self.MAX_SPAN
                or not event.places
                or not event.actors
            ):
                continue
            for year in range(event.earliest.year, event.latest.year + 1):
                self.by_year.setdefault(year, []).append(event)

    def match(
        self, record: EventRecord, places: frozenset[str] | set[str], actors: set[str]
    ) -> list[str]:
        if not self.by_year or not actors:
            return []
        first = record.earliest
        candidates = self.by_year.get(first.year)
        if not candidates:
            return []
        last = record.latest
        if last - first > self.MAX_SPAN:
            return []
        found = []
        for event in candidates:
            if event.latest < first or event.earliest > last:
                continue
            if event.places & places and event.actors & actors:
                found.append(event.iri)
        return sorted(set(found))


# ----------------------------------------------------------------------------------------------------
# The atomic swap


#: Lines per call of Oxigraph's bulk loader into an on-disk store. One call on a whole file holds it
#: in memory while it sorts (1.6 million triples: 1.25 GiB peak); chunks of 50,000 lines keep an
#: import's peak resident size near 150 MiB whatever the size of the file, and were as fast as
#: 100,000 lines or faster (100,000 GTD rows, 1.7 million triples: 8.9-9.9 s against 9.8-11.0 s).
CHUNK_LINES = 50_000
#: Lines per call into an in-memory store. There, Oxigraph's transactional ``load`` is faster than
#: its bulk loader, and each bulk load costs more the larger the store is (1.7 million triples in
#: chunks of 200,000 lines: ``load`` 3.0 s, ``bulk_load`` 4.2 s; of 50,000 lines: 3.1 s, 4.8 s).
MEMORY_CHUNK_LINES = 25_000
#: Chunks an in-memory store's loader may hold at once (one loading, the others queued).
MEMORY_QUEUE = 4
#: The first chunk into an in-memory store; the next ones double up to MEMORY_CHUNK_LINES, so that
#: the loader, fast while the store is small, waits little for the first rows to be mapped.
MEMORY_FIRST_CHUNK_LINES = 2_500


def _bulk_load(store: ox.Store, path: str | Path, graph: ox.NamedNode, *, trusted: bool) -> None:
    """Bulk-load an N-Triples file into ``graph`` in chunks of lines (one triple per line)."""
    for data in line_chunks(Path(path), CHUNK_LINES):
        # trusted: the importer wrote every IRI itself from checked ids and ASCII slugs, so the
        # loader may skip validating them again (lenient; about 15% faster).
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=trusted)
        del data
        _release_memory()


def _malloc_trim() -> Callable[[], object]:
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError, TypeError):
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


#: Hands memory that the bulk loader freed back to the system. Each bulk load runs on threads of
#: its own, and glibc keeps what they freed in per-thread arenas: without this, the resident size
#: of an import grew with the number of chunks (10,000 GTD rows: 203 MiB, 100,000: 260 MiB), with
#: it, it stays at what one chunk needs. A no-op where the C library has no ``malloc_trim``.
_release_memory = _malloc_trim()


#: The commit marker of an import graph: ``<graph> schema:sha256 "<SHA-256 of its N-Triples>"``, in
#: the graph itself, added only once the whole graph is in the store.
COMPLETE = f"{SCHEMA}sha256"


def replace_graph(
    store: ox.Store,
    graph: str,
    path: str | Path,
    *,
    trusted: bool = False,
    digest: str | None = None,
) -> str:
    """Replace one named graph with the triples of an N-Triples file, so that it is all or nothing.

    The graph is complete when it holds its commit marker ``<graph> schema:sha256 "<digest>"``
    (the SHA-256 of the file), added as one quad after the load. Three cases:

    - the graph already holds this file's digest: nothing to do (``"unchanged"``; re-importing the
      same file into the same curated data writes nothing);
    - the graph is absent: the file is bulk-loaded straight into it, then the marker is added; an
      error drops the partial graph, and a graph left without its marker by a killed process is
      dropped by :func:`drop_incomplete_imports` before the next import (``"loaded"``);
    - the graph holds other content: the file is bulk-loaded into a staging graph
      ``agg:staging/<uuid>``, then one SPARQL Update (one transaction) drops the old graph and
      moves the new one into place (``"replaced"``).

    ``trusted`` skips the loader's validation of IRIs, for files the importers wrote themselves;
    ``digest`` is the file's SHA-256 when the caller computed it while writing the file.

    Moving a graph copies every quad inside one transaction, which on an on-disk store costs about
    eight times the bulk load itself (300,000 triples: 6 s to load, 49 s to move), so the move is
    kept for the one case that needs it.
    """
    digest = digest or file_digest(Path(path))
    node = ox.NamedNode(graph)
    if _stored_digest(store, node) == [digest]:
        return "unchanged"
    if _is_empty(store, node):
        with _LoadingInPlace(store, node) as loading:
            _bulk_load(store, path, node, trusted=trusted)
            loading.commit(digest)
        return "loaded"
    staging = ox.NamedNode(f"{_STAGING_GRAPHS}{uuid.uuid4().hex}")
    try:
        _bulk_load(store, path, staging, trusted=trusted)
        store.add(ox.Quad(node, ox.NamedNode(COMPLETE), ox.Literal(digest), staging))
        store.update(
            f"DROP SILENT GRAPH <{graph}> ; MOVE SILENT GRAPH <{staging.value}> TO <{graph}>"
        )
    except BaseException:
        store.update(f"DROP SILENT GRAPH <{staging.value}>")
        raise
    return "replaced"


def _stored_digest(store: ox.Store, node: ox.NamedNode) -> list[str]:
    return [
        q.object.value
        for q in store.quads_for_pattern(node, ox.NamedNode(COMPLETE), None, node)
        if isinstance(q.object, ox.Literal)
    ]


def _is_empty(store: ox.Store, node: ox.NamedNode) -> bool:
    return next(iter(store.quads_for_pattern(None, None, None, node)), None) is None


class _LoadingInPlace:
    """A graph loaded straight into its final name: complete once :meth:`commit` adds its marker.

    While it loads, ``agg:meta`` of an actorgraph store names it with the store's own marker
    (:data:`actorgraph._store.LOADING`), so a store opened after a kill drops the half-loaded graph;
    in any store, :func:`drop_incomplete_imports` drops an import graph without its commit marker.
    Leaving the ``with`` block without a commit (an error, a rejected strict import, Ctrl-C) drops
    the graph.
    """

    def __init__(self, store: ox.Store, node: ox.NamedNode) -> None:
        self.store = store
        self.node = node
        self.loading = ox.Quad(node, LOADING, ox.Literal(str(os.getpid())), _META)
        self.committed = False

    def __enter__(self) -> _LoadingInPlace:
        if self.store.contains_named_graph(_META):
            self.store.add(self.loading)
        return self

    def commit(self, digest: str) -> None:
        """Add the commit marker: from now on the graph is complete."""
        self.store.add(ox.Quad(self.node, ox.NamedNode(COMPLETE), ox.Literal(digest), self.node))
        self.committed = True

    def __exit__(self, *exc: object) -> None:
        if not self.committed:
            self.store.update(f"DROP SILENT GRAPH <{self.node.value}>")
        self.store.remove(self.loading)


# ----------------------------------------------------------------------------------------------------
# Where the N-Triples go


class _Sink:
    """The import's N-Triples text, hashed as it is written and passed on in chunks of whole lines.

    Every ``write`` ends with a line feed, so a chunk never splits a triple. The SHA-256 is over the
    same UTF-8 bytes a file of the whole text would hold (the commit marker of the graph).
    """

    #: The first chunk is small, so that loading starts as soon as the first rows are mapped.
    FIRST_CHUNK_LINES = 10_000

    def __init__(self, chunk_lines: int, *, first_lines: int | None = None) -> None:
        self.chunk_lines = chunk_lines
        self.hash = hashlib.sha256()
        self._parts: list[str] = []
        self._lines = 0
        self._limit = min(chunk_lines, first_lines or self.FIRST_CHUNK_LINES)
        # With first_lines given, chunks double in size from it up to chunk_lines (a ramp).
        self._ramp = first_lines is not None

    def write(self, text: str, lines: int | None = None) -> None:
        """Add whole lines of N-Triples (``text`` ends with a line feed; ``lines`` counts them)."""
        self._parts.append(text)
        self._lines += text.count("\n") if lines is None else lines
        if self._lines >= self._limit:
            self._limit = min(self.chunk_lines, 2 * self._limit) if self._ramp else self.chunk_lines
            self.flush()

    def flush(self) -> None:
        """Pass on what was written since the last chunk."""
        if not self._parts:
            return
        text = "".join(self._parts)
        self._parts = []
        self._lines = 0
        data = text.encode("utf-8")
        del text  # one copy of the chunk at a time
        self.hash.update(data)
        self._emit(data)

    def _emit(self, data: bytes) -> None:
        raise NotImplementedError

    @property
    def digest(self) -> str:
        """The SHA-256 (hex) of everything written so far (after :meth:`flush`)."""
        return self.hash.hexdigest()


class _FileSink(_Sink):
    """Writes the N-Triples to a file, for a graph that replace_graph swaps in afterwards."""

    def __init__(self, handle: IO[bytes], chunk_lines: int) -> None:
        super().__init__(chunk_lines)
        self.handle = handle

    def _emit(self, data: bytes) -> None:
        self.handle.write(data)


class _StoreSink(_Sink):
    """Loads each chunk into the graph on a second thread while the rows are still being read.

    Oxigraph's loaders release the GIL, so mapping rows (Python) and loading triples (Rust)
    overlap. The loader holds at most ``depth`` chunks (one loading, the others queued): the writer
    waits to hand over another until the loader is done with one, so memory is bounded whatever the
    size of the file (``depth=1``, on disk: one chunk loading, one being written). An error in the
    loader is raised in the importing thread at the next chunk or at :meth:`finish`.
    """

    def __init__(
        self,
        store: ox.Store,
        node: ox.NamedNode,
        chunk_lines: int,
        *,
        in_memory: bool = False,
        depth: int = 1,
        first_lines: int | None = None,
    ) -> None:
        super().__init__(chunk_lines, first_lines=first_lines)
        self.store = store
        self.node = node
        self.in_memory = in_memory
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._slots = threading.Semaphore(depth)
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="actorgraph-bulk-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            try:
                if self._stop or self._error is not None:
                    pass
                elif self.in_memory:
                    self.store.load(
                        data, format=ox.RdfFormat.N_TRIPLES, to_graph=self.node, lenient=True
                    )
                else:
                    self.store.bulk_load(
                        data, format=ox.RdfFormat.N_TRIPLES, to_graph=self.node, lenient=True
                    )
            except BaseException as exc:  # raised again in the importing thread
                self._error = exc
            finally:
                del data
                if not self.in_memory:
                    _release_memory()
                self._slots.release()

    def _emit(self, data: bytes) -> None:
        self._slots.acquire()
        try:
            self._raise()
        except BaseException:
            self._slots.release()
            raise
        self._queue.put(data)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stop = True
            raise error

    def finish(self) -> None:
        """Load what is left and wait for the loader; raise its error, if any."""
        self.flush()
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Stop loading (the chunk in progress ends) and wait for the loader thread."""
        self._stop = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


class _SwitchInterval:
    """Shortens Python's thread switch interval while loaders run (restored when the last ends).

    The loader thread needs the GIL for a moment between two chunks (to return from one load and
    start the next); while the importing thread runs Python code it waits for the GIL up to the
    switch interval, 5 ms by default: about 0.1 s of an in-memory import of 100,000 GTD rows
    (68 chunks) went to that. Only a thread waiting for the GIL is affected; the setting is
    process-wide, so nested and concurrent imports share one saved value.
    """

    SECONDS = 0.0005

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = 0.0

    @contextlib.contextmanager
    def shortened(self) -> Iterator[None]:
        """Run the block with the switch interval at most :attr:`SECONDS`."""
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.SECONDS))
            self._users += 1
        try:
            yield
        finally:
            with self._lock:
                self._users -= 1
                if self._users == 0:
                    sys.setswitchinterval(self._saved)


_switch_interval = _SwitchInterval()


def drop_incomplete_imports(store: ox.Store) -> list[str]:
    """Drop staging graphs and import graphs without their commit marker (left by a killed import).

    Returns the IRIs of the graphs dropped.
    """
    marker = ox.NamedNode(COMPLETE)
    dropped = []
    for graph in list(store.named_graphs()):
        if not isinstance(graph, ox.NamedNode):
            continue
        name = graph.value
        stale = name.startswith(_STAGING_GRAPHS) or (
            name.startswith(_IMPORT_GRAPHS)
            and next(iter(store.quads_for_pattern(graph, marker, None, graph)), None) is None
        )
        if stale:
            store.update(f"DROP SILENT GRAPH <{name}>")
            dropped.append(name)
    return dropped


#: A record id kept as an integer: ASCII digits, no leading zero, at most 18 of them (so that the
#: integer gives back exactly this text and fits 64 bits).
_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,17}").fullmatch


class _SeenIds:
    """The record ids of the rows imported so far, to reject a duplicate row exactly.

    Most ids are numbers (GTD's ``eventid``, UCDP's ``id``). A Python set of them costs about 75
    bytes per id, the one part of an import that grew with the file (7.4 MB per 100,000 rows);
    here they cost 8 bytes: the latest ids are kept in a small set, older ones in sorted arrays of
    64-bit integers (merged like the digits of a binary counter: at most log2(n / 16,384) + 1
    arrays), and a fixed bitmap of 8 Mbit (1 MiB) hashed by id answers "never seen" for almost every
    new id without searching the arrays. Membership stays exact: the arrays are searched
    whenever the bitmap cannot rule an id out, and an id that is not a canonical number (``"012"``,
    ``"PAK1234"``, other digits than ASCII) is kept as text, so ``"012"`` and ``"12"`` (two
    events, ``gtd-012`` and ``gtd-12``) stay distinct.

    Examples
    --------
    >>> seen = _SeenIds()
    >>> seen.add("201412160001"), seen.add("201412160001"), seen.add("0201412160001")
    (True, False, True)
    """

    RECENT = 1 << 14
    _BITS = 23

    def __init__(self) -> None:
        self._text: set[str] = set()
        self._recent: set[int] = set()
        self._runs: list[array[int]] = []
        self._bitmap = bytearray(1 << (self._BITS - 3))

    def add(self, record_id: str) -> bool:
        """Add an id; return ``False`` when it was there already."""
        if not _CANONICAL_ID(record_id):
            if record_id in self._text:
                return False
            self._text.add(record_id)
            return True
        key = int(record_id)
        slot = (key ^ (key >> self._BITS)) & ((1 << self._BITS) - 1)
        bitmap, bit = self._bitmap, 1 << (slot & 7)
        if bitmap[slot >> 3] & bit:
            if key in self._recent or self._in_runs(key):
                return False
        else:
            bitmap[slot >> 3] |= bit
        recent = self._recent
        recent.add(key)
        if len(recent) >= self.RECENT:
            self._merge()
        return True

    def __len__(self) -> int:
        return len(self._text) + len(self._recent) + sum(len(run) for run in self._runs)

    def _in_runs(self, key: int) -> bool:
        for run in self._runs:
            i = bisect_left(run, key)
            if i < len(run) and run[i] == key:
                return True
        return False

    def _merge(self) -> None:
        run = array("q", sorted(self._recent))
        self._recent = set()
        runs = self._runs
        while runs and len(runs[-1]) <= len(run):
            run = array("q", sorted(runs.pop() + run))
        runs.append(run)


# ----------------------------------------------------------------------------------------------------
# The driver

RowMapper = Callable[[Mapping[str, str]], EventRecord | None]


@dataclass(frozen=True)
class Importer:
    """One dataset's importer: its metadata, required columns, encoding, and row mapper factory.

    ``prepare(header, rows)`` inspects the header (and may consume leading rows, such as UCDP HDX's row
    of HXL tags) and returns ``(flavour, mapper)``; the mapper turns a row into an
    :class:`EventRecord` (``None`` for a row to skip silently) or raises :class:`RowError`.
    """

    dataset: DatasetInfo
    required: tuple[str, ...]
    encoding: str
    id_column: str
    prepare: Callable[[list[str]], tuple[str, RowMapper, Callable[[Mapping[str, str]], bool]]]
    hints: Mapping[str, Sequence[str]] = field(default_factory=dict)
    lower_header: bool = True


ProgressFn = Callable[[int, int, int], None]


def run_import(
    target: _HasStore | ox.Store,
    importer: Importer,
    path: str | Path,
    *,
    unresolved: Unresolved = "provisional",
    strict: bool = False,
    encoding: str | None = None,
    dataset_version: str | None = None,
    progress: ProgressFn | None = None,
    fail_after_rows: int | None = None,
    digest: str | None = None,
    display_path: str | None = None,
) -> ImportReport:
    """Import one file into its own named graph; see :func:`actorgraph.importers.import_file`."""
    store = target if isinstance(target, ox.Store) else target.store
    if store is None:
        raise UsageError(
            "imports need a local store (load(store=DIR)); a remote endpoint is read-only"
        )
    if unresolved not in ("provisional", "report"):
        raise UsageError(f"unresolved must be 'provisional' or 'report', not {unresolved!r}")
    file = Path(path)
    if not file.is_file():
        raise DataError("no such file", path=str(file))
    digest = digest or file_digest(file)
    dataset = importer.dataset
    graph = f"{_IMPORT_GRAPHS}{dataset.key}/{digest[:16]}"
    report = ImportReport(dataset=dataset.key, path=display_path or str(file), graph=graph)
    drop_incomplete_imports(store)
    known = KnownEntities.from_store(store)
    resolver = _Resolver(known, dataset, unresolved, importer.hints)
    matcher = _Matcher(known.events)
    source = open_rows(file, encoding or importer.encoding, lower=importer.lower_header)
    require_columns(source, importer.required, dataset.key)
    flavour, mapper, skip = importer.prepare(source.raw_header)
    report.flavour = flavour
    seen = _SeenIds()
    dyads = _Dyads()
    node = ox.NamedNode(graph)
    # A graph that is not there yet is loaded in place while the rows are read (a second thread
    # bulk-loads each chunk); otherwise the N-Triples go to a file that replace_graph swaps in (or
    # finds unchanged). --strict writes nothing until every row is known to be good.
    in_place = not strict and _is_empty(store, node)
    with tempfile.TemporaryDirectory(prefix="actorgraph-import-") as tmp:
        nt_path = Path(tmp) / "import.nt"
        with contextlib.ExitStack() as stack:
            sink: _Sink
            if in_place:
                loading = stack.enter_context(_LoadingInPlace(store, node))
                stack.enter_context(_switch_interval.shortened())
                # A KnowledgeGraph says whether its store is in memory (path None); a bare
                # pyoxigraph.Store is taken to be on disk (the smaller chunks).
                in_memory = not isinstance(target, ox.Store) and getattr(target, "path", 0) is None
                sink = (
                    _StoreSink(
                        store,
                        node,
                        MEMORY_CHUNK_LINES,
                        in_memory=True,
                        depth=MEMORY_QUEUE,
                        first_lines=MEMORY_FIRST_CHUNK_LINES,
                    )
                    if in_memory
                    else _StoreSink(store, node, CHUNK_LINES)
                )
                stack.callback(sink.abort)  # runs before the graph is dropped on an error
            else:
                sink = _FileSink(stack.enter_context(nt_path.open("wb")), CHUNK_LINES)
            try:
                writer = _Writer(sink, dataset)
                writer.dataset_node(dataset_version, describe=dataset.source not in known.types)
                for line, row, width in source.rows:
                    if skip(row):
                        continue
                    report.rows_read += 1
                    if progress is not None and report.rows_read % 1000 == 0:
                        progress(report.rows_read, source.counter.count, source.size)
                    if fail_after_rows is not None and report.rows_read > fail_after_rows:
                        raise RuntimeError(f"import stopped after {fail_after_rows} rows (testing)")
                    record_id = (row.get(importer.id_column) or "").strip()
                    if width != len(source.header):
                        report.issues.append(
                            Issue(
                                line,
                                record_id,
                                "rejected",
                                "wrong number of fields",
                                None,
                                f"{width} fields; the header has {len(source.header)}",
                            )
                        )
                        continue
                    try:
                        record = mapper(row)
                    except RowError as err:
                        report.issues.append(
                            Issue(line, record_id, "rejected", err.reason, err.column, err.detail)
                        )
                        continue
                    if record is None:
                        continue
                    if not seen.add(record.record_id):
                        report.issues.append(
                            Issue(line, record_id, "rejected", "duplicate id", importer.id_column,
                                  "an earlier row has the same id; the first one is kept")
                        )  # fmt: skip
                        continue
                    for dropped in record.dropped:
                        report.issues.append(Issue(line, record_id, "dropped", *dropped))
                    places, actors = _preview(record, resolver)
                    same = matcher.match(record, places, actors)
                    writer.event(record, resolver, same)
                    dyads.add(record, resolver)
                    report.same_event_links += len(same)
                    report.events_created += 1
                writer.new_nodes(resolver)
                dyads.write(sink, dataset)
            finally:
                source.close()
            if isinstance(sink, _StoreSink):
                sink.finish()
            else:
                sink.flush()
            if progress is not None:
                progress(report.rows_read, source.size, source.size)
            report.unresolved = resolver.unresolved
            report.resolved = resolver.resolved
            report.categories = resolver.categories
            report.ambiguous = {
                k: v for k, v in resolver.ambiguous.items() if k in resolver.unresolved
            }
            report.provisional_actors = len(resolver.new_actors)
            report.places_created = len(resolver.new_places)
            report.dyads = len(dyads.pairs)
            if in_place:
                loading.commit(sink.digest)
                report.store_change = "loaded"
        if not in_place:
            if strict and report.rejected:
                return report
            report.store_change = replace_graph(
                store, graph, nt_path, trusted=True, digest=sink.digest
            )
        changed = getattr(target, "_changed", None)
        if callable(changed):  # a KnowledgeGraph caches its name index
            changed()
        report.committed = True
    return report


def _preview(record: EventRecord, resolver: _Resolver) -> tuple[frozenset[str], set[str]]:
    """The record's places (every level and the curated places containing them) and actors."""
    places = resolver.place_set(record.places)
    actors: set[str] = set()
    for mention in record.actors:
        if mention.role == "target":
            continue
        key = (mention.name, mention.local_id)
        hit = resolver._actor_cache.get(key)
        if hit is None:
            hit = resolver._actor(mention)
            resolver._actor_cache[key] = hit
        if hit[1] is not None and hit[0] in ("resolved", "provisional"):
            actors.add(hit[1])
    return places, actors


def default_progress(label: str, stream: IO[str] | None = None) -> ProgressFn:
    """Return a progress callback that redraws one line on a terminal (or prints every 10%)."""
    out = stream or sys.stderr
    tty = out.isatty()
    state = {"last": -1}

    def show(rows: int, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if tty:
            width = 30
            filled = width * percent // 100
            bar = "#" * filled + "-" * (width - filled)
            out.write(f"\r{label} [{bar}] {percent:3d}% {rows:,} rows")
            if percent >= 100:
                out.write("\n")
            out.flush()
        elif percent // 10 != state["last"] // 10 or (percent == 100 and state["last"] != 100):
            out.write(f"{label}: {percent}% ({rows:,} rows)\n")
            out.flush()
        state["last"] = percent

    return show
