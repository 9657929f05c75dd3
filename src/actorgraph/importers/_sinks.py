"""Where an import's N-Triples go: loaded in place while the rows are read, or into a file swapped in
afterwards."""

from __future__ import annotations

import hashlib
import queue
import threading
from typing import IO

import pyoxigraph as ox

from actorgraph.store._replace import drop_unfinished

# ----------------------------------------------------------------------------------------------------
# Where the N-Triples go


class Sink:
    """The import's N-Triples text, hashed as it is written and passed on in chunks of whole lines.

    Every ``write`` ends with a line feed, so a chunk never splits a triple. The SHA-256 is over the
    same UTF-8 bytes a file of the whole text would hold (the commit marker of the graph).
    """

    #: The first chunk is small, so that loading starts as soon as the first rows are mapped.
    FIRST_CHUNK_LINES = 10_000

    def __init__(self, chunk_lines: int, *, first_lines: int | None = None) -> None:
        self.chunk_lines = chunk_lines
        self.hash = hashlib.sha256()
        self._parts: list[str] = []
        self._lines = 0
        #: Lines (triples) written in all, across chunks.
        self.total_lines = 0
        self._limit = min(chunk_lines, first_lines or self.FIRST_CHUNK_LINES)
        # With first_lines given, chunks double in size from it up to chunk_lines (a ramp).
        self._ramp = first_lines is not None

    def write(self, text: str, lines: int | None = None) -> None:
        """Add whole lines of N-Triples (``text`` ends with a line feed; ``lines`` counts them)."""
        self._parts.append(text)
        n = text.count("\n") if lines is None else lines
        self._lines += n
        self.total_lines += n
        if self._lines >= self._limit:
            self._limit = min(self.chunk_lines, 2 * self._limit) if self._ramp else self.chunk_lines
            self.flush()

    def flush(self) -> None:
        """Pass on what was written since the last chunk."""
        if not self._parts:
            return
        text = "".join(self._parts)
        self._parts = []
        self._lines = 0
        data = text.encode("utf-8")
        del text  # one copy of the chunk at a time
        self.hash.update(data)
        self._emit(data)

    def _emit(self, data: bytes) -> None:
        raise NotImplementedError

    @property
    def digest(self) -> str:
        """The SHA-256 (hex) of everything written so far (after :meth:`flush`)."""
        return self.hash.hexdigest()


class FileSink(Sink):
    """Writes the N-Triples to a file, for a graph that replace_graph swaps in afterwards."""

    def __init__(self, handle: IO[bytes], chunk_lines: int) -> None:
        super().__init__(chunk_lines)
        self.handle = handle

    def _emit(self, data: bytes) -> None:
        self.handle.write(data)


class StoreSink(Sink):
    """Loads each chunk into the graph on a second thread while the rows are still being read.

    Oxigraph's loaders release the GIL, so mapping rows (Python) and loading triples (Rust)
    overlap. The loader holds at most ``depth`` chunks (one loading, the others queued): the writer
    waits to hand over another until the loader is done with one, so memory is bounded whatever the
    size of the file (``depth=1``, on disk: one chunk loading, one being written). An error in the
    loader is raised in the importing thread at the next chunk or at :meth:`finish`.
    """

    def __init__(
        self,
        store: ox.Store,
        node: ox.NamedNode,
        chunk_lines: int,
        *,
        in_memory: bool = False,
        depth: int = 1,
        first_lines: int | None = None,
    ) -> None:
        super().__init__(chunk_lines, first_lines=first_lines)
        self.store = store
        self.node = node
        self.in_memory = in_memory
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._slots = threading.Semaphore(depth)
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="actorgraph-bulk-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            try:
                if self._stop or self._error is not None:
                    pass
                elif self.in_memory:
                    self.store.load(
                        data, format=ox.RdfFormat.N_TRIPLES, to_graph=self.node, lenient=True
                    )
                else:
                    self.store.bulk_load(
                        data, format=ox.RdfFormat.N_TRIPLES, to_graph=self.node, lenient=True
                    )
            except BaseException as exc:  # raised again in the importing thread
                self._error = exc
            finally:
                del data
                self._slots.release()

    def _emit(self, data: bytes) -> None:
        self._slots.acquire()
        try:
            self._raise()
        except BaseException:
            self._slots.release()
            raise
        self._queue.put(data)

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            self._stop = True
            raise error

    def finish(self) -> None:
        """Load what is left and wait for the loader; raise its error, if any."""
        self.flush()
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def abort(self) -> None:
        """Stop loading (the chunk in progress ends) and wait for the loader thread."""
        self._stop = True
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()


def drop_incomplete_imports(store: ox.Store) -> list[str]:
    """Drop the graphs a killed import left half-written (staging graphs, graphs marked as
    loading: :func:`actorgraph.store._replace.drop_unfinished`); return their IRIs."""
    return drop_unfinished(store)
