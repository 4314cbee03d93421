"""The party register over HTTP, on a real GED file: reads, problem+json refusals, writes that
need an analyst's token."""

from __future__ import annotations

from pathlib import Path

from civwatch.services import auth, importing
from tests.api.conftest import bearer
from tests.helpers import ged_rows

GED_BGD = "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"


def test_register_reads_and_writes(client, store, tokens, shared_data: Path) -> None:
    importing.import_file(store, shared_data / GED_BGD)
    forces = client.get("/api/parties/forces/BGD").json()["forces"]
    assert [(f["name"], [n["name"] for n in f["names"]]) for f in forces] == [("State forces of Bangladesh", ["Government of Bangladesh"])]
    state_id = forces[0]["actor_id"]
    rows = ged_rows(shared_data / GED_BGD)
    one_sided = [r for r in rows if r["type_of_violence"] == "3" and r["side_a"] == "Government of Bangladesh"]
    got = client.get("/api/parties/compare", params={"states": "BGD"}).json()["rows"][0]
    assert (got["incidents"], got["civilian_deaths"]) == (len(one_sided), sum(int(r["deaths_civilians"]) for r in one_sided))

    groups = client.get("/api/parties", params={"category": "non_state_armed_group"}).json()["rows"]
    g1, g2 = groups[0]["id"], groups[1]["id"]
    assert client.get("/api/parties/999999").status_code == 404
    assert client.get("/api/parties/999999").headers["content-type"] == "application/problem+json"
    assert client.get("/api/parties/compare", params={"actors": "1,x"}).status_code == 400
    assert client.post(f"/api/parties/{g1}/merge", json={"others": [g2]}).status_code == 401
    assert client.post(f"/api/parties/{g1}/merge", json={"others": [g2]}, headers=bearer(tokens["rita"])).status_code == 403
    auth.add_user(store, "ana", "correct horse battery", "analyst")
    ana = bearer(auth.issue_token(store, "ana"))
    refused = client.post(f"/api/parties/{state_id}/merge", json={"others": [g1]}, headers=ana)
    assert refused.status_code == 422 and "different categories" in refused.json()["detail"]
    no_state = client.post(f"/api/parties/{g1}/correct", json={"category": "state_forces"}, headers=ana)
    assert no_state.status_code == 422 and "needs the state" in no_state.json()["detail"]
    ok = client.post(f"/api/parties/{g1}/merge", json={"others": [g2], "reason": "one group"}, headers=ana)
    assert ok.status_code == 200 and ok.json()["id"] == g1
    assert client.get(f"/api/parties/{g2}").json()["live_id"] == g1
    name_id = ok.json()["names"][0]["id"]
    moved = client.post(f"/api/parties/names/{name_id}/assign", json={"actor_id": g1, "reason": "checked"}, headers=ana)
    assert moved.status_code == 200
    assert client.get("/api/parties/unresolved").json() == {"rows": []}
