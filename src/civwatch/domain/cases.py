"""Civilian harm mitigation and response (CHMR) case work: the case state machine.

A case moves reported -> initial assessment -> investigation -> findings -> response ->
lesson learned -> closed, and may be reopened. Each move names a target state, a reason and
the details that state needs; `check_move` decides whether the move is allowed and returns the
validated details, or raises `CaseRuleError` with a reason a person can act on. It has no I/O:
the services layer applies the result and records who, when and why.

Rules that matter for accountability:
- a credible case cannot skip investigation;
- a person cannot approve their own assessment (not even an admin);
- a closed case cannot be edited, only reopened (and the reopening is recorded).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from civwatch.domain.countries import check_optional
from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import CivilianObject, Role


class CaseState(StrEnum):
    REPORTED = "reported"
    INITIAL_ASSESSMENT = "initial_assessment"
    INVESTIGATION = "investigation"
    FINDINGS = "findings"
    RESPONSE = "response"
    LESSON_LEARNED = "lesson_learned"
    CLOSED = "closed"


STATE_ORDER: tuple[CaseState, ...] = tuple(CaseState)
OPEN_STATES: tuple[CaseState, ...] = tuple(s for s in CaseState if s is not CaseState.CLOSED)


class AssessmentOutcome(StrEnum):
    CREDIBLE = "credible"
    NOT_CREDIBLE = "not_credible"
    NEEDS_INFORMATION = "needs_information"


class Operation(StrEnum):
    """Whose operation the investigation found at the place and time (not who is to blame)."""

    OWN = "own"
    PARTNER = "partner"
    NONE = "none"
    UNDETERMINED = "undetermined"


class Attribution(StrEnum):
    OWN_FORCES = "own_forces"
    PARTNER_FORCES = "partner_forces"
    OTHER_PARTY = "other_party"
    UNDETERMINED = "undetermined"


class ResponseKind(StrEnum):
    CONDOLENCE_PAYMENT = "condolence_payment"
    EX_GRATIA_PAYMENT = "ex_gratia_payment"
    APOLOGY = "apology"
    MEDICAL_CARE = "medical_care"
    REPAIR = "repair"
    OTHER = "other"

    @property
    def is_payment(self) -> bool:
        return self in (ResponseKind.CONDOLENCE_PAYMENT, ResponseKind.EX_GRATIA_PAYMENT)


class CauseCategory(StrEnum):
    """Why harm happened, for lessons (after the categories of CHMR reviews)."""

    TARGET_MISIDENTIFICATION = "target_misidentification"
    INTELLIGENCE = "intelligence"
    WEAPON_MALFUNCTION = "weapon_malfunction"
    WEAPON_CHOICE = "weapon_choice"  # e.g. wide-area explosive effects in a populated area
    PATTERN_OF_LIFE = "pattern_of_life"  # civilian presence not known or not considered
    PROCEDURES = "procedures"
    TRAINING = "training"
    COMMUNICATION = "communication"
    PARTNER_CONDUCT = "partner_conduct"
    OTHER = "other"


class LessonStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    IMPLEMENTED = "implemented"
    NOT_ACCEPTED = "not_accepted"


class PartyRole(StrEnum):
    """A person connected with a case. Their name, identifier and contact are personal data."""

    VICTIM = "victim"
    CLAIMANT = "claimant"
    WITNESS = "witness"
    RECIPIENT = "recipient"
    REPORTER = "reporter"


class CaseType(StrEnum):
    """How measures split cases; sexual-violence cases are always shown on their own."""

    SEXUAL_VIOLENCE = "sexual_violence"
    EXPLOSIVE_WEAPONS = "explosive_weapons"
    OTHER = "other"


# Roles that may see victims' and claimants' names, identifiers and contact details.
PERSONAL_DATA_ROLES: frozenset[Role] = frozenset({Role.INVESTIGATOR, Role.APPROVER, Role.ADMIN})
# Roles that may open a case (from an incident or a typed-in report) or review the public queue.
OPEN_ROLES: frozenset[Role] = frozenset({Role.RECORDER, Role.ANALYST, Role.ADMIN})

# Per-state deadlines in hours: how long a case may stay in a state before it is overdue.
DEFAULT_DEADLINE_HOURS: dict[CaseState, int] = {
    CaseState.REPORTED: 72,  # initial assessment within 72 h of the report
    CaseState.INITIAL_ASSESSMENT: 7 * 24,  # assessment approved (or re-assessed) within a week
    CaseState.INVESTIGATION: 90 * 24,
    CaseState.FINDINGS: 30 * 24,
    CaseState.RESPONSE: 90 * 24,
    CaseState.LESSON_LEARNED: 180 * 24,
}


class CaseRuleError(ValueError):
    """A move the rules forbid; the message says why and what to do instead."""


class CaseForbidden(PermissionError):
    """The actor lacks the role a move needs."""


class CaseConflict(RuntimeError):
    """The case changed since it was read (someone else moved it first); nothing was written."""


_CONTROL = {chr(c) for c in range(32)} - {"\n", "\r", "\t"}


def refuse_control_characters(*texts: str | None) -> None:
    """Text from people may hold line breaks and tabs, never NUL or other control characters."""
    for text in texts:
        if text and any(ch in _CONTROL for ch in text):
            raise CaseRuleError("text may not contain control characters (such as NUL)")


def has_role(roles: Iterable[Role], *wanted: Role) -> bool:
    held = set(roles)
    return Role.ADMIN in held or any(r in held for r in wanted)


def can_see_personal_data(roles: Iterable[Role]) -> bool:
    return has_role(roles, *PERSONAL_DATA_ROLES)


def parse_deadlines(text: str | None) -> dict[CaseState, int]:
    """`reported=72,investigation=2160` -> deadlines in hours, over the defaults."""
    deadlines = dict(DEFAULT_DEADLINE_HOURS)
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            continue
        name, sep, hours = item.partition("=")
        try:
            state = CaseState(name.strip())
            value = int(hours)
        except ValueError:
            raise ValueError(
                f"bad case deadline {item!r}: write state=hours, states are "
                f"{', '.join(s.value for s in OPEN_STATES)}"
            ) from None
        if not sep or value <= 0 or state is CaseState.CLOSED:
            raise ValueError(f"bad case deadline {item!r}: hours must be a positive whole number for an open state")
        deadlines[state] = value
    return deadlines


def overdue_by(state: CaseState, entered_at: datetime, now: datetime, deadlines: Mapping[CaseState, int]) -> timedelta | None:
    """How long past its deadline a case in `state` since `entered_at` is, or None if on time."""
    hours = deadlines.get(state)
    if hours is None:
        return None
    late = now - entered_at - timedelta(hours=hours)
    return late if late > timedelta(0) else None


# ---- the details each move needs -------------------------------------------------------------


def _listify(value: Any) -> Any:
    """Accept "a, b" as well as ["a", "b"] (forms and the CLI send text)."""
    if isinstance(value, str):
        return [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    return value


TextList = Annotated[list[str], BeforeValidator(_listify)]


class _Details(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, use_enum_values=True)


class AssessmentDetails(_Details):
    outcome: AssessmentOutcome
    reasons: TextList = Field(min_length=1)
    information_needed: str | None = None

    @model_validator(mode="after")
    def _needs_what(self) -> AssessmentDetails:
        if self.outcome == AssessmentOutcome.NEEDS_INFORMATION and not self.information_needed:
            raise ValueError("say which information is needed (information_needed)")
        return self


class InvestigationDetails(_Details):
    evidence: TextList = Field(min_length=1)
    operation: Operation
    unit: str | None = None
    munition: str | None = None
    time_on_target: datetime | None = None

    @model_validator(mode="after")
    def _operation_facts(self) -> InvestigationDetails:
        if self.operation in (Operation.OWN, Operation.PARTNER) and not self.unit:
            raise ValueError("an own or partner operation needs the unit")
        return self


class FindingsDetails(_Details):
    investigation: InvestigationDetails
    harm_confirmed: bool
    attribution: Attribution
    ihl_concern: bool = False
    referral: str | None = None  # to whom the IHL concern was referred (legal / military justice)

    @model_validator(mode="after")
    def _referral(self) -> FindingsDetails:
        if self.ihl_concern and not self.referral:
            raise ValueError("an IHL concern must be referred: record the referral (legal / military justice)")
        return self


class ResponseDetails(_Details):
    kind: ResponseKind
    recipient_consent: bool
    amount: Decimal | None = None
    currency: str | None = None
    recipient_party_id: int | None = None  # a case party; never a name here
    description: str | None = None

    @field_validator("amount", mode="before")
    @classmethod
    def _amount(cls, value: Any) -> Any:
        if value in ("", None):
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise ValueError(f"amount {value!r} is not a number") from None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value in ("", None):
            return None
        if len(value) != 3 or not value.isalpha():
            raise ValueError("currency is an ISO 4217 code such as USD, EUR, AFN")
        return value.upper()

    @model_validator(mode="after")
    def _payment(self) -> ResponseDetails:
        if ResponseKind(self.kind).is_payment:
            if self.amount is None or self.amount <= 0 or not self.currency:
                raise ValueError("a condolence or ex gratia payment needs a positive amount and a currency")
        if not self.recipient_consent:
            raise ValueError("a response needs the recipient's consent recorded (recipient_consent=true)")
        return self


class LessonDetails(_Details):
    cause_categories: Annotated[list[CauseCategory], BeforeValidator(_listify)] = Field(min_length=1)
    recommendation: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    status: LessonStatus = LessonStatus.OPEN


class NoDetails(_Details):
    pass


# ---- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseSnapshot:
    """What the rules need to know about a case as it is now."""

    id: int
    state: CaseState
    version: int
    assessment_outcome: str | None = None
    assessed_by: str | None = None


@dataclass(frozen=True)
class Move:
    """An allowed move: where from, where to, what it is called and who may make it."""

    source: CaseState
    target: CaseState
    action: str
    roles: frozenset[Role]
    details: type[_Details]


def _m(source: CaseState, target: CaseState, action: str, roles: set[Role], details: type[_Details]) -> Move:
    return Move(source, target, action, frozenset(roles), details)


S = CaseState
MOVES: tuple[Move, ...] = (
    _m(S.REPORTED, S.INITIAL_ASSESSMENT, "assess", {Role.ASSESSOR}, AssessmentDetails),
    _m(S.INITIAL_ASSESSMENT, S.INITIAL_ASSESSMENT, "re-assess", {Role.ASSESSOR}, AssessmentDetails),
    _m(S.INITIAL_ASSESSMENT, S.INVESTIGATION, "approve assessment and investigate", {Role.APPROVER}, NoDetails),
    _m(S.INITIAL_ASSESSMENT, S.CLOSED, "approve assessment and close", {Role.APPROVER}, NoDetails),
    _m(S.INVESTIGATION, S.FINDINGS, "record findings", {Role.INVESTIGATOR}, FindingsDetails),
    _m(S.FINDINGS, S.INVESTIGATION, "investigate further", {Role.INVESTIGATOR, Role.APPROVER}, NoDetails),
    _m(S.FINDINGS, S.RESPONSE, "record response", {Role.APPROVER}, ResponseDetails),
    _m(S.FINDINGS, S.LESSON_LEARNED, "record lesson (no response)", {Role.ANALYST, Role.APPROVER}, LessonDetails),
    _m(S.RESPONSE, S.LESSON_LEARNED, "record lesson", {Role.ANALYST, Role.APPROVER}, LessonDetails),
    _m(S.LESSON_LEARNED, S.LESSON_LEARNED, "update lesson", {Role.ANALYST, Role.APPROVER}, LessonDetails),
    _m(S.LESSON_LEARNED, S.CLOSED, "close", {Role.APPROVER}, NoDetails),
    _m(S.CLOSED, S.REPORTED, "reopen", {Role.APPROVER}, NoDetails),
)
_BY_PAIR: dict[tuple[CaseState, CaseState], Move] = {(m.source, m.target): m for m in MOVES}


def moves_from(state: CaseState) -> list[Move]:
    return [m for m in MOVES if m.source is state]


def state_label(state: CaseState | str) -> str:
    return CaseState(state).value.replace("_", " ")


def _why_not(case: CaseSnapshot, target: CaseState) -> str:
    here, there = state_label(case.state), state_label(target)
    if case.state is S.CLOSED:
        return f"case {case.id} is closed and cannot be edited; reopen it first (closed -> reported, by an approver)"
    if target in (S.FINDINGS, S.RESPONSE, S.LESSON_LEARNED, S.CLOSED) and case.state in (S.REPORTED, S.INITIAL_ASSESSMENT):
        if case.state is S.REPORTED:
            return (
                f"case {case.id} cannot move from {here} to {there}: it must be assessed and, if credible, "
                "investigated first (move it to initial assessment)"
            )
        if case.assessment_outcome == AssessmentOutcome.CREDIBLE:
            return (
                f"case {case.id} cannot move from {here} to {there}: a credible case must be investigated "
                "before findings, response or lesson (move it to investigation)"
            )
    allowed = ", ".join(state_label(m.target) for m in moves_from(case.state)) or "nothing"
    return f"case {case.id} cannot move from {here} to {there}; from {here} it may move to: {allowed}"


def _details_error(exc: ValidationError, move: Move) -> str:
    return f"cannot {move.action}: " + describe_validation(exc)


def check_move(
    case: CaseSnapshot,
    target: CaseState | str,
    actor: str,
    roles: Iterable[Role],
    reason: str,
    details: Mapping[str, Any] | None = None,
) -> tuple[Move, dict[str, Any]]:
    """Decide a move. Returns (the move, validated details as JSON-ready data) or raises."""
    try:
        target = CaseState(target)
    except ValueError:
        raise CaseRuleError(f"unknown case state {target!r}; states are {', '.join(s.value for s in CaseState)}") from None
    move = _BY_PAIR.get((case.state, target))
    if move is None:
        raise CaseRuleError(_why_not(case, target))
    if not (reason or "").strip():
        raise CaseRuleError(f"cannot {move.action}: every move needs a reason (why)")
    if not has_role(roles, *move.roles):
        need = " or ".join(sorted(r.value for r in move.roles))
        raise CaseForbidden(f"cannot {move.action}: needs the role {need}; {actor} does not have it")
    if move.action.startswith("approve assessment"):
        if case.assessed_by == actor:
            raise CaseRuleError(
                f"cannot {move.action}: {actor} made the assessment and a person cannot approve their own assessment"
            )
        outcome = case.assessment_outcome
        if target is S.INVESTIGATION and outcome != AssessmentOutcome.CREDIBLE:
            raise CaseRuleError(
                f"cannot {move.action}: the assessment is {outcome}, only a credible case is investigated "
                "(re-assess it first)"
            )
        if target is S.CLOSED and outcome != AssessmentOutcome.NOT_CREDIBLE:
            if outcome == AssessmentOutcome.CREDIBLE:
                raise CaseRuleError(
                    f"cannot {move.action}: the case was assessed credible and must be investigated before it closes"
                )
            raise CaseRuleError(f"cannot {move.action}: the assessment is {outcome}; re-assess it when the information arrives")
    refuse_control_characters(reason, json.dumps(dict(details or {}), ensure_ascii=False, default=str))
    try:
        parsed = move.details.model_validate(dict(details or {}))
    except ValidationError as exc:
        raise CaseRuleError(_details_error(exc, move)) from None
    return move, parsed.model_dump(mode="json", exclude_none=True)


def case_type(sexual_violence: bool, explosive: bool) -> CaseType:
    if sexual_violence:
        return CaseType.SEXUAL_VIOLENCE
    return CaseType.EXPLOSIVE_WEAPONS if explosive else CaseType.OTHER


# ---- audit events of case work (no personal data ever goes into them) -------------------------


@dataclass(frozen=True)
class CaseOpened(AuditEvent):
    kind: ClassVar[str] = "case_opened"
    entity: ClassVar[str] = "case"


@dataclass(frozen=True)
class CasePartyAdded(AuditEvent):
    kind: ClassVar[str] = "case_party_added"
    entity: ClassVar[str] = "case"


@dataclass(frozen=True)
class PublicReportReviewed(AuditEvent):
    kind: ClassVar[str] = "public_report_reviewed"
    entity: ClassVar[str] = "public_report"


@dataclass(frozen=True)
class PublicReportReceived(AuditEvent):
    kind: ClassVar[str] = "public_report_received"
    entity: ClassVar[str] = "public_report"


class ReportedHarm(BaseModel):
    """A report of harm typed in by a recorder or sent by a member of the public."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    summary: str = Field(min_length=10, max_length=5000)
    country_iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    date_start: date | None = None
    location: str | None = Field(default=None, max_length=500)
    civilian_deaths: int = Field(default=0, ge=0, le=1_000_000)
    civilian_injuries: int = Field(default=0, ge=0, le=1_000_000)
    children_harmed: int | None = Field(default=0, ge=0, le=1_000_000)
    sexual_violence: bool = False
    explosive_weapons: bool = False
    protected_objects: Annotated[list[CivilianObject], BeforeValidator(_listify)] = Field(default_factory=list)

    @field_validator("summary", "location")
    @classmethod
    def _plain_text(cls, value: str | None) -> str | None:
        if value and any(ch in _CONTROL for ch in value):
            raise ValueError("may not contain control characters (such as NUL)")
        return value

    @field_validator("country_iso3", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() or None if isinstance(value, str) else value

    @field_validator("country_iso3")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        return check_optional(value)

    @field_validator("date_start")
    @classmethod
    def _not_future(cls, value: date | None) -> date | None:
        if value is not None and value > date.today():
            raise ValueError("the date of the harm cannot be in the future")
        return value


def describe_validation(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where else msg)
    return "; ".join(parts)
