"""Curated data: read ``data/curated/*.yaml``, check every record, compile to RDF.

The authoring format is described in ``docs/authoring.md``. Reading collects every problem it finds
(file, line, field, what was expected) before raising, so one run of ``actorgraph validate`` lists them
all; nothing is compiled from files with errors.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from actorgraph._dates import PartialDate, parse_partial_date
from actorgraph._errors import DataError, DataErrors
from actorgraph._namespaces import AG, AGS, AGST, PREFIXES, SCHEMA, expand
from actorgraph._ontology import Ontology, ontology
from actorgraph._resources import resource_dir

__all__ = [
    "Claim",
    "CuratedData",
    "Entity",
    "Source",
    "bundled_files",
    "compile_triples",
    "read_curated",
    "statement_id",
]

Triple = tuple[URIRef, URIRef, URIRef | Literal]

#: The longest text a single field may hold; a longer one is a mistake (or an attack), not a claim.
MAX_FIELD_CHARS = 10_000
#: The largest curated file read; curated files are written by hand and stay far below this.
MAX_FILE_BYTES = 20 * 1024 * 1024

_RANKS = {"preferred": AG.PreferredRank, "normal": AG.NormalRank, "deprecated": AG.DeprecatedRank}
_RANK_ORDER = {AG.PreferredRank: 0, AG.NormalRank: 1, AG.DeprecatedRank: 2}
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
_LANG_ALIAS_RE = re.compile(r"^(.*\S)@([a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Properties the loader writes itself; a claim may not set them.
_MANAGED = {
    AG.earliestDate, AG.latestDate, AG.claimText, AG.rank, AG.charStart, AG.charEnd,
    AG.spanSha256, AG.sourceFact, AG.lowerBound, AG.uncertain, AG.disownedDate, AG.sourceRecord,
}  # fmt: skip
#: Object properties whose object may be an IRI outside the data (a Wikidata item, a web page).
_EXTERNAL_OBJECTS = {SKOS.exactMatch, SCHEMA.url}

_SOURCE_KEYS = {
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
_ENTITY_KEYS = {"id", "type", "label", "aliases"}
_CLAIM_KEYS = {
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

    @property
    def statement(self) -> URIRef:
        """The statement's content-derived IRI."""
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
    >>> from actorgraph._namespaces import AGD, AG, AGS
    >>> str(statement_id(AGD.x, AG.claimedBy, AGD.y, AGS.z))[-16:]
    'c2e4edebabc175a5'
    """
    text = "\n".join(term.n3() for term in (subject, predicate, obj, source))
    return AGST[hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]]


def bundled_files() -> list[Path]:
    """The curated files that ship with actorgraph, in a stable order."""
    return sorted((resource_dir("data") / "curated").glob("*.yaml"))


# --------------------------------------------------------------------------------------------
# Reading YAML with line numbers


class _Mapping(dict[str, Any]):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _Sequence(list[Any]):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records line numbers and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = _Mapping()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str) or not key.isprintable():
                # A key is echoed in error messages: no line breaks or terminal escapes in it.
                raise yaml.constructor.ConstructorError(
                    None, None, f"keys must be printable text, found {key!r}", key_node.start_mark
                )
            if key in mapping:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {mapping.key_lines[key]}); "
                    "keep one and delete the other",
                    key_node.start_mark,
                )
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # Curated files never need anchors and aliases; refusing them stops "billion laughs"
        # files, whose few lines expand to gigabytes once constructed or printed.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                f"the alias *{event.anchor} is not allowed in curated files; write the value out",
                event.start_mark,
            )
        node: yaml.Node | None = super().compose_node(parent, index)
        return node

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> list[Any]:
        seq = _Sequence(self.construct_object(child, deep=True) for child in node.value)
        seq.line = node.start_mark.line + 1
        return seq


# Dates stay text: YAML's own timestamps would turn 2014-02-30 into a crash and lose the precision of
# a date; parse_partial_date reads them with a message a person can act on.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _LineLoader.construct_mapping,
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
    _LineLoader.construct_sequence,
)


def _read_yaml(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DataError(
            f"the file is {size:,} bytes; curated files are limited to {MAX_FILE_BYTES:,} bytes "
            "(split it, or import large data with `actorgraph import`)",
            path=str(path),
        )
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8 "
            "(it may be latin-1 or Windows-1252)",
            path=str(path),
            line=line,
        ) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.reader.ReaderError as exc:
        # Raised for control characters (a NUL byte, …); its position is an index into the text.
        position = exc.position if isinstance(exc.position, int) else 0
        raise DataError(
            f"character #x{exc.character:04x} is not allowed in YAML; remove it",
            path=str(path),
            line=text.count("\n", 0, position) + 1,
        ) from None
    except RecursionError:
        raise DataError(
            "malformed YAML: lists or mappings nested too deeply; curated records are flat",
            path=str(path),
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "malformed YAML"
        if exc.problem and exc.context and exc.context_mark and exc.context_mark is not mark:
            # e.g. an unclosed bracket: the problem is at the end, the cause where it opened.
            problem += f" ({exc.context} at line {exc.context_mark.line + 1})"
        raise DataError(
            f"malformed YAML: {problem}; check the indentation and quoting near this line",
            path=str(path),
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise DataError(f"malformed YAML: {exc}", path=str(path)) from None


# --------------------------------------------------------------------------------------------
# Checking records


class _Checker:
    """Collects the errors of one file's records."""

    def __init__(self, path: Path, errors: list[DataError]) -> None:
        self.path = str(path)
        self.errors = errors

    def error(self, record: _Mapping | None, key: str | None, message: str) -> None:
        line = None
        if record is not None:
            line = record.key_lines.get(key, record.line) if key else record.line
        self.errors.append(DataError(message, path=self.path, line=line, field=key))

    def keys(self, record: _Mapping, allowed: set[str], required: Sequence[str], kind: str) -> bool:
        ok = True
        for key in record:
            if key not in allowed:
                self.error(
                    record,
                    key,
                    f"unknown field in a {kind}; expected one of {', '.join(sorted(allowed))}",
                )
                ok = False
        for key in required:
            if key not in record or record[key] in (None, ""):
                self.error(record, key, f"a {kind} needs the field {key!r}")
                ok = False
        return ok

    def text(self, record: _Mapping, key: str, *, required: bool = True) -> str | None:
        value = record.get(key)
        if value is None:
            return None
        if isinstance(value, bool | dict | list):
            self.error(
                record, key, f"expected text, found {type(value).__name__}; put the text in quotes"
            )
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        text = unicodedata.normalize("NFC", text).strip()
        control = next(
            (ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t"), None
        )
        if control is not None:
            # YAML's "\e", "\0", "\x1b" … escapes make them; they would reach terminals and pages.
            self.error(record, key, f"holds the control character U+{ord(control):04X}; remove it")
            return None
        if not text and required:
            self.error(record, key, "is empty")
            return None
        if len(text) > MAX_FIELD_CHARS:
            self.error(
                record,
                key,
                f"is {len(text):,} characters; a field holds at most {MAX_FIELD_CHARS:,}",
            )
            return None
        return text

    def iri(self, record: _Mapping, key: str, prefix: str | None = None) -> URIRef | None:
        text = self.text(record, key)
        if text is None:
            return None
        if any(ch.isspace() or ch in '<>"{}|^`\\' for ch in text):
            self.error(
                record,
                key,
                f'{text!r} is not a CURIE or IRI: it holds a space or one of <>"{{}}|^`\\',
            )
            return None
        try:
            iri = expand(text)
        except ValueError as exc:
            self.error(record, key, str(exc))
            return None
        if prefix is not None:
            if not text.startswith(f"{prefix}:"):
                self.error(
                    record, key, f"{text!r} should be a CURIE in {prefix}: (e.g. {prefix}:my-slug)"
                )
                return None
            local = text.split(":", 1)[1]
            if not _SLUG_RE.match(local):
                self.error(
                    record, key, f"{text!r}: a slug is lower-case letters, digits and hyphens"
                )
                return None
        return iri

    def date(self, record: _Mapping, key: str) -> PartialDate | None:
        if record.get(key) is None:
            return None
        try:
            return parse_partial_date(record[key])
        except ValueError as exc:
            self.error(record, key, str(exc))
            return None

    def boolean(self, record: _Mapping, key: str) -> bool:
        value = record.get(key, False)
        if not isinstance(value, bool):
            self.error(record, key, f"expected true or false, found {value!r}")
            return False
        return value


def _records(doc: Any, key: str, check: _Checker) -> Iterator[_Mapping]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if items is None:
        return
    if not isinstance(items, list):
        check.error(doc, key, f"{key!r} should be a list of records (each starting with '- ')")
        return
    for item in items:
        if not isinstance(item, _Mapping):
            line = getattr(items, "line", None)
            check.errors.append(
                DataError(
                    f"each entry of {key!r} should be a record of 'field: value' lines, found {item!r}",
                    path=check.path,
                    line=line,
                    field=key,
                )
            )
            continue
        yield item


def read_curated(
    paths: Iterable[str | Path] | None = None,
    *,
    context: CuratedData | None = None,
    seeds_dir: str | Path | None = None,
) -> CuratedData:
    """Read and check curated files.

    Parameters
    ----------
    paths
        The YAML files (default: the bundled ``data/curated/*.yaml``). A directory stands for its
        ``*.yaml`` files.
    context
        Already-read data the files may refer to (the bundled data, when reading a user's files);
        its ids may not be declared again.
    seeds_dir
        Where the seed texts are; when given, every pinpoint is recomputed against its text.

    Raises
    ------
    DataErrors
        Listing every problem found, each with file, line and field.

    Examples
    --------
    >>> data = read_curated()
    >>> "https://w3id.org/actorgraph/data/ttp" in {str(e) for e in data.entities}
    True
    """
    files: list[Path] = []
    for item in bundled_files() if paths is None else paths:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(path.glob("*.yaml")))
        elif not path.exists():
            raise DataError("no such file; check the path", path=str(path))
        else:
            files.append(path)
    onto = ontology()
    errors: list[DataError] = []
    data = CuratedData(files=files)
    known_sources = dict(context.sources) if context else {}
    known_entities = dict(context.entities) if context else {}
    pending_claims: list[tuple[_Checker, _Mapping]] = []
    for path in files:
        check = _Checker(path, errors)
        try:
            doc = _read_yaml(path)
        except DataError as exc:
            errors.append(exc)
            continue
        if doc is None:
            continue
        if not isinstance(doc, _Mapping):
            errors.append(
                DataError(
                    "a curated file is a mapping with the lists 'sources', 'entities' and 'claims'",
                    path=str(path),
                    line=1,
                )
            )
            continue
        for key in doc:
            if key not in {"sources", "entities", "claims"}:
                check.error(
                    doc, key, "unknown top-level list; expected sources, entities or claims"
                )
        for record in _records(doc, "sources", check):
            _declare(_read_source(record, check), data.sources, known_sources, record, check)
        for record in _records(doc, "entities", check):
            _declare(
                _read_entity(record, check, onto), data.entities, known_entities, record, check
            )
        pending_claims.extend((check, record) for record in _records(doc, "claims", check))
    all_sources = {**known_sources, **data.sources}
    all_entities = {**known_entities, **data.entities}
    seen: dict[URIRef, Claim] = {}
    for check, record in pending_claims:
        claim = _read_claim(record, check, onto, all_sources, all_entities)
        if claim is None:
            continue
        previous = seen.get(claim.statement)
        if previous is not None:
            check.error(
                record,
                None,
                f"the same claim from the same source is already at {previous.path}:{previous.line}; "
                "merge the two records",
            )
            continue
        seen[claim.statement] = claim
        data.claims.append(claim)
    _check_cycles(data.claims, errors, context.claims if context else ())
    if seeds_dir is not None:
        errors.extend(check_pinpoints(data, seeds_dir, all_sources))
    if errors:
        errors.sort(key=lambda e: (e.path or "", e.line or 0))
        raise DataErrors(errors)
    return data


def _check_cycles(
    claims: Sequence[Claim], errors: list[DataError], known: Sequence[Claim] = ()
) -> None:
    """Refuse a cycle of ``ag:splinterOf`` (A split from B, B split from A).

    A group that split off and later rejoined is a ``splinterOf`` followed by a ``mergedInto``, so a
    cycle is always a mistake. Deprecated claims are left out (the sources corrected them). One error
    per cycle, at a record of ``claims`` in it (``known``, the bundled data, only closes cycles).
    """
    edges: dict[URIRef, list[Claim]] = defaultdict(list)
    for claim in [*known, *claims]:
        if (
            claim.predicate == AG.splinterOf
            and claim.rank != AG.DeprecatedRank
            and isinstance(claim.object, URIRef)
        ):
            edges[claim.subject].append(claim)
    own = {id(claim) for claim in claims}
    reported: set[frozenset[URIRef]] = set()
    done: set[URIRef] = set()
    for start in sorted(edges):
        if start in done:
            continue
        # Depth-first, iteratively: path[i] is the claim leading from depth i to depth i + 1.
        stack: list[tuple[URIRef, Iterator[Claim]]] = [(start, iter(edges[start]))]
        path: list[Claim] = []
        depth: dict[URIRef, int] = {start: 0}
        while stack:
            node, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                stack.pop()
                done.add(node)
                del depth[node]
                if path:
                    path.pop()
                continue
            target = step.object
            assert isinstance(target, URIRef)
            if target in depth:
                cycle = [*path[depth[target] :], step]
                key = frozenset(c.statement for c in cycle)
                mine = [c for c in cycle if id(c) in own]
                if key in reported or not mine:
                    continue
                reported.add(key)
                names = " → ".join([*(_c(c.subject) for c in cycle), _c(target)])
                where = ", ".join(f"{c.path}:{c.line}" for c in cycle if c is not mine[0])
                errors.append(
                    DataError(
                        f"ag:splinterOf forms a cycle: {names}"
                        + (f" (with {where})" if where else "")
                        + "; a group that split off and rejoined is a splinterOf then a mergedInto",
                        path=mine[0].path,
                        line=mine[0].line,
                        field="object",
                    )
                )
            elif target not in done:
                path.append(step)
                depth[target] = len(path)
                stack.append((target, iter(edges.get(target, []))))


def _declare(
    item: Source | Entity | None,
    table: dict[URIRef, Any],
    known: dict[URIRef, Any],
    record: _Mapping,
    check: _Checker,
) -> None:
    """Add a source or an entity to ``table``, unless its id is declared already (here or in
    ``known``, the data the files are read against)."""
    if item is None:
        return
    first = known.get(item.iri) or table.get(item.iri)
    if first is not None:
        check.error(
            record, "id", f"{_c(item.iri)} is declared twice (also {first.path}:{first.line})"
        )
        return
    table[item.iri] = item


def _c(iri: URIRef) -> str:
    for prefix, ns in PREFIXES.items():
        if str(iri).startswith(ns):
            return f"{prefix}:{str(iri)[len(ns) :]}"
    return str(iri)


def _read_source(record: _Mapping, check: _Checker) -> Source | None:
    if not check.keys(record, _SOURCE_KEYS, ("id", "title", "creator", "publisher"), "source"):
        return None
    iri = check.iri(record, "id", "ags")
    title = check.text(record, "title")
    creator = check.text(record, "creator")
    publisher = check.text(record, "publisher")
    date = check.date(record, "date")
    url = check.text(record, "url")
    if url is not None and not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", url):
        check.error(record, "url", f"{url!r} is not an absolute http(s) URL")
        url = None
    if iri is None or title is None or creator is None or publisher is None:
        return None
    return Source(
        iri=iri,
        title=title,
        creator=creator,
        publisher=publisher,
        date=date,
        url=url,
        seed_file=check.text(record, "seed_file"),
        license=check.text(record, "license"),
        version=check.text(record, "version"),
        path=check.path,
        line=record.line,
    )


def _read_entity(record: _Mapping, check: _Checker, onto: Ontology) -> Entity | None:
    if not check.keys(record, _ENTITY_KEYS, ("id", "type", "label"), "entity"):
        return None
    iri = check.iri(record, "id", "agd")
    raw_types = record["type"] if isinstance(record["type"], list) else [record["type"]]
    types: list[URIRef] = []
    for raw in raw_types:
        try:
            cls = expand(str(raw))
        except ValueError as exc:
            check.error(record, "type", str(exc))
            continue
        if cls not in onto.classes:
            check.error(
                record, "type", f"{raw!r} is not a class of the ontology (ontology/actorgraph.ttl)"
            )
            continue
        types.append(cls)
    if isinstance(record["label"], list):
        check.error(
            record, "label", "an entity has exactly one English label; move the others to aliases"
        )
        return None
    label = check.text(record, "label")
    aliases: list[Literal] = []
    raw_aliases = record.get("aliases") or []
    if not isinstance(raw_aliases, list):
        check.error(record, "aliases", "expected a list of names: [TTP, Pakistani Taliban]")
        raw_aliases = []
    for raw in raw_aliases:
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            check.error(record, "aliases", f"expected a name, found {raw!r}")
            continue
        text = unicodedata.normalize("NFC", str(raw)).strip()
        if any(unicodedata.category(ch) == "Cc" for ch in text):
            check.error(record, "aliases", f"{text!r} holds a control character; remove it")
            continue
        match = _LANG_ALIAS_RE.match(text)
        alias = Literal(match.group(1), lang=match.group(2)) if match else Literal(text, lang="en")
        if alias in aliases or (
            label is not None and str(alias) == label and alias.language == "en"
        ):
            check.error(record, "aliases", f"{text!r} is listed twice (or repeats the label)")
            continue
        aliases.append(alias)
    if iri is None or label is None or not types:
        return None
    return Entity(iri, types, label, aliases, path=check.path, line=record.line)


def _read_claim(
    record: _Mapping,
    check: _Checker,
    onto: Ontology,
    sources: dict[URIRef, Source],
    entities: dict[URIRef, Entity],
) -> Claim | None:
    required = ("subject", "property", "object", "source", "claim")
    if not check.keys(record, _CLAIM_KEYS, required, "claim"):
        return None
    subject = check.iri(record, "subject")
    if subject is not None and subject not in entities:
        check.error(record, "subject", f"{_c(subject)} is not declared in any 'entities' list")
        subject = None
    source = check.iri(record, "source", "ags")
    if source is not None and source not in sources:
        check.error(record, "source", f"{_c(source)} is not declared in any 'sources' list")
        source = None
    predicate = check.iri(record, "property")
    info = onto.properties.get(predicate) if predicate is not None else None
    if predicate is not None and info is None:
        check.error(record, "property", f"{_c(predicate)} is not a property of the ontology")
    elif predicate in _MANAGED:
        check.error(record, "property", f"{_c(predicate)} is written by the loader, not by a claim")
        info = None
    obj = _read_object(record, check, info, entities) if info is not None else None
    text = check.text(record, "claim")
    rank_name = record.get("rank", "normal")
    rank = _RANKS.get(str(rank_name))
    if rank is None:
        check.error(
            record, "rank", f"{rank_name!r} is not a rank; expected preferred, normal or deprecated"
        )
    claim_source = sources.get(source) if source is not None else None
    pinpoint = _read_pinpoint(record, check, claim_source)
    fact = record.get("fact")
    if fact is not None and (not isinstance(fact, int) or isinstance(fact, bool) or fact < 1):
        check.error(
            record, "fact", f"expected the number of a fact in the source's list, found {fact!r}"
        )
        fact = None
    locator = check.text(record, "locator")
    start = check.date(record, "start")
    end = check.date(record, "end")
    if start is not None and end is not None and start.earliest > end.latest:
        check.error(record, "end", f"ends ({end.iso}) before it starts ({start.iso})")
    note = check.text(record, "note")
    lower_bound = check.boolean(record, "lower_bound")
    uncertain = check.boolean(record, "uncertain")
    disowned = check.date(record, "disowned_date")
    if disowned is not None and predicate != AG.disownedBy:
        check.error(record, "disowned_date", "only a claim of ag:disownedBy has a disowned_date")
    if None in (subject, predicate, obj, source, text, rank) or pinpoint is False:
        return None
    assert subject is not None and predicate is not None and obj is not None
    assert source is not None and text is not None and rank is not None
    claim = Claim(
        subject=subject,
        predicate=predicate,
        object=obj,
        source=source,
        claim=text,
        rank=rank,
        fact=fact,
        locator=locator,
        start=start,
        end=end,
        note=note,
        lower_bound=lower_bound,
        uncertain=uncertain,
        disowned_date=disowned,
        path=check.path,
        line=record.line,
    )
    if isinstance(pinpoint, tuple):
        claim.char_start, claim.char_end, claim.span_sha256 = pinpoint
    return claim


def _read_object(
    record: _Mapping, check: _Checker, info: Any, entities: dict[URIRef, Entity]
) -> URIRef | Literal | None:
    value = record["object"]
    kind = info.kind
    if kind == "object":
        iri = check.iri(record, "object")
        if iri is None:
            return None
        if iri not in entities and info.iri not in _EXTERNAL_OBJECTS:
            check.error(record, "object", f"{_c(iri)} is not declared in any 'entities' list")
            return None
        return iri
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            check.error(record, "object", f"{_c(info.iri)} takes a whole number, found {value!r}")
            return None
        if value < 0:
            check.error(
                record, "object", f"{_c(info.iri)} is a count and cannot be negative ({value})"
            )
            return None
        return Literal(value, datatype=XSD.integer)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.error(record, "object", f"{_c(info.iri)} takes a decimal number, found {value!r}")
            return None
        return Literal(str(value), datatype=XSD.decimal)
    if kind == "date":
        date = check.date(record, "object")
        return date.literal() if date is not None else None
    if kind == "boolean":
        if not isinstance(value, bool):
            check.error(record, "object", f"{_c(info.iri)} takes true or false, found {value!r}")
            return None
        return Literal(value)
    text = check.text(record, "object")
    if text is None:
        return None
    if kind == "text":
        match = _LANG_ALIAS_RE.match(text)
        return Literal(match.group(1), lang=match.group(2)) if match else Literal(text, lang="en")
    return Literal(text)


def _read_pinpoint(
    record: _Mapping, check: _Checker, source: Source | None
) -> tuple[int, int, str] | bool | None:
    """The pinpoint, None when there is none, False when it is malformed."""
    raw = record.get("pinpoint")
    if raw is None:
        if source is not None and source.seed_file:
            check.error(
                record,
                "pinpoint",
                f"a claim from {_c(source.iri)} needs a pinpoint {{start, end, sha256}} into "
                f"{source.seed_file} (make one with tools/pinpoint.py)",
            )
            return False
        return None
    if not isinstance(raw, dict) or set(raw) != {"start", "end", "sha256"}:
        check.error(record, "pinpoint", "expected {start: N, end: N, sha256: <64 hex>}")
        return False
    start, end, sha = raw["start"], raw["end"], str(raw["sha256"])
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, end)):
        check.error(record, "pinpoint", "start and end are offsets: whole numbers ≥ 0")
        return False
    if start >= end:
        check.error(record, "pinpoint", f"start ({start}) must come before end ({end})")
        return False
    if not _SHA_RE.match(sha):
        check.error(record, "pinpoint", "sha256 is 64 lower-case hex digits")
        return False
    if source is not None and not source.seed_file:
        check.error(
            record,
            "pinpoint",
            f"{_c(source.iri)} has no seed_file to point into; cite a fact number with 'fact: N'",
        )
        return False
    return int(start), int(end), sha


def check_pinpoints(
    data: CuratedData, seeds_dir: str | Path, sources: dict[URIRef, Source] | None = None
) -> list[DataError]:
    """Recompute every pinpoint against its seed text; return one error per mismatch."""
    sources = sources or data.sources
    errors: list[DataError] = []
    texts: dict[str, str] = {}
    for claim in data.claims:
        if claim.char_start is None or claim.char_end is None:
            continue
        seed_file = sources[claim.source].seed_file
        if seed_file is None:
            continue
        if seed_file not in texts:
            path = Path(seeds_dir) / seed_file
            if not path.is_file():
                errors.append(
                    DataError(
                        f"the seed text {path} is missing; pass --seeds DIR",
                        path=claim.path,
                        line=claim.line,
                    )
                )
                texts[seed_file] = ""
                continue
            texts[seed_file] = path.read_text(encoding="utf-8")
        text = texts[seed_file]
        if not text:
            continue
        span = text[claim.char_start : claim.char_end]
        digest = hashlib.sha256(span.encode("utf-8")).hexdigest()
        if claim.char_end > len(text) or digest != claim.span_sha256:
            why = (
                f"it ends past the text's {len(text):,} characters"
                if claim.char_end > len(text)
                else f"SHA-256 of the span is {digest[:12]}…, the claim says {str(claim.span_sha256)[:12]}…"
            )
            errors.append(
                DataError(
                    f"the pinpoint {claim.char_start}-{claim.char_end} does not match {seed_file} "
                    f"({why}); recompute it with tools/pinpoint.py",
                    path=claim.path,
                    line=claim.line,
                    field="pinpoint",
                )
            )
    return errors


# --------------------------------------------------------------------------------------------
# Compiling to RDF


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
    direct: dict[tuple[URIRef, URIRef], list[URIRef | Literal]] = {}
    for key, claims in by_subject_property.items():
        best = min(_RANK_ORDER[c.rank] for c in claims)
        if best == _RANK_ORDER[AG.DeprecatedRank]:
            continue
        objects = list(dict.fromkeys(c.object for c in claims if _RANK_ORDER[c.rank] == best))
        direct[key] = objects
        out.extend((key[0], key[1], obj) for obj in objects)
    out.extend(_entity_intervals(direct))
    return out


def _statement_triples(claim: Claim) -> Iterator[Triple]:
    st = claim.statement
    yield st, RDF.type, RDF.Statement
    yield st, RDF.subject, claim.subject
    yield st, RDF.predicate, claim.predicate
    yield st, RDF.object, claim.object
    yield st, PROV.wasDerivedFrom, claim.source
    yield st, AG.claimText, Literal(claim.claim, lang="en")
    yield st, AG.rank, claim.rank
    if claim.char_start is not None and claim.char_end is not None:
        yield st, AG.charStart, Literal(claim.char_start, datatype=XSD.integer)
        yield st, AG.charEnd, Literal(claim.char_end, datatype=XSD.integer)
        yield st, AG.spanSha256, Literal(str(claim.span_sha256))
    if claim.fact is not None:
        slug = str(claim.source)[len(str(AGS)) :]
        yield st, AG.sourceFact, Literal(f"{slug}#{claim.fact}")
    if claim.locator is not None:
        yield st, AG.locator, Literal(claim.locator)
    if claim.start is not None:
        yield st, AG.startDate, claim.start.literal()
        yield st, AG.earliestDate, Literal(claim.start.earliest.isoformat(), datatype=XSD.date)
    if claim.end is not None:
        yield st, AG.endDate, claim.end.literal()
        yield st, AG.latestDate, Literal(claim.end.latest.isoformat(), datatype=XSD.date)
    if claim.note is not None:
        yield st, SKOS.note, Literal(claim.note, lang="en")
    if claim.lower_bound:
        yield st, AG.lowerBound, Literal(True)
    if claim.uncertain:
        yield st, AG.uncertain, Literal(True)
    if claim.disowned_date is not None:
        yield st, AG.disownedDate, claim.disowned_date.literal()


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
