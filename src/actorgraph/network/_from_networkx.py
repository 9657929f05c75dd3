"""The way back to RDF: :func:`from_networkx` turns a graph that follows the projection's conventions
into the triples it was read from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx
import rdflib
from rdflib.namespace import RDF

from actorgraph._errors import UsageError
from actorgraph.network._values import guess_tag, to_term, uri_of
from actorgraph.network._vocabulary import (
    DATE_TAG,
    DERIVED_ATTRIBUTES,
    FIXED_ATTRIBUTES,
    IRI_TAG,
    RANK_IRIS,
    STATEMENT_PROPERTIES,
    XSD_STRING,
)
from actorgraph.vocab._namespaces import PREFIXES, curie

# ----------------------------------------------------------------------------------------------
# Back to RDF


def _term(node: str) -> rdflib.term.Node:
    if node.startswith("_:"):
        return rdflib.BNode(node[2:])
    return uri_of(node)


def _literal(value: Any, tag: str, exception: tuple[str, str] | None) -> rdflib.term.Node:
    if exception is not None:
        lexical, tag = exception
        if tag == IRI_TAG:
            return rdflib.URIRef(lexical)
        if tag.startswith("@"):
            return rdflib.Literal(lexical, lang=tag[1:])
        if tag == DATE_TAG:
            value = lexical
        elif tag == "xsd:string":
            return rdflib.Literal(lexical)
        else:
            return rdflib.Literal(lexical, datatype=uri_of(tag), normalize=False)
    text, datatype, language = to_term(value, tag)
    if tag == IRI_TAG:
        return _term(str(value))
    if language is not None:
        return rdflib.Literal(text, lang=language)
    if datatype is None or datatype == XSD_STRING:
        return rdflib.Literal(text)  # a plain literal is an xsd:string (RDF 1.1)
    return rdflib.Literal(text, datatype=rdflib.URIRef(datatype), normalize=False)


def from_networkx(G: nx.Graph) -> rdflib.Graph:
    """Turn a projected graph (possibly filtered or edited) back into RDF.

    ``from_networkx(to_networkx(kg))`` gives back the data graph that was read: every named graph but
    ``agg:ontology``, triples and statements alike, with the same datatypes and languages (tested with
    :func:`rdflib.compare.isomorphic`). Derived attributes (``type``, ``search``, ``events``, the edge
    conveniences ``label``, ``start``, ``end``, ``sources``) are not written back. A folded edge of the
    ``"actors"`` view gives back the two event–actor triples and statements behind it.

    Attributes a developer added become triples too: an attribute named for a property the graph knows
    (``G.graph["properties"]``) uses that property; a CURIE name (``"ag:killed"``) uses that CURIE; any
    other name ``x`` becomes ``ag:x``, with a datatype guessed from the value.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:ttp", types=["ag:ArmedGroup"], label="Tehrik-i-Taliban Pakistan",
    ...            aliases=["TTP"])
    >>> G.add_node("agd:iskp", types=["ag:ArmedGroup"])
    >>> G.add_edge("agd:iskp", "agd:ttp", key="ag:recruitsFrom")
    'ag:recruitsFrom'
    >>> len(from_networkx(G))
    5
    """
    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    properties: Mapping[str, Mapping[str, str]] = G.graph.get("properties", {})
    attr_props = {
        entry["attribute"]: prop for prop, entry in properties.items() if "attribute" in entry
    }
    for prop, attr in FIXED_ATTRIBUTES.items():
        attr_props.setdefault(attr, curie(prop))
    exceptions: dict[tuple[str, str, int], tuple[Any, str, str]] = {
        (str(e[0]), str(e[1]), int(e[2])): (e[3], str(e[4]), str(e[5]))
        for e in G.graph.get("literals", [])
    }

    def tag_for(prop: str, value: Any) -> str:
        entry = properties.get(prop)
        if entry is not None and "literal" in entry:
            return entry["literal"]
        return guess_tag(value)

    def literal(owner: str, key: str, index: int, value: Any, prop: str) -> rdflib.term.Node:
        found = exceptions.get((owner, key, index))
        exception = None
        if found is not None and found[0] == value:
            exception = (found[1], found[2])
        return _literal(value, tag_for(prop, value), exception)

    add = graph.add
    for node, data in G.nodes(data=True):
        subject = _term(str(node))
        for cls in data.get("types", []):
            add((subject, RDF.type, uri_of(cls)))
        for attr, raw in data.items():
            if attr in DERIVED_ATTRIBUTES or attr in ("types", "statements"):
                continue
            prop = attr_props.get(attr) or (attr if ":" in attr else f"ag:{attr}")
            predicate = uri_of(prop)
            items = raw if isinstance(raw, list) else [raw]
            for index, value in enumerate(items):
                if value is None:
                    continue
                add((subject, predicate, literal(str(node), attr, index, value, prop)))
        for record in data.get("statements", []):
            prop = record["property"]
            if "object" in record:
                obj: rdflib.term.Node = _term(record["object"])
            else:
                obj = literal(record["id"], "value", 0, record["value"], prop)
            _add_statement(
                graph,
                record=record,
                subject=subject,
                predicate=uri_of(prop),
                obj=obj,
                literal=literal,
            )
    for u, v, key, data in G.edges(keys=True, data=True):
        if G.is_multigraph() and isinstance(key, str) and key.startswith("^"):
            role_a, _, role_b = key[1:].partition("/")
            for event in data.get("events", []):
                add((_term(event), uri_of(role_a), _term(str(u))))
                add((_term(event), uri_of(role_b.lstrip("^")), _term(str(v))))
            for record in data.get("statements", []):
                event, role = _term(record["subject"]), uri_of(record["property"])
                actor = _term(record["object"])
                add((event, role, actor))
                _add_statement(
                    graph, record=record, subject=event, predicate=role, obj=actor, literal=literal
                )
            continue
        prop = key if G.is_multigraph() and isinstance(key, str) else data.get("property")
        if not isinstance(prop, str):
            raise UsageError(
                f"edge {u!r} → {v!r} names no property: key edges by a property CURIE (ag:alliedWith)"
            )
        subject, predicate, obj = _term(str(u)), uri_of(prop), _term(str(v))
        add((subject, predicate, obj))
        for record in data.get("statements", []):
            _add_statement(
                graph, record=record, subject=subject, predicate=predicate, obj=obj, literal=literal
            )
    return graph


def _add_statement(
    graph: rdflib.Graph,
    *,
    record: Mapping[str, Any],
    subject: rdflib.term.Node,
    predicate: rdflib.term.Node,
    obj: rdflib.term.Node,
    literal: Callable[[str, str, int, Any, str], rdflib.term.Node],
) -> None:
    st_id = str(record["id"])
    st = _term(st_id)
    add = graph.add
    add((st, RDF.type, RDF.Statement))
    add((st, RDF.subject, subject))
    add((st, RDF.predicate, predicate))
    add((st, RDF.object, obj))
    for key, raw in record.items():
        if key in ("id", "property", "object", "value", "subject"):
            continue
        prop = STATEMENT_PROPERTIES.get(key) or (key if ":" in key else None)
        if prop is None:
            continue
        predicate_out = rdflib.URIRef(prop) if "://" in prop else uri_of(prop)
        items = raw if isinstance(raw, list) else [raw]
        for index, value in enumerate(items):
            if key == "rank":
                add((st, predicate_out, RANK_IRIS.get(value) or uri_of(value)))
            elif key == "source":
                add((st, predicate_out, _term(str(value))))
            else:
                add(
                    (
                        st,
                        predicate_out,
                        literal(st_id, key, index, value, curie(str(predicate_out))),
                    )
                )
