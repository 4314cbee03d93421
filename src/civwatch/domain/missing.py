"""Missing persons: the case's states and moves, the lists, and how a list entry is scored
against a missing person (names across scripts, date of birth or age with tolerance, sex, place).

Nothing here confirms anything: a score ranks candidates for a person to decide on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import ClassVar

from rapidfuzz import fuzz

from civwatch.domain import missing_names as names
from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import Role


class MissingState(StrEnum):
    REPORTED = "reported"
    REGISTERED = "registered"
    SEARCHING = "searching"
    CANDIDATE_MATCH = "candidate_match"
    CONFIRMED_ALIVE = "confirmed_alive"
    CONFIRMED_DEAD = "confirmed_dead"
    CLOSED = "closed"


class Circumstance(StrEnum):
    ABDUCTED = "abducted"
    DETAINED = "detained"
    DISAPPEARED_IN_ATTACK = "disappeared_in_attack"
    SEPARATED_CHILD = "separated_child"
    DEPORTED = "deported"
    MISSING_IN_ACTION = "missing_in_action"
    UNKNOWN = "unknown"


class ListKind(StrEnum):
    DETAINED = "detained"
    PRISONERS_OF_WAR = "prisoners_of_war"
    DEAD = "dead"
    FOUND = "found"
    REGISTERED_ELSEWHERE = "registered_elsewhere"

    @property
    def means_alive(self) -> bool:
        return self is not ListKind.DEAD


class CloseReason(StrEnum):
    REUNITED = "reunited"
    REMAINS_RETURNED = "remains_returned"
    OTHER = "other"


class Sex(StrEnum):
    FEMALE = "f"
    MALE = "m"
    UNKNOWN = ""


OPEN_STATES = frozenset({MissingState.REPORTED, MissingState.REGISTERED, MissingState.SEARCHING, MissingState.CANDIDATE_MATCH})
# Who may open, register and move cases and import lists; who may see the personal fields and
# decide on a candidate (a wrong match is cruel: the roles that carry the case, not the clerks).
OFFICER_ROLES = frozenset({Role.RECORDER, Role.ANALYST, Role.INVESTIGATOR, Role.APPROVER, Role.ADMIN})
PERSONAL_ROLES = frozenset({Role.INVESTIGATOR, Role.APPROVER, Role.ADMIN})
CONFIRM_ROLES = frozenset({Role.INVESTIGATOR, Role.APPROVER, Role.ADMIN})
CHILD_AGE = 18
DEFAULT_REGISTER_HOURS = 24
SMALL_COUNT = 5  # public figures under this are shown as "< 5"

# Moves a person makes (the search moves searching <-> candidate_match itself).
MOVES: dict[MissingState, frozenset[MissingState]] = {
    MissingState.REPORTED: frozenset({MissingState.REGISTERED, MissingState.CLOSED}),
    MissingState.REGISTERED: frozenset({MissingState.SEARCHING, MissingState.CLOSED}),
    MissingState.SEARCHING: frozenset({MissingState.CANDIDATE_MATCH, MissingState.CLOSED}),
    MissingState.CANDIDATE_MATCH: frozenset({MissingState.SEARCHING, MissingState.CONFIRMED_ALIVE,
                                            MissingState.CONFIRMED_DEAD, MissingState.CLOSED}),
    MissingState.CONFIRMED_ALIVE: frozenset({MissingState.CLOSED}),
    MissingState.CONFIRMED_DEAD: frozenset({MissingState.CLOSED}),
    MissingState.CLOSED: frozenset({MissingState.SEARCHING}),  # reopening, with its reason
}


class MissingRuleError(ValueError):
    """A move or an input the rules refuse (with the reason)."""


def check_move(current: MissingState, target: MissingState, reason: str, close_reason: str | None = None) -> None:
    if target not in MOVES[current]:
        allowed = ", ".join(sorted(s.value for s in MOVES[current])) or "none"
        raise MissingRuleError(f"a case {current.value} cannot move to {target.value} (allowed: {allowed})")
    if not reason.strip():
        raise MissingRuleError("every move needs a reason")
    if target is MissingState.CLOSED and close_reason not in {c.value for c in CloseReason}:
        raise MissingRuleError(f"closing needs close_reason, one of {', '.join(c.value for c in CloseReason)}")


# ---- the person as matched ------------------------------------------------------------------


@dataclass(frozen=True)
class Birth:
    """Date of birth with its precision (day, month, year), or an age on a date."""

    year: int | None = None
    month: int | None = None
    day: int | None = None
    age: float | None = None
    age_on: date | None = None

    def year_range(self) -> tuple[float, float] | None:
        if self.year is not None:
            return float(self.year), float(self.year)
        if self.age is not None and self.age_on is not None:
            born = self.age_on.year - self.age
            return born - 1, born
        return None

    def age_at(self, on: date) -> float | None:
        if self.year is not None:
            return on.year - self.year - (0.5 if self.month is None else (1 if (on.month, on.day) < (self.month, self.day or 1) else 0))
        if self.age is not None:
            return self.age + ((on - self.age_on).days / 365.25 if self.age_on else 0)
        return None


def parse_birth(dob: str | None, age: float | str | None, on: date) -> Birth:
    """YYYY, YYYY-MM or YYYY-MM-DD, or an age (years) on `on`; refuses a future date of birth."""
    if dob:
        parts = dob.strip().split("-")
        try:
            nums = [int(p) for p in parts]
            if len(nums) == 1:
                born = date(nums[0], 1, 1)
            elif len(nums) == 2:
                born = date(nums[0], nums[1], 1)
            elif len(nums) == 3:
                born = date(nums[0], nums[1], nums[2])
            else:
                raise ValueError
        except ValueError:
            raise MissingRuleError(f"date_of_birth: give YYYY, YYYY-MM or YYYY-MM-DD, not {dob!r}") from None
        if born > on or (len(nums) == 1 and nums[0] > on.year):
            raise MissingRuleError(f"date_of_birth: {dob} is in the future")
        if born.year < 1880:
            raise MissingRuleError(f"date_of_birth: {dob} is not plausible")
        return Birth(year=nums[0], month=nums[1] if len(nums) > 1 else None, day=nums[2] if len(nums) > 2 else None)
    if age not in (None, ""):
        try:
            years = float(age)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise MissingRuleError(f"age: give a number of years, not {age!r}") from None
        if not 0 <= years <= 130:
            raise MissingRuleError(f"age: {age} is not between 0 and 130")
        return Birth(age=years, age_on=on)
    return Birth()


@dataclass(frozen=True)
class Person:
    """What is matched: every name (any script), birth, sex, place; all optional but a name."""

    names: list[str]
    birth: Birth = field(default_factory=Birth)
    sex: str = ""
    place: str = ""


@dataclass(frozen=True)
class Component:
    name: str
    score: float | None  # None: unknown on one side, so it neither helps nor hurts
    factor: float
    why: str


@dataclass(frozen=True)
class Scored:
    score: float
    components: list[Component]
    strength: float = 0.0  # the product before it is capped at 1: ranks candidates the cap would tie

    def reasons(self) -> list[dict]:
        return [{"component": c.name, "score": None if c.score is None else round(c.score, 3),
                 "factor": round(c.factor, 3), "why": c.why} for c in self.components]


THRESHOLD = 0.7  # candidates below this are not offered
BIRTH_AGREES = 1.15  # both births known and agreeing: evidence for the person, not only the absence of doubt
BIRTH_SLOPE = 3.0  # years beyond the tolerance that take the birth factor down to its floor
BIRTH_FLOOR = 0.3


def _birth_component(a: Birth, b: Birth) -> Component:
    ra, rb = a.year_range(), b.year_range()
    if ra is None or rb is None:
        return Component("birth", None, 0.97, "date of birth or age unknown on one side")
    gap = max(0.0, max(ra[0], rb[0]) - min(ra[1], rb[1]))
    tolerance = max(2.0, 0.1 * (2025 - min(ra[0], rb[0])))  # older ages are guessed more loosely
    if gap <= tolerance:
        return Component("birth", 1.0, BIRTH_AGREES, f"birth years agree within {tolerance:.0f} years (apart by {gap:.0f})")
    factor = max(BIRTH_FLOOR, 1 - (gap - tolerance) / BIRTH_SLOPE)
    return Component("birth", round(factor, 3), factor, f"birth years {gap:.0f} apart, beyond the {tolerance:.0f}-year tolerance")


def _sex_component(a: str, b: str) -> Component:
    if not a or not b:
        return Component("sex", None, 0.98, "sex unknown on one side")
    if a == b:
        return Component("sex", 1.0, 1.0, "same sex recorded")
    return Component("sex", 0.0, 0.6, "different sex recorded")


def _place_component(a: str, b: str) -> Component:
    if not a.strip() or not b.strip():
        return Component("place", None, 1.0, "place unknown on one side")
    sim = fuzz.token_set_ratio(names.to_latin(a), names.to_latin(b)) / 100
    if sim >= 0.85:
        return Component("place", sim, 1.03, "the places agree")
    return Component("place", sim, 1.0, "the places differ (people are moved: no penalty)")


def score(case: Person, entry: Person) -> Scored:
    """The candidate's score in [0, 1] and the reason for every component."""
    name_score, why = names.compare_names(case.names, entry.names)
    comps = [Component("names", name_score, name_score, why), _birth_component(case.birth, entry.birth),
             _sex_component(case.sex, entry.sex), _place_component(case.place, entry.place)]
    total = 1.0
    for c in comps:
        total *= c.factor
    return Scored(min(1.0, total), comps, total)


def is_child(birth: Birth, on: date) -> bool:
    age = birth.age_at(on)
    return age is not None and age < CHILD_AGE


def suppress(n: int) -> int | str:
    """A public count: fewer than five is shown as "< 5"."""
    return f"< {SMALL_COUNT}" if 0 < n < SMALL_COUNT else n


# ---- audit events ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MissingCaseOpened(AuditEvent):
    kind: ClassVar[str] = "missing_case_opened"
    entity: ClassVar[str] = "missing_case"


@dataclass(frozen=True)
class MissingCaseMoved(AuditEvent):
    kind: ClassVar[str] = "missing_case_moved"
    entity: ClassVar[str] = "missing_case"


@dataclass(frozen=True)
class MissingCandidateDecided(AuditEvent):
    kind: ClassVar[str] = "missing_candidate_decided"
    entity: ClassVar[str] = "missing_case"


@dataclass(frozen=True)
class MissingListImported(AuditEvent):
    kind: ClassVar[str] = "missing_list_imported"
    entity: ClassVar[str] = "missing_list"
