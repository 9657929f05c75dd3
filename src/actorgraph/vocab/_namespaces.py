"""The namespaces of the vocabulary contract and CURIE helpers."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "AG",
    "AGD",
    "AGG",
    "AGS",
    "AGST",
    "GEO",
    "ORG",
    "PREFIXES",
    "SCHEMA",
    "SEM",
    "TIME",
    "curie",
    "expand",
]

AG = Namespace("https://w3id.org/actorgraph/ontology#")
AGD = Namespace("https://w3id.org/actorgraph/data/")
AGS = Namespace("https://w3id.org/actorgraph/source/")
AGST = Namespace("https://w3id.org/actorgraph/statement/")
AGG = Namespace("https://w3id.org/actorgraph/graph/")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
TIME = Namespace("http://www.w3.org/2006/time#")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")

#: Prefix → namespace IRI, predeclared in every query and used for CURIEs. Order matters for
#: :func:`curie`: the longest matching namespace wins, so the order here is only for display.
PREFIXES: dict[str, str] = {
    "ag": str(AG),
    "agd": str(AGD),
    "ags": str(AGS),
    "agst": str(AGST),
    "agg": str(AGG),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "foaf": str(FOAF),
    "org": str(ORG),
    "time": str(TIME),
    "sem": str(SEM),
    "schema": str(SCHEMA),
    "geo": str(GEO),
}

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


def curie(iri: str) -> str:
    """Shorten an IRI to a CURIE with the project's prefixes; other IRIs are returned unchanged.

    Examples
    --------
    >>> curie("https://w3id.org/actorgraph/data/ttp")
    'agd:ttp'
    >>> curie("http://example.org/x")
    'http://example.org/x'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def expand(name: str) -> URIRef:
    """Expand a CURIE with a known prefix (or pass an absolute IRI through) to a :class:`URIRef`.

    Raises
    ------
    ValueError
        If ``name`` has an unknown prefix and is not an absolute IRI.

    Examples
    --------
    >>> expand("agd:ttp")
    rdflib.term.URIRef('https://w3id.org/actorgraph/data/ttp')
    """
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + local)
    if sep and local.startswith("//"):
        return URIRef(name)
    known = ", ".join(sorted(PREFIXES))
    raise ValueError(
        f"{name!r} is neither a CURIE with a known prefix ({known}) nor an absolute IRI"
    )
