"""Curated data as Python records: sources, entities, claims, and the ids of their statements."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from actorgraph.vocab._dates import PartialDate
from actorgraph.vocab._namespaces import AG, AGST, PREFIXES, SCHEMA

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: The longest text a single field may hold; a longer one is a mistake (or an attack), not a claim.
MAX_FIELD_CHARS = 10_000
#: The largest curated file read; curated files are written by hand and stay far below this (the
#: largest bundled one is under 200 KB). At this size `validate` takes seconds, not minutes, and
#: tens of MB, not GB; data sets this large belong in `actorgraph import`.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: The most digits a YAML integer may have: counts and offsets need far fewer, and Python refuses to
#: convert more than 4,300.
MAX_INT_DIGITS = 18

RANKS = {"preferred": AG.PreferredRank, "normal": AG.NormalRank, "deprecated": AG.DeprecatedRank}
RANK_ORDER = {AG.PreferredRank: 0, AG.NormalRank: 1, AG.DeprecatedRank: 2}
SHA_RE = re.compile(r"^[0-9a-f]{64}$")
LANG_ALIAS_RE = re.compile(r"^(.*\S)@([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Properties the loader writes itself; a claim may not set them.
MANAGED = {
    AG.earliestDate, AG.latestDate, AG.claimText, AG.rank, AG.charStart, AG.charEnd,
    AG.spanSha256, AG.sourceFact, AG.lowerBound, AG.uncertain, AG.disownedDate, AG.sourceRecord,
    AG.singleSource,
}  # fmt: skip
#: Object properties whose object may be an IRI outside the data (a Wikidata item, a web page).
EXTERNAL_OBJECTS = {SKOS.exactMatch, SCHEMA.url}

SOURCE_KEYS = {
    "id",
    "title",
    "creator",
    "publisher",
    "date",
    "url",
    "seed_file",
    "license",
    "version",
}
ENTITY_KEYS = {"id", "type", "label", "aliases"}
CLAIM_KEYS = {
    "subject", "property", "object", "source", "claim", "rank", "pinpoint", "fact", "start", "end",
    "note", "lower_bound", "uncertain", "disowned_date", "locator",
}  # fmt: skip


@dataclass
class Source:
    """A source as declared in a ``sources`` list."""

    iri: URIRef
    title: str
    creator: str
    publisher: str
    date: PartialDate | None = None
    url: str | None = None
    seed_file: str | None = None
    license: str | None = None
    version: str | None = None
    path: str = ""
    line: int = 0


@dataclass
class Entity:
    """An entity as declared in an ``entities`` list."""

    iri: URIRef
    types: list[URIRef]
    label: str
    aliases: list[Literal]
    path: str = ""
    line: int = 0


@dataclass
class Claim:
    """One sourced claim."""

    subject: URIRef
    predicate: URIRef
    object: URIRef | Literal
    source: URIRef
    claim: str
    rank: URIRef = AG.NormalRank
    char_start: int | None = None
    char_end: int | None = None
    span_sha256: str | None = None
    fact: int | None = None
    locator: str | None = None
    start: PartialDate | None = None
    end: PartialDate | None = None
    note: str | None = None
    lower_bound: bool = False
    uncertain: bool = False
    disowned_date: PartialDate | None = None
    path: str = ""
    line: int = 0

    @functools.cached_property
    def statement(self) -> URIRef:
        """The statement's content-derived IRI.

        Computed once: the reader, the compiler and validation each ask for it, and the four
        terms it hashes are not changed once a claim is read.
        """
        return statement_id(self.subject, self.predicate, self.object, self.source)


@dataclass
class CuratedData:
    """Everything read from a set of curated files."""

    sources: dict[URIRef, Source] = field(default_factory=dict)
    entities: dict[URIRef, Entity] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def statement_id(
    subject: URIRef, predicate: URIRef, obj: URIRef | Literal, source: URIRef
) -> URIRef:
    """Name a statement by its content: ``agst:`` + 16 hex of SHA-256 over the N-Triples terms.

    Examples
    --------
    >>> from actorgraph.vocab._namespaces import AGD, AG, AGS
    >>> str(statement_id(AGD.x, AG.claimedBy, AGD.y, AGS.z))[-16:]
    'c2e4edebabc175a5'
    """
    text = "\n".join(term.n3() for term in (subject, predicate, obj, source))
    return AGST[hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]]


def compact_iri(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns) :]}"
    return str(iri)
