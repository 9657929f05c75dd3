"""actorgraph: a sourced knowledge graph of militant groups and the actors around them.

Load it, ask it in SPARQL, project it to NetworkX, draw it as one offline page::

    import actorgraph
    kg = actorgraph.load()
    kg.query("SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }")
    G = kg.to_networkx()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actorgraph._errors import (
    ActorGraphError,
    DataError,
    DataErrors,
    EndpointError,
    ImportRejectedError,
    QueryError,
    QueryTimeout,
    StoreLockedError,
    UnknownNameError,
    UsageError,
)
from actorgraph._query import QueryResult
from actorgraph._store import KnowledgeGraph, load, resolve
from actorgraph._version import __version__

if TYPE_CHECKING:
    from actorgraph._analytics import (
        centrality,
        communities,
        ego_network,
        shortest_path_claims,
        timeline,
    )
    from actorgraph._export import (
        read_gexf,
        read_graphml,
        read_node_link,
        write_gexf,
        write_graphml,
        write_node_link,
    )
    from actorgraph._network import from_networkx, to_networkx
    from actorgraph._notebook import Page, show
    from actorgraph._profile import Profile, profile
    from actorgraph._render import render_html

# The NetworkX side is imported on first use, so that `import actorgraph` stays light.
_LAZY = {
    "centrality": "actorgraph._analytics",
    "communities": "actorgraph._analytics",
    "ego_network": "actorgraph._analytics",
    "from_networkx": "actorgraph._network",
    "Page": "actorgraph._notebook",
    "Profile": "actorgraph._profile",
    "profile": "actorgraph._profile",
    "read_gexf": "actorgraph._export",
    "read_graphml": "actorgraph._export",
    "read_node_link": "actorgraph._export",
    "render_html": "actorgraph._render",
    "shortest_path_claims": "actorgraph._analytics",
    "show": "actorgraph._notebook",
    "timeline": "actorgraph._analytics",
    "to_networkx": "actorgraph._network",
    "write_gexf": "actorgraph._export",
    "write_graphml": "actorgraph._export",
    "write_node_link": "actorgraph._export",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'actorgraph' has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ActorGraphError",
    "DataError",
    "DataErrors",
    "EndpointError",
    "ImportRejectedError",
    "KnowledgeGraph",
    "Page",
    "Profile",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "StoreLockedError",
    "UnknownNameError",
    "UsageError",
    "__version__",
    "centrality",
    "communities",
    "ego_network",
    "from_networkx",
    "load",
    "profile",
    "read_gexf",
    "read_graphml",
    "read_node_link",
    "render_html",
    "resolve",
    "shortest_path_claims",
    "show",
    "timeline",
    "to_networkx",
    "write_gexf",
    "write_graphml",
    "write_node_link",
]
