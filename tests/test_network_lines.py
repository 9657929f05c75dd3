"""How the projection reads the store: Oxigraph's N-Triples lines, streamed through a pipe.

The lines must give back every term exactly (any text, language, datatype, blank node), the same
whether they come from the store's writer or from printing quads, and the stream must end cleanly
when its reader stops early or its writer fails.
"""

from __future__ import annotations

import errno
import re
import threading
import time
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actorgraph
from actorgraph.network import _projection, _reading
from actorgraph.network._reading import graph_lines, line_key, line_literal, quad_lines
from actorgraph.network._values import typed_value

GRAPH = ox.NamedNode("https://example.org/graph")
SUBJECT = ox.NamedNode("https://example.org/s")
PREDICATE = ox.NamedNode("https://example.org/p")
DATATYPES = [
    "http://www.w3.org/2001/XMLSchema#string",
    "http://www.w3.org/2001/XMLSchema#integer",
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#boolean",
    "http://www.w3.org/2001/XMLSchema#date",
    "http://www.w3.org/2001/XMLSchema#gYear",
    "urn:example:datatype",
]

literals = st.one_of(
    st.builds(ox.Literal, st.text()),
    st.builds(
        lambda text, language: ox.Literal(text, language=language),
        st.text(),
        st.sampled_from(["en", "ur", "ps", "en-gb", "zh-hant-tw"]),
    ),
    st.builds(
        lambda text, datatype: ox.Literal(text, datatype=ox.NamedNode(datatype)),
        st.one_of(st.text(), st.integers().map(str), st.sampled_from(["2023", "true", "1.50"])),
        st.sampled_from(DATATYPES),
    ),
)


def _from_pyoxigraph(literal: ox.Literal) -> tuple[Any, str, str]:
    """Value, tag and lexical form of a literal read through pyoxigraph's own accessors."""
    if literal.language:
        return literal.value, "@" + literal.language, literal.value
    return (*typed_value(literal.value, literal.datatype.value), literal.value)


XSD = "http://www.w3.org/2001/XMLSchema#"


def store_of(objects: list[Any]) -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(SUBJECT, PREDICATE, o, GRAPH) for o in objects)
    return store


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.lists(literals, min_size=1, max_size=5, unique_by=str))
def test_every_literal_comes_back_exactly_from_the_stream(objects: list[ox.Literal]) -> None:
    store = store_of(objects)
    lines = list(graph_lines(store, GRAPH))
    assert sorted(lines) == sorted(quad_lines(store.quads_for_pattern(None, None, None, GRAPH)))
    # Values of several types (1 == True): compared with their types, in one order.
    read = sorted(
        (repr(item), item) for item in map(line_literal, (ln.split(" ", 2)[2] for ln in lines))
    )
    # As the store gives them back through pyoxigraph (it writes "1.50"^^xsd:decimal as "1.5").
    stored = [q.object for q in store.quads_for_pattern(None, None, None, GRAPH)]
    expected = sorted((repr(item), item) for item in map(_from_pyoxigraph, stored))
    assert read == expected


def test_iris_and_blank_nodes_come_back_as_keys() -> None:
    iri = ox.NamedNode("https://example.org/ünïcode/a?b=c#d")
    blank = ox.BlankNode("b0")
    store = store_of([iri, blank])
    keys = sorted(line_key(line.split(" ", 2)[2]) for line in graph_lines(store, GRAPH))
    assert keys == ["_:b0", iri.value]


def test_a_reader_that_stops_early_ends_the_writer() -> None:
    store = store_of([ox.Literal(str(n)) for n in range(50_000)])
    before = threading.active_count()
    lines = graph_lines(store, GRAPH)
    assert next(lines).startswith("<https://example.org/s> ")
    started = time.monotonic()
    lines.close()  # the reader stops: the writer must not wait on a full pipe forever
    assert time.monotonic() - started < 10
    assert threading.active_count() == before


def test_a_failed_dump_is_raised_not_read_as_an_empty_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Broken:
        def dump(self, *args: Any, **kwargs: Any) -> None:
            raise OSError("the store is gone (os error 5)")

    with pytest.raises(OSError, match="store is gone"):
        list(graph_lines(Broken(), GRAPH))  # type: ignore[arg-type]


def test_a_dump_that_stops_halfway_with_einval_is_raised_not_read_as_whole() -> None:
    # Every dump into a pipe ends with EINVAL (a pipe cannot be synced), after the last byte; the
    # same error halfway must not pass for that end.
    class StopsHalfway:
        def dump(self, path: str, **kwargs: Any) -> None:
            with open(path, "w", encoding="utf-8") as pipe:
                pipe.write('<https://example.org/s> <https://example.org/p> "1" .\n')
            raise OSError(errno.EINVAL, "Invalid argument")

        def query(self, text: str, **kwargs: Any) -> list[dict[str, ox.Literal]]:
            return [{"n": ox.Literal("2", datatype=ox.NamedNode(f"{XSD}integer"))}]

    with pytest.raises(OSError, match="stopped after 1 of 2 triples"):
        list(graph_lines(StopsHalfway(), GRAPH))  # type: ignore[arg-type]


def test_a_dump_that_stops_halfway_among_several_graphs_is_raised_and_named() -> None:
    # The data graph's dumps are checked together, against the store's size less the graphs not
    # read (here the ontology); a graph that stopped halfway is named.
    whole, halfway = (
        ox.NamedNode("https://example.org/whole"),
        ox.NamedNode("https://example.org/cut"),
    )
    ontology = ox.NamedNode("https://w3id.org/actorgraph/graph/ontology")
    sizes = {whole: 2, halfway: 2, ontology: 3}
    line = '<https://example.org/s> <https://example.org/p> "{}" .\n'

    class StopsHalfwayInOne:
        def dump(self, path: str, *, from_graph: Any, **kwargs: Any) -> None:
            with open(path, "w", encoding="utf-8") as pipe:
                pipe.write(line.format(1))
                if from_graph == whole:
                    pipe.write(line.format(2))
            raise OSError("Invalid argument (os error 22)")  # as Oxigraph raises the sync's

        def named_graphs(self) -> list[ox.NamedNode]:
            return [ontology, halfway, whole]

        def __len__(self) -> int:
            return sum(sizes.values())

        def query(self, text: str, *, default_graph: Any) -> list[dict[str, ox.Literal]]:
            count = sizes.get(default_graph, 0)
            return [{"n": ox.Literal(str(count), datatype=ox.NamedNode(f"{XSD}integer"))}]

    store: Any = StopsHalfwayInOne()
    check = _reading.DumpCheck(store, [whole, halfway])
    assert len(list(graph_lines(store, whole, check))) == 2
    with pytest.raises(
        OSError, match=re.escape("dump of <https://example.org/cut> stopped after 1 of 2")
    ):
        list(graph_lines(store, halfway, check))
    # Both whole: the same dumps pass.
    sizes[halfway] = 1
    check = _reading.DumpCheck(store, [whole, halfway])
    assert [len(list(graph_lines(store, g, check))) for g in (whole, halfway)] == [2, 1]


def test_without_dev_fd_the_whole_dump_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_of([ox.Literal("a\nb"), ox.Literal("c\u2028d", language="en")])
    streamed = list(graph_lines(store, GRAPH))
    monkeypatch.setattr(_reading.os.path, "exists", lambda path: False)
    assert list(graph_lines(store, GRAPH)) == streamed


@pytest.mark.slow
def test_a_projection_that_fails_while_reading_leaves_no_writer_behind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = ox.Store()
    big = ox.NamedNode("https://w3id.org/actorgraph/graph/big")
    store.extend(
        ox.Quad(
            ox.NamedNode(f"https://w3id.org/actorgraph/data/n{n}"), PREDICATE, ox.Literal("x"), big
        )
        for n in range(50_000)
    )
    before = threading.active_count()
    calls = 0
    node_id = _projection.node_id  # called for every new subject

    def failing(key: str) -> str:
        nonlocal calls
        calls += 1
        if calls == 100:
            raise RuntimeError("stop here")
        return node_id(key)

    monkeypatch.setattr(_projection, "node_id", failing)
    with pytest.raises(RuntimeError, match="stop here") as caught:
        actorgraph.to_networkx(store)
    # While the error (and so the reading frames, with the stream) is still held by a caller:
    assert caught.value.__traceback__ is not None
    assert threading.active_count() == before
