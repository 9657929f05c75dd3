"""Undoing a killed writer: a checkpoint of the on-disk store, taken before a write that Oxigraph cannot
undo, and put back in place when the store is next opened for writing.

Oxigraph's bulk loader is not a transaction, and taking back what it wrote costs as much as writing
it: dropping the graph a 100,000-row import left when it was killed took 196 s to reopen (in chunks,
each flushed; one ``DROP`` took 1,416 s and 2,256 MiB). A RocksDB checkpoint (``Store.backup``)
costs what the store's files number, not what they hold: it flushes the memory table, hard-links
the immutable SST files and copies the small manifest and options files. So before a store opened
with ``load(store=DIR)`` is written, its state is checkpointed to ``DIR/oxigraph.undo``
(:func:`checkpointed`); a write that ends (done, or failed and cleaned up in the process) discards
it; a process killed meanwhile leaves it, and the next open for writing swaps it back in place of
``DIR/oxigraph`` (:func:`restore`): two renames and a deletion of files, whatever the killed process
wrote.

Each state a kill can leave comes back as the old store or the new one, never a mix:

- ``oxigraph.partial`` (killed while the checkpoint was taken; the store was not written yet):
  deleted;
- ``oxigraph`` and ``oxigraph.undo`` (killed while writing, or before the checkpoint was
  discarded): ``oxigraph`` is renamed ``oxigraph.discard``, ``oxigraph.undo`` renamed ``oxigraph``:
  the old state;
- ``oxigraph.discard`` and ``oxigraph.undo`` (killed between those two renames): the second rename
  is done: the old state;
- ``oxigraph`` and ``oxigraph.discard`` (killed while a discarded store or checkpoint was deleted):
  deleted, ``oxigraph`` is whole (old or new).

``oxigraph.undo`` only ever appears whole: the checkpoint is written inside ``oxigraph.partial`` and
renamed into place once RocksDB has finished it, and it is renamed away before it is deleted.

Only a writer touches these directories, under the store's exclusive lock, and it restores before
RocksDB opens the store: no other process has the store open then (readers take the lock shared,
and a read-only open refuses a store that holds a checkpoint, :func:`needs_restore`).

Disk: the checkpoint shares the store's files; what the store rewrites while it exists (compacted
files the checkpoint still links) takes space twice, until the write ends. On a file system without
hard links RocksDB copies the files, which costs the store's size.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from actorgraph.store._lock import OpenStore

__all__ = ["STORE_DIR", "checkpointed", "needs_restore", "restore"]

#: The Oxigraph (RocksDB) store inside a store directory.
STORE_DIR = "oxigraph"
#: The checkpoint of the store while a write is under way: the state to go back to.
UNDO_DIR = "oxigraph.undo"
#: Where the checkpoint is written before it is renamed :data:`UNDO_DIR`.
PARTIAL_DIR = "oxigraph.partial"
#: A store or checkpoint on its way out: renamed first, then deleted.
DISCARD_DIR = "oxigraph.discard"

_ACTIVE = "checkpoint"


def needs_restore(path: Path) -> bool:
    """Whether a writer was killed in the store directory ``path`` with its checkpoint in place."""
    return (path / UNDO_DIR).is_dir()


def restore(path: Path) -> bool:
    """Put back the checkpoint a killed writer left in ``path`` and delete the leftovers; return
    whether a checkpoint was put back. Call it under the exclusive lock, before the store is opened.
    """
    restored = needs_restore(path)
    if restored:
        live = path / STORE_DIR
        if live.exists():
            _delete(path / DISCARD_DIR)
            live.rename(path / DISCARD_DIR)
        (path / UNDO_DIR).rename(live)
        _sync_directory(path)
    _delete(path / DISCARD_DIR)
    _delete(path / PARTIAL_DIR)
    return restored


@contextlib.contextmanager
def checkpointed(store: ox.Store, opened: OpenStore | None) -> Iterator[None]:
    """Write into ``store`` with a checkpoint of it in place, so that a kill meanwhile is undone.

    ``opened`` is the store directory this process holds for writing (``None``: an in-memory store,
    nothing to do). A checkpoint already in place (a write inside another) covers the inner one.
    When the block ends, with or without an error, the checkpoint is discarded: an error inside is
    cleaned up by the code that raised it, as in memory.
    """
    if opened is None or opened.read_only or opened.extra.get(_ACTIVE):
        yield
        return
    path = opened.path
    partial = path / PARTIAL_DIR
    _delete(partial)
    partial.mkdir()
    # Inside a directory of its own, so that whatever RocksDB writes on the way is deleted with it.
    store.backup(str(partial / STORE_DIR))
    (partial / STORE_DIR).rename(path / UNDO_DIR)
    partial.rmdir()
    _sync_directory(path)
    opened.extra[_ACTIVE] = True
    try:
        yield
    finally:
        del opened.extra[_ACTIVE]
        _delete(path / DISCARD_DIR)
        (path / UNDO_DIR).rename(path / DISCARD_DIR)
        _sync_directory(path)
        _delete(path / DISCARD_DIR)


def _delete(directory: Path) -> None:
    if directory.exists():
        shutil.rmtree(directory)


def _sync_directory(path: Path) -> None:
    """Make the renames in ``path`` durable (a power cut, not a kill, could otherwise undo them)."""
    if sys.platform == "win32":  # pragma: no cover - directories cannot be opened for fsync there
        return
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
