"""One writer at a time: the exclusive lock an on-disk store is opened for writing under."""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path
from typing import Any

from actorgraph._errors import StoreLockedError


def lock_store(path: Path, *, shared: bool) -> Any:
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


def unlock_store(lock: Any) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(lock, fcntl.LOCK_UN)
    lock.close()
