"""Literals as node attributes: a Python value plus a tag that gives the datatype or language back,
CURIEs of IRIs, and the names of attributes."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import rdflib

from actorgraph.network._vocabulary import (
    DATE_TAG,
    DATE_TYPES,
    EXACT_TAGS,
    FIXED_ATTRIBUTES,
    FLOAT_TYPES,
    INTEGER_TYPES,
    IRI_TAG,
    RDF_LANGSTRING,
    RESERVED_ATTRIBUTES,
    XSD_NS,
    XSD_STRING,
    Value,
    local_name,
)
from actorgraph.vocab._namespaces import AG, AGD, AGS, AGST, curie, expand

# ----------------------------------------------------------------------------------------------
# Literals: Python values plus a tag that gives the datatype or language back


# No other namespace of PREFIXES starts with one of these, so the first match is the longest.
_FAST_NAMESPACES = [
    (str(ns), f"{prefix}:", len(str(ns)))
    for prefix, ns in (("agd", AGD), ("agst", AGST), ("ags", AGS), ("ag", AG))
]
_CURIE_CACHE: dict[str, str] = {}


def fast_curie(iri: str) -> str:
    """:func:`~actorgraph.vocab._namespaces.curie`, fast for the project's own namespaces."""
    for namespace, prefix, size in _FAST_NAMESPACES:
        if iri.startswith(namespace):
            return prefix + iri[size:] if len(iri) > size else iri
    found = _CURIE_CACHE.get(iri)
    if found is None:
        found = _CURIE_CACHE[iri] = curie(iri)
        if len(_CURIE_CACHE) > 100_000:
            _CURIE_CACHE.clear()
    return found


INT_KIND, _FLOAT, _BOOL, DATE_KIND, TEXT_KIND = range(5)
DATATYPE_KINDS: dict[str, tuple[int, str]] = {}


def datatype_kind(datatype: str) -> tuple[int, str]:
    """Return how to read a datatype's literals, and its tag (cached: a handful of datatypes)."""
    found = DATATYPE_KINDS.get(datatype)
    if found is None:
        if datatype in INTEGER_TYPES:
            kind = INT_KIND
        elif datatype in FLOAT_TYPES:
            kind = _FLOAT
        elif datatype == XSD_NS + "boolean":
            kind = _BOOL
        elif datatype in DATE_TYPES:
            kind = DATE_KIND
        else:
            kind = TEXT_KIND
        found = DATATYPE_KINDS[datatype] = (kind, curie(datatype))
    return found


def typed_value(lexical: str, datatype: str) -> tuple[Value, str]:
    """Return the Python value and tag (``date``, ``xsd:integer``, …) of a literal of a datatype."""
    kind, tag = datatype_kind(datatype)
    if kind == TEXT_KIND:
        return lexical, tag
    if kind == DATE_KIND:
        return lexical, (DATE_TAG if DATE_TYPES[datatype].fullmatch(lexical) else tag)
    try:
        if kind == INT_KIND:
            return int(lexical), tag
        if kind == _FLOAT:
            return float(lexical), tag
    except ValueError:
        return lexical, tag
    if lexical in ("true", "false", "1", "0"):
        return lexical in ("true", "1"), tag
    return lexical, tag


def guess_tag(value: Any) -> str:
    """The tag of a value that came with none (an attribute a developer added)."""
    if isinstance(value, bool):
        return "xsd:boolean"
    if isinstance(value, int):
        return "xsd:integer"
    if isinstance(value, float):
        return "xsd:double"
    text = str(value)
    if any(p.fullmatch(text) for p in DATE_TYPES.values()):
        return DATE_TAG
    return "xsd:string"


def lexical_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def iri_of(name: str) -> str:
    """Expand a CURIE; any other name (``urn:…``, ``_:b0``) is taken as it is."""
    try:
        return str(expand(name))
    except ValueError:
        return name


@functools.lru_cache(maxsize=1024)
def _datatype_iri(tag: str) -> str:
    """:func:`iri_of` a datatype's tag, remembered: a few tags, asked for each literal that the
    full view checks (444,518 times at 100,000 imported GTD rows, 1.6 of its 24 s under cProfile)."""
    return iri_of(tag)


def uri_of(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(iri_of(name))


def to_term(value: Any, tag: str) -> tuple[str, str | None, str | None]:
    """Return (lexical or IRI, datatype IRI, language) for a value under a tag; ``iri`` → (IRI,..)."""
    if tag == IRI_TAG:
        return iri_of(str(value)), None, None
    if tag.startswith("@"):
        return str(value), RDF_LANGSTRING, tag[1:]
    lexical = lexical_of(value)
    if tag == DATE_TAG:
        for datatype, pattern in DATE_TYPES.items():
            if pattern.fullmatch(lexical):
                return lexical, datatype, None
        return lexical, XSD_STRING, None
    datatype = _datatype_iri(tag)
    if datatype == XSD_NS + "decimal" and isinstance(value, float):
        lexical = format(value, "f") if "e" in repr(value) else repr(value)
    return lexical, datatype, None


def node_id(key: str) -> str:
    """The node id of a term key: a CURIE for an IRI, ``_:id`` for a blank node."""
    return key if key.startswith("_:") else fast_curie(key)


# ----------------------------------------------------------------------------------------------
# Attribute names


def attribute_name(prop: str, taken: set[str]) -> str:
    """The attribute name of a literal-valued property, given the names already taken (added)."""
    fixed = FIXED_ATTRIBUTES.get(prop)
    if fixed is not None:
        return fixed
    short = curie(prop)
    local = local_name(prop)
    prefix = short.split(":", 1)[0] if ":" in short and "//" not in short else "x"
    for candidate in (local, f"{prefix}_{local}", short.replace(":", "_")):
        if candidate and candidate not in taken:
            break
    else:
        candidate = short
    taken.add(candidate)
    return candidate


def attribute_names(props: Iterable[str]) -> dict[str, str]:
    """Give each literal-valued property (full IRI) a node attribute name, unique in the graph."""
    taken = set(RESERVED_ATTRIBUTES)
    ordered = sorted(props, key=lambda p: (not p.startswith(str(AG)), curie(p)))
    return {prop: attribute_name(prop, taken) for prop in ordered}


def insert_value(target: dict[str, Any], key: str, value: Value) -> int:
    """Add a value under a key (a second value makes a list); return its index there."""
    old = target.get(key)
    if old is None:
        target[key] = value
        return 0
    if type(old) is list:
        old.append(value)
        return len(old) - 1
    target[key] = [old, value]
    return 1


def values_at(target: Mapping[str, Any], key: str) -> list[Any]:
    found = target.get(key)
    return [] if found is None else found if type(found) is list else [found]


def is_exact(tag: str, value: Value, lexical: str) -> bool:
    """Whether a value under its own tag gives its literal back exactly."""
    return tag in EXACT_TAGS or tag == IRI_TAG or (tag == "xsd:integer" and str(value) == lexical)


def differs(value: Value, lexical: str, tag: str, default: str) -> bool:
    """Whether a value, read under its property's usual tag, would not give its literal back."""
    if tag == default and is_exact(tag, value, lexical):
        return False
    return tag == IRI_TAG or to_term(value, default) != to_term(lexical, tag)
