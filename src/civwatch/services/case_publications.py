"""Publishing a case's summary: the one way anything of a case becomes public.

Case work is private (services/access.py); an approver (or admin) may publish a summary they
write for the public, with a reason, and withdraw it. Both are audit events carrying the text.
The summary goes through the same personal-data check as every case text: it must not repeat a
name, identifier or contact of the case's people, however written.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from civwatch.domain import privacy
from civwatch.domain.cases import refuse_control_characters
from civwatch.domain.events import CaseSummaryPublished, CaseSummaryWithdrawn
from civwatch.domain.taxonomy import Role
from civwatch.services.auth import AuthError, Principal
from civwatch.services.cases import CaseNotFound, CaseRuleError
from civwatch.store import audit
from civwatch.store import cases as store

PUBLISH_ROLES = (Role.APPROVER,)  # and admin
MIN_SUMMARY = 20


def _allowed(principal: Principal | None) -> Principal:
    if principal is None:
        raise AuthError("publishing a case summary needs an account")
    if not principal.has(*PUBLISH_ROLES):
        raise PermissionError(f"publishing a case summary needs the approver role; {principal.username} does not have it")
    return principal


def publish(engine: Engine, case_id: int, principal: Principal, summary: str, reason: str) -> dict:
    """Publish (or replace) the public summary of a case; returns what the public will see."""
    _allowed(principal)
    summary, reason = (summary or "").strip(), (reason or "").strip()
    refuse_control_characters(summary, reason)
    privacy.bound(summary=summary, reason=reason)
    if len(summary) < MIN_SUMMARY:
        raise ValueError(f"summary: write at least {MIN_SUMMARY} characters for the public")
    if not reason:
        raise ValueError("reason: say why this summary may be public")
    now = datetime.now(UTC)
    with engine.begin() as conn:
        if store.get_case(conn, case_id) is None:
            raise CaseNotFound(f"no case {case_id}")
        field = privacy.repeated_field(store.parties(conn, case_id), [summary, reason])
        if field:
            raise CaseRuleError(f"the summary or reason repeats the {field} of a person in the case; a public summary names no one")
        before = store.publication(conn, case_id)
        store.set_publication(conn, case_id, summary, principal.username, now)
        audit.append(conn, CaseSummaryPublished(
            actor=principal.username, entity_id=str(case_id), at=now,
            before={"summary": before["summary"]} if before else None, after={"summary": summary, "reason": reason},
        ))
    return {"case_id": case_id, "summary": summary, "published_at": now}


def withdraw(engine: Engine, case_id: int, principal: Principal, reason: str) -> None:
    _allowed(principal)
    reason = (reason or "").strip()
    refuse_control_characters(reason)
    privacy.bound(reason=reason)
    if not reason:
        raise ValueError("reason: say why the summary is withdrawn")
    with engine.begin() as conn:
        before = store.publication(conn, case_id)
        if before is None:
            raise CaseNotFound(f"case {case_id} has no published summary")
        store.remove_publication(conn, case_id)
        audit.append(conn, CaseSummaryWithdrawn(actor=principal.username, entity_id=str(case_id),
                                                before={"summary": before["summary"]}, after={"reason": reason}))


def published(engine: Engine) -> list[dict]:
    """What the public sees: each published summary with the case's country, date and state."""
    with engine.connect() as conn:
        return store.publications(conn)
