"""A list of persons uploaded through the API (multipart): the real Airwars Gaza list, every row
accounted for (read = accepted + rejected, counted here from the file itself), the rejected rows
kept with their reasons; the role checked before the body is read, a malformed upload and a bad
field refused with problem+json, nothing kept."""

from __future__ import annotations

import csv
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from civwatch.app import create_app
from civwatch.services import auth
from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import missing_list_entries, missing_lists

FIELDS = {"kind": "dead", "title": "Airwars: Gaza 2023 victims", "provenance": "Airwars via alexschell/airwars-gaza-data",
          "list_date": "2024-09-25"}


def _impossible_age(text: str) -> bool:
    try:
        return not 0 <= float(text) <= 130
    except ValueError:
        return False


def _expected(path: Path) -> tuple[int, int]:
    """(rows, rows to refuse: naming nobody or with an age no one reaches), read from the file
    here, not by the importer."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    bad = sum(1 for r in rows if not (r["name_en"].strip() or r["name_ar"].strip()) or _impossible_age(r["age_years"]))
    return len(rows), bad


def test_the_airwars_list_uploaded_through_the_api(tmp_path, shared_data) -> None:
    source = Path(shared_data) / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    migrate.upgrade(engine)
    auth.add_user(engine, "rita", "a long test password", "recorder")
    auth.add_user(engine, "asha", "a long test password", "assessor")
    auth.add_user(engine, "ivan", "a long test password", "investigator")
    rec, ass, inv = ({"Authorization": f"Bearer {auth.issue_token(engine, u)}"} for u in ("rita", "asha", "ivan"))
    c = TestClient(create_app(engine))
    body = source.read_bytes()

    def post(headers, data=FIELDS, content=body):
        return c.post("/api/missing/lists", data=data, files={"file": (source.name, content, "text/csv")}, headers=headers)

    assert post({}).status_code == 401
    refused = post(ass)  # an assessor carries no missing-person case
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")
    bad = post(rec, data={**FIELDS, "kind": "rumours"})
    assert bad.status_code == 422 and "kind" in bad.json()["detail"]
    future = post(rec, data={**FIELDS, "list_date": "2999-01-01"})
    assert future.status_code == 422 and "future" in future.json()["detail"]
    raw = c.post("/api/missing/lists", content=body, headers={**rec, "Content-Type": "text/csv"})
    assert raw.status_code == 400 and "multipart" in raw.json()["detail"]
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(missing_lists)).scalar() == 0  # nothing kept

    r = post(rec)
    assert r.status_code == 201, r.text
    out = r.json()
    rows, bad = _expected(source)
    assert out["read"] == rows == out["accepted"] + out["rejected"] and out["rejected"] == bad > 0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(missing_list_entries)).scalar() == out["accepted"]
    listed = c.get("/api/missing/lists", headers=rec).json()["lists"]
    assert [(x["rows_read"], x["rows_accepted"], x["rows_rejected"], x["file_name"]) for x in listed] == [
        (rows, out["accepted"], out["rejected"], source.name)]
    rejected = c.get(f"/api/missing/lists/{out['id']}/rejections", headers=inv).json()["rejections"]
    assert len(rejected) == out["rejected"] and all("age" in x["reason"] for x in rejected)
    assert all(x["row"]["age_years"] for x in rejected)  # the rejected row kept as it came
    shown_to_recorder = c.get(f"/api/missing/lists/{out['id']}/rejections", headers=rec).json()["rejections"]
    assert {x["row"] for x in shown_to_recorder} <= {"[withheld]"}  # the cells only for the personal-data roles
    assert c.get("/api/missing/lists/999/rejections", headers=inv).status_code == 404
    engine.dispose()
