"""The NetworkX projection of the knowledge graph, its filters, and the way back to RDF.

:func:`to_networkx` reads the data graph (every named graph but ``agg:ontology``) in one pass over the
store's triples, streamed as N-Triples lines, and builds a :class:`networkx.MultiDiGraph` by the
conventions of ``docs/design.md``:

- one node per entity, keyed by its CURIE, with ``label``, ``type`` (the most specific class),
  ``types``, ``aliases``, ``search`` (normalised name keys), literal properties by local name, and
  ``earliest``/``latest``; statements about literal values, and statements whose triple is not direct,
  sit on the subject node in ``statements``;
- one edge per direct (subject, property, object) between two nodes, ``key`` the property's CURIE, with
  ``label``, ``statements`` and the conveniences ``start``, ``end`` and ``sources``;
- ``G.graph["sources"]`` describes every source, ``G.graph["properties"]`` every property used (its
  label, the node attribute that holds its values, and the usual datatype or language of those values),
  and ``G.graph["literals"]`` the few values whose datatype or language differs from the usual one, so
  that :func:`from_networkx` gives back exactly the triples that were read.

The ``"actors"`` view folds events (attacks, fatwas, designations, …) into actor–actor edges: an actor
that claimed an attack on another gets an edge keyed ``"^ag:claimedBy/ag:target"`` (the SPARQL path
from one to the other) listing the ``events`` and ``sources`` behind it.
"""

from __future__ import annotations

import datetime as _dt
import errno
import gc
import io
import os
import re
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeAlias

import networkx as nx
import pyoxigraph as ox
import rdflib
from rdflib.namespace import PROV, RDF, RDFS, SKOS, XSD

from actorgraph._errors import UsageError
from actorgraph._names import name_keys
from actorgraph._namespaces import AG, AGD, AGG, AGS, AGST, PREFIXES, curie, expand
from actorgraph._resolve import NameIndex

__all__ = [
    "ACTOR_ROLES",
    "from_networkx",
    "to_networkx",
]

Value: TypeAlias = str | int | float | bool
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal

_RDF_TYPE = str(RDF.type)
_RDF_STATEMENT = str(RDF.Statement)
_RDF_SUBJECT = str(RDF.subject)
_RDF_PREDICATE = str(RDF.predicate)
_RDF_OBJECT = str(RDF.object)
_XSD = str(XSD)
_XSD_STRING = _XSD + "string"
_RDF_LANGSTRING = str(RDF.langString)
_ONTOLOGY_GRAPH = ox.NamedNode(str(AGG) + "ontology")
_NODE_NAMESPACES = (str(AGD), str(AGS))
_INTEGER_TYPES = {
    _XSD + name
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
_FLOAT_TYPES = {_XSD + "decimal", _XSD + "double", _XSD + "float"}
_DATE_TYPES = {
    _XSD + "gYear": re.compile(r"-?\d{4,}"),
    _XSD + "gYearMonth": re.compile(r"-?\d{4,}-\d{2}"),
    _XSD + "date": re.compile(r"-?\d{4,}-\d{2}-\d{2}"),
}
_DATE_TAG = "date"  # a date whose datatype follows from its precision: 2023, 2023-07, 2023-07-30
_IRI_TAG = "iri"  # an IRI that is no node of the graph (a URL, a concept scheme)
# Tags under which a value always gives back its literal exactly (other tags are checked).
_EXACT_TAGS = {_DATE_TAG, "xsd:string", "@en"}

# Node attributes with fixed names (and the properties they hold).
_FIXED_ATTRIBUTES = {
    str(RDFS.label): "label",
    str(SKOS.altLabel): "aliases",
    str(AG.earliestDate): "earliest",
    str(AG.latestDate): "latest",
}
_LIST_ATTRIBUTES = {"aliases"}
# Attributes that are derived from others and written back as nothing.
_DERIVED_ATTRIBUTES = {"type", "search", "events"}
_RESERVED_ATTRIBUTES = {
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
}

# The fields of a statement dict and the properties they hold.
_STATEMENT_FIELDS = {
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
    str(AG.disownedDate): "disowned_date",
}
_STATEMENT_PROPERTIES = {field: prop for prop, field in _STATEMENT_FIELDS.items()}
_IRI_FIELDS = {"source", "rank"}
# A rank is kept as its CURIE (``"ag:PreferredRank"``); the plain words are accepted on the way back.
_RANK_IRIS = {
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


# ----------------------------------------------------------------------------------------------
# Reading the store


class _Ontology:
    """What the projection needs from ``agg:ontology``: labels and the class hierarchy."""

    def __init__(self, triples: Iterable[tuple[str, str, Any]]) -> None:
        self.labels: dict[str, str] = {}
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.classes: set[str] = set()
        label, sub = str(RDFS.label), str(RDFS.subClassOf)
        owl_class = "http://www.w3.org/2002/07/owl#Class"
        for s, p, o in triples:
            if p == label and isinstance(o, ox.Literal) and o.language in (None, "en"):
                self.labels[curie(s)] = o.value
            elif p == sub and isinstance(o, ox.NamedNode):
                self.parents[curie(s)].add(curie(o.value))
                self.classes.add(curie(s))
            elif p == _RDF_TYPE and isinstance(o, ox.NamedNode) and o.value == owl_class:
                self.classes.add(curie(s))
        self._ancestors: dict[str, frozenset[str]] = {}
        self._depth: dict[str, int] = {}
        self._specific: dict[tuple[str, ...], str] = {}

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
        """Return the most specific of several classes (``ag:`` classes first, then the deepest)."""
        if not types:
            return None
        key = tuple(types)
        if key in self._specific:
            return self._specific[key]
        found = self._most_specific(types)
        self._specific[key] = found
        return found

    def _most_specific(self, types: Sequence[str]) -> str:
        candidates = [t for t in types if not any(t != u and t in self.ancestors(u) for u in types)]
        return min(candidates, key=lambda t: (not t.startswith("ag:"), -self.depth(t), t))

    def label(self, prop: str) -> str:
        """Return the label of a property or class CURIE (its local name when it has none)."""
        return self.labels.get(prop) or _local_name(prop)


def _store_of(kg: Any) -> ox.Store | None:
    if isinstance(kg, ox.Store):
        return kg
    store = getattr(kg, "store", None)
    return store if isinstance(store, ox.Store) else None


def _rdflib_to_ox(term: Any) -> Term:
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    return ox.NamedNode(str(term))


def _key_term(key: str) -> ox.NamedNode | ox.BlankNode:
    """The term of a key: the inverse of :func:`_term_key`."""
    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)


def _term_key(term: Any) -> str:
    """A term's key in the projection: its IRI, or ``_:id`` for a blank node."""
    return term.value if type(term) is ox.NamedNode else "_:" + term.value


# N-Triples lines: how the projection reads triples. One string per triple costs Python less than a
# pyoxigraph Quad and its terms; Oxigraph writes the lines on another thread.

_ECHARS = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_XSD_STRING_TAG = "xsd:string"  # the tag of a plain string: written "…" with no datatype
# How a dump into a pipe ends: every byte is written, then syncing the pipe fails (EINVAL).
_SYNC_FAILED = f"(os error {errno.EINVAL})"


def _unescape(text: str) -> str:
    """Undo the escapes of an N-Triples string (``\\"``, ``\\n``, ``\\u00e9``, …)."""

    def one(match: re.Match[str]) -> str:
        code = match[1] or match[2]
        return chr(int(code, 16)) if code else _ECHARS.get(match[3], match[0])

    return _ESCAPE.sub(one, text)


def _line_key(term: str) -> str:
    """The key of an IRI or a blank node ending a line: ``<iri> .\\n`` → ``iri``, ``_:b .\\n`` → ``_:b``."""
    return term[1:-4] if term[0] == "<" else term[:-3]


def _line_literal(term: str) -> tuple[Value, str, str]:
    """Value, tag and lexical form of a literal ending a line (``"5"^^<…#integer> .\\n``)."""
    quoted, _, suffix = term.rpartition('"')
    lexical = quoted[1:]
    if "\\" in lexical:
        lexical = _unescape(lexical)
    if suffix[0] == "@":
        return lexical, "@" + suffix[1:-3], lexical
    if suffix[0] == "^":
        value, tag = _typed_value(lexical, suffix[3:-4])
        return value, tag, lexical
    return lexical, _XSD_STRING_TAG, lexical


def _quad_lines(quads: Iterable[Any]) -> Iterator[str]:
    """Quads as the N-Triples lines Oxigraph writes for them (terms print as N-Triples)."""
    for q in quads:
        yield f"{q.subject} {q.predicate} {q.object} .\n"


def _dump_into(store: ox.Store, graph: Any, pipe: int, failed: list[BaseException]) -> None:
    """Write one graph as N-Triples into a pipe, then close it (run on a thread).

    Given a path, Oxigraph writes without holding the GIL; ``/dev/fd/N`` opens the pipe's writing
    end again. Closing the pipe ends the reader's lines; an error is handed to the reader, which
    raises it, except the one every dump into a pipe ends with: syncing a pipe to disk fails after
    everything was written.
    """
    try:
        store.dump(f"/dev/fd/{pipe}", format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    except OSError as error:
        if error.errno != errno.EINVAL and not str(error).endswith(_SYNC_FAILED):
            failed.append(error)
    except BaseException as error:  # handed to the reading thread
        failed.append(error)
    finally:
        os.close(pipe)


def _graph_lines(store: ox.Store, graph: Any) -> Iterator[str]:
    """The triples of one graph of the store as N-Triples lines, read as Oxigraph writes them.

    A million triples: 0.5 s, the writing on another core, where reading the same quads as pyoxigraph
    objects took 0.7 s. Elsewhere than on Linux (where ``/dev/fd`` and the error a pipe's sync gives
    may differ), the dump is read once it is whole.
    """
    reading, writing = os.pipe()
    if not (sys.platform.startswith("linux") and os.path.exists(f"/dev/fd/{writing}")):
        os.close(reading)
        os.close(writing)
        dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
        yield from io.StringIO(dumped.decode("utf-8"), newline="\n")
        return
    failed: list[BaseException] = []
    writer = threading.Thread(
        target=_dump_into, args=(store, graph, writing, failed), name="actorgraph-dump"
    )
    writer.start()
    try:
        # Closed when the lines are read, or when the reader stops early: the writer then fails
        # to write (EPIPE) and ends.
        lines = open(reading, encoding="utf-8", newline="\n")  # noqa: SIM115 - closed below
    except BaseException:
        os.close(reading)
        writer.join()
        raise
    try:
        with lines:
            yield from lines
    finally:
        writer.join()
    if failed:
        raise failed[0]


def _read(
    kg: Any,
) -> tuple[list[Iterable[str]], set[str], _Ontology, Callable[[str, int], Iterable[str]]]:
    """Return the data graph as N-Triples lines (one iterable per named graph), its statements,
    the ontology, and a way to read one subject's lines in one of those graphs again.

    The data graph is every named graph but ``agg:ontology`` (and the default graph). The lines
    come from Oxigraph's N-Triples writer, streamed (:func:`_graph_lines`): the cheapest way from
    Oxigraph to Python found (a million pyoxigraph quads, one subject's quads at a time, SELECT
    results as TSV, CSV or JSON, grouped or shaped queries all measured slower). Oxigraph writes a
    graph's triples grouped by subject. The statements (subjects typed ``rdf:Statement``) are
    looked up first, in the index.
    """
    store = _store_of(kg)
    rdf_type, rdf_statement = ox.NamedNode(_RDF_TYPE), ox.NamedNode(_RDF_STATEMENT)
    if store is not None:
        onto = _Ontology(
            (str(getattr(q.subject, "value", "")), q.predicate.value, q.object)
            for q in store.quads_for_pattern(None, None, None, _ONTOLOGY_GRAPH)
        )
        # The store's own bookkeeping (agg:meta, a staging graph of a running load) is not data.
        # In a stable order (the store lists them in an order of its own, which can differ from
        # one process to the next): a node's values from several graphs keep theirs.
        graphs: list[Any] = sorted(
            (
                g
                for g in store.named_graphs()
                if g != _ONTOLOGY_GRAPH
                and not str(getattr(g, "value", "")).startswith(
                    (str(AGG) + "meta", str(AGG) + "staging/")
                )
            ),
            key=str,
        )
        graphs.append(ox.DefaultGraph())
        statements = {
            _term_key(q.subject)
            for g in graphs
            for q in store.quads_for_pattern(None, rdf_type, rdf_statement, g)
        }

        def requery(key: str, index: int) -> Iterable[str]:
            quads = store.quads_for_pattern(_key_term(key), None, None, graphs[index])
            return _quad_lines(quads)

        return [_graph_lines(store, g) for g in graphs], statements, onto, requery
    if not hasattr(kg, "query"):
        raise UsageError(
            f"to_networkx needs a KnowledgeGraph or a pyoxigraph Store, not {type(kg).__name__}"
        )
    onto_rows = kg.query("SELECT ?s ?p ?o WHERE { GRAPH agg:ontology { ?s ?p ?o } }")
    onto = _Ontology((str(s), str(p), _rdflib_to_ox(o)) for s, p, o in onto_rows)
    rows = kg.query(
        "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != agg:ontology "
        f"&& !STRSTARTS(STR(?g), '{AGG}meta') && !STRSTARTS(STR(?g), '{AGG}staging/')) }}"
    )
    quads = [
        ox.Quad(_rdflib_to_ox(s), _rdflib_to_ox(p), _rdflib_to_ox(o))  # type: ignore[arg-type]
        for s, p, o in rows
    ]
    statements = {
        _term_key(q.subject) for q in quads if q.predicate == rdf_type and q.object == rdf_statement
    }

    def requery_list(key: str, _: int) -> Iterable[str]:
        subject = _key_term(key)
        return _quad_lines(q for q in quads if q.subject == subject)

    return [_quad_lines(quads)], statements, onto, requery_list


# ----------------------------------------------------------------------------------------------
# Literals: Python values plus a tag that gives the datatype or language back


def _local_name(name: str) -> str:
    """Return the local name of a CURIE or an IRI: ``ag:claimedBy`` → ``claimedBy``."""
    if "://" not in name and ":" in name:
        return name.split(":", 1)[1]
    for sep in ("#", "/"):
        tail = name.rsplit(sep, 1)[-1]
        if sep in name and tail:
            return tail
    return name


# No other namespace of PREFIXES starts with one of these, so the first match is the longest.
_FAST_NAMESPACES = [
    (str(ns), f"{prefix}:", len(str(ns)))
    for prefix, ns in (("agd", AGD), ("agst", AGST), ("ags", AGS), ("ag", AG))
]
_CURIE_CACHE: dict[str, str] = {}


def _curie(iri: str) -> str:
    """:func:`~actorgraph._namespaces.curie`, fast for the project's own namespaces."""
    for namespace, prefix, size in _FAST_NAMESPACES:
        if iri.startswith(namespace):
            return prefix + iri[size:] if len(iri) > size else iri
    found = _CURIE_CACHE.get(iri)
    if found is None:
        found = _CURIE_CACHE[iri] = curie(iri)
        if len(_CURIE_CACHE) > 100_000:
            _CURIE_CACHE.clear()
    return found


_INT, _FLOAT, _BOOL, _DATE, _TEXT = range(5)
_DATATYPE_KINDS: dict[str, tuple[int, str]] = {}


def _datatype_kind(datatype: str) -> tuple[int, str]:
    """Return how to read a datatype's literals, and its tag (cached: a handful of datatypes)."""
    found = _DATATYPE_KINDS.get(datatype)
    if found is None:
        if datatype in _INTEGER_TYPES:
            kind = _INT
        elif datatype in _FLOAT_TYPES:
            kind = _FLOAT
        elif datatype == _XSD + "boolean":
            kind = _BOOL
        elif datatype in _DATE_TYPES:
            kind = _DATE
        else:
            kind = _TEXT
        found = _DATATYPE_KINDS[datatype] = (kind, curie(datatype))
    return found


def _typed_value(lexical: str, datatype: str) -> tuple[Value, str]:
    """Return the Python value and tag (``date``, ``xsd:integer``, …) of a literal of a datatype."""
    kind, tag = _datatype_kind(datatype)
    if kind == _TEXT:
        return lexical, tag
    if kind == _DATE:
        return lexical, (_DATE_TAG if _DATE_TYPES[datatype].fullmatch(lexical) else tag)
    try:
        if kind == _INT:
            return int(lexical), tag
        if kind == _FLOAT:
            return float(lexical), tag
    except ValueError:
        return lexical, tag
    if lexical in ("true", "false", "1", "0"):
        return lexical in ("true", "1"), tag
    return lexical, tag


def _guess_tag(value: Any) -> str:
    """The tag of a value that came with none (an attribute a developer added)."""
    if isinstance(value, bool):
        return "xsd:boolean"
    if isinstance(value, int):
        return "xsd:integer"
    if isinstance(value, float):
        return "xsd:double"
    text = str(value)
    if any(p.fullmatch(text) for p in _DATE_TYPES.values()):
        return _DATE_TAG
    return "xsd:string"


def _lexical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _iri(name: str) -> str:
    """Expand a CURIE; any other name (``urn:…``, ``_:b0``) is taken as it is."""
    try:
        return str(expand(name))
    except ValueError:
        return name


def _uri(name: str) -> rdflib.URIRef:
    return rdflib.URIRef(_iri(name))


def _to_term(value: Any, tag: str) -> tuple[str, str | None, str | None]:
    """Return (lexical or IRI, datatype IRI, language) for a value under a tag; ``iri`` → (IRI,..)."""
    if tag == _IRI_TAG:
        return _iri(str(value)), None, None
    if tag.startswith("@"):
        return str(value), _RDF_LANGSTRING, tag[1:]
    lexical = _lexical(value)
    if tag == _DATE_TAG:
        for datatype, pattern in _DATE_TYPES.items():
            if pattern.fullmatch(lexical):
                return lexical, datatype, None
        return lexical, _XSD_STRING, None
    datatype = _iri(tag)
    if datatype == _XSD + "decimal" and isinstance(value, float):
        lexical = format(value, "f") if "e" in repr(value) else repr(value)
    return lexical, datatype, None


def _node_id(key: str) -> str:
    """The node id of a term key: a CURIE for an IRI, ``_:id`` for a blank node."""
    return key if key.startswith("_:") else _curie(key)


# ----------------------------------------------------------------------------------------------
# Projection


def _attribute_name(prop: str, taken: set[str]) -> str:
    """The attribute name of a literal-valued property, given the names already taken (added)."""
    fixed = _FIXED_ATTRIBUTES.get(prop)
    if fixed is not None:
        return fixed
    short = curie(prop)
    local = _local_name(prop)
    prefix = short.split(":", 1)[0] if ":" in short and "//" not in short else "x"
    for candidate in (local, f"{prefix}_{local}", short.replace(":", "_")):
        if candidate and candidate not in taken:
            break
    else:
        candidate = short
    taken.add(candidate)
    return candidate


def _attribute_names(props: Iterable[str]) -> dict[str, str]:
    """Give each literal-valued property (full IRI) a node attribute name, unique in the graph."""
    taken = set(_RESERVED_ATTRIBUTES)
    ordered = sorted(props, key=lambda p: (not p.startswith(str(AG)), curie(p)))
    return {prop: _attribute_name(prop, taken) for prop in ordered}


def _interval(
    earliest: Any, latest: Any, start: Any = None, end: Any = None
) -> tuple[str | None, str | None]:
    lo = min(earliest) if isinstance(earliest, list) else earliest
    hi = max(latest) if isinstance(latest, list) else latest
    if lo is None and start is not None:
        lo = _date_bounds(start)[0]
    if hi is None and end is not None:
        hi = _date_bounds(end)[1]
    return lo, hi


def _project(kg: Any) -> tuple[nx.MultiDiGraph, _Ontology]:
    # The projection makes millions of small objects and no cycles: the cyclic collector would
    # only rescan them again and again (it took over 40% of the time at 100k triples).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Projection(kg).graph()
    finally:
        if gc.get_freeze_count() == 0:
            # The graph made here (a million lists and dicts at a million triples) is long-lived:
            # put it straight into the oldest generation, where the collector's next full pass
            # will look at it, rather than have the first young collection after this call scan
            # it all (0.2-0.5 s at a million triples) and the next one scan it again. Freezing and
            # unfreezing moves every tracked object there without a scan; skipped when the program
            # froze objects of its own, which unfreezing would release.
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _insert(target: dict[str, Any], key: str, value: Value) -> int:
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


def _values_at(target: Mapping[str, Any], key: str) -> list[Any]:
    found = target.get(key)
    return [] if found is None else found if type(found) is list else [found]


def _is_exact(tag: str, value: Value, lexical: str) -> bool:
    """Whether a value under its own tag gives its literal back exactly."""
    return tag in _EXACT_TAGS or tag == _IRI_TAG or (tag == "xsd:integer" and str(value) == lexical)


class _Projection:
    """The projection of one knowledge graph (see :func:`to_networkx`), built as its triples are read.

    Node attributes and statement fields get their final values as each triple is read. What makes
    a projection exact is that :func:`from_networkx` can give every literal back: each property
    has a usual tag (the datatype or language of most of its values, ``G.graph["properties"]``),
    and the values it would not give back exactly are listed in ``G.graph["literals"]``. The usual
    tag is known only at the end, so the reading keeps aside just the values that differ from the
    first tag of their property or are not exact under it; in the rare case where a property's
    usual tag is not its first one, its values are looked at again.
    """

    def __init__(self, kg: Any) -> None:
        self.sources, self.statement_keys, self.onto, self.requery = _read(kg)
        self.nodes: dict[str, dict[str, Any]] = {}
        # statement key → [record, rdf:subject, rdf:predicate, rdf:object (each as it ends a
        # line: "<iri> .\n", "_:b .\n" or a literal), statement key]
        self.statements: dict[str, list[Any]] = {}
        self.objects: list[tuple[str, str, str]] = []  # (subject, property, object) keys
        # property → [the tag of its first value, how many values have it, {other tag: values}]
        self.tags: dict[str, list[Any]] = {}
        # (owner, property, key or None for a node attribute, index, value, lexical, tag)
        self.odd: list[tuple[str, str, str | None, int, Value, str, str]] = []
        self.names: dict[str, str] = {}  # node property → attribute name (tentative)
        self.taken = set(_RESERVED_ATTRIBUTES)
        # Edges go into the graph as they are read: every node met (a subject, or an edge's
        # end) has its id here and its dicts in G._succ and G._pred.
        self.G = nx.MultiDiGraph()
        self.ids: dict[str, str] = {}
        self.edge_keys: dict[str, tuple[str, str]] = {}  # property → (edge key, label)

    # -- reading ---------------------------------------------------------------------------------

    def read(self, graphs: Sequence[Iterable[str]], statement_keys: Container[str]) -> None:
        """Read N-Triples lines, grouped by subject, into node attributes, statements and edges.

        Terms are keyed by plain strings (an IRI, or "_:id" for a blank node). The loop runs once
        per triple, so it is written out by hand, with everything it uses in local names. A line
        is ``subject predicate object .`` where only the object may hold a space.
        """
        rdf_type, rdf_statement = _RDF_TYPE, f"<{_RDF_STATEMENT}> .\n"
        rdf_subject, rdf_predicate, rdf_object = _RDF_SUBJECT, _RDF_PREDICATE, _RDF_OBJECT
        text, date, integer, iri_tag = _TEXT, _DATE, _INT, _IRI_TAG
        datatype_kinds, date_patterns, date_tag = _DATATYPE_KINDS, _DATE_TYPES, _DATE_TAG
        exact_tags, integer_tag, string_tag = _EXACT_TAGS | {_IRI_TAG}, "xsd:integer", "xsd:string"
        nodes, statements, objects = self.nodes, self.statements, self.objects
        tags_of, odd = self.tags, self.odd
        names, fields_of = self.names, _STATEMENT_FIELDS
        get_node, get_statement, get_name = nodes.get, statements.get, names.get
        ids, succ, pred, edge_keys = self.ids, self.G._succ, self.G._pred, self.edge_keys
        node_namespaces = ("_:", *_NODE_NAMESPACES)
        st_ns = str(AGST)
        st_size = len(st_ns)
        out: dict[str, Any] = {}
        u = ""
        type_curies: dict[str, str] = {}  # a few classes, typed over and over
        id_cache: dict[str, str] = {}  # the sources statements cite, over and over
        dates_seen: dict[str, bool] = {}  # date literal → well formed
        # One string per property: the dicts keyed by it then find it by identity.
        properties = {f"<{p}>": p for p in (rdf_type, rdf_subject, rdf_predicate, rdf_object)}
        get_property = properties.get
        owner: dict[str, int] = {}
        several = len(graphs) > 1
        data: dict[str, Any] = {}
        sk = node = lexical = tag = ""
        value: Value = ""
        for index, lines in enumerate(graphs):
            # A graph's triples come grouped by subject: the lookups for a subject are made when
            # it changes, not for every triple.
            previous = ""
            seen: set[tuple[str, str]] | None = None
            parts: list[Any] | None = None
            for line in lines:
                s, p, o = line.split(" ", 2)
                if s != previous:
                    previous = s
                    sk = s[1:-1] if s[0] == "<" else s
                    seen = None
                    if several and owner.setdefault(sk, index) != index:
                        # Also in an earlier named graph, which may hold the same triples.
                        seen = self.seen_before(sk, index)
                    if sk in statement_keys:
                        parts = get_statement(sk)
                        if parts is None:
                            # Most statements are agst: IRIs (_node_id, written out).
                            st_id = (
                                "agst:" + sk[st_size:]
                                if sk.startswith(st_ns) and len(sk) > st_size
                                else _node_id(sk)
                            )
                            parts = statements[sk] = [{"id": st_id}, None, None, None, sk]
                        data = parts[0]
                        node = data["id"]
                    else:
                        parts = None
                        found = get_node(sk)
                        if found is None:
                            found = nodes[sk] = {"types": [], "aliases": []}
                        data = found
                        node = sk
                        known = ids.get(sk)
                        if known is None:  # what meet() does, written out: most subjects are new
                            u = ids[sk] = _node_id(sk)
                            out = succ[u] = {}
                            pred[u] = {}
                        else:
                            u = known
                            out = succ[u]
                pv = get_property(p)
                if pv is None:
                    pv = properties[p] = p[1:-1]
                if seen is not None and (pv, o) in seen:
                    continue
                first_char = o[0]
                if parts is not None:  # a statement
                    if pv == rdf_subject:
                        parts[1] = o
                        continue
                    if pv == rdf_predicate:
                        parts[2] = o
                        continue
                    if pv == rdf_object:
                        parts[3] = o
                        continue
                    if pv == rdf_type and o == rdf_statement:
                        continue
                    key = fields_of.get(pv) or _curie(pv)
                    if first_char != '"':  # a source, a rank: kept as its node id
                        lexical = o[1:-4] if first_char == "<" else o[:-3]
                        cached = id_cache.get(lexical)
                        if cached is None:
                            cached = id_cache[lexical] = _node_id(lexical)
                        value = cached
                        tag = iri_tag
                elif first_char != '"':
                    if first_char == "<":
                        ok = o[1:-4]
                        if pv == rdf_type:
                            class_curie = type_curies.get(ok)
                            if class_curie is None:
                                class_curie = type_curies[ok] = _curie(ok)
                            data["types"].append(class_curie)
                            continue
                    else:
                        ok = o[:-3]
                    if not ok.startswith(node_namespaces):
                        objects.append((sk, pv, ok))  # an edge if ok is a node, known at the end
                        continue
                    v = ids.get(ok) or self.meet(ok)
                    key_label = edge_keys.get(pv) or self.edge_key(pv)
                    keys: dict[str, Any] | None = out.get(v)
                    if keys is None:
                        keys = out[v] = pred[v][u] = {}  # one key dict for both, as add_edge does
                    keys[key_label[0]] = {"label": key_label[1], "statements": [], "sources": []}
                    continue
                else:
                    key = get_name(pv) or self.name(pv)
                if first_char == '"':  # a literal: its Python value and its tag
                    # "lexical" .\n, "lexical"@lang .\n or "lexical"^^<datatype> .\n
                    end = o.rfind('"')
                    lexical = o[1:end]
                    if "\\" in lexical:
                        lexical = _unescape(lexical)
                    value = lexical
                    marker = o[end + 1]
                    if marker == "^":
                        datatype = o[end + 4 : -4]
                        kind_tag = datatype_kinds.get(datatype)
                        kind, tag = kind_tag if kind_tag is not None else _datatype_kind(datatype)
                        if kind == date:
                            # Whether the date is well formed, looked up: dates repeat.
                            well_formed = dates_seen.get(o)
                            if well_formed is None:
                                well_formed = dates_seen[o] = bool(
                                    date_patterns[datatype].fullmatch(lexical)
                                )
                            if well_formed:
                                tag = date_tag
                        elif kind == integer:
                            try:  # noqa: SIM105 - suppress() would cost a context per value
                                value = int(lexical)
                            except ValueError:
                                pass  # kept as its text, and recorded as not exact
                        elif kind != text:
                            value, tag = _typed_value(lexical, datatype)
                    elif marker == "@":
                        tag = "@" + o[end + 2 : -3]
                    else:
                        tag = string_tag
                # Stored, counted, and kept aside unless exact under the first tag of its
                # property (the usual case).
                old = data.get(key)
                if old is None:
                    data[key] = value
                    at = 0
                elif type(old) is list:
                    old.append(value)
                    at = len(old) - 1
                else:
                    data[key] = [old, value]
                    at = 1
                tally = tags_of.get(pv)
                if tally is None:
                    tally = tags_of[pv] = [tag, 0, {}]
                if tag == tally[0]:
                    tally[1] += 1
                    if tag in exact_tags or (tag == integer_tag and str(value) == lexical):
                        continue
                else:
                    others = tally[2]
                    others[tag] = others.get(tag, 0) + 1
                odd.append((node, pv, key if parts is not None else None, at, value, lexical, tag))

    def name(self, prop: str) -> str:
        """A node property's attribute name, given when the property is first met (checked in
        :meth:`settle_names` against the names the whole set of properties gives)."""
        found = self.names[prop] = _attribute_name(prop, self.taken)
        return found

    def meet(self, key: str) -> str:
        """Give a node met for the first time its id and its (empty) adjacency dicts."""
        node = self.ids[key] = _node_id(key)
        self.G._succ[node] = {}
        self.G._pred[node] = {}
        return node

    def edge_key(self, prop: str) -> tuple[str, str]:
        """The key and label of a property's edges."""
        key = _curie(prop)
        found = self.edge_keys[prop] = (key, self.onto.label(key))
        return found

    def edge(self, subject: str, prop: str, obj: str) -> None:
        """Add an edge (outside the reading loop, which adds most of them itself)."""
        u = self.ids.get(subject) or self.meet(subject)
        v = self.ids.get(obj) or self.meet(obj)
        key, label = self.edge_keys.get(prop) or self.edge_key(prop)
        keys = self.G._succ[u].get(v)
        if keys is None:
            keys = self.G._succ[u][v] = self.G._pred[v][u] = {}
        keys[key] = {"label": label, "statements": [], "sources": []}

    def seen_before(self, key: str, index: int) -> set[tuple[str, str]]:
        """The (property, object) pairs of a subject in the graphs read before graph ``index``."""
        pairs = set()
        for graph in range(index):
            for line in self.requery(key, graph):
                _, p, o = line.split(" ", 2)
                pairs.add((p[1:-1], o))
        return pairs

    def add(
        self,
        data: dict[str, Any],
        key: str | None,
        item: tuple[Value, str, str],
        prop: str,
        owner: str,
    ) -> None:
        """Store and count one value outside the reading loop (``key`` None: a node attribute)."""
        value, tag, lexical = item
        name = key if key is not None else (self.names.get(prop) or self.name(prop))
        at = _insert(data, name, value)
        if self.tally(prop, tag, value, lexical):
            self.odd.append((owner, prop, key, at, value, lexical, tag))

    def tally(self, prop: str, tag: str, value: Value, lexical: str) -> bool:
        """Count a value of a property (as the reading loop does); return whether it is kept
        aside: its tag is not the property's first, or it is not exact under it."""
        tally = self.tags.get(prop)
        if tally is None:
            tally = self.tags[prop] = [tag, 0, {}]
        if tag == tally[0]:
            tally[1] += 1
            return not _is_exact(tag, value, lexical)
        tally[2][tag] = tally[2].get(tag, 0) + 1
        return True

    # -- building ----------------------------------------------------------------------------------

    def graph(self) -> tuple[nx.MultiDiGraph, _Ontology]:
        try:
            self.read(self.sources, self.statement_keys)
        finally:
            for lines in self.sources:  # a stream left half read ends its writer
                close = getattr(lines, "close", None)
                if close is not None:
                    close()
        nodes, statements = self.nodes, self.statements
        # Statements that do not follow the provenance pattern are plain nodes with all their
        # triples: read again as such.
        plain = sorted(
            parts[4]
            for parts in statements.values()
            if parts[1] is None
            or parts[1][0] == '"'  # a literal cannot be a statement's subject
            or parts[2] is None
            or parts[2][0] != "<"
            or parts[3] is None
        )
        if plain:
            # Their values stay counted (a count only helps pick a property's usual tag).
            dropped = {statements.pop(key)[0]["id"] for key in plain}
            self.odd = [entry for entry in self.odd if entry[2] is None or entry[0] not in dropped]
            self.read(
                [
                    [line for key in plain for line in self.requery(key, graph)]
                    for graph in range(len(self.sources))
                ],
                (),
            )

        # IRI objects outside the node namespaces: an edge when the object is a node, else an
        # IRI-valued attribute.
        for sk, pv, ok in self.objects:
            if ok in nodes:
                self.edge(sk, pv, ok)
            else:
                self.add(nodes[sk], None, (_node_id(ok), _IRI_TAG, ok), pv, sk)

        # Statements: on their edge when the triple is direct, else on the subject node.
        node_statements: dict[str, list[dict[str, Any]]] = defaultdict(list)
        several_on: dict[int, dict[str, Any]] = {}  # edges with more than one statement
        ids, succ, edge_keys = self.ids.get, self.G._succ, self.edge_keys.get
        no_edges: dict[str, Any] = {}
        curies: dict[str, str] = {}  # one CURIE string per property, shared by its statements
        for record, subject, predicate, obj, _ in statements.values():
            # The keys of the ends, as _line_key gives them (written out: one per statement).
            subject_key = subject[1:-4] if subject[0] == "<" else subject[:-3]
            prop, literal = predicate[1:-4], obj[0] == '"'
            if not literal:
                object_key = obj[1:-4] if obj[0] == "<" else obj[:-3]
                # The edge of the triple, if the graph has it.
                u, v, found = ids(subject_key), ids(object_key), edge_keys(prop)
                edge = None
                if u is not None and v is not None and found is not None:
                    edge = succ[u].get(v, no_edges).get(found[0])
                if edge is not None:
                    on_edge = edge["statements"]
                    on_edge.append(record)
                    if len(on_edge) == 1:
                        # Most edges have one statement: its start, end and source are the
                        # edge's (set while the edge is at hand).
                        start, end = record.get("start"), record.get("end")
                        source = record.get("source")
                        if isinstance(start, str):
                            edge["start"] = start
                        if isinstance(end, str):
                            edge["end"] = end
                        if isinstance(source, str):
                            edge["sources"] = [source]
                    else:
                        several_on[id(edge)] = edge
                    continue
            short = curies.get(prop)
            if short is None:
                short = curies[prop] = _curie(prop)
            record["property"] = short
            if literal:
                self.add(record, "value", _line_literal(obj), prop, record["id"])
            else:
                record["object"] = _node_id(object_key)
            node_statements[subject_key].append(record)
            if subject_key not in self.ids:
                self.meet(subject_key)
        for edge in several_on.values():
            edge["statements"].sort(key=_statement_id)
            _edge_conveniences(edge)

        attr_names = self.settle_names()
        defaults = self.settle_literals(attr_names)
        return self.build(node_statements, attr_names, defaults), self.onto

    def settle_names(self) -> dict[str, str]:
        """The attribute names of the node properties, as the whole set of them gives them.

        They are the names given as the properties were met unless two properties' names
        collide (``ag:killed`` and ``ex:killed``) in another order; then the values move.
        """
        final = _attribute_names(self.names)
        moved = {
            prop: (name, final[prop]) for prop, name in self.names.items() if final[prop] != name
        }
        if moved:
            for data in self.nodes.values():
                found = [(new, data.pop(old)) for old, new in moved.values() if old in data]
                for new, values in found:
                    data[new] = values
        self.names = final
        return final

    def settle_literals(self, attr_names: Mapping[str, str]) -> dict[str, str]:
        """Each property's usual tag, and ``self.exceptions``: the values it would not give back."""
        defaults = {
            pv: max([(n, first), *((m, tag) for tag, m in others.items())])[1] if others else first
            for pv, (first, n, others) in self.tags.items()
        }
        # Properties whose usual tag is not their first: every value is looked at again.
        again = {pv for pv, tag in defaults.items() if tag != self.tags[pv][0]}
        aside: dict[tuple[str, str, int], tuple[Value, str, str]] = {}
        exceptions: list[list[Any]] = []
        for holder, pv, field, at, value, lexical, tag in self.odd:
            # A node attribute (no field): its owner is the node, its key the attribute's name.
            owner, key = (_node_id(holder), attr_names[pv]) if field is None else (holder, field)
            if pv in again:
                aside[(owner, key, at)] = (value, lexical, tag)
            elif _differs(value, lexical, tag, defaults[pv]):
                exceptions.append([owner, key, at, value, lexical, tag])
        for pv in sorted(again):
            first, default = self.tags[pv][0], defaults[pv]
            for owner, key, values in self._holders(pv, attr_names):
                for at, one in enumerate(values):
                    # Not kept aside: exact under the first tag, which gives its literal back.
                    value, lexical, tag = aside.get((owner, key, at)) or (
                        one,
                        _iri(str(one)) if first == _IRI_TAG else _lexical(one),
                        first,
                    )
                    if _differs(value, lexical, tag, default):
                        exceptions.append([owner, key, at, value, lexical, tag])
        exceptions.sort(key=lambda entry: (entry[0], entry[1], entry[2]))
        self.exceptions = exceptions
        return defaults

    def _holders(
        self, prop: str, attr_names: Mapping[str, str]
    ) -> Iterable[tuple[str, str, list[Any]]]:
        """Every (owner, key, values) that holds values of a property."""
        name = attr_names.get(prop)
        if name is not None:
            for sk, data in self.nodes.items():
                values = _values_at(data, name)
                if values:  # (every node has a list of aliases, most of them empty)
                    yield _node_id(sk), name, values
        field = _STATEMENT_FIELDS.get(prop) or _curie(prop)
        short = _curie(prop)
        for parts in self.statements.values():
            record = parts[0]
            if field in record:
                yield record["id"], field, _values_at(record, field)
            if record.get("property") == short and "value" in record:
                yield record["id"], "value", _values_at(record, "value")

    def build(
        self,
        node_statements: Mapping[str, list[dict[str, Any]]],
        attr_names: Mapping[str, str],
        defaults: Mapping[str, str],
    ) -> nx.MultiDiGraph:
        """The graph: nodes with their derived attributes (edges are in it already)."""
        nodes, onto, G = self.nodes, self.onto, self.G
        # Nodes met only as an edge's end or as the subject of a statement, after the others.
        for key in sorted(self.ids.keys() - nodes.keys()):
            nodes[key] = {"types": [], "aliases": []}
        node_data, ids = G._node, self.ids
        sources: dict[str, dict[str, Any]] = {}
        most_specific = onto.most_specific
        get_statements = node_statements.get
        for sk, data in nodes.items():
            node = ids[sk]
            types = data["types"]
            most = most_specific(types)
            if most is not None:
                data["type"] = most
            label, aliases = data.get("label"), data["aliases"]
            if aliases or not (label is None or type(label) is str):
                names = [label] if isinstance(label, str) else (label or [])
                data["search"] = sorted({k for n in [*names, *aliases] for k in name_keys(str(n))})
            else:  # most nodes: one label, or none
                data["search"] = [] if label is None else sorted(name_keys(label))
            here = get_statements(sk)
            if here:
                data["statements"] = sorted(here, key=_statement_id) if len(here) > 1 else here
            if "ag:Source" in types:
                sources[node] = _source_info(data, attr_names)
            node_data[node] = data
        # The adjacency dicts in the nodes' order, as add_nodes_from would have made them (they
        # were made as the nodes were met). Setting them through NetworkX's attributes also
        # resets its cached views.
        succ, pred = G._succ, G._pred
        G._succ = {node: succ[node] for node in node_data}  # also G._adj
        G._pred = {node: pred[node] for node in node_data}

        properties: dict[str, dict[str, str]] = {}
        for pv in self.edge_keys.keys() | defaults.keys() | attr_names.keys():
            entry = {"label": onto.label(curie(pv))}
            if pv in attr_names:
                entry["attribute"] = attr_names[pv]
            if pv in defaults:
                entry["literal"] = defaults[pv]
            properties[curie(pv)] = entry
        G.graph.update(
            {
                "view": "full",
                "properties": dict(sorted(properties.items())),
                "sources": dict(sorted(sources.items())),
            }
        )
        if self.exceptions:
            G.graph["literals"] = self.exceptions
        return G


def _differs(value: Value, lexical: str, tag: str, default: str) -> bool:
    """Whether a value, read under its property's usual tag, would not give its literal back."""
    if tag == default and _is_exact(tag, value, lexical):
        return False
    return tag == _IRI_TAG or _to_term(value, default) != _to_term(lexical, tag)


def _statement_id(record: Mapping[str, Any]) -> str:
    return str(record["id"])


def _source_info(data: Mapping[str, Any], attr_names: Mapping[str, str]) -> dict[str, Any]:
    wanted = {
        "title": "http://purl.org/dc/terms/title",
        "creator": "http://purl.org/dc/terms/creator",
        "publisher": "http://purl.org/dc/terms/publisher",
        "date": "http://purl.org/dc/terms/date",
        "url": "https://schema.org/url",
    }
    info: dict[str, Any] = {}
    for field, prop in wanted.items():
        attr = attr_names.get(prop)
        if attr is not None and attr in data:
            value = data[attr]
            if field == "url":
                value = [_iri(v) for v in value] if isinstance(value, list) else value
                value = _iri(value) if isinstance(value, str) else value
            info[field] = value
    return info


def _edge_conveniences(data: dict[str, Any]) -> None:
    """An edge's start, end and sources, from its statements (the projection sets those of an
    edge with one statement itself)."""
    statements = data["statements"]
    data.pop("start", None)
    data.pop("end", None)
    starts = [st["start"] for st in statements if isinstance(st.get("start"), str)]
    ends = [st["end"] for st in statements if isinstance(st.get("end"), str)]
    if starts:
        data["start"] = min(starts, key=lambda d: _date_bounds(d)[0])
    if ends:
        data["end"] = max(ends, key=lambda d: _date_bounds(d)[1])
    data["sources"] = sorted(
        {st["source"] for st in statements if isinstance(st.get("source"), str)}
    )


# ----------------------------------------------------------------------------------------------
# Dates and filters


def _date_bounds(value: Any) -> tuple[str, str]:
    """Return the first and last day (ISO) of a date at its precision: 2023 → 2023-01-01, -12-31."""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        iso = value.isoformat()
        return iso, iso
    if isinstance(value, int):
        value = f"{value:04d}"
    text = str(value).strip()
    if re.fullmatch(r"\d{4}", text):
        return f"{text}-01-01", f"{text}-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:])
        if not 1 <= month <= 12:
            raise UsageError(f"{value!r} is not a date: the month must be 01 to 12")
        last = (_dt.date(year + month // 12, month % 12 + 1, 1) - _dt.timedelta(days=1)).day
        return f"{text}-01", f"{text}-{last:02d}"
    try:
        iso = _dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        raise UsageError(
            f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2023-07-30)"
        ) from None
    return iso, iso


def _node_interval(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    return _interval(data.get("earliest"), data.get("latest"))


def _edge_intervals(data: Mapping[str, Any]) -> list[tuple[str | None, str | None]]:
    if "events" in data:  # a folded edge: when its events happened
        if "earliest" in data or "latest" in data:
            return [(data.get("earliest"), data.get("latest"))]
        return []
    out = []
    for st in data.get("statements", []):
        lo, hi = _interval(st.get("earliest"), st.get("latest"), st.get("start"), st.get("end"))
        if lo is not None or hi is not None:
            out.append((lo, hi))
    return out


#: Properties whose open-ended terms end where another subject's term for the same object begins
#: (a leader's term runs until the next leader's, as the saved query leader-at-date reads it).
_SUCCESSIVE_TERMS = {"ag:leaderOf"}


def _joined_interval(
    intervals: list[tuple[str | None, str | None]], successor_start: str | None
) -> tuple[str | None, str | None]:
    """One interval for an edge from its statements' intervals.

    Sources often give only a start or only an end of the same term; the edge runs from the
    earliest known start to the latest known end (as the profile and the page show it). An
    open end stops the day before a successor's term begins, where there is one.
    """
    starts = [lo for lo, _ in intervals if lo is not None]
    ends = [hi for _, hi in intervals if hi is not None]
    lo = min(starts) if starts else None
    hi = max(ends) if ends else None
    if hi is None and successor_start is not None:
        hi = (_dt.date.fromisoformat(successor_start) - _dt.timedelta(days=1)).isoformat()
    return lo, hi


def _open_term_ends(G: nx.MultiDiGraph) -> dict[tuple[Any, Any, Any], str]:
    """For each edge of a successive-terms property, the start of the next term of its object."""
    starts: dict[tuple[Any, Any], list[tuple[str, Any]]] = {}
    for u, v, k, d in G.edges(keys=True, data=True):
        if k in _SUCCESSIVE_TERMS:
            known = [lo for lo, _ in _edge_intervals(d) if lo is not None]
            if known:
                starts.setdefault((v, k), []).append((min(known), u))
    ends: dict[tuple[Any, Any, Any], str] = {}
    for (v, k), terms in starts.items():
        for lo, u in terms:
            later = [other_lo for other_lo, other in terms if other != u and other_lo > lo]
            if later:
                ends[(u, v, k)] = min(later)
    return ends


def _overlaps(lo: str | None, hi: str | None, start: str, end: str) -> bool:
    return (lo is None or lo <= end) and (hi is None or hi >= start)


def _class_curie(name: str) -> str:
    if "://" in name:
        return curie(name)
    return name if ":" in name else f"ag:{name}"


def _filter(
    G: nx.MultiDiGraph,
    onto: _Ontology,
    *,
    as_of: Any,
    between: Any,
    types: Sequence[str] | None,
    relations: Sequence[str] | None,
) -> None:
    if types:
        wanted = {_class_curie(t) for t in ([types] if isinstance(types, str) else types)}
        unknown = sorted(wanted - onto.classes) if onto.classes else []
        if unknown:
            raise UsageError(
                f"unknown class(es) {', '.join(unknown)}; use classes of the ontology such as "
                "ag:Actor, ag:ArmedGroup, ag:Event, ag:Attack, ag:Place"
            )
        drop = [
            n
            for n, d in G.nodes(data=True)
            if not any(onto.ancestors(t) & wanted for t in d.get("types", []))
        ]
        G.remove_nodes_from(drop)
    window: tuple[str, str] | None = None
    point = False
    if as_of is not None and between is not None:
        raise UsageError("give as_of or between, not both")
    if as_of is not None:
        day = _date_bounds(as_of)[1]
        window, point = (day, day), True
    elif between is not None:
        if isinstance(between, str | bytes) or len(between) != 2:
            raise UsageError("between takes two dates: (start, end)")
        window = (_date_bounds(between[0])[0], _date_bounds(between[1])[1])
        if window[0] > window[1]:
            raise UsageError(f"between: the start {between[0]} is after the end {between[1]}")
    if window is not None:
        start, end = window
        events = set()
        drop = []
        for n, d in G.nodes(data=True):
            is_event = any("ag:Event" in onto.ancestors(t) for t in d.get("types", []))
            lo, hi = _node_interval(d)
            if is_event:
                events.add(n)
            # An event that happened by then stays; anything else must overlap the window.
            keep = (
                (lo is None or lo <= end) if point and is_event else _overlaps(lo, hi, start, end)
            )
            if not keep:
                drop.append(n)
        G.remove_nodes_from(drop)
        drop_edges = []
        term_ends = _open_term_ends(G)
        for u, v, k, d in G.edges(keys=True, data=True):
            intervals = _edge_intervals(d)
            if not intervals:
                continue
            if "events" not in d:
                intervals = [_joined_interval(intervals, term_ends.get((u, v, k)))]
            if point and (u in events or "events" in d):
                keep = any(lo is None or lo <= end for lo, _ in intervals)
            else:
                keep = any(_overlaps(lo, hi, start, end) for lo, hi in intervals)
            if not keep:
                drop_edges.append((u, v, k))
        G.remove_edges_from(drop_edges)
    if relations:
        wanted_rel = {
            _class_curie(r) for r in ([relations] if isinstance(relations, str) else relations)
        }
        drop_edges = [
            (u, v, k)
            for u, v, k in G.edges(keys=True)
            if not (k in wanted_rel or set(_path_parts(k)) & wanted_rel)
        ]
        G.remove_edges_from(drop_edges)


def _path_parts(key: str) -> list[str]:
    return [part.lstrip("^") for part in key.split("/")] if "/" in key and "//" not in key else []


def _fold_actors(G: nx.MultiDiGraph, onto: _Ontology) -> nx.MultiDiGraph:
    def has_class(data: Mapping[str, Any], cls: str) -> bool:
        return any(cls in onto.ancestors(t) for t in data.get("types", []))

    actors = {n for n, d in G.nodes(data=True) if has_class(d, "ag:Actor")}
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)
    H.graph["view"] = "actors"
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(actors))
    H.add_edges_from(
        (u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if u in actors and v in actors
    )
    folded: dict[tuple[str, str, str], dict[str, Any]] = {}
    seen: dict[tuple[str, str, str], set[Any]] = {}
    for event, data in G.nodes(data=True):
        if event in actors or not has_class(data, "ag:Event"):
            continue
        roles = [
            (k, v, d) for _, v, k, d in G.out_edges(event, keys=True, data=True) if v in actors
        ]
        for role_a, actor_a, data_a in roles:
            for role_b, actor_b, data_b in roles:
                label = ACTOR_ROLES.get((role_a, role_b))
                if label is None or actor_a == actor_b:
                    continue
                if role_a == role_b and actor_a > actor_b:
                    continue  # participants: one edge per pair
                key = f"^{role_a}/{role_b}"
                edge = folded.get((actor_a, actor_b, key))
                if edge is None:
                    edge = folded[(actor_a, actor_b, key)] = {
                        "label": label,
                        "events": [],
                        "statements": [],
                        "sources": [],
                    }
                    seen[(actor_a, actor_b, key)] = set()
                done = seen[(actor_a, actor_b, key)]  # sets, not list scans: nothing quadratic
                if event not in done:
                    done.add(event)
                    edge["events"].append(event)
                for role, actor, d in ((role_a, actor_a, data_a), (role_b, actor_b, data_b)):
                    for st in d.get("statements", []):
                        mark = (event, role, actor, st.get("id"))
                        if mark not in done:
                            done.add(mark)
                            edge["statements"].append(
                                {**st, "subject": event, "property": role, "object": actor}
                            )
                lo, hi = _node_interval(data)
                if lo is not None:
                    edge["earliest"] = min(edge.get("earliest", lo), lo)
                if hi is not None:
                    edge["latest"] = max(edge.get("latest", hi), hi)
    rows = []
    for (a, b, key), edge in sorted(folded.items()):
        edge["events"].sort()
        edge["statements"].sort(key=lambda r: (r["subject"], r["id"]))
        edge["sources"] = sorted(
            {st["source"] for st in edge["statements"] if isinstance(st.get("source"), str)}
        )
        dates = [G.nodes[e].get("date") for e in edge["events"]]
        dates = [d for d in dates if isinstance(d, str)]
        if dates:
            edge["start"] = min(dates, key=lambda d: _date_bounds(d)[0])
            edge["end"] = max(dates, key=lambda d: _date_bounds(d)[1])
        rows.append((a, b, key, edge))
    H.add_edges_from(rows)
    # The folded events leave the graph as nodes; their names stay, so that a page or a reader can
    # find "the Bajaur attack" among the ties that carry it.
    H.graph["events"] = folded_event_names(H, G)
    return H


def folded_event_names(graph: nx.Graph, full: nx.Graph) -> dict[str, dict[str, Any]]:
    """Name, aliases, type and date of the events folded into ``graph``'s edges, from ``full``.

    The actors view lists the events behind a tie by CURIE only and keeps this mapping in
    ``graph.graph["events"]``; use it for a graph you folded yourself.

    Returns
    -------
    dict
        Event CURIE -> ``{"label", "aliases", "type", "date"}`` (the keys the node has).
    """
    out: dict[str, dict[str, Any]] = {}
    for _u, _v, attrs in graph.edges(data=True):
        events = attrs.get("events")
        for event in events if isinstance(events, list) else []:
            if event in out or event not in full:
                continue
            data = full.nodes[event]
            out[event] = {k: data[k] for k in ("label", "aliases", "type", "date") if k in data}
    return out


def _focus_nodes(kg: Any, G: nx.MultiDiGraph, focus: str | Sequence[str]) -> list[str]:
    names = [focus] if isinstance(focus, str) else list(focus)
    resolver = getattr(kg, "resolve", None)
    out = []
    index: NameIndex | None = None
    for name in names:
        if name in G:
            out.append(name)
            continue
        if callable(resolver):
            out.append(str(resolver(name)))
            continue
        if index is None:
            index = names_of(G)
        out.append(index.resolve(name))
    return out


def names_of(G: nx.Graph) -> NameIndex:
    """Return a :class:`~actorgraph._resolve.NameIndex` of a projected graph's labels and aliases.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:iskp", label="Islamic State Khorasan Province", aliases=["ISIS-K"])
    >>> names_of(G).resolve("isis–k")
    'agd:iskp'
    """
    entries: list[tuple[str, str, bool]] = []
    for node, data in G.nodes(data=True):
        labels = data.get("label")
        for label in labels if isinstance(labels, list) else [labels] if labels else []:
            entries.append((node, str(label), True))
        entries.extend((node, str(alias), False) for alias in data.get("aliases", []))
        if not labels:
            entries.append((node, node, True))
    return NameIndex(entries)


def resolve_node(G: nx.Graph, name: str) -> str:
    """Return the node a name means in ``G``: a node id, a label or an alias.

    Raises
    ------
    UnknownNameError
        If no node or several nodes have that name; the message lists close matches.
    """
    if name in G:
        return name
    if "://" in name and curie(name) in G:
        return curie(name)
    return names_of(G).resolve(name)


def to_networkx(
    kg: Any,
    view: str = "full",
    *,
    as_of: Any = None,
    between: Any = None,
    types: Sequence[str] | str | None = None,
    relations: Sequence[str] | str | None = None,
    focus: Sequence[str] | str | None = None,
    hops: int = 1,
) -> nx.MultiDiGraph:
    """Project the knowledge graph to a :class:`networkx.MultiDiGraph`.

    Parameters
    ----------
    kg
        A :class:`~actorgraph.KnowledgeGraph` (or a ``pyoxigraph.Store`` holding the same named graphs).
    view
        ``"full"``: every entity a node, every object property an edge. ``"actors"``: actors only, with
        events, fatwas and designations folded into actor–actor edges that list the ``events`` and
        ``sources`` behind them.
    as_of
        A date (``"2023"``, ``"2023-07"``, ``"2023-07-30"`` or a :class:`datetime.date`): events that
        happened by then (a year-only date counts from its first day), entities and relations that held
        then. A date given as a year means the end of that year.
    between
        ``(start, end)`` dates: what overlaps that period (by ``ag:earliestDate``/``ag:latestDate``).
    types
        Keep nodes of these classes or their subclasses (``"ag:ArmedGroup"`` or ``"ArmedGroup"``).
    relations
        Keep edges of these properties (``"ag:claimedBy"``); a folded edge is kept when either of its
        two properties is named.
    focus, hops
        Keep what lies within ``hops`` edges (either direction) of the named entities; names go through
        :func:`actorgraph.resolve`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes keyed by CURIE, edges keyed by property CURIE (see ``docs/design.md``).

    Examples
    --------
    >>> import actorgraph
    >>> kg = actorgraph.load()
    >>> G = to_networkx(kg)
    >>> G.nodes["agd:iskp"]["type"], G.nodes["agd:bajaur-rally-bombing-2023"]["killed"]
    ('ag:ArmedGroup', 63)
    >>> claim = G["agd:bajaur-rally-bombing-2023"]["agd:iskp"]["ag:claimedBy"]
    >>> "ags:ipd-terrorism-resurging-in-pakistan" in claim["sources"]
    True
    >>> A = to_networkx(kg, view="actors", as_of="2023")
    >>> A.has_edge("agd:iskp", "agd:jui-f", "^ag:claimedBy/ag:target")
    True
    >>> to_networkx(kg, view="actors", as_of="2022").has_edge(
    ...     "agd:iskp", "agd:jui-f", "^ag:claimedBy/ag:target")
    False
    """
    if view not in ("full", "actors"):
        raise UsageError(f"unknown view {view!r}: use 'full' or 'actors'")
    if hops < 0:
        raise UsageError("hops must be 0 or more")
    G, onto = _project(kg)
    if view == "actors":
        # Time first, on the events themselves, so that a folded edge lists only the events of
        # the period (not every event between two actors whose span overlaps it).
        _filter(G, onto, as_of=as_of, between=between, types=None, relations=None)
        G = _fold_actors(G, onto)
        _filter(G, onto, as_of=None, between=None, types=types, relations=relations)
    else:
        _filter(G, onto, as_of=as_of, between=between, types=types, relations=relations)
    if focus:
        centres = _focus_nodes(kg, G, focus)
        undirected = G.to_undirected(as_view=True)
        keep: set[str] = set()
        for centre in centres:
            if centre in G:
                keep |= set(nx.single_source_shortest_path_length(undirected, centre, cutoff=hops))
        G.remove_nodes_from([n for n in list(G) if n not in keep])
    filters = {
        "as_of": as_of,
        "between": list(between) if between is not None else None,
        "types": types,
        "relations": relations,
        "focus": focus,
        "hops": hops if focus else None,
    }
    used = {k: (str(v) if isinstance(v, _dt.date) else v) for k, v in filters.items() if v}
    if used:
        G.graph["filters"] = used
    return G


# ----------------------------------------------------------------------------------------------
# Back to RDF


def _term(node: str) -> rdflib.term.Node:
    if node.startswith("_:"):
        return rdflib.BNode(node[2:])
    return _uri(node)


def _literal(value: Any, tag: str, exception: tuple[str, str] | None) -> rdflib.term.Node:
    if exception is not None:
        lexical, tag = exception
        if tag == _IRI_TAG:
            return rdflib.URIRef(lexical)
        if tag.startswith("@"):
            return rdflib.Literal(lexical, lang=tag[1:])
        if tag == _DATE_TAG:
            value = lexical
        elif tag == "xsd:string":
            return rdflib.Literal(lexical)
        else:
            return rdflib.Literal(lexical, datatype=_uri(tag), normalize=False)
    text, datatype, language = _to_term(value, tag)
    if tag == _IRI_TAG:
        return _term(str(value))
    if language is not None:
        return rdflib.Literal(text, lang=language)
    if datatype is None or datatype == _XSD_STRING:
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
    for prop, attr in _FIXED_ATTRIBUTES.items():
        attr_props.setdefault(attr, curie(prop))
    exceptions: dict[tuple[str, str, int], tuple[Any, str, str]] = {
        (str(e[0]), str(e[1]), int(e[2])): (e[3], str(e[4]), str(e[5]))
        for e in G.graph.get("literals", [])
    }

    def tag_for(prop: str, value: Any) -> str:
        entry = properties.get(prop)
        if entry is not None and "literal" in entry:
            return entry["literal"]
        return _guess_tag(value)

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
            add((subject, RDF.type, _uri(cls)))
        for attr, raw in data.items():
            if attr in _DERIVED_ATTRIBUTES or attr in ("types", "statements"):
                continue
            prop = attr_props.get(attr) or (attr if ":" in attr else f"ag:{attr}")
            predicate = _uri(prop)
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
                predicate=_uri(prop),
                obj=obj,
                literal=literal,
            )
    for u, v, key, data in G.edges(keys=True, data=True):
        if G.is_multigraph() and isinstance(key, str) and key.startswith("^"):
            role_a, _, role_b = key[1:].partition("/")
            for event in data.get("events", []):
                add((_term(event), _uri(role_a), _term(str(u))))
                add((_term(event), _uri(role_b.lstrip("^")), _term(str(v))))
            for record in data.get("statements", []):
                event, role = _term(record["subject"]), _uri(record["property"])
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
        subject, predicate, obj = _term(str(u)), _uri(prop), _term(str(v))
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
        prop = _STATEMENT_PROPERTIES.get(key) or (key if ":" in key else None)
        if prop is None:
            continue
        predicate_out = rdflib.URIRef(prop) if "://" in prop else _uri(prop)
        items = raw if isinstance(raw, list) else [raw]
        for index, value in enumerate(items):
            if key == "rank":
                add((st, predicate_out, _RANK_IRIS.get(value) or _uri(value)))
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
