"""Running a query in Oxigraph: in this process, or, with a timeout, in a forked worker process that
is killed when the time is up, because Oxigraph's evaluation (in Rust) cannot be cancelled from Python.

A fork copies one thread, and every lock as it was at that moment. An on-disk store has RocksDB's
background threads (flushes, compactions) in the forking process; a lock one of them held is held
forever in the worker, which then blocks on its first read of the store. So a worker reads the
store once (:func:`probe_store`) and says so before it is given its query; one that has not within
:data:`START_GRACE_S` is killed and another is forked, up to :data:`START_ATTEMPTS` in all.
"""

from __future__ import annotations

import json
import multiprocessing
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib.namespace import XSD

from actorgraph._errors import QueryError, QueryMemoryError, QueryTimeout
from actorgraph.sparql._guard import check_query
from actorgraph.sparql._parameters import (
    bind_values,
    check_param_names,
    check_params,
    param_terms,
    user_offset,
)
from actorgraph.sparql._results import QueryResult
from actorgraph.vocab._namespaces import PREFIXES

__all__ = [
    "START_ATTEMPTS",
    "START_GRACE_S",
    "dataset_of",
    "evaluate_reply",
    "not_started_error",
    "probe_store",
    "result_of_reply",
    "run_local",
    "timeout_error",
]

_ERROR_POS_RE = re.compile(r"error at (\d+):(\d+)")

#: How long a forked worker has to read the store once before it is taken for stuck (a fork and one
#: read take milliseconds; seconds leave room for a loaded machine and a large process to copy).
START_GRACE_S = 5.0
#: How many workers are forked for one query before it is given up as unable to start.
START_ATTEMPTS = 3
_STARTED = "started"


def probe_store(store: ox.Store) -> None:
    """Read one quad of ``store``: on disk this takes the locks a query's first read takes (a
    RocksDB snapshot and iterator), so a forked worker that returns from it will not block on a
    lock it inherited held."""
    next(iter(store.quads_for_pattern(None, None, None, None)), None)


def timeout_error(timeout: float) -> QueryTimeout:
    """The error of a query stopped at its time limit (in a worker of ours or the endpoint's)."""
    return QueryTimeout(
        f"the query ran past its {timeout:g} s limit and was stopped; "
        "narrow it (LIMIT, more specific patterns) or raise the timeout"
    )


def not_started_error(attempts: int) -> QueryError:
    """The error when no worker of a query could read the store (see the module's text)."""
    return QueryError(
        f"the query was not run: {attempts} worker processes in a row could not read the store "
        f"within {START_GRACE_S:g} s of starting (a lock held by another thread of this process "
        "when it forked, or a machine too busy to start one); run the query again, or without a "
        "timeout"
    )


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != str(XSD.string):
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"unexpected term {term!r}")


def _evaluate(
    store: ox.Store,
    text: str,
    substitutions: dict[ox.Variable, Any],
    limit: int | None,
    dataset: Mapping[str, Any] | None = None,
    *,
    table: bool = False,
) -> tuple[str, bytes, bool, bool]:
    """Run a query; return its kind, its results (SPARQL JSON or N-Triples), whether cut at
    ``limit``, and whether the results are SPARQL TSV instead: with ``table``, a SELECT without a
    limit comes as TSV (see :class:`QueryResult`).
    """
    # The union of all graphs, unless the caller names a dataset (the SPARQL Protocol's
    # default-graph-uri / named-graph-uri).
    options: dict[str, Any] = dict(dataset) if dataset else {"use_default_graph_as_union": True}
    try:
        result = store.query(
            text,
            prefixes=PREFIXES,
            substitutions=substitutions or None,
            **options,
        )
    except SyntaxError as exc:
        raise _syntax_error(str(exc)) from None
    except RuntimeError as exc:
        # Oxigraph substitutes (pre-binds) only the variables a SELECT projects. The others, and
        # those of ASK and CONSTRUCT, are written into the query as VALUES blocks opening the
        # groups that use them, so that a FILTER or BIND sees them bound as it would a
        # substitution (the text parsed: this error comes after parsing).
        if not substitutions or "projection" not in str(exc):
            raise QueryError(f"the query failed: {exc}") from None
        check_param_names(text, [v.value for v in substitutions])
        bound, inserts = bind_values(text, substitutions)
        try:
            result = store.query(bound, prefixes=PREFIXES, **options)
        except SyntaxError as exc:
            raise _syntax_error(str(exc), text, bound, inserts) from None
        except RuntimeError as exc:
            raise QueryError(f"the query failed: {exc}") from None
    # Checked once the text parses, so that a syntax error is reported first.
    check_param_names(text, [v.value for v in substitutions])
    if isinstance(result, ox.QueryBoolean):
        return "ASK", json.dumps({"head": {}, "boolean": bool(result)}).encode(), False, False
    truncated = False
    if isinstance(result, ox.QuerySolutions) and limit is None:
        # Oxigraph writes the whole result in Rust, far quicker than term by term.
        fmt = ox.QueryResultsFormat.TSV if table else ox.QueryResultsFormat.JSON
        return "SELECT", result.serialize(format=fmt) or b"", False, table
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        bindings = []
        for count, solution in enumerate(result):
            if limit is not None and count >= limit:
                truncated = True
                break
            bindings.append(
                {name: _json_term(solution[name]) for name in names if solution[name] is not None}
            )
        doc = {"head": {"vars": names}, "results": {"bindings": bindings}}
        return "SELECT", json.dumps(doc, ensure_ascii=False).encode("utf-8"), truncated, False
    triples = []
    for count, triple in enumerate(result):
        if limit is not None and count >= limit:
            truncated = True
            break
        triples.append(triple)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return "CONSTRUCT", data, truncated, False


def _syntax_error(
    message: str, text: str = "", bound: str = "", inserts: Sequence[tuple[int, str]] = ()
) -> QueryError:
    """A :class:`QueryError` for Oxigraph's syntax error ``message``; when the query parsed was
    ``bound``, the user's ``text`` with ``inserts`` written into it, the position is moved back
    into ``text``."""
    match = _ERROR_POS_RE.search(message)
    line = int(match.group(1)) if match else None
    column = int(match.group(2)) if match else None
    if line is not None and column is not None and inserts:
        # Oxigraph counts lines and (1-based) characters.
        starts = [0] + [i + 1 for i, char in enumerate(bound) if char == "\n"]
        offset = user_offset(inserts, starts[min(line, len(starts)) - 1] + column - 1)
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    detail = _ERROR_POS_RE.sub("", message).lstrip(": ")
    where = f"line {line}, column {column}: " if match else ""
    return QueryError(f"SPARQL syntax error at {where}{detail}", line=line, column=column)


def evaluate_reply(
    store: ox.Store,
    text: str,
    subs: dict[ox.Variable, Any],
    limit: int | None,
    dataset: Mapping[str, Any] | None = None,
    *,
    table: bool = False,
) -> tuple[str, Any]:
    """Run a query in a worker process; return a picklable reply for :func:`result_of_reply`.

    The one body of every query worker: the library's timeout worker and the endpoint's
    (:mod:`actorgraph.http._query_host`). With ``table``, a SELECT without a limit comes as SPARQL
    TSV, as in :func:`run_local` without a timeout.
    """
    try:
        return "ok", _evaluate(store, text, subs, limit, dataset, table=table)
    except QueryError as exc:
        return "query-error", (str(exc), exc.line, exc.column)
    except MemoryError:
        return "memory", "out of memory"
    except Exception as exc:
        return "error", f"{type(exc).__name__}: {exc}"


def result_of_reply(reply: tuple[str, Any]) -> QueryResult:
    """The :class:`QueryResult` of a worker's reply, or the error it reports."""
    status, payload = reply
    if status == "query-error":
        message, line, column = payload
        raise QueryError(message, line=line, column=column)
    if status == "memory":
        raise QueryMemoryError("the query ran out of memory in its worker process; narrow it")
    if status == "error":
        raise QueryError(f"the query failed: {payload}")
    kind, data, truncated, tsv = payload
    return QueryResult(kind, data, truncated=truncated, tsv=tsv)


def _worker(
    conn: Any,
    store: ox.Store,
    text: str,
    subs: dict[ox.Variable, Any],
    limit: int | None,
    *,
    dataset: Mapping[str, Any] | None = None,
) -> None:
    try:
        probe_store(store)
        conn.send(_STARTED)
        # As TSV: the rows' terms are then made once per distinct cell, without decoding JSON.
        conn.send(evaluate_reply(store, text, subs, limit, dataset, table=True))
    finally:
        conn.close()


def dataset_of(
    default_graph: Sequence[str] | None, named_graphs: Sequence[str] | None
) -> dict[str, Any] | None:
    if default_graph is None and named_graphs is None:
        return None
    return {
        "default_graph": [ox.NamedNode(iri) for iri in default_graph or ()],
        "named_graphs": [ox.NamedNode(iri) for iri in named_graphs or ()],
    }


def run_local(
    store: ox.Store,
    text: str,
    *,
    params: Mapping[str, object] | None = None,
    timeout: float | None = None,
    allow_remote: bool = False,
    limit: int | None = None,
    default_graph: Sequence[str] | None = None,
    named_graphs: Sequence[str] | None = None,
) -> QueryResult:
    """Run a query on an Oxigraph store (the work behind :meth:`KnowledgeGraph.query`).

    ``default_graph`` and ``named_graphs`` (graph IRIs) set the query's dataset as the SPARQL
    Protocol's ``default-graph-uri`` and ``named-graph-uri`` do; without them the default graph is
    the union of all graphs. Naming only ``named_graphs`` leaves the default graph empty.
    """
    check_query(text, allow_remote=allow_remote)
    check_params(text, params)
    subs: dict[ox.Variable, Any] = dict(param_terms(params))
    dataset = dataset_of(default_graph, named_graphs)
    if timeout is None:
        kind, payload, truncated, tsv = _evaluate(store, text, subs, limit, dataset, table=True)
        return QueryResult(kind, payload, truncated=truncated, tsv=tsv)
    if timeout <= 0:
        raise QueryError(f"the timeout must be positive, got {timeout}")
    context = multiprocessing.get_context("fork")
    for _ in range(START_ATTEMPTS):
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_worker,
            args=(sender, store, text, subs, limit),
            kwargs={"dataset": dataset},
            daemon=True,
        )
        process.start()
        sender.close()
        try:
            if not receiver.poll(START_GRACE_S):
                continue  # stuck before its first read: killed below, and another forked
            receiver.recv()  # _STARTED
            if not receiver.poll(timeout):
                raise timeout_error(timeout)
            reply = receiver.recv()
        except EOFError:
            raise QueryError(
                "the query crashed its worker process (out of memory, or nested too deeply for "
                "the parser); simplify it"
            ) from None
        finally:
            if process.is_alive():
                process.kill()
            process.join()
            receiver.close()
        return result_of_reply(reply)
    raise not_started_error(START_ATTEMPTS)
