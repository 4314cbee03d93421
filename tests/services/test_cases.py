"""Whole case lifecycles on real GED one-sided incidents, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from civwatch.domain.cases import CaseConflict, CaseRuleError, CaseState
from civwatch.services import cases as svc
from civwatch.store import audit
from civwatch.store.schema import audit_log, case_transitions, cases
from tests.case_support import make_users, one_sided_rows, register_incidents

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
ASSESS = {"outcome": "credible", "reasons": "two independent sources; imagery of the site"}
FINDINGS = {
    "investigation": {"evidence": "strike log; imagery; witness interviews", "operation": "own", "unit": "Task Force 3",
                      "munition": "120 mm mortar", "time_on_target": "2024-02-27T14:05:00Z"},
    "harm_confirmed": True, "attribution": "own_forces", "ihl_concern": True,
    "referral": "referred to the military prosecutor",
}
RESPONSE = {"kind": "ex_gratia_payment", "amount": "2500", "currency": "USD", "recipient_consent": True}
LESSON = {"cause_categories": "pattern_of_life, procedures", "recommendation": "Add a civilian-presence check",
          "owner": "J3 Operations", "status": "open"}


@pytest.fixture
def world(store, shared_data):
    rows = one_sided_rows(shared_data, 6)
    ids = register_incidents(store, rows)
    return {"rows": rows, "incidents": ids, "users": make_users(store)}


def snapshot(store, case_id: int) -> tuple:
    with store.connect() as conn:
        row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().one()
        n_moves = conn.execute(select(func.count()).select_from(case_transitions).where(case_transitions.c.case_id == case_id)).scalar()
        n_audit = conn.execute(select(func.count()).select_from(audit_log)).scalar()
    return dict(row), n_moves, n_audit


def test_a_whole_lifecycle_on_a_real_incident(store, world) -> None:
    u = world["users"]
    row = world["rows"][0]
    incident_id = world["incidents"][row["id"]]
    case_id = svc.open_from_incident(store, incident_id, u["rita"], now=T0)
    case = svc.get_case(store, case_id, u["vic"], now=T0)
    assert case["state"] == "reported" and case["civilian_deaths"] == int(row["deaths_civilians"])
    assert case["triage"].contributions[0].points == min(2 * int(row["deaths_civilians"]), 30)
    with pytest.raises(CaseRuleError, match="already has an open case"):
        svc.open_from_incident(store, incident_id, u["rita"])

    svc.move(store, case_id, "initial_assessment", u["abe"], "screened the report", ASSESS, now=T0 + timedelta(hours=20))

    # forbidden moves fail with a clear reason and change nothing
    before = snapshot(store, case_id)
    with pytest.raises(CaseRuleError, match="must be investigated"):
        svc.move(store, case_id, "findings", u["ivan"], "obvious", FINDINGS)
    with pytest.raises(CaseRuleError, match="cannot approve their own assessment"):
        svc.move(store, case_id, "investigation", u["abe"], "I agree with myself")
    assert snapshot(store, case_id) == before

    svc.move(store, case_id, "investigation", u["ann"], "assessment sound", now=T0 + timedelta(hours=30))
    svc.move(store, case_id, "findings", u["ivan"], "investigation complete", FINDINGS, now=T0 + timedelta(days=20))
    svc.move(store, case_id, "response", u["ann"], "payment approved", RESPONSE, now=T0 + timedelta(days=40))
    svc.move(store, case_id, "lesson_learned", u["lena"], "after-action review", LESSON, now=T0 + timedelta(days=60))
    closed = svc.move(store, case_id, "closed", u["ann"], "all done", now=T0 + timedelta(days=61))
    assert closed["state"] == "closed" and closed["version"] == 7

    before = snapshot(store, case_id)
    with pytest.raises(CaseRuleError, match="is closed and cannot be edited"):
        svc.move(store, case_id, "lesson_learned", u["lena"], "lesson implemented", {**LESSON, "status": "implemented"})
    with pytest.raises(CaseRuleError, match="is closed"):
        svc.add_party(store, case_id, u["ivan"], "claimant", name="Someone Late")
    assert snapshot(store, case_id) == before

    svc.move(store, case_id, "reported", u["ann"], "new evidence from the family", now=T0 + timedelta(days=70))
    case = svc.get_case(store, case_id, u["ann"], now=T0 + timedelta(days=70))
    assert [t["to_state"] for t in case["timeline"]] == [
        "reported", "initial_assessment", "investigation", "findings", "response", "lesson_learned", "closed", "reported"]
    assert [t["actor"] for t in case["timeline"]] == ["rita", "abe", "ann", "ivan", "ann", "lena", "ann", "ann"]
    assert case["timeline"][-1]["action"] == "reopen" and case["timeline"][-1]["reason"] == "new evidence from the family"
    assert case["findings"]["referral"] == "referred to the military prosecutor"
    assert case["response"] == {"kind": "ex_gratia_payment", "amount": "2500", "currency": "USD", "recipient_consent": True}
    assert case["lesson"]["cause_categories"] == ["pattern_of_life", "procedures"]

    with store.connect() as conn:
        checked, breaches = audit.verify(conn)
        moved = conn.execute(select(audit_log.c.after).where(audit_log.c.event == "case_moved").order_by(audit_log.c.seq)).scalars().all()
    assert breaches == []
    assert [json.loads(a)["state"] for a in moved] == [t["to_state"] for t in case["timeline"][1:]]


def test_not_credible_closes_after_approval_and_needs_information_waits(store, world) -> None:
    u = world["users"]
    a, b = (world["incidents"][r["id"]] for r in world["rows"][1:3])
    c1 = svc.open_from_incident(store, a, u["rita"])
    svc.move(store, c1, "initial_assessment", u["asa"], "screened", {"outcome": "not_credible", "reasons": "no civilian presence"})
    with pytest.raises(CaseRuleError, match="only a credible case is investigated"):
        svc.move(store, c1, "investigation", u["ann"], "go")
    assert svc.move(store, c1, "closed", u["ann"], "agree: not credible")["state"] == "closed"
    c2 = svc.open_from_incident(store, b, u["rita"])
    svc.move(store, c2, "initial_assessment", u["asa"], "screened",
             {"outcome": "needs_information", "reasons": "single source", "information_needed": "second source"})
    with pytest.raises(CaseRuleError, match="re-assess"):
        svc.move(store, c2, "closed", u["ann"], "close")
    svc.move(store, c2, "initial_assessment", u["asa"], "second source found", ASSESS)
    assert svc.move(store, c2, "investigation", u["ann"], "approved")["state"] == "investigation"


def test_a_stale_version_is_a_conflict_and_writes_nothing(store, world) -> None:
    u = world["users"]
    case_id = svc.open_from_incident(store, world["incidents"][world["rows"][0]["id"]], u["rita"])
    svc.move(store, case_id, "initial_assessment", u["asa"], "first", ASSESS, expected_version=1)
    before = snapshot(store, case_id)
    with pytest.raises(CaseConflict, match="changed since you read it"):
        svc.move(store, case_id, "initial_assessment", u["abe"], "second", ASSESS, expected_version=1)
    assert snapshot(store, case_id) == before


def test_personal_data_only_for_roles_granted_it(store, world, caplog) -> None:
    u = world["users"]
    case_id = svc.open_from_incident(store, world["incidents"][world["rows"][0]["id"]], u["rita"])
    name, ident, contact = "Nadia Rahimi-Qx", "ID-99-0042-7", "+93 700 111 222"
    with pytest.raises(PermissionError, match="needs the role"):
        svc.add_party(store, case_id, u["lena"], "claimant", name=name)
    with caplog.at_level(logging.DEBUG):
        pid = svc.add_party(store, case_id, u["ivan"], "claimant", name=name, identifier=ident, contact=contact, relationship="mother")
        for who in ("vic", "lena", "ivan", "ann"):
            svc.get_case(store, case_id, u[who])
    for who in ("vic", "lena", "rita", "asa"):
        party = svc.get_case(store, case_id, u[who])["parties"][0]
        assert (party["name"], party["identifier"], party["contact"]) == ("[withheld]",) * 3, who
    for who in ("ivan", "ann"):
        party = svc.get_case(store, case_id, u[who])["parties"][0]
        assert (party["id"], party["name"], party["identifier"], party["contact"]) == (pid, name, ident, contact)
    with pytest.raises(CaseRuleError, match="personal data belong"):
        svc.move(store, case_id, "initial_assessment", u["asa"], f"{name} called us", ASSESS)
    with store.connect() as conn:
        trail = json.dumps([dict(r) for r in conn.execute(select(audit_log)).mappings()], default=str)
    for secret in (name, ident, contact):
        assert secret not in trail
        assert secret not in caplog.text


def test_public_reports_are_rate_limited_and_queued_for_review(store, world, monkeypatch) -> None:
    u = world["users"]
    monkeypatch.setenv("CIVWATCH_PUBLIC_REPORT_LIMIT", "2")
    facts = {"summary": "Shelling hit the clinic in the market at noon", "country_iso3": "syr",
             "civilian_deaths": 3, "children_harmed": 1, "protected_objects": "health"}
    r1 = svc.submit_public_report(store, facts, "203.0.113.7", reporter_name="Omar Saleh-Zz", reporter_contact="omar@example.org", now=T0)
    r2 = svc.submit_public_report(store, facts, "203.0.113.7", now=T0 + timedelta(minutes=5))
    with pytest.raises(svc.RateLimited, match="at most 2 reports per hour"):
        svc.submit_public_report(store, facts, "203.0.113.7", now=T0 + timedelta(minutes=50))
    svc.submit_public_report(store, facts, "198.51.100.1", now=T0 + timedelta(minutes=50))  # another address
    svc.submit_public_report(store, facts, "203.0.113.7", now=T0 + timedelta(minutes=70))  # an hour later
    with pytest.raises(ValueError, match="summary"):
        svc.submit_public_report(store, {"summary": "short"}, "192.0.2.1")
    queue = svc.public_queue(store, u["rita"])
    assert [q["id"] for q in queue][:2] == [r1, r2] and len(queue) == 4
    assert queue[0]["reporter_name"] == "[withheld]" and "client_hash" not in queue[0]
    with pytest.raises(PermissionError, match="needs the role"):
        svc.public_queue(store, u["vic"])
    case_id = svc.review_public_report(store, r1, u["rita"], accept=True, reason="plausible, clinic known")
    assert svc.review_public_report(store, r2, u["rita"], accept=False, reason="duplicate of the first") is None
    with pytest.raises(CaseRuleError, match="already accepted"):
        svc.review_public_report(store, r1, u["rita"], accept=True, reason="again")
    case = svc.get_case(store, case_id, u["ann"])
    assert case["origin"] == "public" and case["civilian_deaths"] == 3 and case["protected_objects"] == "health"
    assert case["parties"][0]["name"] == "Omar Saleh-Zz"
    assert {c.factor: c.points for c in case["triage"].contributions}["attacks on protected objects"] == 5
    with store.connect() as conn:
        assert "203.0.113.7" not in json.dumps([dict(r) for r in conn.execute(select(audit_log)).mappings()], default=str)


def test_queue_sorts_by_priority_and_overdue_surfaces(store, world) -> None:
    u = world["users"]
    rows = world["rows"]
    opened = {}
    for i, r in enumerate(rows):
        opened[r["id"]] = svc.open_from_incident(store, world["incidents"][r["id"]], u["rita"], now=T0 + timedelta(hours=i))
    now = T0 + timedelta(hours=76)
    items = svc.queue(store, now=now)
    expected = sorted(rows, key=lambda r: (-min(2 * int(r["deaths_civilians"]), 30), rows.index(r)))
    assert [i.id for i in items] == [opened[r["id"]] for r in expected]
    # reported within 72 h: of cases opened at T0+0..5 h, those opened before T0+4 h are late at T0+76 h
    late = svc.overdue(store, now=now)
    assert {i.id for i in late} == {opened[r["id"]] for i, r in enumerate(rows) if i < 4}
    assert late[0].id == opened[rows[0]["id"]] and late[0].overdue_by == timedelta(hours=4)
    assert svc.overdue(store, now=now, deadline_hours={CaseState.REPORTED: 100}) == []
    first = opened[rows[0]["id"]]
    svc.move(store, first, "initial_assessment", u["asa"], "screened", ASSESS, now=now)
    assert first not in {i.id for i in svc.overdue(store, now=now + timedelta(hours=1))}


def test_measures_by_case_type(store, world) -> None:
    u = world["users"]
    inc = [world["incidents"][r["id"]] for r in world["rows"]]
    c1 = svc.open_from_incident(store, inc[0], u["rita"], now=T0)
    c2 = svc.open_from_incident(store, inc[1], u["rita"], now=T0)
    sv = svc.open_from_report(store, {"summary": "Women detained and raped at the checkpoint", "sexual_violence": True,
                                      "civilian_injuries": 2}, u["rita"], now=T0)
    svc.move(store, c1, "initial_assessment", u["asa"], "r", ASSESS, now=T0 + timedelta(hours=10))
    svc.move(store, c2, "initial_assessment", u["asa"], "r", ASSESS, now=T0 + timedelta(hours=30))
    svc.move(store, sv, "initial_assessment", u["asa"], "r", ASSESS, now=T0 + timedelta(hours=100))
    for c in (c1, sv):
        svc.move(store, c, "investigation", u["ann"], "ok", now=T0 + timedelta(hours=120))
        svc.move(store, c, "findings", u["ivan"], "done", FINDINGS, now=T0 + timedelta(hours=200))
    svc.move(store, c1, "response", u["ann"], "paid", RESPONSE, now=T0 + timedelta(hours=300))
    svc.move(store, c1, "lesson_learned", u["lena"], "l", {**LESSON, "status": "implemented"}, now=T0 + timedelta(hours=400))
    svc.move(store, sv, "lesson_learned", u["lena"], "l", LESSON, now=T0 + timedelta(hours=400))
    m = svc.measures(store, now=T0 + timedelta(days=10))
    other = m["time_to_state"]["other"]
    assert other["initial_assessment"] == {"cases": 2, "median_hours": 20.0, "mean_hours": 20.0}
    assert other["response"] == {"cases": 1, "median_hours": 300.0, "mean_hours": 300.0}
    assert m["time_to_state"]["sexual_violence"]["initial_assessment"]["median_hours"] == 100.0
    assert m["time_to_state"]["sexual_violence"]["response"]["cases"] == 0
    assert m["backlog"]["initial_assessment"]["3-30 days"] == 1 and m["backlog"]["lesson_learned"]["3-30 days"] == 2
    assert sum(sum(b.values()) for b in m["backlog"].values()) == 3
    assert m["response"] == {"cases_with_response": 1, "share_of_all_cases": round(1 / 3, 4),
                             "harm_confirmed_cases": 2, "share_of_harm_confirmed": 0.5}
    assert m["lessons"]["open"] == 1 and m["lessons"]["implemented"] == 1


def test_export_hides_people_from_others_and_neutralises_formulas(store, world) -> None:
    import csv
    import io

    u = world["users"]
    case_id = svc.open_from_report(store, {"summary": "=HYPERLINK(\"http://x\")  shelling of the market",
                                           "civilian_deaths": 1}, u["rita"])
    svc.add_party(store, case_id, u["ivan"], "victim", name="Hamid Noori-Qp", contact="+93 799 000 000")
    for who, named in (("vic", False), (None, False), ("lena", False), ("ivan", True), ("ann", True)):
        text = svc.export_csv(store, u[who] if who else None)
        row = next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == str(case_id))
        assert row["summary"].startswith("'=HYPERLINK")
        assert ("Hamid Noori-Qp" in text) is named and ("+93 799" in text) is named, who
        assert row["people"] == ("victim: Hamid Noori-Qp, +93 799 000 000" if named else "1 recorded, [withheld]")


def test_audit_verify_catches_an_edited_case_move(store, world) -> None:
    u = world["users"]
    case_id = svc.open_from_incident(store, world["incidents"][world["rows"][0]["id"]], u["rita"])
    svc.move(store, case_id, "initial_assessment", u["asa"], "screened", ASSESS)
    with store.begin() as conn:
        seq = conn.execute(select(audit_log.c.seq).where(audit_log.c.event == "case_moved")).scalar_one()
        conn.execute(audit_log.update().where(audit_log.c.seq == seq).values(
            after=json.dumps({"state": "closed", "version": 2})))
    with store.connect() as conn:
        _, breaches = audit.verify(conn)
    assert [b.seq for b in breaches] == [seq]


def test_a_case_follows_its_incident_when_an_analyst_merges_it_away(store, world) -> None:
    """Linkage deletes merged-away incidents; the case must move to the surviving one, not block the merge."""
    from civwatch.services import linking

    u = world["users"]
    ids = [world["incidents"][r["id"]] for r in world["rows"][:2]]
    case_id = svc.open_from_incident(store, ids[1], u["rita"], now=T0)
    kept = linking.merge(store, ids[0], ids[1], actor="ana", reason="same strike reported twice")
    with store.connect() as conn:
        assert conn.execute(select(cases.c.incident_id).where(cases.c.id == case_id)).scalar() == kept
        assert audit.verify(conn)[1] == []
