"""Validation of curated data: the structural checks of the reader, then the SHACL shapes."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from actorgraph._errors import DataError, DataErrors
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._model import CuratedData, bundled_files
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._namespaces import curie
from actorgraph.vocab._ontology import ontology, shapes_path

__all__ = ["validate"]


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
    import pyshacl  # noqa: PLC0415 - slow to import; only validate needs it

    graph = Graph()
    for triple in compile_triples(data):
        graph.add(triple)
    if context is not None:
        # The bundled data the user's files refer to; its own problems are not the user's to fix
        # (and the bundled data is validated by the test suite), so only the user's are reported.
        for triple in compile_triples(context):
            graph.add(triple)
    conforms, results, _ = pyshacl.validate(
        graph,
        shacl_graph=_shapes(),
        ont_graph=ontology().graph,
        inference="none",
        advanced=True,
    )
    if conforms:
        return []
    assert isinstance(results, Graph)
    where = _locations(data)
    errors = []
    for result in results.subjects(SH.resultSeverity, SH.Violation):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        if context is not None and focus not in where:
            continue
        file, line = where.get(focus, ("", None)) if isinstance(focus, URIRef) else ("", None)
        field = curie(str(path)) if isinstance(path, URIRef) else None
        what = curie(str(focus)) if isinstance(focus, URIRef) else str(focus)
        errors.append(DataError(f"{what}: {message}", path=file or None, line=line, field=field))
    errors.sort(key=lambda e: (e.path or "", e.line or 0, e.message))
    return errors


def _locations(data: CuratedData) -> dict[URIRef, tuple[str, int]]:
    where: dict[URIRef, tuple[str, int]] = {}
    for source in data.sources.values():
        where[source.iri] = (source.path, source.line)
    for entity in data.entities.values():
        where[entity.iri] = (entity.path, entity.line)
    for claim in data.claims:
        where[claim.statement] = (claim.path, claim.line)
    return where
