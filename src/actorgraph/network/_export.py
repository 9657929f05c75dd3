"""Writing projected graphs for Gephi, Cytoscape and other tools, and reading them back.

GraphML and GEXF hold only scalar attribute values, so list and dict attributes (``types``,
``aliases``, ``statements``, ``sources``, ``G.graph["properties"]``, …) are written as JSON strings, and
the readers here decode them: an attribute is JSON-encoded on every node (or edge) of a file when any of
its values there is a list or a dict, or when its values are of mixed types, and the graph attribute
``json_attributes`` names those attributes so that nothing else is decoded. Node-link JSON holds lists
natively and is written as it is.

XML 1.0 cannot carry every character a Python string (or an RDF literal) can hold: most control
characters (U+0000 to U+001F but tab, newline and carriage return), U+FFFE, U+FFFF and lone
surrogates. A text value holding one is written as JSON (which writes them as ``\\u`` escapes), and
``json_attributes`` lists it under ``"escaped"`` (by node, edge and attribute), so the file stays
well-formed, the other values stay plain text, and everything reads back exactly. A node id, edge key
or attribute name holding one cannot be written: that is a :class:`~actorgraph.UsageError` naming it
(node-link JSON holds any string).

GEXF is written as version 1.3 with time: each dated node (``earliest``/``latest``) and each edge whose
statements or events are dated gets spells, so Gephi's timeline works. The edges' own ``start``/``end``
(dates at the source's precision, which GEXF's ``date`` time format cannot hold) travel as
``start_date``/``end_date`` and are renamed back by :func:`read_gexf`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx

from actorgraph._errors import UsageError
from actorgraph._files import write_file
from actorgraph.vocab._dates import date_bounds

__all__ = [
    "NETWORK_FORMATS",
    "read_gexf",
    "read_graphml",
    "read_network",
    "read_node_link",
    "write_gexf",
    "write_graphml",
    "write_network",
    "write_node_link",
]

#: The network formats of the command line and :func:`write_network`.
NETWORK_FORMATS = ("graphml", "gexf", "node-link")

_JSON_KEY = "json_attributes"
_SCALARS = (str, int, float, bool)
_GEXF_RENAMES = {"start": "start_date", "end": "end_date"}


#: What XML 1.0 cannot carry (its Char production), in a str: escaped or refused, never written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    if _NOT_XML.search(text):  # JSON escapes control characters, not U+FFFE/U+FFFF/surrogates
        text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), default=str)
    return text


def _check_xml_name(kind: str, name: Any, where: str = "") -> None:
    """Refuse a node id, edge key or attribute name that XML 1.0 cannot carry."""
    found = _NOT_XML.search(str(name))
    if found:
        raise UsageError(
            f"the {kind} {str(name)!r}{where} holds U+{ord(found.group()):04X}, a character XML "
            "1.0 cannot carry, so GraphML and GEXF cannot hold it: rename it, or export node-link "
            "JSON, which can"
        )


def _encoded_names(rows: Iterable[Mapping[str, Any]]) -> set[str]:
    """Attributes to write as JSON: any list/dict value, or values of more than one type."""
    kinds: dict[str, set[type]] = {}
    for data in rows:
        for name, value in data.items():
            kind = type(value)
            if isinstance(value, list | tuple | dict | set):
                kind = list
            elif kind is bool or not isinstance(value, _SCALARS):
                kind = bool if kind is bool else object
            kinds.setdefault(name, set()).add(kind)
    return {name for name, found in kinds.items() if len(found) > 1 or found & {list, object}}


def _encode_row(
    data: Mapping[str, Any], names: set[str], escaped: list[str] | None = None
) -> dict[str, Any]:
    """JSON-encode the attributes in ``names``; also any other text value that XML cannot carry,
    whose name then goes into ``escaped``."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if value is None:
            continue
        if name in names:
            out[name] = _json(value)
        elif escaped is not None and isinstance(value, str) and _NOT_XML.search(value):
            out[name] = _json(value)
            escaped.append(name)
        else:
            out[name] = value
    return out


def _encoded(G: nx.Graph, *, renames: Mapping[str, str] | None = None) -> nx.MultiDiGraph:
    """A copy of ``G`` whose list and dict attributes are JSON strings (see the module's notes)."""
    renames = renames or {}
    edges = _edges(G)
    for node, data in G.nodes(data=True):
        _check_xml_name("node id", node)
        for name in data:
            _check_xml_name("attribute name", name, f" (node {str(node)!r})")
    for u, v, k, data in edges:
        _check_xml_name("edge key", k, f" (edge {str(u)!r} -> {str(v)!r})")
        for name in data:
            _check_xml_name("attribute name", name, f" (edge {str(u)!r} -> {str(v)!r})")
    for name in G.graph:
        _check_xml_name("attribute name", name, " (graph)")
    node_rows = [dict(d) for _, d in G.nodes(data=True)]
    edge_rows = [{renames.get(k, k): v for k, v in d.items()} for *_, d in edges]
    graph_row = {k: v for k, v in G.graph.items() if k != _JSON_KEY}
    names = {
        "node": sorted(_encoded_names(node_rows)),
        "edge": sorted(_encoded_names(edge_rows)),
        "graph": sorted(_encoded_names([graph_row])),
    }
    H = nx.MultiDiGraph() if G.is_directed() else nx.MultiGraph()
    escaped: dict[str, list[list[str]]] = {"graph": [], "node": [], "edge": []}
    found: list[str] = []
    H.graph.update(_encode_row(graph_row, set(names["graph"]), found))
    escaped["graph"] += [[name] for name in found]
    node_set = set(names["node"])
    for n, row in zip(G.nodes, node_rows, strict=True):
        found = []
        H.add_node(str(n), **_encode_row(row, node_set, found))
        escaped["node"] += [[str(n), name] for name in found]
    edge_set = set(names["edge"])
    for (u, v, k, _), row in zip(edges, edge_rows, strict=True):
        found = []
        H.add_edge(str(u), str(v), str(k), **_encode_row(row, edge_set, found))
        escaped["edge"] += [[str(u), str(v), str(k), name] for name in found]
    if any(escaped.values()):
        names["escaped"] = escaped  # type: ignore[assignment]
    H.graph[_JSON_KEY] = _json(names)
    return H


def _edges(G: nx.Graph) -> list[tuple[Any, Any, Any, dict[str, Any]]]:
    if G.is_multigraph():
        return list(G.edges(keys=True, data=True))
    return [(u, v, d.get("key", i), d) for i, (u, v, d) in enumerate(G.edges(data=True))]


def _decoded(H: nx.Graph, *, renames: Mapping[str, str] | None = None) -> nx.MultiDiGraph:
    """Undo :func:`_encoded` on a graph a networkx reader returned."""
    raw = H.graph.pop(_JSON_KEY, None)
    names = json.loads(raw) if isinstance(raw, str) else {"node": [], "edge": [], "graph": []}
    back = {v: k for k, v in (renames or {}).items()}

    def decode(data: dict[str, Any], scope: str) -> dict[str, Any]:
        wanted = set(names.get(scope, []))
        out = {}
        for raw_name, value in data.items():
            name = back.get(raw_name, raw_name) if scope == "edge" else raw_name
            out[name] = json.loads(value) if name in wanted and isinstance(value, str) else value
        return out

    G = nx.MultiDiGraph()
    G.graph.update(decode(dict(H.graph), "graph"))
    G.add_nodes_from((n, decode(dict(d), "node")) for n, d in H.nodes(data=True))
    G.add_edges_from((u, v, k, decode(dict(d), "edge")) for u, v, k, d in _edges(H))
    escaped = names.get("escaped", {})
    for (name,) in escaped.get("graph", []):
        G.graph[name] = json.loads(G.graph[name])
    for node, name in escaped.get("node", []):
        G.nodes[node][name] = json.loads(G.nodes[node][name])
    for u, v, k, name in escaped.get("edge", []):
        original = back.get(name, name)
        G.edges[u, v, k][original] = json.loads(G.edges[u, v, k][original])
    return G


def write_graphml(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write a projected graph as GraphML (list and dict attributes as JSON strings).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:ttp", label="Tehrik-i-Taliban Pakistan", aliases=["TTP"])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> write_graphml(G, path)
    >>> read_graphml(path).nodes["agd:ttp"]["aliases"]
    ['TTP']
    """
    H = _encoded(G)
    _staged(path, lambda staged: nx.write_graphml(H, staged))


def read_graphml(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a GraphML file written by :func:`write_graphml`, decoding its JSON attributes."""
    H = nx.read_graphml(os.fspath(path), force_multigraph=True)
    for key in ("node_default", "edge_default"):  # added by networkx's reader
        H.graph.pop(key, None)
    return _decoded(H)


def _spells(
    intervals: Iterable[tuple[str | None, str | None]],
) -> list[tuple[str | None, str | None]]:
    out = sorted(
        {(lo, hi) for lo, hi in intervals if lo or hi}, key=lambda s: (s[0] or "", s[1] or "")
    )
    return out


def _node_spell(data: Mapping[str, Any]) -> tuple[str | None, str | None]:
    lo, hi = data.get("earliest"), data.get("latest")
    lo = min(lo) if isinstance(lo, list) and lo else lo
    hi = max(hi) if isinstance(hi, list) and hi else hi
    return (lo if isinstance(lo, str) else None, hi if isinstance(hi, str) else None)


def _edge_spells(
    G: nx.Graph, u: Any, data: Mapping[str, Any]
) -> list[tuple[str | None, str | None]]:
    if "events" in data:
        return _spells([(data.get("earliest"), data.get("latest"))])
    found = []
    for st in data.get("statements", []):
        lo, hi = st.get("earliest"), st.get("latest")
        if lo is None and isinstance(st.get("start"), str):
            lo = date_bounds(st["start"])[0]
        if hi is None and isinstance(st.get("end"), str):
            hi = date_bounds(st["end"])[1]
        found.append((lo, hi))
    spells = _spells(found)
    if not spells:  # an event's edges (claimed by, target, place) live when the event happened
        spells = _spells([_node_spell(G.nodes[u])])
    return spells


def write_gexf(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write a projected graph as GEXF 1.3 with spells for Gephi's timeline.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("agd:bajaur-rally-bombing-2023", label="Bajaur rally bombing", date="2023",
    ...            earliest="2023-01-01", latest="2023-12-31")
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.gexf"
    >>> write_gexf(G, path)
    >>> read_gexf(path).nodes["agd:bajaur-rally-bombing-2023"]["date"]
    '2023'
    """
    H = _encoded(G, renames=_GEXF_RENAMES)
    for node, data in G.nodes(data=True):
        spells = _spells([_node_spell(data)])
        if spells:
            H.nodes[str(node)]["spells"] = spells
    for u, v, k, data in _edges(G):
        spells = _edge_spells(G, u, data)
        edge = H.edges[str(u), str(v), str(k)]
        # networkx's GEXF reader gives keys back only for parallel edges: carry each key along.
        edge["edge_key"] = str(k)
        if spells:
            edge["spells"] = spells
    # Only the graph's own description survives in GEXF's <meta>; our graph attributes go there as
    # one JSON string so that read_gexf gives them back.
    graph_attrs = dict(H.graph)
    unlabelled = sorted(str(n) for n, d in G.nodes(data=True) if "label" not in d)
    if unlabelled:  # GEXF gives every node a label; these had none
        graph_attrs["unlabelled_nodes"] = unlabelled
    meta = _json(graph_attrs)
    H.graph.clear()

    def produce(staged: str) -> None:
        nx.write_gexf(H, staged, version="1.3", prettyprint=True)
        _finish_gexf(Path(staged), meta)

    _staged(path, produce)


def _finish_gexf(path: Path, meta: str) -> None:
    """Bring networkx's GEXF "1.3" output to the 1.3 specification and add our description."""
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    ns = "http://gexf.net/1.3"
    ET.register_namespace("", ns)
    ET.register_namespace("viz", "http://gexf.net/1.3/viz")
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    ET.register_namespace("xsi", xsi)
    tree = ET.parse(path)
    root = tree.getroot()
    # networkx 3.x writes GEXF 1.3's schemaLocation in a misspelt XSI namespace (no "www."), which
    # schema validators do not recognise; put it in the real one.
    for name in list(root.attrib):
        if name.endswith("}schemaLocation") and name != f"{{{xsi}}}schemaLocation":
            root.attrib[f"{{{xsi}}}schemaLocation"] = root.attrib.pop(name)
    graph = root.find(f"{{{ns}}}graph")
    if graph is not None:
        edge_key_ids = set()
        for attributes in graph.findall(f"{{{ns}}}attributes"):
            # GEXF 1.3 dropped the mode of <attributes> (the graph's mode says it).
            attributes.attrib.pop("mode", None)
            if attributes.get("class") == "edge":
                edge_key_ids |= {
                    a.get("id")
                    for a in attributes.findall(f"{{{ns}}}attribute")
                    if a.get("title") == "edge_key"
                }
        # Parallel edges (two properties between the same nodes) are told apart by their kind in
        # 1.3; without one, Gephi merges them. The kind is the edge's property.
        for edge in graph.iter(f"{{{ns}}}edge"):
            for value in edge.iter(f"{{{ns}}}attvalue"):
                if value.get("for") in edge_key_ids:
                    edge.set("kind", value.get("value", ""))
    meta_el = root.find(f"{{{ns}}}meta")
    if meta_el is None:
        meta_el = ET.Element(f"{{{ns}}}meta")
        root.insert(0, meta_el)
    for child in list(meta_el):
        if child.tag == f"{{{ns}}}description":
            meta_el.remove(child)
    creator = meta_el.find(f"{{{ns}}}creator")
    if creator is None:
        creator = ET.SubElement(meta_el, f"{{{ns}}}creator")
    creator.text = "actorgraph"
    description = ET.SubElement(meta_el, f"{{{ns}}}description")
    description.text = meta
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def read_gexf(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a GEXF file written by :func:`write_gexf`, decoding its JSON attributes.

    Spells are dropped (they are derived from ``earliest``/``latest`` and the statements); a node
    label that GEXF requires but the graph did not have is dropped too.
    """
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    H = nx.read_gexf(os.fspath(path), version="1.3")
    root = ET.parse(path).getroot()
    description = root.find("{http://gexf.net/1.3}meta/{http://gexf.net/1.3}description")
    graph_attrs = (
        json.loads(description.text) if description is not None and description.text else {}
    )
    if not H.is_multigraph():
        H = nx.MultiDiGraph(H)
    unlabelled = set(graph_attrs.pop("unlabelled_nodes", []))
    H.graph.clear()
    H.graph.update(graph_attrs)
    for node, data in H.nodes(data=True):
        data.pop("spells", None)
        if node in unlabelled:
            data.pop("label", None)
    keyed = nx.MultiDiGraph()
    keyed.graph.update(H.graph)
    keyed.add_nodes_from(H.nodes(data=True))
    for u, v, k, data in _edges(H):
        data.pop("spells", None)
        data.pop("id", None)
        data.pop("networkx_key", None)
        keyed.add_edge(u, v, key=data.pop("edge_key", k), **data)
    return _decoded(keyed, renames=_GEXF_RENAMES)


def write_node_link(G: nx.Graph, path: str | os.PathLike[str]) -> None:
    """Write a projected graph as node-link JSON (lists and dicts as JSON arrays and objects).

    The layout is networkx's :func:`~networkx.node_link_data` with ``edges="edges"``: ``nodes`` (each
    with ``id``), ``edges`` (each with ``source``, ``target`` and ``key``), ``graph``, ``directed``,
    ``multigraph``.
    """
    data = nx.node_link_data(G, edges="edges")
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n"
    write_file(path, text.encode("utf-8"))


def read_node_link(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a node-link JSON file written by :func:`write_node_link`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    G = nx.node_link_graph(data, edges="edges")
    return G if isinstance(G, nx.MultiDiGraph) else nx.MultiDiGraph(G)


_WRITERS = {"graphml": write_graphml, "gexf": write_gexf, "node-link": write_node_link}
_READERS = {"graphml": read_graphml, "gexf": read_gexf, "node-link": read_node_link}


def write_network(G: nx.Graph, path: str | os.PathLike[str], format: str) -> None:
    """Write a projected graph in one of :data:`NETWORK_FORMATS` (``graphml``, ``gexf``, ``node-link``).

    Raises
    ------
    UsageError
        If the format is not one of them.
    """
    writer = _WRITERS.get(format)
    if writer is None:
        raise UsageError(f"unknown network format {format!r}: use {', '.join(NETWORK_FORMATS)}")
    writer(G, path)


def _staged(path: str | os.PathLike[str], produce: Callable[[str], None]) -> None:
    """Let a writer that wants a file name write into a private temporary file, then write its
    bytes to ``path`` by :func:`actorgraph._files.write_file`'s rules (symlinks followed, FIFOs
    streamed into, plain files replaced atomically)."""
    with tempfile.TemporaryDirectory(prefix="actorgraph-") as folder:
        staged = os.path.join(folder, "network")
        produce(staged)
        data = Path(staged).read_bytes()
    write_file(path, data)


def read_network(path: str | os.PathLike[str], format: str) -> nx.MultiDiGraph:
    """Read a file that :func:`write_network` wrote in that format."""
    reader = _READERS.get(format)
    if reader is None:
        raise UsageError(f"unknown network format {format!r}: use {', '.join(NETWORK_FORMATS)}")
    return reader(path)
