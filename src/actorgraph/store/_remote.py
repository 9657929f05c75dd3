"""Remote SPARQL endpoints: queries sent over the SPARQL 1.1 Protocol."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING

from actorgraph._errors import EndpointError, QueryError
from actorgraph._version import __version__
from actorgraph.sparql._query import (
    QueryResult,
    _check_param_names,
    bind_values,
    check_params,
    check_query,
    param_terms,
)
from actorgraph.vocab._namespaces import PREFIXES

if TYPE_CHECKING:
    pass


# --------------------------------------------------------------------------------------------
# Remote endpoints


def query_endpoint(
    endpoint: str,
    sparql: str,
    *,
    params: Mapping[str, object] | None,
    timeout: float | None,
    allow_remote: bool,
    limit: int | None,
) -> QueryResult:
    check_query(sparql, allow_remote=allow_remote)
    if params:
        sparql = bind_remote_params(sparql, params)
    # The prefixes go on the query's first line so that the server's line numbers stay true.
    declared = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    body = urllib.parse.urlencode({"query": f"{declared} {sparql}"}).encode()
    request = urllib.request.Request(
        endpoint,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            "User-Agent": f"actorgraph/{__version__}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout or 60) as response:
            content_type = response.headers.get("Content-Type", "")
            payload = response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        if exc.code == 400:
            raise QueryError(f"the endpoint refused the query: {detail}") from None
        raise EndpointError(f"{endpoint} answered HTTP {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise EndpointError(
            f"cannot reach {endpoint}: {exc}; check the URL and that the server runs"
        ) from None
    if "n-triples" in content_type:
        return QueryResult("CONSTRUCT", payload)
    doc = json.loads(payload)
    if "boolean" in doc:
        return QueryResult("ASK", payload)
    truncated = False
    if limit is not None and len(doc["results"]["bindings"]) > limit:
        doc["results"]["bindings"] = doc["results"]["bindings"][:limit]
        truncated = True
    return QueryResult("SELECT", json.dumps(doc).encode(), truncated=truncated)


def bind_remote_params(sparql: str, params: Mapping[str, object]) -> str:
    """The query with ``params`` written into it as ``VALUES`` blocks, for a remote endpoint.

    Values are read as locally (:func:`actorgraph.sparql._query.parse_param`) and placed as for a local
    query's parameters that Oxigraph cannot substitute (:func:`actorgraph.sparql._query.bind_values`), so
    a ``FILTER`` or ``BIND`` anywhere in the pattern sees them and a value can only be one term.
    """
    check_params(sparql, params)
    terms = param_terms(params)
    _check_param_names(sparql, [variable.value for variable in terms])
    return bind_values(sparql, terms)[0]
