"""The knowledge graph: an Oxigraph store holding the ontology, the curated data and imports.

``load()`` builds it in memory (the default), opens or creates it on disk (``store=DIR``), or connects to a
remote SPARQL endpoint (``store="https://…"``, read-only).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import itertools
import json
import mmap
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from actorgraph._curated import (
    CuratedData,
    bundled_files,
    compile_triples,
    read_curated,
)
from actorgraph._errors import EndpointError, QueryError, StoreLockedError, UsageError
from actorgraph._namespaces import AGG, PREFIXES, curie
from actorgraph._ontology import ontology_path
from actorgraph._query import (
    QueryResult,
    _check_param_names,
    bind_values,
    check_params,
    check_query,
    param_terms,
    run_local,
)
from actorgraph._resolve import NameIndex
from actorgraph._version import __version__

if TYPE_CHECKING:
    import networkx as nx

    from actorgraph._profile import Profile

__all__ = ["KnowledgeGraph", "load", "load_for_reading", "resolve"]

ONTOLOGY_GRAPH = AGG["ontology"]
CURATED_GRAPH = AGG["curated"]
META_GRAPH = AGG["meta"]
STAGING_PREFIX = str(AGG["staging/"])
_DATA_VERSION = AGG["meta/data-version"]
#: In ``agg:meta``: ``<graph> agg:meta/loading "pid"`` while a graph is bulk-loaded in place.
LOADING = ox.NamedNode(str(AGG["meta/loading"]))


def to_ox(term: URIRef | BNode | Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to pyoxigraph's."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _quads(triples: Iterable[tuple[Any, Any, Any]], graph: URIRef) -> list[ox.Quad]:
    g = ox.NamedNode(str(graph))
    return [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]  # type: ignore[arg-type]


@functools.cache
def _bundled_data_version() -> str:
    """A fingerprint of the package version, the ontology and the bundled curated files."""
    digest = hashlib.sha256(__version__.encode())
    for path in [ontology_path(), *bundled_files()]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def _bundled() -> tuple[CuratedData, tuple[ox.Quad, ...]]:
    data = read_curated()
    return data, tuple(_quads(compile_triples(data), CURATED_GRAPH))


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
            raise UsageError(
                f"this knowledge graph is the remote endpoint {self.endpoint}; "
                "only SPARQL queries are possible (kg.query)"
            )
        return self._store

    @property
    def is_remote(self) -> bool:
        """Whether queries go to a remote SPARQL endpoint."""
        return self._store is None

    def __len__(self) -> int:
        if self._store is None:
            result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
            return int(next(iter(result))[0])
        return len(self._store)

    def graphs(self) -> dict[str, int]:
        """Each named graph (CURIE) with its number of triples."""
        result = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        )
        return {curie(str(row[0])): int(row[1]) for row in result}

    def add_curated(self, data: CuratedData, graph: URIRef) -> None:
        """Compile checked curated data into a named graph, replacing what it held."""
        self._replace_with_quads(graph, _quads(compile_triples(data), graph))

    def replace_graph(self, graph: str | URIRef, source: str | os.PathLike[str] | bytes) -> None:
        """Replace one named graph atomically with N-Triples (a file path or bytes).

        A graph that is still empty is loaded in place under a loading marker; one that holds data
        is replaced through a staging graph and one SPARQL Update (a transaction) that drops the old
        graph and moves the new one into place. What a killed process leaves half-written is dropped
        when the store is next opened for writing. Triples go into ``graph``; a quad that names a
        graph of its own keeps it (Oxigraph's ``to_graph`` applies to triples only).
        """
        if self._read_only:
            raise UsageError(
                f"the store {self.path} was opened read-only; open it without read_only"
            )
        target = ox.NamedNode(str(graph))
        store = self.store
        if next(iter(store.quads_for_pattern(None, None, None, target)), None) is None:
            self._load_fresh_graph(target, source)
            return

        def fill(staging: ox.NamedNode) -> None:
            store.bulk_load(format=ox.RdfFormat.N_QUADS, to_graph=staging, **_input(source))

        self._swap_in(target, fill)

    def _swap_in(self, target: ox.NamedNode, fill: Callable[[ox.NamedNode], object]) -> None:
        """Fill a staging graph, then drop ``target`` and move the staging graph into place in one
        SPARQL Update (a transaction); on any failure the staging graph is dropped."""
        store = self.store
        staging = ox.NamedNode(f"{STAGING_PREFIX}{uuid.uuid4().hex}")
        try:
            fill(staging)
            store.update(
                f"DROP SILENT GRAPH <{target.value}> ; MOVE SILENT GRAPH <{staging.value}> TO <{target.value}>"
            )
        except BaseException:
            store.update(f"DROP SILENT GRAPH <{staging.value}>")
            raise
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
        marker in ``agg:meta`` that names the graph while it loads: if the process is killed, the next
        open drops the half-loaded graph (see :func:`_open_on_disk`), as it drops staging graphs.
        """
        store = self.store
        if self.path is None:
            if not _load_checked(store, source, target):
                # Not plain valid N-Triples (quads naming a graph, or an error to report): the
                # strict transactional load, which loads quads or raises the parser's own error.
                store.load(format=ox.RdfFormat.N_QUADS, to_graph=target, **_input(source))
            self._changed()
            return
        marker = ox.Quad(
            target, LOADING, ox.Literal(str(os.getpid())), ox.NamedNode(str(META_GRAPH))
        )
        store.add(marker)
        try:
            if isinstance(source, bytes):
                store.bulk_load(source, format=ox.RdfFormat.N_QUADS, to_graph=target)
            elif _has_blank_nodes(Path(source)):
                store.bulk_load(
                    path=os.fspath(source), format=ox.RdfFormat.N_QUADS, to_graph=target
                )
            else:
                for chunk in line_chunks(Path(source)):
                    store.bulk_load(chunk, format=ox.RdfFormat.N_QUADS, to_graph=target)
        except BaseException:
            store.update(f"DROP SILENT GRAPH <{target.value}>")
            store.remove(marker)
            raise
        store.remove(marker)
        self._changed()

    def _replace_with_quads(self, graph: URIRef, quads: Sequence[ox.Quad]) -> None:
        target = ox.NamedNode(str(graph))
        store = self.store
        if not quads:
            store.update(f"DROP SILENT GRAPH <{target.value}>")
            self._changed()
            return
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
            # RocksDB releases its own lock only when the store object is freed.
            self._store = None
            self.__dict__.pop("names", None)
        if self._lock is not None:
            _unlock(self._lock)
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
        if self._store is None:
            assert self.endpoint is not None
            return _query_endpoint(
                self.endpoint,
                sparql,
                params=params,
                timeout=timeout,
                allow_remote=allow_remote,
                limit=limit,
            )
        return run_local(
            self._store,
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
        return NameIndex((str(r[0]), str(r[1]), str(r[2]) == "true") for r in result)

    def resolve(self, name: str) -> str:
        """Return the CURIE of the entity a name means (label or alias, normalised).

        Raises
        ------
        UnknownNameError
            For an unknown or ambiguous name; the message lists close matches.
        """
        return self.names.resolve(name)

    def profile(self, name: str) -> Profile:
        """Everything the graph knows of one actor, each line with its sources (see
        :func:`actorgraph.profile`)."""
        from actorgraph._profile import profile  # noqa: PLC0415

        return profile(self, name)

    # -- views -------------------------------------------------------------------------------

    def to_networkx(self, view: str = "full", **filters: Any) -> nx.MultiDiGraph:
        """Project the graph to NetworkX (see :func:`actorgraph.to_networkx` for views and filters)."""
        from actorgraph._network import to_networkx  # noqa: PLC0415 - keeps import light

        graph: nx.MultiDiGraph = to_networkx(self, view=view, **filters)
        return graph

    def render_html(
        self, path: str | os.PathLike[str] | None = None, *, view: str = "actors", **options: Any
    ) -> str:
        """Write the interactive page of a view of the graph (see :func:`actorgraph.render_html`)."""
        from actorgraph._render import render_html  # noqa: PLC0415

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
        wanted = None if graphs is None else {str(_expand_graph(g)) for g in graphs}
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
        from actorgraph._notebook import html_table  # noqa: PLC0415

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


#: Lines per call of the bulk loader on disk: it buffers what it is given, so a million-triple file
#: in four calls peaked at 290 MB instead of 890 MB, in the same time.
_CHUNK_LINES = 250_000


def _input(source: str | os.PathLike[str] | bytes) -> dict[str, Any]:
    """Oxigraph's keyword for a source of RDF: ``input`` for bytes, ``path`` for a file."""
    return {"input": source} if isinstance(source, bytes) else {"path": os.fspath(source)}


def _load_checked(
    store: ox.Store, source: str | os.PathLike[str] | bytes, target: ox.NamedNode
) -> bool:
    """Load N-Triples into the empty graph ``target`` of an in-memory store on two cores; return
    whether it loaded (``False``: nothing was written, the caller loads the strict way).

    Oxigraph's ``lenient`` load skips checking IRIs and language tags, which is a quarter of a
    load's time, so it runs on a thread of its own (it releases the GIL) while this thread parses
    the same input strictly and keeps nothing. Only when the strict parse finds no error is the
    lenient load kept; otherwise the triples it wrote, all in ``target`` (N-Triples name no
    graph), are dropped, and ``target`` is empty again as it was. A file that is not plain
    N-Triples (a quad naming its own graph) fails both parsers and returns ``False`` with
    nothing written: a transactional load writes nothing when it fails.
    """
    where = _input(source)
    failed: list[BaseException] = []

    def load() -> None:
        try:
            store.load(format=ox.RdfFormat.N_TRIPLES, to_graph=target, lenient=True, **where)
        except BaseException as error:  # reported through ``failed``
            failed.append(error)

    loader = threading.Thread(target=load, name="actorgraph-load", daemon=True)
    loader.start()
    valid = False
    try:
        for _ in ox.parse(format=ox.RdfFormat.N_TRIPLES, **where):
            pass
        valid = True
    except Exception:  # the strict load that follows reports it
        pass
    finally:
        # What the load writes must be undone after it ends, not left to land after the caller
        # has gone: wait for it even through Ctrl-C, undo, then raise the KeyboardInterrupt.
        interrupted = _join_through_interrupts(loader)
        if not failed and (not valid or interrupted):  # unchecked, or the caller gets an error
            store.update(f"DROP SILENT GRAPH <{target.value}>")
        if interrupted:
            raise KeyboardInterrupt
    return valid and not failed


def _join_through_interrupts(thread: threading.Thread) -> bool:
    """Wait for ``thread`` to end; return whether Ctrl-C was pressed meanwhile."""
    interrupted = False
    while thread.is_alive():
        try:
            thread.join()
        except KeyboardInterrupt:
            interrupted = True
    return interrupted


def _has_blank_nodes(path: Path) -> bool:
    """Whether an N-Quads/N-Triples file may hold blank nodes (``_:`` in a literal says yes too).

    Each call of Oxigraph's parser gives blank nodes fresh identities, so ``_:b`` in two chunks of
    one file would become two nodes: such a file is loaded whole.
    """
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"_:") != -1


def line_chunks(path: Path, lines: int = _CHUNK_LINES) -> Iterator[bytes]:
    """Yield an N-Quads/N-Triples file in chunks of whole lines (one statement per line)."""
    with path.open("rb") as file:
        while chunk := b"".join(itertools.islice(file, lines)):
            yield chunk


def _expand_graph(name: str) -> str:
    if name.startswith("agg:"):
        return str(AGG) + name[4:]
    return name


# --------------------------------------------------------------------------------------------
# Opening


def load(
    store: str | os.PathLike[str] | None = None,
    data: Iterable[str | os.PathLike[str]] = (),
    *,
    read_only: bool = False,
) -> KnowledgeGraph:
    """Load the knowledge graph.

    Parameters
    ----------
    store
        ``None`` (default): a fresh in-memory store with the ontology and the bundled data.
        A directory: an on-disk store, created and filled on first open and reused later (the curated
        data is replaced when the package's data changed); one process at a time.
        ``"http(s)://…"``: a remote SPARQL query endpoint, read-only.
    data
        Your own curated YAML files (docs/authoring.md), each layered into ``agg:user/<name>``.
    read_only
        Open an existing on-disk store for reading only. Any number of read-only opens may share the
        store (several notebooks, a server and a script); none can while a process has it open for
        writing, and a writer cannot while readers have it open.

    Raises
    ------
    DataError
        If a data file is malformed (file, line, field).
    StoreLockedError
        If another process has the on-disk store open (for writing; or, to write, for reading).
    UsageError
        If ``read_only`` is asked of anything but an existing, up-to-date on-disk store.

    Examples
    --------
    >>> import actorgraph
    >>> kg = actorgraph.load()
    >>> len(kg) > 0
    True
    """
    if store is not None and str(store).startswith(("http://", "https://")):
        if data:
            raise UsageError(
                "a remote endpoint is read-only: add your files to it with `actorgraph push`"
            )
        return KnowledgeGraph(None, endpoint=str(store))
    if read_only and store is None:
        raise UsageError("read_only=True needs an on-disk store: load(store=DIR, read_only=True)")
    if read_only and data:
        raise UsageError(
            "a store opened read-only cannot take data files; open it for writing to add them"
        )
    user: list[tuple[Path, CuratedData]] = []
    if data:
        bundled, _ = _bundled()
        user = [(Path(p), read_curated([Path(p)], context=bundled)) for p in data]
    if store is None:
        kg = KnowledgeGraph(ox.Store())
        kg.store.load(
            path=str(ontology_path()),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
        )
        kg.store.bulk_extend(_bundled()[1])
    elif read_only:
        kg = _open_read_only(Path(store))
    else:
        kg = _open_on_disk(Path(store))
    for path, user_data in user:
        kg.add_curated(user_data, AGG[f"user/{path.stem}"])
    return kg


def _lock(path: Path, *, shared: bool) -> Any:
    """Take the store's lock file: exclusive for a writer, shared for readers."""
    lock = (path / "actorgraph.lock").open("a+")
    try:
        fcntl.flock(lock, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except OSError:
        lock.seek(0)
        holder = lock.read().strip() or "another process"
        lock.close()
        if shared:
            raise StoreLockedError(
                f"the store {path} is open for writing by {holder}; wait for it to finish"
            ) from None
        raise StoreLockedError(
            f"the store {path} is in use by another process (last writer: {holder}); wait for "
            "it to finish (readers too), or use another --store"
        ) from None
    return lock


def _unlock(lock: Any) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()


def _unfinished_graphs(store: ox.Store) -> list[str]:
    """Graphs a killed process left half-written: staging graphs and graphs marked as loading."""
    found = [
        g.value
        for g in store.named_graphs()
        if isinstance(g, ox.NamedNode) and g.value.startswith(STAGING_PREFIX)
    ]
    found += [
        q.subject.value
        for q in store.quads_for_pattern(None, LOADING, None, ox.NamedNode(str(META_GRAPH)))
        if isinstance(q.subject, ox.NamedNode)
    ]
    return found


def _stored_data_version(store: ox.Store) -> list[str]:
    return [
        str(getattr(q.object, "value", ""))
        for q in store.quads_for_pattern(
            ox.NamedNode(str(_DATA_VERSION)), None, None, ox.NamedNode(str(META_GRAPH))
        )
    ]


def _open_on_disk(path: Path, bundled_quads: Sequence[ox.Quad] | None = None) -> KnowledgeGraph:
    if path.exists() and not path.is_dir():
        raise UsageError(f"--store {path} is a file; give a directory (it is created if missing)")
    path.mkdir(parents=True, exist_ok=True)
    lock = _lock(path, shared=False)
    lock.seek(0)
    lock.truncate()
    lock.write(f"actorgraph pid {os.getpid()}\n")
    lock.flush()
    try:
        store = ox.Store(str(path / "oxigraph"))
    except OSError as exc:
        _unlock(lock)
        raise UsageError(f"cannot open the store {path}: {exc}") from None
    kg = KnowledgeGraph(store, path=path, lock=lock)
    try:
        _bring_up_to_date(store, kg, bundled_quads)
    except BaseException:
        kg.close()
        raise
    return kg


def _bring_up_to_date(
    store: ox.Store, kg: KnowledgeGraph, bundled_quads: Sequence[ox.Quad] | None
) -> None:
    # Staging graphs and graphs marked as loading are only ever left by an import that was
    # killed: drop them (and their markers).
    meta = ox.NamedNode(str(META_GRAPH))
    for graph in _unfinished_graphs(store):
        store.update(f"DROP SILENT GRAPH <{graph}>")
    for quad in list(store.quads_for_pattern(None, LOADING, None, meta)):
        store.remove(quad)
    version = _bundled_data_version()
    if _stored_data_version(store) != [version]:
        onto = ox.Store()
        onto.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
        g = ox.NamedNode(str(ONTOLOGY_GRAPH))
        kg._replace_with_quads(
            ONTOLOGY_GRAPH,
            [ox.Quad(q.subject, q.predicate, q.object, g) for q in onto],
        )
        # The bundled data is compiled only when it must be written: a reopen stays quick.
        kg._replace_with_quads(
            CURATED_GRAPH, bundled_quads if bundled_quads is not None else _bundled()[1]
        )
        store.update(f"DELETE WHERE {{ GRAPH <{meta.value}> {{ <{_DATA_VERSION}> ?p ?o }} }}")
        store.add(
            ox.Quad(
                ox.NamedNode(str(_DATA_VERSION)),
                ox.NamedNode(str(RDFS.comment)),
                ox.Literal(version),
                meta,
            )
        )
        store.flush()


def load_for_reading(
    store: str | os.PathLike[str] | None = None,
    data: Iterable[str | os.PathLike[str]] = (),
) -> KnowledgeGraph:
    """:func:`load` for a caller that only reads: an existing, up-to-date on-disk store is opened
    read-only (shared with other readers); anything else is loaded as :func:`load` does."""
    data = list(data)
    if store is not None and not data and not str(store).startswith(("http://", "https://")):
        path = Path(store)
        if (path / "oxigraph").is_dir():
            try:
                return _open_read_only(path)
            except UsageError:
                pass  # new or outdated: one open for writing brings it up to date
            except StoreLockedError:
                pass  # a writer has it: the write-open below says so
    return load(store=store, data=data)


def _open_read_only(path: Path) -> KnowledgeGraph:
    if not (path / "oxigraph").is_dir():
        raise UsageError(
            f"there is no actorgraph store at {path}; create it first with load(store=DIR) "
            "(or `actorgraph import … --store DIR`)"
        )
    lock = _lock(path, shared=True)
    try:
        store = ox.Store.read_only(str(path / "oxigraph"))
    except OSError as exc:
        _unlock(lock)
        raise UsageError(f"cannot open the store {path}: {exc}") from None
    kg = KnowledgeGraph(store, path=path, lock=lock)
    kg._read_only = True
    problem = None
    if _unfinished_graphs(store):
        problem = "holds graphs that a killed import left half-written"
    elif _stored_data_version(store) != [_bundled_data_version()]:
        problem = "was written by another version of actorgraph or its data"
    if problem is not None:
        kg.close()
        raise UsageError(
            f"the store {path} {problem}; open it once for writing (without read_only) to bring it "
            "up to date"
        )
    return kg


# --------------------------------------------------------------------------------------------
# Remote endpoints


def _query_endpoint(
    endpoint: str,
    sparql: str,
    *,
    params: Mapping[str, object] | None,
    timeout: float | None,
    allow_remote: bool,
    limit: int | None,
) -> QueryResult:
    check_query(sparql, allow_remote=allow_remote)
    if params:
        sparql = _bind_remote_params(sparql, params)
    # The prefixes go on the query's first line so that the server's line numbers stay true.
    declared = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    body = urllib.parse.urlencode({"query": f"{declared} {sparql}"}).encode()
    request = urllib.request.Request(
        endpoint,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            "User-Agent": f"actorgraph/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout or 60) as response:
            content_type = response.headers.get("Content-Type", "")
            payload = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        if exc.code == 400:
            raise QueryError(f"the endpoint refused the query: {detail}") from None
        raise EndpointError(f"{endpoint} answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise EndpointError(
            f"cannot reach {endpoint}: {exc}; check the URL and that the server runs"
        ) from None
    if "n-triples" in content_type:
        return QueryResult("CONSTRUCT", payload)
    doc = json.loads(payload)
    if "boolean" in doc:
        return QueryResult("ASK", payload)
    truncated = False
    if limit is not None and len(doc["results"]["bindings"]) > limit:
        doc["results"]["bindings"] = doc["results"]["bindings"][:limit]
        truncated = True
    return QueryResult("SELECT", json.dumps(doc).encode(), truncated=truncated)


def _bind_remote_params(sparql: str, params: Mapping[str, object]) -> str:
    """The query with ``params`` written into it as ``VALUES`` blocks, for a remote endpoint.

    Values are read as locally (:func:`actorgraph._query.parse_param`) and placed as for a local
    query's parameters that Oxigraph cannot substitute (:func:`actorgraph._query.bind_values`), so
    a ``FILTER`` or ``BIND`` anywhere in the pattern sees them and a value can only be one term.
    """
    check_params(sparql, params)
    terms = param_terms(params)
    _check_param_names(sparql, [variable.value for variable in terms])
    return bind_values(sparql, terms)[0]


@functools.cache
def _default() -> KnowledgeGraph:
    return load()


def resolve(name: str, graph: KnowledgeGraph | None = None) -> str:
    """Return the CURIE of the entity a name means, in ``graph`` (default: the bundled data).

    Names are compared after folding case, diacritics, dashes and hyphens, Tehrik/Tehreek, -e-/-i- and
    parenthesised acronyms.

    Raises
    ------
    UnknownNameError
        For an unknown or ambiguous name; the message lists close matches.

    Examples
    --------
    >>> import actorgraph
    >>> actorgraph.resolve("Tehreek-e-Taliban Pakistan")
    'agd:ttp'
    """
    return (graph or _default()).resolve(name)
