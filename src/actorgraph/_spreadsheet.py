"""Outputs meant for spreadsheets: cells that a spreadsheet would run as a formula are neutralised.

Only for files meant to be opened in a spreadsheet (import reports, ``--format csv-excel``); the SPARQL
results formats (CSV, TSV) stay exactly as the W3C defines them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

__all__ = ["FORMULA_START", "spreadsheet_csv", "spreadsheet_safe"]

#: What a spreadsheet takes as the start of a formula (and tab/CR, which some read as a new cell).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cells: Sequence[object]) -> list[str]:
    """Each cell as text, with a leading ``'`` where a spreadsheet would run it as a formula.

    Examples
    --------
    >>> spreadsheet_safe(['=HYPERLINK("http://x")', "TTP", -3])
    ['\\'=HYPERLINK("http://x")', 'TTP', "'-3"]
    """
    out = []
    for cell in cells:
        text = str(cell)
        if text.startswith(FORMULA_START):
            text = "'" + text
        out.append(text)
    return out


def spreadsheet_csv(w3c_csv: bytes) -> bytes:
    """Rewrite SPARQL CSV results for a spreadsheet: formula cells neutralised, UTF-8 with a BOM
    (so Excel reads the encoding right)."""
    reader = csv.reader(io.StringIO(w3c_csv.decode("utf-8"), newline=""))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in reader:
        writer.writerow(spreadsheet_safe(row))
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
