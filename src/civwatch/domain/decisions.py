"""The decision log: decisions that an AI or autonomous system informed, and who decided.

Each entry is append-only: it is written once with its audit event, whose `after` is the
entry's canonical content, so an edited row no longer matches the hash chain. civwatch's own
automatic decisions (links, computed grades) are logged the same way with `decision` =
`unreviewed` until an analyst reviews them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import Role

WRITE_ROLES = (Role.ANALYST, Role.ASSESSOR, Role.INVESTIGATOR, Role.APPROVER)

# civwatch's own systems, as they appear in the log
LINK_SYSTEM = "civwatch-link"
GRADING_SYSTEM = "civwatch-grading"
GRADING_RULE = "Airwars grading scale as in domain/grading.py"


class DecisionOutcome(StrEnum):
    APPROVED = "approved"  # the human accepted the system's recommendation
    OVERRIDDEN = "overridden"  # the human decided otherwise
    ABORTED = "aborted"  # the action was called off
    UNREVIEWED = "unreviewed"  # no human has reviewed it (yet)


class DecisionKind(StrEnum):
    TARGETING = "targeting"
    ASSESSMENT = "assessment"
    ANALYSIS = "analysis"
    LINKAGE = "linkage"
    GRADING = "grading"


class DecisionIn(BaseModel):
    """What a user records about one decision."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    system: str = Field(min_length=1, max_length=200, description="the AI or autonomous system")
    system_version: str = Field(min_length=1, max_length=100)
    kind: DecisionKind
    inputs: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(default_factory=list, max_length=1000,
                                                                   description="evidence item ids")
    output: str = Field(min_length=1, max_length=10000, description="the system's output or recommendation")
    confidence: float | None = Field(default=None, ge=0, le=1)
    reviewer: str | None = Field(default=None, max_length=200, description="the human who reviewed it; none if nobody did")
    decision: DecisionOutcome
    rule: str | None = Field(default=None, max_length=2000, description="rule of engagement or policy cited")
    decided_at: datetime
    incident_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    case_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    params: dict[str, Any] = Field(default_factory=dict)

    @field_validator("reviewer", "rule")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("decided_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time with its offset, e.g. 2024-03-01T10:00:00Z")
        return value

    def checked(self) -> DecisionIn:
        if self.decision in (DecisionOutcome.APPROVED, DecisionOutcome.OVERRIDDEN, DecisionOutcome.ABORTED) and not self.reviewer:
            raise ValueError(f"reviewer: a decision {self.decision.value} needs the human who made it")
        if self.decision == DecisionOutcome.UNREVIEWED and self.reviewer:
            raise ValueError("decision: an entry with a reviewer is approved, overridden or aborted, not unreviewed")
        return self


ENTRY_FIELDS = ("system", "system_version", "kind", "inputs", "output", "confidence", "reviewer", "decision",
                "rule", "decided_at", "incident_id", "case_id", "params", "recorded_by")


def override_rate(overridden: int, reviewed: int) -> float | None:
    """Overrides over decisions a human reviewed (approved + overridden); unknown without any."""
    return overridden / reviewed if reviewed else None


@dataclass(frozen=True)
class DecisionLogged(AuditEvent):
    kind: ClassVar[str] = "decision_logged"
    entity: ClassVar[str] = "decision"
