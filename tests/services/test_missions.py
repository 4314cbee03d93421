"""Peacekeeping import and analysis on the real files in ../shared/data, in SQLite and PostgreSQL.

Expected numbers are computed here with the csv module over the raw files, never by the code
under test. ACLED rows are read from the shared data only (never committed)."""

from __future__ import annotations

import csv
import json
import math
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from civwatch.domain.missions import EARTH_RADIUS_KM
from civwatch.services import importing
from civwatch.services import missions as svc
from civwatch.services import missions_import as mi
from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import import_batches, pko_missions, rejected_rows
from tests.conftest import _fresh_pg_database

DEPLOYMENTS = "geopko_v2_3_deployments_by_location_year.csv"
MISSIONS = "un_dppa_dpo_peacekeeping_missions_2024-02-19.csv"
ACLED_2016 = "acled_all_africa_2016-01-01_to_2016-05-28.csv"


def _rows(path: Path, delimiter: str = ",") -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=delimiter))


@pytest.fixture
def pko(shared_data: Path) -> Path:
    folder = shared_data / "peacekeeping"
    if not folder.is_dir():
        pytest.skip("no peacekeeping folder in the shared data")
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, shared_data: Path):
    """One store per backend for the module, loaded with every peacekeeping file and ACLED's
    Africa 2016 export (read from the shared data, never committed); tests here only read it."""
    folder = shared_data / "peacekeeping"
    if not folder.is_dir():
        pytest.skip("no peacekeeping folder in the shared data")
    drop = None
    if request.param == "postgres":
        url, drop = _fresh_pg_database(request.getfixturevalue("postgres_server_url"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('pko') / 'civwatch.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    summaries = mi.import_path(engine, folder, actor="test")
    acled = shared_data / "acled" / ACLED_2016
    if acled.is_file():
        importing.import_file(engine, acled, actor="test")
    yield engine, summaries
    engine.dispose()
    if drop:
        drop()


def test_every_row_is_accepted_or_rejected_with_its_reason(loaded, pko: Path) -> None:
    store, summaries = loaded
    by_file = {s.file: s for s in summaries}
    assert len(by_file) == 6
    for name, s in by_file.items():
        if name.endswith(".xlsx"):
            import openpyxl

            raw = openpyxl.load_workbook(pko / name).active.max_row - 1
        else:
            raw = len(_rows(pko / name, "\t" if name.endswith(".tab") else ","))
        assert s.read == raw, name
        assert s.read == s.accepted + s.rejected, name
    with store.connect() as conn:
        batches = {b.file_name: b for b in conn.execute(select(import_batches))}
        reasons = defaultdict(list)
        for r in conn.execute(select(rejected_rows)):
            reasons[r.batch_id].append((r.reason, json.loads(r.raw)))
    for name, s in by_file.items():
        b = batches[name]
        assert (b.read, b.accepted, b.rejected, b.status) == (s.read, s.accepted, s.rejected, "done")
        assert len(reasons[b.id]) == s.rejected
    dep = reasons[batches[DEPLOYMENTS].id]
    # unknown missions (not in the DPO list), years outside a mission's life: each with its reason
    unknown = [raw for why, raw in dep if why.startswith("unknown mission")]
    assert {r["mission"] for r in unknown} == {"BINUB", "UNIOSIL"}
    raw_rows = _rows(pko / DEPLOYMENTS)
    assert len(unknown) == sum(1 for r in raw_rows if r["mission"] in ("BINUB", "UNIOSIL"))
    outside = [raw for why, raw in dep if "after MINUSMA ended (2023-12-31)" in why]
    assert outside and {r["year"] for r in outside} == {"2024"}
    assert len(outside) == sum(1 for r in raw_rows if r["mission"] == "MINUSMA" and r["year"] == "2024")
    assert any("before MINUGUA began" in why for why, _ in dep)


def test_the_mission_list_quirks(loaded, pko: Path) -> None:
    store, _ = loaded
    with store.connect() as conn:
        m = {r.acronym: r for r in conn.execute(select(pko_missions))}
    raw = {r["mission_acronym"]: r for r in _rows(pko / MISSIONS)}
    assert raw["MINUSMA"]["mission_latitude"] == "-8,0000"  # published swapped, with a decimal comma
    assert (m["MINUSMA"].latitude, m["MINUSMA"].longitude) == (12.65, -8.0)  # Bamako
    assert (m["UNOSOM II"].latitude, m["UNOSOM II"].longitude) == (2.0333, 45.35)  # Mogadishu
    assert (m["UNOSOM"].latitude, m["UNOSOM"].longitude) == (2.0333, 45.35)  # the aggregate row was right
    assert m["UNOSOM"].aggregate_of == "UNOSOM I,UNOSOM II"
    assert m["MINUSMA"].active_received == "Yes" and m["MINUSMA"].end_date == date(2023, 12, 31)
    listing = {x["acronym"]: x for x in svc.list_missions(store, as_of=date(2024, 2, 19))["missions"]}
    assert listing["MINUSMA"]["active"] is False and listing["MINUSMA"]["active_flag_stale"]
    assert listing["MONUSCO"]["active"] is True
    assert sum(1 for x in listing.values() if x["active"]) == 11  # the list's 12 "Yes" less MINUSMA


def test_troop_totals_per_mission_year_equal_sums_over_the_raw_file(loaded, pko: Path) -> None:
    store, _ = loaded
    with store.connect() as conn:
        from civwatch.store import missions as st

        got = svc.troop_totals(st.deployment_rows(conn))
    expected: dict[tuple[str, int], dict] = {}
    seen: set[tuple] = set()
    for r in _rows(pko / DEPLOYMENTS):
        key = (r["mission"], int(r["year"]))
        loc = (*key, r["location"], r["latitude"], r["longitude"])
        cell = expected.setdefault(key, {"troops": 0, "known": 0, "locations": 0})
        if loc in seen:
            continue  # a location-year is listed once per map record, with the same yearly average
        seen.add(loc)
        cell["locations"] += 1
        if r["ave.no.troops"] not in ("", "NA"):
            cell["troops"] += int(float(r["ave.no.troops"]))
            cell["known"] += 1
    lost = set(expected) - set(got)  # mission-years whose every row was rejected
    assert ("MINUSMA", 2024) in lost and ("BINUB", 2007) in lost and not set(got) - set(expected)
    assert all(k[0] in ("BINUB", "UNIOSIL", "MINUGUA", "MINUSMA", "UNMIT", "MONUA", "UNAVEM III", "UNTAES") or k not in lost for k in expected)
    for key, g in got.items():
        e = expected[key]
        assert g["locations"] == e["locations"], key
        assert g["troops"] == (e["troops"] if e["known"] else None), key
        assert g["locations_troops_unknown"] == e["locations"] - e["known"], key
    assert got[("MINUSMA", 2016)]["troops"] == expected[("MINUSMA", 2016)]["troops"] > 10_000


def test_contributors_parsed_and_canada_listed(loaded, pko: Path) -> None:
    store, _ = loaded
    can = svc.contributor(store, "CAN")
    raw = [r for r in _rows(pko / "geopko_v2_3_troop_contributors_by_location_year.csv") if "Canada (" in r["year.overview"]]
    got_locations = sum(len(d["locations"]) for d in can["deployments"])
    assert got_locations == len(raw)
    gao = next(d for d in can["deployments"] if d["mission"] == "MINUSMA" and d["year"] == 2018)
    assert gao["size"] == 650 and gao["locations"][0]["size_text"] == "650"
    assert "Canada (650)" in gao["locations"][0]["overview"]
    unamir = next(d for d in can["deployments"] if d["mission"] == "UNAMIR" and d["year"] == 1994)
    assert unamir["size_known"] == 0 and unamir["locations"][0]["size_text"] == "size unknown"


def test_mandates_from_the_hks_flags_and_the_users_list(store, pko: Path, tmp_path: Path) -> None:
    mi.import_file(store, pko / MISSIONS, actor="test")
    mi.import_file(store, pko / "hks2013_un_pko_civilian_killing_country_month.tab", actor="test")
    hks = _rows(pko / "hks2013_un_pko_civilian_killing_country_month.tab", "\t")
    monuc = sorted({(int(float(r["year"])), int(float(r["mon"]))) for r in hks if r["mission"] == "MONUC" and r["pocmandate"] == "1.0"})
    periods = [m for m in svc.mission_detail(store, "MONUC")["mandates"] if m["kind"] == "poc"]
    assert periods[0]["date_from"] == date(*monuc[0], 1) and periods[-1]["date_to"].replace(day=1) == date(*monuc[-1], 1)
    covered = sum((p["date_to"].year - p["date_from"].year) * 12 + p["date_to"].month - p["date_from"].month + 1 for p in periods)
    assert covered == len(monuc)
    user = tmp_path / "mandates.csv"
    user.write_text("mission,kind,from,to,resolution,note\n"
                    "MONUSCO,poc,2010-07-01,,S/RES/1925 (2010),\n"
                    "NOPE,poc,2010-01-01,,,\n"
                    "MINUSMA,poc,2025-01-01,,,\n"
                    "MONUSCO,peace,2010-07-01,,,\n", encoding="utf-8")
    s = mi.import_file(store, user, actor="test")
    assert (s.read, s.accepted, s.rejected) == (4, 1, 3)
    reasons = [r["reason"] for r in importing.rejections(store, s.batch_id)]
    assert any("unknown mission" in r for r in reasons) and any("after MINUSMA ended" in r for r in reasons) and any("kind" in r for r in reasons)
    monusco = svc.mission_detail(store, "MONUSCO")["mandates"]
    assert monusco == [{"mission": "MONUSCO", "kind": "poc", "date_from": date(2010, 7, 1), "date_to": None,
                        "resolution": "S/RES/1925 (2010)", "source": "mission-mandates", "note": None}]


def test_impossible_coordinates_rejected(store, pko: Path, tmp_path: Path) -> None:
    mi.import_file(store, pko / MISSIONS, actor="test")
    f = tmp_path / "deployments.csv"
    header = "mission,year,country,location,latitude,longitude,Infantry,NoTroops,Reserve,hq,UNPOL,Med,Av,UNMO,ave.no.troops\n"
    f.write_text(header
                 + "MINUSMA,2016,Mali,Gao,16.27167,-0.04472,10,20,0,1,0,0,0,0,20\n"
                 + "MINUSMA,2016,Mali,Nowhere,123.0,-0.04,10,20,0,0,0,0,0,0,20\n"
                 + "MINUSMA,2016,Mali,Zero,0,0,10,20,0,0,0,0,0,0,20\n"
                 + "MINUSMA,2016,Mali,Far,16.2,-190,10,20,0,0,0,0,0,0,20\n", encoding="utf-8")
    s = mi.import_file(store, f, actor="test")
    assert (s.read, s.accepted, s.rejected) == (4, 1, 3)
    reasons = sorted(r["reason"] for r in importing.rejections(store, s.batch_id))
    assert reasons == ["coordinates 0, 0 (a placeholder, not a place)", "impossible latitude 123", "impossible longitude -190"]


def test_geopko_before_the_mission_list_is_a_clear_error(store, pko: Path) -> None:
    with pytest.raises(ValueError, match="mission list first"):
        mi.import_file(store, pko / DEPLOYMENTS)


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@pytest.mark.parametrize("within", [10, 25, 50])
def test_near_and_far_for_minusma_2016_equal_a_haversine_over_the_raw_files(loaded, pko: Path, acled_dir: Path, within: int) -> None:
    store, _ = loaded
    bases = {(float(r["latitude"]), float(r["longitude"])) for r in _rows(pko / DEPLOYMENTS) if r["mission"] == "MINUSMA" and r["year"] == "2016"}
    radius = {"1": 0.0, "2": 25.0}  # ACLED geo_precision 1: the place itself; 2: near it (~25 km); 3: a region
    events: dict[str, dict] = {}
    with open(acled_dir / ACLED_2016, encoding="cp1252", newline="") as fh:  # this export is Windows-1252
        for r in csv.DictReader(fh):
            if r["COUNTRY"] == "Mali" and r["EVENT_DATE"].endswith("/2016"):
                events.setdefault(r["EVENT_ID_CNTY"], r)
    expected = {k: {"incidents": 0, "deaths": 0, "deaths_known": 0} for k in ("near", "far", "imprecise")}
    for r in events.values():
        d = min(_haversine(float(r["LATITUDE"]), float(r["LONGITUDE"]), lat, lon) for lat, lon in bases)
        rad = radius.get(r["GEO_PRECISION"])
        where = "imprecise" if rad is None else "near" if d + rad <= within else "far" if d - rad > within else "imprecise"
        expected[where]["incidents"] += 1
        if r["EVENT_TYPE"] == "Violence against civilians":
            expected[where]["deaths_known"] += 1
            expected[where]["deaths"] += int(r["FATALITIES"])
    row = next(x for x in svc.near(store, within, "MINUSMA")["rows"] if x["year"] == 2016)
    assert {k: row[k] for k in expected} == expected
    assert row["host_countries"] == ["MLI"] and row["incidents_in_host_countries"] == len(events)
    placed = expected["near"]["incidents"] + expected["far"]["incidents"]
    assert row["near_share_of_placed_incidents"] == {"value": expected["near"]["incidents"] / placed, "base": placed}
    assert expected["near"]["incidents"] and expected["far"]["incidents"]
    troops = row["troops"]
    assert row["near_deaths_per_1000_troops"] == pytest.approx(expected["near"]["deaths"] / troops * 1000)
    # no incident in the store for 2015's Mali at all: the year reads "not covered", not zero
    assert not next(x for x in svc.near(store, within, "MINUSMA")["rows"] if x["year"] == 2014)["covered"]


def test_demo_loads_the_peacekeeping_files_once(sqlite_url: str, pko: Path) -> None:
    from civwatch.services import demo

    engine = make_engine(sqlite_url)
    migrate.upgrade(engine)
    first = demo.load_peacekeeping(engine, actor="demo", folder=pko)
    assert [f["format"] for f in first][0] == "un-dppa-missions" and len(first) == 6
    assert all(f["read"] == f["accepted"] + f["rejected"] for f in first)
    again = demo.load_peacekeeping(engine, actor="demo", folder=pko)
    assert all(f.get("skipped") for f in again)
    assert svc.list_missions(engine)["count"] == 81
    engine.dispose()
