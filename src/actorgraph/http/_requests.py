"""Reading requests: the SPARQL 1.1 Protocol's query and update fields from a GET or a POST, and the
errors a request can get (control characters escaped in their bodies)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from actorgraph.http._options import ServerOptions


class HTTPProblem(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# Control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that
# reorder a terminal's text: an error body may quote the client's query or headers, and must not
# carry escape sequences to whoever reads it in a terminal.
_UNSAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    r"""``text`` with control characters written as Python-style escapes.

    Examples
    --------
    >>> escape_controls("bad \x1b[31mred\x1b[0m\n")
    'bad \\x1b[31mred\\x1b[0m\n'
    """
    return _UNSAFE_RE.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def problem(exc: HTTPProblem) -> Response:
    return PlainTextResponse(
        escape_controls(exc.message) + "\n", status_code=exc.status, headers=exc.headers
    )


# --------------------------------------------------------------------------------------------
# Reading requests


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPProblem(413, f"the request body is larger than this server's {limit} bytes")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPProblem(413, f"the request body is larger than this server's {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPProblem(400, "the request body is not UTF-8") from None


async def protocol_fields(request: Request, options: ServerOptions) -> dict[str, list[str]]:
    """The protocol's fields (query, update, default-graph-uri, named-graph-uri) of a request."""
    query_string = request.url.query
    if len(query_string) > options.max_body:
        raise HTTPProblem(413, f"the query string is longer than {options.max_body} bytes")
    fields = parse_qs(query_string, keep_blank_values=True)
    if request.method != "POST":
        return fields
    media = media_type(request)
    body = await _body(request, options.max_body)
    if media == "application/x-www-form-urlencoded":
        for key, values in parse_qs(_decode(body), keep_blank_values=True).items():
            fields.setdefault(key, []).extend(values)
    elif media == "application/sparql-query":
        fields["query"] = [_decode(body)]
    elif media == "application/sparql-update":
        fields["update"] = [_decode(body)]
    else:
        raise HTTPProblem(
            415,
            f"unsupported Content-Type {media or '(none)'!r}: POST a query as "
            "application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    return fields


def query_params(values: list[str]) -> dict[str, str]:
    """actorgraph's extension: ``param=VAR=VALUE`` binds a variable, as ``--param`` does."""
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise HTTPProblem(400, f"param {item!r}: expected VAR=VALUE, e.g. group=agd:ttp")
        params[name.strip().lstrip("?$")] = value
    return params


def one_field(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name, [])
    if len(values) > 1:
        raise HTTPProblem(400, f"give exactly one {name!r} parameter, not {len(values)}")
    return values[0] if values else None
