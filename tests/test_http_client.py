"""The HTTP client's small parts: excerpts of what a server sent, redacted URLs, the reply cap's
setting, and the query URL guessed beside a push URL."""

from __future__ import annotations

import pytest

from actorgraph import QueryTimeout, UsageError
from actorgraph._errors import EndpointError, EndpointTimeout
from actorgraph.store._client import DEFAULT_MAX_REPLY, excerpt, redacted, reply_cap
from actorgraph.store._remote import query_url_for


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        pytest.param(b"plain text", "plain text", id="plain"),
        pytest.param(b"a\n\n  b\tc\r\n", "a b c", id="whitespace-runs"),
        pytest.param(b"\x1b[2Jcleared\x07", "\\x1b[2Jcleared\\x07", id="escape-and-bell"),
        pytest.param("left\u202eright".encode(), "left\\u202eright", id="bidi-override"),
        pytest.param(b"\xff\xfe", "\ufffd\ufffd", id="not-utf-8"),
        pytest.param(b"", "(an empty body)", id="empty"),
    ],
)
def test_an_excerpt_is_one_safe_line(body: bytes, shown: str) -> None:
    assert excerpt(body) == shown


def test_a_long_excerpt_is_cut_and_says_so() -> None:
    text = excerpt(b"x" * 10_000, 50)
    assert text == "x" * 50 + "…"


def test_passwords_are_redacted_from_urls() -> None:
    assert redacted("http://alice:s3cret@host:8890/sparql") == "http://alice:***@host:8890/sparql"
    assert redacted("http://host/sparql") == "http://host/sparql"


def test_the_reply_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ACTORGRAPH_MAX_REPLY", raising=False)
    assert reply_cap() == DEFAULT_MAX_REPLY
    monkeypatch.setenv("ACTORGRAPH_MAX_REPLY", "500_000_000")
    assert reply_cap() == 500_000_000
    monkeypatch.setenv("ACTORGRAPH_MAX_REPLY", "-1")
    with pytest.raises(UsageError, match="ACTORGRAPH_MAX_REPLY"):
        reply_cap()


def test_an_endpoint_timeout_is_caught_as_either_kind() -> None:
    assert issubclass(EndpointTimeout, QueryTimeout)
    assert issubclass(EndpointTimeout, EndpointError)
    assert EndpointTimeout.exit_code == QueryTimeout.exit_code == 5


@pytest.mark.parametrize(
    ("url", "query"),
    [
        pytest.param("http://h:7878/store", "http://h:7878/query", id="oxigraph-gsp"),
        pytest.param("http://h:7878/update", "http://h:7878/query", id="oxigraph-update"),
        pytest.param("http://h:3030/ds/data", "http://h:3030/ds/query", id="fuseki-gsp"),
        pytest.param(
            "http://h:8890/sparql-graph-crud-auth", "http://h:8890/sparql-auth", id="virtuoso-auth"
        ),
        pytest.param("http://h:8890/sparql-graph-crud", "http://h:8890/sparql", id="virtuoso"),
        pytest.param("http://h:8890/sparql", "http://h:8890/sparql", id="virtuoso-update"),
        pytest.param(
            "http://h:7200/repositories/ag/statements",
            "http://h:7200/repositories/ag",
            id="graphdb-update",
        ),
        pytest.param(
            "http://h:7200/repositories/ag/rdf-graphs/service",
            "http://h:7200/repositories/ag",
            id="graphdb-gsp",
        ),
        pytest.param("http://h/whatever", None, id="unknown"),
    ],
)
def test_the_query_url_beside_a_push_url(url: str, query: str | None) -> None:
    assert query_url_for(url) == query
