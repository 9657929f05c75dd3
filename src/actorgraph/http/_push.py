"""``actorgraph push``: load the knowledge graph into any SPARQL 1.1 store.

Two standard ways, both repeatable (a push replaces each graph it sends, and statements are named by
their content, so pushing twice never duplicates anything):

- the Graph Store HTTP Protocol: one ``PUT <gsp>?graph=<IRI>`` of N-Triples per named graph;
- SPARQL 1.1 Update, for stores without the Graph Store Protocol: the graph's triples are inserted
  in chunks (``INSERT DATA``) into a staging graph, which then replaces the target in one request
  (``MOVE``), so readers never see a half-loaded graph. For stores without ``MOVE``,
  ``staging=False`` runs ``DROP SILENT GRAPH`` on the target and inserts straight into it.

HTTP goes through the standard library (``urllib``): pushing needs no extra dependency. Credentials
are HTTP Basic: a user name, and the password from the environment (``ACTORGRAPH_PASSWORD``), never
from the command line.
"""

from __future__ import annotations

import base64
import contextlib
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from actorgraph._errors import EndpointError, UsageError
from actorgraph._version import __version__
from actorgraph.store._graphs import META_GRAPH, STAGING_PREFIX
from actorgraph.store._knowledge_graph import KnowledgeGraph
from actorgraph.vocab._namespaces import AGG, expand

__all__ = ["PushedGraph", "push_graphs", "pushable_graphs"]

#: The environment variable holding the password for ``--user``.
PASSWORD_ENV = "ACTORGRAPH_PASSWORD"


@dataclass(frozen=True)
class PushedGraph:
    """One graph sent: its IRI, how many triples, and in how many requests."""

    graph: str
    triples: int
    requests: int


def pushable_graphs(kg: KnowledgeGraph, only: str | None = None) -> list[str]:
    """The named graphs a push sends (IRIs): all but bookkeeping, or the one ``only`` names."""
    present = sorted(
        g.value
        for g in kg.store.named_graphs()
        if isinstance(g, ox.NamedNode)
        and not g.value.startswith(STAGING_PREFIX)
        and g.value != str(META_GRAPH)
    )
    if only is None:
        return present
    iri = _graph_iri(only)
    if iri not in present:
        listed = ", ".join(present) or "none"
        raise UsageError(f"the store has no graph {only}; its graphs are: {listed}")
    return [iri]


def _graph_iri(name: str) -> str:
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if text.startswith(("http://", "https://", "urn:")):
        return text
    if text.startswith("agg:"):
        return str(AGG) + text[4:]
    try:
        return str(expand(text))
    except ValueError:
        raise UsageError(
            f"--graph {name!r}: expected a graph IRI or a CURIE such as agg:curated"
        ) from None


def _triples(kg: KnowledgeGraph, graph: str) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ]


def _n_triples(triples: Sequence[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


class _Client:
    def __init__(self, user: str | None, password: str | None, timeout: float) -> None:
        self.timeout = timeout
        self.headers = {"User-Agent": f"actorgraph/{__version__}"}
        if user is not None:
            if password is None:
                raise UsageError(
                    f"--user {user} needs a password: set the environment variable {PASSWORD_ENV}"
                )
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    def send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        request = urllib.request.Request(
            url,
            data=body,
            method=method,
            headers={**self.headers, "Content-Type": content_type},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = " ".join(exc.read().decode("utf-8", "replace").split())[:300]
            hint = ""
            if exc.code in {401, 403}:
                hint = f" (check --user and {PASSWORD_ENV}, and that the account may write)"
            elif exc.code in {404, 405}:
                hint = " (is this the server's Graph Store / Update URL?)"
            raise EndpointError(
                f"{method} {_redacted(url)} answered HTTP {exc.code}{hint}: {detail}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise EndpointError(
                f"cannot reach {_redacted(url)}: {reason}; check the URL and that the server runs"
            ) from None


def _redacted(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{netloc}"))


def _with_graph(url: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _chunks(triples: Sequence[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    # Blank nodes are scoped to one INSERT DATA request: keep every triple that has one together.
    plain = [
        t
        for t in triples
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    ]
    blank = [
        t
        for t in triples
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
    ]
    for start in range(0, len(plain), size):
        yield plain[start : start + size]
    if blank:
        yield blank


def push_graphs(
    kg: KnowledgeGraph,
    *,
    gsp: str | None = None,
    update: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    chunk_size: int = 5_000,
    timeout: float = 300.0,
    staging: bool = True,
) -> list[PushedGraph]:
    """Replace each named graph of ``kg`` (or the one ``graph`` names) in a remote store.

    Parameters
    ----------
    kg
        A local knowledge graph (in memory or on disk).
    gsp
        The store's Graph Store Protocol URL (Oxigraph: ``http://host:7878/store``).
    update
        Its SPARQL Update URL (Oxigraph: ``http://host:7878/update``); give one of the two.
    graph
        Push only this graph (an IRI or ``agg:curated``-style CURIE).
    user, password
        HTTP Basic credentials.
    chunk_size
        Triples per ``INSERT DATA`` request.
    timeout
        Seconds to wait for each request.
    staging
        With ``update``: load into a staging graph and ``MOVE`` it over the target (readers never
        see half a graph). ``False`` drops the target and inserts straight into it, for stores
        without ``MOVE``.

    Raises
    ------
    EndpointError
        When the server cannot be reached or answers with an error.
    """
    if (gsp is None) == (update is None):
        raise UsageError("give exactly one of --gsp URL (Graph Store Protocol) or --update URL")
    if chunk_size < 1:
        raise UsageError("the chunk size must be at least 1")
    target = gsp or update or ""
    if not target.startswith(("http://", "https://")):
        raise UsageError(f"{target!r} is not an http:// or https:// URL")
    if urllib.parse.urlsplit(target).password is not None:
        raise UsageError(
            f"{_redacted(target)}: keep the password out of the URL (and the command line): "
            f"give --user NAME and set the environment variable {PASSWORD_ENV}"
        )
    client = _Client(user, password, timeout)

    def run(text: str) -> None:
        client.send("POST", target, text.encode("utf-8"), "application/sparql-update")

    pushed = []
    for iri in pushable_graphs(kg, graph):
        triples = _triples(kg, iri)
        if gsp is not None:
            client.send("PUT", _with_graph(gsp, iri), _n_triples(triples), "application/n-triples")
            pushed.append(PushedGraph(iri, len(triples), 1))
            continue
        into = f"{STAGING_PREFIX}{uuid.uuid4().hex}" if staging else iri
        requests = 0
        run(f"DROP SILENT GRAPH <{into}>")
        requests += 1
        try:
            for chunk in _chunks(triples, chunk_size):
                body = _n_triples(chunk).decode("utf-8")
                run(f"INSERT DATA {{ GRAPH <{into}> {{\n{body}}} }}")
                requests += 1
            if staging:
                # MOVE drops the target first, then moves the staged triples in, in one request.
                run(f"MOVE SILENT GRAPH <{into}> TO GRAPH <{iri}>")
                requests += 1
        except EndpointError:
            if staging:
                with contextlib.suppress(EndpointError):
                    run(f"DROP SILENT GRAPH <{into}>")
            raise
        pushed.append(PushedGraph(iri, len(triples), requests))
    return pushed
