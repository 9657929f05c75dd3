"""Property-based tests of the curated-data reader and compiler, and of the date parser.

Whatever the input, the reader either returns checked data or raises :class:`DataError` (never
another exception: a traceback is a bug); valid data compiles to the same triples in any order.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Literal
from rdflib.namespace import RDF, RDFS, XSD

from actorgraph._errors import DataError
from actorgraph.curation._compile import compile_triples
from actorgraph.curation._reader import read_curated
from actorgraph.vocab._dates import PartialDate, parse_partial_date
from actorgraph.vocab._namespaces import AG, AGD

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    max_examples=150,
    suppress_health_check=[HealthCheck.too_slow],
)


# ------------------------------------------------------------------------------------------------
# Dates


@SETTINGS
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_every_real_day_parses_back_to_itself(day: dt.date) -> None:
    parsed = parse_partial_date(day.isoformat())
    assert parsed.iso == day.isoformat()
    assert parsed.earliest == parsed.latest == day
    assert parsed.literal() == Literal(day.isoformat(), datatype=XSD.date)


@SETTINGS
@given(st.integers(1, 9999), st.one_of(st.none(), st.integers(1, 12)))
def test_a_year_or_month_means_the_whole_interval(year: int, month: int | None) -> None:
    text = f"{year:04d}" if month is None else f"{year:04d}-{month:02d}"
    parsed = parse_partial_date(text)
    assert parsed.iso == text
    first_month, last_month = (1, 12) if month is None else (month, month)
    assert parsed.earliest == dt.date(year, first_month, 1)
    last_day = calendar.monthrange(year, last_month)[1]
    assert parsed.latest == dt.date(year, last_month, last_day)
    assert parsed.literal().datatype == (XSD.gYear if month is None else XSD.gYearMonth)


@SETTINGS
@given(st.integers(1, 9999), st.integers(0, 99), st.integers(0, 99))
def test_impossible_days_and_months_are_refused_with_a_value_error(
    year: int, month: int, day: int
) -> None:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    valid = 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]
    if valid:
        assert parse_partial_date(text).iso == text
        return
    try:
        parse_partial_date(text)
    except ValueError as exc:
        assert text in str(exc)
    else:
        raise AssertionError(f"{text} was accepted")


@pytest.mark.slow
@SETTINGS
@given(st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.booleans(), st.none()))
def test_the_date_parser_raises_only_value_error(value: object) -> None:
    try:
        parsed = parse_partial_date(value)
    except ValueError:
        return
    assert isinstance(parsed, PartialDate)
    assert parsed.earliest <= parsed.latest


# ------------------------------------------------------------------------------------------------
# The reader never crashes


def _read_text(data: bytes) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(data)
        try:
            return read_curated([path])
        except DataError as exc:
            assert str(path) in str(exc)
            return exc


@SETTINGS
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_data_or_a_data_error(data: bytes) -> None:
    _read_text(data)


@SETTINGS
@given(st.text(alphabet=st.sampled_from("-:[]{}'\"#&*!|>%@`, \n\tabc0123"), max_size=200))
def test_yaml_punctuation_soup_gives_data_or_a_data_error(text: str) -> None:
    _read_text(text.encode("utf-8"))


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.floats(allow_nan=False),
    st.text(max_size=20), st.sampled_from(["agd:x", "ag:ArmedGroup", "ags:s", "2014-02-30", "-5"]),
)  # fmt: skip
_KEYS = st.sampled_from(
    ["sources", "entities", "claims", "id", "type", "label", "aliases", "subject", "property",
     "object", "source", "claim", "rank", "pinpoint", "start", "end", "title", "x"]
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=25,
)


@pytest.mark.slow
@SETTINGS
@given(st.dictionaries(_KEYS, _VALUES, max_size=4))
def test_well_formed_yaml_of_any_shape_gives_data_or_a_data_error(doc: dict[str, Any]) -> None:
    _read_text(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


# ------------------------------------------------------------------------------------------------
# Valid data compiles the same way in any order

_NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=30,
).filter(lambda s: s.strip() != "" and not s.strip().endswith("@"))


@st.composite
def curated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid curated document: one source, 2-5 groups, an attack with a toll, date and claims."""
    labels = draw(st.lists(_NAMES, min_size=2, max_size=5, unique_by=lambda s: s.strip()))
    groups = [f"agd:group-{i}" for i in range(len(labels))]
    killed = draw(st.lists(st.integers(0, 10**9), min_size=1, max_size=3, unique=True))
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    precision = draw(st.sampled_from([4, 7, 10]))
    claimed = draw(st.lists(st.sampled_from(groups), min_size=1, max_size=3, unique=True))
    ranks = st.sampled_from(["preferred", "normal", "deprecated"])
    claims = [
        {
            "subject": "agd:attack",
            "property": "ag:killed",
            "object": n,
            "source": f"ags:source-{i}",
            "claim": f"Source {i} gives a toll.",
            "rank": draw(ranks),
        }
        for i, n in enumerate(killed)
    ]
    claims.append(
        {
            "subject": "agd:attack",
            "property": "ag:date",
            "object": day.isoformat()[:precision],
            "source": "ags:source-0",
            "claim": "The source dates the attack.",
        }
    )
    claims += [
        {
            "subject": "agd:attack",
            "property": "ag:claimedBy",
            "object": group,
            "source": "ags:source-0",
            "claim": "The source reports a claim of responsibility.",
            "rank": draw(ranks),
        }
        for group in claimed
    ]
    return {
        "sources": [
            {"id": f"ags:source-{i}", "title": f"Source {i}", "creator": "C", "publisher": "P"}
            for i in range(len(killed))
        ],
        "entities": [
            {"id": g, "type": "ag:ArmedGroup", "label": label}
            for g, label in zip(groups, labels, strict=True)
        ]
        + [{"id": "agd:attack", "type": "ag:Attack", "label": "The attack"}],
        "claims": draw(st.permutations(claims)),
    }


def _compile(doc: dict[str, Any]) -> set[tuple[Any, Any, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.yaml"
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
        return set(compile_triples(read_curated([path])))


@pytest.mark.slow
@settings(SETTINGS, max_examples=60)
@given(curated_documents(), st.randoms(use_true_random=False))
def test_valid_data_compiles_to_the_same_triples_in_any_order(
    doc: dict[str, Any], rnd: Any
) -> None:
    triples = _compile(doc)
    shuffled = {**doc, "claims": list(doc["claims"])}
    rnd.shuffle(shuffled["claims"])
    shuffled["entities"] = list(reversed(doc["entities"]))
    assert _compile(shuffled) == triples
    # One statement per claim; labels are kept as written (NFC, trimmed).
    statements = {s for s, p, o in triples if p == RDF.type and o == RDF.Statement}
    assert len(statements) == len(doc["claims"])
    for entity in doc["entities"]:
        iri = AGD[entity["id"].split(":", 1)[1]]
        labels = [o for s, p, o in triples if s == iri and p == RDFS.label]
        assert len(labels) == 1
        assert labels[0].language == "en"
    # The best-rank rule: direct tolls are those of the best non-deprecated rank present.
    tolls = [c for c in doc["claims"] if c["property"] == "ag:killed"]
    order = {"preferred": 0, "normal": 1}
    live = [c for c in tolls if c["rank"] != "deprecated"]
    best = min((order[c["rank"]] for c in live), default=None)
    expected = {c["object"] for c in live if order[c["rank"]] == best}
    direct = {int(o) for s, p, o in triples if s == AGD.attack and p == AG.killed}
    assert direct == expected
