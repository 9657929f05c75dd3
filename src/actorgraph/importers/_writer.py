"""Writing an import's triples: one record at a time as N-Triples, with conflict dyads and the links
to curated events that are the same real event (``ag:sameEventAs``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from actorgraph.importers._known import CuratedEvent
from actorgraph.importers._ntriples import (
    DCTERMS_NS,
    NT_CONTAINED,
    NT_DERIVED,
    NT_LABEL,
    NT_SOURCE_RECORD,
    NT_TYPE,
    RDF_NS,
    XSD_NS,
    nt_date,
    nt_day,
    nt_int,
    nt_iri,
    nt_lit,
    nt_str,
    nt_typed,
    statement_iri,
)
from actorgraph.importers._records import DatasetInfo, EventRecord
from actorgraph.importers._resolver import Resolver
from actorgraph.importers._sinks import Sink
from actorgraph.vocab._namespaces import AG, AGD, GEO, SCHEMA

# ----------------------------------------------------------------------------------------------------
# Writing triples


class Writer:
    """Writes one record's triples as N-Triples lines."""

    def __init__(self, handle: Sink, dataset: DatasetInfo) -> None:
        self.handle = handle
        self.dataset = dataset
        self.source = nt_iri(dataset.source)
        # The text of a line's predicate and object depends on few distinct values (a type, a
        # date, a count, an actor), so it is built once per value, not once per row.
        self._derived = f"{NT_DERIVED} {self.source}"
        self._types: dict[str, str] = {}
        self._dates: dict[tuple[object, ...], list[str]] = {}
        self._counts: dict[tuple[str, int], str] = {}
        self._objects: dict[tuple[str, str], str] = {}

    def event(self, record: EventRecord, resolver: Resolver, same: list[str]) -> None:
        """Write the record's triples: the event, its dates, counts, place, actors, links."""
        ag = str(AG)
        kind = self._types.get(record.kind)
        if kind is None:
            kind = self._types[record.kind] = f"{NT_TYPE} <{ag}{record.kind}>"
        pos: list[str] = [
            kind,
            f"{NT_LABEL} {nt_lit(record.label)}",
            self._derived,
            f"{NT_SOURCE_RECORD} {nt_str(record.record_id)}",
        ]
        pos += self._date_lines(record)
        counts = self._counts
        for item in record.counts.items():
            text = counts.get(item)
            if text is None:
                text = counts[item] = f"<{ag}{item[0]}> {nt_int(item[1])}"
            pos.append(text)
        if record.lat is not None and record.long is not None:
            pos.append(f'<{GEO}lat> "{record.lat}"^^<{XSD_NS}decimal>')
            pos.append(f'<{GEO}long> "{record.long}"^^<{XSD_NS}decimal>')
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
                lines.append(f"<{ag}date> {nt_date(date)}")
            if start is not None and end is not None and date is None:
                lines.append(f"<{ag}startDate> {nt_date(start)}")
                lines.append(f"<{ag}endDate> {nt_date(end)}")
            lines.append(f"<{ag}earliestDate> {nt_day(record.earliest)}")
            lines.append(f"<{ag}latestDate> {nt_day(record.latest)}")
            self._dates[key] = lines
        return lines

    def _uncertain(self, record: EventRecord, subject: str, actor: str) -> list[str]:
        # The dataset flags its own attribution as suspected: a statement carries ag:uncertain true
        # (the direct triple stays, as for any sourced claim of normal rank).
        predicate = str(AG) + "attributedTo"
        st = nt_iri(statement_iri(subject, predicate, actor, self.dataset.source))
        text = (
            f"{self.dataset.title} attributes {record.record_id} to this actor but marks the "
            "attribution as uncertain."
        )
        return [
            f"{st} {NT_TYPE} <{RDF_NS}Statement> .",
            f"{st} <{RDF_NS}subject> {nt_iri(subject)} .",
            f"{st} <{RDF_NS}predicate> {nt_iri(predicate)} .",
            f"{st} <{RDF_NS}object> {nt_iri(actor)} .",
            f"{st} {NT_DERIVED} {self.source} .",
            f"{st} <{AG}claimText> {nt_lit(text)} .",
            f"{st} <{AG}rank> <{AG}NormalRank> .",
            f"{st} <{AG}uncertain> {nt_typed('true', XSD_NS + 'boolean')} .",
        ]

    def dataset_node(self, version: str | None, *, describe: bool = True) -> None:
        """Describe the dataset as a source (``describe=False``: the curated data already does)."""
        d = self.dataset
        s = self.source
        if not describe:
            if version:
                self.handle.write(f"{s} <{SCHEMA}version> {nt_str(version)} .\n")
            return
        lines = [
            f"{s} {NT_TYPE} <{AG}Source> .",
            f"{s} {NT_LABEL} {nt_lit(d.title)} .",
            f"{s} <{DCTERMS_NS}title> {nt_lit(d.title)} .",
            f"{s} <{DCTERMS_NS}creator> {nt_str(d.creator)} .",
            f"{s} <{DCTERMS_NS}publisher> {nt_str(d.publisher)} .",
            f"{s} <{DCTERMS_NS}license> {nt_str(d.license)} .",
        ]
        if d.url:
            lines.append(f"{s} <{SCHEMA}url> <{d.url}> .")
        if version:
            lines.append(f"{s} <{SCHEMA}version> {nt_str(version)} .")
        self.handle.write("\n".join(lines) + "\n")

    def new_nodes(self, resolver: Resolver) -> None:
        """Describe the provisional actors and the places the import created (sorted: stable output)."""
        lines: list[str] = []
        for iri, (name, local_id) in sorted(resolver.new_actors.items()):
            node = nt_iri(iri)
            lines += [
                f"{node} {NT_TYPE} <{AG}Actor> .",
                f"{node} {NT_LABEL} {nt_lit(name)} .",
                f"{node} <{AG}provisional> {nt_typed('true', XSD_NS + 'boolean')} .",
                f"{node} {NT_DERIVED} {self.source} .",
            ]
            if local_id:
                lines.append(f"{node} {NT_SOURCE_RECORD} {nt_str(local_id)} .")
        for iri, (name, parent) in sorted(resolver.new_places.items()):
            node = nt_iri(iri)
            lines += [
                f"{node} {NT_TYPE} <{AG}Place> .",
                f"{node} {NT_LABEL} {nt_lit(name)} .",
                f"{node} {NT_DERIVED} {self.source} .",
            ]
            if parent is not None:
                lines.append(f"{node} {NT_CONTAINED} {nt_iri(parent)} .")
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


class Dyads:
    """Aggregates opposing records by (side A, side B) while rows stream past: no second pass.

    Memory is bounded by the number of distinct pairs of actors, not by the rows.
    """

    def __init__(self) -> None:
        self.pairs: dict[tuple[str, str], _Dyad] = {}

    def add(self, record: EventRecord, resolver: Resolver) -> None:
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

    def write(self, handle: Sink, dataset: DatasetInfo) -> None:
        """Write each dyad's direct ``ag:opposes`` triple and its statement (sorted: stable output)."""
        predicate = str(AG) + "opposes"
        source = nt_iri(dataset.source)
        lines: list[str] = []
        for (a, b), dyad in sorted(self.pairs.items()):
            st = nt_iri(statement_iri(a, predicate, b, dataset.source))
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
                f"{nt_iri(a)} <{predicate}> {nt_iri(b)} .",
                f"{st} {NT_TYPE} <{RDF_NS}Statement> .",
                f"{st} <{RDF_NS}subject> {nt_iri(a)} .",
                f"{st} <{RDF_NS}predicate> <{predicate}> .",
                f"{st} <{RDF_NS}object> {nt_iri(b)} .",
                f"{st} {NT_DERIVED} {source} .",
                f"{st} <{AG}claimText> {nt_lit(text)} .",
                f"{st} <{AG}rank> <{AG}NormalRank> .",
                f"{st} <{AG}startDate> {nt_day(dyad.first)} .",
                f"{st} <{AG}endDate> {nt_day(dyad.last)} .",
                f"{st} <{AG}earliestDate> {nt_day(dyad.first)} .",
                f"{st} <{AG}latestDate> {nt_day(dyad.last)} .",
                f"{st} <{AG}eventCount> {nt_int(dyad.events)} .",
                f"{st} <{AG}deathCount> {nt_int(dyad.deaths)} .",
            ]
        if lines:
            handle.write("\n".join(lines) + "\n")


# ----------------------------------------------------------------------------------------------------
# Matching curated events


class Matcher:
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
