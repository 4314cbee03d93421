"""The linkage decisions' API twins on a real store: merge, split, grade, all audited."""

from __future__ import annotations

from civwatch.services import audit_trail, auth
from tests.api.conftest import bearer

STRIKE = {
    "date_start": "2024-03-02",
    "country_iso3": "SDN",
    "headline": "Shelling of a market in El Fasher",
    "weapon": "explosive_ground_launched",
    "perpetrator_category": "non_state_armed_group",
    "populated_area": True,
    "civilian_deaths": {"best": 12},
}


def _incidents(client) -> int:
    rows = client.get("/api/indicators/incidents", params={"by": "year"}).json()["rows"]
    return sum(r["value"] for r in rows)


def test_analyst_merges_and_splits_and_counts_follow(client, store, tokens) -> None:
    auth.add_user(store, "ana", "correct horse battery", "analyst")
    ana = bearer(auth.issue_token(store, "ana"))
    a = client.post("/api/incidents", json=STRIKE, headers=bearer(tokens["rita"])).json()["id"]
    b = client.post("/api/incidents", json=dict(STRIKE, civilian_deaths={"best": 15}), headers=bearer(tokens["rita"])).json()["id"]
    assert _incidents(client) == 2

    body = {"other": b, "reason": "same market strike, two recorders"}
    assert client.post(f"/api/incidents/{a}/merge", json=body).status_code == 401
    assert client.post(f"/api/incidents/{a}/merge", json=body, headers=bearer(tokens["rita"])).status_code == 403
    merged = client.post(f"/api/incidents/{a}/merge", json=body, headers=ana)
    assert merged.status_code == 200, merged.text
    assert _incidents(client) == 1
    assert client.get(f"/api/incidents/{b}").status_code == 404
    links = client.get(f"/api/incidents/{a}/links").json()
    assert len(links["reports"]) == 2
    assert sorted(r["civilian_deaths_best"] for r in links["reports"]) == [12, 15]

    report_ids = [r["id"] for r in links["reports"]]
    split = client.post(f"/api/incidents/{a}/split", json={"report_ids": report_ids[1:], "reason": "two markets after all"}, headers=ana)
    assert split.status_code == 200, split.text
    assert _incidents(client) == 2

    graded = client.post(f"/api/incidents/{a}/grade", json={"grade": "discounted", "reason": "video shows a different town"}, headers=ana)
    assert graded.status_code == 200 and graded.json()["grade"] == "discounted"
    no_reason = client.post(f"/api/incidents/{a}/grade", json={"grade": "fair", "reason": ""}, headers=ana)
    assert no_reason.status_code == 422
    assert client.post("/api/incidents/999999/merge", json={"other": a, "reason": "x"}, headers=ana).status_code == 404

    events = [e["event"] for e in audit_trail.latest(store, limit=10)]
    assert {"incidents_merged", "incident_split", "grade_overridden"} <= set(events)
    assert audit_trail.verify(store)[1] == []
