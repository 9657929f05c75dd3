"""actorgraph: a sourced knowledge graph of militant groups and the actors around them.

Load it, ask it in SPARQL, project it to NetworkX, draw it as one offline page::

    import actorgraph
    kg = actorgraph.load()
    kg.query("SELECT ?attack ?group WHERE { ?attack ag:claimedBy ?group }")
    G = kg.to_networkx()
"""

from __future__ import annotations

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

__all__ = [
    "ActorGraphError",
    "DataError",
    "DataErrors",
    "EndpointError",
    "ImportRejectedError",
    "KnowledgeGraph",
    "QueryError",
    "QueryResult",
    "QueryTimeout",
    "StoreLockedError",
    "UnknownNameError",
    "UsageError",
    "__version__",
    "load",
    "resolve",
]
