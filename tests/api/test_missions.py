"""Mission API and pages over files we write in the published layouts: source text is escaped,
errors are problem+json, the JSON twin equals the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import missions_import as mi

EVIL = '<img src=x onerror="alert(1)">'


@pytest.fixture
def client(store, shared_data: Path, tmp_path: Path) -> TestClient:
    mi.import_file(store, shared_data / "peacekeeping" / "un_dppa_dpo_peacekeeping_missions_2024-02-19.csv", actor="test")
    dep = tmp_path / "deployments.csv"
    dep.write_text("mission,year,country,location,latitude,longitude,Infantry,NoTroops,Reserve,hq,UNPOL,Med,Av,UNMO,ave.no.troops\n"
                   f'MINUSMA,2016,Mali,"{EVIL.replace(chr(34), chr(34) * 2)}",16.27167,-0.04472,10,20,0,1,0,0,0,0,20\n', encoding="utf-8")
    tcc = tmp_path / "tcc.csv"
    tcc.write_text("mission,year,location,latitude,longitude,No.TCC,year.overview\n"
                   f'MINUSMA,2016,Gao,16.27167,-0.04472,1,"Canada ({EVIL.replace(chr(34), chr(34) * 2)})"\n', encoding="utf-8")
    for f in (dep, tcc):
        s = mi.import_file(store, f, actor="test")
        assert (s.read, s.accepted) == (1, 1)
    return TestClient(create_app(store, private_reads=False))


def test_source_text_is_escaped_on_pages(client: TestClient) -> None:
    for url in ("/missions/MINUSMA", "/contributors/CAN"):
        html = client.get(url).text
        assert EVIL not in html and "onerror=\"alert" not in html, url
    assert "&lt;img src=x" in client.get("/missions/MINUSMA").text
    twin = client.get("/missions/MINUSMA.json").json()
    assert twin["deployments"][0]["location"] == EVIL  # the data keep the text as written
    assert twin["near"]["rows"] == client.get("/api/missions/MINUSMA").json()["near"]["rows"]


def test_errors_are_problem_json(client: TestClient) -> None:
    r = client.get("/api/missions/NOPE")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")
    r = client.get("/api/contributors/XYZ")
    assert r.status_code == 404
    r = client.get("/api/missions/near", params={"within_km": 1000})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/missions/deployments", params={"year": 2016}).json()["points"][0]["troops"] == 20
