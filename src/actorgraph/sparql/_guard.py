"""The query guard: what reaches outside the store (``SERVICE``, ``LOAD``, a remote ``FROM``) is
refused unless the caller opts in, and so is a query too big for Oxigraph's parser or an update given
as a query. One guard for the library, the command line and the endpoint.
"""

from __future__ import annotations

from actorgraph._errors import QueryError
from actorgraph.sparql._tokens import QUERY_WORDS, TOKEN_RE
from actorgraph.vocab._namespaces import AGG

__all__ = ["MAX_NESTING", "MAX_OPERATORS", "check_query"]


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
    tokens = [(m.lastgroup, m.group(), m.start()) for m in TOKEN_RE.finditer(text)]
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


def _check_form(text: str, tokens: list[tuple[str | None, str, int]]) -> None:
    """Say plainly what an empty text or an update is, instead of a parser's list of expectations."""
    words = [(value.upper(), offset) for kind, value, offset in tokens if kind == "word"]
    if not text.strip() or not [t for t in tokens if t[0] not in {"comment", "other"}]:
        raise QueryError("the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    head = [w for w, _ in words if w not in {"PREFIX", "BASE"} and ":" not in w]
    if head and head[0] in _UPDATE_WORDS and not QUERY_WORDS & {w for w, _ in words}:
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
