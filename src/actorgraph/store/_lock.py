"""One writer at a time: the lock an on-disk store is opened under, shared within a process.

Between processes, a lock file (``actorgraph.lock``, ``flock``): exclusive for a writer, shared for
readers; the operating system releases it when a process ends, so a lock is never stale. Within one
process, a store that is already open is shared, not locked against itself: a second
``load(store=DIR)`` of the same directory (a notebook cell run again) gets a knowledge graph over the
same open store, and the store is closed when the last of them is.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from actorgraph._errors import StoreLockedError

__all__ = ["OpenStore", "lock_store", "open_store_of", "share", "unlock_store"]


@dataclass
class OpenStore:
    """A store directory this process has open: its Oxigraph store, lock file and users."""

    path: Path
    handle: IO[str]
    read_only: bool
    store: Any = None
    users: int = 1
    #: For a read-only open: the digest of the store's files when it was opened ("" if they changed
    #: meanwhile; KnowledgeGraph.opened_state).
    opened_state: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_OPEN: dict[Path, OpenStore] = {}


def open_store_of(path: Path) -> OpenStore | None:
    """The store at ``path`` if this process has it open (a new user must call :func:`share`)."""
    return _OPEN.get(path.resolve())


def share(opened: OpenStore) -> OpenStore:
    """Count one more user of an open store."""
    opened.users += 1
    return opened


def lock_store(path: Path, *, shared: bool) -> OpenStore:
    """Take the store's lock file: exclusive for a writer, shared for readers.

    Raises
    ------
    StoreLockedError
        If another process holds it; the message says what to do.
    """
    if sys.platform == "win32":  # pragma: no cover - no flock; one process at a time by convention
        fcntl = None
    else:
        import fcntl  # noqa: PLC0415 - POSIX only; `import actorgraph` works on Windows too
    handle = (path / "actorgraph.lock").open("a+")
    if fcntl is not None:
        try:
            fcntl.flock(handle, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = _live_holder(handle.read().strip())
            handle.close()
            if shared:
                raise StoreLockedError(
                    f"the store {path} is open for writing by {holder}; wait for it to finish, "
                    "or open another store directory"
                ) from None
            raise StoreLockedError(
                f"the store {path} is open in {holder}; wait for it (and any readers) to finish, "
                "or open another store directory"
            ) from None
    if not shared:
        handle.seek(0)
        handle.truncate()
        handle.write(f"actorgraph pid {os.getpid()}\n")
        handle.flush()
    opened = OpenStore(path=path.resolve(), handle=handle, read_only=shared)
    _OPEN[opened.path] = opened
    return opened


def _live_holder(text: str) -> str:
    """Name the last writer only while that process still runs: a pid that has exited says nothing
    about who holds the lock now (readers do not write their pid)."""
    prefix = "actorgraph pid "
    if text.startswith(prefix) and text[len(prefix) :].isdigit():
        pid = int(text[len(prefix) :])
        if pid != os.getpid():
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return "another process"
            except PermissionError:
                pass
            return f"another process (actorgraph pid {pid})"
    return "another process"


def unlock_store(opened: OpenStore) -> bool:
    """Drop one user; on the last, release the lock. Return whether the store is now closed."""
    opened.users -= 1
    if opened.users > 0:
        return False
    if _OPEN.get(opened.path) is opened:
        del _OPEN[opened.path]
    opened.store = None  # RocksDB lets go of its own lock when the store object is freed
    if sys.platform != "win32":
        import fcntl  # noqa: PLC0415

        with contextlib.suppress(OSError):
            fcntl.flock(opened.handle, fcntl.LOCK_UN)
    opened.handle.close()
    return True
