"""Compiling curated data to RDF: statements, ranks, dates and intervals."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from actorgraph.curation._model import RANK_ORDER, Claim, CuratedData, Triple
from actorgraph.vocab._dates import parse_partial_date
from actorgraph.vocab._namespaces import AG, AGS, SCHEMA
from actorgraph.vocab._ontology import ontology

# --------------------------------------------------------------------------------------------
# Compiling to RDF

#: The key facts that want two sources (founding, founders, leaders, tolls). A value of one of them
#: that only one source gives is marked on its statement with ``ag:singleSource true``, so that a
#: reader (the profile, the page, a SPARQL query) can tell a corroborated fact from one that is not.
KEY_FACTS = frozenset({AG.foundingDate, AG.founderOf, AG.leaderOf, AG.killed, AG.injured})


def compile_triples(data: CuratedData) -> list[Triple]:
    """Compile checked curated data to triples as CONTRACT.md says.

    Direct triples follow the best-rank rule; statements are named by content; dates get their
    ``ag:earliestDate``/``ag:latestDate`` interval.
    """
    onto = ontology()
    out: list[Triple] = []
    add = out.append
    for source in data.sources.values():
        add((source.iri, RDF.type, AG.Source))
        add((source.iri, DCTERMS.title, Literal(source.title)))
        add((source.iri, DCTERMS.creator, Literal(source.creator)))
        add((source.iri, DCTERMS.publisher, Literal(source.publisher)))
        if source.date is not None:
            add((source.iri, DCTERMS.date, source.date.literal()))
        if source.url is not None:
            add((source.iri, SCHEMA.url, URIRef(source.url)))
        if source.license is not None:
            add((source.iri, DCTERMS.license, Literal(source.license)))
        if source.version is not None:
            add((source.iri, SCHEMA.version, Literal(source.version)))
    for entity in data.entities.values():
        for cls in entity.types:
            add((entity.iri, RDF.type, cls))
            scheme = onto.schemes.get(cls)
            if scheme is not None:
                add((entity.iri, SKOS.inScheme, scheme))
        add((entity.iri, RDFS.label, Literal(entity.label, lang="en")))
        out.extend((entity.iri, SKOS.altLabel, alias) for alias in entity.aliases)

    by_subject_property: dict[tuple[URIRef, URIRef], list[Claim]] = defaultdict(list)
    for claim in data.claims:
        by_subject_property[(claim.subject, claim.predicate)].append(claim)
        out.extend(_statement_triples(claim))
    out.extend(_single_source_marks(data.claims))
    direct: dict[tuple[URIRef, URIRef], list[URIRef | Literal]] = {}
    for key, claims in by_subject_property.items():
        best = min(RANK_ORDER[c.rank] for c in claims)
        if best == RANK_ORDER[AG.DeprecatedRank]:
            continue
        objects = list(dict.fromkeys(c.object for c in claims if RANK_ORDER[c.rank] == best))
        direct[key] = objects
        out.extend((key[0], key[1], obj) for obj in objects)
    out.extend(_entity_intervals(direct))
    return out


# The terms every statement uses, made once: an rdflib ``Namespace`` makes a new URIRef at each
# attribute access, and equal URIRefs that are not the same object compare in Python in every
# dictionary the triples go through (the SHACL index, the copy into Oxigraph).
_TYPE, _STATEMENT = RDF.type, RDF.Statement
_SUBJECT, _PREDICATE, _OBJECT = RDF.subject, RDF.predicate, RDF.object
_DERIVED_FROM, _NOTE = PROV.wasDerivedFrom, SKOS.note
_CLAIM_TEXT, _RANK, _SOURCE_FACT, _LOCATOR = AG.claimText, AG.rank, AG.sourceFact, AG.locator
_CHAR_START, _CHAR_END, _SPAN_SHA256 = AG.charStart, AG.charEnd, AG.spanSha256
_START, _END, _EARLIEST, _LATEST = AG.startDate, AG.endDate, AG.earliestDate, AG.latestDate
_LOWER_BOUND, _UNCERTAIN, _DISOWNED = AG.lowerBound, AG.uncertain, AG.disownedDate
_SINGLE_SOURCE = AG.singleSource
_TRUE = Literal(True)
_SOURCE_PREFIX = len(str(AGS))


def _statement_triples(claim: Claim) -> Iterator[Triple]:
    st = claim.statement
    yield st, _TYPE, _STATEMENT
    yield st, _SUBJECT, claim.subject
    yield st, _PREDICATE, claim.predicate
    yield st, _OBJECT, claim.object
    yield st, _DERIVED_FROM, claim.source
    yield st, _CLAIM_TEXT, Literal(claim.claim, lang="en")
    yield st, _RANK, claim.rank
    if claim.char_start is not None and claim.char_end is not None:
        yield st, _CHAR_START, Literal(claim.char_start, datatype=XSD.integer)
        yield st, _CHAR_END, Literal(claim.char_end, datatype=XSD.integer)
        yield st, _SPAN_SHA256, Literal(str(claim.span_sha256))
    if claim.fact is not None:
        yield st, _SOURCE_FACT, Literal(f"{str(claim.source)[_SOURCE_PREFIX:]}#{claim.fact}")
    if claim.locator is not None:
        yield st, _LOCATOR, Literal(claim.locator)
    if claim.start is not None:
        yield st, _START, claim.start.literal()
        yield st, _EARLIEST, Literal(claim.start.earliest.isoformat(), datatype=XSD.date)
    if claim.end is not None:
        yield st, _END, claim.end.literal()
        yield st, _LATEST, Literal(claim.end.latest.isoformat(), datatype=XSD.date)
    if claim.note is not None:
        yield st, _NOTE, Literal(claim.note, lang="en")
    if claim.lower_bound:
        yield st, _LOWER_BOUND, _TRUE
    if claim.uncertain:
        yield st, _UNCERTAIN, _TRUE
    if claim.disowned_date is not None:
        yield st, _DISOWNED, claim.disowned_date.literal()


def _single_source_marks(claims: list[Claim]) -> Iterator[Triple]:
    """``ag:singleSource true`` on each statement of a key fact's value that one source alone gives.

    Another source supports a value when it gives the same value or, for a date, a date within it:
    "13 December 2007" supports "December 2007" (not the other way round).
    """
    by_fact: dict[tuple[URIRef, URIRef], list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.predicate in KEY_FACTS:
            by_fact[(claim.subject, claim.predicate)].append(claim)
    for group in by_fact.values():
        spans = {claim.object: _date_span(claim.object) for claim in group}
        for claim in group:
            span = spans[claim.object]
            supporters = {
                other.source
                for other in group
                if other.object == claim.object
                or (span is not None and _within(spans[other.object], span))
            }
            if len(supporters) == 1:
                yield claim.statement, _SINGLE_SOURCE, _TRUE


def _date_span(value: URIRef | Literal) -> tuple[str, str] | None:
    """The first and last day a date value may mean, or None for a value that is no date."""
    if not isinstance(value, Literal) or value.datatype not in _DATE_TYPES:
        return None
    date = parse_partial_date(str(value))
    return date.earliest.isoformat(), date.latest.isoformat()


def _within(inner: tuple[str, str] | None, outer: tuple[str, str]) -> bool:
    return inner is not None and outer[0] <= inner[0] and inner[1] <= outer[1]


_DATE_TYPES = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear})


def _entity_intervals(
    direct: dict[tuple[URIRef, URIRef], list[URIRef | Literal]],
) -> Iterator[Triple]:
    """``ag:earliestDate``/``ag:latestDate`` of each entity from its direct ``ag:date`` or start/end."""
    subjects = {s for s, _ in direct}
    for subject in sorted(subjects):
        dates = [parse_partial_date(str(v)) for v in direct.get((subject, AG.date), [])]
        starts = [parse_partial_date(str(v)) for v in direct.get((subject, AG.startDate), [])]
        ends = [parse_partial_date(str(v)) for v in direct.get((subject, AG.endDate), [])]
        earliest = [d.earliest for d in dates or starts]
        latest = [d.latest for d in dates or ends]
        if earliest:
            yield subject, AG.earliestDate, Literal(min(earliest).isoformat(), datatype=XSD.date)
        if latest:
            yield subject, AG.latestDate, Literal(max(latest).isoformat(), datatype=XSD.date)
