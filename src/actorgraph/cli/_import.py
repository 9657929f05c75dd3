"""The ``import`` verb: UCDP GED, ACLED and GTD files into an on-disk store."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import Any

from actorgraph._errors import ImportRejectedError, UsageError

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    """Declare the ``import`` verb."""
    parser = sub.add_parser(
        "import",
        help="import UCDP GED, ACLED or GTD event data into an on-disk store",
        description=textwrap.dedent(
            """
            Import one event-data file into its own named graph,
            agg:import/<dataset>/<first 16 hex of the file's SHA-256>. Each row becomes one event
            (agd:ucdp-ged-<id>, agd:acled-<event_id_cnty>, agd:gtd-<eventid>) derived from the
            dataset (prov:wasDerivedFrom ags:ucdp-ged|ags:acled|ags:gtd, ag:sourceRecord the row id).
            Actor and place names are resolved to the curated entities; a name that matches none
            becomes a provisional actor (--unresolved provisional) or is only reported
            (--unresolved report). Events that are the same real event as a curated one are linked
            with ag:sameEventAs.

            The import is atomic: the store changes only when the whole file has been read, and
            importing the same file again gives the same graph. Columns are
            matched by name; UCDP's HDX and API/Excel flavours and ACLED's current and legacy
            (upper-case, dd/mm/yyyy) exports are recognised. GTD CSV files are latin-1 (use
            --encoding otherwise); GTD .xlsx files need openpyxl.
            """
        ).strip(),
        epilog="examples:\n"
        + textwrap.indent(
            textwrap.dedent(
                """
                actorgraph import ucdp ged_pakistan.csv --store my-store --report rejected.csv
                actorgraph import acled acled_export.csv --store my-store --unresolved report
                actorgraph import gtd globalterrorismdb.csv --store my-store --strict --report r.json
                actorgraph import ucdp ged-2023.csv --store my-store --no-compact
                actorgraph import ucdp ged-2024.csv --store my-store --compact
                actorgraph query --store my-store "SELECT ?e WHERE { ?e ag:sameEventAs ?c }"

                exit codes: 0 imported; 3 the file is malformed or lacks a required column;
                7 rows were rejected under --strict (nothing was written)
                """
            ).strip(),
            "  ",
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dataset", choices=["ucdp", "acled", "gtd"], help="the file's dataset")
    parser.add_argument("file", metavar="FILE", help="the CSV file (GTD: also .xlsx)")
    parser.add_argument(
        "--store", metavar="DIR", required=True, help="the on-disk store to import into (required)"
    )
    parser.add_argument(
        "--data",
        metavar="FILE",
        action="append",
        default=[],
        help="your own curated YAML file, layered over the bundled data (repeatable)",
    )
    parser.add_argument(
        "--report",
        metavar="FILE",
        help="write every rejected row (line, reason) and unresolved name to FILE: "
        ".json for JSON, anything else for CSV (formula-safe for spreadsheets)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="write nothing and exit 7 if any row is rejected",
    )
    parser.add_argument(
        "--unresolved",
        choices=["provisional", "report"],
        default="provisional",
        help="what to do with a name that matches no curated entity: make a provisional actor "
        "(default) or only report it",
    )
    parser.add_argument(
        "--encoding", help="the file's text encoding (default: utf-8; gtd: latin-1)"
    )
    parser.add_argument(
        "--dataset-version",
        metavar="VERSION",
        help="the dataset's release (e.g. 25.1), recorded as the source's schema:version",
    )
    parser.add_argument(
        "--compact",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="compact the store when the import is done, which makes the queries after it two to "
        "four times cheaper (default: when the file is at least a quarter of the store); importing "
        "several files, give --no-compact to all but the last and --compact to the last",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.set_defaults(func=_cmd_import)


def _cmd_import(args: argparse.Namespace) -> int:
    from actorgraph.importers import default_progress, import_file  # noqa: PLC0415
    from actorgraph.store._open import load  # noqa: PLC0415 - keeps --help fast

    if str(args.store).startswith(("http://", "https://")):
        raise UsageError("import needs an on-disk --store DIR; a SPARQL endpoint is read-only")
    progress = None if args.quiet else default_progress(f"importing {args.dataset}")
    kg = load(store=args.store, data=args.data)
    try:
        report = import_file(
            kg,
            args.dataset,
            args.file,
            unresolved=args.unresolved,
            strict=args.strict,
            encoding=args.encoding,
            dataset_version=args.dataset_version,
            progress=progress,
            compact=args.compact,
        )
    finally:
        kg.close()
    print(report.summary(), file=sys.stderr)
    if args.report:
        report.write(args.report)
        print(f"report written to {args.report}", file=sys.stderr)
    if args.strict and report.rejected:
        raise ImportRejectedError(
            f"{len(report.rejected):,} row(s) rejected under --strict; nothing was imported"
            + (f" (see {args.report})" if args.report else " (use --report FILE for the list)")
        )
    return 0
