"""Loading a fresh graph in memory: a lenient load checked by a strict parse on the other core.

``KnowledgeGraph.replace_graph`` into an empty graph of an in-memory store keeps Oxigraph's lenient
load (no IRI or language-tag checks) only when a strict parse of the same input found no error. These
tests hold it to what the strict load did: the same quads, the same errors, nothing left behind.
"""

from __future__ import annotations

import itertools
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import actorgraph

GRAPH = "https://example.org/graph/load"
EX = "https://example.org/"

VALID = (
    f'<{EX}s1> <{EX}p> "plain" .\n'
    f'<{EX}s1> <{EX}p> "Grüße \\u00e9 \\"quoted\\" \\n line"@DE-at .\n'
    f'<{EX}s1> <{EX}q> "2023-07-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n'
    f"_:b0 <{EX}p> <{EX}o%20escaped> .\n"
    f"<{EX}s2> <{EX}r> _:b0 .\n"
    f'<{EX}s2> <{EX}p> "x"@en-GB .  # a comment\n'
    "\n"
    f'<{EX}s3\\u00E9> <{EX}p> "42"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
).encode()

# Each is valid N-Triples syntax that only a strict parser rejects: Oxigraph's lenient load takes it.
ONLY_STRICT_REJECTS = {
    "relative-iri": f'<relative> <{EX}p> "v" .\n',
    "space-in-iri": f'<{EX}a b> <{EX}p> "v" .\n',
    "bad-percent-encoding": f'<{EX}%zz> <{EX}p> "v" .\n',
    "bad-scheme": f'<1http://example.org/a> <{EX}p> "v" .\n',
}


def _strict(data: bytes) -> set[str]:
    store = ox.Store()
    store.load(data, format=ox.RdfFormat.N_QUADS, to_graph=ox.NamedNode(GRAPH))
    return _canonical(store.quads_for_pattern(None, None, None, None))


def _canonical(quads: object) -> set[str]:
    """Quads as text, blank nodes named by what they are attached to (their ids differ per load)."""
    rows = {str(q) for q in quads}  # type: ignore[attr-defined]
    assert sum("_:" in r for r in rows) <= 2  # VALID has one blank node, in two triples
    return {r.split(" ", 1)[1] if r.startswith("_:") else r.rsplit("_:", 1)[0] for r in rows}


def _graph_quads(kg: actorgraph.KnowledgeGraph) -> set[str]:
    return _canonical(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH)))


@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "file"])
def test_a_valid_file_loads_the_same_quads_as_the_strict_load(
    tmp_path: Path, as_bytes: bool
) -> None:
    path = tmp_path / "valid.nt"
    path.write_bytes(VALID)
    kg = actorgraph.load()
    kg.replace_graph(GRAPH, VALID if as_bytes else path)
    assert _graph_quads(kg) == _strict(VALID)
    assert len(_graph_quads(kg)) == 7


@pytest.mark.slow
@pytest.mark.parametrize("line", list(ONLY_STRICT_REJECTS.values()), ids=list(ONLY_STRICT_REJECTS))
@pytest.mark.parametrize("as_bytes", [True, False], ids=["bytes", "file"])
def test_what_only_a_strict_parser_rejects_is_an_error_and_writes_nothing(
    tmp_path: Path, line: str, as_bytes: bool
) -> None:
    lenient = ox.Store()
    lenient.load(line.encode(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    assert len(lenient) == 1  # the premise: a lenient load alone would keep it

    data = VALID * 50 + line.encode() + VALID
    path = tmp_path / "bad.nt"
    path.write_bytes(data)
    kg = actorgraph.load()
    before = {str(q) for q in kg.store}
    with pytest.raises(SyntaxError) as caught:
        kg.replace_graph(GRAPH, data if as_bytes else path)
    # The strict parser's own message, with the line of the bad triple (50 copies of VALID first).
    bad_line = VALID.count(b"\n") * 50 + 1
    assert f"line {bad_line} " in str(caught.value)
    assert {str(q) for q in kg.store} == before
    kg.replace_graph(GRAPH, VALID)  # and the graph is still a fresh one that loads
    assert _graph_quads(kg) == _strict(VALID)


def test_quads_that_name_their_own_graph_keep_it(tmp_path: Path) -> None:
    other = f"{EX}graph/other"
    data = VALID + f'<{EX}s9> <{EX}p> "in another graph" <{other}> .\n'.encode()
    kg = actorgraph.load()
    kg.replace_graph(GRAPH, data)
    assert _graph_quads(kg) == _strict(VALID)
    elsewhere = list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(other)))
    assert [str(q.object) for q in elsewhere] == ['"in another graph"']


def test_a_missing_file_is_the_same_error_as_before(tmp_path: Path) -> None:
    missing = tmp_path / "missing.nt"
    with pytest.raises(OSError) as strict:
        ox.Store().load(path=str(missing), format=ox.RdfFormat.N_QUADS)
    kg = actorgraph.load()
    before = len(kg.store)
    with pytest.raises(OSError) as caught:
        kg.replace_graph(GRAPH, missing)
    assert (type(caught.value), str(caught.value)) == (type(strict.value), str(strict.value))
    assert len(kg.store) == before


_PARSE = ox.parse


def _interrupted_parse(*args: object, **kwargs: object) -> Iterator[object]:
    yield from itertools.islice(_PARSE(*args, **kwargs), 3)  # type: ignore[arg-type]
    raise KeyboardInterrupt


@pytest.mark.slow
@pytest.mark.parametrize("where", ["parse", "join"])
def test_ctrl_c_during_the_load_leaves_the_graph_empty(
    monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    kg = actorgraph.load()
    before = {str(q) for q in kg.store}
    if where == "parse":  # Ctrl-C while this thread parses
        monkeypatch.setattr(ox, "parse", _interrupted_parse)
    else:  # Ctrl-C while it waits for the loading thread: it waits on, then undoes
        join, is_alive, calls = threading.Thread.join, threading.Thread.is_alive, []

        def join_once_interrupted(self: threading.Thread, timeout: float | None = None) -> None:
            calls.append("join")
            if calls.count("join") == 1:
                raise KeyboardInterrupt
            join(self, timeout)

        def alive_at_first(self: threading.Thread) -> bool:  # however fast the load was
            calls.append("alive")
            return calls.count("alive") == 1 or is_alive(self)

        monkeypatch.setattr(threading.Thread, "join", join_once_interrupted)
        monkeypatch.setattr(threading.Thread, "is_alive", alive_at_first)
    with pytest.raises(KeyboardInterrupt):
        kg.replace_graph(GRAPH, VALID * 100)
    monkeypatch.undo()
    assert where == "parse" or calls[:2] == ["alive", "join"]
    assert not any(t.name == "actorgraph-load" for t in threading.enumerate())
    assert {str(q) for q in kg.store} == before


@pytest.mark.slow
def test_the_compiled_bundled_data_is_cached_and_a_damaged_cache_is_compiled_again(
    tmp_path: Path,
) -> None:
    import os
    import subprocess
    import sys

    count = "import actorgraph; print(len(actorgraph.load()))"
    env = {**os.environ, "ACTORGRAPH_CACHE": str(tmp_path / "cache")}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", count], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    first = run()
    cached = list((tmp_path / "cache").glob("curated-*.nq"))
    assert len(cached) == 1 and cached[0].stat().st_size > 0
    assert run() == first  # read from the cache
    cached[0].write_text("<not> <n-quads", encoding="utf-8")
    assert run() == first  # a damaged cache is compiled again
    env["ACTORGRAPH_CACHE"] = "off"
    assert run() == first


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners and modes")
def test_a_compiled_cache_others_may_write_is_not_loaded(tmp_path: Path) -> None:
    """A fact planted in the compiled bundled data of a cache folder that others may write (a
    cache set in a shared place) reaches the curated graph only while the folder is the user's
    alone; the folder actorgraph makes is."""
    import os
    import stat
    import subprocess

    ask = (
        "import actorgraph; kg = actorgraph.load(); "
        "print(bool(kg.query('ASK { <http://example.org/planted> ?p ?o }').askAnswer))"
    )
    cache = tmp_path / "cache"
    env = {**os.environ, "ACTORGRAPH_CACHE": str(cache)}

    def planted() -> str:
        done = subprocess.run(
            [sys.executable, "-c", ask], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert planted() == "False"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (compiled,) = cache.glob("curated-*.nq")
    fact = '<http://example.org/planted> <http://example.org/p> "x" <https://w3id.org/actorgraph/graph/curated> .\n'
    compiled.write_text(compiled.read_text(encoding="utf-8") + fact, encoding="utf-8")
    assert planted() == "True"  # the user's own folder: its cache is trusted
    cache.chmod(0o777)
    assert planted() == "False"
    assert compiled.read_text(encoding="utf-8").endswith(fact)  # neither read nor written over
