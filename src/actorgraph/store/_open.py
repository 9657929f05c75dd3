"""Opening a knowledge graph: ``load()`` builds it in memory (the default), opens or creates it on disk
(``store=DIR``, one writer under a lock), or connects to a remote SPARQL endpoint (``store="https://..."``,
read-only)."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import RDFS

from actorgraph._derived import store_digest
from actorgraph._errors import StoreLockedError, UsageError
from actorgraph._resources import bundled_data_version, ontology_path
from actorgraph.curation._model import CuratedData
from actorgraph.curation._reader import read_curated
from actorgraph.store._graphs import (
    CURATED_GRAPH,
    DATA_VERSION,
    META_GRAPH,
    ONTOLOGY_GRAPH,
    bundled_data,
)
from actorgraph.store._graphs import (
    bundled_quads as cached_bundled_quads,
)
from actorgraph.store._knowledge_graph import KnowledgeGraph
from actorgraph.store._lock import lock_store, open_store_of, share, unlock_store
from actorgraph.store._replace import compact_store, drop_unfinished, unfinished_graphs
from actorgraph.store._undo import STORE_DIR, needs_restore, restore
from actorgraph.vocab._namespaces import AGG

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
        bundled, _ = bundled_data()
        user = [(Path(p), read_curated([Path(p)], context=bundled)) for p in data]
    if store is None:
        kg = KnowledgeGraph(ox.Store())
        kg.store.load(
            path=str(ontology_path()),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(str(ONTOLOGY_GRAPH)),
        )
        kg.store.bulk_extend(cached_bundled_quads())
    elif read_only:
        kg = _open_read_only(Path(store))
    else:
        kg = _open_on_disk(Path(store))
    for path, user_data in user:
        kg.add_curated(user_data, AGG[f"user/{path.stem}"])
    return kg


def _stored_data_version(store: ox.Store) -> list[str]:
    return [
        str(getattr(q.object, "value", ""))
        for q in store.quads_for_pattern(
            ox.NamedNode(str(DATA_VERSION)), None, None, ox.NamedNode(str(META_GRAPH))
        )
    ]


def _open_on_disk(path: Path, bundled_quads: Sequence[ox.Quad] | None = None) -> KnowledgeGraph:
    if path.exists() and not path.is_dir():
        raise UsageError(f"--store {path} is a file; give a directory (it is created if missing)")
    path.mkdir(parents=True, exist_ok=True)
    existing = open_store_of(path)
    if existing is not None:
        # Opened again in this process (a notebook cell run twice): share the open store.
        if existing.read_only:
            raise StoreLockedError(
                f"this process has the store {path} open read-only; close that knowledge graph "
                "(kg.close(), or open it with `with actorgraph.load(...) as kg:`) before opening "
                "it for writing"
            )
        return KnowledgeGraph(existing.store, path=path, lock=share(existing))
    lock = lock_store(path, shared=False)
    try:
        # A writer killed in this directory left its checkpoint: the store goes back to it.
        restore(path)
        store = ox.Store(str(path / STORE_DIR))
    except OSError as exc:
        unlock_store(lock)
        raise UsageError(f"cannot open the store {path}: {exc}") from None
    lock.store = store
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
    # Staging graphs and graphs marked as loading are only ever left by a process that was killed
    # while it wrote without a checkpoint (a bare pyoxigraph store given to an importer, an older
    # actorgraph): drop them (and their markers).
    drop_unfinished(store)
    version = bundled_data_version()
    if _stored_data_version(store) != [version]:
        with kg._checkpointed():
            _refresh_bundled(store, kg, bundled_quads, version)
        # As after an import: once the checkpoint is gone (its files would take their space
        # twice), the replaced graphs' quads and deletions are folded away. Once per new version
        # of the data, and when the store is created.
        compact_store(store)


def _refresh_bundled(
    store: ox.Store, kg: KnowledgeGraph, bundled_quads: Sequence[ox.Quad] | None, version: str
) -> None:
    """Replace the ontology and curated graphs and the data version with the package's."""
    meta = ox.NamedNode(str(META_GRAPH))
    onto = ox.Store()
    onto.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    g = ox.NamedNode(str(ONTOLOGY_GRAPH))
    kg._replace_with_quads(
        ONTOLOGY_GRAPH,
        [ox.Quad(q.subject, q.predicate, q.object, g) for q in onto],
    )
    # The bundled data is compiled only when it must be written: a reopen stays quick.
    kg._replace_with_quads(
        CURATED_GRAPH, bundled_quads if bundled_quads is not None else cached_bundled_quads()
    )
    store.update(f"DELETE WHERE {{ GRAPH <{meta.value}> {{ <{DATA_VERSION}> ?p ?o }} }}")
    store.add(
        ox.Quad(
            ox.NamedNode(str(DATA_VERSION)),
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
    """:func:`load` for a caller that only reads: an existing on-disk store is opened read-only
    (shared with other readers), after one open for writing if it must first be brought up to date
    (another version's data, a killed writer's checkpoint); anything else is loaded as :func:`load`
    does.

    The open for writing is closed before the store is read: a store read while open for writing
    would hold other readers off for as long as the caller reads, and its files change again when
    it closes, so that a result derived from it would be kept under a state already gone
    (``actorgraph._derived``)."""
    data = list(data)
    if store is not None and not data and not str(store).startswith(("http://", "https://")):
        path = Path(store)
        if (path / STORE_DIR).is_dir():
            try:
                return _open_read_only(path)
            except UsageError:  # outdated, or left by a killed writer
                load(store=path).close()
                with contextlib.suppress(UsageError, StoreLockedError):
                    return _open_read_only(path)
            except StoreLockedError:
                pass  # a writer has it: the write-open below says so
    return load(store=store, data=data)


def _open_read_only(path: Path) -> KnowledgeGraph:
    if not (path / STORE_DIR).is_dir() and not needs_restore(path):
        raise UsageError(
            f"there is no actorgraph store at {path}; create it first with load(store=DIR) "
            "(or `actorgraph import … --store DIR`)"
        )
    existing = open_store_of(path)
    if existing is not None:
        kg = KnowledgeGraph(existing.store, path=path, lock=share(existing))
        kg._read_only = True
        return kg
    lock = lock_store(path, shared=True)
    if needs_restore(path):
        unlock_store(lock)
        raise UsageError(
            f"the store {path} was being written by a process that was killed; open it once for "
            "writing (without read_only) to bring it back to its state before that write"
        )
    # A read-only store reads its files as they were when it was opened, even if another program
    # (an Oxigraph server, a pyoxigraph script) writes them meanwhile: results derived from it
    # are kept for that state alone (KnowledgeGraph.opened_state), known only if the files did
    # not change while it was opened.
    before = store_digest(path)
    try:
        store = ox.Store.read_only(str(path / STORE_DIR))
    except OSError as exc:
        unlock_store(lock)
        raise UsageError(f"cannot open the store {path}: {exc}") from None
    lock.store = store
    lock.opened_state = before if before and store_digest(path) == before else ""
    kg = KnowledgeGraph(store, path=path, lock=lock)
    kg._read_only = True
    problem = None
    if unfinished_graphs(store):
        problem = "holds graphs that a killed import left half-written"
    elif _stored_data_version(store) != [bundled_data_version()]:
        problem = "was written by another version of actorgraph or its data"
    if problem is not None:
        kg.close()
        raise UsageError(
            f"the store {path} {problem}; open it once for writing (without read_only) to bring it "
            "up to date"
        )
    return kg


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
