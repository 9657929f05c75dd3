"""How the query guard and the parameters split a query into SPARQL's tokens (comments, strings,
IRIs, variables, words), so that a word inside a comment, a string or an IRI is never taken for a keyword.
"""

from __future__ import annotations

import re

__all__ = ["QUERY_WORDS", "TOKEN_RE", "Token", "query_form"]

# The guard must split a query exactly where SPARQL does, or text it takes for a comment or a string
# hides a keyword from it: comments end at CR as well as LF, IRIs may hold \u escapes, and prefixed
# names may hold \# and \' escapes and non-ASCII letters (SPARQL 1.1 grammar, section 19.8).
TOKEN_RE = re.compile(
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

#: A token: its kind (the group of :data:`TOKEN_RE` that matched), its text and its offset.
Token = tuple[str | None, str, int]
#: The keywords that start a query (the rest of SPARQL's forms are updates).
QUERY_WORDS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


def query_form(text: str) -> str | None:
    """The query's form, ``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (its first keyword
    after the prologue; comments, strings and IRIs skipped), or ``None`` when it has none."""
    for match in TOKEN_RE.finditer(text):
        if match.lastgroup == "word" and match.group().upper() in QUERY_WORDS:
            return match.group().upper()
    return None
