"""Reading curated data: every record of ``data/curated/*.yaml`` checked and turned into sources,
entities and claims.

The authoring format is described in ``docs/authoring.md``. Reading collects every problem it finds
(file, line, field, what was expected) before raising, so one run of ``actorgraph validate`` lists them
all; nothing is compiled from files with errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from actorgraph._errors import DataError, DataErrors
from actorgraph._resources import bundled_files
from actorgraph.curation._checks import CONTROL_RE, Checker, check_cycles, check_pinpoints
from actorgraph.curation._model import (
    CLAIM_KEYS,
    ENTITY_KEYS,
    EXTERNAL_OBJECTS,
    LANG_ALIAS_RE,
    MANAGED,
    RANKS,
    SHA_RE,
    SOURCE_KEYS,
    Claim,
    CuratedData,
    Entity,
    Source,
    compact_iri,
)
from actorgraph.curation._yaml import YamlMapping, read_yaml
from actorgraph.vocab._namespaces import AG, expand
from actorgraph.vocab._ontology import Ontology, ontology


def _records(doc: Any, key: str, check: Checker) -> Iterator[YamlMapping]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if items is None:
        return
    if not isinstance(items, list):
        check.error(doc, key, f"{key!r} should be a list of records (each starting with '- ')")
        return
    for item in items:
        if not isinstance(item, YamlMapping):
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
    pending_claims: list[tuple[Checker, YamlMapping]] = []
    for path in files:
        check = Checker(path, errors)
        try:
            doc = read_yaml(path)
        except DataError as exc:
            errors.append(exc)
            continue
        if doc is None:
            continue
        if not isinstance(doc, YamlMapping):
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
        statement = claim.statement  # a SHA-256 of the claim's terms, kept on the claim
        previous = seen.get(statement)
        if previous is not None:
            check.error(
                record,
                None,
                f"the same claim from the same source is already at {previous.path}:{previous.line}; "
                "merge the two records",
            )
            continue
        seen[statement] = claim
        data.claims.append(claim)
    check_cycles(data.claims, errors, context.claims if context else ())
    if seeds_dir is not None:
        errors.extend(check_pinpoints(data, seeds_dir, all_sources))
    if errors:
        errors.sort(key=lambda e: (e.path or "", e.line or 0))
        raise DataErrors(errors)
    return data


def _declare(
    item: Source | Entity | None,
    table: dict[URIRef, Any],
    known: dict[URIRef, Any],
    record: YamlMapping,
    check: Checker,
) -> None:
    """Add a source or an entity to ``table``, unless its id is declared already (here or in
    ``known``, the data the files are read against)."""
    if item is None:
        return
    first = known.get(item.iri) or table.get(item.iri)
    if first is not None:
        check.error(
            record,
            "id",
            f"{compact_iri(item.iri)} is declared twice (also {first.path}:{first.line})",
        )
        return
    table[item.iri] = item


def _read_source(record: YamlMapping, check: Checker) -> Source | None:
    if not check.keys(record, SOURCE_KEYS, ("id", "title", "creator", "publisher"), "source"):
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


def _read_entity(record: YamlMapping, check: Checker, onto: Ontology) -> Entity | None:
    if not check.keys(record, ENTITY_KEYS, ("id", "type", "label"), "entity"):
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
        if CONTROL_RE.search(text):
            check.error(record, "aliases", f"{text!r} holds a control character; remove it")
            continue
        match = LANG_ALIAS_RE.match(text)
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
    record: YamlMapping,
    check: Checker,
    onto: Ontology,
    sources: dict[URIRef, Source],
    entities: dict[URIRef, Entity],
) -> Claim | None:
    required = ("subject", "property", "object", "source", "claim")
    if not check.keys(record, CLAIM_KEYS, required, "claim"):
        return None
    # Each IRI is taken from its declaration (the entity, the source, the ontology's property):
    # one object per IRI, which the compiled triples' dictionaries find by identity.
    subject = check.iri(record, "subject")
    if subject is not None:
        declared = entities.get(subject)
        if declared is None:
            check.error(
                record, "subject", f"{compact_iri(subject)} is not declared in any 'entities' list"
            )
        subject = None if declared is None else declared.iri
    source = check.iri(record, "source", "ags")
    claim_source = sources.get(source) if source is not None else None
    if source is not None and claim_source is None:
        check.error(
            record, "source", f"{compact_iri(source)} is not declared in any 'sources' list"
        )
    source = None if claim_source is None else claim_source.iri
    predicate = check.iri(record, "property")
    info = onto.properties.get(predicate) if predicate is not None else None
    if info is not None:
        predicate = info.iri
    if predicate is not None and info is None:
        check.error(
            record, "property", f"{compact_iri(predicate)} is not a property of the ontology"
        )
    elif predicate in MANAGED:
        check.error(
            record, "property", f"{compact_iri(predicate)} is written by the loader, not by a claim"
        )
        info = None
    obj = _read_object(record, check, info, entities) if info is not None else None
    text = check.text(record, "claim")
    rank_name = record.get("rank", "normal")
    rank = RANKS.get(str(rank_name))
    if rank is None:
        check.error(
            record, "rank", f"{rank_name!r} is not a rank; expected preferred, normal or deprecated"
        )
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
    record: YamlMapping, check: Checker, info: Any, entities: dict[URIRef, Entity]
) -> URIRef | Literal | None:
    value = record["object"]
    kind = info.kind
    if kind == "object":
        iri = check.iri(record, "object")
        if iri is None:
            return None
        declared = entities.get(iri)
        if declared is not None:
            return declared.iri
        if info.iri not in EXTERNAL_OBJECTS:
            check.error(
                record, "object", f"{compact_iri(iri)} is not declared in any 'entities' list"
            )
            return None
        return iri
    if kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            check.error(
                record, "object", f"{compact_iri(info.iri)} takes a whole number, found {value!r}"
            )
            return None
        if value < 0:
            check.error(
                record,
                "object",
                f"{compact_iri(info.iri)} is a count and cannot be negative ({value})",
            )
            return None
        return Literal(value, datatype=XSD.integer)
    if kind == "decimal":
        if isinstance(value, bool) or not isinstance(value, int | float):
            check.error(
                record, "object", f"{compact_iri(info.iri)} takes a decimal number, found {value!r}"
            )
            return None
        return Literal(str(value), datatype=XSD.decimal)
    if kind == "date":
        date = check.date(record, "object")
        return date.literal() if date is not None else None
    if kind == "boolean":
        if not isinstance(value, bool):
            check.error(
                record, "object", f"{compact_iri(info.iri)} takes true or false, found {value!r}"
            )
            return None
        return Literal(value)
    text = check.text(record, "object")
    if text is None:
        return None
    if kind == "text":
        match = LANG_ALIAS_RE.match(text)
        return Literal(match.group(1), lang=match.group(2)) if match else Literal(text, lang="en")
    return Literal(text)


def _read_pinpoint(
    record: YamlMapping, check: Checker, source: Source | None
) -> tuple[int, int, str] | bool | None:
    """The pinpoint, None when there is none, False when it is malformed."""
    raw = record.get("pinpoint")
    if raw is None:
        if source is not None and source.seed_file:
            check.error(
                record,
                "pinpoint",
                f"a claim from {compact_iri(source.iri)} needs a pinpoint {{start, end, sha256}} into "
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
    if not SHA_RE.match(sha):
        check.error(record, "pinpoint", "sha256 is 64 lower-case hex digits")
        return False
    if source is not None and not source.seed_file:
        check.error(
            record,
            "pinpoint",
            f"{compact_iri(source.iri)} has no seed_file to point into; cite a fact number with 'fact: N'",
        )
        return False
    return int(start), int(end), sha
