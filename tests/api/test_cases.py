"""The case-work API on a real store, with real GED one-sided incidents in the register."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from civwatch.services import auth
from civwatch.store.schema import audit_log
from tests.api.conftest import bearer
from tests.case_support import PASSWORD, make_users, one_sided_rows, register_incidents

PROBLEM = "application/problem+json"
ASSESS = {"outcome": "credible", "reasons": ["two sources"]}


@pytest.fixture
def world(store, shared_data):
    rows = one_sided_rows(shared_data, 3)
    ids = register_incidents(store, rows)
    users = make_users(store)
    tokens = {name: auth.issue_token(store, name) for name in users}
    assert auth.authenticate(store, "rita", PASSWORD).roles == users["rita"].roles  # the shared password logs in
    return {"rows": rows, "incidents": ids, "tokens": tokens}


def test_open_move_and_read_a_case(client, store, world) -> None:
    t = world["tokens"]
    row = world["rows"][0]
    incident_id = world["incidents"][row["id"]]
    assert client.post("/api/cases", json={"incident_id": incident_id}).status_code == 401
    r = client.post("/api/cases", json={"incident_id": incident_id}, headers=bearer(t["vic"]))
    assert r.status_code == 403 and r.headers["content-type"] == PROBLEM
    r = client.post("/api/cases", json={"incident_id": incident_id, "reason": "from the register"}, headers=bearer(t["rita"]))
    assert r.status_code == 201, r.text
    case = r.json()
    assert r.headers["location"] == f"/api/cases/{case['id']}"
    assert case["state"] == "reported" and case["civilian_deaths"] == int(row["deaths_civilians"])
    path = f"/api/cases/{case['id']}"

    skip = client.post(f"{path}/moves", json={"to": "findings", "reason": "skip"}, headers=bearer(t["ivan"]))
    assert skip.status_code == 422 and "must be assessed" in skip.json()["detail"]
    moved = client.post(f"{path}/moves", json={"to": "initial_assessment", "reason": "screened", "details": ASSESS,
                                                "expected_version": 1}, headers=bearer(t["abe"]))
    assert moved.status_code == 200 and moved.json()["version"] == 2
    stale = client.post(f"{path}/moves", json={"to": "investigation", "reason": "ok", "expected_version": 1}, headers=bearer(t["ann"]))
    assert stale.status_code == 409 and "reload" in stale.json()["detail"]
    own = client.post(f"{path}/moves", json={"to": "investigation", "reason": "ok"}, headers=bearer(t["abe"]))
    assert own.status_code == 422 and "own assessment" in own.json()["detail"]
    role = client.post(f"{path}/moves", json={"to": "investigation", "reason": "ok"}, headers=bearer(t["asa"]))
    assert role.status_code == 403 and "approver" in role.json()["detail"]
    assert client.post(f"{path}/moves", json={"to": "investigation", "reason": "ok"}, headers=bearer(t["ann"])).status_code == 200

    party = client.post(f"{path}/parties", json={"role": "claimant", "name": "Layla Haddad-Qq", "contact": "+963 11 000"},
                        headers=bearer(t["ivan"]))
    assert party.status_code == 201
    assert client.get(path).status_code == 401  # case files are private: anonymous readers get nothing
    public_view = client.get(path, headers=bearer(t["rita"])).json()  # a case role without personal data
    assert public_view["parties"][0]["name"] == "[withheld]" and public_view["personal_data_visible"] is False
    assert client.get(path, headers=bearer(t["ann"])).json()["parties"][0]["name"] == "Layla Haddad-Qq"
    assert [s["to_state"] for s in public_view["timeline"]] == ["reported", "initial_assessment", "investigation"]
    assert public_view["triage"]["factors"][0] == {
        "factor": "civilian deaths", "value": row["deaths_civilians"], "points": min(2 * int(row["deaths_civilians"]), 30),
        "cap": 30, "rule": "2 per death"}

    rita = bearer(t["rita"])
    assert client.get("/api/cases").status_code == 401 and client.get("/api/cases/measures").status_code == 401
    queue = client.get("/api/cases", headers=rita).json()["cases"]
    assert [c["id"] for c in queue] == [case["id"]] and queue[0]["score"] == public_view["triage"]["score"]
    assert client.get("/api/cases", params={"overdue": True}, headers=rita).json()["cases"] == []
    assert client.get("/api/cases/measures", headers=rita).json()["time_to_state"]["other"]["investigation"]["cases"] == 1
    assert client.get("/api/cases/999", headers=rita).status_code == 404
    with store.connect() as conn:
        trail = json.dumps([dict(r) for r in conn.execute(select(audit_log)).mappings()], default=str)
    assert "Layla" not in trail


def test_public_reports_need_no_account_but_are_limited_and_reviewed(client, world, monkeypatch) -> None:
    t = world["tokens"]
    monkeypatch.setenv("CIVWATCH_PUBLIC_REPORT_LIMIT", "1")
    body = {"summary": "A school was shelled during lessons", "country_iso3": "UKR", "civilian_injuries": 4,
            "protected_objects": ["education"], "reporter_name": "Olena K-Zz", "reporter_contact": "olena@example.org"}
    r = client.post("/api/public-reports", json=body)
    assert r.status_code == 202 and r.json()["status"] == "pending"
    again = client.post("/api/public-reports", json=body)
    assert again.status_code == 429 and again.headers["content-type"] == PROBLEM
    assert client.post("/api/public-reports", json={**body, "summary": "x\x00 bad bytes here"}).status_code == 422
    assert client.get("/api/public-reports").status_code == 401
    listed = client.get("/api/public-reports", headers=bearer(t["rita"])).json()["reports"]
    assert listed[0]["reporter_name"] == "[withheld]" and listed[0]["summary"] == body["summary"]
    review = client.post(f"/api/public-reports/{listed[0]['id']}/review", json={"accept": True, "reason": "plausible"},
                         headers=bearer(t["rita"]))
    assert review.status_code == 200 and review.json()["status"] == "accepted"
    case = client.get(f"/api/cases/{review.json()['case_id']}", headers=bearer(t["ann"])).json()
    assert case["origin"] == "public" and case["protected_objects"] == ["education"]
    assert case["parties"][0]["name"] == "Olena K-Zz"


def test_openapi_lists_the_case_endpoints(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/cases", "/api/cases/{case_id}", "/api/cases/{case_id}/moves", "/api/cases/{case_id}/parties",
              "/api/cases/measures", "/api/public-reports", "/api/public-reports/{report_id}/review"):
        assert p in paths


def test_export_csv_names_people_only_for_roles_granted_them(client, world) -> None:
    t = world["tokens"]
    created = client.post("/api/cases", json={"report": {"summary": "@SUM(A1) clinic struck"}}, headers=bearer(t["rita"])).json()
    client.post(f"/api/cases/{created['id']}/parties", json={"role": "victim", "name": "Rana Aziz-Qw"}, headers=bearer(t["ivan"]))
    assert client.get("/api/cases/export.csv").status_code == 401
    public = client.get("/api/cases/export.csv", headers=bearer(t["rita"]))
    assert public.status_code == 200 and public.headers["content-type"].startswith("text/csv")
    assert "Rana" not in public.text and "'@SUM(A1)" in public.text
    assert "Rana Aziz-Qw" in client.get("/api/cases/export.csv", headers=bearer(t["ann"])).text
