"""Results as escaped HTML tables, for Jupyter's rich display."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


MAX_ROWS = 100


def html_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, caption: str | None = None
) -> str:
    """An escaped HTML table, at most :data:`MAX_ROWS` rows (the rest are counted, not shown)."""
    out = ['<table class="actorgraph">']
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    out.append(
        "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead>"
    )
    out.append("<tbody>")
    hidden = 0
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            hidden += 1
            continue
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    if hidden:
        out.append(f"<p>… and {hidden:,} more rows</p>")
    return "".join(out)
