"""Validation of curated data: the structural checks of the reader, then the SHACL shapes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from actorgraph._errors import DataError, DataErrors
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData, bundled_files
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._namespaces import curie
from actorgraph.vocab._ontology import ontology, shapes_path
from actorgraph.vocab._terms import to_ox

__all__ = ["shacl_results", "validate"]


@functools.cache
def _shapes() -> Graph:
    graph = Graph()
    graph.parse(shapes_path(), format="turtle")
    return graph


def validate(
    paths: Iterable[str | Path] | None = None,
    *,
    seeds_dir: str | Path | None = None,
    shacl: bool = True,
) -> list[DataError]:
    """Check curated files; return every problem found (an empty list when all is well).

    Parameters
    ----------
    paths
        Files or directories of curated YAML (default: the bundled data). A user's own files are
        checked together with the bundled data they may refer to.
    seeds_dir
        Where the seed texts are (e.g. ``../shared/seeds``): every pinpoint is recomputed.
    shacl
        Also run the SHACL shapes of ``ontology/shapes.ttl`` on the compiled graph.

    Examples
    --------
    >>> validate()
    []
    """
    context = None
    files: list[Path] | None = None
    if paths is not None:
        files = [Path(p) for p in paths]
        bundled = {p.resolve() for p in bundled_files()}
        listed = {
            f.resolve() for p in files for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])
        }
        if not listed <= bundled:
            # A user's files: check them against the bundled data they may refer to.
            context = read_curated()
            files = [p for p in files if p.is_dir() or p.resolve() not in bundled]
    try:
        data = read_curated(files, context=context, seeds_dir=seeds_dir)
    except DataErrors as exc:
        return exc.errors
    except DataError as exc:
        return [exc]
    if not shacl:
        return []
    return _shacl_errors(data, context)


def _shacl_errors(data: CuratedData, context: CuratedData | None) -> list[DataError]:
    graph = Graph()
    for triple in compile_triples(data):
        graph.add(triple)
    if context is not None:
        # The bundled data the user's files refer to; its own problems are not the user's to fix
        # (and the bundled data is validated by the test suite), so only the user's are reported.
        for triple in compile_triples(context):
            graph.add(triple)
    where = _locations(data)
    errors = []
    for focus, path, messages in shacl_results(graph):
        if context is not None and focus not in where:
            continue
        file, line = where.get(focus, ("", None)) if isinstance(focus, URIRef) else ("", None)
        field = curie(str(path)) if isinstance(path, URIRef) else None
        what = curie(str(focus)) if isinstance(focus, URIRef) else str(focus)
        message = messages[0] if messages else None
        errors.append(DataError(f"{what}: {message}", path=file or None, line=line, field=field))
    errors.sort(key=lambda e: (e.path or "", e.line or 0, e.message))
    return errors


def shacl_results(graph: Graph) -> list[Result]:
    """The violations of ``ontology/shapes.ttl`` in a data graph, as pyshacl reports them.

    Each is ``(focus node, result path or None, messages)``, the messages in the report's order.
    The ontology is added to ``graph`` (as pyshacl's ``ont_graph`` would add it to a copy: the
    class targets reach instances of subclasses, the relation check reads the property kinds).

    SPARQL constraints that ask about the whole graph once (a node shape whose only targets are
    ``sh:targetNode``, whose query binds no ``$`` variable) run in Oxigraph; pyshacl runs every
    other constraint. rdflib's SPARQL engine took about a quarter of the validation's time on the
    one such query (a triple pattern over every triple, a ``NOT EXISTS`` per candidate); Oxigraph
    answers it in milliseconds, and the results are built as pyshacl builds them.
    """
    import pyshacl  # noqa: PLC0415 - slow to import; only validate needs it

    for triple in ontology().graph:
        graph.add(triple)
    shapes, whole_graph = _split_shapes()
    # inplace: the graph is ours and already holds the ontology, so pyshacl need not copy it
    # (about a second at 50,000 triples).
    conforms, report, _ = pyshacl.validate(
        graph, shacl_graph=shapes, inference="none", advanced=True, inplace=True
    )
    found: list[Result] = []
    if not conforms:
        assert isinstance(report, Graph)
        for result in report.subjects(SH.resultSeverity, SH.Violation):
            found.append(
                (
                    report.value(result, SH.focusNode),
                    report.value(result, SH.resultPath),
                    tuple(str(m) for m in report.objects(result, SH.resultMessage)),
                )
            )
    if whole_graph:
        found.extend(_whole_graph_results(graph, whole_graph))
    return found


Result = tuple[Node | None, Node | None, tuple[str, ...]]


class _WholeGraphConstraint(NamedTuple):
    targets: tuple[Node, ...]
    query: str
    prefixes: dict[str, str]
    messages: tuple[str, ...]
    shape_messages: tuple[str, ...]


@functools.cache
def _split_shapes() -> tuple[Graph, tuple[_WholeGraphConstraint, ...]]:
    """The shapes for pyshacl, and the SPARQL constraints taken out of them for Oxigraph."""
    shapes = _shapes()
    kept = Graph()
    for triple in shapes:
        kept.add(triple)
    taken = []
    for shape, constraint in shapes.subject_objects(SH.sparql):
        select = shapes.value(constraint, SH.select)
        targets = tuple(shapes.objects(shape, SH.targetNode))
        other_targets = (
            any(
                (shape, target, None) in shapes
                for target in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
            )
            or (shape, RDF.type, RDFS.Class) in shapes
        )
        if (
            select is None
            or not targets
            or other_targets
            or (shape, SH.path, None) in shapes
            or (constraint, SH.deactivated, None) in shapes
            or (shape, SH.deactivated, None) in shapes
            or (shape, SH.severity, None) in shapes
            or "$" in str(select)
            or "failure" in str(select)
        ):
            continue
        prefixes = {
            str(shapes.value(declared, SH.prefix)): str(shapes.value(declared, SH.namespace))
            for source in shapes.objects(constraint, SH.prefixes)
            for declared in shapes.objects(source, SH.declare)
        }
        shape_messages = tuple(str(m) for m in shapes.objects(shape, SH.message))
        messages = tuple(
            str(m) for m in shapes.objects(constraint, SH.message) if str(m) not in shape_messages
        )
        taken.append(
            _WholeGraphConstraint(targets, str(select), prefixes, messages, shape_messages)
        )
        kept.remove((shape, SH.sparql, constraint))
    return kept, tuple(taken)


def _whole_graph_results(
    graph: Graph, constraints: tuple[_WholeGraphConstraint, ...]
) -> list[Result]:
    import pyoxigraph as ox  # noqa: PLC0415 - only this step needs it

    store = ox.Store()
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in graph])  # type: ignore[arg-type]
    found: list[Result] = []
    for constraint in constraints:
        rows = store.query(constraint.query, prefixes=constraint.prefixes)
        assert isinstance(rows, ox.QuerySolutions)
        names = [v.value for v in rows.variables]
        seen = set()
        for row in rows:
            bound = {
                name: _from_ox(value)
                for name, value in zip(names, row, strict=True)
                if value is not None
            }
            key = tuple(sorted(bound.items()))
            if key in seen:
                continue  # pyshacl reports a repeated row once
            seen.add(key)
            for target in constraint.targets:
                focus = bound.get("this", target)
                path = bound.get("path")
                variables = {"this": focus, **bound}
                messages = tuple(
                    _fill(m, variables) for m in constraint.messages + constraint.shape_messages
                )
                found.append((focus, path, messages))
    return found


def _fill(message: str, variables: dict[str, Node]) -> str:
    # As pyshacl fills a SPARQL constraint's message: {?name} or {$name} is the bound value.
    for name, value in variables.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def _from_ox(term: Any) -> Node:
    import pyoxigraph as ox  # noqa: PLC0415

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def _locations(data: CuratedData) -> dict[URIRef, tuple[str, int]]:
    where: dict[URIRef, tuple[str, int]] = {}
    for source in data.sources.values():
        where[source.iri] = (source.path, source.line)
    for entity in data.entities.values():
        where[entity.iri] = (entity.path, entity.line)
    for claim in data.claims:
        where[claim.statement] = (claim.path, claim.line)
    return where
