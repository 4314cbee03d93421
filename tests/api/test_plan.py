"""The plan's JSON API: import needs a token with the analyst role and is refused as
problem+json with every line; report JSON/CSV (formula-safe); approval needs the approver role;
indicator values equal the case-work and missions APIs as of the same date."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from civwatch.services import auth
from civwatch.services import cases as case_svc
from tests.api.conftest import bearer
from tests.plan_support import commitment, indicator, plan


def _users(store) -> dict[str, str]:
    out = {}
    for name, role in (("lena", "analyst"), ("ann", "approver"), ("vic", "viewer"), ("rita", "recorder"), ("asa", "assessor")):
        auth.add_user(store, name, "a long test password", role)
        out[name] = auth.issue_token(store, name)
    return out


def test_import_refusal_roles_report_and_approval(client, store) -> None:
    tok = _users(store)
    bad = plan(commitment("C1", indicator("I1", "manual", baseline="{value: 0, date: 2015-01-01}", target="{value: 1, date: 2014-01-01}")))
    assert client.post("/api/plan", content=bad).status_code == 401
    r = client.post("/api/plan", content=bad, headers=bearer(tok["lena"]))
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    line = next(i + 1 for i, t in enumerate(bad.splitlines()) if "target:" in t)
    assert r.json()["errors"] == [{"line": line, "field": "objectives.0.commitments.0.indicators.0.target.date",
                                   "message": "target date 2014-01-01 is not after the baseline date 2015-01-01"}]
    assert client.get("/api/plan").status_code == 404
    good = plan(commitment("C1", indicator("I1", "cases.assessed_within_deadline@1", baseline="{value: 0.2, date: 2020-01-01}",
                                           target="{value: 0.9, date: 2024-01-01}"), title="=HYPERLINK(\"http://x\") bad title"))
    assert client.post("/api/plan", content=good, headers=bearer(tok["vic"])).status_code == 403
    r = client.post("/api/plan?note=first", content=good, headers=bearer(tok["lena"]))
    assert r.status_code == 201 and r.json()["version"] == 1
    assert client.get("/api/plan/yaml").text == good

    u = {n: auth.principal_for_token(store, t) for n, t in tok.items()}
    t0 = datetime(2021, 5, 1, tzinfo=UTC)
    a = case_svc.open_from_report(store, {"summary": "strike on a market", "civilian_deaths": 2}, u["rita"], now=t0)
    case_svc.open_from_report(store, {"summary": "strike on a school", "civilian_deaths": 1}, u["rita"], now=t0)
    case_svc.move(store, a, "initial_assessment", u["asa"], "r", {"outcome": "credible", "reasons": "two sources"}, now=t0 + timedelta(hours=5))

    rep = client.get("/api/plan/report", params={"from": "2021-05-01", "to": "2021-06-30"}).json()
    row = rep["rows"][0]
    for day, key in (("2021-05-01", "start"), ("2021-06-30", "end")):
        api = client.get("/api/cases/as-of", params={"at": f"{day}T23:59:59.999999+00:00"}, headers=bearer(tok["asa"])).json()["initial_assessment"]  # case work needs a case role
        assert row[f"value_{key}"] == api["share_within"] and row[f"base_{key}"] == api["base"]
    assert row["value_start"] == 1.0 and row["value_end"] == 0.5 and row["base_end"] == 2  # by hand: 1 of 1, then 1 of 2
    body = client.get("/api/plan/report", params={"from": "2021-05-01", "to": "2021-06-30", "format": "csv"}).text
    [out] = list(csv.DictReader(io.StringIO(body)))
    assert out["commitment_title"].startswith("'=HYPERLINK") and out["value_end"] == "0.5"

    payload = {"from": "2021-05-01", "to": "2021-06-30", "narratives": {"CAF": "One case late."}}
    assert client.post("/api/plan/report/approve", json=payload, headers=bearer(tok["lena"])).status_code == 403
    assert client.post("/api/plan/report/approve", json=payload, headers=bearer(tok["ann"])).status_code == 201
    again = client.get("/api/plan/report", params={"from": "2021-05-01", "to": "2021-06-30"}).json()
    assert again["approved"] and again["narratives"] == {"CAF": "One case late."}
    assert client.get("/api/plan/commitments/NOPE").status_code == 404
    assert client.get("/api/plan/report", params={"from": "2021-06-30", "to": "2021-05-01"}).status_code == 400
