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

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from actorgraph._errors import UsageError
from actorgraph._resources import resource_dir

__all__ = [
    "SavedQuery",
    "check_param",
    "param_example",
    "param_kind",
    "read_saved_query",
    "saved_queries",
]

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


#: The documented example of a parameter: the value after "e.g." (``(e.g. agd:ttp)``,
#: ``(a CURIE or <IRI>, e.g. agd:ttp)``).
_EXAMPLE_RE = re.compile(r"\be\.g\.\s+([^\s);,]+)")
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_YEAR_RE = re.compile(r"\d{4}", re.ASCII)


def param_kind(meaning: str) -> str:
    """The kind of value a parameter takes, as its documented example shows it: ``"date"``
    (``2015-06-01``), ``"year"`` (``2012``), or ``"term"`` (anything else: an entity, a source, text).

    Examples
    --------
    >>> param_kind("the date, YYYY-MM-DD (e.g. 2015-06-01); default today")
    'date'
    >>> param_kind("the year (e.g. 2012)"), param_kind("the group (e.g. agd:ttp)")
    ('year', 'term')
    """
    example = _example_in(meaning) or ""
    if _ISO_DATE_RE.fullmatch(example):
        return "date"
    if _YEAR_RE.fullmatch(example):
        return "year"
    return "term"


def _example_in(meaning: str) -> str | None:
    match = _EXAMPLE_RE.search(meaning)
    return match.group(1) if match else None


def _meaning(query: SavedQuery, name: str) -> str:
    meaning = query.params.get(name)
    if meaning is None:
        declared = ", ".join(sorted(query.params)) or "none"
        raise UsageError(
            f"the saved query {query.name} has no parameter {name!r}; its parameters: {declared}"
        )
    return meaning


def param_example(query: SavedQuery, name: str) -> str | None:
    """The example value the ``# param:`` line of ``name`` documents (``e.g. agd:ttp``), or None.

    Raises
    ------
    UsageError
        When the query has no parameter ``name``.

    Examples
    --------
    >>> param_example(read_saved_query("leader-at-date"), "date")
    '2015-06-01'
    """
    return _example_in(_meaning(query, name))


def check_param(query: SavedQuery, name: str, value: str) -> None:
    """Refuse a ``--param`` value that is not of the kind the saved query declares for it.

    Raises
    ------
    UsageError
        Naming the parameter, what it expects and an example.

    Examples
    --------
    >>> check_param(read_saved_query("leader-at-date"), "date", "2015-13-45")
    Traceback (most recent call last):
    ...
    actorgraph._errors.UsageError: --param date=2015-13-45: expected a date YYYY-MM-DD ... (e.g. 2015-06-01)
    """
    meaning = _meaning(query, name)
    kind = param_kind(meaning)
    example = _example_in(meaning)
    hint = f" (e.g. {example})" if example else ""
    text = value.strip()
    if kind == "date":
        try:
            valid = _ISO_DATE_RE.fullmatch(text) is not None and bool(dt.date.fromisoformat(text))
        except ValueError:
            valid = False
        if not valid:
            raise UsageError(
                f"--param {name}={value}: expected a date YYYY-MM-DD that exists in the calendar"
                f"{hint}"
            )
    elif kind == "year" and not _YEAR_RE.fullmatch(text):
        raise UsageError(f"--param {name}={value}: expected a year of four digits{hint}")


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
