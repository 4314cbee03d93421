"""The missing-persons API: the public report and follow-up (no account, one answer for any wrong
code or secret), public figures suppressed under 5, problem+json refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from civwatch.app import create_app
from civwatch.services import auth
from civwatch.store import migrate
from civwatch.store.db import make_engine


def test_public_report_follow_and_refusals(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CIVWATCH_PUBLIC_REPORT_LIMIT", "2")
    engine = make_engine(f"sqlite:///{tmp_path / 's.sqlite'}")
    migrate.upgrade(engine)
    auth.add_user(engine, "rita", "a long test password", "recorder")
    token = auth.issue_token(engine, "rita")
    c = TestClient(create_app(engine))
    r = c.post("/api/missing-reports", json={"name": "Олена Коваленко", "age": 9, "circumstance": "deported"})
    assert r.status_code == 201 and r.json()["code"].startswith("MP-")
    code, secret = r.json()["code"], r.json()["secret"]
    bad = c.post("/api/missing-reports", json={"name": "X Y", "date_of_birth": "2999-02-02"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json") and "future" in bad.json()["detail"]
    assert c.post("/api/missing-reports", json={"name": "X Y"}).status_code == 201
    assert c.post("/api/missing-reports", json={"name": "X Y"}).status_code == 429  # the public-report limit
    ok = c.post("/api/missing-follow", json={"code": code, "secret": secret}).json()
    assert ok["state"] == "reported" and "Коваленко" not in str(ok)
    wrong = [c.post("/api/missing-follow", json=body) for body in ({"code": code, "secret": "nope"}, {"code": "MP-ZZZZ-ZZZZ", "secret": secret})]
    assert {w.status_code for w in wrong} == {404} and len({w.json()["detail"] for w in wrong}) == 1
    figures = c.get("/api/missing-figures").json()
    assert figures["cases"] == "< 5" and "Коваленко" not in str(figures)
    assert c.get("/api/missing/cases").status_code == 401  # case work is private
    queue = c.get("/api/missing/cases", headers={"Authorization": f"Bearer {token}"}).json()["cases"]
    assert [q["child"] for q in queue][0] is True  # the child first
    wrong_move = c.post("/api/missing/cases/1/moves", json={"to": "confirmed_dead", "reason": "x"},
                        headers={"Authorization": f"Bearer {token}"})
    assert wrong_move.status_code == 422 and "candidates" in wrong_move.json()["detail"]
    engine.dispose()
