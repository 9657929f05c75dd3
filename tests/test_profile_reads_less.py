"""On an imported store, a name is resolved and a profile built from the labels and statements
they need, and give what the whole name index and the profile's former queries gave: the same
entity (or the same error) for every name tried, the same relation lines with their sources and
dates, the same attacks by year and the same first and last attacks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import actorgraph
from _scripts import load_script
from actorgraph.importers import import_file
from actorgraph.page import _profile
from actorgraph.vocab._namespaces import curie, expand

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An on-disk store holding 3,000 synthetic GTD rows (the store benchmark's, smaller)."""
    work = tmp_path_factory.mktemp("imported")
    load_script("benchmarks/import_bench.py").write_rows(work / "gtd.csv", 3000)
    with actorgraph.load(store=work / "store") as kg:
        import_file(kg, "gtd", work / "gtd.csv")
    return work / "store"


@pytest.fixture
def graphs(store: Path) -> Iterator[tuple[actorgraph.KnowledgeGraph, actorgraph.KnowledgeGraph]]:
    """Two read-only opens of the store: one resolves names afresh, the other by its index."""
    with (
        actorgraph.load(store=store, read_only=True) as fresh,
        actorgraph.load(store=store, read_only=True) as indexed,
    ):
        yield fresh, indexed


def _outcome(kg: actorgraph.KnowledgeGraph, name: str) -> str:
    try:
        return kg.resolve(name)
    except actorgraph.UnknownNameError as error:
        return f"{type(error).__name__}: {error}"


def test_a_name_resolves_as_the_whole_name_index_resolves_it(
    graphs: tuple[actorgraph.KnowledgeGraph, actorgraph.KnowledgeGraph],
) -> None:
    fresh, indexed = graphs
    names = sorted(
        {
            str(row.name)
            for row in indexed.query(
                "SELECT ?name WHERE { { ?e rdfs:label ?name } UNION { ?e skos:altLabel ?name } }"
            )
        }
    )
    # Every 7th label and alias (curated groups, people, places, imported events), and names a
    # lower-casing alone would not find: folded spellings, dashes, apostrophes, marks, ids.
    tried = [
        *names[::7],
        "Tehreek-e-Taliban Pakistan",
        "tehrik i taliban pakistan",
        "ISIS–K",
        "isis-k",
        "Lashkar-e-Jhangvi",
        "lashkar i jhangvi",
        "Al-Qa'ida",
        "al qaida",
        "Jama'at-ul-Ahrar",
        "jamaat ul ahrar",
        "Baluchistan Liberation Army",
        "Balochistan",
        "Peshāwar",
        "agd:ttp",
        "https://w3id.org/actorgraph/data/ttp",
        "agd:no-such-entity",
        "ag:Attack",
        "Taliban",
        "Pakistan",
        "no such group at all",
        "i",
        "---",
    ]
    assert len(tried) > 100
    indexed.names  # noqa: B018 - the whole index, built once: resolve() then uses it
    for name in tried:
        assert _outcome(fresh, name) == _outcome(indexed, name), name


# The profile's queries as they were (one UNION of both directions; every attack's label, date
# and sources; the classes of attacks by a property path).
_OLD_RELATIONS = """
SELECT ?dir ?p ?other ?otherLabel ?st ?source ?start ?end ?early ?late ?events ?deaths WHERE {
  VALUES ?p { PROPERTIES }
  {
    BIND("out" AS ?dir) ?x ?p ?other .
    OPTIONAL { ?st rdf:subject ?x ; rdf:predicate ?p ; rdf:object ?other ; prov:wasDerivedFrom ?source .
               OPTIONAL { ?st ag:startDate ?start } OPTIONAL { ?st ag:endDate ?end }
               OPTIONAL { ?st ag:earliestDate ?early } OPTIONAL { ?st ag:latestDate ?late }
               OPTIONAL { ?st ag:eventCount ?events } OPTIONAL { ?st ag:deathCount ?deaths } }
  } UNION {
    BIND("in" AS ?dir) ?other ?p ?x .
    FILTER(isIRI(?other))
    OPTIONAL { ?st rdf:subject ?other ; rdf:predicate ?p ; rdf:object ?x ; prov:wasDerivedFrom ?source .
               OPTIONAL { ?st ag:startDate ?start } OPTIONAL { ?st ag:endDate ?end }
               OPTIONAL { ?st ag:earliestDate ?early } OPTIONAL { ?st ag:latestDate ?late }
               OPTIONAL { ?st ag:eventCount ?events } OPTIONAL { ?st ag:deathCount ?deaths } }
    OPTIONAL { FILTER NOT EXISTS { ?st2 rdf:subject ?other } ?other prov:wasDerivedFrom ?source }
  }
  OPTIONAL { ?other rdfs:label ?otherLabel }
}
"""

_OLD_ATTACKS = """
SELECT ?attack ?attackLabel ?earliest ?date ?killed ?source WHERE {
  VALUES ?p { ag:claimedBy ag:attributedTo ag:participant }
  ?attack ?p ?x ; ag:earliestDate ?earliest .
  OPTIONAL { ?attack rdfs:label ?attackLabel }
  OPTIONAL { ?attack ag:date ?date }
  ?attack a ?cls . ?cls rdfs:subClassOf* ag:Attack .
  OPTIONAL { ?attack ag:killed ?killed }
  OPTIONAL { { ?st rdf:subject ?attack ; rdf:predicate ?p ; rdf:object ?x ; prov:wasDerivedFrom ?source }
             UNION { ?attack prov:wasDerivedFrom ?source } }
}
"""

_PROPERTIES = (
    "ag:activeIn ag:adheresTo ag:alliedWith ag:birthDate ag:deathDate ag:dissolutionDate "
    "ag:founderOf ag:foundingDate ag:leaderOf ag:memberOf ag:mergedInto ag:modeledOn ag:opposes "
    "ag:recruitsFrom ag:rivalOf ag:splinterOf"
)


# The properties whose sections list only the actor's own statements, and those whose one section
# lists both directions.
_OUT_ONLY = {
    "ag:modeledOn", "ag:recruitsFrom", "ag:adheresTo", "ag:activeIn", "ag:birthDate",
    "ag:deathDate", "ag:foundingDate", "ag:dissolutionDate",
}  # fmt: skip
_BOTH = {"ag:alliedWith", "ag:rivalOf"}


def _old_relation_lines(kg: actorgraph.KnowledgeGraph, iri: str) -> dict[Any, Any]:
    """(direction, property, other) -> (text, sources in order, start, end), as the old query
    gave them."""
    text = _OLD_RELATIONS.replace("PROPERTIES", _PROPERTIES).replace("?x", f"<{iri}>")
    lines: dict[Any, Any] = {}
    for row in kg.query(text):
        other = row.other
        label = str(row.otherLabel) if row.otherLabel is not None else None
        line = lines.setdefault(
            (str(row.dir), curie(str(row.p)), str(other)),
            {"text": label, "sources": [], "start": None, "end": None},
        )
        if row.source is not None and curie(str(row.source)) not in line["sources"]:
            line["sources"].append(curie(str(row.source)))
        if row.start is not None and (line["start"] is None or str(row.start) < line["start"]):
            line["start"] = str(row.start)
        if row.end is not None and (line["end"] is None or str(row.end) > line["end"]):
            line["end"] = str(row.end)
    return lines


def _old_attacks(
    kg: actorgraph.KnowledgeGraph, iri: str, day: str | None = None
) -> tuple[dict[str, Any], list[Any]]:
    """Attacks by year, and the first and last attacks (id, date, label, sources), as the old
    query and the old counting in Python gave them (up to ``day``, inclusive, when given)."""
    attacks: dict[str, dict[str, Any]] = {}
    for row in kg.query(_OLD_ATTACKS.replace("?x", f"<{iri}>")):
        attack = attacks.setdefault(
            str(row.attack),
            {
                "earliest": str(row.earliest),
                "date": str(row.date) if row.date is not None else str(row.earliest),
                "label": str(row.attackLabel or curie(str(row.attack))),
                "killed": None,
                "sources": set(),
            },
        )
        if row.killed is not None:
            attack["killed"] = max(int(row.killed), attack["killed"] or 0)
        if row.source is not None:
            attack["sources"].add(curie(str(row.source)))
    if day is not None:
        attacks = {k: a for k, a in attacks.items() if a["earliest"] <= day}
    by_year: dict[str, dict[str, int]] = {}
    for attack in sorted(attacks.values(), key=lambda a: a["earliest"]):
        counts = by_year.setdefault(
            attack["earliest"][:4], {"attacks": 0, "killed": 0, "no_toll": 0}
        )
        counts["attacks"] += 1
        if attack["killed"] is None:
            counts["no_toll"] += 1
        else:
            counts["killed"] += attack["killed"]
    # Of the same day, the first and last by id (before, by the order of the rows).
    ordered = sorted(attacks.items(), key=lambda item: (item[1]["earliest"], item[0]))
    ends = [
        (curie(a), v["date"], v["label"], sorted(v["sources"]))
        for a, v in (ordered[:1] + ordered[-1:] if ordered else [])
    ]
    return dict(sorted(by_year.items())), ends


_ACTORS = ["TTP", "Lashkar-e-Jhangvi", "ISKP", "Baloch Liberation Army", "Mullah Fazlullah"]


@pytest.mark.parametrize("name", _ACTORS)
def test_a_profile_on_an_imported_store_is_what_the_former_queries_gave(
    graphs: tuple[actorgraph.KnowledgeGraph, actorgraph.KnowledgeGraph], name: str
) -> None:
    fresh, indexed = graphs
    node = indexed.names.resolve(name)
    profile = fresh.profile(name)
    assert profile.id == node
    iri = str(expand(node))

    old_lines = _old_relation_lines(indexed, iri)
    new_lines = {
        (line.entity or line.text, line.text, tuple(line.sources), line.start, line.end)
        for lines in profile.sections.values()
        for line in lines
        if line.entity is None or not line.text.startswith(("first recorded", "last recorded"))
    }
    for (direction, prop, other), line in old_lines.items():
        if direction == "in" and prop in _OUT_ONLY:
            continue  # no section lists it
        if direction == "out" and prop in _BOTH and ("in", prop, other) in old_lines:
            continue  # a section of both directions shows the line as the other end states it
        entity = curie(other) if other.startswith("http") else other
        text = line["text"] or entity
        assert (entity if other.startswith("http") else text, text, tuple(line["sources"]),
                line["start"], line["end"]) in new_lines, other  # fmt: skip

    _assert_attacks_as_before(profile, indexed, iri, None)
    if name == "TTP":
        assert sum(year["attacks"] for year in profile.attacks_by_year.values()) > 1000


def _assert_attacks_as_before(
    profile: actorgraph.Profile, kg: actorgraph.KnowledgeGraph, iri: str, day: str | None
) -> None:
    """The attacks by year, the first and last attacks and their count, as the former queries
    and the former counting in Python gave them."""
    by_year, ends = _old_attacks(kg, iri, day)
    assert profile.attacks_by_year == by_year
    recorded = profile.sections.get("Recorded attacks", [])
    assert [
        (line.entity, line.date, line.text.split(": ", 1)[1], line.sources) for line in recorded[:2]
    ] == ends
    if by_year:
        total = sum(year["attacks"] for year in by_year.values())
        assert recorded[2].text == f"{total} attacks recorded in the loaded data"
    else:
        assert not recorded


@pytest.mark.parametrize("as_of", ["2009", "2015-06-30", "1990"])
@pytest.mark.parametrize("joined", [False, True], ids=["looked-up", "joined"])
@pytest.mark.parametrize("name", ["TTP", "ISKP"])
def test_a_profile_counts_the_attacks_up_to_a_day_as_the_former_counting_did(
    graphs: tuple[actorgraph.KnowledgeGraph, actorgraph.KnowledgeGraph],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    joined: bool,
    as_of: str,
) -> None:
    """Oxigraph counts the attacks by year; an actor with very many attacks has their facts
    read whole and joined (here forced for every actor), the others looked up per attack: both
    give what reading every attack in Python gave, with and without ``as_of``."""
    if joined:
        monkeypatch.setattr(_profile, "MANY_ROLES", 0)
    fresh, indexed = graphs
    iri = str(expand(indexed.names.resolve(name)))
    _assert_attacks_as_before(fresh.profile(name), indexed, iri, None)
    profile = _profile.profile(fresh, name, as_of=as_of)
    assert profile.as_of is not None
    _assert_attacks_as_before(profile, indexed, iri, profile.as_of)
