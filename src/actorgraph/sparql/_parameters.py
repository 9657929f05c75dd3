"""Query parameters (``params=``, ``--param``): values read as terms, checked, and written into a
query's text as ``VALUES`` blocks where Oxigraph cannot substitute them or for a remote endpoint.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from actorgraph._errors import QueryError
from actorgraph.sparql._tokens import QUERY_WORDS, TOKEN_RE, Token
from actorgraph.vocab._namespaces import PREFIXES

__all__ = [
    "Inserts",
    "bind_values",
    "check_param_names",
    "check_params",
    "param_terms",
    "parse_param",
    "query_variables",
    "sparql_term",
    "user_offset",
]


def query_variables(text: str) -> set[str]:
    """The names of the variables a query mentions (comments, strings and IRIs skipped)."""
    return {m.group()[1:] for m in TOKEN_RE.finditer(text) if m.lastgroup == "variable"}


def check_params(text: str, params: Mapping[str, object] | None) -> None:
    """Refuse parameters that are not a mapping of names to single values.

    (A name the query has no variable for is refused once the query parses; see
    ``check_param_names``.)

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


def check_param_names(text: str, names: Sequence[str]) -> None:
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
            (m.lastgroup, m.group(), m.start()) for m in TOKEN_RE.finditer(text)
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


def _values_inserts(tokens: Sequence[Token], terms: Mapping[str, str]) -> Inserts | None:
    """Where to write ``VALUES`` blocks into the query (offset, text), or None if it has no group.

    Never inside a VALUES data block or a CONSTRUCT template (nor CONSTRUCT WHERE's, which holds
    triples only); a group holding only a sub-select is wrapped, since the sub-select must stand
    alone.
    """
    forms = (
        i
        for i, (kind, value, _) in enumerate(tokens)
        if kind == "word" and value.upper() in QUERY_WORDS
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
    tokens: Sequence[Token], start: int, stop: int, terms: Mapping[str, str]
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
    tokens: Sequence[Token], start: int, stop: int, terms: Mapping[str, str]
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


def _trailing_values(tokens: Sequence[Token]) -> bool:
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


def _matching(tokens: Sequence[Token], opening: int) -> int:
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


def user_offset(inserts: Sequence[tuple[int, str]], offset: int) -> int:
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
