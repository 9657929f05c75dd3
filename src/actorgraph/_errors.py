"""The error hierarchy and the command line's exit codes.

Every error a user can cause is an :class:`ActorGraphError`; the command line prints its message on one
line and exits with the class's ``exit_code``. Anything else is a bug (exit code 1).
"""

from __future__ import annotations

__all__ = [
    "ActorGraphError",
    "DataError",
    "DataErrors",
    "EndpointError",
    "EndpointTimeout",
    "ImportRejectedError",
    "QueryError",
    "QueryMemoryError",
    "QueryTimeout",
    "StoreLockedError",
    "UnknownNameError",
    "UsageError",
]


class ActorGraphError(Exception):
    """Base class of every error a user can cause."""

    exit_code = 1


class UsageError(ActorGraphError):
    """A command or function was called with arguments that do not fit."""

    exit_code = 2


class DataError(ActorGraphError):
    """A data file is malformed or breaks a rule; says where (file, line, field) and how to fix it."""

    exit_code = 3

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self.location_prefix() + message)

    def location_prefix(self) -> str:
        """Return ``file:line:column: field: `` for the parts that are known."""
        parts = []
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            parts.append(where)
        if self.field is not None:
            parts.append(self.field)
        return "".join(f"{part}: " for part in parts)


class DataErrors(DataError):
    """Several data errors found in one pass; ``errors`` holds each of them."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        super().__init__(
            first.message + more,
            path=first.path,
            line=first.line,
            column=first.column,
            field=first.field,
        )


class UnknownNameError(ActorGraphError, LookupError):
    """A name resolved to no entity, or to more than one."""

    exit_code = 2

    def __init__(self, message: str, *, candidates: list[str] | None = None) -> None:
        self.candidates = candidates or []
        super().__init__(message)


class QueryError(ActorGraphError):
    """A SPARQL query is malformed or refused by the query guard."""

    exit_code = 4

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.line = line
        self.column = column
        super().__init__(message)


class QueryTimeout(ActorGraphError):
    """A query ran past its time limit and was stopped."""

    exit_code = 5


class QueryMemoryError(QueryTimeout):
    """A query went past its memory limit and was stopped (a resource limit, like a timeout)."""


class EndpointError(ActorGraphError):
    """A SPARQL endpoint or other network peer failed or answered with an error."""

    exit_code = 6


class EndpointTimeout(EndpointError, QueryTimeout):
    """A SPARQL endpoint or other network peer gave no complete reply in time.

    Both an :class:`EndpointError` and a :class:`QueryTimeout`; its exit code is the timeout's.
    """

    exit_code = 5


class ImportRejectedError(ActorGraphError):
    """An import finished but rejected rows while ``strict`` was asked for."""

    exit_code = 7


class StoreLockedError(ActorGraphError):
    """Another process holds the on-disk store's write lock."""

    exit_code = 6
