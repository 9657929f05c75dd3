"""The analyst's page: one self-contained, offline HTML file drawn with pyvis and vis-network.

The page is built from any NetworkX graph that follows the projection's conventions
(``docs/design.md``): node ids are CURIEs with ``label``, ``type``, ``types``, ``aliases``,
``search``, literal attributes, ``earliest``/``latest`` and ``statements``; edges are keyed by
the property CURIE with ``label``, ``statements``, ``start``, ``end`` and ``sources``; and
``G.graph["sources"]`` describes each source.

What this module does differently from a plain pyvis page, and why:

- vis-network is inlined from the installed pyvis package, unmodified and with its licence
  header; no CDN link (pyvis's template links Bootstrap) and no ``lib/`` folder is written.
- The node and edge lists are filled directly: ``Network.add_edge`` checks every node, which
  makes building a large graph quadratic.
- The layout is computed here with igraph (seeded), so the first draw needs no physics.
- Every string from data travels as JSON inside ``<script type="application/json">`` with
  ``<``, ``>``, ``&`` and U+2028/U+2029 escaped, and the viewer builds the DOM with
  ``textContent`` only. A Content-Security-Policy allows only the page's own scripts (by hash)
  and no network request of any kind.
- The search box uses :func:`actorgraph.vocab._names.normalize_name`'s rules: the word folds, dashes
  and Unicode tables the JavaScript port needs are generated from the Python implementation
  and shipped in the page, so both sides compute the same keys."""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re
from collections.abc import Sequence
from importlib import resources
from typing import Any

import networkx as nx
import orjson

from actorgraph._files import write_file
from actorgraph._gc import collector_paused
from actorgraph._resources import resource_dir
from actorgraph.page._page_data import CSS_LENGTH, build_page_data

# vis-network as pyvis ships it; the page inlines this file unmodified (its header carries the
# licence: Apache-2.0 or MIT).
_VIS_JS = ("templates", "lib", "vis-9.1.2", "vis-network.min.js")
# The viewer's own scripts (viz/), inlined in this order after vis-network, each allowed by its
# own hash in the Content-Security-Policy. viewer.js first: the others use its window.actorgraph.
_VIEWER_SCRIPTS = ("viewer.js", "timeline.js", "map.js", "families.js", "downloads.js")
# The map's base layer: Natural Earth's admin-1 lines around Pakistan and Afghanistan, prepared
# by tools/make_basemap.py (viz/basemap.LICENSE). Embedded only in pages that have something to
# put on it.
_BASEMAP = "basemap.json"


def render_html(
    graph: nx.Graph,
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "actorgraph",
    physics: bool | None = None,
    seed: int = 0,
    height: str = "100vh",
    focus: Sequence[str] | str | None = None,
    hops: int = 1,
) -> str:
    """Render a graph as one self-contained HTML page and return its text.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        A graph following the projection's conventions (see ``docs/design.md``); one that was
        filtered, edited or built by hand works as long as it keeps them. Other NetworkX graph
        classes work too (edges then take their relation from a ``key`` or ``label`` attribute).
    path : str or os.PathLike, optional
        Where to write the page. The file is written to a temporary file in the same directory
        and renamed, so a reader never sees half a page. ``None`` only returns the text.
    title : str
        The page's title, shown in the browser tab and the side bar.
    physics : bool, optional
        ``None`` (default): the first draw uses the precomputed layout and small graphs
        (at most 1,000 nodes) get a physics toggle. ``True``: physics starts on after the first
        draw. ``False``: no physics and no toggle.
    seed : int
        Seed of the layout; the same graph and seed give the same page.
    height : str
        CSS height of the drawing area: a number with ``px``, ``vh``, ``%``, ``em`` or ``rem``.
    focus : str or sequence of str, optional
        Node ids (CURIEs) whose neighbourhood the page opens on: the rest of the graph is in the
        page, dimmed, and "Show everything" brings it back.
    hops : int
        How far the opening neighbourhood reaches from ``focus`` (default 1).

    Returns
    -------
    str
        The HTML text.

    Raises
    ------
    TypeError
        If ``graph`` is not a NetworkX graph.
    ValueError
        If ``height`` is not a CSS length of the kinds above, ``focus`` names a node the graph
        does not have, or ``hops`` is negative.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("agd:ttp", label="Tehrik-i-Taliban Pakistan", type="ag:ArmedGroup")
    >>> page = render_html(g, title="TTP")
    >>> page.startswith("<!DOCTYPE html>") and "https://cdn" not in page
    True
    """
    if not isinstance(graph, nx.Graph):
        raise TypeError(f"render_html needs a networkx graph, not {type(graph).__name__}")
    if not CSS_LENGTH.fullmatch(height):
        raise ValueError(f"height must be a CSS length such as '800px' or '100vh', not {height!r}")
    centres = [focus] if isinstance(focus, str) else list(focus or [])
    missing = [c for c in centres if c not in graph]
    if missing:
        raise ValueError(f"focus {missing[0]!r} is not a node of the graph")
    if hops < 0:
        raise ValueError(f"hops must be 0 or more, not {hops}")
    # Millions of small objects and no cycles: the collector is paused for this step (measured
    # in actorgraph._gc).
    with collector_paused():
        payload, nodes, edges, options = build_page_data(graph, physics=physics, seed=seed)
    if centres:
        index = {d["id"]: i for i, d in enumerate(payload["details"])}
        payload["focus"] = {"nodes": [index[str(c)] for c in centres], "hops": hops}
    page = _page(payload, nodes, edges, options, title=title, height=height)
    if path is not None:
        write_file(path, page.encode("utf-8"))
    return page


# --------------------------------------------------------------------------- data -> page


def _json_for_script(value: Any) -> str:
    """JSON that cannot end its ``<script>`` element or be read as HTML.

    Written by orjson, the text the standard library's compact JSON gives (but for a float's
    exponent: ``1e-7``, not ``1e-07``), and escaped in UTF-8 before it is decoded (no character's
    encoding holds another's): the 90 MB of the page of 400,000 imported events in 0.94-0.97 s
    against 2.1-3.4 s, at the same traced peak (BENCHMARKS.md, session 16). The page's numbers are
    finite and of 64 bits at most (``_values`` makes text of any other), so orjson's ``null`` for
    NaN is never written.
    """
    text = (
        orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)
        .replace(b"&", b"\\u0026")
        .replace(b"<", b"\\u003c")
        .replace(b">", b"\\u003e")
        .replace("\u2028".encode(), b"\\u2028")
        .replace("\u2029".encode(), b"\\u2029")
    )
    return text.decode("utf-8")


def _viz_file(name: str) -> str:
    """Read a file of the viewer (``viz/``, in the wheel or the source tree)."""
    return (resource_dir("viz") / name).read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def _vis_network_js() -> str:
    return resources.files("pyvis").joinpath(*_VIS_JS).read_text(encoding="utf-8")


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _page(
    payload: dict[str, Any],
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    options: dict[str, Any],
    *,
    title: str,
    height: str,
) -> str:
    template = _viz_file("template.html")
    vis_js = _vis_network_js()
    scripts = [_viz_file(name) for name in _VIEWER_SCRIPTS]
    payload = {**payload, "title": title, "options": options}
    graph_json = _json_for_script({"nodes": nodes, "edges": edges})
    meta_json = _json_for_script(payload)
    geo = payload.get("geo") or {}
    located = bool(geo.get("nodes") or geo.get("events"))
    map_json = _json_for_script(json.loads(_viz_file(_BASEMAP)) if located else None)
    hashes = " ".join(_csp_hash(script) for script in [vis_js, *scripts])
    csp = (
        "default-src 'none'; "
        f"script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; "
        "form-action 'none'; base-uri 'none'"
    )
    replacements = {
        "{{csp}}": html.escape(csp, quote=False),
        "{{title}}": html.escape(title, quote=True),
        "{{height}}": height,
        "{{css}}": _viz_file("viewer.css").replace("</", "<\\/"),
        "{{graph_json}}": graph_json,
        "{{meta_json}}": meta_json,
        "{{map_json}}": map_json,
        "{{vis_js}}": vis_js,
        "{{viewer_scripts}}": "\n".join(f"<script>{script}</script>" for script in scripts),
    }
    # One pass, so text inserted for one placeholder is never searched for another.
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], template)
