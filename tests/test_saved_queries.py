"""The saved competency queries in queries/*.rq: portable, documented, answering from real data."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from rdflib.plugins.sparql import prepareQuery

import actorgraph
from actorgraph._errors import UsageError
from actorgraph._resources import resource_dir
from actorgraph.sparql._saved import (
    SavedQuery,
    check_param,
    param_example,
    read_saved_query,
    saved_queries,
)
from actorgraph.vocab._namespaces import expand

SAVED = saved_queries()


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


def _rows(result: actorgraph.QueryResult) -> Counter[str]:
    return Counter(json.dumps(b, sort_keys=True) for b in result.bindings)


def _examples() -> list[object]:
    cases = []
    for saved in SAVED:
        for name in saved.params:
            example = param_example(saved, name)
            assert example, f"{saved.name}: param {name} gives no example (e.g. …)"
            cases.append(pytest.param(saved, name, example, id=f"{saved.name}-{name}"))
    return cases


def test_at_least_twelve_saved_queries_ship_with_the_package() -> None:
    assert len(SAVED) >= 12
    assert {q.path.parent for q in SAVED} == {resource_dir("queries")}


@pytest.mark.parametrize("saved", SAVED, ids=lambda q: q.name)
def test_saved_query_is_documented(saved: SavedQuery) -> None:
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", saved.name)
    assert saved.title and saved.title != saved.name
    assert saved.answers.endswith("?") or "?" in saved.answers
    assert saved.text.lstrip().startswith("# title:")


@pytest.mark.parametrize("saved", SAVED, ids=lambda q: q.name)
def test_saved_query_declares_its_own_prefixes(saved: SavedQuery) -> None:
    # rdflib's parser, with no prefixes predeclared, is a second engine: the text stands alone.
    prepareQuery(saved.text)
    used = set(re.findall(r"(?<![\w?$<#])([a-z]+):[A-Za-z_]", _code(saved.text)))
    declared = set(re.findall(r"PREFIX\s+(\w+):", saved.text))
    assert used <= declared, f"undeclared prefixes: {used - declared}"


def _code(text: str) -> str:
    """The query without comments, strings and IRIs."""
    return re.sub(r'#[^\n]*|"[^"\n]*"|<[^>\s]*>', " ", text)


@pytest.mark.parametrize("saved", SAVED, ids=lambda q: q.name)
def test_saved_query_answers_with_rows_from_the_bundled_data(
    saved: SavedQuery, kg: actorgraph.KnowledgeGraph
) -> None:
    result = kg.query(saved.text, timeout=60)
    assert result.type == "SELECT"
    assert len(result) > 0, f"{saved.name} found nothing in the bundled data"
    for name in saved.params:
        assert name in [str(v) for v in result.vars], f"param {name} is not projected"


@pytest.mark.slow
@pytest.mark.parametrize(("saved", "name", "example"), _examples())
def test_each_param_example_narrows_the_answer(
    saved: SavedQuery, name: str, example: str, kg: actorgraph.KnowledgeGraph
) -> None:
    everything = kg.query(saved.text, timeout=60)
    narrowed = kg.query(saved.text, params={name: example}, timeout=60)
    assert len(narrowed) > 0, f"{saved.name} --param {name}={example} found nothing"
    values = {row[name] for row in narrowed}
    expected_value = expand(example) if re.match(r"\w+:", example) else None
    if expected_value is not None:
        assert values == {expected_value}
    # Where the variable is an ordinary column, the param only filters the full answer.
    if any(name in b for b in everything.bindings):
        expected = Counter(
            json.dumps(b, sort_keys=True)
            for b in everything.bindings
            if b.get(name, {}).get("value") == str(expected_value or example)
        )
        assert _rows(narrowed) == expected


# A group whose successions are known by construction: an open term, a later one that ends it, a
# closed term, and a leader whose death (known to the month) ends an open term.
SUCCESSIONS = """
sources:
  - id: ags:succession-notes
    title: Notes on a made-up group's leaders
    creator: A test
    publisher: Self-published
entities:
  - id: agd:fixture-group
    type: ag:ArmedGroup
    label: Fixture Group
  - {id: agd:fixture-first, type: ag:Person, label: First Leader}
  - {id: agd:fixture-second, type: ag:Person, label: Second Leader}
  - {id: agd:fixture-interim, type: ag:Person, label: Interim Leader}
  - {id: agd:fixture-last, type: ag:Person, label: Last Leader}
claims:
  - {subject: agd:fixture-first, property: ag:leaderOf, object: agd:fixture-group,
     source: ags:succession-notes, claim: The first leader from 2000., start: "2000"}
  - {subject: agd:fixture-second, property: ag:leaderOf, object: agd:fixture-group,
     source: ags:succession-notes, claim: The second leader from March 2005., start: "2005-03"}
  - {subject: agd:fixture-interim, property: ag:leaderOf, object: agd:fixture-group,
     source: ags:succession-notes, claim: An interim leader in 2008 and 2009.,
     start: "2008-06-01", end: "2009-12-31"}
  - {subject: agd:fixture-last, property: ag:leaderOf, object: agd:fixture-group,
     source: ags:succession-notes, claim: The last leader from 2011., start: "2011"}
  - {subject: agd:fixture-last, property: ag:deathDate, object: "2013-05",
     source: ags:succession-notes, claim: The last leader died in May 2013.}
"""


def test_leader_at_a_date_follows_successions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "successions.yaml"
    data.write_text(SUCCESSIONS, encoding="utf-8")
    kg = actorgraph.load(data=[data])
    text = read_saved_query("leader-at-date").text

    def leaders(date: str) -> set[str]:
        result = kg.query(text, params={"group": "agd:fixture-group", "date": date})
        return {str(row.leader).rsplit("/fixture-", 1)[1] for row in result}

    assert leaders("1999-12-31") == set()
    assert leaders("2003-01-01") == {"first"}
    assert leaders("2005-03-01") == {"second"}  # a later term ends an open one
    assert leaders("2009-01-01") == {"interim"}  # ... a closed one too
    assert leaders("2010-06-01") == set()  # the interim term ended; the second had ended at it
    assert leaders("2012-01-01") == {"last"}
    assert leaders("2013-05-31") == {"last"}  # died in May 2013: compared to the month
    assert leaders("2013-06-01") == set()


def test_contested_tolls_list_every_sources_figure(kg: actorgraph.KnowledgeGraph) -> None:
    text = read_saved_query("contested-tolls").text
    rows = kg.query(text, params={"attack": "agd:bajaur-rally-bombing-2023"})
    figures = {int(row.killed) for row in rows}
    sources = {row.source for row in rows}
    assert 63 in figures
    assert len(figures) > 1
    assert len(sources) > 1


def test_claims_attributions_and_denials_are_told_apart(kg: actorgraph.KnowledgeGraph) -> None:
    text = read_saved_query("claimed-attributed-disowned").text
    relations = {str(row.relation).rsplit("#", 1)[1] for row in kg.query(text)}
    assert relations == {"claimedBy", "attributedTo", "disownedBy"}


def test_unknown_saved_query_names_close_matches() -> None:
    with pytest.raises(UsageError, match="leader-at-date"):
        read_saved_query("leader-at-dat")


@pytest.mark.parametrize("name", ["../pyproject", "/etc/passwd", "", "Contested-Tolls"])
def test_saved_query_names_cannot_reach_other_files(name: str) -> None:
    with pytest.raises(UsageError):
        read_saved_query(name)


def test_saved_query_name_may_end_in_rq() -> None:
    assert read_saved_query("contested-tolls.rq").name == "contested-tolls"


def test_attacks_in_period_leaves_out_undated_attacks_when_bounded() -> None:
    kg = actorgraph.load()
    text = read_saved_query("attacks-in-period").text
    bounded = kg.query(text, params={"from": "2023-01-01", "to": "2023-12-31"})
    rows = [row.asdict() for row in bounded]
    assert rows, "the bundled data has attacks in 2023"
    for row in rows:
        assert str(row["date"]).startswith("2023"), row
    undated = {
        str(r.a)
        for r in kg.query(
            "SELECT ?a WHERE { ?a a ag:Attack FILTER NOT EXISTS { ?a ag:earliestDate ?d } }"
        )
    }
    assert undated, "the bundled data has an undated attack to leave out"
    assert not undated & {str(r["attack"]) for r in rows}
    everything = kg.query(text)
    assert undated <= {str(r.attack) for r in everything}, "unbounded, every attack is listed"


def test_a_parameters_example_is_the_value_after_e_g(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "example.rq"
    path.write_text(
        "# title: An example\n"
        "# answers: What does each parameter give as its example?\n"
        "# param: group — count this group (a CURIE or <IRI>, e.g. agd:ttp)\n"
        "# param: date — the date, YYYY-MM-DD (e.g. 2015-06-01); default today\n"
        "# param: text — any text\n"
        "SELECT ?group ?date ?text WHERE { }\n",
        encoding="utf-8",
    )
    saved = SavedQuery.from_file(path)
    assert param_example(saved, "group") == "agd:ttp"
    assert param_example(saved, "date") == "2015-06-01"
    assert param_example(saved, "text") is None
    with pytest.raises(UsageError, match="has no parameter 'year'; its parameters: date, group"):
        param_example(saved, "year")
    # The same example is the hint of a value of the wrong kind.
    with pytest.raises(UsageError, match=r"expected a date .*\(e\.g\. 2015-06-01\)"):
        check_param(saved, "date", "yesterday")
