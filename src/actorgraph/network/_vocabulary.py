"""The projection's conventions: reserved attribute names, statement fields, ranks, and the ontology's
labels and class hierarchy as the projection reads them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import pyoxigraph as ox
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from actorgraph.vocab._namespaces import AG, AGD, AGG, AGS, curie
from actorgraph.vocab._ontology import most_specific_type

Value: TypeAlias = str | int | float | bool
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal

RDF_TYPE = str(RDF.type)
RDF_STATEMENT = str(RDF.Statement)
RDF_SUBJECT = str(RDF.subject)
RDF_PREDICATE = str(RDF.predicate)
RDF_OBJECT = str(RDF.object)
XSD_NS = str(XSD)
XSD_STRING = XSD_NS + "string"
RDF_LANGSTRING = str(RDF.langString)
ONTOLOGY_GRAPH = ox.NamedNode(str(AGG) + "ontology")
NODE_NAMESPACES = (str(AGD), str(AGS))
INTEGER_TYPES = {
    XSD_NS + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
FLOAT_TYPES = {XSD_NS + "decimal", XSD_NS + "double", XSD_NS + "float"}
DATE_TYPES = {
    XSD_NS + "gYear": re.compile(r"-?\d{4,}"),
    XSD_NS + "gYearMonth": re.compile(r"-?\d{4,}-\d{2}"),
    XSD_NS + "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}"),
}
DATE_TAG = "date"  # a date whose datatype follows from its precision: 2023, 2023-07, 2023-07-30
IRI_TAG = "iri"  # an IRI that is no node of the graph (a URL, a concept scheme)
# Tags under which a value always gives back its literal exactly (other tags are checked).
EXACT_TAGS = {DATE_TAG, "xsd:string", "@en"}

# Node attributes with fixed names (and the properties they hold).
FIXED_ATTRIBUTES = {
    str(RDFS.label): "label",
    str(SKOS.altLabel): "aliases",
    str(AG.earliestDate): "earliest",
    str(AG.latestDate): "latest",
}
_LIST_ATTRIBUTES = {"aliases"}
# Attributes that are derived from others and written back as nothing.
DERIVED_ATTRIBUTES = {"type", "search", "events", "family", "family_rule", "family_ties"}
RESERVED_ATTRIBUTES = {
    "id",
    "key",
    "source",
    "target",
    "type",
    "types",
    "search",
    "statements",
    "start",
    "end",
    "spells",
    "sources",
    "events",
    "label",
    "aliases",
    "earliest",
    "latest",
    "family",
    "family_rule",
    "family_ties",
}

# The fields of a statement dict and the properties they hold.
STATEMENT_FIELDS = {
    str(PROV.wasDerivedFrom): "source",
    str(AG.claimText): "claim",
    str(AG.rank): "rank",
    str(AG.startDate): "start",
    str(AG.endDate): "end",
    str(AG.earliestDate): "earliest",
    str(AG.latestDate): "latest",
    str(AG.charStart): "char_start",
    str(AG.charEnd): "char_end",
    str(AG.spanSha256): "span_sha256",
    str(AG.sourceFact): "source_fact",
    str(SKOS.note): "note",
    str(AG.lowerBound): "lower_bound",
    str(AG.uncertain): "uncertain",
    str(AG.singleSource): "single_source",
    str(AG.disownedDate): "disowned_date",
}
STATEMENT_PROPERTIES = {field: prop for prop, field in STATEMENT_FIELDS.items()}
_IRI_FIELDS = {"source", "rank"}
# A rank is kept as its CURIE (``"ag:PreferredRank"``); the plain words are accepted on the way back.
RANK_IRIS = {
    "preferred": AG.PreferredRank,
    "normal": AG.NormalRank,
    "deprecated": AG.DeprecatedRank,
}

#: How the ``"actors"`` view folds an event into actor–actor edges: (role of the acting actor, role of
#: the other actor) → the folded edge's label. An edge's key is the SPARQL path between the actors.
ACTOR_ROLES: dict[tuple[str, str], str] = {
    ("ag:claimedBy", "ag:target"): "claimed an attack on",
    ("ag:attributedTo", "ag:target"): "is held responsible for an attack on",
    ("ag:claimedBy", "ag:victim"): "claimed the killing of",
    ("ag:attributedTo", "ag:victim"): "is held responsible for the killing of",
    ("ag:issuedBy", "ag:condemns"): "issued a ruling condemning",
    ("ag:issuedBy", "ag:target"): "issued a ruling aimed at",
    ("ag:designatedBy", "ag:designatedGroup"): "designated",
    ("ag:mediator", "ag:participant"): "mediated with",
    ("ag:participant", "ag:participant"): "took part with",
}


#: The ontology's annotations that define a family of armed groups (``ag:Family``) -> the name of
#: the rule in ``G.graph["families"]`` (see ``_families``).
FAMILY_RULES = {
    str(AG.familyOrder): "order",
    str(AG.familyRoot): "root",
    str(AG.familyIdeology): "ideology",
    str(AG.familyPlace): "place",
    str(AG.familyOpposes): "opposes",
}

# ----------------------------------------------------------------------------------------------
# The ontology as the projection reads it


class OntologyView:
    """What the projection needs from ``agg:ontology``: labels and the class hierarchy."""

    def __init__(self, triples: Iterable[tuple[str, str, Any]]) -> None:
        self.labels: dict[str, str] = {}
        self.comments: dict[str, str] = {}
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.classes: set[str] = set()
        # The families' rules (ag:familyOrder, ag:familyRoot, ...): family CURIE -> rule -> values.
        self.family_rules: dict[str, dict[str, list[str | int]]] = defaultdict(
            lambda: defaultdict(list)
        )
        label, sub = str(RDFS.label), str(RDFS.subClassOf)
        comment = str(RDFS.comment)
        owl_class = "http://www.w3.org/2002/07/owl#Class"
        for s, p, o in triples:
            if p == label and isinstance(o, ox.Literal) and o.language in (None, "en"):
                self.labels[curie(s)] = o.value
            elif p == comment and isinstance(o, ox.Literal) and o.language in (None, "en"):
                self.comments[curie(s)] = o.value
            elif p in FAMILY_RULES:
                value: str | int = (
                    curie(o.value)
                    if isinstance(o, ox.NamedNode)
                    else int(o.value)
                    if isinstance(o, ox.Literal) and o.value.lstrip("-").isdigit()
                    else str(getattr(o, "value", o))
                )
                self.family_rules[curie(s)][FAMILY_RULES[p]].append(value)
            elif p == sub and isinstance(o, ox.NamedNode):
                self.parents[curie(s)].add(curie(o.value))
                self.classes.add(curie(s))
            elif p == RDF_TYPE and isinstance(o, ox.NamedNode) and o.value == owl_class:
                self.classes.add(curie(s))
        self._ancestors: dict[str, frozenset[str]] = {}
        self._depth: dict[str, int] = {}
        self._specific: dict[tuple[str, ...], str | None] = {}

    def ancestors(self, cls: str) -> frozenset[str]:
        """Return ``cls`` and every class it is a subclass of."""
        found = self._ancestors.get(cls)
        if found is None:
            seen = {cls}
            todo = [cls]
            while todo:
                for parent in self.parents.get(todo.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        todo.append(parent)
            found = self._ancestors[cls] = frozenset(seen)
        return found

    def depth(self, cls: str) -> int:
        """Return the length of the longest chain of superclasses above ``cls``."""
        found = self._depth.get(cls)
        if found is None:
            self._depth[cls] = 0  # guards against cycles
            found = 1 + max((self.depth(p) for p in self.parents.get(cls, ())), default=-1)
            self._depth[cls] = found
        return found

    def most_specific(self, types: Sequence[str]) -> str | None:
        """Return the most specific of several classes (:func:`most_specific_type`'s rule)."""
        if not types:
            return None
        key = tuple(types)
        if key in self._specific:
            return self._specific[key]
        found = self._most_specific(types)
        self._specific[key] = found
        return found

    def _most_specific(self, types: Sequence[str]) -> str | None:
        return most_specific_type(
            types,
            ancestors=self.ancestors,
            depth=self.depth,
            own="ag:",
            actor="ag:Actor",
            known=self.classes,
        )

    def label(self, prop: str) -> str:
        """Return the label of a property or class CURIE (its local name when it has none)."""
        return self.labels.get(prop) or local_name(prop)


def local_name(name: str) -> str:
    """Return the local name of a CURIE or an IRI: ``ag:claimedBy`` → ``claimedBy``."""
    if "://" not in name and ":" in name:
        return name.split(":", 1)[1]
    for sep in ("#", "/"):
        tail = name.rsplit(sep, 1)[-1]
        if sep in name and tail:
            return tail
    return name


def path_parts(key: str) -> list[str]:
    return [part.lstrip("^") for part in key.split("/")] if "/" in key and "//" not in key else []
