from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain.missions import (
    MissionLife,
    Proximity,
    active_on,
    check_distance,
    check_point,
    classify,
    mandate_periods,
    parse_contributors,
    parse_decimal,
)


def test_contributors_parsed_with_their_text() -> None:
    parts = parse_contributors("Nepal (size unknown), India (150), Argentina (1,200), Multinational")
    assert [(p.country, p.size, p.size_text) for p in parts] == [
        ("Nepal", None, "size unknown"), ("India", 150, "150"), ("Argentina", 1200, "1,200"), ("Multinational", None, ""),
    ]
    assert parse_contributors("") == []
    # a comma inside parentheses does not split
    assert [p.country for p in parse_contributors("Korea (Republic of, 300), Chad (35)")] == ["Korea", "Chad"]


def test_decimal_commas_and_points() -> None:
    assert parse_decimal("15,9833", "x") == pytest.approx(15.9833)
    assert parse_decimal("-8.0", "x") == -8.0
    assert parse_decimal("NA", "x") is None and parse_decimal(" ", "x") is None
    with pytest.raises(ValueError, match="non-numeric"):
        parse_decimal("12,5,3", "x")


def test_impossible_points() -> None:
    assert check_point(12.6, -8.0) is None
    assert "latitude" in check_point(123.0, 5.0)
    assert "longitude" in check_point(5.0, 190.0)
    assert "placeholder" in check_point(0.0, 0.0)
    assert "only one" in check_point(None, 3.0)


@pytest.mark.parametrize(("distance", "precision", "within", "expected"), [
    (24.9, "exact", 25, Proximity.NEAR),
    (25.0, "exact", 25, Proximity.NEAR),
    (25.1, "exact", 25, Proximity.FAR),
    (0.0, "near", 25, Proximity.NEAR),  # ±25 km still inside 25 km
    (10.0, "near", 25, Proximity.IMPRECISE),  # could be 35 km away
    (50.1, "near", 25, Proximity.FAR),
    (40.0, "near", 10, Proximity.FAR),
    (1.0, "admin1", 50, Proximity.IMPRECISE),
    (1.0, "unknown", 50, Proximity.IMPRECISE),
    (None, "exact", 25, Proximity.IMPRECISE),
])
def test_precision_decides_near_far_or_imprecise(distance, precision, within, expected) -> None:
    assert classify(distance, precision, within) is expected


def test_distance_bounds() -> None:
    assert check_distance(25) == 25.0
    for bad in (0, -1, 501):
        with pytest.raises(ValueError, match="outside"):
            check_distance(bad)


def test_active_from_dates_before_the_stale_flag() -> None:
    today = date(2024, 2, 19)
    assert active_on(date(2013, 4, 25), date(2023, 12, 31), "Yes", today) is False  # MINUSMA, flag stale
    assert active_on(date(1948, 5, 29), None, "Yes", today) is True
    assert active_on(date(1960, 1, 1), None, "NO", today) is False
    assert active_on(None, None, "", today) is None


def test_mission_life() -> None:
    life = MissionLife("MINUSMA", date(2013, 4, 25), date(2023, 12, 31))
    assert life.covers_year(2013) and life.covers_year(2023) and not life.covers_year(2024)
    assert "after MINUSMA ended" in life.why_not(2024)
    assert "before" in life.why_not(2012)


def test_mandate_periods_are_runs_of_flagged_months() -> None:
    months = [(2000, 1, False), (2000, 2, True), (2000, 3, True), (2000, 4, False), (2000, 12, True), (2001, 1, True)]
    assert mandate_periods(months) == [((2000, 2), (2000, 3)), ((2000, 12), (2001, 1))]
    assert mandate_periods([(2000, 1, True), (2000, 3, True)]) == [((2000, 1), (2000, 1)), ((2000, 3), (2000, 3))]
