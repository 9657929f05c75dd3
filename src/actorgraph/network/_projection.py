"""The projection's loop: one pass over the data graph's N-Triples lines builds the MultiDiGraph.

:class:`Projection` gives node attributes and statement fields their final values as each triple is
read, and keeps aside only the literals that :func:`~actorgraph.network._from_networkx.from_networkx`
could not give back exactly (see ``docs/design.md``, "How the projection reads the store")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container, Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from actorgraph.network._reading import Reading, line_literal, read_data_graph, unescape
from actorgraph.network._statements import edge_conveniences, source_info, statement_id
from actorgraph.network._values import (
    DATATYPE_KINDS,
    DATE_KIND,
    INT_KIND,
    TEXT_KIND,
    attribute_name,
    attribute_names,
    datatype_kind,
    differs,
    fast_curie,
    insert_value,
    iri_of,
    is_exact,
    lexical_of,
    node_id,
    typed_value,
    values_at,
)
from actorgraph.network._vocabulary import (
    DATE_TAG,
    DATE_TYPES,
    EXACT_TAGS,
    IRI_TAG,
    NODE_NAMESPACES,
    RDF_OBJECT,
    RDF_PREDICATE,
    RDF_STATEMENT,
    RDF_SUBJECT,
    RDF_TYPE,
    RESERVED_ATTRIBUTES,
    STATEMENT_FIELDS,
    OntologyView,
    Value,
)
from actorgraph.vocab._names import name_keys
from actorgraph.vocab._namespaces import AGST, curie


def project(kg: Any, reading: Reading | None = None) -> tuple[nx.MultiDiGraph, OntologyView]:
    """Project ``kg``'s data graph, or the part of it a ``reading`` gives (see :class:`Reading`).

    Millions of small objects and no cycles: call it with the collector paused, as
    :func:`~actorgraph.network._to_networkx.to_networkx` does (measured in actorgraph._gc).
    """
    return _Projection(reading or read_data_graph(kg)).graph()


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

    def __init__(self, reading: Reading) -> None:
        self.sources, self.statement_keys, self.onto, self.requery = reading[:4]
        self.subjects_among = reading.subjects_among
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
        self.taken = set(RESERVED_ATTRIBUTES)
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
        rdf_type, rdf_statement = RDF_TYPE, f"<{RDF_STATEMENT}> .\n"
        rdf_subject, rdf_predicate, rdf_object = RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT
        text, date, integer, iri_tag = TEXT_KIND, DATE_KIND, INT_KIND, IRI_TAG
        datatype_kinds, date_patterns, date_tag = DATATYPE_KINDS, DATE_TYPES, DATE_TAG
        exact_tags, integer_tag, string_tag = EXACT_TAGS | {IRI_TAG}, "xsd:integer", "xsd:string"
        nodes, statements, objects = self.nodes, self.statements, self.objects
        tags_of, odd = self.tags, self.odd
        names, fields_of = self.names, STATEMENT_FIELDS
        get_node, get_statement, get_name = nodes.get, statements.get, names.get
        ids, succ, pred, edge_keys = self.ids, self.G._succ, self.G._pred, self.edge_keys
        node_namespaces = ("_:", *NODE_NAMESPACES)
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
                            # Most statements are agst: IRIs (node_id, written out).
                            st_id = (
                                "agst:" + sk[st_size:]
                                if sk.startswith(st_ns) and len(sk) > st_size
                                else node_id(sk)
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
                            u = ids[sk] = node_id(sk)
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
                    key = fields_of.get(pv) or fast_curie(pv)
                    if first_char != '"':  # a source, a rank: kept as its node id
                        lexical = o[1:-4] if first_char == "<" else o[:-3]
                        cached = id_cache.get(lexical)
                        if cached is None:
                            cached = id_cache[lexical] = node_id(lexical)
                        value = cached
                        tag = iri_tag
                elif first_char != '"':
                    if first_char == "<":
                        ok = o[1:-4]
                        if pv == rdf_type:
                            class_curie = type_curies.get(ok)
                            if class_curie is None:
                                class_curie = type_curies[ok] = fast_curie(ok)
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
                        lexical = unescape(lexical)
                    value = lexical
                    marker = o[end + 1]
                    if marker == "^":
                        datatype = o[end + 4 : -4]
                        kind_tag = datatype_kinds.get(datatype)
                        kind, tag = kind_tag if kind_tag is not None else datatype_kind(datatype)
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
                            value, tag = typed_value(lexical, datatype)
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
        found = self.names[prop] = attribute_name(prop, self.taken)
        return found

    def meet(self, key: str) -> str:
        """Give a node met for the first time its id and its (empty) adjacency dicts."""
        node = self.ids[key] = node_id(key)
        self.G._succ[node] = {}
        self.G._pred[node] = {}
        return node

    def edge_key(self, prop: str) -> tuple[str, str]:
        """The key and label of a property's edges."""
        key = fast_curie(prop)
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
        at = insert_value(data, name, value)
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
            return not is_exact(tag, value, lexical)
        tally[2][tag] = tally[2].get(tag, 0) + 1
        return True

    # -- building ----------------------------------------------------------------------------------

    def graph(self) -> tuple[nx.MultiDiGraph, OntologyView]:
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

        # IRI objects outside the node namespaces: an edge when the object is a node (a subject
        # of the data graph, read here or not), else an IRI-valued attribute.
        elsewhere: set[str] = set()
        if self.subjects_among is not None:
            elsewhere = self.subjects_among({ok for _, _, ok in self.objects if ok not in nodes})
        for sk, pv, ok in self.objects:
            if ok in nodes or ok in elsewhere:
                self.edge(sk, pv, ok)
            else:
                self.add(nodes[sk], None, (node_id(ok), IRI_TAG, ok), pv, sk)

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
                short = curies[prop] = fast_curie(prop)
            record["property"] = short
            if literal:
                self.add(record, "value", line_literal(obj), prop, record["id"])
            else:
                record["object"] = node_id(object_key)
            node_statements[subject_key].append(record)
            if subject_key not in self.ids:
                self.meet(subject_key)
        for edge in several_on.values():
            edge["statements"].sort(key=statement_id)
            edge_conveniences(edge)

        attr_names = self.settle_names()
        defaults = self.settle_literals(attr_names)
        return self.build(node_statements, attr_names, defaults), self.onto

    def settle_names(self) -> dict[str, str]:
        """The attribute names of the node properties, as the whole set of them gives them.

        They are the names given as the properties were met unless two properties' names
        collide (``ag:killed`` and ``ex:killed``) in another order; then the values move.
        """
        final = attribute_names(self.names)
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
            owner, key = (node_id(holder), attr_names[pv]) if field is None else (holder, field)
            if pv in again:
                aside[(owner, key, at)] = (value, lexical, tag)
            elif differs(value, lexical, tag, defaults[pv]):
                exceptions.append([owner, key, at, value, lexical, tag])
        for pv in sorted(again):
            first, default = self.tags[pv][0], defaults[pv]
            for owner, key, values in self._holders(pv, attr_names):
                for at, one in enumerate(values):
                    # Not kept aside: exact under the first tag, which gives its literal back.
                    value, lexical, tag = aside.get((owner, key, at)) or (
                        one,
                        iri_of(str(one)) if first == IRI_TAG else lexical_of(one),
                        first,
                    )
                    if differs(value, lexical, tag, default):
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
                values = values_at(data, name)
                if values:  # (every node has a list of aliases, most of them empty)
                    yield node_id(sk), name, values
        field = STATEMENT_FIELDS.get(prop) or fast_curie(prop)
        short = fast_curie(prop)
        for parts in self.statements.values():
            record = parts[0]
            if field in record:
                yield record["id"], field, values_at(record, field)
            if record.get("property") == short and "value" in record:
                yield record["id"], "value", values_at(record, "value")

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
                data["statements"] = sorted(here, key=statement_id) if len(here) > 1 else here
            if "ag:Source" in types:
                sources[node] = source_info(data, attr_names)
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
