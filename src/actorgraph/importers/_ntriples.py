"""N-Triples text for importers: the IRIs they use and escaped literals, written by hand from checked
values."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from actorgraph.store._graphs import STAGING_PREFIX
from actorgraph.vocab._dates import PartialDate
from actorgraph.vocab._namespaces import AG, AGG, SCHEMA

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
_PROV = "http://www.w3.org/ns/prov#"
DCTERMS_NS = "http://purl.org/dc/terms/"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
IMPORT_GRAPHS = str(AGG) + "import/"
STAGING_GRAPHS = STAGING_PREFIX

NT_TYPE = f"<{RDF_NS}type>"
NT_LABEL = f"<{RDFS_NS}label>"
NT_DERIVED = f"<{_PROV}wasDerivedFrom>"
NT_CONTAINED = f"<{SCHEMA}containedInPlace>"
NT_SOURCE_RECORD = f"<{AG}sourceRecord>"


# ----------------------------------------------------------------------------------------------------
# N-Triples text


def nt_iri(value: str) -> str:
    return f"<{value}>"


_NEEDS_ESCAPE = re.compile(r'[\\"\n\r]').search


def nt_escape(text: str) -> str:
    if not _NEEDS_ESCAPE(text):
        return text  # the usual case
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def nt_lit(text: str, lang: str = "en") -> str:
    return f'"{nt_escape(text)}"@{lang}'


def nt_str(text: str) -> str:
    return f'"{nt_escape(text)}"'


def nt_typed(text: str, datatype: str) -> str:
    return f'"{text}"^^<{datatype}>'


def nt_int(value: int) -> str:
    return f'"{value}"^^<{XSD_NS}integer>'


def nt_date(value: PartialDate) -> str:
    return f'"{value.iso}"^^<{value.datatype}>'


def nt_day(value: dt.date) -> str:
    return f'"{value.isoformat()}"^^<{XSD_NS}date>'


def statement_iri(subject: str, predicate: str, obj: str, source: str) -> str:
    """Name a statement by content exactly as the curated loader does (``agst:`` + 16 hex).

    All four are IRIs here; the hash is over their N-Triples forms joined by line feeds.
    """
    text = "\n".join(nt_iri(term) for term in (subject, predicate, obj, source))
    return "https://w3id.org/actorgraph/statement/" + hashlib.sha256(text.encode()).hexdigest()[:16]
