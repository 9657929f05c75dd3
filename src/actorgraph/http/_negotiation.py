"""Content negotiation: which results, graph and service-description formats a request's ``Accept``
asks for, in the server's order of preference (werkzeug reads the header)."""

from __future__ import annotations

from collections.abc import Sequence

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

#: What each output format may be asked for as, in the server's order of preference.
RESULT_OFFERS: list[tuple[str, str]] = [
    ("application/sparql-results+json", "json"),
    ("application/sparql-results+xml", "xml"),
    ("text/csv", "csv"),
    ("text/tab-separated-values", "tsv"),
    ("application/json", "json"),
    ("application/xml", "xml"),
    ("text/xml", "xml"),
]
GRAPH_OFFERS: list[tuple[str, str]] = [
    ("text/turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("application/ld+json", "jsonld"),
    ("application/x-turtle", "turtle"),
    ("text/plain", "nt"),
    ("application/json", "jsonld"),
]
DESCRIPTION_OFFERS: list[tuple[str, str]] = [
    ("text/turtle", "turtle"),
    ("application/x-turtle", "turtle"),
    ("application/n-triples", "nt"),
    ("text/plain", "turtle"),
]
W3C_FORMATS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
}


# --------------------------------------------------------------------------------------------
# Content negotiation


def negotiate(accept: str | None, offers: Sequence[tuple[str, str]]) -> str | None:
    """Pick the format of ``offers`` (media type, format) that ``accept`` likes best.

    The header is read by werkzeug as RFC 9110 says: a range with an invalid quality (``q=NaN``,
    ``q=5``) is dropped, parameters other than ``q`` are ignored, and each offer takes the quality of the most specific range matching it.
    Ties go to the earlier offer; ``None`` when nothing offered is acceptable. A header with no
    valid range counts as absent.

    Examples
    --------
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_OFFERS)
    'xml'
    >>> negotiate("text/csv;q=NaN, text/tab-separated-values", RESULT_OFFERS)
    'tsv'
    >>> negotiate(None, RESULT_OFFERS)
    'json'
    >>> negotiate("image/png", RESULT_OFFERS) is None
    True
    """
    parsed = parse_accept_header(accept, MIMEAccept) if accept else MIMEAccept()
    # Parameters other than q (``charset=utf-8``) do not change what matches: every format is
    # written in UTF-8.
    ranges = MIMEAccept([(value.partition(";")[0].strip(), q) for value, q in parsed])
    if not ranges:
        return offers[0][1]
    best: tuple[float, int] | None = None
    chosen = None
    for index, (media, fmt) in enumerate(offers):
        quality = ranges.quality(media)
        if quality <= 0:
            continue
        key = (quality, -index)
        if best is None or key > best:
            best, chosen = key, fmt
    return chosen
