"""Validation of curated data: the structural checks of the reader, then the SHACL shapes."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, NamedTuple

from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RDFLiteral
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from actorgraph._errors import DataError, DataErrors
from actorgraph._gc import collector_paused
from actorgraph._resources import bundled_files
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData
from actorgraph.curation._reader import read_curated
from actorgraph.curation._shacl_core import (
    DataIndex,
    Shape,
    Unsupported,
    compile_shape,
    focus_nodes,
)
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
    engine: Literal["actorgraph", "pyshacl"] = "actorgraph",
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
    engine
        ``"pyshacl"`` runs every shape in pyshacl, the reference implementation (about 20 s
        on the bundled data); the default finds the same in under a second
        (:func:`shacl_results`).

    Examples
    --------
    >>> validate()
    []
    """
    # Reading, compiling and indexing make hundreds of thousands of objects that hold no cycles; with the
    # cyclic collector on, its full collections rescanned them, a fifth of the CPU time on the
    # bundled data (BENCHMARKS.md, "`actorgraph validate` on the bundled data").
    with collector_paused():
        return _validate(paths, seeds_dir, shacl, engine)


def _validate(
    paths: Iterable[str | Path] | None,
    seeds_dir: str | Path | None,
    shacl: bool,
    engine: Literal["actorgraph", "pyshacl"],
) -> list[DataError]:
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
    return _shacl_errors(data, context, engine)


def _shacl_errors(
    data: CuratedData, context: CuratedData | None, engine: Literal["actorgraph", "pyshacl"]
) -> list[DataError]:
    triples = list(compile_triples(data))
    if context is not None:
        # The bundled data the user's files refer to; its own problems are not the user's to fix
        # (and the bundled data is validated by the test suite), so only the user's are reported.
        triples.extend(compile_triples(context))
    where = _locations(data)
    errors = []
    for focus, path, messages in shacl_results(triples, engine=engine):
        if context is not None and focus not in where:
            continue
        file, line = where.get(focus, ("", None)) if isinstance(focus, URIRef) else ("", None)
        field = curie(str(path)) if isinstance(path, URIRef) else None
        what = curie(str(focus)) if isinstance(focus, URIRef) else str(focus)
        message = messages[0] if messages else None
        errors.append(DataError(f"{what}: {message}", path=file or None, line=line, field=field))
    errors.sort(key=lambda e: (e.path or "", e.line or 0, e.message))
    return errors


Triple = tuple[Node, Node, Node]
Result = tuple[Node | None, Node | None, tuple[str, ...]]


def shacl_results(
    graph: Graph | Iterable[Triple], *, engine: Literal["actorgraph", "pyshacl"] = "actorgraph"
) -> list[Result]:
    """The violations of ``ontology/shapes.ttl`` in a data graph, as pyshacl reports them.

    Each is ``(focus node, result path or None, messages)``, the messages in the shapes' order.
    The data graph is validated together with the ontology (as pyshacl's ``ont_graph`` would
    add it: the class targets reach instances of subclasses, the relation check reads the
    property kinds); ``graph`` itself is not changed.

    ``engine="pyshacl"`` runs every shape in pyshacl, the reference (about 20 s on the bundled
    data). The default gives the same results in well under a second: the SHACL Core shapes are
    evaluated by :mod:`actorgraph.curation._shacl_core` (pyshacl's rules over a dictionary index
    of the triples), and the SPARQL constraint that asks about the whole graph once (a node shape
    whose only target is ``sh:targetNode``, whose query binds no ``$`` variable) runs in Oxigraph,
    the report built as pyshacl builds it. A shape using anything else is left to pyshacl.
    """
    triples = [*graph, *ontology().graph]
    if engine == "pyshacl":
        return _pyshacl_results(triples, _shapes())
    if engine != "actorgraph":
        raise ValueError(f"unknown SHACL engine {engine!r}: 'actorgraph' or 'pyshacl'")
    plan = _plan()
    index = DataIndex(triples)
    found: list[Result] = []
    for shape in plan.core:
        for focus in focus_nodes(_shapes(), shape.node, index):
            found.extend(shape.results(index, focus))
    if plan.rest is not None:
        found.extend(_pyshacl_results(triples, plan.rest))
    if plan.whole_graph:
        found.extend(_whole_graph_results(triples, plan.whole_graph))
    return found


def _pyshacl_results(triples: list[Triple], shapes: Graph) -> list[Result]:
    import pyshacl  # noqa: PLC0415 - slow to import; only a shape left to it needs it

    graph = Graph()
    for triple in triples:
        graph.add(triple)
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
    return found


class _WholeGraphConstraint(NamedTuple):
    targets: tuple[Node, ...]
    query: str
    prefixes: dict[str, str]
    messages: tuple[str, ...]
    shape_messages: tuple[str, ...]


class _Plan(NamedTuple):
    core: tuple[Shape, ...]
    whole_graph: tuple[_WholeGraphConstraint, ...]
    rest: Graph | None  # the shapes left to pyshacl, or None when there are none


# Every way a shape can select focus nodes in pyshacl (SHACL Core and SHACL-AF).
_ALL_TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode, SH.target)


@functools.cache
def _plan() -> _Plan:
    """Which shape runs where: Core shapes here, whole-graph SPARQL in Oxigraph, the rest in
    pyshacl (a copy of the shapes without the targets of the shapes taken out, so that pyshacl
    still finds the shapes they refer to but no longer validates them)."""
    shapes = _shapes()
    core: list[Shape] = []
    whole_graph: list[_WholeGraphConstraint] = []
    rest = Graph()
    for triple in shapes:
        rest.add(triple)
    top = {s for p in _ALL_TARGETS for s in shapes.subjects(p, None)}
    top |= {
        s for s in shapes.subjects(RDF.type, RDFS.Class) if (s, RDF.type, SH.NodeShape) in shapes
    }
    left = False
    for node in sorted(top, key=str):
        implicit = (node, RDF.type, RDFS.Class) in shapes
        taken = _whole_graph_constraints(shapes, node)
        if taken is not None:
            whole_graph.extend(taken)
        elif implicit:
            left = True
            continue
        else:
            try:
                core.append(compile_shape(shapes, node))
            except Unsupported:
                left = True
                continue
        for target in _ALL_TARGETS:
            rest.remove((node, target, None))
    return _Plan(tuple(core), tuple(whole_graph), rest if left else None)


def _whole_graph_constraints(shapes: Graph, shape: Node) -> list[_WholeGraphConstraint] | None:
    """The shape's SPARQL constraints for Oxigraph, or None when the shape is not made of them
    alone or one of them is not a query about the whole graph."""
    constraints = list(shapes.objects(shape, SH.sparql))
    targets = tuple(shapes.objects(shape, SH.targetNode))
    shape_keys = {RDF.type, RDFS.label, RDFS.comment, SH.message, SH.targetNode, SH.sparql}
    if not constraints or not targets or set(shapes.predicates(shape)) - shape_keys:
        return None
    shape_messages = tuple(str(m) for m in shapes.objects(shape, SH.message))
    taken = []
    for constraint in constraints:
        select = shapes.value(constraint, SH.select)
        keys = {RDF.type, SH.message, SH.prefixes, SH.select}
        if (
            select is None
            or set(shapes.predicates(constraint)) - keys
            or "$" in str(select)
            or "failure" in str(select)
        ):
            return None
        prefixes = {
            str(shapes.value(declared, SH.prefix)): str(shapes.value(declared, SH.namespace))
            for source in shapes.objects(constraint, SH.prefixes)
            for declared in shapes.objects(source, SH.declare)
        }
        messages = tuple(
            str(m) for m in shapes.objects(constraint, SH.message) if str(m) not in shape_messages
        )
        taken.append(
            _WholeGraphConstraint(targets, str(select), prefixes, messages, shape_messages)
        )
    return taken


def _whole_graph_results(
    triples: list[Triple], constraints: tuple[_WholeGraphConstraint, ...]
) -> list[Result]:
    import pyoxigraph as ox  # noqa: PLC0415 - only this step needs it

    # IRIs repeat (each predicate, class and statement many times): convert each once.
    iris: dict[Node, Any] = {}

    def term(node: Node) -> Any:
        if isinstance(node, URIRef):
            converted = iris.get(node)
            if converted is None:
                converted = iris[node] = ox.NamedNode(node)
            return converted
        return to_ox(node)  # type: ignore[arg-type]

    store = ox.Store()
    store.extend([ox.Quad(term(s), term(p), term(o)) for s, p, o in triples])
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
        return RDFLiteral(term.value, lang=term.language)
    return RDFLiteral(term.value, datatype=URIRef(term.datatype.value))


def _locations(data: CuratedData) -> dict[URIRef, tuple[str, int]]:
    where: dict[URIRef, tuple[str, int]] = {}
    for source in data.sources.values():
        where[source.iri] = (source.path, source.line)
    for entity in data.entities.values():
        where[entity.iri] = (entity.path, entity.line)
    for claim in data.claims:
        where[claim.statement] = (claim.path, claim.line)
    return where
