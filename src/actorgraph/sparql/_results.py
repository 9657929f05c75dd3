""":class:`QueryResult`: a query's result shaped like rdflib's (rows, ``bool()``, ``.graph``), its
W3C serialisations and its DataFrame; rows are read from Oxigraph's SPARQL TSV or JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.query import ResultRow

from actorgraph._errors import QueryError
from actorgraph.vocab._namespaces import PREFIXES

__all__ = ["MEDIA_TYPES", "QueryResult"]

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
