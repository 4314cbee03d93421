"""Indicators over hand-written reports whose totals are known by construction (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from civwatch.domain.query import Filters
from civwatch.services import indicators
from tests.seed import add_report, link


def _by(rows: list[dict], key: str) -> dict:
    return {r[key]: r for r in rows}


def test_deaths_by_year_with_low_best_high(store) -> None:
    add_report(store, day=date(2019, 3, 1), deaths=4, deaths_low=3, deaths_high=9)
    add_report(store, day=date(2019, 7, 1), deaths=1)
    add_report(store, day=date(2020, 1, 1), deaths=10, deaths_low=10, deaths_high=12)
    rows = _by(indicators.indicator(store, "civilian-deaths", by="year").rows, "year")
    assert rows[2019]["value"] == 5 and rows[2019]["low"] == 4 and rows[2019]["high"] == 10
    assert rows[2020]["value"] == 10 and rows[2020]["low"] == 10 and rows[2020]["high"] == 12
    assert rows[2019]["sources"] == ["ucdp-ged"]


def test_linked_reports_count_once_and_source_counts_its_reports(store) -> None:
    a, _ = add_report(store, source="ucdp-ged", deaths=7, country="SYR")
    b, _ = add_report(store, source="acled", deaths=9, country="SYR")
    add_report(store, source="acled", deaths=2, country="SYR")
    unlinked = indicators.indicator(store, "incidents")
    assert unlinked.rows[0]["value"] == 3
    assert "no linkage yet" in unlinked.coverage["linkage"] and "counted separately" in unlinked.coverage["linkage"]
    link(store, a, [b])
    result = indicators.indicator(store, "incidents")
    assert result.rows[0]["value"] == 2
    assert indicators.indicator(store, "reports").rows[0]["value"] == 3
    assert result.coverage["linked"] is True
    # the incident keeps its own figure (7): the 9 of the linked ACLED report is not added
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 7 + 2
    acled = indicators.indicator(store, "civilian-deaths", filters=Filters(source="acled"))
    assert acled.rows[0]["value"] == 11 and acled.level == "report"
    assert acled.sources == [{"source": "acled", "reports": 2}]


def test_women_children_share_leaves_out_undisaggregated_casualties(store) -> None:
    add_report(store, deaths=5, harm_rows=[
        {"outcome": "killed", "sex": "female", "age_group": "adult", "best": 2},
        {"outcome": "killed", "sex": "male", "age_group": "child", "best": 1},
        {"outcome": "killed", "sex": "male", "age_group": "adult", "best": 2},
        {"outcome": "killed", "civilian": False, "sex": "female", "age_group": "adult", "best": 50},
    ])
    add_report(store, deaths=100)  # no disaggregation: not in the share, shown in coverage
    row = indicators.indicator(store, "women-children-share").rows[0]
    assert row["numerator"] == 3 and row["denominator"] == 5
    assert row["value"] == pytest.approx(0.6)
    assert row["coverage"]["records_disaggregated"] == 1 and row["coverage"]["records"] == 2
    assert row["coverage"]["casualties"] == 105


def test_ewipa_share(store) -> None:
    add_report(store, deaths=6, injuries=4, weapon="explosive_air_launched", populated=True)
    add_report(store, deaths=5, weapon="explosive_ground_launched", populated=False)
    add_report(store, deaths=3, weapon="small_arms", populated=True)
    add_report(store, deaths=2, weapon="unknown", populated=None)
    row = indicators.indicator(store, "ewipa-share").rows[0]
    # unknown is not zero: the 2 casualties of unknown weapon are outside the base, not "not explosive"
    assert (row["numerator"], row["denominator"]) == (10, 18)
    assert row["base"] == "56 % of 18 civilian casualties with a known weapon"
    assert row["coverage"]["casualties_weapon_unknown"] == 2
    assert row["coverage"]["casualties_place_unknown"] == 2


def test_yoy_change_and_month_grouping(store) -> None:
    add_report(store, day=date(2021, 5, 2), deaths=10, country="AFG")
    add_report(store, day=date(2022, 5, 9), deaths=15, country="AFG")
    add_report(store, day=date(2022, 6, 9), deaths=1, country="SOM")
    rows = indicators.indicator(store, "civilian-deaths", by="country,year", change="yoy").rows
    afg22 = next(r for r in rows if r["country"] == "AFG" and r["year"] == 2022)
    assert afg22["previous"] == 10 and afg22["change"] == pytest.approx(0.5) and afg22["change_abs"] == 5
    som = next(r for r in rows if r["country"] == "SOM")
    assert som["change"] is None
    months = _by(indicators.indicator(store, "civilian-deaths", by="month").rows, "month")
    assert months["2022-05"]["value"] == 15 and months["2022-06"]["value"] == 1
    with pytest.raises(ValueError, match="yoy"):
        indicators.indicator(store, "civilian-deaths", by="country", change="yoy")


def test_filters_agree_between_cube_and_base_tables(store) -> None:
    add_report(store, day=date(2020, 1, 31), deaths=3, headline="Shelling of a market", country="UKR")
    add_report(store, day=date(2020, 2, 1), deaths=4, headline="Air strike on school", country="UKR")
    add_report(store, day=date(2020, 2, 15), deaths=8, headline="market fire", country="SYR", weapon="explosive_improvised")
    # free text is answered from the base tables
    text = indicators.indicator(store, "civilian-deaths", filters=Filters(text="MARKET"))
    assert text.rows[0]["value"] == 11
    # a date range inside months is answered from the base tables; on month edges from the cube
    mid = indicators.indicator(store, "civilian-deaths", filters=Filters(date_from=date(2020, 1, 31), date_to=date(2020, 2, 1)))
    assert mid.rows[0]["value"] == 7
    edges = indicators.indicator(store, "civilian-deaths", filters=Filters(date_from=date(2020, 2, 1), date_to=date(2020, 2, 29)))
    assert edges.rows[0]["value"] == 12
    assert indicators.indicator(store, "civilian-deaths", filters=Filters(countries=("SYR",), explosive=True)).rows[0]["value"] == 8
    assert indicators.indicator(store, "civilian-deaths", filters=Filters(countries=("SYR",), explosive=False)).rows == []


def test_cube_follows_the_store(store) -> None:
    add_report(store, deaths=1)
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 1
    indicators._checked.clear()  # another process would not have checked within the second
    add_report(store, deaths=2)
    indicators._checked.clear()
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 3


def test_compare_by_party_category_uses_the_same_measures(store) -> None:
    add_report(store, deaths=10, category="state_forces", weapon="explosive_air_launched", populated=True)
    add_report(store, deaths=0, category="state_forces", weapon="small_arms", populated=False)
    add_report(store, deaths=3, category="non_state_armed_group", weapon="explosive_improvised", populated=True)
    rows = _by(indicators.compare(store).rows, "party_category")
    s, n = rows["state_forces"], rows["non_state_armed_group"]
    assert s["incidents"] == 2 and s["civilian_deaths_per_incident"] == 5
    assert s["explosive_weapons_share"] == 0.5 and s["populated_area_share"] == 0.5
    assert n["incidents"] == 1 and n["explosive_weapons_share"] == 1.0


def test_unknown_indicator_and_dimension_are_clear_errors(store) -> None:
    with pytest.raises(ValueError, match="no indicator"):
        indicators.indicator(store, "deaths")
    with pytest.raises(ValueError, match="cannot group by"):
        indicators.indicator(store, "incidents", by="colour")


def test_a_fresh_within_window_trusts_the_last_check_for_that_long(store, monkeypatch) -> None:
    add_report(store, deaths=1)
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 1
    monkeypatch.setenv("CIVWATCH_FRESH_WITHIN", "30")
    add_report(store, deaths=2)  # written behind the service's back, as another process would
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 1
    monkeypatch.setenv("CIVWATCH_FRESH_WITHIN", "0")
    assert indicators.indicator(store, "civilian-deaths").rows[0]["value"] == 3
    monkeypatch.setenv("CIVWATCH_FRESH_WITHIN", "soon")
    with pytest.raises(ValueError, match="CIVWATCH_FRESH_WITHIN"):
        indicators.indicator(store, "civilian-deaths")


def test_compare_shares_leave_unknowns_out_of_their_base(store) -> None:
    """Unknown is not zero, on the cube path and the base-table path alike."""
    add_report(store, deaths=2, category="state_forces", weapon="explosive_air_launched", populated=True)
    add_report(store, deaths=1, category="state_forces", weapon="small_arms", populated=True)
    for _ in range(3):
        add_report(store, deaths=1, category="state_forces", weapon="unknown", populated=None)
    add_report(store, deaths=1, category="civilians", weapon="unknown", populated=None)
    # a date range inside a month is answered from the base tables, no filter from the cube
    cube_rows = _by(indicators.compare(store).rows, "party_category")
    base_rows = _by(indicators.compare(store, filters=Filters(date_from=date(2020, 1, 2), date_to=date(2020, 1, 30))).rows, "party_category")
    for rows in (cube_rows, base_rows):
        s = rows["state_forces"]
        assert s["incidents"] == 5 and s["explosive_weapons_share"] == 0.5
        assert s["bases"]["explosive_weapons_share"] == "50 % of 2 incidents with a known weapon"
        assert s["populated_area_share"] is None  # "not populated" never recorded: unknown, not 100 %
        c = rows["civilians"]
        assert c["explosive_weapons_share"] is None and c["bases"]["explosive_weapons_share"].startswith("unknown")


def test_linkage_status_says_whether_link_ran_on_the_current_reports(store) -> None:
    from civwatch.services import linking

    add_report(store, source="ucdp-ged", deaths=7, country="SYR")
    add_report(store, source="acled", deaths=9, country="SYR", day=date(2021, 6, 1))
    before = indicators.indicator(store, "incidents").coverage
    assert before["linkage_run"]["last_run_at"] is None and "civwatch link has not run" in before["linkage"]
    linking.link(store, actor="test")
    after = indicators.indicator(store, "incidents").coverage
    assert after["linkage_run"]["reports_not_linked"] == 0 and after["linkage_run"]["reports"] == 2
    assert "has run on all current reports" in after["linkage"]
    add_report(store, source="acled", deaths=1, country="SYR", day=date(2022, 1, 1))  # imported after the run
    stale = indicators.compare(store).coverage
    assert stale["linkage_run"]["reports_not_linked"] == 1
    assert "1 of 3 reports were imported or changed since and are not linked yet" in stale["linkage"]
