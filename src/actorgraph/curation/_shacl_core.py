"""SHACL Core shapes evaluated over an index of the data graph, with pyshacl's semantics.

pyshacl evaluates every alternative of an ``sh:or`` and every ``sh:not`` for every value node,
building constraint objects and writing a description of each failing alternative before it
throws it away; on the bundled data (about 65,000 triples, 6,000 statements) that took some 15 s
of the validation's 20. Here the shapes of ``ontology/shapes.ttl`` are read once into small
objects, and each constraint component is one function over a dictionary index of the triples:
the same rules as pyshacl's components (ill-typed literals, language ranges, literal comparison,
one result per failing value), so the findings are the same, result for result
(``tests/test_shapes.py`` compares them with pyshacl's for the bundled data and for a broken
graph per constraint).

Only what the shapes use is supported. :func:`compile_shape` raises :class:`Unsupported` for
anything else (``sh:node``, ``sh:xone``, ``sh:severity``, a path that is not a single IRI, a
reported constraint without ``sh:message``...); the caller leaves such a shape to pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

__all__ = ["TARGETS", "DataIndex", "Shape", "Unsupported", "compile_shape", "focus_nodes"]

Triple = tuple[Node, Node, Node]
Result = tuple[Node | None, Node | None, tuple[str, ...]]

# The ways a shape selects its focus nodes that this module evaluates.
TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)

# What a shape may say besides its constraints: labels and targets.
_DESCRIPTIVE = {RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.message, *TARGETS}


class Unsupported(Exception):
    """A shape uses a construct this module does not evaluate: pyshacl validates it."""


class DataIndex:
    """The data graph (data plus ontology) as dictionaries: objects by subject and predicate."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        spo: dict[Node, dict[Node, dict[Node, None]]] = {}
        subjects: dict[Node, dict[Node, None]] = {}
        for s, p, o in triples:
            by_predicate = spo.get(s)
            if by_predicate is None:
                by_predicate = spo[s] = {}
            values = by_predicate.get(p)
            if values is None:
                values = by_predicate[p] = {}
                by_subject = subjects.get(p)
                if by_subject is None:
                    by_subject = subjects[p] = {}
                by_subject[s] = None
            values[o] = None
        self._spo = spo
        self._subjects = subjects
        self._instances: dict[Node, list[Node]] | None = None
        self._subclasses: dict[Node, list[Node]] | None = None

    def objects(self, subject: Node, predicate: Node) -> Collection[Node]:
        """The values of ``predicate`` on ``subject``, each once."""
        by_predicate = self._spo.get(subject)
        if by_predicate is None:
            return ()
        values = by_predicate.get(predicate)
        return () if values is None else values.keys()

    def subjects_of(self, predicate: Node) -> Iterable[Node]:
        """Every subject with a value for ``predicate``."""
        return self._subjects.get(predicate, {}).keys()

    def _inverse(self, predicate: Node) -> dict[Node, list[Node]]:
        inverse: dict[Node, list[Node]] = {}
        for s in self.subjects_of(predicate):
            for o in self._spo[s][predicate]:
                inverse.setdefault(o, []).append(s)
        return inverse

    def instances(self, cls: Node) -> set[Node]:
        """The instances of ``cls`` and of its subclasses (``rdfs:subClassOf*`` in the data)."""
        if self._instances is None:
            self._instances = self._inverse(RDF.type)
            self._subclasses = self._inverse(RDFS.subClassOf)
        assert self._subclasses is not None
        found: set[Node] = set(self._instances.get(cls, ()))
        seen = {cls}
        todo = [cls]
        while todo:
            for sub in self._subclasses.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
                    found.update(self._instances.get(sub, ()))
        return found

    def superclasses(self, cls: Node) -> set[Node]:
        """``cls`` and everything above it by ``rdfs:subClassOf``."""
        seen = {cls}
        todo = [cls]
        while todo:
            for sup in self.objects(todo.pop(), RDFS.subClassOf):
                if sup not in seen:
                    seen.add(sup)
                    todo.append(sup)
        return seen


# A constraint component: given the index, the focus node and its value nodes, the value node
# of each result (None for a result about the focus node as a whole, as for sh:minCount).
Check = Callable[[DataIndex, Node, Collection[Node]], list[Node | None]]


class Shape(NamedTuple):
    """A node or property shape, compiled."""

    node: Node
    path: URIRef | None
    messages: tuple[str, ...]
    checks: tuple[Check, ...]
    properties: tuple[Shape, ...]

    def value_nodes(self, data: DataIndex, focus: Node) -> Collection[Node]:
        return (focus,) if self.path is None else data.objects(focus, self.path)

    def results(self, data: DataIndex, focus: Node) -> list[Result]:
        """pyshacl's results for ``focus``: (focus node, result path, messages)."""
        values = self.value_nodes(data, focus)
        found: list[Result] = []
        for check in self.checks:
            failed = check(data, focus, values)
            if failed:
                found.extend([(focus, self.path, self.messages)] * len(failed))
        for prop in self.properties:
            for value in values:
                found.extend(prop.results(data, value))
        return found

    def conforms(self, data: DataIndex, focus: Node) -> bool:
        """Whether ``focus`` conforms (a shape nested in ``sh:or`` or ``sh:not``)."""
        values = self.value_nodes(data, focus)
        if any(check(data, focus, values) for check in self.checks):
            return False
        return all(prop.conforms(data, value) for prop in self.properties for value in values)


def compile_shape(shapes: Graph, node: Node, *, reported: bool = True) -> Shape:
    """Compile the shape ``node`` of ``shapes``; :class:`Unsupported` if it cannot be.

    ``reported``: the shape's results are reported (it needs an ``sh:message``, as pyshacl
    would otherwise write its own generic text); a shape nested in ``sh:or`` or ``sh:not`` only
    conforms or not.
    """
    checks: list[Check] = []
    properties: list[Shape] = []
    path: URIRef | None = None
    for predicate in set(shapes.predicates(node)):
        if predicate in _DESCRIPTIVE:
            continue
        values = list(shapes.objects(node, predicate))
        if predicate == SH.property:
            properties.extend(compile_shape(shapes, v, reported=reported) for v in values)
            continue
        if predicate == SH.path:
            if len(values) != 1 or not isinstance(values[0], URIRef):
                raise Unsupported(f"{node}: a path that is not one IRI")
            path = values[0]
            continue
        make = _COMPONENTS.get(predicate)
        if make is None:
            raise Unsupported(f"{node}: {predicate}")
        for value in values:
            checks.append(make(shapes, value))
    messages = tuple(str(m) for m in shapes.objects(node, SH.message))
    if reported and checks and not messages:
        raise Unsupported(f"{node}: a reported constraint without sh:message")
    return Shape(node, path, messages, tuple(checks), tuple(properties))


def focus_nodes(shapes: Graph, node: Node, data: DataIndex) -> set[Node]:
    """The focus nodes of a shape's targets, as pyshacl selects them."""
    found: set[Node] = set(shapes.objects(node, SH.targetNode))
    for cls in shapes.objects(node, SH.targetClass):
        found |= data.instances(cls)
    for predicate in shapes.objects(node, SH.targetSubjectsOf):
        found.update(data.subjects_of(predicate))
    return found


# --------------------------------------------------------------------------------------------
# The constraint components, each as pyshacl's (pyshacl/constraints/core/).


def _per_value(test: Callable[[DataIndex, Node, Node], bool]) -> Check:
    def check(data: DataIndex, focus: Node, values: Collection[Node]) -> list[Node | None]:
        return [v for v in values if not test(data, focus, v)]

    return check


def _min_count(shapes: Graph, value: Node) -> Check:
    bound = _integer(value)
    return lambda data, focus, values: [None] if len(values) < bound else []


def _max_count(shapes: Graph, value: Node) -> Check:
    bound = _integer(value)
    return lambda data, focus, values: [None] if len(values) > bound else []


_PYTHON_TYPES: dict[Node, type | tuple[type, ...]] = {
    XSD.string: (str, bytes),
    RDF.langString: (str, bytes),
    XSD.integer: int,
    XSD.float: float,
    XSD.decimal: Decimal,
    XSD.boolean: bool,
    XSD.date: date,
    XSD.time: time,
    XSD.dateTime: datetime,
}


def _datatype(shapes: Graph, rule: Node) -> Check:
    python_type = _PYTHON_TYPES.get(rule)

    def actual(v: Literal) -> bool:
        return python_type is None or isinstance(v.value, python_type)

    def matches(data: DataIndex, focus: Node, v: Node) -> bool:
        if not isinstance(v, Literal):
            return False
        if v.datatype == rule:
            return v.ill_typed is not True and actual(v)
        if rule == RDFS.Literal:
            return True
        if rule == RDFS.Datatype and v.datatype:
            return True
        if v.datatype is None and v.language is None and rule == XSD.string:
            return actual(v)
        if rule == RDF.langString and v.language:
            return actual(v)
        return False

    return _per_value(matches)


_NODE_KINDS: dict[Node, tuple[type, ...]] = {
    SH.BlankNode: (BNode,),
    SH.IRI: (URIRef,),
    SH.Literal: (Literal,),
    SH.BlankNodeOrIRI: (BNode, URIRef),
    SH.BlankNodeOrLiteral: (BNode, Literal),
    SH.IRIOrLiteral: (URIRef, Literal),
}


def _node_kind(shapes: Graph, rule: Node) -> Check:
    kinds = _NODE_KINDS.get(rule)
    if kinds is None:
        raise Unsupported(f"sh:nodeKind {rule}")
    return _per_value(lambda data, focus, v: isinstance(v, kinds))


def _in(shapes: Graph, rule: Node) -> Check:
    allowed = frozenset(shapes.items(rule))  # a set, as pyshacl's InConstraintComponent holds it
    return _per_value(lambda data, focus, v: v in allowed)


def _language_in(shapes: Graph, rule: Node) -> Check:
    wanted = set()
    for language in shapes.items(rule):
        if not isinstance(language, Literal) or not isinstance(language.value, str):
            raise Unsupported("sh:languageIn with a value that is not a string")
        wanted.add(language.value.lower())

    def matches(data: DataIndex, focus: Node, v: Node) -> bool:
        if not isinstance(v, Literal) or not v.language:
            return False
        tag = v.language.lower()
        return "*" in wanted or tag in wanted or tag.split("-")[0] in wanted

    return _per_value(matches)


def _compare_literal(l1: Literal, l2: Literal) -> int:
    # pyshacl.rdfutil.compare_literal: rdflib's order, except for dateTime and time values.
    if l1.eq(l2):
        return 0
    if isinstance(l1.value, datetime | time):
        if l1.value == l2.value:
            return 0
        if l1.value > l2.value:
            return 1
    elif l1 > l2:
        return 1
    return -1


def _range(accept: Callable[[int], bool]) -> Callable[[Graph, Node], Check]:
    def make(shapes: Graph, bound: Node) -> Check:
        if not isinstance(bound, Literal):
            raise Unsupported("a range bound that is not a literal")
        bound_is_string = isinstance(bound.value, str)

        def matches(data: DataIndex, focus: Node, v: Node) -> bool:
            if not isinstance(v, Literal) or isinstance(v.value, str) != bound_is_string:
                return False
            try:
                return accept(_compare_literal(v, bound))
            except (TypeError, NotImplementedError):
                return False

        return _per_value(matches)

    return make


def _text(v: Node) -> str:
    # pyshacl's value_node_to_string: a literal's lexical form, an IRI's text.
    return str(v)


def _pattern(shapes: Graph, rule: Node) -> Check:
    if not isinstance(rule, Literal):
        raise Unsupported("sh:pattern that is not a literal")
    regex = re.compile(str(rule))
    return _per_value(
        lambda data, focus, v: not isinstance(v, BNode) and regex.search(_text(v)) is not None
    )


def _min_length(shapes: Graph, rule: Node) -> Check:
    bound = _integer(rule)
    return _per_value(
        lambda data, focus, v: bound == 0 or (not isinstance(v, BNode) and len(_text(v)) >= bound)
    )


def _comparable(v: Node) -> tuple[Any, bool]:
    if isinstance(v, BNode):
        # pyshacl stops the validation here too.
        raise ValueError("sh:lessThan and sh:lessThanOrEquals cannot compare a blank node")
    if isinstance(v, URIRef):
        return str(v), True
    if isinstance(v, Literal) and isinstance(v.value, str):
        return v.value, True
    return v, False


def _pair(strict: bool) -> Callable[[Graph, Node], Check]:
    def make(shapes: Graph, other: Node) -> Check:
        if not isinstance(other, URIRef):
            raise Unsupported("sh:lessThan of something other than an IRI")

        def check(data: DataIndex, focus: Node, values: Collection[Node]) -> list[Node | None]:
            failed: list[Node | None] = []
            others = [_comparable(o) for o in data.objects(focus, other)]
            for v in values:
                value, value_is_string = _comparable(v)
                for compared, compared_is_string in others:
                    if value_is_string != compared_is_string or not (
                        value < compared if strict else value <= compared
                    ):
                        failed.append(v)
            return failed

        return check

    return make


def _class(shapes: Graph, cls: Node) -> Check:
    def matches(data: DataIndex, focus: Node, v: Node) -> bool:
        if isinstance(v, Literal):
            return False
        return any(cls in data.superclasses(t) for t in data.objects(v, RDF.type))

    return _per_value(matches)


def _or(shapes: Graph, rule: Node) -> Check:
    members = [compile_shape(shapes, m, reported=False) for m in shapes.items(rule)]
    return _per_value(lambda data, focus, v: any(m.conforms(data, v) for m in members))


def _not(shapes: Graph, rule: Node) -> Check:
    negated = compile_shape(shapes, rule, reported=False)
    return _per_value(lambda data, focus, v: not negated.conforms(data, v))


def _integer(value: Node) -> int:
    if not isinstance(value, Literal) or not isinstance(value.value, int) or value.value < 0:
        raise Unsupported(f"a count that is not a whole number: {value}")
    return value.value


_COMPONENTS: dict[Node, Callable[[Graph, Node], Check]] = {
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH["in"]: _in,
    SH.languageIn: _language_in,
    SH.minInclusive: _range(lambda order: order >= 0),
    SH.maxInclusive: _range(lambda order: order <= 0),
    SH.pattern: _pattern,
    SH.minLength: _min_length,
    SH.lessThan: _pair(strict=True),
    SH.lessThanOrEquals: _pair(strict=False),
    SH["class"]: _class,
    SH["or"]: _or,
    SH["not"]: _not,
}
