"""Missing persons as use cases: report (public or officer), register, move, search, decide.

Every transition lands in one transaction with its row in `missing_transitions` and its audit
event (hash chain). Personal fields are sealed per field (services/missing_crypto.py), returned
only to PERSONAL_ROLES, and never put in audit events, logs or notifications. Nothing is ever
confirmed automatically; an entry once put to a case (offered, confirmed or rejected) is never
offered to it again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import statistics
from collections import Counter
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from civwatch import settings
from civwatch.domain import missing as dom
from civwatch.domain import missing_names as names
from civwatch.domain.cases import has_role
from civwatch.domain.missing import MissingRuleError, MissingState
from civwatch.services.auth import AuthError, Principal
from civwatch.services.cases import RateLimited, client_hash, public_report_limit
from civwatch.services.missing_crypto import FieldCipher, cipher
from civwatch.store import audit
from civwatch.store import missing as store

log = logging.getLogger(__name__)
WITHHELD = "[withheld]"
PERSON_FIELDS = ("names", "birth", "place", "circumstances")
REPORTER_FIELDS = ("reporter_name", "reporter_contact", "reporter_relation")
MAX_TEXT = 2000

__all__ = ["MissingRuleError", "MissingNotFound", "MissingConflict", "RateLimited", "report_public", "report_officer", "register", "move",
           "search", "decide", "follow", "get_case", "queue", "measures", "public_figures"]


class MissingNotFound(LookupError):
    """No such case (or candidate)."""


class MissingConflict(RuntimeError):
    """The case changed meanwhile: reload and decide again."""


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    return None if at is None else (at if at.tzinfo else at.replace(tzinfo=UTC))


def _require(principal: Principal | None, roles: frozenset, what: str) -> Principal:
    if principal is None:
        raise AuthError(f"{what} needs an account")
    if not has_role(principal.roles, *roles):
        need = " or ".join(sorted(r.value for r in roles))
        raise PermissionError(f"{what} needs the role {need}; {principal.username} does not have it")
    return principal


def can_see_personal(principal: Principal | None) -> bool:
    return bool(principal and has_role(principal.roles, *dom.PERSONAL_ROLES))


def _text(value: Any, what: str, limit: int = MAX_TEXT) -> str:
    text = ("" if value is None else str(value)).strip()
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise MissingRuleError(f"{what}: control characters are not allowed")
    if len(text) > limit:
        raise MissingRuleError(f"{what}: at most {limit} characters")
    return text


def _secret_hash(secret: str) -> str:
    key = (settings.Settings.load().secret_key or "civwatch-missing").encode()
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
    body = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"MP-{body[:4]}-{body[4:]}"


# ---- opening ---------------------------------------------------------------------------------


def _person_values(facts: Mapping[str, Any], now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """(plain columns, personal fields to seal) from a report's fields; refuses bad input."""
    primary = _text(facts.get("name"), "name", 300)
    others = facts.get("other_names") or []
    if isinstance(others, str):
        others = [n for n in others.replace("\n", ";").split(";")]
    all_names = [primary, *[_text(n, "other_names", 300) for n in others]]
    all_names = [n for n in all_names if n]
    if not all_names or not any(names.tokens(n) for n in all_names):
        raise MissingRuleError("name: give the missing person's name (any script)")
    birth = dom.parse_birth(_text(facts.get("date_of_birth"), "date_of_birth", 10) or None, facts.get("age"), now.date())
    circumstance = facts.get("circumstance") or dom.Circumstance.UNKNOWN.value
    if circumstance not in {c.value for c in dom.Circumstance}:
        raise MissingRuleError(f"circumstance: one of {', '.join(c.value for c in dom.Circumstance)}")
    sex = (facts.get("sex") or "").strip().lower()[:1]
    if sex not in ("", "f", "m"):
        raise MissingRuleError("sex: f, m or empty (unknown)")
    seen = facts.get("last_seen_date") or None
    if isinstance(seen, str) and seen:
        try:
            seen = date.fromisoformat(seen)
        except ValueError:
            raise MissingRuleError(f"last_seen_date: give YYYY-MM-DD, not {seen!r}") from None
    if seen and seen > now.date():
        raise MissingRuleError("last_seen_date: is in the future")
    country = (facts.get("country_iso3") or "").strip().upper() or None
    nationality = (facts.get("nationality_iso3") or "").strip().upper() or None
    for what, code in (("country_iso3", country), ("nationality_iso3", nationality)):
        if code and (len(code) != 3 or not code.isalpha()):
            raise MissingRuleError(f"{what}: an ISO 3166 alpha-3 code such as UKR")
    child = dom.is_child(birth, now.date()) or circumstance == dom.Circumstance.SEPARATED_CHILD.value
    plain = {"circumstance": circumstance, "sex": sex, "child": child, "country_iso3": country,
             "nationality_iso3": nationality, "last_seen_date": seen, "consent_share": bool(facts.get("consent_share")),
             "incident_id": facts.get("incident_id") or None}
    sealed = {"names": all_names,
              "birth": {"date_of_birth": facts.get("date_of_birth") or None, "age": birth.age, "age_on": now.date().isoformat()}
              if (birth.year is not None or birth.age is not None) else None,
              "place": _text(facts.get("place_last_seen"), "place_last_seen", 300) or None,
              "circumstances": _text(facts.get("circumstances_text"), "circumstances_text") or None,
              "reporter_name": _text(facts.get("reporter_name"), "reporter_name", 300) or None,
              "reporter_contact": _text(facts.get("reporter_contact"), "reporter_contact", 300) or None,
              "reporter_relation": _text(facts.get("reporter_relation"), "reporter_relation", 200) or None}
    return plain, sealed


def _seal_case(c: FieldCipher, code: str, sealed: Mapping[str, Any]) -> dict[str, Any]:
    return {f"{k}_enc": c.seal(v, f"case:{code}:{k}") for k, v in sealed.items()}


def _open_case(c: FieldCipher, row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: c.open(row.get(f"{k}_enc"), f"case:{row['code']}:{k}") for k in PERSON_FIELDS + REPORTER_FIELDS}


def _open(conn, facts: Mapping[str, Any], origin: str, actor: str, officer: str | None, now: datetime) -> tuple[int, str, str]:
    plain, sealed = _person_values(facts, now)
    if plain["incident_id"] is not None:  # the disappearance's incident must be in the register
        try:
            plain["incident_id"] = int(plain["incident_id"])
        except (TypeError, ValueError):
            raise MissingRuleError("incident_id: the number of an incident in the register") from None
        if not store.incident_exists(conn, plain["incident_id"]):
            raise MissingRuleError(f"incident_id: no incident {plain['incident_id']} in the register")
    code, secret = _new_code(), secrets.token_urlsafe(12)
    values = {**plain, **_seal_case(cipher(), code, sealed), "code": code, "secret_hash": _secret_hash(secret),
              "state": MissingState.REPORTED.value, "version": 1, "origin": origin, "officer": officer,
              "consent_recorded_at": now if plain["consent_share"] else None, "reported_at": now,
              "register_by": now + timedelta(hours=settings.missing_register_hours()),
              "state_entered_at": now, "updated_at": now}
    case_id = store.insert_case(conn, values)
    store.add_transition(conn, {"case_id": case_id, "version": 1, "from_state": None, "to_state": "reported",
                                "actor": actor, "at": now, "reason": f"reported ({origin})"})
    audit.append(conn, dom.MissingCaseOpened(actor=actor, entity_id=str(case_id), at=now, after={
        "origin": origin, "state": "reported", "circumstance": plain["circumstance"], "child": plain["child"],
        "consent_share": plain["consent_share"]}))
    return case_id, code, secret


def report_public(engine: Engine, facts: Mapping[str, Any], address: str, now: datetime | None = None) -> dict[str, Any]:
    """A family reports a person missing, no account: rate-limited per address (the public-report
    limit of case work). Returns the case code and the secret to follow it (shown once)."""
    now = _now(now)
    _person_values(facts, now)  # a refused report is said so at once and counts no attempt
    digest = client_hash(address)
    limit = public_report_limit()
    with engine.begin() as conn:
        if store.recent_attempts(conn, digest, "report", now - timedelta(hours=1)) >= limit:
            raise RateLimited(f"at most {limit} reports per hour from one address; please try again later")
        store.add_attempt(conn, digest, "report", now)
    with engine.begin() as conn:
        case_id, code, secret = _open(conn, facts, "public", "public", None, now)
    return {"id": case_id, "code": code, "secret": secret, "state": "reported"}


def report_officer(engine: Engine, facts: Mapping[str, Any], principal: Principal, now: datetime | None = None) -> dict[str, Any]:
    _require(principal, dom.OFFICER_ROLES, "opening a missing-person case")
    now = _now(now)
    with engine.begin() as conn:
        case_id, code, secret = _open(conn, facts, "officer", principal.username, principal.username, now)
    return {"id": case_id, "code": code, "secret": secret, "state": "reported"}


# ---- moving ----------------------------------------------------------------------------------


def _transition(conn, row: dict, target: MissingState, actor: str, reason: str, now: datetime,
                extra: Mapping[str, Any] | None = None) -> dict:
    version = row["version"] + 1
    values = {"state": target.value, "version": version, "state_entered_at": now, "updated_at": now, **(extra or {})}
    if not store.update_case(conn, row["id"], row["version"], values):
        raise MissingConflict(f"case {row['id']} changed meanwhile; reload it and decide again")
    store.add_transition(conn, {"case_id": row["id"], "version": version, "from_state": row["state"],
                                "to_state": target.value, "actor": actor, "at": now, "reason": reason})
    audit.append(conn, dom.MissingCaseMoved(actor=actor, entity_id=str(row["id"]), at=now,
                                            before={"state": row["state"], "version": row["version"]},
                                            after={"state": target.value, "version": version, "reason": reason,
                                                   **{k: v for k, v in (extra or {}).items() if k == "close_reason"}}))
    return {**row, **values}


def _row(conn, case_id: int) -> dict:
    row = store.get_case(conn, case_id)
    if row is None:
        raise MissingNotFound(f"no missing-person case {case_id}")
    return row


def move(engine: Engine, case_id: int, target: str, principal: Principal, reason: str,
         close_reason: str | None = None, expected_version: int | None = None, now: datetime | None = None) -> dict:
    """Move a case by hand (register, close with a reason, reopen, back to searching)."""
    _require(principal, dom.OFFICER_ROLES, "moving a missing-person case")
    reason = _text(reason, "reason")
    try:
        to = MissingState(target)
    except ValueError:
        raise MissingRuleError(f"to: one of {', '.join(s.value for s in MissingState)}") from None
    if to in (MissingState.CONFIRMED_ALIVE, MissingState.CONFIRMED_DEAD, MissingState.CANDIDATE_MATCH):
        raise MissingRuleError("a case is confirmed only by confirming one of its candidates")
    now = _now(now)
    with engine.begin() as conn:
        row = _row(conn, case_id)
        if expected_version is not None and expected_version != row["version"]:
            raise MissingConflict(f"case {case_id} is at version {row['version']}, not {expected_version}; reload it")
        dom.check_move(MissingState(row["state"]), to, reason, close_reason)
        extra: dict[str, Any] = {}
        if to is MissingState.REGISTERED:
            extra = {"registered_at": now, "officer": row["officer"] or principal.username}
        if to is MissingState.CLOSED:
            extra = {"close_reason": close_reason}
        row = _transition(conn, row, to, principal.username, reason, now, extra)
        new = 0
        if to is MissingState.REGISTERED:  # a new case searches every list already held
            row = _transition(conn, row, MissingState.SEARCHING, principal.username, "registered: searching every list held", now)
        if row["state"] == MissingState.SEARCHING.value:
            new, row = _search(conn, row, principal.username, now)
    if new:
        from civwatch.services import missing_notify

        missing_notify.tell_officer(engine, row, new, "the lists already held", now)
    return {"id": case_id, "state": row["state"], "version": row["version"], "new_candidates": new}


def register(engine: Engine, case_id: int, principal: Principal, reason: str = "registered", now: datetime | None = None) -> dict:
    return move(engine, case_id, MissingState.REGISTERED.value, principal, reason or "registered", now=now)


# ---- searching -------------------------------------------------------------------------------


def _case_person(c: FieldCipher, row: Mapping[str, Any]) -> dom.Person:
    opened = _open_case(c, row)
    b = opened.get("birth") or {}
    birth = dom.parse_birth(b.get("date_of_birth"), b.get("age"), date.fromisoformat(b["age_on"])) if b else dom.Birth()
    return dom.Person(names=opened["names"] or [], birth=birth, sex=row["sex"] or "", place=opened.get("place") or "")


def entry_person(c: FieldCipher, entry: Mapping[str, Any]) -> tuple[dom.Person, dict]:
    data = c.open(entry["person_enc"], f"entry:{entry['list_id']}:{entry['line']}") or {}
    on = date.fromisoformat(data["age_on"]) if data.get("age_on") else date.today()
    try:
        birth = dom.parse_birth(data.get("date_of_birth"), data.get("age"), on)
    except MissingRuleError:
        birth = dom.Birth()
    return dom.Person(names=data.get("names", []), birth=birth, sex=entry["sex"] or "", place=data.get("place") or ""), data


def rank(conn, c: FieldCipher, person: dom.Person, list_id: int | None = None, exclude: set[int] | None = None,
         threshold: float = dom.THRESHOLD) -> list[tuple[dom.Scored, dict]]:
    """Candidates from the lists for `person`, best first: blocked by hashed name keys, scored."""
    keys = [c.index_key(k) for k in names.block_keys(person.names)]
    out = []
    for entry in store.entries_for_keys(conn, keys, list_id):
        if exclude and entry["id"] in exclude:
            continue
        other, _ = entry_person(c, entry)
        scored = dom.score(person, other)
        if scored.score >= threshold:
            out.append((scored, entry))
    out.sort(key=lambda t: (-t[0].strength, t[1]["id"]))
    return out


def _search(conn, row: dict, actor: str, now: datetime, list_id: int | None = None) -> tuple[int, dict]:
    c = cipher()
    found = rank(conn, c, _case_person(c, row), list_id, store.known_entries(conn, row["id"]))
    store.insert_candidates(conn, [{"case_id": row["id"], "entry_id": e["id"], "score": round(s.score, 4),
                                    "reasons": json.dumps(s.reasons()), "status": "offered", "found_at": now}
                                   for s, e in found])
    if found and row["state"] == MissingState.SEARCHING.value:
        row = _transition(conn, row, MissingState.CANDIDATE_MATCH, actor,
                          f"{len(found)} candidate(s) found in the lists; to be confirmed or rejected by a person", now)
    return len(found), row


def search_open_cases(engine: Engine, list_id: int, actor: str, now: datetime | None = None) -> dict[int, int]:
    """After a list import: every open case searched in that list. {case_id: new candidates}."""
    now = _now(now)
    out: dict[int, int] = {}
    with engine.begin() as conn:
        for row in store.cases(conn, [MissingState.SEARCHING.value, MissingState.CANDIDATE_MATCH.value]):
            new, _ = _search(conn, row, actor, now, list_id)
            if new:
                out[row["id"]] = new
    return out


def search(engine: Engine, case_id: int, principal: Principal, now: datetime | None = None) -> int:
    _require(principal, dom.OFFICER_ROLES, "searching the lists")
    now = _now(now)
    with engine.begin() as conn:
        row = _row(conn, case_id)
        if row["state"] not in (MissingState.SEARCHING.value, MissingState.CANDIDATE_MATCH.value):
            raise MissingRuleError(f"a case {row['state']} is not searched (register it first)")
        new, _ = _search(conn, row, principal.username, now)
    return new


# ---- deciding --------------------------------------------------------------------------------


def decide(engine: Engine, case_id: int, candidate_id: int, principal: Principal, confirm: bool, reason: str,
           now: datetime | None = None) -> dict:
    """A person confirms or rejects one candidate. Confirming moves the case to confirmed alive or
    dead by the list's kind; rejecting the last offered candidate puts the case back to searching."""
    _require(principal, dom.CONFIRM_ROLES, "confirming or rejecting a candidate")
    reason = _text(reason, "reason")
    if not reason:
        raise MissingRuleError("a decision needs a reason")
    now = _now(now)
    with engine.begin() as conn:
        row = _row(conn, case_id)
        cand = store.get_candidate(conn, candidate_id)
        if cand is None or cand["case_id"] != case_id:
            raise MissingNotFound(f"case {case_id} has no candidate {candidate_id}")
        if cand["status"] != "offered":
            raise MissingRuleError(f"candidate {candidate_id} was already {cand['status']}")
        if row["state"] != MissingState.CANDIDATE_MATCH.value:
            raise MissingRuleError(f"a case {row['state']} takes no decision on candidates")
        status = "confirmed" if confirm else "rejected"
        if not store.decide_candidate(conn, candidate_id, {"status": status, "decided_by": principal.username,
                                                           "decided_at": now, "decision_reason": reason}):
            raise MissingConflict(f"candidate {candidate_id} was decided by someone else meanwhile")
        audit.append(conn, dom.MissingCandidateDecided(actor=principal.username, entity_id=str(case_id), at=now,
                                                       before={"candidate": candidate_id, "status": "offered"},
                                                       after={"candidate": candidate_id, "status": status, "reason": reason}))
        if confirm:
            kind = dom.ListKind(store.entry(conn, cand["entry_id"])["kind"])
            target = MissingState.CONFIRMED_ALIVE if kind.means_alive else MissingState.CONFIRMED_DEAD
            row = _transition(conn, row, target, principal.username, f"candidate {candidate_id} confirmed: {reason}", now,
                              {"confirmed_at": now})
        elif not store.candidates(conn, case_id, "offered"):
            row = _transition(conn, row, MissingState.SEARCHING, principal.username,
                              "every candidate rejected: searching again", now)
    return {"id": case_id, "state": row["state"], "candidate": candidate_id, "status": status}


# ---- reading ---------------------------------------------------------------------------------


def _public_state(state: str) -> str:
    return {"candidate_match": "a possible match is being checked"}.get(state, state.replace("_", " "))


def follow(engine: Engine, code: str, secret: str, address: str, now: datetime | None = None) -> dict:
    """The family's view under their code: the state and its history, never candidates. A wrong
    code or secret says only that; lookups are rate-limited per address."""
    now = _now(now)
    digest = client_hash(address)
    limit = max(public_report_limit(), 1) * 2
    with engine.begin() as conn:
        if store.recent_attempts(conn, digest, "follow", now - timedelta(hours=1)) >= limit:
            raise RateLimited("too many look-ups from this address; please try again in an hour")
        store.add_attempt(conn, digest, "follow", now)
    with engine.connect() as conn:
        row = store.case_by_code(conn, (code or "").strip().upper()[:20])
        if row is None or not hmac.compare_digest(row["secret_hash"], _secret_hash((secret or "").strip())):
            raise MissingNotFound("no case matches that code and secret")
        history = [{"at": t["at"], "state": _public_state(t["to_state"])} for t in store.transitions(conn, row["id"])]
    return {"code": row["code"], "state": _public_state(row["state"]), "history": history}


def get_case(engine: Engine, case_id: int, principal: Principal | None) -> dict:
    _require(principal, dom.OFFICER_ROLES, "reading a missing-person case")
    allowed = can_see_personal(principal)
    with engine.connect() as conn:
        row = _row(conn, case_id)
        opened = _open_case(cipher(), row) if allowed else {k: (WITHHELD if row.get(f"{k}_enc") else None)
                                                           for k in PERSON_FIELDS + REPORTER_FIELDS}
        cands = []
        for cand in store.candidates(conn, case_id):
            entry = store.entry(conn, cand["entry_id"])
            shown = entry_person(cipher(), entry)[1] if allowed else {"names": WITHHELD}
            cands.append({**{k: cand[k] for k in ("id", "score", "status", "found_at", "decided_by", "decided_at", "decision_reason")},
                          "reasons": json.loads(cand["reasons"]), "list": {"id": entry["list_id"], "title": entry["title"],
                                                                           "kind": entry["kind"]},
                          "entry": {"line": entry["line"], "sex": entry["sex"], **shown}})
        history = store.transitions(conn, case_id)
        sent = store.notifications(conn, case_id)
    plain = {k: v for k, v in row.items() if not k.endswith("_enc") and k != "secret_hash"}
    return {**plain, "person": opened, "personal_data": "shown" if allowed else "withheld", "candidates": cands,
            "history": history, "notifications": [{k: n[k] for k in ("recipient", "subject", "status", "at")} for n in sent],
            "moves": sorted(s.value for s in dom.MOVES[MissingState(row["state"])]
                            if s not in (MissingState.CONFIRMED_ALIVE, MissingState.CONFIRMED_DEAD, MissingState.CANDIDATE_MATCH))}


def _overdue(row: dict, now: datetime) -> bool:
    return row["state"] == MissingState.REPORTED.value and now > _aware(row["register_by"])


def queue(engine: Engine, principal: Principal | None, now: datetime | None = None) -> list[dict]:
    """Open cases: overdue registrations first, then children, then the oldest report."""
    _require(principal, dom.OFFICER_ROLES, "reading the missing-person queue")
    now = _now(now)
    with engine.connect() as conn:
        rows = store.cases(conn, [s.value for s in dom.OPEN_STATES])
        offered = Counter(c["case_id"] for c in store.all_candidates(conn) if c["status"] == "offered")
    items = [{"id": r["id"], "code": r["code"], "state": r["state"], "circumstance": r["circumstance"], "child": r["child"],
              "origin": r["origin"], "officer": r["officer"], "reported_at": _aware(r["reported_at"]),
              "register_by": _aware(r["register_by"]), "overdue": _overdue(r, now),
              "age_hours": round((now - _aware(r["reported_at"])).total_seconds() / 3600, 1),
              "candidates_offered": offered.get(r["id"], 0)} for r in rows]
    items.sort(key=lambda i: (not i["overdue"], not i["child"], i["reported_at"]))
    return items


def _bucket(hours: float) -> str:
    return "< 1 day" if hours < 24 else "1-7 days" if hours < 168 else "1-4 weeks" if hours < 672 else "> 4 weeks"


def measures(engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """Report to registration (the same-day target), open cases by age and circumstance, share
    matched, time to confirmation. Counts only: no personal data."""
    now = _now(now)
    with engine.connect() as conn:
        rows = store.cases(conn)
    reg = [(_aware(r["registered_at"]) - _aware(r["reported_at"])).total_seconds() / 3600 for r in rows if r["registered_at"]]
    within = sum(1 for r in rows if r["registered_at"] and _aware(r["registered_at"]) <= _aware(r["register_by"]))
    conf = [(_aware(r["confirmed_at"]) - _aware(r["reported_at"])).total_seconds() / 86400 for r in rows if r["confirmed_at"]]
    open_rows = [r for r in rows if r["state"] in {s.value for s in dom.OPEN_STATES}]
    by_age = Counter(_bucket((now - _aware(r["reported_at"])).total_seconds() / 3600) for r in open_rows)
    return {
        "cases": len(rows),
        "registered": len(reg), "registered_within_deadline": within,
        "hours_to_registration_median": round(statistics.median(reg), 2) if reg else None,
        "overdue_now": sum(1 for r in rows if _overdue(r, now)),
        "open": len(open_rows), "open_by_age": dict(by_age),
        "open_by_circumstance": dict(Counter(r["circumstance"] for r in open_rows)),
        "confirmed": len(conf), "share_matched": {"confirmed": len(conf), "of": len(rows)},
        "days_to_confirmation_median": round(statistics.median(conf), 2) if conf else None,
    }


def public_figures(engine: Engine) -> dict[str, Any]:
    """What anyone may see: counts by state and circumstance, each under 5 shown as "< 5"."""
    with engine.connect() as conn:
        rows = store.cases(conn)
    return {"cases": dom.suppress(len(rows)),
            "by_state": {k: dom.suppress(v) for k, v in sorted(Counter(r["state"] for r in rows).items())},
            "by_circumstance": {k: dom.suppress(v) for k, v in sorted(Counter(r["circumstance"] for r in rows).items())},
            "note": "counts under 5 are shown as '< 5' so that no person can be singled out"}


# ---- the demo --------------------------------------------------------------------------------

DEMO_REPORTS = (  # MADE UP for the demo: spellings a family might use for names on the Airwars list
    {"name": "Mohammed Hamdan El-Najjar", "age": 17, "sex": "m", "circumstance": "disappeared_in_attack"},
    {"name": "Ehtiram Najjar", "age": 34, "sex": "f", "circumstance": "disappeared_in_attack"},
    {"name": "Oleksandr Petrenko", "other_names": ["Александр Петренко"], "age": 8, "sex": "m", "circumstance": "deported"},
)


def load_demo(engine: Engine, airwars: Any, actor: str = "demo") -> dict[str, Any]:
    """The real Airwars victim list (if at hand) as a list of the dead, and three family reports
    that are MADE UP (origin 'demo', labelled so on every page), registered and searched."""
    from civwatch.domain.taxonomy import Role
    from civwatch.services import missing_lists

    principal = Principal(id=0, username=actor, roles=frozenset({Role.ADMIN}))
    out: dict[str, Any] = {"list": None, "cases": []}
    with engine.connect() as conn:
        held = {row["sha256"] for row in store.lists(conn)}
        demo_cases = [r for r in store.cases(conn) if r["origin"] == "demo"]
    if airwars is not None and missing_lists._sha256(airwars) not in held:
        out["list"] = missing_lists.import_list(engine, airwars, "dead", "Airwars: Gaza 2023 victims",
                                                "Airwars (airwars.org) via alexschell/airwars-gaza-data, data/victims.csv, commit 093c617",
                                                "2024-09-25", principal, search=False)
    if not demo_cases:
        now = _now(None)
        for facts in DEMO_REPORTS:
            with engine.begin() as conn:
                case_id, _, _ = _open(conn, facts, "demo", actor, actor, now)
            out["cases"].append(register(engine, case_id, principal, "demo: registered the same day (made-up report)", now))
    return out
