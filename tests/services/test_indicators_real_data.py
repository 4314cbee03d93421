"""Indicator values on real files from ../shared/data, against totals computed here with the
plain csv module (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pycountry

from civwatch.domain.query import Filters
from civwatch.services import indicators
from civwatch.services.importing import import_file
from civwatch.store.schema import conflict_years
from tests.helpers import ged_country_iso3, ged_perpetrator_category, ged_rows

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


def test_civilian_deaths_and_incidents_by_party_category_match_the_file(store, shared_data: Path) -> None:
    path = shared_data / "ucdp_ged" / GED[1]
    import_file(store, path, actor="test")
    deaths: dict[str, int] = defaultdict(int)
    n: dict[str, int] = defaultdict(int)
    for r in ged_rows(path):
        category = ged_perpetrator_category(r)
        deaths[category] += int(r["deaths_civilians"])
        n[category] += 1
    got = indicators.indicator(store, "civilian-deaths", by="party_category")
    assert _values(got, "party_category") == deaths
    assert _values(indicators.indicator(store, "incidents", by="party_category"), "party_category") == n
    compared = {r["party_category"]: r for r in indicators.compare(store, by="party_category").rows}
    assert {k: r["civilian_deaths"] for k, r in compared.items() if r["incidents"]} == deaths


def test_civilian_deaths_for_every_country_in_a_ged_file(store, shared_data: Path) -> None:
    path = shared_data / "ucdp_ged" / GED[1]
    import_file(store, path, actor="test")
    deaths: dict[str, int] = defaultdict(int)
    n: dict[str, int] = defaultdict(int)
    for r in ged_rows(path):
        deaths[ged_country_iso3(r["country"])] += int(r["deaths_civilians"])
        n[ged_country_iso3(r["country"])] += 1
    assert len(n) == len({r["country"] for r in ged_rows(path)})  # no two names fell together
    assert _values(indicators.indicator(store, "civilian-deaths", by="country"), "country") == deaths
    assert _values(indicators.indicator(store, "incidents", by="country"), "country") == n


def _acled_events(path: Path) -> list[dict]:
    """Each event once; a row without a numeric fatalities figure is invalid (to be rejected)."""
    seen, out = set(), []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if not row["fatalities"].strip().isdigit():
                continue
            if row["event_id_cnty"] not in seen:
                seen.add(row["event_id_cnty"])
                out.append(row)
    return out


def test_civilian_deaths_for_every_country_in_an_acled_file(store, acled_dir: Path) -> None:
    """The 2020 layout: civilian deaths are the fatalities of "Violence against civilians"
    events. The country: ISO numeric `iso` read with pycountry (the file's iso3 column has
    Romania's old "ROM" and is empty on some rows), else the iso3 column (Kosovo, iso 0: XKX)."""
    path = acled_dir / "acled_global_2020-04-27_to_2020-05-09.csv"
    summary = import_file(store, path, actor="test")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    invalid = sum(1 for r in rows if not r["fatalities"].strip().isdigit())
    assert (summary.read, summary.rejected) == (len(rows), invalid)
    deaths: dict[str, int] = defaultdict(int)
    n: dict[str, int] = defaultdict(int)
    for r in _acled_events(path):
        found = pycountry.countries.get(numeric=r["iso"].zfill(3))
        iso3 = found.alpha_3 if found else r["iso3"]
        n[iso3] += 1
        deaths[iso3] += int(r["fatalities"]) if r["event_type"] == "Violence against civilians" else 0
    f = Filters(source="acled")
    assert _values(indicators.indicator(store, "reports", by="country", filters=f), "country") == n
    got = _values(indicators.indicator(store, "civilian-deaths", by="country", filters=f), "country")
    assert {k: v for k, v in got.items() if v} == {k: v for k, v in deaths.items() if v}
    assert len(n) > 50  # the global file: every one of its countries checked


def _airwars(path: Path) -> dict:
    """The list's casualties as its codebook reads: k killed, i injured; a child by age_group,
    or by age_years under 18 where the group is empty; an age outside 0-130 is an invalid row."""
    out = {"rows": 0, "invalid": 0, "casualties": 0, "disaggregated": 0, "women_children": 0, "incidents": set()}
    with path.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out["rows"] += 1
            age = float(r["age_years"]) if r["age_years"] else None
            if age is not None and not 0 <= int(age) <= 130:
                out["invalid"] += 1
                continue
            out["incidents"].add(r["incident_id"])
            if r["killed_or_injured"] not in ("k", "i"):
                continue
            group = r["age_group"] or ("" if age is None else "child" if age < 18 else "adult")
            out["casualties"] += 1
            if r["gender"] in ("m", "f") or group:
                out["disaggregated"] += 1
            if r["gender"] == "f" or group == "child":
                out["women_children"] += 1
    return out


def test_women_children_share_on_the_airwars_list(store, shared_data: Path) -> None:
    path = shared_data / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"
    expected = _airwars(path)
    summary = import_file(store, path, actor="test")
    assert (summary.format, summary.read, summary.rejected) == ("victims", expected["rows"], expected["invalid"])
    row = indicators.indicator(store, "women-children-share", filters=Filters(source="airwars")).rows[0]
    assert (row["numerator"], row["denominator"]) == (expected["women_children"], expected["disaggregated"])
    assert row["value"] == round(expected["women_children"] / expected["disaggregated"], 6)
    assert row["coverage"]["casualties"] == expected["casualties"]
    assert row["coverage"]["records"] == len(expected["incidents"])
    # the list records no weapons: the explosive-weapons share is unknown, not 0
    ewipa = indicators.indicator(store, "ewipa-share", filters=Filters(source="airwars")).rows[0]
    assert ewipa["value"] is None and ewipa["coverage"]["casualties_weapon_unknown"] == expected["casualties"]


EXPLOSIVE = {"Air/drone strike", "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade", "Suicide bomb"}


def test_explosive_weapons_share_on_an_acled_file(store, acled_dir: Path) -> None:
    """ACLED's codebook: explosive weapons are the Explosions/Remote violence sub-events other
    than chemical weapons; geo_precision 1 places an event in a named town (populated); the
    "Attack" sub-event names no weapon. Civilian casualties (2020 layout) are the fatalities of
    Violence against civilians."""
    path = acled_dir / "acled_ethiopia_1997-01-01_to_2020-01-24.csv"
    import_file(store, path, actor="test")
    events = _acled_events(path)
    civilian = [r for r in events if r["event_type"] == "Violence against civilians"]
    casualties = sum(int(r["fatalities"]) for r in civilian)
    ewipa = sum(int(r["fatalities"]) for r in civilian
                if r["sub_event_type"] in EXPLOSIVE and r["geo_precision"] == "1" and r["location"].strip())
    weapon_unknown = sum(int(r["fatalities"]) for r in civilian if r["sub_event_type"] == "Attack")
    place_unknown = sum(int(r["fatalities"]) for r in civilian if not (r["geo_precision"] == "1" and r["location"].strip()))
    row = indicators.indicator(store, "ewipa-share", filters=Filters(source="acled")).rows[0]
    # unknown is not zero: the base is the casualties whose weapon is known
    known = casualties - weapon_unknown
    assert (row["numerator"], row["denominator"]) == (ewipa, known)
    assert row["coverage"] == {"casualties_weapon_unknown": weapon_unknown, "casualties_place_unknown": place_unknown,
                               "casualties": casualties}
    assert row["value"] == (round(ewipa / known, 6) if known else None)
    # the share of incidents with an explosive weapon, per party category: state forces are
    # inter1 1, and foreign militaries and police among the external forces (inter1 8);
    # battles name no perpetrator
    def state_forces(r: dict) -> bool:
        return r["inter1"] == "1" or (r["inter1"] == "8" and r["actor1"].startswith(("Military Forces of", "Police Forces of")))

    state = [r for r in events if state_forces(r) and not r["event_type"].lower().startswith(("battle", "protest", "riot"))]
    compared = {r["party_category"]: r for r in indicators.compare(store, filters=Filters(source="acled")).rows}
    assert compared["state_forces"]["incidents"] == len(state)
    explosive = sum(1 for r in state if r["sub_event_type"] in EXPLOSIVE)
    # the codebook's sub-events that name no weapon are outside the share's base
    weapon_known = [r for r in state if r["sub_event_type"] not in ("Attack", "Excessive force against protesters")]
    assert explosive and compared["state_forces"]["explosive_weapons_share"] == round(explosive / len(weapon_known), 6)
