"""A remote SPARQL endpoint: queries sent to it (``load("http…")``, ``query --endpoint``), its replies
checked before anything trusts them, and what its default graph shows.

A reply is read through :mod:`actorgraph.store._client` (deadline, size cap, no redirect to another origin)
and parsed by pyoxigraph's results and RDF parsers, which refuse anything that is not exactly a SPARQL
result: an HTML page, truncated or malformed JSON, a JSON list, a binding of an unknown kind, a
``{"head": …}`` without ``results``, broken N-Triples. Each is an :class:`EndpointError` (exit code 6)
quoting what came back.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from actorgraph._errors import EndpointError, QueryError
from actorgraph.sparql._guard import check_query
from actorgraph.sparql._parameters import bind_values, check_param_names, check_params, param_terms
from actorgraph.sparql._results import QueryResult
from actorgraph.sparql._tokens import query_form
from actorgraph.store._client import Client, Reply, excerpt, redacted
from actorgraph.vocab._namespaces import PREFIXES

__all__ = [
    "TRUNCATED_HEADER",
    "UNION_ADVICE",
    "EndpointView",
    "bind_remote_params",
    "default_graph_hint",
    "query_endpoint",
    "query_url_for",
    "view_of_graphs",
]

#: The header with which ``actorgraph serve`` says that its row cap cut a result.
TRUNCATED_HEADER = "X-ActorGraph-Truncated"
#: The header with which Virtuoso says that an answer reached its row cap (``ResultSetMaxRows``).
VIRTUOSO_CAP_HEADER = "X-SPARQL-MaxRows"

#: What to do when an endpoint's default graph does not include its named graphs.
UNION_ADVICE = (
    "a query without GRAPH or FROM (every saved query) sees only the default graph. Either have "
    "the server answer from the union of its graphs (Oxigraph: restart it as `oxigraph serve "
    "--location DIR --union-default-graph`; Fuseki: `tdb2:unionDefaultGraph true`), or name the "
    "graphs in the query: `GRAPH ?g { … }`, or `FROM <https://w3id.org/actorgraph/graph/curated>`"
)

# SPARQL results for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE, each asked for only for its
# own form: Virtuoso answers a CONSTRUCT to `Accept: application/sparql-results+json` with its
# triples as a table (in a JSON of its own, "lang" for "xml:lang").
_ACCEPT_RESULTS = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
_ACCEPT_GRAPH = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
_ACCEPTS = {
    "SELECT": _ACCEPT_RESULTS,
    "ASK": _ACCEPT_RESULTS,
    "CONSTRUCT": _ACCEPT_GRAPH,
    "DESCRIBE": _ACCEPT_GRAPH,
}
_RESULTS_FORMATS = {
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML}
_DEFAULT_TIMEOUT = 60.0


def query_endpoint(
    endpoint: str,
    sparql: str,
    *,
    params: Mapping[str, object] | None = None,
    timeout: float | None = None,
    allow_remote: bool = False,
    limit: int | None = None,
    client: Client | None = None,
) -> QueryResult:
    """Run ``sparql`` on the endpoint, with actorgraph's prefixes; read its reply as a local result.

    ``timeout`` (default 60 s) bounds the whole exchange. ``result.truncated`` is set when ``limit``
    cut rows here or the endpoint says it cut them (``result.endpoint_cap``).
    """
    check_query(sparql, allow_remote=allow_remote)
    if params:
        sparql = bind_remote_params(sparql, params)
    # The prefixes go on the query's first line so that the server's line numbers stay true.
    declared = " ".join(f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items())
    accept = _ACCEPTS.get(query_form(sparql) or "", f"{_ACCEPT_RESULTS}, {_ACCEPT_GRAPH}")
    reply = _post_query(endpoint, f"{declared} {sparql}", timeout, client, accept=accept)
    return _result_of(reply, endpoint, limit=limit)


def _post_query(
    endpoint: str,
    text: str,
    timeout: float | None,
    client: Client | None,
    *,
    accept: str = _ACCEPT_RESULTS,
) -> Reply:
    body = urllib.parse.urlencode({"query": text}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept}
    own = client is None
    client = client or Client()
    try:
        return client.request(
            "POST",
            endpoint,
            content=body,
            headers=headers,
            timeout=timeout or _DEFAULT_TIMEOUT,
            write=False,
        )
    finally:
        if own:
            client.close()


def bind_remote_params(sparql: str, params: Mapping[str, object]) -> str:
    """The query with ``params`` written into it as ``VALUES`` blocks, for a remote endpoint.

    Values are read as locally (:func:`actorgraph.sparql._parameters.parse_param`) and placed as for a local
    query's parameters that Oxigraph cannot substitute (:func:`actorgraph.sparql._parameters.bind_values`), so
    a ``FILTER`` or ``BIND`` anywhere in the pattern sees them and a value can only be one term.
    """
    check_params(sparql, params)
    terms = param_terms(params)
    check_param_names(sparql, [variable.value for variable in terms])
    return bind_values(sparql, terms)[0]


def _result_of(reply: Reply, endpoint: str, *, limit: int | None) -> QueryResult:
    where = redacted(endpoint)
    if reply.status == 400:
        raise QueryError(f"the endpoint refused the query: {excerpt(reply.body, 500)}")
    if not 200 <= reply.status < 300:
        raise EndpointError(_status_message(where, reply))
    media_type = reply.media_type
    results_format = ox.QueryResultsFormat.from_media_type(media_type) if media_type else None
    graph_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
    try:
        if results_format in _RESULTS_FORMATS:
            parsed = ox.parse_query_results(reply.body, format=results_format)
            kind = "ASK" if isinstance(parsed, ox.QueryBoolean) else "SELECT"
            payload = parsed.serialize(format=ox.QueryResultsFormat.JSON) or b""
        elif graph_format in _GRAPH_FORMATS:
            # pyoxigraph reads every statement of a triples format as a quad of the default graph.
            triples = [q.triple for q in ox.parse(reply.body, format=graph_format)]
            kind, payload = "CONSTRUCT", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        else:
            raise EndpointError(
                f"{where} answered with {media_type or 'no Content-Type'}, not SPARQL results "
                f"(is this the server's query URL?): {excerpt(reply.body)}"
            )
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(
            f"{where} sent a reply that is not valid {media_type} ({_first_line(exc)}): "
            f"{excerpt(reply.body)}"
        ) from None
    cap = reply.headers.get(TRUNCATED_HEADER)
    if cap is None and VIRTUOSO_CAP_HEADER in reply.headers:
        # Virtuoso sends it when the answer reached its ResultSetMaxRows (virtuoso.ini, [SPARQL]).
        cap = f"Virtuoso's ResultSetMaxRows={reply.headers[VIRTUOSO_CAP_HEADER]}"
    truncated = cap is not None
    if kind == "SELECT" and limit is not None:
        doc = json.loads(payload)
        if len(doc["results"]["bindings"]) > limit:
            doc["results"]["bindings"] = doc["results"]["bindings"][:limit]
            payload = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            truncated = True
    return QueryResult(kind, payload, truncated=truncated, endpoint_cap=cap)


def _first_line(exc: Exception) -> str:
    return excerpt(str(exc).encode("utf-8"), 160)


def _status_message(where: str, reply: Reply) -> str:
    hint = ""
    if reply.status in {401, 403}:
        hint = " (the endpoint wants credentials, or refuses these)"
    elif reply.status in {404, 405}:
        hint = " (is this the server's query URL?)"
    return f"{where} answered HTTP {reply.status}{hint}: {excerpt(reply.body)}"


def _ask(endpoint: str, text: str, *, client: Client, timeout: float) -> bool:
    result = _result_of(_post_query(endpoint, text, timeout, client), endpoint, limit=None)
    if result.type != "ASK":
        raise EndpointError(f"{redacted(endpoint)} answered an ASK query with a {result.type}")
    return bool(result)


def default_graph_hint(
    endpoint: str, *, client: Client | None = None, timeout: float = 10.0
) -> str | None:
    """A warning when the endpoint's default graph is empty while its named graphs are not (then
    a query without ``GRAPH`` or ``FROM`` finds nothing), or ``None``."""
    own = client is None
    client = client or Client()
    try:
        if _ask(endpoint, "ASK { ?s ?p ?o }", client=client, timeout=timeout):
            return None
        if not _ask(endpoint, "ASK { GRAPH ?g { ?s ?p ?o } }", client=client, timeout=timeout):
            return None
    finally:
        if own:
            client.close()
    return (
        f"the default graph of {redacted(endpoint)} is empty, but its named graphs hold triples: "
        + UNION_ADVICE
    )


@dataclass(frozen=True)
class EndpointView:
    """What a query endpoint sees of some graphs: the triples in each, and which of them its
    default graph shows."""

    counts: dict[str, int]
    in_default: frozenset[str]


def view_of_graphs(
    endpoint: str,
    samples: Mapping[str, ox.Triple | None],
    *,
    client: Client,
    timeout: float = 60.0,
) -> EndpointView:
    """Count the triples of each graph in ``samples`` at the endpoint, and ask whether its default
    graph shows each graph's sample triple (a triple of that graph without blank nodes)."""
    graphs: Sequence[str] = sorted(samples)
    listed = " ".join(f"<{g}>" for g in graphs)
    counted = _result_of(
        _post_query(
            endpoint,
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {listed} }} GRAPH ?g {{ ?s ?p ?o }} }} "
            "GROUP BY ?g",
            timeout,
            client,
        ),
        endpoint,
        limit=None,
    )
    counts = dict.fromkeys(graphs, 0)
    for row in counted:
        try:
            counts[str(row[0])] = int(str(row[1]))
        except (TypeError, ValueError):
            raise EndpointError(
                f"{redacted(endpoint)} answered a COUNT with {row[1]!r}, not a number"
            ) from None
    # One constant pattern per sample, not one VALUES block: Virtuoso 7.2 drops the VALUES rows
    # of several variables that hold a language-tagged literal, when there is more than one row.
    branches = " UNION ".join(
        f"{{ {t.subject} {t.predicate} {t.object} BIND({ox.NamedNode(g)} AS ?g) }}"
        for g, t in samples.items()
        if t is not None
    )
    in_default: set[str] = set()
    if branches:
        shown = _result_of(
            _post_query(
                endpoint,
                f"SELECT DISTINCT ?g WHERE {{ {branches} }}",
                timeout,
                client,
            ),
            endpoint,
            limit=None,
        )
        in_default = {str(row[0]) for row in shown}
    return EndpointView(counts, frozenset(in_default))


def query_url_for(url: str) -> str | None:
    """The query endpoint that usually sits beside a Graph Store or Update URL, or ``None``.

    Oxigraph and Fuseki: ``…/store``, ``…/update``, ``…/data`` → ``…/query``; Virtuoso:
    ``/sparql-graph-crud[-auth]`` → ``/sparql[-auth]``, and ``/sparql`` takes both; GraphDB:
    ``…/repositories/NAME/statements`` and ``…/rdf-graphs/service`` → ``…/repositories/NAME``.
    """
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if last in {"store", "update", "data"}:
        new = f"{head}/query"
    elif last in {"sparql-graph-crud", "sparql-graph-crud-auth"}:
        new = f"{head}/sparql" + ("-auth" if last.endswith("-auth") else "")
    elif last in {"sparql", "sparql-auth"}:
        new = path
    elif last == "statements" and head.rpartition("/")[0].endswith("/repositories"):
        new = head
    elif path.endswith("/rdf-graphs/service"):
        new = path.removesuffix("/rdf-graphs/service")
    else:
        return None
    return urllib.parse.urlunsplit(parts._replace(path=new, query="", fragment=""))
