"""Personal data kept out of case reasons and details however it is written, and every free-text
field bounded: refused moves write nothing (no transition, no audit entry)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from civwatch.domain import privacy
from civwatch.services import cases as svc
from civwatch.store import audit
from civwatch.store.schema import audit_log, case_transitions
from tests.case_support import make_users

ASSESS = {"outcome": "needs_information", "reasons": ["a second source is needed"], "information_needed": "a witness"}


@pytest.fixture
def case(store):
    users = make_users(store)
    case_id = svc.open_from_report(store, {"summary": "A shell hit the market at noon; people were killed."}, users["rita"], "typed in")
    svc.add_party(store, case_id, users["ivan"], "claimant", name="Layla Haddad", contact="+963-555-0101")
    return case_id, users


def _counts(store) -> tuple[int, int]:
    with store.connect() as conn:
        return (conn.execute(select(func.count()).select_from(case_transitions)).scalar_one(),
                conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


@pytest.mark.parametrize("reason", ["called +963 555 0101", "spoke with Layla  Haddad", "phone: 963.555.0101", "haddad, layla"])
def test_a_repeat_however_written_is_refused_and_writes_nothing(store, case, reason: str) -> None:
    case_id, users = case
    before = _counts(store)
    with pytest.raises(svc.CaseRuleError, match="personal data belong in the case's people"):
        svc.move(store, case_id, "initial_assessment", users["asa"], reason, ASSESS)
    with pytest.raises(svc.CaseRuleError, match="repeat the contact|repeat the name"):
        svc.move(store, case_id, "initial_assessment", users["asa"], "fine", {**ASSESS, "information_needed": reason})
    assert _counts(store) == before
    svc.move(store, case_id, "initial_assessment", users["asa"], "the claimant (party 1) was called back", ASSESS)
    assert _counts(store) == (before[0] + 1, before[1] + 1)


def test_oversized_free_text_is_refused_before_anything_is_written(store, case) -> None:
    case_id, users = case
    before = _counts(store)
    with pytest.raises(privacy.TextTooLong, match="details: at most 20000"):
        svc.move(store, case_id, "initial_assessment", users["asa"], "ok", {**ASSESS, "information_needed": "x" * 5_000_000})
    with pytest.raises(privacy.TextTooLong, match="reason: at most 4000"):
        svc.move(store, case_id, "initial_assessment", users["asa"], "r" * 4001, ASSESS)
    with pytest.raises(privacy.TextTooLong, match="name: at most 300"):
        svc.add_party(store, case_id, users["ivan"], "witness", name="n" * 301)
    with pytest.raises(privacy.TextTooLong, match="reporter_contact: at most 300"):
        svc.submit_public_report(store, {"summary": "A shell hit the market at noon."}, "192.0.2.1", reporter_contact="c" * 301)
    assert _counts(store) == before


def test_no_audit_entry_past_its_size_bound(store) -> None:
    from civwatch.domain.events import IncidentEdited

    with store.begin() as conn:
        audit.append(conn, IncidentEdited(actor="a", entity_id="1", after={"notes": "x" * (audit.MAX_ENTRY_CHARS - 100)}))
    with pytest.raises(audit.EntryTooLarge), store.begin() as conn:
        audit.append(conn, IncidentEdited(actor="a", entity_id="1", after={"notes": "x" * audit.MAX_ENTRY_CHARS}))
    with store.connect() as conn:
        assert audit.count(conn) == 1
        assert len(json.loads(conn.execute(select(audit_log.c.after)).scalar_one())["notes"]) == audit.MAX_ENTRY_CHARS - 100


def test_publishing_a_summary_is_explicit_audited_and_names_no_one(store, case) -> None:
    from civwatch.services import case_publications as pub
    from civwatch.services.auth import AuthError

    case_id, users = case
    assert pub.published(store) == []  # nothing of a case is public until someone publishes it
    text = "A market was shelled; the case was assessed and the family was contacted."
    with pytest.raises(PermissionError, match="approver"):
        pub.publish(store, case_id, users["rita"], text, "cleared")
    with pytest.raises(AuthError):
        pub.publish(store, case_id, None, text, "cleared")
    with pytest.raises(svc.CaseRuleError, match="names no one"):
        pub.publish(store, case_id, users["ann"], text + " Contact: 963 555 0101.", "cleared")
    before = _counts(store)
    pub.publish(store, case_id, users["ann"], text, "cleared by the cell's legal adviser")
    (shown,) = pub.published(store)
    assert shown["case_id"] == case_id and shown["summary"] == text and "published_by" not in shown
    with store.connect() as conn:
        entry = audit.entries(conn, entity="case", entity_id=str(case_id), limit=1)[0]
    assert entry["event"] == "case_summary_published" and entry["actor"] == "ann"
    assert json.loads(entry["after"]) == {"summary": text, "reason": "cleared by the cell's legal adviser"}
    assert _counts(store) == (before[0], before[1] + 1)
    pub.withdraw(store, case_id, users["ann"], "the family asked")
    assert pub.published(store) == []
