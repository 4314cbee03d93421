"""Screening over HTTP on a real GED file: refusals as problem+json, the approver role for
decisions (403 without it), a decided assessment immutable (409)."""

from __future__ import annotations

from pathlib import Path

from civwatch.services import auth, importing
from tests.api.conftest import bearer
from tests.helpers import ged_rows

GED_BGD = "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"
APP = {"recipient": "BGD", "end_user": "police_internal_security", "item": "ML1", "quantity": 100, "value": 50000,
       "currency": "CAD", "intended_use": "police equipment", "period_from": "2030-01-01", "period_to": "2030-12-31",
       "reference": "API-1", "config": {"window_years": 50}}


def test_screening_over_http(client, store, tokens, shared_data: Path) -> None:
    importing.import_file(store, shared_data / GED_BGD)
    for name, role in (("asa", "assessor"), ("apo", "approver")):
        auth.add_user(store, name, "correct horse battery", role)
    asa, apo = bearer(auth.issue_token(store, "asa")), bearer(auth.issue_token(store, "apo"))
    assert client.post("/api/screening", json=APP).status_code == 401
    assert client.post("/api/screening", json=APP, headers=bearer(tokens["vic"])).status_code == 403
    refused = client.post("/api/screening", json=APP | {"item": "ML23"}, headers=asa)
    assert refused.status_code == 422 and "ML1, ML2" in refused.json()["detail"]
    assert refused.headers["content-type"] == "application/problem+json"
    past = client.post("/api/screening", json=APP | {"period_from": "2001-01-01", "period_to": "2001-12-31"}, headers=asa)
    assert past.status_code == 422 and "lies in the past" in past.json()["detail"]
    made = client.post("/api/screening", json=APP, headers=asa)
    assert made.status_code == 201, made.text
    a = made.json()
    one_sided = [r for r in ged_rows(shared_data / GED_BGD) if r["type_of_violence"] == "3" and r["side_a"] == "Government of Bangladesh"]
    assert a["evidence"]["harm"]["civilian_deaths"]["best"] == sum(int(r["deaths_civilians"]) for r in one_sided)
    assert {c["criterion"] for c in a["criteria"]} >= {"ATT-6.1", "ATT-7.4", "ATT-11", "EIPA-7.4", "EU-1", "EU-8"}
    aid = a["id"]
    decision = {"decision": "deny", "reasons": "overriding risk"}
    assert client.post(f"/api/screening/{aid}/decision", json=decision, headers=asa).status_code == 403
    ok = client.post(f"/api/screening/{aid}/decision", json=decision, headers=apo)
    assert ok.status_code == 200 and ok.json()["decision"] == "deny" and ok.json()["decided_by"] == "apo"
    again = client.post(f"/api/screening/{aid}/decision", json={"decision": "approve", "reasons": "x"}, headers=apo)
    assert again.status_code == 409
    assert client.get(f"/api/screening/{aid}").json()["decision"] == "deny"
    assert client.get(f"/api/screening/{aid}/export.json").json()["assessment"]["id"] == aid
    assert client.get("/api/screening/99999").status_code == 404
    assert [r["id"] for r in client.get("/api/screening", params={"decided": True}).json()["assessments"]] == [aid]
    assert client.get("/api/screening/consistency").json()["pairs"] == []
    ref = client.get("/api/screening/reference").json()
    assert {"item": "ML1", "name": "Small arms", "weapons": ["small_arms"]} in ref["items"]
    pdf = client.get(f"/api/screening/{aid}/export.pdf", params={"lang": "fr"})
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/screening/{aid}/export.pdf", params={"lang": "de"}).status_code == 422
    assert client.get("/api/screening/99999/export.pdf").status_code == 404


def test_screening_tables_over_http(client, store, tokens) -> None:
    auth.add_user(store, "asa", "correct horse battery", "assessor")
    asa = bearer(auth.issue_token(store, "asa"))
    body = (b"source,url,date,destination_iso3,scope,start,end,text\n"
            b"UNSC,https://example.org/r,2024-01-01,BGD,arms,2024-01-01,,a row made up for the test\n"
            b"UNSC,https://example.org/r,2024-01-01,BGD,nonsense,,,\n")
    assert client.post("/api/screening/tables?name=t.csv", content=body).status_code == 401
    assert client.post("/api/screening/tables?name=t.csv", content=body, headers=bearer(tokens["vic"])).status_code == 403
    made = client.post("/api/screening/tables?name=t.csv", content=body, headers=asa)
    assert made.status_code == 201 and (made.json()["read"], made.json()["accepted"], made.json()["rejected"]) == (2, 1, 1)
    again = client.post("/api/screening/tables?name=t.csv", content=body, headers=asa)
    assert again.status_code == 422 and "already imported" in again.json()["detail"]
    bad = client.post("/api/screening/tables?name=t.csv", content=b"a,b\n1,2\n", headers=asa)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert client.post("/api/screening/tables?name=../x.csv", content=body, headers=asa).status_code == 422
    got = client.get("/api/screening/tables/embargo", params={"country": "BGD", "on": "2023-06-01"}).json()
    assert [r["status"] for r in got["rows"]] == ["not_yet"] and got["batches"][0]["rejections"][0]["line"] == 3
    assert client.get("/api/screening/tables/other").status_code == 422
