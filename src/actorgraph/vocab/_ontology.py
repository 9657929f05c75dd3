"""The ontology as the code sees it: property kinds, class hierarchy, concept schemes."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Container, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from actorgraph._resources import ontology_path, resource_dir
from actorgraph.vocab._namespaces import AG, SCHEMA, curie, expand

__all__ = [
    "Ontology",
    "PropertyInfo",
    "most_specific_type",
    "ontology",
    "shapes_path",
    "subclasses_of",
]

_Class = TypeVar("_Class", bound=str)

_DATE_TYPES = {XSD.date, XSD.gYear, XSD.gYearMonth}


@dataclass(frozen=True)
class PropertyInfo:
    """What the loader needs to know of a property: its IRI, label and the kind of its values.

    ``kind`` is one of ``object``, ``integer``, ``decimal``, ``date``, ``text`` (an ``@en`` string),
    ``string`` or ``boolean``.
    """

    iri: URIRef
    label: str
    kind: str


def shapes_path() -> Path:
    """The SHACL shapes' Turtle file."""
    return resource_dir("ontology") / "shapes.ttl"


class Ontology:
    """The parsed ontology with the look-ups the loader and the projection need."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.properties: dict[URIRef, PropertyInfo] = {}
        for prop_type in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for prop in graph.subjects(RDF.type, prop_type):
                if isinstance(prop, URIRef):
                    self.properties[prop] = PropertyInfo(prop, self.label(prop), self._kind(prop))
        self.classes: set[URIRef] = {
            c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)
        }
        self.schemes: dict[URIRef, URIRef] = {
            c: s
            for c, s in graph.subject_objects(AG.scheme)
            if isinstance(c, URIRef) and isinstance(s, URIRef)
        }

    def label(self, iri: URIRef) -> str:
        """The English label of a term, or its CURIE."""
        for label in self.graph.objects(iri, RDFS.label):
            return str(label)
        return curie(str(iri))

    def _kind(self, prop: URIRef) -> str:
        if (prop, RDF.type, OWL.ObjectProperty) in self.graph:
            return "object"
        ranges = set(self.graph.objects(prop, SCHEMA.rangeIncludes))
        if XSD.integer in ranges:
            return "integer"
        if ranges & _DATE_TYPES:
            return "date"
        if RDF.langString in ranges:
            return "text"
        if XSD.boolean in ranges:
            return "boolean"
        if XSD.decimal in ranges:
            return "decimal"
        return "string"

    @functools.cached_property
    def superclasses(self) -> dict[URIRef, set[URIRef]]:
        """Every class mapped to all of its superclasses (itself included)."""
        closure: dict[URIRef, set[URIRef]] = {}
        for cls in self.classes:
            seen = {cls}
            todo = [cls]
            while todo:
                for parent in self.graph.objects(todo.pop(), RDFS.subClassOf):
                    if isinstance(parent, URIRef) and parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            closure[cls] = seen
        return closure

    def most_specific(self, types: set[URIRef]) -> URIRef | None:
        """The most specific of several types, by :func:`most_specific_type`'s rule."""
        return most_specific_type(
            types,
            ancestors=lambda t: self.superclasses.get(t, {t}),
            depth=self._depth,
            own=str(AG),
            actor=AG.Actor,
            known=self.classes,
        )

    def _depth(self, cls: URIRef) -> int:
        """The length of the longest chain of superclasses above ``cls``."""
        return 1 + max(
            (
                self._depth(p)
                for p in self.graph.objects(cls, RDFS.subClassOf)
                if isinstance(p, URIRef) and cls not in self.superclasses.get(p, set())
            ),
            default=-1,
        )


def most_specific_type(
    types: Iterable[_Class],
    *,
    ancestors: Callable[[_Class], Collection[str]],
    depth: Callable[[_Class], int],
    own: str,
    actor: str,
    known: Container[str] | None = None,
) -> _Class | None:
    """The one rule for an entity's ``type``: the most specific of the classes it is stated to have.

    The graph's node attribute ``type``, a profile's type and the page's colours all read it, with
    classes as CURIEs (the projection) or as IRIs (the ontology); ``own``, ``actor`` and the
    ``ancestors`` (each class with all its superclasses) and ``depth`` of a class are given in the
    same form. Of the types the ontology knows (all of them, if it knows none), those that are a
    superclass of another are dropped; of several unrelated ones (a State that is also a Place) an
    ``ag:`` class comes first, then an actor's class (what an entity does matters more than where it
    is), then the deepest in the hierarchy, then the first by name.

    Examples
    --------
    >>> parents = {"ag:ArmedGroup": {"ag:Organization"}, "ag:Organization": {"ag:Actor"}}
    >>> def ancestors(c):
    ...     seen, todo = {c}, [c]
    ...     while todo:
    ...         for p in parents.get(todo.pop(), ()):
    ...             seen.add(p)
    ...             todo.append(p)
    ...     return seen
    >>> most_specific_type(["ag:Organization", "ag:ArmedGroup", "schema:Place"],
    ...     ancestors=ancestors, depth=lambda c: len(ancestors(c)), own="ag:", actor="ag:Actor")
    'ag:ArmedGroup'
    """
    stated = list(types)
    candidates = [t for t in stated if known is None or t in known] or stated
    best = [t for t in candidates if not any(o != t and t in ancestors(o) for o in candidates)]
    return min(
        best,
        key=lambda t: (not t.startswith(own), actor not in ancestors(t), -depth(t), str(t)),
        default=None,
    )


@functools.cache
def subclasses_of(cls: str) -> frozenset[str]:
    """The CURIEs of a class of the bundled ontology and of all its subclasses.

    Examples
    --------
    >>> "ag:Assassination" in subclasses_of("ag:Event")
    True
    """
    target = expand(cls)
    closure = ontology().superclasses
    return frozenset(curie(str(c)) for c, parents in closure.items() if target in parents)


@functools.cache
def ontology() -> Ontology:
    """The bundled ontology, parsed once per process."""
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return Ontology(graph)
