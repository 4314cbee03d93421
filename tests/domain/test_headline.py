"""The headline rule: lower median of the sources' best, the range across sources, the most precise date and place."""

from __future__ import annotations

from datetime import date

from civwatch.domain.headline import headline_fields


def _r(source: str, best: int | None, low: int | None = None, high: int | None = None, **kw: object) -> dict:
    base = {"source": source, "source_id": source + "1", "date_start": date(2022, 3, 9), "date_end": date(2022, 3, 9),
            "date_precision": "day", "country_iso3": "UKR", "geo_precision": "near", "latitude": 47.1, "longitude": 37.5,
            "civilian_deaths_best": best, "civilian_deaths_low": low, "civilian_deaths_high": high}
    return {**base, **kw}


def test_best_is_the_lower_median_and_the_range_spans_every_source() -> None:
    fields = headline_fields([_r("a", 3, 2, 5), _r("b", 17), _r("c", 4, None, 9)])
    assert (fields["civilian_deaths_low"], fields["civilian_deaths_best"], fields["civilian_deaths_high"]) == (2, 4, 17)
    two = headline_fields([_r("a", 10), _r("b", 3)])
    assert (two["civilian_deaths_low"], two["civilian_deaths_best"], two["civilian_deaths_high"]) == (3, 3, 10)
    none = headline_fields([_r("a", None), _r("b", None)])
    assert none["civilian_deaths_best"] is None
    assert headline_fields([_r("a", None), _r("b", 6)])["civilian_deaths_best"] == 6


def test_most_precise_date_and_place_win() -> None:
    month = _r("acled", 1, date_start=date(2022, 3, 1), date_end=date(2022, 3, 31), date_precision="month",
               geo_precision="exact", latitude=47.0, location="Mariupol theatre")
    day = _r("ucdp-ged", 1, geo_precision="admin1", location="Donetsk oblast")
    f = headline_fields([month, day])
    assert f["date_start"] == date(2022, 3, 9) and f["date_precision"] == "day" and f["month"] == "2022-03"
    assert f["location"] == "Mariupol theatre" and f["geo_precision"] == "exact"
    assert f["sources"] == "acled,ucdp-ged" and f["n_reports"] == 2


def test_party_category_only_when_sources_agree() -> None:
    agree = headline_fields([_r("a", 1, perpetrator_category="state_forces"), _r("b", 1, perpetrator_category="unknown")])
    assert agree["perpetrator_category"] == "state_forces"
    differ = headline_fields([_r("a", 1, perpetrator_category="state_forces"), _r("b", 1, perpetrator_category="non_state_armed_group")])
    assert differ["perpetrator_category"] == "unknown"
    weapon = headline_fields([_r("a", 1, weapon="drone"), _r("b", 1, weapon="unknown"), _r("c", 1, weapon="drone")])
    assert weapon["weapon"] == "drone"
