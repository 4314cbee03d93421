"""Months as integers, the log-score classes and the 'not enough data' rule."""

from __future__ import annotations

import pytest

from civwatch.domain.forecasts import (
    LOG_SCORE_BINS,
    MIN_EVENT_MONTHS,
    MIN_HISTORY_MONTHS,
    enough_data,
    log_score_bin,
    month_index,
    month_label,
    parse_month,
)


def test_months_round_trip_across_year_ends() -> None:
    assert month_index("2016-12") + 1 == month_index("2017-01")
    assert month_label(month_index("1997-01") + 276) == "2020-01"
    for m in ("1989-01", "2000-02", "2022-12"):
        assert month_label(month_index(m)) == m


@pytest.mark.parametrize("text", ["2016-13", "16-01", "March 2016", ""])
def test_bad_months_name_the_option(text: str) -> None:
    with pytest.raises(ValueError, match="--until"):
        parse_month(text, "--until")


def test_a_date_gives_its_month() -> None:
    assert parse_month("2020-01-24") == month_index("2020-01")


def test_log_score_classes() -> None:
    assert [log_score_bin(x) for x in (0, 1, 2, 3, 25, 26, 1000, 1001, 150000)] == [0, 1, 1, 2, 4, 5, 8, 9, 9]
    assert len(LOG_SCORE_BINS) == 10


def test_not_enough_data_at_the_edges() -> None:
    assert enough_data(MIN_HISTORY_MONTHS, MIN_EVENT_MONTHS)
    assert not enough_data(MIN_HISTORY_MONTHS - 1, 100)
    assert not enough_data(240, MIN_EVENT_MONTHS - 1)
