"""The decision log on SQLite and PostgreSQL: entries in the hash chain, the queries, the export,
and civwatch's own link runs logged as machine decisions (real GED events and ACLED-layout copies)."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from civwatch.domain.decisions import GRADING_SYSTEM, LINK_SYSTEM, DecisionIn
from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import acled_report, ged_report
from civwatch.linkage.evaluation.perturb import acled_row
from civwatch.services import audit_trail, auth, linking
from civwatch.services import decisions as svc
from civwatch.store.schema import decisions, incidents, reports
from tests.linkage.store_rows import put_reports
from tests.services.test_linking import _ged_rows

T0 = datetime(2024, 2, 27, 14, 0, tzinfo=UTC)


@pytest.fixture
def people(store):
    return {name: auth.add_user(store, name, "a long test password", roles)
            for name, roles in (("lena", "analyst"), ("vic", "viewer"))}


def entry(**changes) -> DecisionIn:
    base = {"system": "AidA", "system_version": "1.0", "kind": "targeting", "output": "strike", "confidence": 0.8,
            "reviewer": "maj. test", "decision": "approved", "rule": "ROE 3", "decided_at": T0}
    return DecisionIn(**(base | changes))


PLAN = [("AidA", "approved"), ("AidA", "overridden"), ("AidA", "overridden"), ("AidA", "unreviewed"),
        ("AidB", "aborted"), ("AidB", "unreviewed"), ("AidC", "unreviewed")]


def test_entries_are_chained_and_the_queries_count_them(store, people):
    ids = []
    for n, (system, decision) in enumerate(PLAN):
        reviewer = None if decision == "unreviewed" else "maj. test"
        ids.append(svc.record(store, people["lena"], entry(system=system, decision=decision, reviewer=reviewer,
                                                           decided_at=T0 + timedelta(minutes=n))))
    assert audit_trail.verify(store)[1] == []
    unreviewed = svc.query(store, unreviewed=True)
    assert sorted(d["id"] for d in unreviewed) == sorted(i for i, (_, d) in zip(ids, PLAN, strict=True) if d == "unreviewed")
    rates = {r["system"]: r for r in svc.rates(store)}
    for system in ("AidA", "AidB", "AidC"):
        mine = [d for s, d in PLAN if s == system]
        reviewed = [d for d in mine if d != "unreviewed"]
        assert rates[system]["entries"] == len(mine) and rates[system]["unreviewed"] == mine.count("unreviewed")
        expected = mine.count("overridden") / len(reviewed) if reviewed else None
        assert rates[system]["override_rate"] == expected
    assert rates["AidC"]["override_rate"] is None  # unknown, not zero: nobody reviewed it
    doc = svc.show(store, ids[1])
    assert doc["chained"] and doc["decision"] == "overridden" and doc["decided_at"] == (T0 + timedelta(minutes=1)).isoformat(timespec="microseconds")


def test_an_edited_row_no_longer_matches_its_audit_entry(store, people):
    decision_id = svc.record(store, people["lena"], entry(decision="overridden"))
    with store.begin() as conn:
        conn.execute(update(decisions).where(decisions.c.id == decision_id).values(decision="approved"))
    assert svc.show(store, decision_id)["chained"] is False


def test_entries_are_refused_without_role_or_reviewer(store, people):
    with pytest.raises(PermissionError):
        svc.record(store, people["vic"], entry())
    with pytest.raises(PermissionError):
        svc.record(store, None, entry())
    with pytest.raises(ValueError, match="reviewer"):
        svc.record(store, people["lena"], entry(reviewer=None, decision="approved"))
    with pytest.raises(ValueError, match="no evidence item 42"):
        svc.record(store, people["lena"], entry(inputs=[42]))
    with pytest.raises(ValidationError):
        entry(decided_at=datetime(2024, 1, 1))  # no offset: ambiguous
    with store.connect() as conn:
        assert conn.execute(select(decisions.c.id)).all() == []


def test_export_neutralises_formulas(store, people, tmp_path):
    svc.record(store, people["lena"], entry(output="=HYPERLINK(\"http://x\")"))
    out = tmp_path / "decisions.csv"
    assert svc.export(store, out) == 1
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["output"].startswith("'=") and rows[0]["chained"] == "True"


def test_a_link_run_logs_its_merges_and_grades(store, shared_data):
    ged = _ged_rows(shared_data, count=12)
    rng = random.Random(7)
    ged_reports = [ged_report(r, iso3(r["country"])) for r in ged]
    acled_reports = [acled_report(acled_row(r, iso3(r["country"]), f"UKR{9000 + n}", rng)) for n, r in enumerate(ged)]
    put_reports(store, ged_reports + acled_reports)
    with store.connect() as conn:
        before = dict(conn.execute(select(reports.c.id, reports.c.incident_id)).all())
    linking.link(store, actor="test")
    with store.connect() as conn:
        after = dict(conn.execute(select(reports.c.id, reports.c.incident_id)).all())
        grades = dict(conn.execute(select(incidents.c.id, incidents.c.grade)).all())
    moved = {rid for rid in before if before[rid] != after[rid]}
    assert moved  # the copies joined their originals
    link_entry = svc.query(store, system=LINK_SYSTEM)
    assert len(link_entry) == 1 and link_entry[0]["decision"] == "unreviewed" and link_entry[0]["reviewer"] is None
    doc = svc.show(store, link_entry[0]["id"])
    assert doc["chained"] and doc["params"]["config"]["match_threshold"] > 0 and len(doc["params"]["model_sha256"]) == 64
    logged_moves = {int(r) for s in doc["subjects"] if s["action"] == "merge"
                    for reps in s["detail"]["reports_from"].values() for r in reps}
    assert logged_moves == moved
    graded = svc.show(store, svc.query(store, system=GRADING_SYSTEM)[0]["id"])
    assert graded["chained"]
    for s in graded["subjects"]:
        assert s["detail"]["grade"] == grades[s["incident_id"]]
    # per incident: the machine decisions that touched it
    some = next(iter(after[r] for r in moved))
    assert {d["system"] for d in svc.query(store, incident_id=some)} == {LINK_SYSTEM, GRADING_SYSTEM}
    assert json.loads(json.dumps(svc.summary(store)))  # serialisable
