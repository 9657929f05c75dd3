"""Results derived from an on-disk store, kept until the store changes.

The actors view of a store holding 100,000 imported events takes seconds to derive (it reads every
event that ties two actors); the same view read back from a file takes a fifth of a second. So the
results that read much of a store to tell little (the actors view, an actor's profile, a page, a
query's answer) are kept in the user's cache folder (:func:`cache_folder`: ``$ACTORGRAPH_CACHE``,
else ``$XDG_CACHE_HOME/actorgraph``, else ``~/.cache/actorgraph``), under ``derived/`` and a folder
for each store (by its absolute path), one file each (a line of JSON that names the question, then
the result: JSON, or bytes as they are, such as a page), and a later call with the same arguments
on the same store reads the file instead of the store (:func:`kept`).

**Not in the store's folder**, although that would travel with it: a store is a thing people share
(a copied folder, a network drive), and a page or an answer read back is not escaped again, so a
shared folder could carry a page with a script of its sender's in it. The user's own cache is
trusted as the compiled bundled data beside it is; a store read-only to its user still gets results
kept.

**The same store** is judged by the store's own files: the name, size and modification time of
every file in ``DIR/oxigraph`` (RocksDB's text logs aside). Every write RocksDB makes, whoever
makes it (actorgraph, the Oxigraph server, a script with pyoxigraph), appends to its write-ahead log
or adds a table file, and so changes that list; opening the store read-only and reading it changes
nothing (tests/test_derived.py checks both). A result is kept under the digest of that list, of
actorgraph's version and code, the page's files and the versions of the libraries that derive it
(another may derive differently: :func:`code_digest`) and of what was asked. A changed
store finds no file under its new digest and derives afresh; the next result kept removes the files
of its other digests. A result derived while the list changed (a write in the same process) is not
kept. A store opened read-only goes on reading its files as they were when it was opened, whatever
another program writes meanwhile (RocksDB's read-only open; actorgraph's own writers wait for its
readers, an Oxigraph server or a script does not): such a knowledge graph reads back the results
kept for the state it opened (``KnowledgeGraph.opened_state``), and keeps its own only while the
files are still in that state, so that what it read is never kept as a newer state's. A command
that only wants a result read back looks for it before it opens the store (:func:`read_back`: the
files' digest as they stand; opening takes most of the time such a command takes).

**The same result**: bytes are kept as they are; anything else only as plain JSON (``str``,
``int``, ``float``, ``bool``, ``None``, lists and dicts with string keys, each of exactly that type;
integers of 64 bits, finite floats), so what is read back is what was derived, value for value and
in order; a result holding anything else (a tuple, a date, NaN) is not kept. The files are written
and read by orjson (the 82 MB actors view of 400,000 imported UCDP rows: written in 0.19 s against
2.1 s by the standard library's json, parsed in 0.66 s against 1.29 s), with the collector paused
while it parses (1.03 s otherwise). A file that cannot be read or parsed, or that answers another
question, counts as not kept; a folder that cannot be written keeps nothing, and one that is not the
user's or that others may write is neither read nor written (the folders made here are the user's
alone). Nothing is kept for an in-memory store or an endpoint, and nothing when the environment sets
``ACTORGRAPH_KEEP_DERIVED=0`` (or ``ACTORGRAPH_CACHE=off``, which turns off every cache of
actorgraph's).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import math
import os
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import orjson

from actorgraph._files import OutputError, write_file
from actorgraph._gc import collector_paused
from actorgraph._resources import bundled_data_version, resource_dir
from actorgraph._version import __version__

__all__ = [
    "KEEP_ENV",
    "LIBRARIES",
    "MAX_BYTES",
    "MAX_KEPT",
    "cache_folder",
    "code_digest",
    "files_digest",
    "kept",
    "kept_folder",
    "private",
    "private_folder",
    "read_back",
    "store_digest",
]

T = TypeVar("T")

#: Set to ``0`` to derive every result afresh and keep none.
KEEP_ENV = "ACTORGRAPH_KEEP_DERIVED"
#: The most results kept for one state of a store, and the most bytes the kept results of every
#: store may take together (the least recently used go first; a larger result is not kept): an
#: actors view of a large store is large (7 MB at 100,000 imported GTD rows, 77 MB at 400,000),
#: every filter makes another, and a query's answer may list the whole store.
MAX_KEPT = 32
MAX_BYTES = 1 << 30
#: Bumped when what a kept file holds changes shape.
_FORMAT = 1


def cache_folder() -> Path | None:
    """The user's cache folder for actorgraph (``None``: ``ACTORGRAPH_CACHE=off``)."""
    setting = os.environ.get("ACTORGRAPH_CACHE", "")
    if setting.lower() in ("off", "0", "no"):
        return None
    if setting:
        return Path(setting)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "actorgraph"


def files_digest(files: Iterable[Path]) -> str:
    """The SHA-256 of the files' bytes, one after another (hex)."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.read_bytes())
    return digest.hexdigest()


#: The libraries a kept result is derived with (a query's answer by Oxigraph's engine, a page with
#: pyvis's vis-network and igraph's layout, ...): another version of one may derive another result.
LIBRARIES = ("pyoxigraph", "rdflib", "networkx", "pyvis", "igraph", "orjson")


@functools.cache
def code_digest() -> str:
    """The digest of what derives a result besides the store: actorgraph's own modules, the page's
    files (``viz/``: scripts, styles, the map), the versions of :data:`LIBRARIES` and the bundled
    data's fingerprint (``bundled_data_version``: the ontology and the curated files). A result
    derived by other code is not read back, even when actorgraph's version is the same (a checkout
    being edited, a library upgraded on its own). The bundled data is in the store too, brought up
    to date when the store is opened; a result read back without opening the store
    (:func:`read_back`) has only this to tell it is stale."""
    here = Path(__file__).parent
    page = resource_dir("viz")
    files = [*sorted(here.rglob("*.py")), *sorted(p for p in page.rglob("*") if p.is_file())]
    versions = [f"data {bundled_data_version()}"]
    for name in LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} ?")
    return hashlib.sha256(f"{files_digest(files)} {' '.join(versions)}".encode()).hexdigest()[:16]


def kept_folder(path: Path) -> Path | None:
    """Where the results of the store at ``path`` are kept (``None``: no cache folder)."""
    base = cache_folder()
    if base is None:
        return None
    store = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
    return base / "derived" / store


def store_digest(path: Path) -> str | None:
    """The digest of the on-disk store at ``path`` as its files stand (``None``: no store there)."""
    folder = path / "oxigraph"
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return None
    listed = []
    for name in names:
        if name.startswith("LOG"):  # RocksDB's text logs: written on opening, not by writes
            continue
        with contextlib.suppress(FileNotFoundError):  # a file being replaced
            info = os.stat(folder / name)
            listed.append(f"{name}\t{info.st_size}\t{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(listed).encode()).hexdigest()[:32]


def kept(
    kg: Any,
    kind: str,
    key: Any,
    *,
    derive: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """``derive()``, or the result kept for ``kind`` and ``key`` on this state of ``kg``'s store.

    ``kg`` is what the result is derived from: a knowledge graph over an on-disk store (its
    ``path``), or anything else (``None``, an in-memory store, an endpoint), for which nothing is
    kept. ``encode`` turns a result into plain JSON data (or into bytes, kept as they are: a page)
    and ``decode`` back; ``key`` (plain JSON data) says what was asked. With no store, a key that
    is not plain JSON data or ``ACTORGRAPH_KEEP_DERIVED=0``, this is ``derive()``. A store opened
    read-only whose files have changed since (its ``opened_state``) reads them as they were: it
    is given what was kept for that state, and keeps nothing (its result is not the new state's).
    """
    path: Path | None = getattr(kg, "path", None)
    if path is None:
        return derive()
    # The state of the files this knowledge graph reads: as they stand, or for a store opened
    # read-only, as they were when it was opened ("": they changed while it was opened).
    opened = getattr(kg, "opened_state", None)
    before = store_digest(path) if opened is None else opened
    place = _place(path, before, kind, key)
    if before is None or place is None:
        return derive()
    folder, name, question = place
    found = _read(folder / name, question)
    if found is not None:
        return decode(found[0])
    result = derive()
    data = encode(result)
    raw = isinstance(data, bytes)
    if (raw or _plain(data)) and store_digest(path) == before:
        try:
            payload = data if raw else orjson.dumps(data)
        except orjson.JSONEncodeError:  # a string that is not valid Unicode (a lone surrogate)
            return result
        if len(payload) <= MAX_BYTES:
            header = orjson.dumps({"question": question, "raw": raw})
            _keep(folder, name, before, b"".join((header, b"\n", payload)))
    return result


def read_back(path: Path, kind: str, key: Any, decode: Callable[[Any], T]) -> T | None:
    """The result :func:`kept` holds for ``kind`` and ``key`` on the on-disk store at ``path`` in
    the state its files are in now, read without opening the store (``None``: none is kept).

    For a command that would open a store only to read a kept result back: opening imports rdflib
    and Oxigraph and takes a lock, half of a 0.54 s `actorgraph profile` (BENCHMARKS.md).
    A result is kept only under a state its store held for the whole derivation, with the code
    that reads it back, so what is read is what opening the store and deriving would give; a
    writer that has not yet changed a file is not waited for (its write comes after this read).
    """
    place = _place(path, store_digest(path), kind, key)
    if place is None:
        return None
    folder, name, question = place
    found = _read(folder / name, question)
    return None if found is None else decode(found[0])


def _place(path: Path, state: str | None, kind: str, key: Any) -> tuple[Path, str, str] | None:
    """Where the result for ``kind`` and ``key`` on the store at ``path`` in ``state`` is kept:
    its folder, its file's name and the question its first line names (``None``: nothing is
    kept: no state, keeping turned off, a key that is not JSON, no private cache folder)."""
    if not state or os.environ.get(KEEP_ENV, "1") == "0":
        return None
    try:
        question = json.dumps([_FORMAT, __version__, code_digest(), kind, key], sort_keys=True)
    except (TypeError, ValueError):
        return None
    folder = kept_folder(path)
    if folder is None or not private(folder.parent, folder):
        return None
    name = f"{state}-{kind}-{hashlib.sha256(question.encode()).hexdigest()[:32]}.kept"
    return folder, name, question


def private(*places: Path) -> bool:
    """Whether each of ``places`` that exists belongs to the user and no one else may write it
    (others may not; its group only if that is the user's primary group).

    What actorgraph reads back from its cache folder it trusts: a kept page or answer is written
    out as it was kept, the compiled bundled data is loaded as the curated graph. So it reads
    them only from folders and files that none but the user could have written; the folders it
    makes are the user's alone (:func:`private_folder`). Always true where there are no POSIX
    owners (Windows: the user's own profile folder).
    """
    if not hasattr(os, "getuid"):  # pragma: no cover - Windows
        return True
    for place in places:
        try:
            info = os.stat(place)
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if info.st_uid != os.getuid() or info.st_mode & 0o002:
            return False
        # Writable by its group only where that group is the user's own: with the user's private
        # group as the primary one (Debian, Ubuntu, Fedora), umask 002 makes every folder so.
        if info.st_mode & 0o020 and info.st_gid != os.getgid():
            return False
    return True


def private_folder(folder: Path) -> None:
    """Make ``folder`` (and its parents) if missing, itself readable by the user alone (0o700);
    the parents as ``mkdir`` makes them. Raises OSError."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700, exist_ok=True)


def _read(file: Path, question: str) -> tuple[Any] | None:
    try:
        with open(file, "rb") as f:
            header = orjson.loads(f.readline())
            if not isinstance(header, dict) or header.get("question") != question:
                return None
            # Read at its known size: read() to the end grows its buffer as it goes, which held
            # a 91 MB page twice (`viz` at 400,000 rows: 227 MB; so 143 MB).
            payload = f.read(os.fstat(f.fileno()).st_size - f.tell())
        if header.get("raw") is True:
            result: Any = payload
        else:
            # Scoped to the parse: millions of small objects and no cycles (the 82 MB view of
            # 400,000 rows parsed in 0.66 s paused, 1.03 s not; the module's text).
            with collector_paused():
                result = orjson.loads(payload)
    except (OSError, orjson.JSONDecodeError):
        return None
    with contextlib.suppress(OSError):
        os.utime(file)  # the newest used is the last to go (MAX_KEPT)
    return (result,)


def _keep(folder: Path, name: str, digest: str, text: bytes) -> None:
    try:
        for place in (folder.parent.parent, folder.parent, folder):  # the cache folder down
            private_folder(place)
        write_file(folder / name, text)
        ours: list[tuple[int, int, str]] = []
        others: list[tuple[int, int, str]] = []
        for store in os.scandir(folder.parent):
            mine = store.path == str(folder)
            for entry in os.scandir(store.path) if store.is_dir() else ():
                if mine and not entry.name.startswith(digest):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)  # kept for another state of the store
                    continue
                info = entry.stat()
                (ours if mine else others).append((info.st_mtime_ns, info.st_size, entry.path))
        ours.sort(reverse=True)  # the most recently used first
        for _, _, file in ours[MAX_KEPT:]:
            with contextlib.suppress(OSError):
                os.unlink(file)
        size = 0
        for _, bytes_, file in sorted(ours[:MAX_KEPT] + others, reverse=True):
            size += bytes_
            if size > MAX_BYTES:
                with contextlib.suppress(OSError):
                    os.unlink(file)
    except (OSError, OutputError):
        return  # a folder that cannot be written keeps nothing; the result stands


_SCALARS = (str, bool, type(None))


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON data of exactly JSON's types that orjson writes back as it was."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            if any(type(k) is not str for k in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if not -(2**63) <= item < 2**64:
                return False
        elif kind is float:
            if not math.isfinite(item):
                return False
        elif kind not in _SCALARS:
            return False
    return True
