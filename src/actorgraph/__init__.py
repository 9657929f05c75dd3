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
from actorgraph._version import __version__

if TYPE_CHECKING:
    from actorgraph.network._analytics import (
        centrality,
        communities,
        ego_network,
        shortest_path_claims,
        timeline,
    )
    from actorgraph.network._export import (
        read_gexf,
        read_graphml,
        read_node_link,
        write_gexf,
        write_graphml,
        write_node_link,
    )
    from actorgraph.network._from_networkx import from_networkx
    from actorgraph.network._to_networkx import to_networkx
    from actorgraph.page._notebook import Page, show
    from actorgraph.page._profile import Profile, profile
    from actorgraph.page._render import render_html
    from actorgraph.sparql._results import QueryResult
    from actorgraph.store._knowledge_graph import KnowledgeGraph
    from actorgraph.store._open import load, resolve

# Everything but the errors is imported on first use: rdflib alone takes 0.2 s to import, and a
# command that reads a kept result back (`actorgraph profile NAME --store DIR`) needs none of it.
_LAZY = {
    "centrality": "actorgraph.network._analytics",
    "communities": "actorgraph.network._analytics",
    "ego_network": "actorgraph.network._analytics",
    "from_networkx": "actorgraph.network._from_networkx",
    "KnowledgeGraph": "actorgraph.store._knowledge_graph",
    "load": "actorgraph.store._open",
    "Page": "actorgraph.page._notebook",
    "Profile": "actorgraph.page._profile",
    "profile": "actorgraph.page._profile",
    "QueryResult": "actorgraph.sparql._results",
    "read_gexf": "actorgraph.network._export",
    "read_graphml": "actorgraph.network._export",
    "read_node_link": "actorgraph.network._export",
    "render_html": "actorgraph.page._render",
    "resolve": "actorgraph.store._open",
    "shortest_path_claims": "actorgraph.network._analytics",
    "show": "actorgraph.page._notebook",
    "timeline": "actorgraph.network._analytics",
    "to_networkx": "actorgraph.network._to_networkx",
    "write_gexf": "actorgraph.network._export",
    "write_graphml": "actorgraph.network._export",
    "write_node_link": "actorgraph.network._export",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'actorgraph' has no attribute {name!r}")
    import importlib  # noqa: PLC0415

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # The names imported on first use too (completion in a notebook or an editor).
    return sorted({*globals(), *_LAZY})


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
