"""Profiles: each field for TTP and ISIS–K is derived from the graph and carries its sources."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import actorgraph
from actorgraph._namespaces import expand


@pytest.fixture(scope="module")
def kg() -> actorgraph.KnowledgeGraph:
    return actorgraph.load()


# (section, property, direction): the triple pattern a line of that section stands for.
SECTION_PATTERNS = {
    "Founders": ("ag:founderOf", "in"),
    "Leaders": ("ag:leaderOf", "in"),
    "Splinter of": ("ag:splinterOf", "out"),
    "Splinters": ("ag:splinterOf", "in"),
    "Opposes": ("ag:opposes", "out"),
    "Opposed by": ("ag:opposes", "in"),
    "Recruits from": ("ag:recruitsFrom", "out"),
    "Ideology": ("ag:adheresTo", "out"),
    "Active in": ("ag:activeIn", "out"),
    "Modelled on": ("ag:modeledOn", "out"),
}


@pytest.mark.parametrize("name", ["TTP", "ISKP"])
def test_every_relation_line_is_a_triple_with_statements_from_its_sources(
    kg: actorgraph.KnowledgeGraph, name: str
) -> None:
    profile = kg.profile(name)
    me = expand(profile.id)
    checked = 0
    for section, (prop, direction) in SECTION_PATTERNS.items():
        for line in profile.sections.get(section, []):
            assert line.entity is not None
            other = expand(line.entity)
            s, o = (me, other) if direction == "out" else (other, me)
            sources = {
                str(r.source)
                for r in kg.query(
                    "SELECT ?source WHERE { ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; "
                    "prov:wasDerivedFrom ?source }",
                    params={"s": s, "p": expand(prop), "o": o},
                )
            }
            assert sources, f"{section}: {line.text} has no statement in the graph"
            assert {str(expand(src)) for src in line.sources} == sources
            checked += 1
    assert checked >= 3


def test_ttp_profile_has_its_founding_ideology_designations_and_attacks(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    profile = kg.profile("Tehreek-e-Taliban Pakistan")
    assert profile.id == "agd:ttp"
    assert profile.type == "ag:ArmedGroup"
    for section in ["Founded", "Ideology", "Designations", "Recorded attacks"]:
        assert profile.sections.get(section), f"no {section} in the TTP profile"
        assert all(line.sources for line in profile.sections[section][:2])
    founded = {line.text[:4] for line in profile.sections["Founded"]}
    # Every founding year listed is one the graph holds as a foundingDate claim of the TTP.
    years = {
        str(r.d)[:4]
        for r in kg.query(
            "SELECT ?d WHERE { ?st rdf:subject agd:ttp ; rdf:predicate ag:foundingDate ; rdf:object ?d }"
        )
    }
    assert founded <= years
    attacks = profile.attacks_by_year
    assert "2014" in attacks, "the Army Public School attack is attributed to the TTP"


def test_iskp_profile_lists_whom_it_opposes_with_the_seed_as_a_source(
    kg: actorgraph.KnowledgeGraph,
) -> None:
    profile = kg.profile("ISIS–K")
    opposed = {line.entity: line.sources for line in profile.sections["Opposes"]}
    assert "agd:jui-f" in opposed
    assert "ags:ipd-terrorism-resurging-in-pakistan" in opposed["agd:jui-f"]


def test_profile_formats() -> None:
    exe = shutil.which("actorgraph")
    assert exe
    as_json = subprocess.run(
        [exe, "profile", "ISKP", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    doc = json.loads(as_json.stdout)
    assert doc["id"] == "agd:iskp"
    markdown = subprocess.run(
        [exe, "profile", "TTP", "--format", "markdown"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert markdown.startswith("# ")
    assert "## Designations" in markdown


def test_an_unknown_name_gets_close_matches_and_exit_2() -> None:
    exe = shutil.which("actorgraph")
    assert exe
    result = subprocess.run(
        [exe, "profile", "Tehrik-i-Talibn"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert "did you mean" in result.stderr
