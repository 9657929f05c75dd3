"""Rich display in Jupyter: summary tables and the interactive page inline, offline.

Plain ``<script>`` output does not run in an untrusted notebook, so the page is shown inside an
``<iframe srcdoc>`` sandboxed to scripts only: it runs without the notebook's trust and cannot reach the
notebook's origin."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from actorgraph._files import write_file

if TYPE_CHECKING:
    import networkx as nx


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
        write_file(path, self.html.encode("utf-8"))


def show(graph: nx.MultiDiGraph, *, height: int = 600, **options: Any) -> Page:
    """Draw a NetworkX graph (in the projection's conventions) inline in a notebook.

    Examples
    --------
    >>> import actorgraph
    >>> page = actorgraph.show(actorgraph.load().to_networkx(view="actors"))
    >>> page._repr_html_().startswith("<iframe srcdoc=")
    True
    """
    from actorgraph.page._render import render_html  # noqa: PLC0415

    return Page(render_html(graph, None, **options), height=height)
