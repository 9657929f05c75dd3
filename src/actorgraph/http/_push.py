"""``actorgraph push``: load the knowledge graph into any SPARQL 1.1 store.

Two standard ways, both repeatable (a push replaces each graph it sends, and statements are named by
their content, so pushing twice never duplicates anything):

- the Graph Store HTTP Protocol: one ``PUT <gsp>?graph=<IRI>`` of N-Triples per named graph;
- SPARQL 1.1 Update, for stores without the Graph Store Protocol: the graph's triples are inserted
  in chunks (``INSERT DATA``) into a staging graph, which then replaces the target in one request
  (``MOVE``), so readers never see a half-loaded graph. For stores without ``MOVE``,
  ``staging=False`` runs ``DROP SILENT GRAPH`` on the target and inserts straight into it.

Large graphs go in chunks (``chunk_size``) below a server's request-size limit. HTTP goes through
:mod:`actorgraph.store._client`: each request has a deadline, is never redirected, and succeeds only with a
2xx reply that is not an HTML page. Credentials (HTTP Digest or Basic, as the server asks) are a
user name and the password from the environment (``ACTORGRAPH_PASSWORD``), never the command line.
:func:`check_push` then asks the query endpoint what it sees of the pushed graphs.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from actorgraph._errors import EndpointError, UsageError
from actorgraph.store._client import AuthScheme, Client, excerpt, redacted
from actorgraph.store._graphs import META_GRAPH, STAGING_PREFIX
from actorgraph.store._knowledge_graph import KnowledgeGraph
from actorgraph.store._remote import view_of_graphs
from actorgraph.vocab._namespaces import AGG, expand

__all__ = ["PushCheck", "PushedGraph", "check_push", "push_graphs", "pushable_graphs"]

#: The environment variable holding the password for ``--user``.
PASSWORD_ENV = "ACTORGRAPH_PASSWORD"
# Virtuoso's SPARQL compiler refuses a large INSERT DATA: "SP030: ... memory exhausted", "SP031:
# ... The length of generated SQL text has exceeded 10000 lines of code".
_TOO_BIG_TO_COMPILE = re.compile(rb"\bSP03[01]\b")
# A write's reply: Oxigraph sends none; Virtuoso describes the update in the type asked for.
_WRITE_ACCEPT = "application/sparql-results+json, application/json;q=0.9, text/plain;q=0.8"


@dataclass(frozen=True)
class PushedGraph:
    """One graph sent: its IRI, how many triples, in how many requests, and one of its triples
    without blank nodes (to ask the endpoint about; ``None`` when it has none)."""

    graph: str
    triples: int
    requests: int
    sample: ox.Triple | None = None


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


def _with_graph(url: str, graph: str) -> str:
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return f"{url}{separator}{urllib.parse.urlencode({'graph': graph})}"


def _sample(triples: Sequence[ox.Triple]) -> ox.Triple | None:
    """A triple without blank nodes, that an endpoint can be asked about by its terms."""
    for t in triples:
        if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.NamedNode | ox.Literal):
            return t
    return None


class _Writer:
    """Sends a push's requests; each must end in a 2xx reply that is not an HTML page."""

    def __init__(self, client: Client, timeout: float) -> None:
        self.client = client
        self.timeout = timeout
        self.requests = 0

    def send(self, method: str, url: str, body: bytes, content_type: str) -> None:
        reply = self.client.request(
            method,
            url,
            content=body,
            headers={"Content-Type": content_type, "Accept": _WRITE_ACCEPT},
            timeout=self.timeout,
            write=True,
        )
        self.requests += 1
        where = f"{method} {redacted(url)}"
        if not 200 <= reply.status < 300:
            hint = ""
            if reply.status in {401, 403}:
                hint = f" (check --user and {PASSWORD_ENV}, and that the account may write)"
            elif reply.status in {404, 405}:
                hint = " (is this the server's Graph Store / Update URL?)"
            elif reply.status == 413:
                hint = (
                    " (the server's request-size limit: push in smaller pieces with --chunk-size N)"
                )
            elif reply.status == 400 and _TOO_BIG_TO_COMPILE.search(reply.body[:2000]):
                hint = (
                    " (the server could not compile an update this large: push in smaller pieces "
                    "with --chunk-size N, 1000 for Virtuoso, or use --gsp, which it loads faster)"
                )
            raise EndpointError(
                f"{where} answered HTTP {reply.status}{hint}: {excerpt(reply.body, 300)}"
            )
        if reply.is_html:
            raise EndpointError(
                f"{where} answered HTTP {reply.status} with an HTML page, not a store's reply (a "
                f"login page, a proxy, a web site?), so nothing can be assumed written: "
                f"{excerpt(reply.body)}"
            )


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


#: Called after each request of a push: the graph's IRI, its triples sent so far, and its total.
Progress = Callable[[str, int, int], None]


def push_graphs(
    kg: KnowledgeGraph,
    *,
    gsp: str | None = None,
    update: str | None = None,
    graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: AuthScheme = "auto",
    chunk_size: int | None = None,
    timeout: float = 300.0,
    staging: bool = True,
    progress: Progress | None = None,
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
        Credentials, sent when the server asks for them.
    auth
        ``"auto"``: HTTP Digest or Basic, as the server's challenge asks; ``"basic"`` sends Basic
        credentials with every request, ``"digest"`` answers Digest challenges only.
    chunk_size
        Triples per request, to stay under a server's request-size limit: each ``INSERT DATA``
        with ``update`` (default 5,000); with ``gsp``, a ``PUT`` of the first chunk and a ``POST``
        of each further one (default: the whole graph in one ``PUT``). Triples that share a blank
        node always travel together.
    timeout
        The most seconds one request may take, from connecting to the end of its reply.
    staging
        With ``update``: load into a staging graph and ``MOVE`` it over the target (readers never
        see half a graph). ``False`` drops the target and inserts straight into it, for stores
        without ``MOVE``.
    progress
        Called after each request with the graph, its triples sent so far and its total (the
        command line draws its progress report from it; the library prints nothing).

    Raises
    ------
    EndpointError
        When the server cannot be reached, answers with an error or an HTML page, or redirects.
    EndpointTimeout
        When a request takes longer than ``timeout``.
    """
    if (gsp is None) == (update is None):
        raise UsageError("give exactly one of --gsp URL (Graph Store Protocol) or --update URL")
    if chunk_size is not None and chunk_size < 1:
        raise UsageError("the chunk size must be at least 1")
    target = gsp or update or ""
    if not target.startswith(("http://", "https://")):
        raise UsageError(f"{target!r} is not an http:// or https:// URL")
    if urllib.parse.urlsplit(target).password is not None:
        raise UsageError(
            f"{redacted(target)}: keep the password out of the URL (and the command line): "
            f"give --user NAME and set the environment variable {PASSWORD_ENV}"
        )
    if user is not None and password is None:
        raise UsageError(
            f"--user {user} needs a password: set the environment variable {PASSWORD_ENV}"
        )
    graphs = pushable_graphs(kg, graph)
    with Client(user=user, password=password, auth=auth) as client:
        writer = _Writer(client, timeout)
        pushed = []
        for iri in graphs:
            triples = _triples(kg, iri)
            before = writer.requests
            if gsp is not None:
                _put_graph(writer, gsp, iri, triples, chunk_size=chunk_size, progress=progress)
            else:
                _update_graph(
                    writer,
                    update or "",
                    iri,
                    triples,
                    chunk_size=chunk_size or 5_000,
                    staging=staging,
                    progress=progress,
                )
            pushed.append(
                PushedGraph(iri, len(triples), writer.requests - before, _sample(triples))
            )
    return pushed


def _put_graph(
    writer: _Writer,
    gsp: str,
    iri: str,
    triples: Sequence[ox.Triple],
    *,
    chunk_size: int | None,
    progress: Progress | None,
) -> None:
    url = _with_graph(gsp, iri)
    if chunk_size is None or len(triples) <= chunk_size:
        writer.send("PUT", url, _n_triples(triples), "application/n-triples")
        if progress is not None:
            progress(iri, len(triples), len(triples))
        return
    # The Graph Store Protocol's PUT replaces the graph and its POST adds to it.
    sent = 0
    for number, chunk in enumerate(_chunks(triples, chunk_size)):
        writer.send(
            "PUT" if number == 0 else "POST", url, _n_triples(chunk), "application/n-triples"
        )
        sent += len(chunk)
        if progress is not None:
            progress(iri, sent, len(triples))


def _update_graph(
    writer: _Writer,
    update: str,
    iri: str,
    triples: Sequence[ox.Triple],
    *,
    chunk_size: int,
    staging: bool,
    progress: Progress | None,
) -> None:
    def run(text: str) -> None:
        writer.send("POST", update, text.encode("utf-8"), "application/sparql-update")

    into = f"{STAGING_PREFIX}{uuid.uuid4().hex}" if staging else iri
    run(f"DROP SILENT GRAPH <{into}>")
    sent = 0
    try:
        for chunk in _chunks(triples, chunk_size):
            body = _n_triples(chunk).decode("utf-8")
            run(f"INSERT DATA {{ GRAPH <{into}> {{\n{body}}} }}")
            sent += len(chunk)
            if progress is not None:
                progress(iri, sent, len(triples))
        if staging:
            # MOVE drops the target first, then moves the staged triples in, in one request.
            run(f"MOVE SILENT GRAPH <{into}> TO GRAPH <{iri}>")
    except EndpointError:
        if staging:
            with contextlib.suppress(EndpointError):
                run(f"DROP SILENT GRAPH <{into}>")
        raise
    if progress is not None and not triples:
        progress(iri, 0, 0)


@dataclass(frozen=True)
class PushCheck:
    """What the query endpoint sees after a push."""

    #: The query endpoint asked.
    endpoint: str
    #: Graphs whose triple count there differs from what was pushed: (IRI, seen, pushed).
    differing: list[tuple[str, int, int]]
    #: Pushed graphs (with triples) that the endpoint's default graph does not show.
    not_in_default: list[str]


def check_push(
    pushed: Sequence[PushedGraph],
    endpoint: str,
    *,
    user: str | None = None,
    password: str | None = None,
    auth: AuthScheme = "auto",
    timeout: float = 60.0,
) -> PushCheck:
    """Ask the query ``endpoint`` what it sees of the ``pushed`` graphs: their triple counts, and
    whether its default graph (what a query without ``GRAPH`` or ``FROM`` reads) shows them.

    Raises
    ------
    EndpointError
        When the endpoint cannot be asked.
    """
    with Client(user=user, password=password, auth=auth) as client:
        view = view_of_graphs(
            endpoint, {p.graph: p.sample for p in pushed}, client=client, timeout=timeout
        )
    differing = [
        (p.graph, view.counts.get(p.graph, 0), p.triples)
        for p in pushed
        if view.counts.get(p.graph, 0) != p.triples
    ]
    hidden = [p.graph for p in pushed if p.sample is not None and p.graph not in view.in_default]
    return PushCheck(endpoint, differing, hidden)
