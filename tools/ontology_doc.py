"""Generate ``docs/ontology.md``, the reference of every class and property, from the ontology.

The reference is generated, never edited by hand: change ``ontology/actorgraph.ttl`` and run this
tool again. A test checks that the committed page is up to date.

Examples
--------
$ python tools/ontology_doc.py            # writes docs/ontology.md
$ python tools/ontology_doc.py --check    # exit code 1 when docs/ontology.md is out of date
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef

from actorgraph.curation._compile import compile_triples
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._namespaces import curie

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "actorgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
OUTPUT = ROOT / "docs" / "ontology.md"

AG = Namespace("https://w3id.org/actorgraph/ontology#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
ONTOLOGY_IRI = URIRef("https://w3id.org/actorgraph/ontology")


def _curie(graph: Graph, term: URIRef) -> str:
    prefix, namespace, local = graph.namespace_manager.compute_qname(str(term), generate=False)
    return f"{prefix}:{local}" if prefix else f"<{namespace}{local}>"


def _english(graph: Graph, term: URIRef, predicate: URIRef) -> str:
    for value in graph.objects(term, predicate):
        if isinstance(value, Literal) and value.language == "en":
            return " ".join(str(value).split())
    return ""


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a pipe would end the cell."""
    return text.replace("|", "\\|")


def _terms(graph: Graph, predicate: URIRef, term: URIRef) -> str:
    found = sorted(
        _curie(graph, o) for o in graph.objects(term, predicate) if isinstance(o, URIRef)
    )
    return ", ".join(f"`{c}`" for c in found)


def _subjects(graph: Graph, rdf_type: URIRef) -> list[URIRef]:
    return sorted(
        (s for s in graph.subjects(RDF.type, rdf_type) if isinstance(s, URIRef)),
        key=lambda s: _curie(graph, s).lower(),
    )


def _class_rows(graph: Graph) -> Iterable[str]:
    """Our classes as a tree, depth first, children in alphabetical order."""
    classes = [c for c in _subjects(graph, OWL.Class) if str(c).startswith(str(AG))]
    parents: dict[URIRef, list[URIRef]] = {
        c: [p for p in graph.objects(c, RDFS.subClassOf) if isinstance(p, URIRef) and p in classes]
        for c in classes
    }
    children: dict[URIRef, list[URIRef]] = {c: [] for c in classes}
    for cls, ps in parents.items():
        for parent in ps:
            children[parent].append(cls)

    def rows(cls: URIRef, depth: int) -> Iterable[str]:
        outside = sorted(
            _curie(graph, p)
            for p in graph.objects(cls, RDFS.subClassOf)
            if isinstance(p, URIRef) and p not in classes
        )
        scheme = graph.value(cls, AG.scheme)
        notes = []
        if outside:
            notes.append("aligned to " + ", ".join(f"`{o}`" for o in outside))
        if isinstance(scheme, URIRef):
            notes.append(f"concepts in `{_curie(graph, scheme)}`")
        indent = "&nbsp;&nbsp;&nbsp;&nbsp;" * depth
        yield (
            f"| {indent}`{_curie(graph, cls)}` | {_cell(_english(graph, cls, RDFS.label))} "
            f"| {_cell(_english(graph, cls, RDFS.comment))} | {'; '.join(notes)} |"
        )
        for child in children[cls]:
            yield from rows(child, depth + 1)

    for cls in classes:
        if not parents[cls]:
            yield from rows(cls, 0)


def _property_rows(graph: Graph, kind: URIRef) -> Iterable[str]:
    for prop in _subjects(graph, kind):
        parents = _terms(graph, RDFS.subPropertyOf, prop)
        comment = _english(graph, prop, RDFS.comment)
        if parents:
            comment += f" Aligned to {parents}."
        yield (
            f"| `{_curie(graph, prop)}` | {_cell(_english(graph, prop, RDFS.label))} "
            f"| {_terms(graph, SCHEMA.domainIncludes, prop)} "
            f"| {_terms(graph, SCHEMA.rangeIncludes, prop)} | {_cell(comment)} |"
        )


def _individual_rows(graph: Graph, rdf_type: URIRef) -> Iterable[str]:
    for term in _subjects(graph, rdf_type):
        yield (
            f"| `{_curie(graph, term)}` | {_cell(_english(graph, term, RDFS.label))} "
            f"| {_cell(_english(graph, term, RDFS.comment))} |"
        )


def load() -> Graph:
    """The ontology with exactly the prefixes its file declares.

    rdflib's default bindings would otherwise win (its ``geo:`` is GeoSPARQL, not WGS 84).
    """
    return Graph(bind_namespaces="none").parse(ONTOLOGY, format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes."""
    return Graph(bind_namespaces="none").parse(SHAPES, format="turtle")


def _shape_rows(shapes: Graph) -> Iterable[str]:
    named = [s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)]
    for label, message in sorted(
        (_english(shapes, shape, RDFS.label), _english(shapes, shape, SH.message))
        for shape in named
    ):
        yield f"- **{label}**: {message}"


def _example_rows(graph: Graph) -> Iterable[str]:
    """One example triple per ``ag:`` property, taken from the bundled curated data.

    The first by subject and object in code-point order, preferring an entity's triple to a
    statement's, so the page changes only when the data does.
    """
    statement_ns = "https://w3id.org/actorgraph/statement/"
    best: dict[URIRef, tuple[tuple[bool, str, str], tuple[URIRef, URIRef, object]]] = {}
    for s, p, o in compile_triples(read_curated()):
        if not str(p).startswith(str(AG)):
            continue
        key = (str(s).startswith(statement_ns), str(s), str(o))
        if p not in best or key < best[p][0]:
            best[p] = (key, (s, p, o))
    for prop in sorted(best, key=lambda t: _curie(graph, t)):
        s, p, o = best[prop][1]
        obj = curie(str(o)) if isinstance(o, URIRef) else o.n3(graph.namespace_manager)  # type: ignore[attr-defined]
        yield f"| `{_curie(graph, p)}` | `{curie(str(s))} {_curie(graph, p)} {_cell(obj)} .` |"


def render(graph: Graph, shapes: Graph | None = None) -> str:
    """The Markdown reference of the ontology in ``graph`` (and of the SHACL ``shapes``).

    Examples
    --------
    >>> render(load()).startswith("# The actorgraph ontology")
    True
    """
    version = graph.value(ONTOLOGY_IRI, OWL.versionInfo)
    namespaces = sorted((prefix, str(ns)) for prefix, ns in graph.namespace_manager.namespaces())
    lines = [
        f"# {_english(graph, ONTOLOGY_IRI, DCTERMS.title)}",
        "",
        "<!-- Generated by tools/ontology_doc.py from ontology/actorgraph.ttl; do not edit. -->",
        "",
        f"Version {version}. IRI `{ONTOLOGY_IRI}`, licence "
        f"<{graph.value(ONTOLOGY_IRI, DCTERMS.license)}>.",
        "",
        _english(graph, ONTOLOGY_IRI, DCTERMS.description),
        "",
        "Domains and ranges are `schema:domainIncludes` / `schema:rangeIncludes`: a property may "
        "be used on any of the classes listed. Relations are stored in one direction; no OWL "
        "reasoning is run. Every curated relation also has an `rdf:Statement` per source (see "
        "[authoring](authoring.md)).",
        "",
        "## Namespaces",
        "",
        "| prefix | IRI |",
        "|---|---|",
        *(f"| `{prefix}:` | `{ns}` |" for prefix, ns in namespaces),
        "",
        "## Classes",
        "",
        "| class | label | description | notes |",
        "|---|---|---|---|",
        *_class_rows(graph),
        "",
        "## Object properties",
        "",
        "The object is an entity (an IRI).",
        "",
        "| property | label | domain includes | range includes | description |",
        "|---|---|---|---|---|",
        *_property_rows(graph, OWL.ObjectProperty),
        "",
        "## Datatype properties",
        "",
        "The object is a literal of one of the datatypes listed.",
        "",
        "| property | label | domain includes | range includes | description |",
        "|---|---|---|---|---|",
        *_property_rows(graph, OWL.DatatypeProperty),
        "",
        "## Annotation properties",
        "",
        "| property | label | domain includes | range includes | description |",
        "|---|---|---|---|---|",
        *_property_rows(graph, OWL.AnnotationProperty),
        "",
        "## Examples",
        "",
        "One triple per property, from the bundled curated data (statements carry the claim text,",
        "source, rank and pinpoint of each; see [authoring](authoring.md)).",
        "",
        "| property | example |",
        "|---|---|",
        *_example_rows(graph),
        "",
        "## Ranks of statements",
        "",
        "| rank | label | description |",
        "|---|---|---|",
        *_individual_rows(graph, AG.Rank),
        "",
        "## Concept schemes",
        "",
        "| scheme | label | description |",
        "|---|---|---|",
        *_individual_rows(graph, SKOS.ConceptScheme),
        "",
    ]
    if shapes is not None:
        lines += [
            "## Validation",
            "",
            "`actorgraph validate` checks curated data against the SHACL shapes of "
            "`ontology/shapes.ttl`:",
            "",
            *_shape_rows(shapes),
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Write (or, with ``--check``, compare) ``docs/ontology.md``; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--check", action="store_true", help="exit with 1 if the page is out of date"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the page")
    args = parser.parse_args(argv)
    text = render(load(), load_shapes())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(
                f"{args.output} is out of date: run python tools/ontology_doc.py", file=sys.stderr
            )
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
