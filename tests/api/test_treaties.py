"""The treaty endpoints: same answers as the services, problem+json on bad input, OpenAPI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import treaties as svc
from civwatch.store import migrate
from civwatch.store.db import make_engine


@pytest.fixture(scope="module")
def client(tmp_path_factory, shared_data: Path):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('api-treaties') / 't.sqlite'}")
    migrate.upgrade(engine)
    svc.import_all(engine, svc.shared_files(shared_data))
    with TestClient(create_app(engine)) as c:
        yield c
    engine.dispose()


def test_status_members_gaps(client) -> None:
    r = client.get("/api/treaties/status", params={"country": "PHL", "instrument": "XVIII-10", "as_of": "2015-01-01"})
    assert r.status_code == 200 and r.json()["status"] == "party" and r.json()["party_since"] == "2011-08-30"
    m = client.get("/api/forums/NATO/members", params={"as_of": "2024-03-07"}).json()
    assert len(m["members"]) == 32
    g = client.get("/api/forums/G7/gaps/att", params={"as_of": "2026-02-03"}).json()
    assert g["party"] == 6 and [x["country"] for x in g["signed_not_ratified"]] == ["USA"]
    t = client.get("/api/forums/NATO/targets/ccm", params={"as_of": "2026-02-03"}).json()
    assert t["members"] == 32 and len(t["targets"]) == 32 - t["party"]


def test_exports(client) -> None:
    r = client.get("/api/treaties/exports/instrument.csv", params={"ref": "att", "as_of": "2026-02-03"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    x = client.get("/api/treaties/exports/profile.xlsx", params={"country": "CAN"})
    assert x.status_code == 200 and x.content[:2] == b"PK"
    bad = client.get("/api/treaties/exports/profile.csv")
    assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("url", [
    "/api/treaties/status?country=ZZZ&instrument=att",
    "/api/treaties/instruments/XXVI-77",
    "/api/forums/NOPE",
    "/api/treaties/status?country=CAN&instrument=att&as_of=2015-13-01",
])
def test_bad_input_is_problem_json(client, url: str) -> None:
    r = client.get(url)
    assert r.status_code in (400, 422) and r.headers["content-type"] == "application/problem+json"


def test_openapi_lists_the_treaty_routes(client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/treaties/status", "/api/forums/{forum}/targets/{ref}", "/api/treaties/backtest"} <= set(paths)
