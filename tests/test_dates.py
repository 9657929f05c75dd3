"""Dates at their precision: one parser for curated data, importers and the filters."""

from __future__ import annotations

import pytest

import actorgraph
from actorgraph._errors import UsageError
from actorgraph.importers import parse_acled_date, parse_gtd_date, parse_ucdp_date
from actorgraph.importers._records import RowError
from actorgraph.vocab._dates import date_bounds, parse_partial_date, partial_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("2023", ("2023-01-01", "2023-12-31"), id="year"),
        pytest.param("2024-02", ("2024-02-01", "2024-02-29"), id="leap-month"),
        pytest.param(" 2023-07-30 ", ("2023-07-30", "2023-07-30"), id="day-with-spaces"),
        pytest.param(2023, ("2023-01-01", "2023-12-31"), id="int-year"),
    ],
)
def test_a_date_means_the_days_of_its_precision(text: object, expected: tuple[str, str]) -> None:
    assert date_bounds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("0000", id="year-zero"),
        pytest.param("0000-01-01", id="year-zero-day"),
        pytest.param("\u0662\u0660\u0662\u0663", id="arabic-indic-digits"),
        pytest.param("\uff12\uff10\uff12\uff13-07", id="fullwidth-digits"),
        pytest.param("2023-07-30garbage", id="trailing-text"),
        pytest.param("2023-07-30T12:00", id="time-of-day"),
        pytest.param("2023-13", id="month-13"),
        pytest.param("2023-02-29", id="no-29-february"),
    ],
)
def test_what_is_not_a_date_is_refused_everywhere(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a date|has year|has month|has day"):
        parse_partial_date(text)
    with pytest.raises(UsageError, match="is not a date"):
        date_bounds(text)


@pytest.mark.slow
def test_a_filter_with_trailing_text_after_the_date_is_a_usage_error() -> None:
    kg = actorgraph.load()
    with pytest.raises(UsageError, match="2023-07-30garbage"):
        kg.to_networkx(as_of="2023-07-30garbage")


def test_year_zero_says_which_part_is_wrong() -> None:
    with pytest.raises(ValueError, match="has year 0000; years run from 0001"):
        parse_partial_date("0000")
    with pytest.raises(ValueError, match="a day but no month"):
        partial_date(2023, None, 5)


@pytest.mark.parametrize(
    "parse",
    [
        pytest.param(
            lambda: parse_ucdp_date("\u0662\u0660\u0661\u0664-12-16", "date_start"), id="ucdp"
        ),
        pytest.param(lambda: parse_ucdp_date("0000-12-16", "date_start"), id="ucdp-year-zero"),
        pytest.param(lambda: parse_acled_date("\u0663\u0660/07/2023"), id="acled"),
        pytest.param(lambda: parse_gtd_date("\u0662\u0660\u0661\u0664", "12", "16"), id="gtd"),
        pytest.param(lambda: parse_gtd_date("0", "12", "16"), id="gtd-year-zero"),
        pytest.param(lambda: parse_gtd_date("2014", "2", "30"), id="gtd-30-february"),
    ],
)
def test_importers_refuse_the_dates_the_parser_refuses(parse: object) -> None:
    with pytest.raises(RowError, match="invalid date"):
        parse()  # type: ignore[operator]
