"""Loading RDF into the store: a lenient load checked by a strict parse, and files read in chunks of
lines."""

from __future__ import annotations

import itertools
import mmap
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

if TYPE_CHECKING:
    pass


#: Lines per call of the bulk loader on disk: it buffers what it is given, so a million-triple file
#: in four calls peaked at 290 MB instead of 890 MB, in the same time.
#: Lines per chunk when an on-disk store bulk-loads a file without blank nodes.
CHUNK_LINES = 250_000


def rdf_input(source: str | os.PathLike[str] | bytes) -> dict[str, Any]:
    """Oxigraph's keyword for a source of RDF: ``input`` for bytes, ``path`` for a file."""
    return {"input": source} if isinstance(source, bytes) else {"path": os.fspath(source)}


def load_checked(
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
    where = rdf_input(source)
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


def has_blank_nodes(path: Path) -> bool:
    """Whether an N-Quads/N-Triples file may hold blank nodes (``_:`` in a literal says yes too).

    Each call of Oxigraph's parser gives blank nodes fresh identities, so ``_:b`` in two chunks of
    one file would become two nodes: such a file is loaded whole.
    """
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b"_:") != -1


def line_chunks(path: Path, lines: int | None = None) -> Iterator[bytes]:
    """Yield an N-Quads/N-Triples file in chunks of whole lines (one statement per line), of
    :data:`CHUNK_LINES` lines unless told."""
    lines = lines or CHUNK_LINES
    with path.open("rb") as file:
        while chunk := b"".join(itertools.islice(file, lines)):
            yield chunk
