"""The JSON API on a real store: reads, pagination, writes with tokens and the audit trail."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from civwatch.services import audit_trail, indicators
from tests.api.conftest import bearer
from tests.seed import add_report

PROBLEM = "application/problem+json"


def test_indicator_endpoint_returns_the_service_rows(client, store) -> None:
    add_report(store, day=date(2017, 2, 1), deaths=3, deaths_low=2, deaths_high=5)
    add_report(store, day=date(2018, 2, 1), deaths=4)
    body = client.get("/api/indicators/civilian-deaths", params={"by": "year"}).json()
    assert [(r["year"], r["value"], r["low"], r["high"]) for r in body["rows"]] == [(2017, 3, 2, 5), (2018, 4, 4, 4)]
    assert body["definition"]["methodology"] == "docs/methodology.md#civilian-deaths"
    assert body["coverage"]["level"] == "incident" and body["sources"] == [{"source": "ucdp-ged", "reports": 2}]
    assert body["rows"] == indicators.indicator(store, "civilian-deaths", by="year").as_dict()["rows"]
    by_source = client.get("/api/indicators/reports", params={"source": "ucdp-ged", "by": "year", "change": "yoy"}).json()
    assert by_source["rows"][1]["change"] == 0.0 and by_source["coverage"]["level"] == "report"


def test_bad_parameters_are_problems_naming_the_field(client) -> None:
    r = client.get("/api/indicators/civilian-deaths", params={"by": "colour"})
    assert r.status_code == 400 and r.headers["content-type"] == PROBLEM and "colour" in r.json()["detail"]
    r = client.get("/api/indicators/civilian-deaths", params={"year_from": "abc"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "year_from"
    r = client.get("/api/indicators/civilian-deaths", params={"weapon": "banana"})
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "weapon"
    for path in ("/api/indicators/civilian-deaths", "/api/incidents", "/api/exports/incidents.csv", "/api/exports/incidents.geojson"):
        r = client.get(path, params={"q": "a\x00b"})
        assert r.status_code == 400 and r.json()["errors"][0]["field"] == "q", path


def test_incident_pages_cover_every_incident_once_in_order(client, store) -> None:
    ids = [add_report(store, day=date(2020, 1, 1 + i % 5), deaths=i)[0] for i in range(12)]
    seen, cursor = [], None
    while True:
        params = {"limit": 5, "sort": "-date"} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/incidents", params=params).json()
        seen += [(i["date_start"], i["id"]) for i in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(i for _, i in seen) == sorted(ids)
    assert seen == sorted(seen, reverse=True)
    deaths = client.get("/api/incidents", params={"sort": "civilian_deaths", "limit": 3}).json()["items"]
    assert [i["civilian_deaths"]["best"] for i in deaths] == [0, 1, 2]
    assert client.get("/api/incidents", params={"cursor": "garbage"}).status_code == 400


def test_incident_detail_shows_reports_side_by_side(client, store) -> None:
    iid, rid = add_report(store, deaths=2, harm_rows=[{"outcome": "killed", "sex": "female", "age_group": "child", "best": 1}], category="state_forces")
    body = client.get(f"/api/incidents/{iid}").json()
    assert body["reports"][0]["id"] == rid and body["reports"][0]["harm"][0]["sex"] == "female"
    assert body["reports"][0]["parties"][0]["category"] == "state_forces"
    assert body["grade"]["grade"] == "ungraded" and body["sources"] == ["ucdp-ged"]
    missing = client.get("/api/incidents/999999")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


NEW = {
    "date_start": "2024-03-02",
    "country_iso3": "SDN",
    "headline": "Shelling of a market in El Fasher",
    "weapon": "explosive_ground_launched",
    "perpetrator_category": "non_state_armed_group",
    "populated_area": True,
    "civilian_deaths": {"best": 12, "low": 10, "high": 15},
    "harm": [{"outcome": "killed", "sex": "female", "age_group": "adult", "best": 4}, {"outcome": "killed", "age_group": "child", "best": 3}],
}


def test_writes_need_a_token_and_a_recording_role(client, tokens) -> None:
    r = client.post("/api/incidents", json=NEW)
    assert r.status_code == 401 and r.headers["content-type"] == PROBLEM and r.headers["www-authenticate"] == "Bearer"
    assert client.post("/api/incidents", json=NEW, headers=bearer("cw_not-a-token")).status_code == 401
    assert client.post("/api/incidents", json=NEW, headers=bearer(tokens["vic"])).status_code == 403
    assert client.patch("/api/incidents/1", json={"headline": "x y z"}).status_code == 401


def test_recorder_creates_and_edits_with_audit_and_live_indicators(client, store, tokens) -> None:
    add_report(store, day=date(2024, 1, 5), country="SDN", deaths=5)
    assert client.get("/api/indicators/civilian-deaths", params={"country": "SDN"}).json()["rows"][0]["value"] == 5
    r = client.post("/api/incidents", json=NEW, headers=bearer(tokens["rita"]))
    assert r.status_code == 201, r.text
    created = r.json()
    assert r.headers["location"] == f"/api/incidents/{created['id']}"
    assert created["manual"] and created["reports"][0]["source"] == "manual" and len(created["reports"][0]["harm"]) == 2
    rows = client.get("/api/indicators/civilian-deaths", params={"country": "SDN"}).json()["rows"]
    assert (rows[0]["value"], rows[0]["low"], rows[0]["high"]) == (17, 15, 20)
    share = client.get("/api/indicators/women-children-share", params={"country": "SDN"}).json()["rows"][0]
    assert (share["numerator"], share["denominator"]) == (7, 7)

    r = client.patch(f"/api/incidents/{created['id']}", json={"civilian_deaths": {"best": 20}, "reason": "hospital list"}, headers=bearer(tokens["rita"]))
    assert r.status_code == 200, r.text
    assert client.get("/api/indicators/civilian-deaths", params={"country": "SDN", "source": "manual"}).json()["rows"][0]["value"] == 20
    assert client.get("/api/indicators/civilian-deaths", params={"country": "SDN"}).json()["rows"][0]["value"] == 25

    entries = audit_trail.latest(store, entity="incident", entity_id=str(created["id"]))
    edited, made = entries[0], entries[1]
    assert made["event"] == "incident_created" and made["actor"] == "rita"
    assert edited["event"] == "incident_edited"
    assert json.loads(edited["before"])["civilian_deaths_best"] == 12
    assert json.loads(edited["after"]) == {"civilian_deaths_low": None, "civilian_deaths_best": 20, "civilian_deaths_high": None, "reason": "hospital list"}
    checked, breaches = audit_trail.verify(store)
    assert checked >= 2 and breaches == []


def test_validation_names_the_field_at_fault(client, tokens) -> None:
    bad = dict(NEW, civilian_deaths={"best": 3, "low": 5})
    r = client.post("/api/incidents", json=bad, headers=bearer(tokens["rita"]))
    assert r.status_code == 422 and r.headers["content-type"] == PROBLEM
    assert r.json()["errors"][0]["field"] == "civilian_deaths" and "low" in r.json()["errors"][0]["message"]
    r = client.post("/api/incidents", json=dict(NEW, country_iso3="Sudan"), headers=bearer(tokens["rita"]))
    assert [e["field"] for e in r.json()["errors"]] == ["country_iso3"]
    r = client.post("/api/incidents", json=dict(NEW, weapon="laser"), headers=bearer(tokens["rita"]))
    assert r.json()["errors"][0]["field"] == "weapon"
    r = client.post("/api/incidents", json=dict(NEW, headline="bell \x07 here"), headers=bearer(tokens["rita"]))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "headline"
    r = client.post("/api/incidents", json=dict(NEW, date_end="2024-03-01"), headers=bearer(tokens["rita"]))
    assert r.status_code == 422 and "date_end" in r.json()["detail"]


def test_private_reads_need_a_token(store, tokens) -> None:
    from fastapi.testclient import TestClient

    from civwatch.app import create_app

    private = TestClient(create_app(store, private_reads=True))
    assert private.get("/api/indicators/incidents").status_code == 401
    assert private.get("/api/indicators/incidents", headers=bearer(tokens["vic"])).status_code == 200


def test_exports_neutralise_formulas_and_carry_hxl_tags(client, store) -> None:
    add_report(store, deaths=3, headline="=HYPERLINK(\"http://evil\")", harm_rows=[{"outcome": "killed", "sex": "female", "age_group": "child", "best": 2}])
    add_report(store, deaths=1, headline="+1 shelling", lat=None, lon=None)
    text = client.get("/api/exports/incidents.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["headline"] for r in rows} == {"'=HYPERLINK(\"http://evil\")", "'+1 shelling"}
    hxl = list(csv.reader(io.StringIO(client.get("/api/exports/incidents.hxl").text)))
    tags = dict(zip(hxl[0], hxl[1], strict=True))
    assert tags["killed_girls"] == "#affected+killed+f+children" and tags["admin1"] == "#adm1+name" and tags["latitude"] == "#geo+lat"
    assert [r[hxl[0].index("killed_girls")] for r in hxl[2:]] == ["2", ""]
    geo = client.get("/api/exports/incidents.geojson").json()
    assert len(geo["features"]) == 2 and sum(f["geometry"] is None for f in geo["features"]) == 1

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/api/exports/incidents.xlsx").content))
    cells = [c.value for row in wb.active.iter_rows() for c in row]
    assert "'+1 shelling" in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)
    assert wb.active.max_row == 3

    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(client.get("/api/exports/incidents.parquet", params={"q": "shelling"}).content))
    assert table.num_rows == 1 and table.column("civilian_deaths_best").to_pylist() == [1]


def test_imports_and_their_rejected_rows(client, store, shared_data, tmp_path, tokens) -> None:
    from civwatch.services.importing import import_file

    src = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    with src.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    rows[5][header.index("deaths_civilians")] = "many"
    bad = tmp_path / "ged_with_a_bad_row.csv"
    with bad.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    summary = import_file(store, bad, actor="test")
    assert summary.rejected == 1
    batches = client.get("/api/imports").json()["imports"]
    assert batches[0]["id"] == summary.batch_id and batches[0]["rejected"] == 1 and batches[0]["accepted"] == len(rows) - 2
    rejects = client.get(f"/api/imports/{summary.batch_id}/rejects").json()["rejects"]
    assert len(rejects) == 1 and "deaths_civilians" in rejects[0]["reason"] and rejects[0]["raw"] is None
    shown = client.get(f"/api/imports/{summary.batch_id}/rejects", headers=bearer(tokens["rita"])).json()["rejects"]
    assert shown[0]["raw"]["deaths_civilians"] == "many"
    assert client.get("/api/imports/9999/rejects").status_code == 404


def test_xlsx_export_survives_characters_a_worksheet_cannot_hold(client, store) -> None:
    add_report(store, deaths=1, headline="imported \x07 with a bell character")
    r = client.get("/api/exports/incidents.xlsx")
    assert r.status_code == 200

    from openpyxl import load_workbook

    cells = [c.value for row in load_workbook(io.BytesIO(r.content)).active.iter_rows() for c in row]
    assert "imported \ufffd with a bell character" in cells
