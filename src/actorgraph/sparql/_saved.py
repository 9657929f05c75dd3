"""The saved competency queries shipped in ``queries/*.rq``.

Each file is a standalone SPARQL 1.1 query: it declares its own prefixes, so it runs unchanged on any
SPARQL server, and opens with a comment block that says what it answers::

    # title: Leader of a group at a date
    # answers: Who led each group on a given date ...
    # param: group — the group (e.g. agd:ttp)

A ``param`` names a variable of the query's projection that ``--param name=value`` (or ``params=``)
binds; left unbound, the query still runs and answers for every value.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from actorgraph._errors import UsageError
from actorgraph._resources import resource_dir

__all__ = ["SavedQuery", "read_saved_query", "saved_queries"]

_HEADER_RE = re.compile(r"#\s*(title|answers|param)\s*:\s*(.*)")
_PARAM_RE = re.compile(r"\??(\w+)\s*(?:—|--|-|:)\s*(.*)")
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class SavedQuery:
    """One saved query: its name (the file's stem), what it answers, its parameters and its text.

    Examples
    --------
    >>> query = read_saved_query("leader-at-date")
    >>> query.title
    'Leader of a group at a date'
    >>> sorted(query.params)
    ['date', 'group']
    """

    name: str
    title: str
    answers: str
    text: str
    path: Path
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> SavedQuery:
        """Read a ``.rq`` file and its comment header."""
        text = path.read_text(encoding="utf-8")
        title = ""
        answers: list[str] = []
        params: dict[str, str] = {}
        for line in text.splitlines():
            stripped = line.strip()
            if not stripped.startswith("#"):
                if stripped:
                    break
                continue
            match = _HEADER_RE.fullmatch(stripped)
            if match is None:
                continue
            key, value = match.group(1), match.group(2).strip()
            if key == "title":
                title = value
            elif key == "answers":
                answers.append(value)
            else:
                param = _PARAM_RE.fullmatch(value)
                if param is not None:
                    params[param.group(1)] = param.group(2).strip()
        return cls(
            name=path.stem,
            title=title or path.stem,
            answers=" ".join(answers),
            text=text,
            path=path,
            params=params,
        )


def _directory() -> Path:
    return resource_dir("queries")


def saved_queries() -> list[SavedQuery]:
    """Every saved query, sorted by name.

    Examples
    --------
    >>> len(saved_queries()) >= 12
    True
    """
    return [SavedQuery.from_file(path) for path in sorted(_directory().glob("*.rq"))]


def read_saved_query(name: str) -> SavedQuery:
    """The saved query called ``name`` (a file stem such as ``contested-tolls``; ``.rq`` is optional).

    Raises
    ------
    UsageError
        For an unknown name, listing close matches and how to see them all.
    """
    stem = name.removesuffix(".rq")
    if _NAME_RE.fullmatch(stem):
        path = _directory() / f"{stem}.rq"
        if path.is_file():
            return SavedQuery.from_file(path)
    names = [path.stem for path in sorted(_directory().glob("*.rq"))]
    close = difflib.get_close_matches(stem, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise UsageError(
        f"no saved query named {name!r}{hint} (`actorgraph query --list` lists them all)"
    )
