"""The ontology (ontology/actorgraph.ttl): every term of the contract, documented and aligned.

The loader reads property kinds from the ontology (object or datatype property, and the literal
datatypes a datatype property takes), so these tests pin the conventions it relies on as well as
the vocabulary contract.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef

from _scripts import load_script

ONTOLOGY_DIR = Path(__file__).parents[1] / "ontology"
CONTRACT = Path(__file__).parents[1].parent / "shared" / "CONTRACT.md"

AG = Namespace("https://w3id.org/actorgraph/ontology#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ONTOLOGY_IRI = URIRef("https://w3id.org/actorgraph/ontology")

PREFIXES = {
    "ag": AG,
    "schema": SCHEMA,
    "prov": PROV,
    "foaf": FOAF,
    "org": ORG,
    "sem": SEM,
    "geo": GEO,
    "skos": SKOS,
    "rdf": Namespace(str(RDF)),
    "xsd": Namespace(str(XSD)),
}

# Class -> its direct superclass among our own classes (None for roots), as CONTRACT.md says.
HIERARCHY: dict[str, str | None] = {
    "Actor": None,
    "Organization": "Actor",
    "ArmedGroup": "Organization",
    "PoliticalParty": "Organization",
    "State": "Organization",
    "GovernmentBody": "Organization",
    "ReligiousOrganization": "Organization",
    "InternationalOrganization": "Organization",
    "Person": "Actor",
    "Cleric": "Person",
    "Event": None,
    "Attack": "Event",
    "Assassination": "Attack",
    "Negotiation": "Event",
    "Ceasefire": "Event",
    "MilitaryOperation": "Event",
    "Advisory": "Event",
    "Fatwa": "Event",
    "Designation": "Event",
    "Declaration": "Event",
    "Observation": None,
    "Place": None,
    "Source": None,
    "Ideology": None,
    "Practice": None,
    "TargetCategory": None,
    "ActorCategory": None,
    "AttackType": None,
    "Family": None,
    "Rank": None,
}

SCHEMES = {
    "Ideology": "Ideologies",
    "Practice": "Practices",
    "TargetCategory": "TargetCategories",
    "ActorCategory": "ActorCategories",
    "AttackType": "AttackTypes",
    "Family": "Families",
}

DATE_TYPES = ("xsd:date", "xsd:gYearMonth", "xsd:gYear")

# Every property of CONTRACT.md (and the statement-level ones) -> (kind, literal datatypes or None).
PROPERTIES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    **{
        f"ag:{name}": ("object", None)
        for name in [
            "claimedBy",
            "attributedTo",
            "disownedBy",
            "target",
            "victim",
            "place",
            "issuedBy",
            "condemns",
            "memberOf",
            "leaderOf",
            "founderOf",
            "alliedWith",
            "rivalOf",
            "opposes",
            "splinterOf",
            "mergedInto",
            "modeledOn",
            "recruitsFrom",
            "adheresTo",
            "activeIn",
            "participant",
            "mediator",
            "designatedBy",
            "designatedGroup",
            "sameEventAs",
            "attackType",
            "rank",
        ]
    },
    **{
        f"ag:{name}": ("datatype", DATE_TYPES)
        for name in (
            [
                "date",
                "startDate",
                "endDate",
                "deathDate",
                "foundingDate",
                "dissolutionDate",
                "disownedDate",
            ]
        )
    },
    "ag:earliestDate": ("datatype", ("xsd:date",)),
    "ag:latestDate": ("datatype", ("xsd:date",)),
    **{
        f"ag:{name}": ("datatype", ("xsd:integer",))
        for name in [
            "killed",
            "injured",
            "civilianDeaths",
            "securityForceDeaths",
            "militantDeaths",
            "killedLow",
            "killedHigh",
            "attackCount",
            "incidentCount",
            "charStart",
            "charEnd",
        ]
    },
    **{
        f"ag:{name}": ("datatype", ("rdf:langString",))
        for name in ("claimText", "ruling", "dateText")
    },
    **{
        f"ag:{name}": ("datatype", ("xsd:string",))
        for name in ("spanSha256", "sourceFact", "sourceRecord", "listName")
    },
    **{
        f"ag:{name}": ("datatype", ("xsd:boolean",))
        for name in ("provisional", "lowerBound", "uncertain")
    },
    "geo:lat": ("datatype", ("xsd:decimal",)),
    "geo:long": ("datatype", ("xsd:decimal",)),
    "skos:altLabel": ("datatype", ("rdf:langString",)),
    "skos:note": ("datatype", ("rdf:langString",)),
    "skos:exactMatch": ("object", None),
    "schema:containedInPlace": ("object", None),
    "schema:url": ("object", None),
}

# The domains and ranges of CONTRACT.md's table; the ontology must include them (it may add more).
DOMAIN_RANGE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "ag:claimedBy": (("ag:Attack",), ("ag:Actor",)),
    "ag:attributedTo": (("ag:Attack",), ("ag:Actor",)),
    "ag:disownedBy": (("ag:Attack",), ("ag:Actor",)),
    "ag:target": (("ag:Event",), ("ag:Actor", "ag:Person", "ag:TargetCategory")),
    "ag:victim": (("ag:Attack",), ("ag:Person",)),
    "ag:place": (("ag:Event", "ag:Observation"), ("ag:Place",)),
    "ag:issuedBy": (("ag:Fatwa", "ag:Advisory", "ag:Declaration"), ("ag:Actor",)),
    "ag:condemns": (("ag:Fatwa", "ag:Declaration"), ("ag:Practice", "ag:Actor")),
    "ag:ruling": (("ag:Fatwa",), ()),
    "ag:memberOf": (("ag:Person",), ("ag:Organization",)),
    "ag:leaderOf": (("ag:Person",), ("ag:Organization",)),
    "ag:founderOf": (("ag:Person",), ("ag:Organization",)),
    "ag:deathDate": (("ag:Person",), ()),
    "ag:alliedWith": (("ag:Actor",), ("ag:Actor",)),
    "ag:rivalOf": (("ag:Actor",), ("ag:Actor",)),
    "ag:opposes": (("ag:Actor",), ("ag:Actor", "ag:Ideology")),
    "ag:splinterOf": (("ag:ArmedGroup",), ("ag:ArmedGroup",)),
    "ag:mergedInto": (("ag:ArmedGroup",), ("ag:ArmedGroup",)),
    "ag:modeledOn": (("ag:Actor",), ("ag:Actor",)),
    "ag:recruitsFrom": (("ag:Actor",), ("ag:Actor", "ag:ActorCategory")),
    "ag:adheresTo": (("ag:Actor",), ("ag:Ideology",)),
    "ag:activeIn": (("ag:Actor",), ("ag:Place",)),
    "ag:participant": (("ag:Event",), ("ag:Actor",)),
    "ag:mediator": (("ag:Event",), ("ag:Actor",)),
    "ag:designatedBy": (("ag:Designation",), ("ag:Actor",)),
    "ag:designatedGroup": (("ag:Designation",), ()),
    "ag:listName": (("ag:Designation",), ()),
    "ag:foundingDate": (("ag:Organization",), ()),
    "ag:dissolutionDate": (("ag:Organization",), ()),
    "ag:sameEventAs": (("ag:Event",), ("ag:Event",)),
    "ag:attackType": (("ag:Attack",), ("ag:AttackType",)),
    "ag:provisional": (("ag:Actor",), ()),
    "ag:date": (("ag:Event",), ()),
    "ag:killed": (("ag:Attack", "ag:Observation"), ()),
    "ag:injured": (("ag:Attack", "ag:Observation"), ()),
    "ag:killedLow": (("ag:Attack",), ()),
    "ag:killedHigh": (("ag:Attack",), ()),
    "ag:attackCount": (("ag:Observation",), ()),
    "ag:incidentCount": (("ag:Observation",), ()),
    "ag:rank": (("rdf:Statement",), ("ag:Rank",)),
    "ag:claimText": (("rdf:Statement",), ()),
    "geo:lat": (("ag:Place", "ag:Event"), ()),
    "geo:long": (("ag:Place", "ag:Event"), ()),
    "schema:containedInPlace": (("ag:Place",), ("ag:Place",)),
}

ALIGNMENTS: list[tuple[str, str, str]] = [
    ("ag:Actor", "rdfs:subClassOf", "prov:Agent"),
    ("ag:Actor", "rdfs:subClassOf", "foaf:Agent"),
    ("ag:Organization", "rdfs:subClassOf", "org:Organization"),
    ("ag:Organization", "rdfs:subClassOf", "foaf:Organization"),
    ("ag:Organization", "rdfs:subClassOf", "schema:Organization"),
    ("ag:Person", "rdfs:subClassOf", "foaf:Person"),
    ("ag:Person", "rdfs:subClassOf", "schema:Person"),
    ("ag:Event", "rdfs:subClassOf", "sem:Event"),
    ("ag:Event", "rdfs:subClassOf", "schema:Event"),
    ("ag:Place", "rdfs:subClassOf", "sem:Place"),
    ("ag:Place", "rdfs:subClassOf", "schema:Place"),
    ("ag:Source", "rdfs:subClassOf", "prov:Entity"),
    ("ag:GovernmentBody", "rdfs:subClassOf", "schema:GovernmentOrganization"),
    *[(f"ag:{name}", "rdfs:subClassOf", "skos:Concept") for name in SCHEMES],
    ("ag:memberOf", "rdfs:subPropertyOf", "org:memberOf"),
    ("ag:leaderOf", "rdfs:subPropertyOf", "org:headOf"),
    ("ag:place", "rdfs:subPropertyOf", "sem:hasPlace"),
    ("ag:participant", "rdfs:subPropertyOf", "sem:hasActor"),
    ("ag:startDate", "rdfs:subPropertyOf", "schema:startDate"),
    ("ag:endDate", "rdfs:subPropertyOf", "schema:endDate"),
    ("ag:foundingDate", "rdfs:subPropertyOf", "schema:foundingDate"),
]


def _iri(curie: str) -> URIRef:
    if curie.startswith("rdfs:"):
        return RDFS[curie.removeprefix("rdfs:")]
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix][local]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY_DIR / "actorgraph.ttl", format="turtle")


def _english(graph: Graph, subject: URIRef, predicate: URIRef) -> list[Literal]:
    return [
        o
        for o in graph.objects(subject, predicate)
        if isinstance(o, Literal) and o.language == "en" and str(o).strip()
    ]


def _declared_properties(graph: Graph) -> set[URIRef]:
    return {
        s
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty)
        for s in graph.subjects(RDF.type, kind)
        if isinstance(s, URIRef)
    }


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert _english(ontology, ONTOLOGY_IRI, DCTERMS.title)
    assert _english(ontology, ONTOLOGY_IRI, DCTERMS.description)
    assert "MIT" in str(ontology.value(ONTOLOGY_IRI, DCTERMS.license))


@pytest.mark.parametrize(("name", "parent"), HIERARCHY.items(), ids=list(HIERARCHY))
def test_class_is_declared_documented_and_placed(
    ontology: Graph, name: str, parent: str | None
) -> None:
    cls = AG[name]
    assert (cls, RDF.type, OWL.Class) in ontology
    assert len(_english(ontology, cls, RDFS.label)) == 1
    assert len(_english(ontology, cls, RDFS.comment)) == 1
    own_parents = {p for p in ontology.objects(cls, RDFS.subClassOf) if str(p).startswith(AG)}
    assert own_parents == ({AG[parent]} if parent else set())


@pytest.mark.parametrize(("curie", "spec"), PROPERTIES.items(), ids=list(PROPERTIES))
def test_property_is_typed_documented_and_ranged(
    ontology: Graph, curie: str, spec: tuple[str, tuple[str, ...] | None]
) -> None:
    kind, datatypes = spec
    prop = _iri(curie)
    expected_type = OWL.ObjectProperty if kind == "object" else OWL.DatatypeProperty
    types = set(ontology.objects(prop, RDF.type))
    assert expected_type in types
    assert not types & ({OWL.ObjectProperty, OWL.DatatypeProperty} - {expected_type})
    assert len(_english(ontology, prop, RDFS.label)) == 1
    assert len(_english(ontology, prop, RDFS.comment)) == 1
    assert set(ontology.objects(prop, SCHEMA.domainIncludes))
    ranges = set(ontology.objects(prop, SCHEMA.rangeIncludes))
    assert ranges
    if datatypes is not None:
        assert ranges == {_iri(d) for d in datatypes}


def test_every_declared_property_is_documented(ontology: Graph) -> None:
    """Properties added later keep the conventions too, not only the ones listed here."""
    for prop in _declared_properties(ontology):
        assert _english(ontology, prop, RDFS.label), prop
        assert _english(ontology, prop, RDFS.comment), prop
        assert set(ontology.objects(prop, SCHEMA.domainIncludes)), prop
        assert set(ontology.objects(prop, SCHEMA.rangeIncludes)), prop
    assert _declared_properties(ontology) >= {_iri(c) for c in PROPERTIES}


def test_every_datatype_property_ranges_over_datatypes_only(ontology: Graph) -> None:
    datatypes = {RDF.langString, RDF.PlainLiteral, RDFS.Literal} | {
        XSD[n]
        for n in [
            "string",
            "integer",
            "decimal",
            "boolean",
            "date",
            "gYearMonth",
            "gYear",
            "dateTime",
            "anyURI",
        ]
    }
    for prop in ontology.subjects(RDF.type, OWL.DatatypeProperty):
        ranges = set(ontology.objects(prop, SCHEMA.rangeIncludes))
        assert ranges, prop
        assert ranges <= datatypes, (prop, ranges - datatypes)


def test_object_properties_range_over_classes_not_datatypes(ontology: Graph) -> None:
    for prop in ontology.subjects(RDF.type, OWL.ObjectProperty):
        for rng in ontology.objects(prop, SCHEMA.rangeIncludes):
            assert not str(rng).startswith(str(XSD)), (prop, rng)
            assert rng != RDF.langString, prop


def test_no_rdfs_domain_range_inverse_or_symmetric(ontology: Graph) -> None:
    """domainIncludes/rangeIncludes only; relations are stored one way and no reasoner runs."""
    assert not list(ontology.triples((None, RDFS.domain, None)))
    assert not list(ontology.triples((None, RDFS.range, None)))
    assert not list(ontology.triples((None, OWL.inverseOf, None)))
    assert not list(ontology.subjects(RDF.type, OWL.SymmetricProperty))
    assert not list(ontology.subjects(RDF.type, OWL.TransitiveProperty))


@pytest.mark.parametrize("name", ["alliedWith", "rivalOf", "sameEventAs"])
def test_symmetric_in_meaning_properties_say_how_to_query_them(ontology: Graph, name: str) -> None:
    comment = str(ontology.value(AG[name], RDFS.comment))
    assert "symmetric" in comment.lower()
    assert f"ag:{name}|^ag:{name}" in comment


def test_rdfs_label_is_not_redeclared(ontology: Graph) -> None:
    assert not set(ontology.predicate_objects(RDFS.label))


@pytest.mark.parametrize(
    ("curie", "domains", "ranges"),
    [(c, d, r) for c, (d, r) in DOMAIN_RANGE.items()],
    ids=list(DOMAIN_RANGE),
)
def test_domain_and_range_include_the_contract(
    ontology: Graph, curie: str, domains: tuple[str, ...], ranges: tuple[str, ...]
) -> None:
    prop = _iri(curie)
    assert {_iri(d) for d in domains} <= set(ontology.objects(prop, SCHEMA.domainIncludes))
    assert {_iri(r) for r in ranges} <= set(ontology.objects(prop, SCHEMA.rangeIncludes))


@pytest.mark.parametrize(
    ("subject", "predicate", "obj"), ALIGNMENTS, ids=[f"{s}-{o}" for s, _, o in ALIGNMENTS]
)
def test_alignment(ontology: Graph, subject: str, predicate: str, obj: str) -> None:
    assert (_iri(subject), _iri(predicate), _iri(obj)) in ontology


def test_every_root_class_is_aligned_to_a_standard_vocabulary(ontology: Graph) -> None:
    """Our top classes are subclasses of PROV, SEM, schema.org or SKOS classes (not ag:Rank)."""
    roots = [name for name, parent in HIERARCHY.items() if parent is None and name != "Rank"]
    for name in roots:
        assert set(ontology.objects(AG[name], RDFS.subClassOf)), name


@pytest.mark.parametrize(("concept", "scheme"), SCHEMES.items(), ids=list(SCHEMES))
def test_concept_class_names_its_scheme(ontology: Graph, concept: str, scheme: str) -> None:
    assert ontology.value(AG[concept], AG.scheme) == AG[scheme]
    assert (AG[scheme], RDF.type, SKOS.ConceptScheme) in ontology
    assert len(_english(ontology, AG[scheme], RDFS.label)) == 1


def test_scheme_is_an_annotation_property(ontology: Graph) -> None:
    assert (AG.scheme, RDF.type, OWL.AnnotationProperty) in ontology
    assert _english(ontology, AG.scheme, RDFS.label)
    assert _english(ontology, AG.scheme, RDFS.comment)


@pytest.mark.parametrize("rank", ["PreferredRank", "NormalRank", "DeprecatedRank"])
def test_rank_individuals(ontology: Graph, rank: str) -> None:
    assert (AG[rank], RDF.type, AG.Rank) in ontology
    assert len(_english(ontology, AG[rank], RDFS.label)) == 1
    assert _english(ontology, AG[rank], RDFS.comment)


def test_every_ag_term_used_is_declared(ontology: Graph) -> None:
    """A typo such as ag:Atack in a domainIncludes would otherwise pass unnoticed."""
    declared = set(ontology.subjects(RDF.type, None))
    used = {
        term
        for triple in ontology
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(str(AG))
    }
    assert used <= declared, sorted(used - declared)


def _contract_terms() -> set[str]:
    if not CONTRACT.is_file():
        pytest.skip(f"the team's vocabulary contract is not at {CONTRACT}")
    text = CONTRACT.read_text(encoding="utf-8")
    terms = set(re.findall(r"\bag:[A-Za-z][A-Za-z0-9]*", text))
    terms |= {t for t in PROPERTIES if not t.startswith("ag:") and t in text}
    return terms


def test_every_term_of_the_contract_is_in_the_ontology(ontology: Graph) -> None:
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    missing = sorted(t for t in _contract_terms() if _iri(t) not in declared)
    assert not missing


def test_every_contract_term_is_checked_here() -> None:
    """The lists in this file cover the contract, so the tests above run on a clean clone too."""
    here = set(PROPERTIES) | {f"ag:{c}" for c in HIERARCHY} | {f"ag:{s}" for s in SCHEMES.values()}
    here |= {"ag:PreferredRank", "ag:NormalRank", "ag:DeprecatedRank"}
    assert not sorted(_contract_terms() - here)


@pytest.mark.slow  # regenerates the whole ontology reference (7 s of CPU)
def test_generated_reference_is_up_to_date() -> None:
    """docs/ontology.md is generated from the ontology; regenerate it after changing the ontology."""
    root = Path(__file__).parents[1]
    tool = load_script("tools/ontology_doc.py")
    committed = (root / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert committed == tool.render(tool.load(), tool.load_shapes()), (
        "run: python tools/ontology_doc.py"
    )


def test_generated_reference_lists_every_term() -> None:
    text = (Path(__file__).parents[1] / "docs" / "ontology.md").read_text(encoding="utf-8")
    for curie in [*PROPERTIES, *(f"ag:{c}" for c in HIERARCHY)]:
        assert f"`{curie}`" in text, curie


@pytest.mark.parametrize("name", ["actorgraph.ttl", "shapes.ttl"])
def test_oxigraph_reads_the_same_triples_as_rdflib(name: str) -> None:
    """The store loads the ontology with Oxigraph's parser, the validator with rdflib's."""
    import pyoxigraph as ox

    path = ONTOLOGY_DIR / name
    oxigraph_count = sum(1 for _ in ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    assert oxigraph_count == len(Graph().parse(path, format="turtle"))


def test_no_released_term_disappears(ontology: Graph) -> None:
    """Terms are public API: a released term stays, deprecated with a replacement if need be."""
    released = Path(__file__).parent / "fixtures" / "ontology_terms_0.1.0.txt"
    lines = released.read_text(encoding="utf-8").splitlines()
    terms = [line for line in lines if line and not line.startswith("#")]
    assert len(terms) > 90
    declared = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert not sorted(t for t in terms if _iri(t) not in declared)


def test_deprecated_terms_name_their_replacement(ontology: Graph) -> None:
    for term in ontology.subjects(OWL.deprecated, Literal(True)):
        replacement = ontology.value(term, DCTERMS.isReplacedBy)
        assert isinstance(replacement, URIRef), term
        assert (replacement, RDF.type, None) in ontology, (term, replacement)
