"""Missing persons end to end on a real store: a family's report, registration that searches the
lists held, a list import that searches the open cases and tells the officer through a real
local SMTP server (aiosmtpd), confirmation by a person only, rejection never offered again,
personal fields sealed at rest, the family's follow-up without details, the refusals."""

from __future__ import annotations

import csv
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from civwatch.services import auth
from civwatch.services import missing as svc
from civwatch.services import missing_lists as lists
from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import audit_log, missing_cases, missing_list_entries
from tests.helpers import SHARED_DATA

AIRWARS = Path(SHARED_DATA) / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv"


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def arabic_list(tmp_path_factory) -> tuple[Path, list[dict]]:
    """The first 400 rows of the Airwars list with the Arabic names only, plus two bad rows."""
    with open(AIRWARS, encoding="utf-8", newline="") as fh:
        rows = [r for _, r in zip(range(400), csv.DictReader(fh), strict=False)]
    path = tmp_path_factory.mktemp("lists") / "arabic.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name_ar", "age_years", "gender"])
        for r in rows:
            w.writerow([r["name_ar"], r["age_years"], r["gender"]])
        w.writerow(["", "30", "m"])  # no name
        w.writerow(["محمد", "2999-01-01", "x"])  # a bad sex value
    return path, rows


@pytest.fixture
def world(tmp_path, monkeypatch, smtp):
    controller, inbox = smtp
    inbox.messages.clear()
    monkeypatch.setenv("CIVWATCH_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CIVWATCH_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CIVWATCH_MISSING_NOTIFY_TO", "desk@example.org")
    monkeypatch.setenv("CIVWATCH_PUBLIC_REPORT_LIMIT", "3")
    engine = make_engine(f"sqlite:///{tmp_path / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    who = {}
    for role in ("investigator", "recorder", "assessor"):
        auth.add_user(engine, role, "a long test password", role)
        who[role] = auth.principal_for_token(engine, auth.issue_token(engine, role))
    yield engine, who, inbox
    engine.dispose()


def _family_report(rows: list[dict]) -> tuple[dict, dict]:
    target = next(r for r in rows if r["name_en"].count(" ") >= 2 and r["age_years"] and r["gender"])
    return target, {"name": target["name_en"].replace("Al-", "El-"), "age": float(target["age_years"]), "sex": target["gender"],
                    "circumstance": "disappeared_in_attack", "reporter_name": "Reporter Name", "reporter_contact": "+970-555-0101"}


def test_report_register_import_notify_confirm(world, arabic_list) -> None:
    engine, who, inbox = world
    path, rows = arabic_list
    target, facts = _family_report(rows)
    opened = svc.report_public(engine, facts, "10.0.0.1")
    case_id = opened["id"]
    assert svc.register(engine, case_id, who["recorder"])["state"] == "searching"  # no list held yet
    out = lists.import_list(engine, path, "dead", "Airwars (Arabic names)", "Airwars via alexschell/airwars-gaza-data", "2024-09-25",
                            who["recorder"])
    # every row accounted for: the 400 rows plus the two bad ones; rows without an Arabic name are rejected
    unnamed = sum(1 for r in rows if not r["name_ar"].strip())
    assert (out["read"], out["accepted"], out["rejected"]) == (402, 400 - unnamed, 2 + unnamed)
    assert [r["reason"] for r in lists.rejections(engine, out["id"], who["investigator"])][0] == "no name"
    case = svc.get_case(engine, case_id, who["investigator"])
    assert case["state"] == "candidate_match"
    top = case["candidates"][0]
    assert top["entry"]["names"] == [target["name_ar"]], [c["entry"]["names"] for c in case["candidates"]]
    assert {r["component"] for r in top["reasons"]} == {"names", "birth", "sex", "place"}
    # the officer was told, through the real SMTP server, without a name
    assert len(inbox.messages) == 1 and inbox.messages[0][0] == ["desk@example.org"]
    assert opened["code"] in inbox.messages[0][1] and target["name_ar"] not in inbox.messages[0][1]
    # the family sees a status change, never the candidate
    followed = svc.follow(engine, opened["code"], opened["secret"], "10.0.0.1")
    assert followed["state"] == "a possible match is being checked" and target["name_ar"] not in str(followed)
    # a recorder cannot confirm; an investigator can; nothing was confirmed before
    with pytest.raises(PermissionError):
        svc.decide(engine, case_id, top["id"], who["recorder"], True, "looks right")
    assert svc.decide(engine, case_id, top["id"], who["investigator"], True, "identified by the family")["state"] == "confirmed_dead"
    # every transition is in the audit chain
    with engine.connect() as conn:
        events = [r.event for r in conn.execute(select(audit_log).where(audit_log.c.entity == "missing_case")).all()]
    assert events.count("missing_case_moved") == 4 and "missing_candidate_decided" in events  # registered, searching, match, dead


def test_rejected_candidates_are_not_offered_again(world, arabic_list) -> None:
    engine, who, _ = world
    path, rows = arabic_list
    lists.import_list(engine, path, "dead", "first copy", "Airwars", "2024-09-25", who["recorder"])
    _, facts = _family_report(rows)
    case_id = svc.report_officer(engine, facts, who["recorder"])["id"]
    svc.register(engine, case_id, who["recorder"])
    offered = svc.get_case(engine, case_id, who["investigator"])["candidates"]
    for c in offered:
        svc.decide(engine, case_id, c["id"], who["investigator"], False, "not him")
    assert svc.get_case(engine, case_id, who["investigator"])["state"] == "searching"
    assert svc.search(engine, case_id, who["recorder"]) == 0  # the same entries are never offered again


def test_personal_fields_are_sealed_and_withheld(world) -> None:
    engine, who, _ = world
    opened = svc.report_public(engine, {"name": "Олександр Шевченко", "age": 9, "reporter_contact": "+380-555-0101"}, "10.0.0.2")
    with engine.connect() as conn:
        raw = dict(conn.execute(select(missing_cases)).mappings().one())
        audit_text = " ".join(str(r) for r in conn.execute(select(audit_log)).all())
    assert "Шевченко" not in str(raw) and "+380" not in str(raw) and "Шевченко" not in audit_text
    assert raw["child"] is True  # a child is flagged for triage
    shown = svc.get_case(engine, opened["id"], who["recorder"])
    assert shown["personal_data"] == "withheld" and shown["person"]["names"] == svc.WITHHELD
    assert svc.get_case(engine, opened["id"], who["investigator"])["person"]["names"] == ["Олександр Шевченко"]
    with pytest.raises(PermissionError):
        svc.get_case(engine, opened["id"], who["assessor"])


def test_refusals(world) -> None:
    engine, who, _ = world
    with pytest.raises(svc.MissingRuleError, match="future"):
        svc.report_public(engine, {"name": "Someone", "date_of_birth": "2999-01-01"}, "10.0.0.3")
    for bad, why in ((999_999, "no incident 999999"), ("x", "the number of an incident")):  # not a 500 from the store
        with pytest.raises(svc.MissingRuleError, match=why):
            svc.report_public(engine, {"name": "Someone", "incident_id": bad}, "10.0.0.4")
    opened = svc.report_public(engine, {"name": "Someone Else"}, "10.0.0.3")
    with pytest.raises(svc.RateLimited):
        for _ in range(3):
            svc.report_public(engine, {"name": "Someone Else"}, "10.0.0.3")
    # a wrong code and a wrong secret say the same, and guessing is rate-limited
    messages = set()
    for code, secret in ((opened["code"], "wrong"), ("MP-AAAA-AAAA", opened["secret"])):
        with pytest.raises(svc.MissingNotFound) as exc:
            svc.follow(engine, code, secret, "10.0.0.4")
        messages.add(str(exc.value))
    assert len(messages) == 1
    with pytest.raises(svc.RateLimited):
        for _ in range(10):
            try:
                svc.follow(engine, "MP-AAAA-AAAA", "x", "10.0.0.4")
            except svc.MissingNotFound:
                pass
    with pytest.raises(svc.MissingRuleError, match="confirming one of its candidates"):
        svc.move(engine, opened["id"], "confirmed_alive", who["recorder"], "because")


def test_overdue_and_children_first(world) -> None:
    engine, who, _ = world
    now = datetime.now(UTC)
    adult = svc.report_officer(engine, {"name": "Adult Person", "age": 40}, who["recorder"], now=now - timedelta(hours=30))["id"]
    child = svc.report_officer(engine, {"name": "Child Person", "age": 8}, who["recorder"], now=now - timedelta(hours=2))["id"]
    fresh = svc.report_officer(engine, {"name": "Fresh Person", "age": 40}, who["recorder"], now=now - timedelta(hours=1))["id"]
    assert [i["id"] for i in svc.queue(engine, who["recorder"], now)] == [adult, child, fresh]
    assert svc.measures(engine, now)["overdue_now"] == 1
    assert svc.public_figures(engine)["cases"] == "< 5"


def test_entries_are_sealed_on_import(world, arabic_list) -> None:
    engine, who, _ = world
    path, rows = arabic_list
    lists.import_list(engine, path, "detained", "sealed", "test", "2024-09-25", who["recorder"], search=False)
    with engine.connect() as conn:
        stored = " ".join(r.person_enc for r in conn.execute(select(missing_list_entries)).all())
    assert rows[0]["name_ar"] not in stored
