"""Export HXL -> import it with the HXL importer -> the same numbers (SQLite and PostgreSQL).

Export == re-import is a consistency check; the figures themselves are checked against the
inputs: the reports written here, or the raw GED file read with the csv module."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from civwatch.domain.query import Filters
from civwatch.services import exports, indicators
from civwatch.services.importing import import_file
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.helpers import ged_civilian_deaths_by_year, ged_country_iso3, ged_rows
from tests.seed import add_report


@pytest.fixture
def second_store(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'second.sqlite'}")
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


def _numbers(engine, source: str | None) -> dict:
    f = Filters(source=source)
    out = {}
    for name, by in (("civilian-deaths", "year"), ("civilian-deaths", "country"), ("civilian-injuries", "year"), ("incidents", "month")):
        out[(name, by)] = {r[by]: r["value"] for r in indicators.indicator(engine, name, by=by, filters=f).rows}
    share = indicators.indicator(engine, "women-children-share", filters=f).rows
    out["wc"] = (share[0]["numerator"], share[0]["denominator"]) if share else None
    return out


def _round_trip(store, second_store, tmp_path: Path) -> None:
    content, _, ext = exports.export(store, Filters(), "hxl")
    path = tmp_path / f"export.{ext}"
    path.write_bytes(content)
    summary = import_file(second_store, path, actor="test")
    assert summary.format == "hxl" and summary.rejected == 0


def test_hxl_round_trip_keeps_the_numbers(store, second_store, tmp_path: Path) -> None:
    add_report(store, day=date(2023, 10, 9), country="PSE", deaths=7, injuries=3, weapon="explosive_air_launched", populated=True,
               harm_rows=[{"outcome": "killed", "sex": "female", "age_group": "adult", "best": 2},
                          {"outcome": "killed", "sex": "male", "age_group": "child", "best": 3},
                          {"outcome": "killed", "sex": "male", "age_group": "adult", "best": 2},
                          {"outcome": "injured", "sex": "female", "age_group": "child", "best": 3}])
    add_report(store, day=date(2024, 1, 2), country="SDN", deaths=4, headline="=cmd|' /C calc'!A0")
    add_report(store, day=date(2024, 2, 2), country="UKR", deaths=0, injuries=6)
    _round_trip(store, second_store, tmp_path)
    got = _numbers(second_store, "hxl")
    assert got == _numbers(store, None)
    assert got[("civilian-deaths", "year")] == {2023: 7, 2024: 4}
    assert got[("civilian-deaths", "country")] == {"PSE": 7, "SDN": 4, "UKR": 0}
    assert {k: v for k, v in got[("civilian-injuries", "year")].items() if v} == {2023: 3, 2024: 6}
    assert got[("incidents", "month")] == {"2023-10": 1, "2024-01": 1, "2024-02": 1}
    assert got["wc"] == (2 + 3 + 3, 2 + 3 + 2 + 3)  # female or child, of the disaggregated casualties


def test_hxl_round_trip_of_real_ged_events(store, second_store, tmp_path: Path, shared_data: Path) -> None:
    path = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    import_file(store, path, actor="test")
    _round_trip(store, second_store, tmp_path)
    got = _numbers(second_store, "hxl")
    assert got == _numbers(store, None)
    assert {y: v for y, v in got[("civilian-deaths", "year")].items() if v} == {
        y: v for y, v in ged_civilian_deaths_by_year(path).items() if v}
    by_country: dict[str, int] = {}
    months: dict[str, int] = {}
    for r in ged_rows(path):
        iso3 = ged_country_iso3(r["country"])
        by_country[iso3] = by_country.get(iso3, 0) + int(r["deaths_civilians"])
        months[r["date_start"][:7]] = months.get(r["date_start"][:7], 0) + 1
    assert got[("civilian-deaths", "country")] == by_country
    assert got[("incidents", "month")] == months
