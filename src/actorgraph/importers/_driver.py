"""The driver: :func:`run_import` streams a file through an importer's mapper into the store."""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from actorgraph._errors import DataError, UsageError
from actorgraph.importers._known import HasStore, KnownEntities
from actorgraph.importers._ntriples import IMPORT_GRAPHS
from actorgraph.importers._records import DatasetInfo, EventRecord, Issue, RowError
from actorgraph.importers._report import ImportReport
from actorgraph.importers._resolver import Resolver, Unresolved
from actorgraph.importers._rows import file_digest, open_rows, require_columns
from actorgraph.importers._sinks import (
    FileSink,
    Sink,
    StoreSink,
    drop_incomplete_imports,
)
from actorgraph.importers._swap import (
    CHUNK_LINES,
    MEMORY_CHUNK_LINES,
    MEMORY_FIRST_CHUNK_LINES,
    MEMORY_QUEUE,
    digest_quad,
    is_empty_graph,
    replace_graph,
)
from actorgraph.importers._writer import Dyads, Matcher, Writer
from actorgraph.store._replace import LoadingInPlace, compact_store

#: A record id kept as an integer: ASCII digits, no leading zero, at most 18 of them (so that the
#: integer gives back exactly this text and fits 64 bits).
_CANONICAL_ID = re.compile(r"[1-9][0-9]{0,17}").fullmatch


class SeenIds:
    """The record ids of the rows imported so far, to reject a duplicate row exactly.

    Most ids are numbers (GTD's ``eventid``, UCDP's ``id``). A Python set of them costs about 75
    bytes per id, the one part of an import that grew with the file (7.4 MB per 100,000 rows);
    here they cost 8 bytes: the latest ids are kept in a small set, older ones in sorted arrays of
    64-bit integers (merged like the digits of a binary counter: at most log2(n / 16,384) + 1
    arrays), and a fixed bitmap of 8 Mbit (1 MiB) hashed by id answers "never seen" for almost every
    new id without searching the arrays. Membership stays exact: the arrays are searched
    whenever the bitmap cannot rule an id out, and an id that is not a canonical number (``"012"``,
    ``"PAK1234"``, other digits than ASCII) is kept as text, so ``"012"`` and ``"12"`` (two
    events, ``gtd-012`` and ``gtd-12``) stay distinct.

    Examples
    --------
    >>> seen = SeenIds()
    >>> seen.add("201412160001"), seen.add("201412160001"), seen.add("0201412160001")
    (True, False, True)
    """

    RECENT = 1 << 14
    _BITS = 23

    def __init__(self) -> None:
        self._text: set[str] = set()
        self._recent: set[int] = set()
        self._runs: list[array[int]] = []
        self._bitmap = bytearray(1 << (self._BITS - 3))

    def add(self, record_id: str) -> bool:
        """Add an id; return ``False`` when it was there already."""
        if not _CANONICAL_ID(record_id):
            if record_id in self._text:
                return False
            self._text.add(record_id)
            return True
        key = int(record_id)
        slot = (key ^ (key >> self._BITS)) & ((1 << self._BITS) - 1)
        bitmap, bit = self._bitmap, 1 << (slot & 7)
        if bitmap[slot >> 3] & bit:
            if key in self._recent or self._in_runs(key):
                return False
        else:
            bitmap[slot >> 3] |= bit
        recent = self._recent
        recent.add(key)
        if len(recent) >= self.RECENT:
            self._merge()
        return True

    def __len__(self) -> int:
        return len(self._text) + len(self._recent) + sum(len(run) for run in self._runs)

    def _in_runs(self, key: int) -> bool:
        for run in self._runs:
            i = bisect_left(run, key)
            if i < len(run) and run[i] == key:
                return True
        return False

    def _merge(self) -> None:
        run = array("q", sorted(self._recent))
        self._recent = set()
        runs = self._runs
        while runs and len(runs[-1]) <= len(run):
            run = array("q", sorted(runs.pop() + run))
        runs.append(run)


# ----------------------------------------------------------------------------------------------------
# The driver

RowMapper = Callable[[Mapping[str, str]], EventRecord | None]


@dataclass(frozen=True)
class Importer:
    """One dataset's importer: its metadata, required columns, encoding, and row mapper factory.

    ``prepare(header, rows)`` inspects the header (and may consume leading rows, such as UCDP HDX's row
    of HXL tags) and returns ``(flavour, mapper)``; the mapper turns a row into an
    :class:`EventRecord` (``None`` for a row to skip silently) or raises :class:`RowError`.
    """

    dataset: DatasetInfo
    required: tuple[str, ...]
    encoding: str
    id_column: str
    prepare: Callable[[list[str]], tuple[str, RowMapper, Callable[[Mapping[str, str]], bool]]]
    hints: Mapping[str, Sequence[str]] = field(default_factory=dict)
    lower_header: bool = True


ProgressFn = Callable[[int, int, int], None]


def run_import(
    target: HasStore | ox.Store,
    importer: Importer,
    path: str | Path,
    *,
    unresolved: Unresolved = "provisional",
    strict: bool = False,
    encoding: str | None = None,
    dataset_version: str | None = None,
    progress: ProgressFn | None = None,
    compact: bool | None = None,
    fail_after_rows: int | None = None,
    digest: str | None = None,
    display_path: str | None = None,
) -> ImportReport:
    """Import one file into its own named graph; see :func:`actorgraph.importers.import_file`."""
    store = target if isinstance(target, ox.Store) else target.store
    if store is None:
        raise UsageError(
            "imports need a local store (load(store=DIR)); a remote endpoint is read-only"
        )
    if unresolved not in ("provisional", "report"):
        raise UsageError(f"unresolved must be 'provisional' or 'report', not {unresolved!r}")
    file = Path(path)
    if not file.is_file():
        raise DataError("no such file", path=str(file))
    digest = digest or file_digest(file)
    dataset = importer.dataset
    graph = f"{IMPORT_GRAPHS}{dataset.key}/{digest[:16]}"
    report = ImportReport(dataset=dataset.key, path=display_path or str(file), graph=graph)
    drop_incomplete_imports(store)
    known = KnownEntities.from_store(store)
    resolver = Resolver(known, dataset, unresolved, importer.hints)
    matcher = Matcher(known.events)
    source = open_rows(file, encoding or importer.encoding, lower=importer.lower_header)
    require_columns(source, importer.required, dataset.key)
    flavour, mapper, skip = importer.prepare(source.raw_header)
    report.flavour = flavour
    seen = SeenIds()
    dyads = Dyads()
    node = ox.NamedNode(graph)
    # A graph that is not there yet is loaded in place while the rows are read (a second thread
    # bulk-loads each chunk); otherwise the N-Triples go to a file that replace_graph swaps in (or
    # finds unchanged). --strict writes nothing until every row is known to be good.
    in_place = not strict and is_empty_graph(store, node)
    # An on-disk KnowledgeGraph takes a checkpoint before anything is written, which the next open
    # puts back if this process is killed (a bare pyoxigraph store has the markers only).
    checkpointed = getattr(target, "_checkpointed", None)
    with (
        checkpointed() if callable(checkpointed) else contextlib.nullcontext(),
        tempfile.TemporaryDirectory(prefix="actorgraph-import-") as tmp,
    ):
        nt_path = Path(tmp) / "import.nt"
        with contextlib.ExitStack() as stack:
            sink: Sink
            if in_place:
                loading = stack.enter_context(LoadingInPlace(store, node))
                # An on-disk store takes the smaller chunks.
                in_memory = _in_memory(target)
                sink = (
                    StoreSink(
                        store,
                        node,
                        MEMORY_CHUNK_LINES,
                        in_memory=True,
                        depth=MEMORY_QUEUE,
                        first_lines=MEMORY_FIRST_CHUNK_LINES,
                    )
                    if in_memory
                    else StoreSink(store, node, CHUNK_LINES)
                )
                stack.callback(sink.abort)  # runs before the graph is dropped on an error
            else:
                sink = FileSink(stack.enter_context(nt_path.open("wb")), CHUNK_LINES)
            try:
                writer = Writer(sink, dataset)
                writer.dataset_node(dataset_version, describe=dataset.source not in known.types)
                for line, row, width in source.rows:
                    if skip(row):
                        continue
                    report.rows_read += 1
                    if progress is not None and report.rows_read % 1000 == 0:
                        progress(report.rows_read, source.counter.count, source.size)
                    if fail_after_rows is not None and report.rows_read > fail_after_rows:
                        raise RuntimeError(f"import stopped after {fail_after_rows} rows (testing)")
                    record_id = (row.get(importer.id_column) or "").strip()
                    if width != len(source.header):
                        report.issues.append(
                            Issue(
                                line,
                                record_id,
                                "rejected",
                                "wrong number of fields",
                                None,
                                f"{width} fields; the header has {len(source.header)}",
                            )
                        )
                        continue
                    try:
                        record = mapper(row)
                    except RowError as err:
                        report.issues.append(
                            Issue(line, record_id, "rejected", err.reason, err.column, err.detail)
                        )
                        continue
                    if record is None:
                        continue
                    if not seen.add(record.record_id):
                        report.issues.append(
                            Issue(line, record_id, "rejected", "duplicate id", importer.id_column,
                                  "an earlier row has the same id; the first one is kept")
                        )  # fmt: skip
                        continue
                    for dropped in record.dropped:
                        report.issues.append(Issue(line, record_id, "dropped", *dropped))
                    places, actors = preview(record, resolver)
                    same = matcher.match(record, places, actors)
                    writer.event(record, resolver, same)
                    dyads.add(record, resolver)
                    report.same_event_links += len(same)
                    report.events_created += 1
                writer.new_nodes(resolver)
                dyads.write(sink, dataset)
            finally:
                source.close()
            if isinstance(sink, StoreSink):
                sink.finish()
            else:
                sink.flush()
            if progress is not None:
                progress(report.rows_read, source.size, source.size)
            report.unresolved = resolver.unresolved
            report.resolved = resolver.resolved
            report.categories = resolver.categories
            report.ambiguous = {
                k: v for k, v in resolver.ambiguous.items() if k in resolver.unresolved
            }
            report.provisional_actors = len(resolver.new_actors)
            report.places_created = len(resolver.new_places)
            report.dyads = len(dyads.pairs)
            if in_place:
                loading.commit([digest_quad(node, sink.digest)])
                report.store_change = "loaded"
        if not in_place:
            if strict and report.rejected:
                return report
            report.store_change = replace_graph(
                store, graph, nt_path, trusted=True, digest=sink.digest
            )
    # Compacted once the import is whole and its checkpoint gone: with the checkpoint in place, the
    # files it rewrites would take their space twice; a kill while it compacts loses nothing.
    # Unless told, only an import that is a large share of the store: compaction rewrites all of it.
    # Told to (the last of several files), whether or not this file changed the store.
    if not _in_memory(target) and (
        compact
        or (
            compact is None
            and report.store_change in ("loaded", "replaced")
            and sink.total_lines >= COMPACT_SHARE * len(store)
        )
    ):
        compact_store(store)
        report.compacted = True
    changed = getattr(target, "_changed", None)
    if callable(changed):  # a KnowledgeGraph caches its name index
        changed()
    report.committed = True
    return report


#: An on-disk import ends by compacting the store (Oxigraph's ``optimize``) when the triples it
#: wrote are at least this share of the store's quads. Compaction rewrites the whole store: after a
#: 100,000-row import into a new store it made the reads that follow 2-4x cheaper, for a seventh of
#: the import's CPU; but 1,000 rows imported into a store of 7.1 M quads took 12.3 s with it and 2.1 s
#: without (BENCHMARKS.md, "Compaction after a small import"), and the few files such an import adds
#: are left to RocksDB's own background compaction. 0 compacts after every import. An import given
#: ``compact=True`` or ``compact=False`` does as it is told.
COMPACT_SHARE = 0.25


def _in_memory(target: HasStore | ox.Store) -> bool:
    """Whether the import goes into an in-memory store: a KnowledgeGraph says so (its path is
    None); a bare pyoxigraph.Store is taken to be on disk."""
    return not isinstance(target, ox.Store) and getattr(target, "path", 0) is None


def preview(record: EventRecord, resolver: Resolver) -> tuple[frozenset[str], set[str]]:
    """The record's places (every level and the curated places containing them) and actors."""
    places = resolver.place_set(record.places)
    actors: set[str] = set()
    for mention in record.actors:
        if mention.role == "target":
            continue
        key = (mention.name, mention.local_id)
        hit = resolver._actor_cache.get(key)
        if hit is None:
            hit = resolver._actor(mention)
            resolver._actor_cache[key] = hit
        if hit[1] is not None and hit[0] in ("resolved", "provisional"):
            actors.add(hit[1])
    return places, actors


def default_progress(label: str, stream: IO[str] | None = None) -> ProgressFn:
    """Return a progress callback that redraws one line on a terminal (or prints every 10%)."""
    out = stream or sys.stderr
    tty = out.isatty()
    state = {"last": -1}

    def show(rows: int, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if tty:
            width = 30
            filled = width * percent // 100
            bar = "#" * filled + "-" * (width - filled)
            out.write(f"\r{label} [{bar}] {percent:3d}% {rows:,} rows")
            if percent >= 100:
                out.write("\n")
            out.flush()
        elif percent // 10 != state["last"] // 10 or (percent == 100 and state["last"] != 100):
            out.write(f"{label}: {percent}% ({rows:,} rows)\n")
            out.flush()
        state["last"] = percent

    return show
