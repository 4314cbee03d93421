"""CHMR case work as use cases: open, move, add people, review public reports, queue, measures.

Every write runs in one transaction with its audit event, so the case, its transition and the
audit entry land together or not at all. Moves use optimistic concurrency: a move applies only
if the case is still at the version read; otherwise `CaseConflict`, and nothing is written.

Personal data (names, identifiers, contact of victims, claimants and reporters) is returned
only to principals whose roles are granted it (`PERSONAL_DATA_ROLES`); for everyone else the
fields are withheld. It never enters audit events, transition details or log records.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from civwatch import settings
from civwatch.domain import privacy
from civwatch.domain.cases import (
    OPEN_ROLES,
    PERSONAL_DATA_ROLES,
    CaseConflict,
    CaseForbidden,
    CaseOpened,
    CasePartyAdded,
    CaseRuleError,
    CaseSnapshot,
    CaseState,
    CaseType,
    PartyRole,
    PublicReportReceived,
    PublicReportReviewed,
    ReportedHarm,
    can_see_personal_data,
    case_type,
    check_move,
    describe_validation,
    has_role,
    moves_from,
    overdue_by,
    parse_deadlines,
    refuse_control_characters,
)
from civwatch.domain.events import CaseMoved
from civwatch.domain.taxonomy import CivilianObject, Grade, Weapon
from civwatch.domain.triage import Triage, TriageFacts, score
from civwatch.services.auth import AuthError, Principal
from civwatch.store import audit
from civwatch.store import cases as store

log = logging.getLogger(__name__)

WITHHELD = "[withheld]"
PERSONAL_FIELDS = ("name", "identifier", "contact")
REPORTER_FIELDS = ("reporter_name", "reporter_contact")

__all__ = [
    "CaseConflict",
    "CaseForbidden",
    "CaseRuleError",
    "CaseNotFound",
    "RateLimited",
    "open_from_incident",
    "open_from_report",
    "submit_public_report",
    "review_public_report",
    "move",
    "add_party",
    "get_case",
    "queue",
    "overdue",
    "measures",
    "as_of",
]


class CaseNotFound(LookupError):
    """No case (or public report) with that id."""


class RateLimited(RuntimeError):
    """Too many public reports from one address within the hour."""


def deadlines() -> dict[CaseState, int]:
    return parse_deadlines(os.environ.get("CIVWATCH_CASE_DEADLINES"))


def public_report_limit() -> int:
    return settings.int_setting("CIVWATCH_PUBLIC_REPORT_LIMIT", 5, 0)


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back; every stored time is UTC."""
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _require(principal: Principal | None, roles: frozenset, what: str) -> Principal:
    if principal is None:
        raise AuthError(f"{what} needs an account")
    if not has_role(principal.roles, *roles):
        need = " or ".join(sorted(r.value for r in roles))
        raise PermissionError(f"{what} needs the role {need}; {principal.username} does not have it")
    return principal


# ---- opening cases -----------------------------------------------------------------------------


def _opening(conn, case_id: int, actor: str, reason: str, now: datetime, after: dict[str, Any]) -> None:
    store.add_transition(
        conn,
        {
            "case_id": case_id, "version": 1, "from_state": None, "to_state": CaseState.REPORTED.value,
            "action": "open", "actor": actor, "at": now, "reason": reason, "details": json.dumps(after, sort_keys=True),
        },
    )
    audit.append(conn, CaseOpened(actor=actor, entity_id=str(case_id), after={**after, "reason": reason}, at=now))


def _base_values(actor: str, now: datetime, reported_at: datetime) -> dict[str, Any]:
    return {
        "state": CaseState.REPORTED.value, "version": 1, "state_entered_at": now, "reported_at": reported_at,
        "opened_by": actor, "created_at": now, "updated_at": now,
    }


def open_from_incident(
    engine: Engine, incident_id: int, principal: Principal, reason: str = "", now: datetime | None = None
) -> int:
    """Open a case for an incident of the register; its facts seed the triage."""
    _require(principal, OPEN_ROLES, "opening a case")
    refuse_control_characters(reason)
    privacy.bound(reason=reason)
    now = _now(now)
    with engine.begin() as conn:
        inc = store.incident(conn, incident_id)
        if inc is None:
            raise CaseNotFound(f"no incident {incident_id} in the register")
        existing = store.open_case_for_incident(conn, incident_id)
        if existing is not None:
            raise CaseRuleError(f"incident {incident_id} already has an open case ({existing})")
        weapons = store.incident_weapons(conn, incident_id) | {inc["weapon"]}
        sexual = Weapon.SEXUAL_VIOLENCE.value in weapons
        explosive = any(Weapon(w).is_explosive for w in weapons if w in Weapon._value2member_map_)
        objects = sorted(store.incident_object_kinds(conn, incident_id))
        place = ", ".join(p for p in (inc["location"], inc["admin2"], inc["admin1"]) if p)
        summary = inc["headline"] or f"Incident {incident_id}: {inc['country_iso3']} {inc['date_start']}" + (f", {place}" if place else "")
        values = {
            **_base_values(principal.username, now, now),
            "incident_id": incident_id, "origin": "incident", "summary": summary,
            "country_iso3": inc["country_iso3"], "date_start": inc["date_start"], "location": place or None,
            "case_type": case_type(sexual, explosive).value,
            "civilian_deaths": inc["civilian_deaths_best"] or 0,
            "civilian_injuries": inc["civilian_injuries_best"] or 0,
            "children_harmed": store.incident_children_harmed(conn, incident_id),
            "sexual_violence": sexual, "protected_objects": ",".join(objects),
            "evidence_grade": inc["grade_override"] or inc["grade"] or Grade.UNGRADED.value,
        }
        case_id = store.insert_case(conn, values)
        _opening(conn, case_id, principal.username, reason or f"opened from incident {incident_id}", now,
                 {"origin": "incident", "incident_id": incident_id, "case_type": values["case_type"]})
    log.info("case %s opened from incident %s by %s", case_id, incident_id, principal.username)
    return case_id


def _harm_values(facts: ReportedHarm) -> dict[str, Any]:
    return {
        "summary": facts.summary, "country_iso3": facts.country_iso3, "date_start": facts.date_start,
        "location": facts.location, "civilian_deaths": facts.civilian_deaths,
        "civilian_injuries": facts.civilian_injuries, "children_harmed": facts.children_harmed,
        "sexual_violence": facts.sexual_violence,
        "protected_objects": ",".join(sorted(o.value for o in facts.protected_objects)),
    }


def _parse_harm(facts: ReportedHarm | Mapping[str, Any]) -> ReportedHarm:
    if isinstance(facts, ReportedHarm):
        return facts
    try:
        return ReportedHarm.model_validate(dict(facts))
    except ValidationError as exc:
        raise ValueError("the report of harm is not valid: " + describe_validation(exc)) from None


def open_from_report(
    engine: Engine, facts: ReportedHarm | Mapping[str, Any], principal: Principal, reason: str = "",
    now: datetime | None = None,
) -> int:
    """Open a case from a report of harm typed in by a recorder (no register incident needed)."""
    _require(principal, OPEN_ROLES, "opening a case")
    refuse_control_characters(reason)
    privacy.bound(reason=reason)
    facts = _parse_harm(facts)
    now = _now(now)
    values = {
        **_base_values(principal.username, now, now), **_harm_values(facts), "origin": "typed",
        "case_type": case_type(facts.sexual_violence, facts.explosive_weapons).value,
    }
    with engine.begin() as conn:
        case_id = store.insert_case(conn, values)
        _opening(conn, case_id, principal.username, reason or "opened from a typed-in report", now,
                 {"origin": "typed", "case_type": values["case_type"]})
    return case_id


def client_hash(address: str) -> str:
    """A keyed hash of the sender's address: enough to rate-limit, not to find the sender."""
    key = (os.environ.get("CIVWATCH_SECRET_KEY") or "civwatch-public-reports").encode()
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def submit_public_report(
    engine: Engine, facts: ReportedHarm | Mapping[str, Any], address: str, reporter_name: str | None = None,
    reporter_contact: str | None = None, now: datetime | None = None,
) -> int:
    """A report of harm from anyone, no account needed: rate-limited per address, queued for review."""
    facts = _parse_harm(facts)
    refuse_control_characters(reporter_name, reporter_contact)
    privacy.bound(reporter_name=reporter_name, reporter_contact=reporter_contact)
    now = _now(now)
    digest = client_hash(address)
    limit = public_report_limit()
    with engine.begin() as conn:
        if store.recent_public_reports(conn, digest, now - timedelta(hours=1)) >= limit:
            raise RateLimited(f"at most {limit} reports per hour from one address; please try again later")
        report_id = store.insert_public_report(
            conn,
            {
                **_harm_values(facts), "received_at": now, "client_hash": digest, "status": "pending",
                "reporter_name": (reporter_name or "").strip() or None,
                "reporter_contact": (reporter_contact or "").strip() or None,
            },
        )
        audit.append(conn, PublicReportReceived(actor="public", entity_id=str(report_id), after={"status": "pending"}, at=now))
    return report_id


def public_queue(engine: Engine, principal: Principal, status: str | None = "pending") -> list[dict]:
    _require(principal, OPEN_ROLES, "reviewing public reports")
    with engine.connect() as conn:
        rows = store.public_report_queue(conn, status)
    return [_redact_reporter(r, principal) for r in rows]


def _redact_reporter(row: dict, principal: Principal | None) -> dict:
    out = {k: v for k, v in row.items() if k != "client_hash"}
    if not (principal and can_see_personal_data(principal.roles)):
        for f in REPORTER_FIELDS:
            out[f] = WITHHELD if out.get(f) else None
    return out


def review_public_report(
    engine: Engine, report_id: int, principal: Principal, accept: bool, reason: str, now: datetime | None = None
) -> int | None:
    """Accept (opens a case; the reporter becomes a case party) or reject a queued public report."""
    _require(principal, OPEN_ROLES, "reviewing public reports")
    if not (reason or "").strip():
        raise ValueError("a review needs a reason")
    refuse_control_characters(reason)
    privacy.bound(reason=reason)
    now = _now(now)
    with engine.begin() as conn:
        row = store.get_public_report(conn, report_id)
        if row is None:
            raise CaseNotFound(f"no public report {report_id}")
        if row["status"] != "pending":
            raise CaseRuleError(f"public report {report_id} was already {row['status']} by {row['reviewed_by']}")
        case_id = None
        if accept:
            objects = [o for o in (row["protected_objects"] or "").split(",") if o]
            values = {
                **_base_values(principal.username, now, _aware(row["received_at"])),
                "origin": "public", "public_report_id": report_id,
                "case_type": case_type(row["sexual_violence"], False).value,
                **{k: row[k] for k in ("summary", "country_iso3", "date_start", "location", "civilian_deaths",
                                        "civilian_injuries", "children_harmed", "sexual_violence")},
                "protected_objects": ",".join(objects),
            }
            case_id = store.insert_case(conn, values)
            _opening(conn, case_id, principal.username, reason, now, {"origin": "public", "public_report_id": report_id})
            if row["reporter_name"] or row["reporter_contact"]:
                store.add_party(conn, {
                    "case_id": case_id, "role": PartyRole.REPORTER.value, "name": row["reporter_name"],
                    "contact": row["reporter_contact"], "added_by": principal.username, "added_at": now,
                })
        done = store.review_public_report(conn, report_id, {
            "status": "accepted" if accept else "rejected", "reviewed_by": principal.username,
            "reviewed_at": now, "review_reason": reason, "case_id": case_id,
        })
        if not done:
            raise CaseConflict(f"public report {report_id} was reviewed by someone else meanwhile")
        audit.append(conn, PublicReportReviewed(
            actor=principal.username, entity_id=str(report_id),
            before={"status": "pending"}, after={"status": "accepted" if accept else "rejected", "case_id": case_id, "reason": reason},
            at=now,
        ))
    return case_id


# ---- moving cases ------------------------------------------------------------------------------


def _snapshot(row: dict) -> CaseSnapshot:
    return CaseSnapshot(
        id=row["id"], state=CaseState(row["state"]), version=row["version"],
        assessment_outcome=row["assessment_outcome"], assessed_by=row["assessed_by"],
    )


def _check_no_personal_data(parties: list[dict], texts: list[str]) -> None:
    """Refuse a reason or details that repeat a case party's name, identifier or contact, however
    spaced, punctuated or formatted (`domain.privacy`)."""
    field = privacy.repeated_field(parties, texts, PERSONAL_FIELDS)
    if field:
        raise CaseRuleError(
            f"the reason or details repeat the {field} of a person in the case; personal data belong "
            "in the case's people only (refer to them by party id)"
        )


def _values_for(target: CaseState, same_state: bool, details: dict, actor: str, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"state": target.value, "updated_at": now}
    if not same_state:
        values["state_entered_at"] = now
    text = json.dumps(details, sort_keys=True)
    if target is CaseState.INITIAL_ASSESSMENT:
        values |= {"assessment_outcome": details["outcome"], "assessed_by": actor, "assessment": text}
    elif target is CaseState.FINDINGS:
        values |= {"findings": text, "harm_confirmed": details["harm_confirmed"], "ihl_concern": details["ihl_concern"]}
    elif target is CaseState.RESPONSE:
        values |= {"response": text, "response_kind": details["kind"]}
    elif target is CaseState.LESSON_LEARNED:
        values |= {"lesson": text, "lesson_status": details["status"]}
    elif target is CaseState.CLOSED:
        values["closed_at"] = now
    elif target is CaseState.REPORTED:  # reopened: a fresh assessment is needed
        values |= {"closed_at": None, "assessment_outcome": None, "assessed_by": None}
    return values


def move(
    engine: Engine,
    case_id: int,
    to: CaseState | str,
    principal: Principal,
    reason: str,
    details: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> dict:
    """Move a case; returns the case row after the move.

    `expected_version` is the version the caller saw (a form's hidden field); without it the
    version read here is used. Either way, if another move lands first this one raises
    `CaseConflict` and writes nothing.
    """
    if principal is None:
        raise AuthError("moving a case needs an account")
    privacy.bound(reason=reason, details=json.dumps(details or {}, ensure_ascii=False, default=str))
    now = _now(now)
    try:
        with engine.begin() as conn:
            row = store.get_case(conn, case_id)
            if row is None:
                raise CaseNotFound(f"no case {case_id}")
            if expected_version is not None and row["version"] != expected_version:
                raise CaseConflict(
                    f"case {case_id} changed since you read it (version {expected_version}, now {row['version']}, "
                    f"{row['state'].replace('_', ' ')}); reload it and decide again"
                )
            snap = _snapshot(row)
            chosen, clean = check_move(snap, to, principal.username, principal.roles, reason, details)
            _check_no_personal_data(store.parties(conn, case_id), [reason, json.dumps(clean, ensure_ascii=False)])
            values = _values_for(chosen.target, chosen.source is chosen.target, clean, principal.username, now)
            if not store.update_case(conn, case_id, snap.version, values):
                raise CaseConflict(f"case {case_id} was moved by someone else meanwhile; reload it and decide again")
            store.add_transition(conn, {
                "case_id": case_id, "version": snap.version + 1, "from_state": snap.state.value,
                "to_state": chosen.target.value, "action": chosen.action, "actor": principal.username, "at": now,
                "reason": reason.strip(), "details": json.dumps(clean, sort_keys=True),
            })
            audit.append(conn, CaseMoved(
                actor=principal.username, entity_id=str(case_id), at=now,
                before={"state": snap.state.value, "version": snap.version},
                after={"state": chosen.target.value, "version": snap.version + 1, "action": chosen.action,
                       "reason": reason.strip(), "details": clean},
            ))
            after = store.get_case(conn, case_id)
    except OperationalError as exc:  # SQLite: another writer committed first (stale snapshot)
        if "locked" in str(exc.orig).lower() or "busy" in str(exc.orig).lower():
            raise CaseConflict(f"case {case_id} was moved by someone else meanwhile; reload it and decide again") from None
        raise
    except IntegrityError as exc:  # two moves raced to the same (case, version)
        raise CaseConflict(f"case {case_id} was moved by someone else meanwhile; reload it and decide again") from exc
    log.info("case %s moved %s -> %s by %s", case_id, snap.state.value, chosen.target.value, principal.username)
    return after


def add_party(
    engine: Engine, case_id: int, principal: Principal, role: PartyRole | str, name: str | None = None,
    identifier: str | None = None, contact: str | None = None, relationship: str | None = None,
    now: datetime | None = None,
) -> int:
    """Record a victim, claimant, witness or recipient. Only roles granted personal data may."""
    _require(principal, PERSONAL_DATA_ROLES, "recording a person's details")
    try:
        role = PartyRole(role)
    except ValueError:
        raise ValueError(f"unknown party role {role!r}; roles are {', '.join(r.value for r in PartyRole)}") from None
    refuse_control_characters(name, identifier, contact, relationship)
    privacy.bound(name=name, identifier=identifier, contact=contact, relationship=relationship)
    if not any((name, identifier, contact)):
        raise ValueError("a person needs at least a name, an identifier or a contact")
    now = _now(now)
    with engine.begin() as conn:
        row = store.get_case(conn, case_id)
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        if row["state"] == CaseState.CLOSED.value:
            raise CaseRuleError(f"case {case_id} is closed and cannot be edited; reopen it first")
        party_id = store.add_party(conn, {
            "case_id": case_id, "role": role.value, "name": name, "identifier": identifier, "contact": contact,
            "relationship": relationship, "added_by": principal.username, "added_at": now,
        })
        fields = [f for f, v in (("name", name), ("identifier", identifier), ("contact", contact)) if v]
        audit.append(conn, CasePartyAdded(
            actor=principal.username, entity_id=str(case_id), at=now,
            after={"party_id": party_id, "role": role.value, "fields": fields},
        ))
    return party_id


# ---- reading cases -----------------------------------------------------------------------------


def triage_facts(row: dict) -> TriageFacts:
    objects = frozenset(CivilianObject(o) for o in (row["protected_objects"] or "").split(",") if o)
    return TriageFacts(
        civilian_deaths=row["civilian_deaths"] or 0, civilian_injuries=row["civilian_injuries"] or 0,
        children_harmed=row["children_harmed"], sexual_violence=bool(row["sexual_violence"]),
        objects_hit=objects, evidence=Grade(row["evidence_grade"]), reported_at=_aware(row["reported_at"]),
    )


def triage(row: dict, now: datetime | None = None) -> Triage:
    return score(triage_facts(row), _now(now))


def _redact_party(party: dict, allowed: bool) -> dict:
    out = dict(party)
    if not allowed:
        for f in PERSONAL_FIELDS:
            out[f] = WITHHELD if out.get(f) else None
        out["relationship"] = WITHHELD if out.get("relationship") else None
    return out


def _decode(row: dict) -> dict:
    out = dict(row)
    for key in ("assessment", "findings", "response", "lesson"):
        out[key] = json.loads(row[key]) if row.get(key) else None
    for key in ("reported_at", "state_entered_at", "closed_at", "created_at", "updated_at"):
        out[key] = _aware(row.get(key))
    return out


def get_case(engine: Engine, case_id: int, principal: Principal | None, now: datetime | None = None) -> dict:
    """A case with its timeline, people (personal data withheld unless granted), triage and deadline."""
    now = _now(now)
    with engine.connect() as conn:
        row = store.get_case(conn, case_id)
        if row is None:
            raise CaseNotFound(f"no case {case_id}")
        timeline = store.transitions(conn, case_id)
        people = store.parties(conn, case_id)
    allowed = bool(principal) and can_see_personal_data(principal.roles)
    case = _decode(row)
    for t in timeline:
        t["details"] = json.loads(t["details"]) if t["details"] else {}
        t["at"] = _aware(t["at"])
    case["timeline"] = timeline
    case["parties"] = [_redact_party(p, allowed) for p in people]
    case["personal_data_visible"] = allowed
    case["triage"] = triage(row, now)
    late = overdue_by(CaseState(row["state"]), case["state_entered_at"], now, deadlines())
    case["overdue_by"] = late
    case["next_moves"] = [
        {"to": m.target.value, "action": m.action, "roles": sorted(r.value for r in m.roles)}
        for m in moves_from(CaseState(row["state"]))
    ]
    return case


@dataclass(frozen=True)
class QueueItem:
    id: int
    state: str
    case_type: str
    summary: str
    country_iso3: str | None
    reported_at: datetime
    state_entered_at: datetime
    version: int
    score: float
    triage: Triage
    overdue_by: timedelta | None


def queue(
    engine: Engine, states: list[str] | None = None, now: datetime | None = None,
    deadline_hours: Mapping[CaseState, int] | None = None, only_overdue: bool = False,
) -> list[QueueItem]:
    """Open cases (or those in `states`), highest priority first; ties: oldest report first."""
    now = _now(now)
    limits = deadline_hours or deadlines()
    for s in states or []:
        CaseState(s)
    with engine.connect() as conn:
        rows = store.list_cases(conn, states or [s.value for s in CaseState if s is not CaseState.CLOSED])
    items = []
    for row in rows:
        t = triage(row, now)
        entered = _aware(row["state_entered_at"])
        late = overdue_by(CaseState(row["state"]), entered, now, limits)
        if only_overdue and late is None:
            continue
        items.append(QueueItem(
            id=row["id"], state=row["state"], case_type=row["case_type"], summary=row["summary"],
            country_iso3=row["country_iso3"], reported_at=_aware(row["reported_at"]), state_entered_at=entered,
            version=row["version"], score=t.score, triage=t, overdue_by=late,
        ))
    items.sort(key=lambda i: (-i.score, i.reported_at, i.id))
    return items


def overdue(engine: Engine, now: datetime | None = None, deadline_hours: Mapping[CaseState, int] | None = None) -> list[QueueItem]:
    """Open cases past their state's deadline, most overdue first."""
    items = queue(engine, now=now, deadline_hours=deadline_hours, only_overdue=True)
    return sorted(items, key=lambda i: (-(i.overdue_by or timedelta(0)), i.id))


AGE_BUCKETS: tuple[tuple[str, timedelta | None], ...] = (
    ("under 3 days", timedelta(days=3)),
    ("3-30 days", timedelta(days=30)),
    ("30-90 days", timedelta(days=90)),
    ("over 90 days", None),
)


def _bucket(age: timedelta) -> str:
    for name, upper in AGE_BUCKETS:
        if upper is None or age < upper:
            return name
    return AGE_BUCKETS[-1][0]


def measures(engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """Time from report to each state by case type (sexual violence apart), backlog by state and
    age, share of cases with a response, lessons open vs implemented."""
    now = _now(now)
    with engine.connect() as conn:
        rows = store.list_cases(conn)
        moves = store.all_transitions(conn)
    by_id = {r["id"]: r for r in rows}
    first_entry: dict[int, dict[str, datetime]] = defaultdict(dict)
    for m in moves:
        first_entry[m["case_id"]].setdefault(m["to_state"], _aware(m["at"]))
    hours: dict[str, dict[str, list[float]]] = {t.value: defaultdict(list) for t in CaseType}
    for case_id, entries in first_entry.items():
        row = by_id[case_id]
        reported = _aware(row["reported_at"])
        for state, at in entries.items():
            if state == CaseState.REPORTED.value:
                continue
            hours[row["case_type"]][state].append((at - reported).total_seconds() / 3600)
    time_to_state = {
        ctype: {
            s.value: {
                "cases": len(vals := per_state.get(s.value, [])),
                "median_hours": round(statistics.median(vals), 2) if vals else None,
                "mean_hours": round(statistics.fmean(vals), 2) if vals else None,
            }
            for s in CaseState if s is not CaseState.REPORTED
        }
        for ctype, per_state in hours.items()
    }
    backlog: dict[str, dict[str, int]] = {s.value: {b: 0 for b, _ in AGE_BUCKETS} for s in CaseState if s is not CaseState.CLOSED}
    for row in rows:
        if row["state"] != CaseState.CLOSED.value:
            backlog[row["state"]][_bucket(now - _aware(row["reported_at"]))] += 1
    with_response = {cid for cid, e in first_entry.items() if CaseState.RESPONSE.value in e}
    confirmed = {r["id"] for r in rows if r["harm_confirmed"]}
    lessons: dict[str, int] = defaultdict(int)
    for row in rows:
        if row["lesson_status"]:
            lessons[row["lesson_status"]] += 1
    return {
        "cases": len(rows),
        "time_to_state": time_to_state,
        "backlog": backlog,
        "response": {
            "cases_with_response": len(with_response),
            "share_of_all_cases": round(len(with_response) / len(rows), 4) if rows else None,
            "harm_confirmed_cases": len(confirmed),
            "share_of_harm_confirmed": round(len(with_response & confirmed) / len(confirmed), 4) if confirmed else None,
        },
        "lessons": {
            "open": lessons.get("open", 0) + lessons.get("in_progress", 0),
            "implemented": lessons.get("implemented", 0),
            "by_status": dict(sorted(lessons.items())),
        },
    }


def as_of(engine: Engine, on: datetime, deadline_hours: Mapping[CaseState, int] | None = None) -> dict[str, Any]:
    """Case work as it stood at `on` (the one place case work answers "as of"): only cases
    reported and moves made by then count. Initial assessment within the deadline is over the
    cases whose outcome is known at `on` (assessed, or unassessed past the deadline); cases still
    inside the deadline are left out of the base. Days to response are over the cases that had
    reached response by `on`."""
    on = _aware(on)
    limit = timedelta(hours=(deadline_hours or deadlines())[CaseState.REPORTED])
    with engine.connect() as conn:
        rows = [r for r in store.list_cases(conn) if _aware(r["reported_at"]) <= on]
        moves = [m for m in store.all_transitions(conn) if _aware(m["at"]) <= on]
    first_entry: dict[int, dict[str, datetime]] = defaultdict(dict)
    for m in moves:
        first_entry[m["case_id"]].setdefault(m["to_state"], _aware(m["at"]))
    within = late = pending = 0
    response_days: list[float] = []
    for row in rows:
        reported = _aware(row["reported_at"])
        entries = first_entry.get(row["id"], {})
        assessed = entries.get(CaseState.INITIAL_ASSESSMENT.value)
        if assessed is not None:
            within, late = (within + 1, late) if assessed - reported <= limit else (within, late + 1)
        elif on - reported > limit:
            late += 1
        else:
            pending += 1
        responded = entries.get(CaseState.RESPONSE.value)
        if responded is not None:
            response_days.append((responded - reported).total_seconds() / 86400)
    base = within + late
    return {
        "as_of": on.isoformat(),
        "cases_reported": len(rows),
        "initial_assessment": {
            "deadline_hours": int(limit.total_seconds() // 3600), "within": within, "late": late,
            "base": base, "not_yet_due": pending, "share_within": round(within / base, 4) if base else None,
        },
        "response": {
            "cases": len(response_days),
            "median_days": round(statistics.median(response_days), 2) if response_days else None,
        },
    }


# ---- as JSON (for the CLI, the API and the pages' JSON twins) ----------------------------------


def _hours_or_none(delta: timedelta | None) -> float | None:
    return None if delta is None else round(delta.total_seconds() / 3600, 1)


def triage_document(t: Triage) -> dict[str, Any]:
    return {
        "score": t.score,
        "factors": [{"factor": c.factor, "value": c.value, "points": c.points, "cap": c.cap, "rule": c.rule} for c in t.contributions],
    }


def case_document(case: dict) -> dict[str, Any]:
    """A case from `get_case` as plain JSON-ready data (times ISO 8601, triage explained)."""
    out = {k: v for k, v in case.items() if k not in ("triage", "overdue_by")}
    out["triage"] = triage_document(case["triage"])
    out["overdue_hours"] = _hours_or_none(case["overdue_by"])
    out["protected_objects"] = [o for o in (case["protected_objects"] or "").split(",") if o]
    return out


def queue_document(items: list[QueueItem]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.id, "score": i.score, "state": i.state, "case_type": i.case_type, "version": i.version,
            "summary": i.summary, "country_iso3": i.country_iso3, "reported_at": i.reported_at.isoformat(),
            "state_entered_at": i.state_entered_at.isoformat(), "overdue_hours": _hours_or_none(i.overdue_by),
            "why": triage_document(i.triage)["factors"],
        }
        for i in items
    ]


# ---- export ------------------------------------------------------------------------------------

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXPORT_COLUMNS = (
    "id", "state", "case_type", "version", "origin", "incident_id", "reported_at", "state_entered_at", "country_iso3",
    "date_start", "location", "summary", "civilian_deaths", "civilian_injuries", "children_harmed", "sexual_violence",
    "protected_objects", "evidence_grade", "priority", "assessment_outcome", "harm_confirmed", "ihl_concern",
    "response_kind", "lesson_status", "closed_at", "people",
)


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return _aware(value).isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_csv(engine: Engine, principal: Principal | None, now: datetime | None = None) -> str:
    """Every case as CSV. People are named (with contact) only for roles granted personal data;
    for everyone else the column says how many people are recorded, and nothing more."""
    import csv
    import io

    now = _now(now)
    allowed = bool(principal) and can_see_personal_data(principal.roles)
    with engine.connect() as conn:
        rows = store.list_cases(conn)
        people = {r["id"]: store.parties(conn, r["id"]) for r in rows}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        persons = people[row["id"]]
        if allowed:
            named = "; ".join(
                f"{p['role']}: " + ", ".join(v for v in (p["name"], p["identifier"], p["contact"]) if v) for p in persons
            )
        else:
            named = f"{len(persons)} recorded, {WITHHELD}" if persons else ""
        record = {**row, "priority": triage(row, now).score, "people": named}
        writer.writerow({k: _cell(record.get(k)) for k in EXPORT_COLUMNS})
    return out.getvalue()
