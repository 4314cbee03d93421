"""Typed events: one class per kind of write. Each is hashed into the audit chain.

The hash covers the previous hash and a canonical JSON of the event, so editing or deleting
any entry breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    kind: ClassVar[str] = "event"
    entity: ClassVar[str] = "store"

    actor: str
    entity_id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class ImportBatchDone(AuditEvent):
    kind: ClassVar[str] = "import_batch"
    entity: ClassVar[str] = "import_batch"


@dataclass(frozen=True)
class IncidentCreated(AuditEvent):
    kind: ClassVar[str] = "incident_created"
    entity: ClassVar[str] = "incident"


@dataclass(frozen=True)
class IncidentEdited(AuditEvent):
    kind: ClassVar[str] = "incident_edited"
    entity: ClassVar[str] = "incident"


@dataclass(frozen=True)
class IncidentsMerged(AuditEvent):
    kind: ClassVar[str] = "incidents_merged"
    entity: ClassVar[str] = "incident"


@dataclass(frozen=True)
class IncidentSplit(AuditEvent):
    kind: ClassVar[str] = "incident_split"
    entity: ClassVar[str] = "incident"


@dataclass(frozen=True)
class GradeOverridden(AuditEvent):
    kind: ClassVar[str] = "grade_overridden"
    entity: ClassVar[str] = "incident"


@dataclass(frozen=True)
class UserChanged(AuditEvent):
    kind: ClassVar[str] = "user_changed"
    entity: ClassVar[str] = "user"


@dataclass(frozen=True)
class TokenIssued(AuditEvent):
    kind: ClassVar[str] = "token_issued"
    entity: ClassVar[str] = "user"


@dataclass(frozen=True)
class TokenRevoked(AuditEvent):
    kind: ClassVar[str] = "token_revoked"
    entity: ClassVar[str] = "user"


@dataclass(frozen=True)
class UserDisabled(AuditEvent):
    kind: ClassVar[str] = "user_disabled"
    entity: ClassVar[str] = "user"


@dataclass(frozen=True)
class LoginFailed(AuditEvent):
    """A failed or throttled login: the username tried and a keyed hash of the address, never the password."""

    kind: ClassVar[str] = "login_failed"
    entity: ClassVar[str] = "user"


@dataclass(frozen=True)
class CaseMoved(AuditEvent):
    kind: ClassVar[str] = "case_moved"
    entity: ClassVar[str] = "case"


@dataclass(frozen=True)
class CaseSummaryPublished(AuditEvent):
    kind: ClassVar[str] = "case_summary_published"
    entity: ClassVar[str] = "case"


@dataclass(frozen=True)
class CaseSummaryWithdrawn(AuditEvent):
    kind: ClassVar[str] = "case_summary_withdrawn"
    entity: ClassVar[str] = "case"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    prev_hash: str,
    at: str,
    actor: str,
    event: str,
    entity: str,
    entity_id: str | None,
    before: str | None,
    after: str | None,
) -> str:
    """The hash of one audit entry, over exactly what is stored (JSON text as stored)."""
    payload = canonical([prev_hash, at, actor, event, entity, entity_id, before, after])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def event_fields(event: AuditEvent) -> dict[str, Any]:
    data = asdict(event)
    return {
        "at": event.at,
        "actor": event.actor,
        "event": event.kind,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "before": None if data["before"] is None else canonical(data["before"]),
        "after": None if data["after"] is None else canonical(data["after"]),
    }


@dataclass(frozen=True)
class LinkageRun(AuditEvent):
    kind: ClassVar[str] = "linkage_run"
    entity: ClassVar[str] = "linkage"


@dataclass(frozen=True)
class ForecastFitted(AuditEvent):
    kind: ClassVar[str] = "forecast_fitted"
    entity: ClassVar[str] = "forecast_model"
