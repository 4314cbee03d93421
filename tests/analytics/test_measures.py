"""The pure measures: collapsing summed facts, shares, change, comparison, conflict counts."""

from __future__ import annotations

import pytest

from civwatch.analytics import measures


def _row(**kw) -> dict:
    base = dict.fromkeys(measures.SUMMED, 0)
    return base | kw


def test_rows_collapse_over_sources_and_list_them() -> None:
    summed = [
        _row(year=2020, source="acled", n=2, n_reports=2, deaths_best=5, deaths_low=4, deaths_high=9),
        _row(year=2020, source="acled,ucdp-ged", n=1, n_reports=2, deaths_best=1, deaths_low=1, deaths_high=1),
        _row(year=2021, source="ucdp-ged", n=1, n_reports=1, deaths_best=3, deaths_low=3, deaths_high=3),
    ]
    rows = measures.indicator_rows("civilian-deaths", summed, ["year"])
    assert rows == [
        {"year": 2020, "value": 6, "low": 5, "high": 10, "sources": ["acled", "ucdp-ged"]},
        {"year": 2021, "value": 3, "low": 3, "high": 3, "sources": ["ucdp-ged"]},
    ]
    assert measures.source_totals(summed) == [{"source": "acled", "reports": 4}, {"source": "ucdp-ged", "reports": 3}]
    cov = measures.overall_coverage(summed, "incident", None)
    assert cov["linked"] is True and "5 reports linked into 4 incidents" in cov["linkage"]


def test_shares_are_none_without_a_denominator() -> None:
    rows = measures.indicator_rows("women-children-share", [_row(source="x", n=1, casualties=4)], [])
    assert rows[0]["value"] is None and rows[0]["coverage"]["casualties"] == 4
    rows = measures.indicator_rows("ewipa-share", [_row(source="x", casualties=8, casualties_ewipa=2)], [])
    assert rows[0]["value"] == pytest.approx(0.25)


def test_ewipa_share_is_unknown_when_no_weapon_is_known() -> None:
    rows = measures.indicator_rows("ewipa-share", [_row(source="x", casualties=8, casualties_weapon_unknown=8)], [])
    assert rows[0]["value"] is None and rows[0]["denominator"] == 0  # the base: casualties with a known weapon
    rows = measures.indicator_rows("ewipa-share", [_row(source="x", casualties=8, casualties_weapon_unknown=7)], [])
    assert rows[0]["value"] == 0  # one casualty's weapon is known and is not explosive: a lower bound


def test_yoy_change_by_month_compares_the_same_month() -> None:
    rows = [{"month": "2022-03", "value": 10}, {"month": "2023-03", "value": 15}, {"month": "2023-04", "value": 1}]
    out = {r["month"]: r for r in measures.add_change(rows, ["month"])}
    assert out["2023-03"]["change"] == pytest.approx(0.5) and out["2023-03"]["previous"] == 10
    assert out["2023-04"]["change"] is None and out["2022-03"]["previous"] is None


def test_zero_previous_gives_no_relative_change() -> None:
    out = measures.add_change([{"year": 2020, "value": 0}, {"year": 2021, "value": 4}], ["year"])
    assert out[1]["change"] is None and out[1]["change_abs"] == 4


def test_compare_computes_the_same_measures_for_every_group() -> None:
    summed = [
        _row(party_category="state_forces", source="s", n=4, n_reports=4, deaths_best=8, n_explosive=2, n_weapon_known=4, n_populated=1, n_populated_known=2),
        _row(party_category="non_state_armed_group", source="s", n=2, n_reports=2, deaths_best=8, n_explosive=2, n_weapon_known=2, n_populated=2, n_populated_known=2),
    ]
    rows = {r["party_category"]: r for r in measures.compare(summed, ["party_category"])}
    assert set(rows["state_forces"]) == set(rows["non_state_armed_group"])
    assert rows["state_forces"]["civilian_deaths_per_incident"] == 2 and rows["non_state_armed_group"]["civilian_deaths_per_incident"] == 4
    assert rows["state_forces"]["populated_area_share"] == 0.5 and rows["non_state_armed_group"]["explosive_weapons_share"] == 1


def test_conflicts_are_counted_once_per_group() -> None:
    years = [{"conflict_id": "1", "year": 2020, "intensity": "war"}, {"conflict_id": "1", "year": 2020, "intensity": "war"},
             {"conflict_id": "2", "year": 2020, "intensity": "minor"}]
    assert measures.count_conflicts(years, ["year"]) == [{"year": 2020, "value": 2, "low": None, "high": None}]


def test_compare_shares_are_over_their_known_base_and_say_it() -> None:
    # 58 incidents: 18 explosive, 40 other known weapons... and 30 of unknown weapon (not "not explosive")
    summed = [_row(party_category="state_forces", source="s", n=88, n_reports=88, n_explosive=18, n_weapon_known=58,
                   n_populated=10, n_populated_known=10)]
    row = measures.compare(summed, ["party_category"])[0]
    assert row["explosive_weapons_share"] == round(18 / 58, 6)
    assert row["bases"]["explosive_weapons_share"] == "31 % of 58 incidents with a known weapon"
    # only "populated" was ever recorded: the share is unknown, not 100 %
    assert row["populated_area_share"] is None
    assert row["bases"]["populated_area_share"].startswith("unknown")
    assert row["coverage"]["incidents_recorded_populated"] == 10
    empty = measures.compare([_row(party_category="unknown", source="s", n=3, n_reports=3)], ["party_category"])[0]
    assert empty["explosive_weapons_share"] is None and empty["women_children_share"] is None
    assert empty["bases"]["women_children_share"] == "unknown (no civilian casualties with sex or age recorded)"


def test_share_text() -> None:
    assert measures.share_text(0, 7, "incidents with a known weapon") == "0 % of 7 incidents with a known weapon"
    assert measures.share_text(1, 1000, "x") == "0.1 % of 1,000 x"
    assert measures.share_text(0, 0, "x") == "unknown (no x)"
