"""Indicator values on real files from ../shared/data, against totals computed here with the
plain csv module (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from civwatch.domain.query import Filters
from civwatch.services import indicators
from civwatch.services.importing import import_file
from civwatch.store.schema import conflict_years

GED = ("ged_ukraine_statebased_2014_2022.csv", "ged_v23_1_global_random_sample_991.csv")


def _ged_by_id(shared: Path) -> dict[str, dict]:
    """Every GED event of the two files once (13 events are in both)."""
    out = {}
    for name in GED:
        with (shared / "ucdp_ged" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out[row["id"]] = row
    return out


def _values(result, key: str) -> dict:
    return {r[key]: r["value"] for r in result.rows}


def test_ged_civilian_deaths_counted_once_across_files(store, shared_data: Path) -> None:
    for name in GED:
        import_file(store, shared_data / "ucdp_ged" / name, actor="test")
    events = _ged_by_id(shared_data)
    by_year: dict[int, int] = defaultdict(int)
    by_month_ukr: dict[str, int] = defaultdict(int)
    for e in events.values():
        by_year[int(e["date_start"][:4])] += int(e["deaths_civilians"])
        if e["country"] == "Ukraine":
            by_month_ukr[e["date_start"][:7]] += int(e["deaths_civilians"])
    assert _values(indicators.indicator(store, "civilian-deaths", by="year", filters=Filters(source="ucdp-ged")), "year") == by_year
    unlinked = indicators.indicator(store, "civilian-deaths", by="year")
    assert _values(unlinked, "year") == by_year
    assert unlinked.coverage["linkage"].startswith("no linkage yet")
    assert indicators.indicator(store, "incidents").rows[0]["value"] == len(events)
    months = indicators.indicator(store, "civilian-deaths", by="month", filters=Filters(countries=("UKR",)))
    assert {m: v for m, v in _values(months, "month").items() if v} == {m: v for m, v in by_month_ukr.items() if v}
    # year-on-year change from the same totals
    yoy = {r["year"]: r for r in indicators.indicator(store, "civilian-deaths", by="year", change="yoy").rows}
    assert yoy[2015]["previous"] == by_year[2014]
    assert yoy[2015]["change_abs"] == by_year[2015] - by_year[2014]
    # GED carries no sex or age: the share is unknown, not zero, and coverage says why
    share = indicators.indicator(store, "women-children-share").rows[0]
    assert share["value"] is None and share["coverage"]["records_disaggregated"] == 0


def _acled_vac_by_year(path: Path) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    seen = set()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["event_id_cnty"] in seen:
                continue
            seen.add(row["event_id_cnty"])
            if row["event_type"] == "Violence against civilians":
                out[int(row["year"])] += int(row["fatalities"])
    return out


def test_acled_beside_ged_is_never_silently_summed(store, acled_dir: Path, shared_data: Path) -> None:
    path = acled_dir / "acled_ethiopia_1997-01-01_to_2020-01-24.csv"
    import_file(store, path, actor="test")
    import_file(store, shared_data / "ucdp_ged" / GED[1], actor="test")
    expected = _acled_vac_by_year(path)
    got = _values(indicators.indicator(store, "civilian-deaths", by="year", filters=Filters(source="acled")), "year")
    assert {y: v for y, v in got.items() if v} == {y: v for y, v in expected.items() if v}
    both = indicators.indicator(store, "civilian-deaths", by="source")
    assert "counted separately" in both.coverage["linkage"]
    assert {s["source"] for s in both.sources} == {"acled", "ucdp-ged"}
    eth = indicators.indicator(store, "civilian-deaths", by="year", filters=Filters(source="acled", countries=("ETH",), year_from=2016, year_to=2016))
    assert eth.rows[0]["value"] == expected[2016]


def test_active_conflicts_per_year_from_the_acd(store, shared_data: Path) -> None:
    path = shared_data / "ucdp_conflict_level" / "ucdp_prio_acd_v23_1.csv"
    now = datetime.now(UTC)
    rows, expected, wars = [], defaultdict(set), defaultdict(set)
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            year = int(r["year"])
            expected[year].add(r["conflict_id"])
            if r["intensity_level"] == "2":
                wars[year].add(r["conflict_id"])
            raw = json.dumps(r, sort_keys=True)
            rows.append({
                "source": "ucdp-acd", "conflict_id": r["conflict_id"], "year": year, "location": r["location"],
                "gwno_loc": r["gwno_loc"], "side_a": r["side_a"], "side_b": r["side_b"],
                "intensity_level": int(r["intensity_level"]), "type_of_conflict": int(r["type_of_conflict"]),
                "region": r["region"], "content_sha": hashlib.sha256(raw.encode()).hexdigest(), "version": 1,
                "raw": raw, "created_at": now, "updated_at": now,
            })
    with store.begin() as conn:
        conn.execute(conflict_years.insert(), rows)
    result = indicators.indicator(store, "active-conflicts", by="year")
    assert _values(result, "year") == {y: len(c) for y, c in expected.items()}
    by_intensity = indicators.indicator(store, "active-conflicts", by="year,intensity", filters=Filters(year_from=2022, year_to=2022))
    assert {r["intensity"]: r["value"] for r in by_intensity.rows}["war"] == len(wars[2022])
