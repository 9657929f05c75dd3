"""Rich display in Jupyter: summary tables and the interactive page inline, offline.

Plain ``<script>`` output does not run in an untrusted notebook, so the page is shown inside an
``<iframe srcdoc>`` sandboxed to scripts only: it runs without the notebook's trust and cannot reach the
notebook's origin.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Page", "html_table", "show"]

MAX_ROWS = 100


class Page:
    """The interactive page of a graph, shown inline by Jupyter (see :func:`show`)."""

    def __init__(self, page_html: str, *, height: int = 600) -> None:
        self.html = page_html
        self.height = height

    def _repr_html_(self) -> str:
        srcdoc = html.escape(self.html, quote=True)
        return (
            f'<iframe srcdoc="{srcdoc}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ddd" '
            'title="actorgraph network"></iframe>'
        )

    def save(self, path: str) -> None:
        """Write the page to a file."""
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(self.html)


def show(graph: nx.MultiDiGraph, *, height: int = 600, **options: Any) -> Page:
    """Draw a NetworkX graph (in the projection's conventions) inline in a notebook.

    Examples
    --------
    >>> import actorgraph
    >>> page = actorgraph.show(actorgraph.load().to_networkx(view="actors"))
    >>> page._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    from actorgraph._render import render_html  # noqa: PLC0415

    return Page(render_html(graph, None, **options), height=height)


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
