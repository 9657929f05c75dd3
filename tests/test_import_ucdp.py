"""UCDP GED import: the real HDX file (2,514 Pakistan events) and the API-flavour sample.

The files are read from ../shared/data/ucdp/ and never copied into the repository; the tests skip
with a reason when they are absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

import actorgraph
from _stores import copy_store
from actorgraph.importers import ImportReport, import_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
HDX = SHARED / "data" / "ucdp" / "ucdp_ged_hdx_pakistan_2012_2021.csv"
API = SHARED / "data" / "ucdp" / "ucdp_ged_api_sample_afg.csv"
APS_FIXTURE = Path(__file__).parent / "fixtures" / "import_aps_curated.yaml"
_T = TypeVar("_T", bound=Callable[..., object])

# Tests of the real files import them: the slow set.
_slow = pytest.mark.slow
_hdx = pytest.mark.skipif(not HDX.is_file(), reason=f"the UCDP HDX file is not at {HDX}")
_api = pytest.mark.skipif(not API.is_file(), reason=f"the UCDP API sample is not at {API}")


def needs_hdx(test: _T) -> _T:
    return _slow(_hdx(test))


def needs_api(test: _T) -> _T:
    return _slow(_api(test))


def _has_curated_aps() -> bool:
    kg = actorgraph.load()
    return bool(
        kg.query(
            """ASK { ?e a ag:Attack ; ag:earliestDate "2014-12-16"^^xsd:date ;
                     ag:place/rdfs:label "Peshawar"@en ; ag:attributedTo|ag:claimedBy agd:ttp }"""
        )
    )


@pytest.fixture(scope="module")
def imported(
    tmp_path_factory: pytest.TempPathFactory, bundled_store_template: Path
) -> Iterator[tuple[object, ImportReport]]:
    if not HDX.is_file():
        pytest.skip(f"the UCDP HDX file is not at {HDX}")
    data = [] if _has_curated_aps() else [APS_FIXTURE]
    store = copy_store(bundled_store_template, tmp_path_factory.mktemp("ucdp-store") / "kg")
    kg = actorgraph.load(store=store, data=data)
    report = import_file(kg, "ucdp", HDX)
    yield kg, report
    kg.close()


@needs_hdx
def test_real_hdx_file_imports_every_row(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, report = imported
    assert report.flavour == "HDX"
    # 2,514 events plus the HXL tag row, which is not an event and is not counted as a row.
    assert report.rows_read == 2514
    assert report.rejected == [], report.summary()
    assert report.events_created == 2514
    assert report.committed
    count = kg.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e prov:wasDerivedFrom ags:ucdp-ged ; "
        "ag:sourceRecord ?r ; a ?t FILTER(?t IN (ag:Attack, ag:Event)) }"
    )
    assert int(next(iter(count))[0]) == 2514
    assert report.graph.startswith("https://w3id.org/actorgraph/graph/import/ucdp/")


@needs_hdx
def test_row_156098_is_the_aps_attack_with_ucdp_figures(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, _ = imported
    row = next(
        iter(
            kg.query(
                """SELECT ?label ?date ?best ?low ?high ?rec WHERE {
                     agd:ucdp-ged-156098 a ag:Attack ; rdfs:label ?label ; ag:date ?date ;
                       ag:killed ?best ; ag:killedLow ?low ; ag:killedHigh ?high ;
                       ag:attributedTo agd:ttp ; ag:sourceRecord ?rec ;
                       prov:wasDerivedFrom ags:ucdp-ged }"""
            )
        )
    ).asdict()
    assert str(row["label"]) == "UCDP GED event 156098: TTP – Civilians, 2014-12-16"
    assert str(row["date"]) == "2014-12-16"
    assert (int(row["best"]), int(row["low"]), int(row["high"])) == (146, 146, 146)
    assert str(row["rec"]) == "156098"


@needs_hdx
def test_aps_tolls_stand_side_by_side_with_their_sources(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, report = imported
    assert report.same_event_links >= 1
    rows = kg.query(
        """SELECT DISTINCT ?curated ?toll ?source WHERE {
             agd:ucdp-ged-156098 ag:sameEventAs ?curated .
             { agd:ucdp-ged-156098 ag:killed ?toll ; prov:wasDerivedFrom ?source }
             UNION
             { ?st rdf:subject ?curated ; rdf:predicate ag:killed ; rdf:object ?toll ;
                   prov:wasDerivedFrom ?source }
           }"""
    )
    tolls = {(int(r[1]), str(r[2]).rsplit("/", 1)[-1]) for r in rows}
    assert (146, "ucdp-ged") in tolls
    assert (141, "ipd-terrorism-resurging-in-pakistan") in tolls


@needs_hdx
def test_events_per_year_for_ttp_and_is(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, report = imported
    is_actor = (
        "agd:ucdp-actor-234" if "IS" in report.unresolved else kg.names.resolve("Islamic State")
    )
    for actor in ("agd:ttp", is_actor):
        rows = kg.query(
            f"""SELECT ?year (COUNT(DISTINCT ?e) AS ?n) WHERE {{
                  ?e prov:wasDerivedFrom ags:ucdp-ged ; ag:participant {actor} ;
                     ag:earliestDate ?d .
                  BIND(YEAR(?d) AS ?year)
                }} GROUP BY ?year ORDER BY ?year"""
        )
        per_year = {int(r[0]): int(r[1]) for r in rows}
        assert per_year, actor
        assert set(per_year) <= set(range(2012, 2022))
    ttp_total = kg.query(
        "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e prov:wasDerivedFrom ags:ucdp-ged ; "
        "ag:participant agd:ttp }"
    )
    # 172 rows with TTP as side A and 1,515 as side B in the file.
    assert int(next(iter(ttp_total))[0]) == 172 + 1515


@needs_hdx
def test_ucdp_is_is_not_iskp(imported: tuple[actorgraph.KnowledgeGraph, ImportReport]) -> None:
    kg, _ = imported
    assert not kg.query(
        """ASK { ?e ag:sourceRecord ?r ; prov:wasDerivedFrom ags:ucdp-ged ; rdfs:label ?l ;
                  ag:participant agd:iskp FILTER(CONTAINS(STR(?l), ": IS –") ||
                  CONTAINS(STR(?l), "– IS,")) }"""
    )


@needs_hdx
def test_government_of_pakistan_is_the_state(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, report = imported
    assert "Government of Pakistan" not in report.unresolved
    assert kg.query("ASK { agd:ucdp-ged-156132 ag:participant agd:pakistan , agd:ttp }")


@needs_hdx
def test_places_form_a_hierarchy(imported: tuple[actorgraph.KnowledgeGraph, ImportReport]) -> None:
    kg, _ = imported
    # Row 363726: where_prec 2, "Haji Pir Sector" in Haveli district, Azad Jammu & Kashmir.
    row = next(
        iter(
            kg.query(
                """SELECT ?name ?district ?province WHERE {
                     agd:ucdp-ged-363726 ag:place ?p . ?p rdfs:label ?name ;
                       schema:containedInPlace ?d . ?d rdfs:label ?district ;
                       schema:containedInPlace ?v . ?v rdfs:label ?province }"""
            )
        )
    )
    assert [str(x) for x in row] == ["Haji Pir Sector", "Haveli district", "Azad Jammu & Kashmir"]


@needs_hdx
def test_every_unresolved_name_is_reported_with_its_count(
    bundled_store: Path, tmp_path: Path
) -> None:
    # Every name of the real file resolves now; a name no curated entity has still gets reported.
    path = tmp_path / "ged.csv"
    path.write_text(
        "id,type_of_violence,side_a,side_b,date_start,date_end,best\n"
        "1,2,Unknown Front,TTP,2014-01-01,2014-01-01,3\n"
        "2,2,Unknown Front,TTP,2014-01-02,2014-01-02,1\n"
        "3,3,Another Unknown Band,Civilians,2014-01-03,2014-01-03,2\n",
        encoding="utf-8",
    )
    kg = actorgraph.load(store=bundled_store)
    try:
        report = import_file(kg, "ucdp", path)
        provisional = kg.query(
            "SELECT ?a ?l WHERE { ?a ag:provisional true ; rdfs:label ?l ; "
            "prov:wasDerivedFrom ags:ucdp-ged }"
        )
        labels = {str(r[1]) for r in provisional}
    finally:
        kg.close()
    assert dict(report.unresolved) == {"Unknown Front": 2, "Another Unknown Band": 1}
    assert labels == set(report.unresolved)
    text = report.summary()
    for name in report.unresolved:
        assert name in text


@needs_hdx
def test_reimport_gives_the_same_graph(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, first = imported
    before = sorted(
        str(q) for q in kg.store.quads_for_pattern(None, None, None, _node(first.graph))
    )
    second = import_file(kg, "ucdp", HDX)
    after = sorted(
        str(q) for q in kg.store.quads_for_pattern(None, None, None, _node(second.graph))
    )
    assert second.graph == first.graph
    assert before == after
    assert second.unresolved == first.unresolved


@needs_api
def test_api_flavour_sample_imports(bundled_store: Path, tmp_path: Path) -> None:
    kg = actorgraph.load(store=bundled_store)
    try:
        report = import_file(kg, "ucdp", API)
        assert report.flavour == "API"
        assert (report.rows_read, report.events_created, len(report.rejected)) == (5, 5, 0)
        row = next(
            iter(
                kg.query(
                    """SELECT ?start ?end ?date WHERE { agd:ucdp-ged-79978 ag:startDate ?start ;
                         ag:endDate ?end ; ag:earliestDate ?early . OPTIONAL { agd:ucdp-ged-79978 ag:date ?date } }"""
                )
            )
        )
        # date_prec 2: 2013-07-23 to 2013-07-25, a range with no single date.
        assert (str(row[0]), str(row[1]), row[2]) == ("2013-07-23", "2013-07-25", None)
    finally:
        kg.close()


def _node(iri: str) -> object:
    import pyoxigraph

    return pyoxigraph.NamedNode(iri)


# ----------------------------------------------------------------------------------------------------
# Conflict dyads: sourced ag:opposes statements derived from the state-based and non-state rows

_DYAD = """
SELECT ?st ?start ?end ?early ?late ?events ?deaths ?text ?rank ?g WHERE {
  ?st rdf:subject ?a ; rdf:predicate ag:opposes ; rdf:object ?b ;
      prov:wasDerivedFrom ags:ucdp-ged ; ag:claimText ?text ; ag:rank ?rank ;
      ag:startDate ?start ; ag:endDate ?end ; ag:earliestDate ?early ; ag:latestDate ?late ;
      ag:eventCount ?events ; ag:deathCount ?deaths .
  GRAPH ?g { ?a ag:opposes ?b }
}"""


@needs_hdx
def test_government_of_pakistan_and_ttp_dyad_is_a_sourced_opposes_statement(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    from actorgraph.importers._ntriples import statement_iri
    from actorgraph.vocab._namespaces import AG, AGS, expand

    kg, report = imported
    pakistan, ttp = expand("agd:pakistan"), expand("agd:ttp")
    rows = list(kg.query(_DYAD, params={"a": pakistan, "b": ttp}))
    assert len(rows) == 1, "one statement for the dyad, however many rows it has"
    row = rows[0].asdict()
    assert str(row["st"]) == statement_iri(
        pakistan, str(AG) + "opposes", ttp, str(AGS) + "ucdp-ged"
    )
    assert str(row["g"]) == report.graph, (
        "the dyad lives in the import graph (a re-import replaces it)"
    )
    assert str(row["rank"]) == str(AG) + "NormalRank"
    assert str(row["start"])[:4] == str(row["early"])[:4] == "2012"
    assert str(row["end"])[:4] == str(row["late"])[:4] == "2021"
    # The counts are those of the imported events themselves, counted directly.
    direct = next(
        iter(
            kg.query(
                """SELECT (COUNT(?e) AS ?n) (SUM(?k) AS ?killed) (MIN(?d1) AS ?first)
                          (MAX(?d2) AS ?last) WHERE {
                     ?e a ag:Event ; prov:wasDerivedFrom ags:ucdp-ged ;
                        ag:participant agd:pakistan, agd:ttp ; ag:killed ?k ;
                        ag:earliestDate ?d1 ; ag:latestDate ?d2 }"""
            )
        )
    ).asdict()
    assert int(row["events"]) == int(direct["n"]) > 1000
    assert int(row["deaths"]) == int(direct["killed"])
    assert (str(row["early"]), str(row["late"])) == (str(direct["first"]), str(direct["last"]))
    text = str(row["text"])
    assert text.startswith("UCDP GED records ")
    assert f"{int(direct['n']):,} events" in text and f"{int(direct['killed']):,} deaths" in text
    assert "2012–2021" in text
    assert report.dyads >= 10


@needs_hdx
def test_dyads_keep_factions_apart_and_skip_one_sided_violence(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, _ = imported
    # TTP-KM against TTP-SM is a dyad of two factions, each an entity of its own, neither the TTP.
    km, sm = (
        next(n for n in kg.names.lookup(name) if kg.query(f"ASK {{ {n} a ag:ArmedGroup }}"))
        for name in ("TTP-KM", "TTP-SM")
    )
    assert "agd:ttp" not in (km, sm) and km != sm
    assert kg.query(
        f"""ASK {{ ?st rdf:subject ?a ; rdf:predicate ag:opposes ; rdf:object ?b ;
                   prov:wasDerivedFrom ags:ucdp-ged .
                   VALUES (?a ?b) {{ ({km} {sm}) ({sm} {km}) }} }}"""
    )
    # One-sided violence (TTP against civilians) makes no ag:opposes statement.
    assert not kg.query(
        "ASK { ?st rdf:subject agd:ttp ; rdf:predicate ag:opposes ; prov:wasDerivedFrom ags:ucdp-ged }"
    )


@needs_hdx
def test_profile_from_a_store_lists_the_dyad_with_its_source_and_attacks_by_year(
    tmp_path: Path,
) -> None:
    import json
    import shutil
    import subprocess

    store = tmp_path / "store"
    data = [] if _has_curated_aps() else [APS_FIXTURE]
    kg = actorgraph.load(store=store, data=data)
    try:
        import_file(kg, "ucdp", HDX)
        killed_2013 = next(
            iter(
                kg.query(
                    """SELECT (COUNT(?e) AS ?n) (SUM(?k) AS ?killed) WHERE {
                         ?e a ag:Attack ; prov:wasDerivedFrom ags:ucdp-ged ; ag:attributedTo agd:ttp ;
                            ag:killed ?k ; ag:earliestDate ?d FILTER(YEAR(?d) = 2013) }"""
                )
            )
        ).asdict()
    finally:
        kg.close()
    exe = shutil.which("actorgraph")
    assert exe
    out = subprocess.run(
        [exe, "profile", "TTP", "--store", str(store), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    ).stdout
    doc = json.loads(out)
    opposed = {line["entity"]: line for line in doc["sections"]["Opposed by"]}
    line = opposed["agd:pakistan"]
    assert "ags:ucdp-ged" in line["sources"]
    assert line["start"].startswith("2012") and line["end"].startswith("2021")
    assert any(note.startswith("ags:ucdp-ged: ") and "events" in note for note in line["notes"])
    # Attacks by year come from the imported rows (at least UCDP's; curated attacks add to them).
    assert doc["attacks_by_year"]["2013"]["attacks"] >= int(killed_2013["n"]) > 0
    assert doc["attacks_by_year"]["2013"]["killed"] >= int(killed_2013["killed"])


@pytest.mark.slow
def test_dyads_are_aggregated_from_state_based_and_non_state_rows_only(
    bundled_store: Path, tmp_path: Path
) -> None:
    from actorgraph.vocab._namespaces import expand

    header = (
        "id,type_of_violence,side_a,side_a_new_id,side_b,side_b_new_id,date_start,date_end,best"
    )
    rows = [
        "1,1,Government of Pakistan,123,TTP,209,2013-03-01,2013-03-01,5",
        "2,1,Government of Pakistan,123,TTP,209,2015-07-04,2015-07-06,7",
        "3,3,TTP,209,Civilians,1,2014-12-16,2014-12-16,146",
        "4,2,TTP-KM,5864,TTP-SM,5865,2014-04-06,2014-04-06,3",
    ]
    path = tmp_path / "ged.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    kg = actorgraph.load(store=bundled_store)
    try:
        report = import_file(kg, "ucdp", path)
        assert report.dyads == 2
        row = next(
            iter(kg.query(_DYAD, params={"a": expand("agd:pakistan"), "b": expand("agd:ttp")}))
        ).asdict()
        assert (int(row["events"]), int(row["deaths"])) == (2, 12)
        assert (str(row["start"]), str(row["end"])) == ("2013-03-01", "2015-07-06")
        assert str(row["text"]) == (
            "UCDP GED records 2 events between Government of Pakistan and TTP, 2013–2015, "
            "with 12 deaths (best estimates)."
        )
        # The one-sided row (TTP against civilians) is no dyad.
        assert not kg.query(
            "ASK { ?st rdf:subject agd:ttp ; rdf:predicate ag:opposes ; "
            "prov:wasDerivedFrom ags:ucdp-ged }"
        )
    finally:
        kg.close()


def test_dataset_spellings_are_aliases_sourced_to_the_dataset() -> None:
    """UCDP's spellings of curated entities are skos:altLabel claims with ags:ucdp-ged as source."""
    kg = actorgraph.load()
    found = {
        (str(r.x), str(r.name))
        for r in kg.query(
            """SELECT ?x ?name WHERE { ?st rdf:subject ?x ; rdf:predicate skos:altLabel ;
                 rdf:object ?name ; prov:wasDerivedFrom ags:ucdp-ged ; ag:claimText ?c .
                 ?x skos:altLabel ?name }"""
        )
    }
    assert ("https://w3id.org/actorgraph/data/pakistan", "Government of Pakistan") in found
    assert kg.resolve("Government of Pakistan") == "agd:pakistan"
    # The dataset source is declared with what the team's files say of it.
    assert kg.query(
        'ASK { ags:ucdp-ged a ag:Source ; dcterms:title "UCDP GED" ; dcterms:license ?l }'
    )
    # Factions are never aliases of the TTP.
    ttp = {name for x, name in found if x.endswith("/ttp")}
    assert not ttp & {"TTP-KM", "TTP-SM", "TTP - TA", "TTP-Islahi"}
    if HDX.is_file():
        text = HDX.read_text(encoding="utf-8-sig")
        for _, name in found:
            assert f",{name}," in text, f"{name!r} is not a spelling of the UCDP file"


@needs_hdx
def test_relations_in_year_finds_the_dyad_and_the_imported_events(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    from actorgraph.sparql._saved import read_saved_query

    kg, _ = imported
    text = read_saved_query("relations-in-year").text
    found = [r.asdict() for r in kg.query(text, params={"actor": "agd:ttp", "year": 2015})]
    opposed = {
        str(r["other"]) for r in found if str(r["relation"]).endswith("#opposes")
        and str(r["source"]).endswith("/ucdp-ged")
    }  # fmt: skip
    assert "https://w3id.org/actorgraph/data/pakistan" in opposed
    events = [
        r for r in found if str(r["other"]).startswith("https://w3id.org/actorgraph/data/ucdp-ged-")
    ]
    assert events, "the imported events of 2015 are relations of that year"
    assert all(str(r["from"]) <= "2015-12-31" and str(r["until"]) >= "2015-01-01" for r in events)


@needs_hdx
def test_every_actor_of_the_pakistan_file_resolves_to_a_curated_entity(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    kg, report = imported
    assert dict(report.unresolved) == {}
    provisional = kg.query("ASK { ?actor ag:provisional true }")
    assert not provisional


@needs_hdx
@pytest.mark.parametrize(
    ("ucdp_name", "kind"),
    [
        pytest.param("TTP-KM", "ag:ArmedGroup", id="ttp-faction"),
        pytest.param("BRAS", "ag:ArmedGroup", id="baloch-alliance"),
        pytest.param("Lashkar of Zakakhel tribe", "ag:TribalMilitia", id="tribal-lashkar"),
        pytest.param("Kashmir insurgents", "ag:CollectiveActor", id="collective-name"),
        pytest.param("Government of India", "ag:State", id="government"),
    ],
)
def test_a_ucdp_name_resolves_to_an_entity_of_its_kind(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport], ucdp_name: str, kind: str
) -> None:
    kg, _ = imported
    # Among everything the name may mean (a designation's label can hold an acronym too), exactly
    # one is an actor, and it is of the expected kind: the entity the importer resolves it to.
    actors = [
        node
        for node in kg.names.lookup(ucdp_name)
        if kg.query(f"ASK {{ {node} a/rdfs:subClassOf* ag:Actor }}")
    ]
    assert len(actors) == 1, actors
    assert kg.query(f"ASK {{ {actors[0]} a {kind} }}")


@needs_hdx
def test_the_entity_profile_query_sorts_an_imported_store_without_crashing(
    imported: tuple[actorgraph.KnowledgeGraph, ImportReport],
) -> None:
    # Oxigraph's ORDER BY over values of mixed kinds (dates, numbers, IRIs) once panicked: "user-
    # provided comparison function does not correctly implement a total order". The timeout runs
    # the query in a worker process, so a crash fails this test instead of killing pytest.
    from actorgraph.sparql._saved import read_saved_query

    kg, _ = imported
    result = kg.query(read_saved_query("entity-profile").text, timeout=600)
    assert len(result) > 10_000
