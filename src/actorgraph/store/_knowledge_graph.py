"""The knowledge graph: an Oxigraph store holding the ontology, the curated data and imports."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

from actorgraph._errors import UsageError
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData
from actorgraph.sparql._results import QueryResult
from actorgraph.sparql._runner import run_local
from actorgraph.vocab._name_index import NameIndex
from actorgraph.vocab._names import key_pattern
from actorgraph.vocab._namespaces import PREFIXES, curie, expand

if TYPE_CHECKING:
    import networkx as nx

    from actorgraph.page._profile import Profile
from actorgraph.store._graphs import META_GRAPH, STAGING_PREFIX, expand_graph, to_quads
from actorgraph.store._loading import has_blank_nodes, line_chunks, load_checked, rdf_input
from actorgraph.store._lock import unlock_store
from actorgraph.store._replace import LoadingInPlace, compact_store, swap_in
from actorgraph.store._undo import checkpointed


class KnowledgeGraph:
    """The knowledge graph: ask it with SPARQL, project it to NetworkX, draw it as a page.

    Make one with :func:`actorgraph.load`.

    Examples
    --------
    >>> import actorgraph
    >>> kg = actorgraph.load()
    >>> kg.resolve("ISKP")
    'agd:iskp'
    """

    #: Whether the on-disk store was opened with ``read_only=True``.
    _read_only = False

    def __init__(
        self,
        store: ox.Store | None,
        *,
        endpoint: str | None = None,
        path: Path | None = None,
        lock: Any = None,
    ) -> None:
        self._store = store
        self.endpoint = endpoint
        self.path = path
        self._lock = lock

    # -- the store ---------------------------------------------------------------------------

    @property
    def store(self) -> ox.Store:
        """The Oxigraph store (not available for a remote endpoint)."""
        if self._store is None:
            if not self.is_remote:
                raise UsageError(f"the store {self.path} was closed; load it again")
            raise UsageError(
                f"this knowledge graph is the remote endpoint {self.endpoint}; "
                "only SPARQL queries are possible (kg.query)"
            )
        return self._store

    @property
    def opened_state(self) -> str | None:
        """The state of the files a store opened read-only reads: a digest of them as they were
        when it was opened (``""`` if they changed while it was opened); ``None`` for a store
        opened for writing (it reads its files as they stand), in memory, or an endpoint.

        Another program may write the files meanwhile (an Oxigraph server, a pyoxigraph script)
        and the store does not see it: results kept for the store (``actorgraph._derived``) are
        read back or kept by this knowledge graph only while its files are in this state.
        """
        if not self._read_only or self._lock is None:
            return None
        state: str | None = self._lock.opened_state
        return state

    @property
    def is_remote(self) -> bool:
        """Whether queries go to a remote SPARQL endpoint (a closed local store is not remote)."""
        return self.endpoint is not None

    def __len__(self) -> int:
        if self.is_remote:
            result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            return int(next(iter(result))[0])
        return len(self.store)

    def graphs(self) -> dict[str, int]:
        """Each named graph (CURIE) with its number of triples."""
        result = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {curie(str(row[0])): int(row[1]) for row in result}

    def add_curated(self, data: CuratedData, graph: URIRef) -> None:
        """Compile checked curated data into a named graph, replacing what it held."""
        self._replace_with_quads(graph, to_quads(compile_triples(data), graph))

    def replace_graph(self, graph: str | URIRef, source: str | os.PathLike[str] | bytes) -> None:
        """Replace one named graph atomically with N-Triples (a file path or bytes).

        A graph that is still empty is loaded in place under a loading marker; one that holds data
        is replaced through a staging graph and one SPARQL Update (a transaction) that drops the old
        graph and moves the new one into place. On disk, a checkpoint of the store is taken first:
        if the process is killed meanwhile, the next open for writing puts the checkpoint back.
        Triples go into ``graph``; a quad that names a graph of its own keeps it (Oxigraph's
        ``to_graph`` applies to triples only).
        """
        self._require_writable()
        target = ox.NamedNode(str(graph))
        store = self.store
        with self._checkpointed():
            if next(iter(store.quads_for_pattern(None, None, None, target)), None) is None:
                self._load_fresh_graph(target, source)
                return

            def fill(staging: ox.NamedNode) -> None:
                store.bulk_load(format=ox.RdfFormat.N_QUADS, to_graph=staging, **rdf_input(source))

            self._swap_in(target, fill)

    def compact(self) -> None:
        """Compact an on-disk store (Oxigraph's ``optimize``): the files that imports and graph
        replacements added beside each other are merged, so that reads look in fewer of them.

        An import compacts by itself when it is a large share of the store; after several
        imported with ``compact=False`` (``actorgraph import --no-compact``), call this once.
        An in-memory store has nothing to compact; a remote endpoint is not this library's to
        compact (UsageError).
        """
        store = self.store
        self._require_writable()
        if self.path is not None:
            compact_store(store)

    def _require_writable(self) -> None:
        if self._read_only:
            raise UsageError(
                f"the store {self.path} was opened read-only; open it without read_only"
            )

    def _checkpointed(self) -> AbstractContextManager[None]:
        """A checkpoint of the on-disk store around a write (:mod:`actorgraph.store._undo`);
        nothing for a store in memory."""
        return checkpointed(self.store, self._lock if self.path is not None else None)

    def _swap_in(self, target: ox.NamedNode, fill: Callable[[ox.NamedNode], object]) -> None:
        swap_in(self.store, target, fill)
        self._changed()

    def _load_fresh_graph(
        self, target: ox.NamedNode, source: str | os.PathLike[str] | bytes
    ) -> None:
        """Bulk-load straight into an empty graph, under a marker that says it is incomplete.

        Moving a staging graph into place copies every quad again (as long as the load itself at a
        million triples), and there is nothing to keep when the graph is empty. In memory, Oxigraph's
        transactional ``load`` costs the same time as its bulk loader and about two thirds of its
        peak memory, and a failure writes nothing. On disk, the transactional load is several times
        slower, so the bulk loader runs (a file in chunks of lines when it has no blank nodes) under a
        marker in ``agg:meta`` that names the graph while it loads (the caller has taken a checkpoint,
        which the next open puts back if the process is killed).
        """
        store = self.store
        if self.path is None:
            if not load_checked(store, source, target):
                # Not plain valid N-Triples (quads naming a graph, or an error to report): the
                # strict transactional load, which loads quads or raises the parser's own error.
                store.load(format=ox.RdfFormat.N_QUADS, to_graph=target, **rdf_input(source))
            self._changed()
            return
        with LoadingInPlace(store, target) as loading:
            if isinstance(source, bytes):
                store.bulk_load(source, format=ox.RdfFormat.N_QUADS, to_graph=target)
            elif has_blank_nodes(Path(source)):
                store.bulk_load(
                    path=os.fspath(source), format=ox.RdfFormat.N_QUADS, to_graph=target
                )
            else:
                for chunk in line_chunks(Path(source)):
                    store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, to_graph=target)
            loading.commit()
        self._changed()

    def _replace_with_quads(self, graph: URIRef, quads: Sequence[ox.Quad]) -> None:
        target = ox.NamedNode(str(graph))
        store = self.store
        if not quads:
            store.update(f"DROP SILENT GRAPH <{target.value}>")
            self._changed()
            return
        with self._checkpointed():
            self._swap_in(
                target,
                lambda staging: store.bulk_extend(
                    ox.Quad(q.subject, q.predicate, q.object, staging) for q in quads
                ),
            )

    def _changed(self) -> None:
        self.__dict__.pop("names", None)

    def close(self) -> None:
        """Flush an on-disk store and release its lock (closing twice does nothing)."""
        if self._store is not None and self.path is not None:
            if not self._read_only:
                self._store.flush()
            # RocksDB releases its own lock only when the last reference to the store is freed
            # (the lock's, dropped with its last user).
            self._store = None
            self.__dict__.pop("names", None)
        if self._lock is not None:
            unlock_store(self._lock)
            self._lock = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- querying ----------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        params: Mapping[str, object] | None = None,
        timeout: float | None = None,
        *,
        allow_remote: bool = False,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SPARQL 1.1 query over the union of all graphs.

        Parameters
        ----------
        sparql
            The query. The prefixes ``ag:``, ``agd:``, ``ags:``, ``agst:``, ``agg:`` and the standard
            ones (``rdf``, ``rdfs``, ``skos``, ``prov``, ``dcterms``, ``schema``, …) are predeclared.
        params
            Values bound to variables before evaluation: ``{"group": "agd:ttp"}``. A CURIE or
            ``<IRI>`` is an IRI, ``YYYY-MM-DD`` a date, digits an integer, other text a string; rdflib
            terms are taken as they are.
        timeout
            Seconds after which the query is stopped (it runs in a worker process that is killed).
        allow_remote
            Allow ``SERVICE`` and ``FROM`` of graphs outside the store; refused by default.
        limit
            Keep at most this many rows (``result.truncated`` says whether more were cut).

        Raises
        ------
        QueryError
            For a malformed or refused query, with the line and column of the problem.
        QueryTimeout
            When the query ran past ``timeout``.

        Examples
        --------
        >>> import actorgraph
        >>> kg = actorgraph.load()
        >>> rows = kg.query('''
        ...     SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }
        ... ''')
        >>> ("agd:bajaur-rally-bombing-2023", "agd:iskp") in {
        ...     (curie(str(r.attack)), curie(str(r.group))) for r in rows}
        True
        """
        if self.endpoint is not None:
            from actorgraph.store._remote import query_endpoint  # noqa: PLC0415 - httpx, on first use

            return query_endpoint(
                self.endpoint,
                sparql,
                params=params,
                timeout=timeout,
                allow_remote=allow_remote,
                limit=limit,
            )
        return run_local(
            self.store,
            sparql,
            params=params,
            timeout=timeout,
            allow_remote=allow_remote,
            limit=limit,
        )

    # -- names -------------------------------------------------------------------------------

    @functools.cached_property
    def names(self) -> NameIndex:
        """The index of every entity's label and aliases (see :func:`resolve`)."""
        result = self.query(
            f"""SELECT ?e ?name ?isLabel WHERE {{
                {{ ?e <{RDFS.label}> ?name BIND(true AS ?isLabel) }}
                UNION {{ ?e <{SKOS.altLabel}> ?name BIND(false AS ?isLabel) }}
                FILTER(isIRI(?e) && !STRSTARTS(STR(?e), "{PREFIXES["ag"]}"))
            }}"""
        )

        # Suggestions for a mistyped name list armed groups first, then other actors, then places
        # (asked for only when a name resolves to nothing).
        def ranks() -> dict[str, int]:
            ag = PREFIXES["ag"]
            ranked = self.query(
                f"""SELECT ?e (MIN(?r) AS ?rank) WHERE {{
                    {{ ?e a <{ag}ArmedGroup> BIND(0 AS ?r) }}
                    UNION {{ ?e a/<{RDFS.subClassOf}>* <{ag}Actor> BIND(1 AS ?r) }}
                    UNION {{ ?e a <{ag}Place> BIND(2 AS ?r) }}
                }} GROUP BY ?e"""
            )
            return {curie(str(r[0])): int(r[1]) for r in ranked}

        return NameIndex(((str(r[0]), str(r[1]), str(r[2]) == "true") for r in result), ranks)

    def resolve(self, name: str) -> str:
        """Return the CURIE of the entity a name means (label or alias, normalised).

        Raises
        ------
        UnknownNameError
            For an unknown or ambiguous name; the message lists close matches.
        """
        if "names" not in self.__dict__ and self._store is not None:
            # The index of every name reads every label: on an imported store, 100,000 events'.
            # The labels that may share a key with the name are enough to find the one entity
            # it means; for none or several, the whole index says so (and suggests names).
            found = self._names_like(name).lookup(name)
            if len(found) == 1:
                return next(iter(found))
        return self.names.resolve(name)

    def _names_like(self, name: str) -> NameIndex:
        """The index of the labels and aliases that may share a key with ``name`` (or belong to
        the entity it is the id of): every entity :meth:`names` would find for it is there.

        A label passes when it matches :func:`~actorgraph.vocab._names.key_pattern` (which lets
        through any label it cannot judge without normalising it), or is no literal: one regular
        expression, as Oxigraph reads a label's text again for each function given it. The former
        test, that a label contains the key's longest word, let through every event whose label
        names a group: 400,173 labels for "TTP" on a 400,000-row UCDP store (13 s of CPU)."""
        pattern = key_pattern(name)
        tests = [f'REGEX(?name, "{pattern}", "i")'] if pattern is not None else []
        try:
            iri = name if "://" in name else str(expand(name))
        except ValueError:
            iri = ""
        if iri and not set('<>"{}|^`\\ ') & set(iri):
            tests.append(f"sameTerm(?e, <{iri}>)")
        if not tests:
            return NameIndex([])
        result = self.query(
            f"""SELECT ?e ?name ?isLabel WHERE {{
                {{ ?e <{RDFS.label}> ?name BIND(true AS ?isLabel) }}
                UNION {{ ?e <{SKOS.altLabel}> ?name BIND(false AS ?isLabel) }}
                FILTER(!isLiteral(?name) || {" || ".join(tests)})
            }}"""
        )
        # The ontology's terms and blank nodes are left out here, of the few labels that pass:
        # as a FILTER, Oxigraph tested every label's subject first (0.36 s of CPU of 0.61 s at
        # 100,000 imported rows).
        ontology = PREFIXES["ag"]
        return NameIndex(
            (str(r[0]), str(r[1]), str(r[2]) == "true")
            for r in result
            if isinstance(r[0], URIRef) and not str(r[0]).startswith(ontology)
        )

    def profile(self, name: str) -> Profile:
        """Everything the graph knows of one actor, each line with its sources (see
        :func:`actorgraph.profile`)."""
        from actorgraph.page._profile import profile  # noqa: PLC0415

        return profile(self, name)

    # -- views -------------------------------------------------------------------------------

    def to_networkx(self, view: str = "full", **filters: Any) -> nx.MultiDiGraph:
        """Project the graph to NetworkX (see :func:`actorgraph.to_networkx` for views and filters)."""
        from actorgraph.network._to_networkx import to_networkx  # noqa: PLC0415 - keeps import light

        graph: nx.MultiDiGraph = to_networkx(self, view=view, **filters)
        return graph

    def render_html(
        self, path: str | os.PathLike[str] | None = None, *, view: str = "actors", **options: Any
    ) -> str:
        """Write the interactive page of a view of the graph (see :func:`actorgraph.render_html`)."""
        from actorgraph.page._render import render_html  # noqa: PLC0415

        filter_names = {"as_of", "between", "types", "relations", "focus", "hops"}
        filters = {k: options.pop(k) for k in list(options) if k in filter_names}
        html: str = render_html(self.to_networkx(view=view, **filters), path, **options)
        return html

    def serialize(self, format: str = "trig", *, graphs: Sequence[str] | None = None) -> bytes:
        """Write the store (or some of its graphs) as RDF: ``turtle``, ``nt``, ``jsonld`` (triples,
        graphs merged) or ``trig``, ``nq`` (quads, graphs kept)."""
        formats = {
            "turtle": ox.RdfFormat.TURTLE,
            "nt": ox.RdfFormat.N_TRIPLES,
            "jsonld": ox.RdfFormat.JSON_LD,
            "trig": ox.RdfFormat.TRIG,
            "nq": ox.RdfFormat.N_QUADS,
        }
        if format not in formats:
            raise UsageError(f"unknown RDF format {format!r}; expected one of {', '.join(formats)}")
        store = self.store
        wanted = None if graphs is None else {str(expand_graph(g)) for g in graphs}
        quads = [
            q
            for q in store.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
            and not q.graph_name.value.startswith(STAGING_PREFIX)
            and q.graph_name.value != str(META_GRAPH)
            and (wanted is None or q.graph_name.value in wanted)
        ]
        prefixes = dict(PREFIXES)
        if format in {"trig", "nq"}:
            return ox.serialize(quads, format=formats[format], prefixes=prefixes) or b""
        triples = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
        if format == "nt":
            return ox.serialize(triples, format=formats[format]) or b""
        return ox.serialize(triples, format=formats[format], prefixes=prefixes) or b""

    def _repr_html_(self) -> str:
        """A summary for Jupyter: where the graph lives, its graphs, entities by type."""
        from actorgraph.sparql._html import html_table  # noqa: PLC0415

        graphs = html_table(["graph", "triples"], self.graphs().items(), caption=repr(self))
        types = self.query(
            """SELECT ?type (COUNT(DISTINCT ?e) AS ?n) WHERE {
                 GRAPH ?g { ?e a ?type } FILTER(?g != agg:ontology && ?type != rdf:Statement)
               } GROUP BY ?type ORDER BY DESC(?n) ?type"""
        )
        entities = html_table(
            ["type", "entities"], ((curie(str(r[0])), int(r[1])) for r in types), caption="entities"
        )
        return graphs + entities

    def __repr__(self) -> str:
        where = self.endpoint or (str(self.path) if self.path else "memory")
        return f"<KnowledgeGraph {where}>"
