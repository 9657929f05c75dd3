"""Importers of event datasets: UCDP GED, ACLED and the Global Terrorism Database.

Each import reads one file as a stream, maps every row to one event node (``agd:ucdp-ged-<id>``,
``agd:acled-<event_id_cnty>``, ``agd:gtd-<eventid>``), resolves the actors and places it names to the
curated entities, links it to curated events that are the same real event (``ag:sameEventAs``), and
replaces the named graph ``agg:import/<dataset>/<16 hex of the file's SHA-256>`` atomically: a failed
import leaves the store as it was, and importing the same file twice gives the same graph.

Examples
--------
>>> import actorgraph
>>> from actorgraph.importers import import_file
>>> kg = actorgraph.load(store="my-store")  # doctest: +SKIP
>>> report = import_file(kg, "ucdp", "ged_pakistan.csv")  # doctest: +SKIP
>>> print(report.summary())  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pyoxigraph as ox

from actorgraph._errors import DataError, UsageError
from actorgraph.importers._acled import ACLED, map_acled_row, parse_acled_date
from actorgraph.importers._driver import Importer, ProgressFn, default_progress, run_import
from actorgraph.importers._gtd import GTD, map_gtd_row, parse_gtd_date
from actorgraph.importers._known import HasStore
from actorgraph.importers._records import Issue
from actorgraph.importers._report import ImportReport
from actorgraph.importers._resolver import Unresolved
from actorgraph.importers._rows import file_digest
from actorgraph.importers._sinks import drop_incomplete_imports
from actorgraph.importers._swap import replace_graph
from actorgraph.importers._ucdp import UCDP, map_ucdp_row, parse_ucdp_date

__all__ = [
    "DATASETS",
    "ImportReport",
    "Issue",
    "default_progress",
    "drop_incomplete_imports",
    "import_file",
    "map_acled_row",
    "map_gtd_row",
    "map_ucdp_row",
    "parse_acled_date",
    "parse_gtd_date",
    "parse_ucdp_date",
    "replace_graph",
]

#: The importers by the name the command line uses.
DATASETS: dict[str, Importer] = {"ucdp": UCDP, "acled": ACLED, "gtd": GTD}


def import_file(
    kg: HasStore | ox.Store,
    dataset: str,
    path: str | Path,
    *,
    unresolved: Unresolved = "provisional",
    strict: bool = False,
    encoding: str | None = None,
    dataset_version: str | None = None,
    progress: ProgressFn | None = None,
    compact: bool | None = None,
) -> ImportReport:
    """Import one UCDP GED, ACLED or GTD file into the knowledge graph's store.

    Parameters
    ----------
    kg
        A :class:`~actorgraph.KnowledgeGraph` with a local store (or a ``pyoxigraph.Store``).
    dataset
        ``"ucdp"``, ``"acled"`` or ``"gtd"``.
    path
        The CSV file (GTD also ``.xlsx``, with ``openpyxl`` installed).
    unresolved
        ``"provisional"``: a name that matches no curated entity becomes a provisional actor
        (``ag:provisional true``) named from the dataset's own id; ``"report"``: it is only
        listed in the report and the event does not name it.
    strict
        When any row is rejected, write nothing (the report says why) — all or nothing.
    encoding
        The file's text encoding, when not the dataset's usual one (UTF-8; latin-1 for GTD).
    dataset_version
        The dataset's release (``"25.1"``), recorded as ``schema:version`` of its source node.
    progress
        Called as ``progress(rows, bytes_read, total_bytes)`` every 1,000 rows and at the end.
    compact
        Whether an on-disk store is compacted when the import is committed (Oxigraph's
        ``optimize``: the reads that follow take a half to a quarter of the CPU time). ``None``
        (the default): when the import wrote at least a quarter of the store's quads; ``True``:
        always; ``False``: never. Several files imported in a row, all but the last with
        ``compact=False`` and the last with ``compact=True``, compact the store once. See also
        :meth:`KnowledgeGraph.compact`.

    Returns
    -------
    ImportReport
        Rows read, events created, every rejected row with line and reason, unresolved names.

    Raises
    ------
    DataError
        A file that is not CSV, is not in the encoding, or lacks a required column (exit code 3).
    UsageError
        An unknown dataset, or a store that cannot be written.
    """
    importer = DATASETS.get(dataset)
    if importer is None:
        raise UsageError(f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}")
    file = Path(path)
    if file.suffix.lower() in (".xlsx", ".xlsm"):
        if dataset != "gtd":
            raise UsageError(f"{dataset} files are read as CSV; export the sheet as CSV first")
        return _import_xlsx(
            kg,
            importer,
            file,
            unresolved=unresolved,
            strict=strict,
            dataset_version=dataset_version,
            progress=progress,
            compact=compact,
        )
    return run_import(
        kg,
        importer,
        file,
        unresolved=unresolved,
        strict=strict,
        encoding=encoding,
        dataset_version=dataset_version,
        progress=progress,
        compact=compact,
    )


def _import_xlsx(
    kg: HasStore | ox.Store,
    importer: Importer,
    file: Path,
    *,
    unresolved: Unresolved,
    strict: bool,
    dataset_version: str | None,
    progress: ProgressFn | None,
    compact: bool | None,
) -> ImportReport:
    try:
        import openpyxl  # type: ignore[import-untyped]  # noqa: PLC0415 - an optional extra
    except ImportError:
        raise UsageError(
            "reading .xlsx needs openpyxl: pip install 'actorgraph[xlsx]' (or pip install openpyxl), "
            "or export the sheet as CSV"
        ) from None
    if not file.is_file():
        raise DataError("no such file", path=str(file))
    digest = file_digest(file)
    with tempfile.TemporaryDirectory(prefix="actorgraph-xlsx-") as tmp:
        csv_path = Path(tmp) / (file.stem + ".csv")
        try:
            book = openpyxl.load_workbook(file, read_only=True, data_only=True)
        except Exception as exc:
            raise DataError(f"not a readable .xlsx workbook: {exc}", path=str(file)) from exc
        try:
            sheet = book.worksheets[0]
            with csv_path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                for values in sheet.iter_rows(values_only=True):
                    writer.writerow(["" if v is None else _cell(v) for v in values])
        finally:
            book.close()
        return run_import(
            kg,
            importer,
            csv_path,
            unresolved=unresolved,
            strict=strict,
            encoding="utf-8",
            dataset_version=dataset_version,
            progress=progress,
            compact=compact,
            digest=digest,
            display_path=str(file),
        )


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
