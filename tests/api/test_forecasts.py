"""The early-warning API: reads as the server allows, fitting for analysts only, clear 4xx."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from civwatch.services import importing
from tests.api.conftest import bearer

UKRAINE = "ucdp_ged/ged_ukraine_statebased_2014_2022.csv"


def test_fit_needs_an_analyst_then_forecasts_are_served(client: TestClient, tokens: dict, store, shared_data: Path) -> None:
    importing.import_file(store, shared_data / UKRAINE, actor="test")
    body = {"level": "admin1", "backtest": False}
    assert client.post("/api/forecasts/fit", json=body).status_code == 401
    r = client.post("/api/forecasts/fit", json=body, headers=bearer(tokens["vic"]))
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem+json")
    assert "analyst" in r.json()["detail"]
    r = client.post("/api/forecasts/fit", json={**body, "level": "province"}, headers=bearer(tokens["ada"]))
    assert r.status_code == 422
    r = client.post("/api/forecasts/fit", json=body, headers=bearer(tokens["ada"]))
    assert r.status_code == 201, r.text
    fitted = r.json()
    assert fitted["train_until"] == "2022-02"
    listing = client.get("/api/forecasts", params={"level": "admin1", "horizon": 3}).json()
    assert listing["label"] == "forecast" and listing["model"]["id"] == fitted["model_id"]
    assert len(listing["units"]) == fitted["units"] and all(u["horizon"] == 3 for u in listing["units"])
    # each unit is forecast from its country's last month: Ukraine's record ends 2022-02
    assert all(u["target"] == "2022-05" for u in listing["units"] if u["country"] == "UKR")
    donetsk = next(u for u in listing["units"] if u["unit"].startswith("UKR/Donetsk"))
    one = client.get(f"/api/forecasts/{donetsk['unit']}").json()
    assert [f["horizon"] for f in one["forecasts"]] == [1, 2, 3, 4, 5, 6]
    assert len(one["history"]) == 36 and one["history"][-1]["month"] == "2022-02"


def test_bad_requests(client: TestClient) -> None:
    assert client.get("/api/forecasts", params={"horizon": 7}).status_code == 422
    assert client.get("/api/forecasts", params={"horizon": "99999999999999999999"}).status_code == 422
    r = client.get("/api/forecasts/ZZZ")
    assert r.status_code == 404 and "ZZZ" in r.json()["detail"]
    empty = client.get("/api/forecasts").json()
    assert empty["model"] is None and empty["units"] == []
