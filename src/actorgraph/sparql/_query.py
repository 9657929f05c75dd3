"""SPARQL queries: the query guard, parameters, timeouts that really stop, and :class:`QueryResult`.

Queries run in Oxigraph. A query with a timeout runs in a forked worker process that is killed when the
time is up, because Oxigraph's evaluation (in Rust) cannot be cancelled from Python.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import ResultRow

from actorgraph._errors import QueryError, QueryMemoryError, QueryTimeout
from actorgraph.vocab._namespaces import AGG, PREFIXES

__all__ = [
    "QueryResult",
    "bind_values",
    "check_query",
    "dataset_of",
    "evaluate_reply",
    "param_terms",
    "parse_param",
    "result_of_reply",
    "run_local",
    "sparql_term",
]

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}

# The guard must split a query exactly where SPARQL does, or text it takes for a comment or a string
# hides a keyword from it: comments end at CR as well as LF, IRIs may hold \u escapes, and prefixed
# names may hold \# and \' escapes and non-ASCII letters (SPARQL 1.1 grammar, section 19.8).
_TOKEN_RE = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
    | (?P<variable>[?$]\w+)
    | (?P<word>(?:[^\W\d][\w\-.]*|(?=:))(?::(?:[\w\-.:]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?\#@%])*)?)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_ERROR_POS_RE = re.compile(r"error at (\d+):(\d+)")


def check_query(text: str, *, allow_remote: bool = False, update: bool = False) -> None:
    """Refuse what reaches outside the store unless the caller opts in.

    ``SERVICE`` (federation), ``LOAD`` and ``FROM``/``FROM NAMED`` of a graph outside actorgraph's
    ``agg:`` graphs are refused; comments, strings and IRIs are skipped so that a word inside them is
    not mistaken for a keyword.

    Whatever the opt-in, a query nested more than ``MAX_NESTING`` levels deep or holding more than
    ``MAX_OPERATORS`` operators is refused: Oxigraph's parser recurses on both and overflows its
    stack, which kills the process (a SIGSEGV, not an exception), at about 3,000 nested groups or
    10,000 chained operators.

    ``update=True`` checks a SPARQL Update (for ``/update``); otherwise an update or an empty text
    is refused with a message that says what it is.

    Raises
    ------
    QueryError
        Naming the keyword, its line and column, and the opt-in.
    """
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN_RE.finditer(text)]
    _check_size(text, tokens)
    if not update:
        _check_form(text, tokens)
    if allow_remote:
        return
    for kind, value, offset in tokens:
        if kind == "other" and value == "\\":
            # Valid SPARQL has backslashes only in strings, IRIs and prefixed names; one elsewhere
            # means the guard did not read the query as Oxigraph will.
            raise _refused(text, offset, "a backslash outside a string, IRI or prefixed name")
    significant = [t for t in tokens if t[0] in {"iri", "word", "string"}]
    for index, (kind, value, offset) in enumerate(significant):
        if kind != "word":
            continue
        keyword = value.upper()
        if keyword in {"SERVICE", "LOAD"}:
            raise _refused(text, offset, f"{keyword} reaches outside the store")
        if keyword == "FROM":
            following = significant[index + 1 : index + 3]
            if following and following[0][1].upper() == "NAMED":
                following = following[1:]
            if following and not _is_local_graph(following[0]):
                raise _refused(
                    text, offset, f"FROM {following[0][1]} names a graph outside actorgraph"
                )


#: The deepest nesting of ``{ ( [`` a query may have (hand-written queries stay below 20).
MAX_NESTING = 256
#: The most operators (``! | & / + * ^`` and ``UNION``) a query may hold.
MAX_OPERATORS = 4_000
_OPEN, _CLOSE, _OPERATORS = frozenset("{(["), frozenset("})]"), frozenset("!|&/+*^")


def _check_size(text: str, tokens: list[tuple[str | None, str, int]]) -> None:
    depth = operators = 0
    for kind, value, offset in tokens:
        if kind == "other":
            if value in _OPEN:
                depth += 1
                if depth > MAX_NESTING:
                    raise _too_big(text, offset, f"is nested more than {MAX_NESTING} levels deep")
            elif value in _CLOSE:
                depth -= 1
            elif value in _OPERATORS:
                operators += 1
        elif kind == "word" and value.upper() == "UNION":
            operators += 1
        if operators > MAX_OPERATORS:
            raise _too_big(text, offset, f"holds more than {MAX_OPERATORS:,} operators")


def _error_at(text: str, offset: int, message: str) -> QueryError:
    """A :class:`QueryError` that names the line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return QueryError(f"line {line}, column {column}: {message}", line=line, column=column)


def _too_big(text: str, offset: int, what: str) -> QueryError:
    return _error_at(
        text, offset, f"the query {what}, more than the SPARQL parser can take; simplify it"
    )


_UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}
_QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def _check_form(text: str, tokens: list[tuple[str | None, str, int]]) -> None:
    """Say plainly what an empty text or an update is, instead of a parser's list of expectations."""
    words = [(value.upper(), offset) for kind, value, offset in tokens if kind == "word"]
    if not text.strip() or not [t for t in tokens if t[0] not in {"comment", "other"}]:
        raise QueryError("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    head = [w for w, _ in words if w not in {"PREFIX", "BASE"} and ":" not in w]
    if head and head[0] in _UPDATE_WORDS and not _QUERY_WORDS & {w for w, _ in words}:
        offset = next(o for w, o in words if w == head[0])
        raise _error_at(
            text,
            offset,
            f"{head[0]} starts a SPARQL Update, and queries are read-only; the graph changes "
            "through its data files, `actorgraph import` and `actorgraph push`",
        )


def _is_local_graph(token: tuple[str | None, str, int]) -> bool:
    kind, value, _ = token
    if kind == "iri":
        return value[1:-1].startswith(str(AGG))
    return kind == "word" and value.startswith("agg:")


def _refused(text: str, offset: int, what: str) -> QueryError:
    return _error_at(
        text,
        offset,
        f"{what}, which is refused by default; pass allow_remote=True (--allow-remote) to allow it",
    )


def query_variables(text: str) -> set[str]:
    """The names of the variables a query mentions (comments, strings and IRIs skipped)."""
    return {m.group()[1:] for m in _TOKEN_RE.finditer(text) if m.lastgroup == "variable"}


def check_params(text: str, params: Mapping[str, object] | None) -> None:
    """Refuse parameters that are not a mapping of names to single values.

    (A name the query has no variable for is refused once the query parses; see
    ``_check_param_names``.)

    Raises
    ------
    QueryError
        Naming the parameter and the query's variables.
    """
    if not params:
        return
    if not isinstance(params, Mapping):
        raise QueryError(
            f"params must be a mapping of variable names to values, e.g. {{'group': 'agd:ttp'}}; "
            f"got {type(params).__name__}"
        )
    for name, value in params.items():
        bare = str(name).lstrip("?$")
        if value is None or isinstance(value, list | tuple | set | dict):
            raise QueryError(
                f"the parameter {bare} takes one value (a CURIE or <IRI>, a date, a number or "
                f"text), not {type(value).__name__}"
            )


def _check_param_names(text: str, names: Sequence[str]) -> None:
    """Refuse a parameter the query has no variable for: it would bind nothing, and the query
    would answer for everything."""
    if not names:
        return
    variables = query_variables(text)
    for name in names:
        if name not in variables:
            known = ", ".join(f"?{v}" for v in sorted(variables)) or "none"
            raise QueryError(
                f"the query has no variable ?{name} to bind; its variables are {known}"
            )


def parse_param(value: str) -> ox.NamedNode | ox.Literal:
    """Turn a ``--param`` value into a term.

    A CURIE with a known prefix or an ``<IRI>`` is an IRI; ``2014-12-16`` an ``xsd:date``; ``2014`` an
    ``xsd:integer``; ``"text"`` (quoted) or anything else a plain string.

    Examples
    --------
    >>> parse_param("agd:ttp")
    <NamedNode value=https://w3id.org/actorgraph/data/ttp>
    >>> parse_param("2012-06-01")
    <Literal value=2012-06-01 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return ox.Literal(text, datatype=ox.NamedNode(str(XSD.date)))
    if re.fullmatch(r"-?\d+", text):
        return ox.Literal(text, datatype=ox.NamedNode(str(XSD.integer)))
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return ox.Literal(text[1:-1])
    return ox.Literal(text)


def _to_param_term(value: object) -> ox.NamedNode | ox.Literal | ox.BlankNode:
    if isinstance(value, ox.NamedNode | ox.Literal | ox.BlankNode):
        return value
    if isinstance(value, URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))
    return parse_param(str(value))


# What an IRIREF may not hold (SPARQL 1.1 grammar, rule 139), and a LANGTAG (rule 145).
_IRI_FORBIDDEN_RE = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANGTAG_RE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def sparql_term(term: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
    """Write a parameter's term as SPARQL text that cannot be read as anything but that one term.

    IRIs are checked against the characters an IRI may not hold; literals escape quotes,
    backslashes and line breaks (ECHAR) and other control characters (``\\u``); language tags and
    datatypes are checked too. This is what puts a parameter into the text of a query for a remote
    endpoint, so a value such as ``" } ; DROP ALL #`` stays a string.

    Raises
    ------
    QueryError
        For a blank node (in a query's text it would be read as a fresh variable) or a term that
        cannot be written safely.

    Examples
    --------
    >>> sparql_term(parse_param('say "hi" } #'))
    '"say \\\\"hi\\\\" } #"'
    >>> sparql_term(parse_param("2015-06-01"))
    '"2015-06-01"^^<http://www.w3.org/2001/XMLSchema#date>'
    """
    if isinstance(term, ox.NamedNode):
        return _sparql_iri(term.value)
    if isinstance(term, ox.Literal):
        text = "".join(
            _ECHAR.get(char) or (f"\\u{ord(char):04X}" if char < " " or char == "\x7f" else char)
            for char in term.value
        )
        if term.language:
            if not _LANGTAG_RE.fullmatch(term.language):
                raise QueryError(f"cannot send the language tag {term.language!r}")
            return f'"{text}"@{term.language}'
        if term.datatype.value == str(XSD.string):
            return f'"{text}"'
        return f'"{text}"^^{_sparql_iri(term.datatype.value)}'
    raise QueryError(
        f"a parameter cannot be the blank node {term}: written into a query it is read as a "
        "fresh variable; give an IRI or a literal"
    )


def _sparql_iri(value: str) -> str:
    bad = _IRI_FORBIDDEN_RE.search(value)
    if bad is not None:
        raise QueryError(f"the IRI {value!r:.200} holds {bad.group()!r}, which an IRI may not hold")
    return f"<{value}>"


def param_terms(
    params: Mapping[str, object] | None,
) -> dict[ox.Variable, ox.NamedNode | ox.Literal | ox.BlankNode]:
    """The terms ``params`` bind, by variable (values read as :func:`parse_param` reads them).

    Raises
    ------
    QueryError
        For a name that is not a variable name or a value Oxigraph refuses (an IRI holding ``>``…).
    """
    terms: dict[ox.Variable, ox.NamedNode | ox.Literal | ox.BlankNode] = {}
    for name, value in (params or {}).items():
        try:
            terms[ox.Variable(str(name).lstrip("?$"))] = _to_param_term(value)
        except ValueError as exc:
            # Oxigraph checks names and IRIs, which keeps a parameter from adding query text.
            raise QueryError(f"the parameter {name}={value!s:.200}: {exc}") from None
    return terms


# --------------------------------------------------------------------------------------------
# Parameters written into the query as VALUES blocks

_Token = tuple[str | None, str, int]
#: Where text was written into a query: (offset in the user's text, the text written there).
Inserts = list[tuple[int, str]]


def bind_values(
    text: str, terms: Mapping[ox.Variable, ox.NamedNode | ox.Literal | ox.BlankNode]
) -> tuple[str, Inserts]:
    """The query with ``terms`` written into it as ``VALUES`` blocks, and where they were written.

    This binds parameters before evaluation as Oxigraph's substitutions do, for what those cannot
    bind (a variable the SELECT does not project; ASK and CONSTRUCT queries) and for a remote
    endpoint. One trailing ``VALUES`` clause would not do: it is joined after the pattern is
    evaluated, so a ``FILTER`` or ``BIND`` reading the parameter would see it unbound. So a block
    opens the WHERE group (all parameters), every group inside it that mentions a parameter's
    variable (those parameters), and the WHERE group of every sub-select that projects one (so a
    sub-select's ``LIMIT`` applies to the bound rows, as with a substitution). Terms are written with
    :func:`sparql_term`, so a value can only ever be one term; no line break is added, so a line
    number in the result is a line number in ``text``.

    A query without a group (``CONSTRUCT WHERE { triples }``, ``DESCRIBE <iri>``) gets one trailing
    ``VALUES`` clause on a line of its own: with no ``FILTER`` or ``BIND`` it binds as a
    substitution does.

    Raises
    ------
    QueryError
        When the query assigns a parameter's variable itself (``… AS ?x``), or has no group and
        already ends with its own ``VALUES`` clause; for a term :func:`sparql_term` refuses.

    Examples
    --------
    >>> bound, _ = bind_values(
    ...     "SELECT ?l WHERE { ?e rdfs:label ?l FILTER(?e = ?who) }",
    ...     {ox.Variable("who"): parse_param("agd:ttp")})
    >>> bound
    'SELECT ?l WHERE { VALUES (?who) { (<https://w3id.org/actorgraph/data/ttp>) }  ?e rdfs:label ?l FILTER(?e = ?who) }'
    """
    written = {variable.value: sparql_term(term) for variable, term in terms.items()}
    tokens = [
        (kind, value, offset)
        for kind, value, offset in (
            (m.lastgroup, m.group(), m.start()) for m in _TOKEN_RE.finditer(text)
        )
        if kind != "comment" and not value.isspace()
    ]
    for (kind, value, _), (next_kind, name, _) in itertools.pairwise(tokens):
        if (
            kind == "word"
            and value.upper() == "AS"
            and next_kind == "variable"
            and name[1:] in written
        ):
            # SPARQL refuses VALUES for a variable that BIND or SELECT (… AS ?x) assigns.
            raise QueryError(
                f"the query assigns {name} itself (… AS {name}), so it cannot also be bound as "
                f"a parameter; drop the parameter {name[1:]}"
            )
    inserts = _values_inserts(tokens, written)
    if inserts is None:
        if _trailing_values(tokens):
            raise QueryError(
                "the query ends with its own VALUES clause, and SPARQL allows only one there; "
                f"bind {', '.join('?' + n for n in written)} in that clause instead of with "
                "params (--param)"
            )
        # On a line of its own: the query may end with a comment.
        inserts = [(len(text), f"\n{_values_block(written)}")]
    inserts.sort(key=lambda insert: insert[0])
    for offset, block in reversed(inserts):
        text = text[:offset] + block + text[offset:]
    return text, inserts


def _values_block(terms: Mapping[str, str]) -> str:
    names = " ".join(f"?{name}" for name in terms)
    return f"VALUES ({names}) {{ ({' '.join(terms.values())}) }}"


def _values_inserts(tokens: Sequence[_Token], terms: Mapping[str, str]) -> Inserts | None:
    """Where to write ``VALUES`` blocks into the query (offset, text), or None if it has no group.

    Never inside a VALUES data block or a CONSTRUCT template (nor CONSTRUCT WHERE's, which holds
    triples only); a group holding only a sub-select is wrapped, since the sub-select must stand
    alone.
    """
    forms = (
        i
        for i, (kind, value, _) in enumerate(tokens)
        if kind == "word" and value.upper() in _QUERY_WORDS
    )
    form = next(forms, None)
    if form is None:
        return None
    position = form + 1
    if tokens[form][1].upper() == "CONSTRUCT":
        if position >= len(tokens) or tokens[position][1] != "{":
            return None
        position = _matching(tokens, position) + 1
    return _scope_inserts(tokens, position, len(tokens), terms)


def _scope_inserts(
    tokens: Sequence[_Token], start: int, stop: int, terms: Mapping[str, str]
) -> Inserts | None:
    """The inserts for one query or sub-select, ``tokens[start:stop]`` (after its form keyword).

    ``terms`` are the parameters whose variables are this scope's: all of them for the query, those
    it projects for a sub-select. Its WHERE group (the first group outside brackets) binds them
    all; a group inside binds those it mentions. None if the scope has no WHERE group.
    """
    inserts: Inserts = []
    found_where = False
    depth = 0
    position = start
    while position < stop:
        kind, value, offset = tokens[position]
        if kind == "word" and value.upper() == "VALUES":
            data = next((p for p in range(position, stop) if tokens[p][1] == "{"), None)
            position = stop if data is None else _matching(tokens, data) + 1
            continue
        if kind == "other" and value == "{":
            closing = _matching(tokens, position)
            where = depth == 0 and not found_where
            found_where = found_where or where
            inner = tokens[position + 1] if position + 1 < len(tokens) else (None, "", 0)
            if inner[0] == "word" and inner[1].upper() == "SELECT":
                if where:
                    block = _values_block(terms)
                    inserts += [(offset + 1, f" {block} {{"), (tokens[closing][2], "}")]
                projected = _projected(tokens, position + 2, closing, terms)
                if projected:
                    # The sub-select's variables that it projects are this scope's too.
                    inserts += _scope_inserts(tokens, position + 2, closing, projected) or []
                position = closing + 1
                continue
            mentioned = {v[1:] for k, v, _ in tokens[position:closing] if k == "variable"}
            wanted = {n: t for n, t in terms.items() if where or n in mentioned}
            if wanted:
                inserts.append((offset + 1, f" {_values_block(wanted)} "))
            depth += 1
        elif kind == "other" and value in "([":
            depth += 1
        elif kind == "other" and value in "})]":
            depth -= 1
        position += 1
    return inserts if found_where else None


def _projected(
    tokens: Sequence[_Token], start: int, stop: int, terms: Mapping[str, str]
) -> dict[str, str]:
    """Those of ``terms`` a sub-select projects (``SELECT *`` projects all); ``tokens[start:stop]``
    is the sub-select after its ``SELECT``."""
    names: set[str] = set()
    depth = 0
    for kind, value, _ in tokens[start:stop]:
        if kind == "other" and value in "([":
            depth += 1
        elif kind == "other" and value in ")]":
            depth -= 1
        elif depth == 0 and kind == "other" and value == "{":
            break
        elif depth == 0 and kind == "other" and value == "*":
            return dict(terms)
        elif depth == 0 and kind == "variable":
            names.add(value[1:])
        elif depth == 0 and kind == "word" and value.upper() == "WHERE":
            break
    return {n: t for n, t in terms.items() if n in names}


def _trailing_values(tokens: Sequence[_Token]) -> bool:
    """Whether the query ends with a VALUES clause (a VALUES keyword outside every bracket)."""
    depth = 0
    for kind, value, _ in tokens:
        if kind == "other" and value in "{([":
            depth += 1
        elif kind == "other" and value in "})]":
            depth -= 1
        elif kind == "word" and depth == 0 and value.upper() == "VALUES":
            return True
    return False


def _matching(tokens: Sequence[_Token], opening: int) -> int:
    """The index of the bracket that closes the one at ``opening`` (the last token if none does)."""
    depth = 0
    for position in range(opening, len(tokens)):
        kind, value, _ = tokens[position]
        if kind == "other" and value in "{([":
            depth += 1
        elif kind == "other" and value in "})]":
            depth -= 1
            if depth == 0:
                return position
    return len(tokens) - 1


def _user_offset(inserts: Sequence[tuple[int, str]], offset: int) -> int:
    """Where ``offset`` in the query written by :func:`bind_values` is in the user's text (a
    position inside a written block is where the block was written)."""
    shift = 0
    for at, block in inserts:
        if offset < at + shift:
            break
        if offset < at + shift + len(block):
            return at
        shift += len(block)
    return offset - shift


# --------------------------------------------------------------------------------------------
# Running


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
) -> tuple[str, bytes, bool]:
    """Run a query; return its kind, its results (SPARQL JSON or N-Triples) and whether cut at ``limit``.

    With ``table``, a SELECT without a limit comes as SPARQL TSV instead of JSON (see
    :class:`QueryResult`).
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
        _check_param_names(text, [v.value for v in substitutions])
        bound, inserts = bind_values(text, substitutions)
        try:
            result = store.query(bound, prefixes=PREFIXES, **options)
        except SyntaxError as exc:
            raise _syntax_error(str(exc), text, bound, inserts) from None
        except RuntimeError as exc:
            raise QueryError(f"the query failed: {exc}") from None
    # Checked once the text parses, so that a syntax error is reported first.
    _check_param_names(text, [v.value for v in substitutions])
    if isinstance(result, ox.QueryBoolean):
        return "ASK", json.dumps({"head": {}, "boolean": bool(result)}).encode(), False
    truncated = False
    if isinstance(result, ox.QuerySolutions) and limit is None:
        # Oxigraph writes the whole result in Rust, far quicker than term by term.
        fmt = ox.QueryResultsFormat.TSV if table else ox.QueryResultsFormat.JSON
        return "SELECT", result.serialize(format=fmt) or b"", False
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
        return "SELECT", json.dumps(doc, ensure_ascii=False).encode("utf-8"), truncated
    triples = []
    for count, triple in enumerate(result):
        if limit is not None and count >= limit:
            truncated = True
            break
        triples.append(triple)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return "CONSTRUCT", data, truncated


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
        offset = _user_offset(inserts, starts[min(line, len(starts)) - 1] + column - 1)
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
) -> tuple[str, Any]:
    """Run a query in a worker process; return a picklable reply for :func:`result_of_reply`.

    The one body of every query worker: the library's timeout worker and the endpoint's
    (:mod:`actorgraph.http._query_host`).
    """
    try:
        return "ok", _evaluate(store, text, subs, limit, dataset)
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
    kind, data, truncated = payload
    return QueryResult(kind, data, truncated=truncated)


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
        conn.send(evaluate_reply(store, text, subs, limit, dataset))
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
        kind, payload, truncated = _evaluate(store, text, subs, limit, dataset, table=True)
        if kind == "SELECT" and limit is None:
            return QueryResult(kind, payload, truncated=truncated, tsv=True)
        return QueryResult(kind, payload, truncated=truncated)
    if timeout <= 0:
        raise QueryError(f"the timeout must be positive, got {timeout}")
    context = multiprocessing.get_context("fork")
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
        if not receiver.poll(timeout):
            raise QueryTimeout(
                f"the query ran past its {timeout:g} s limit and was stopped; "
                "narrow it (LIMIT, more specific patterns) or raise the timeout"
            )
        reply = receiver.recv()
    except EOFError:
        raise QueryError(
            "the query crashed its worker process (out of memory, or nested too deeply for the "
            "parser); simplify it"
        ) from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    return result_of_reply(reply)


# --------------------------------------------------------------------------------------------
# Results


def _rdflib_term(binding: Mapping[str, Any]) -> URIRef | BNode | Literal:
    kind = binding["type"]
    if kind == "uri":
        return URIRef(binding["value"])
    if kind == "bnode":
        return BNode(binding["value"])
    if kind in {"literal", "typed-literal"}:
        datatype = binding.get("datatype")
        return Literal(
            binding["value"],
            lang=binding.get("xml:lang"),
            datatype=URIRef(datatype) if datatype else None,
        )
    return Literal(json.dumps(binding["value"]))


class QueryResult:
    """The result of a SPARQL query, shaped like rdflib's.

    Iterating a SELECT result gives rows (rdflib ``ResultRow``: by index, by name, ``.asdict()``);
    ``bool()`` answers an ASK; ``.graph`` holds a CONSTRUCT or DESCRIBE result. ``serialize(fmt)``
    writes the W3C formats (``json``, ``xml``, ``csv``, ``tsv``; ``turtle``, ``nt``, ``jsonld`` for
    graphs).

    Examples
    --------
    >>> import actorgraph
    >>> result = actorgraph.load().query("SELECT ?label WHERE { agd:ttp rdfs:label ?label }")
    >>> [str(row.label) for row in result]
    ['Tehrik-i-Taliban Pakistan']
    """

    def __init__(
        self,
        kind: str,
        payload: bytes,
        *,
        truncated: bool = False,
        tsv: bool = False,
        endpoint_cap: str | None = None,
    ) -> None:
        #: ``SELECT``, ``ASK`` or ``CONSTRUCT`` (CONSTRUCT stands for DESCRIBE too).
        self.type = kind
        #: Whether a row limit (``limit=``, or a remote endpoint's own cap) cut the result short.
        self.truncated = truncated or endpoint_cap is not None
        #: For a remote endpoint that cut the result at its row cap: the cap as it states it (e.g.
        #: ``max-rows=10000``, from ``actorgraph serve``'s ``X-ActorGraph-Truncated``); else ``None``.
        self.endpoint_cap = endpoint_cap
        # A SELECT run in this process comes as SPARQL TSV: each cell is a term's text, so rows are
        # split and their terms made once per distinct text, without decoding JSON; the JSON is
        # written from it (by Oxigraph, the same bytes) only when asked for.
        self._tsv = payload if tsv else None
        self._json_payload = None if tsv else payload
        self._doc: dict[str, Any] | None = None
        self._graph: Graph | None = None

    @property
    def _payload(self) -> bytes:
        """The result as SPARQL JSON (SELECT, ASK) or N-Triples (CONSTRUCT)."""
        if self._json_payload is None:
            assert self._tsv is not None
            parsed = ox.parse_query_results(self._tsv, format=ox.QueryResultsFormat.TSV)
            self._json_payload = parsed.serialize(format=ox.QueryResultsFormat.JSON) or b""
        return self._json_payload

    @property
    def _json(self) -> dict[str, Any]:
        if self._doc is None:
            self._doc = json.loads(self._payload) if self.type != "CONSTRUCT" else {}
        return self._doc

    @property
    def vars(self) -> list[Variable]:
        """The projected variables of a SELECT (empty for other forms)."""
        if self._tsv is not None and self._doc is None:
            return [Variable(v) for v in _tsv_names(self._tsv)]
        return [Variable(v) for v in self._json.get("head", {}).get("vars", [])]

    @property
    def bindings(self) -> list[dict[str, Any]]:
        """The rows as SPARQL JSON bindings."""
        bindings: list[dict[str, Any]] = self._json.get("results", {}).get("bindings", [])
        return bindings

    def __iter__(self) -> Iterator[ResultRow]:
        if self.type == "CONSTRUCT":
            raise TypeError("a CONSTRUCT/DESCRIBE result is a graph: use result.graph")
        if self._tsv is not None:
            rows = _tsv_rows(self._tsv)
            if rows is not None:
                return iter(rows)
        return self._json_rows()

    def _json_rows(self) -> Iterator[ResultRow]:
        names = [str(v) for v in self.vars]
        # What ResultRow.__new__ would rebuild for every row; rdflib only reads it, so rows share it.
        positions = {name: i for i, name in enumerate(names)}
        # Rows repeat terms (the same group, year, count…) and rdflib terms are immutable: make each
        # once. Building an rdflib Literal costs more than everything else here.
        cache: dict[tuple[str, str, str, str], URIRef | BNode | Literal] = {}
        for binding in self.bindings:
            values: list[URIRef | BNode | Literal | None] = [None] * len(names)
            for name, value in binding.items():
                index = positions.get(name)
                if index is None:
                    continue
                if value["type"] == "triple":
                    values[index] = _rdflib_term(value)
                    continue
                key = (
                    value["type"],
                    value["value"],
                    value.get("xml:lang", ""),
                    value.get("datatype", ""),
                )
                term = cache.get(key)
                if term is None:
                    term = cache[key] = _rdflib_term(value)
                values[index] = term
            row = tuple.__new__(ResultRow, values)
            row.labels = positions
            yield row

    def __len__(self) -> int:
        if self.type == "CONSTRUCT":
            return len(self.graph)
        if self.type == "ASK":
            return 1
        if self._tsv is not None and self._doc is None:
            return self._tsv.count(b"\n") - 1  # every line, the header's too, ends with one
        return len(self.bindings)

    def __bool__(self) -> bool:
        if self.type == "ASK":
            return bool(self._json["boolean"])
        return len(self) > 0

    @property
    def askAnswer(self) -> bool:
        """The answer of an ASK query (rdflib's attribute name)."""
        if self.type != "ASK":
            raise TypeError(f"a {self.type} result has no ASK answer")
        return bool(self._json["boolean"])

    @property
    def graph(self) -> Graph:
        """The graph of a CONSTRUCT or DESCRIBE result."""
        if self.type != "CONSTRUCT":
            raise TypeError(f"a {self.type} result is not a graph")
        if self._graph is None:
            graph = Graph()
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix, namespace, override=True)
            graph.parse(data=self._payload.decode("utf-8"), format="nt")
            self._graph = graph
        return self._graph

    def serialize(self, format: str = "json") -> bytes:
        """Write the result in a W3C format: ``json``, ``xml``, ``csv``, ``tsv`` for SELECT and ASK;
        ``turtle``, ``nt``, ``jsonld`` for CONSTRUCT and DESCRIBE.

        The W3C CSV/TSV formats define no form for ASK; actorgraph writes what Oxigraph writes: the bare
        answer, ``true`` or ``false``, on one line.
        """
        if self.type == "CONSTRUCT":
            if format not in _GRAPH_FORMATS:
                raise QueryError(
                    f"a {self.type} result is a graph: use --format turtle, nt or jsonld, not {format!r}"
                )
            if format == "nt":
                return self._payload
            if format == "turtle":
                return self.graph.serialize(format="turtle").encode("utf-8")
            triples = ox.parse(self._payload, format=ox.RdfFormat.N_TRIPLES)
            return ox.serialize(triples, format=_GRAPH_FORMATS[format]) or b""
        if format not in _RESULT_FORMATS:
            raise QueryError(
                f"a {self.type} result is a table: use --format table, csv, tsv, json or xml, not {format!r}"
            )
        if format == "json":
            return self._payload
        if self._tsv is not None:
            if format == "tsv":
                return self._tsv
            parsed = ox.parse_query_results(self._tsv, format=ox.QueryResultsFormat.TSV)
            return parsed.serialize(format=_RESULT_FORMATS[format]) or b""
        parsed = ox.parse_query_results(self._payload, format=ox.QueryResultsFormat.JSON)
        return parsed.serialize(format=_RESULT_FORMATS[format]) or b""

    def to_dataframe(self, *, curies: bool = False) -> Any:
        """The rows as a pandas DataFrame, one typed column per variable.

        Integers become ``Int64`` (nullable), decimals and doubles ``float64``, booleans
        ``boolean``, full dates (``xsd:date``) ``datetime64``; everything else, partial dates
        (``2023``, ``2023-07``) included, stays text (``string``). IRIs are shortened to CURIEs with
        ``curies=True``. Needs ``pip install 'actorgraph[pandas]'``.

        Examples
        --------
        >>> import actorgraph
        >>> df = actorgraph.load().query(
        ...     "SELECT ?attack ?killed WHERE { ?attack ag:killed ?killed }").to_dataframe(curies=True)
        >>> str(df["killed"].dtype)
        'Int64'
        """
        try:
            import pandas as pd  # noqa: PLC0415 - optional extra
        except ModuleNotFoundError:
            raise ModuleNotFoundError(
                "to_dataframe needs pandas: pip install 'actorgraph[pandas]'"
            ) from None
        from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

        columns: dict[str, Any] = {}
        for name in (str(v) for v in self.vars):
            cells = [b.get(name) for b in self.bindings]
            kinds = {_column_kind(c) for c in cells if c is not None}
            kind = kinds.pop() if len(kinds) == 1 else "string"
            values = [_cell_value(c, kind, curies, curie) for c in cells]
            if kind == "integer":
                columns[name] = pd.array(values, dtype="Int64")
            elif kind == "float":
                columns[name] = pd.array(values, dtype="float64")
            elif kind == "boolean":
                columns[name] = pd.array(values, dtype="boolean")
            elif kind == "date":
                columns[name] = pd.to_datetime(pd.Series(values, dtype="object"))
            else:
                columns[name] = pd.array(values, dtype="string")
        return pd.DataFrame(columns)

    def _repr_html_(self) -> str:
        """A table of the result for Jupyter (IRIs as CURIEs; at most 100 rows shown)."""
        from actorgraph.sparql._html import html_table  # noqa: PLC0415
        from actorgraph.vocab._namespaces import curie  # noqa: PLC0415

        if self.type == "ASK":
            return html_table(["ASK"], [["true" if self.askAnswer else "false"]])
        if self.type == "CONSTRUCT":
            rows = ([curie(str(t)) for t in triple] for triple in self.graph)
            return html_table(
                ["subject", "predicate", "object"], rows, caption=f"{len(self)} triples"
            )
        names = [str(v) for v in self.vars]
        body = ([None if t is None else curie(str(t)) for t in row] for row in self)
        cut = " (cut by the endpoint's row cap)" if self.endpoint_cap else " (cut at the limit)"
        caption = f"{len(self)} rows" + (cut if self.truncated else "")
        return html_table(names, body, caption=caption)

    def __repr__(self) -> str:
        if self.type == "ASK":
            return f"<QueryResult ASK {self.askAnswer}>"
        return f"<QueryResult {self.type} {len(self)} {'triples' if self.type == 'CONSTRUCT' else 'rows'}>"


def _tsv_names(tsv: bytes) -> list[str]:
    """The variables named in the header of a SPARQL TSV result."""
    header = tsv.split(b"\n", 1)[0].decode("utf-8")
    return [name[1:] for name in header.split("\t")] if header else []


class _NotPlain(Exception):
    """A TSV cell that :func:`_tsv_term` leaves to the JSON route."""


_XSD_BOOLEAN = URIRef(str(XSD.boolean))
_BARE_NUMBERS = [  # Turtle's short forms, as SPARQL TSV writes numbers
    (re.compile(r"[+-]?[0-9]+"), URIRef(str(XSD.integer))),
    (re.compile(r"[+-]?[0-9]*\.[0-9]+"), URIRef(str(XSD.decimal))),
    (re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"), URIRef(str(XSD.double))),
]


_ESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape_one(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    if code is not None:
        point = int(code, 16)
        if 0xD800 <= point <= 0xDFFF or point > 0x10FFFF:
            raise _NotPlain(match.group(0))
        return chr(point)
    found = _ESCAPES.get(match.group(3))
    if found is None:
        raise _NotPlain(match.group(0))
    return found


def _tsv_term(cell: str) -> URIRef | BNode | Literal:
    """The rdflib term of a TSV cell: what the JSON route (:func:`_rdflib_term`) makes of it."""
    first = cell[0]
    if first == "<":
        if cell[1] == "<" or "\\" in cell:  # a quoted triple, an escaped IRI: the JSON way
            raise _NotPlain(cell)
        return URIRef(cell[1:-1])
    if first == '"':
        end = cell.rindex('"')
        lexical, rest = cell[1:end], cell[end + 1 :]
        if "\\" in lexical:  # Turtle's escapes: \t \n \" \\ \uXXXX …
            lexical = _ESCAPE_RE.sub(_unescape_one, lexical)
        if not rest:
            return Literal(lexical)
        if rest[0] == "@" and "--" not in rest:  # a base direction (RDF 1.2) goes the JSON way
            return Literal(lexical, lang=rest[1:])
        if rest.startswith("^^<") and rest[-1] == ">":
            return Literal(lexical, datatype=URIRef(rest[3:-1]))
        raise _NotPlain(cell)
    if cell.startswith("_:"):
        return BNode(cell[2:])
    if cell in ("true", "false"):
        return Literal(cell, datatype=_XSD_BOOLEAN)
    for pattern, datatype in _BARE_NUMBERS:
        if pattern.fullmatch(cell):
            return Literal(cell, datatype=datatype)
    raise _NotPlain(cell)


def _tsv_rows(tsv: bytes) -> list[ResultRow] | None:
    """The rows of a SPARQL TSV result, or None when a cell needs the JSON route (a quoted
    triple, a form :func:`_tsv_term` does not read)."""
    text = tsv.decode("utf-8")
    lines = text.split("\n")
    names = _tsv_names(tsv)
    positions = {name: i for i, name in enumerate(names)}
    # Rows repeat terms (the same group, year, count…) and rdflib terms are immutable: each distinct
    # cell text is made a term once. Building an rdflib Literal costs more than everything else.
    cache: dict[str, URIRef | BNode | Literal | None] = {"": None}
    rows: list[ResultRow] = []
    new_row = tuple.__new__
    try:
        for line in lines[1:-1]:
            values = []
            for cell in line.split("\t"):
                term = cache.get(cell, cache)
                if term is cache:
                    term = cache[cell] = _tsv_term(cell)
                values.append(term)
            if len(values) != len(names):
                return None
            row = new_row(ResultRow, values)
            row.labels = positions
            rows.append(row)
    except _NotPlain:
        return None
    return rows


_INTEGER_TYPES = {
    str(XSD[t])
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
        "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    )
}  # fmt: skip
_FLOAT_TYPES = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


def _column_kind(binding: Mapping[str, Any]) -> str:
    if binding.get("type") != "literal":
        return "string"
    datatype = binding.get("datatype")
    if datatype in _INTEGER_TYPES:
        return "integer"
    if datatype in _FLOAT_TYPES:
        return "float"
    if datatype == str(XSD.boolean):
        return "boolean"
    if datatype == str(XSD.date):
        return "date"
    return "string"


def _cell_value(binding: Mapping[str, Any] | None, kind: str, curies: bool, curie: Any) -> Any:
    if binding is None:
        return None
    value = binding["value"]
    if kind == "integer":
        return int(value)
    if kind == "float":
        return float(value)
    if kind == "boolean":
        return value in {"true", "1"}
    if curies and binding.get("type") == "uri":
        return curie(value)
    return value
