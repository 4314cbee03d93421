"""A national action plan on POC as data: objectives -> commitments -> actions, each commitment
bound to indicators; the catalogue of named, versioned queries an indicator may be bound to;
and the straight-path progress rule.

Pure: no I/O. The queries' implementations live in services/plan.py; this module only names
them, so a plan can be checked before anything is computed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from civwatch.domain import forums, treaties

DEFAULT_DEPARTMENTS: dict[str, str] = {
    "GAC": "Global Affairs Canada",
    "DND": "Department of National Defence",
    "CAF": "Canadian Armed Forces",
}
DEPARTMENTS_ENV = "CIVWATCH_PLAN_DEPARTMENTS"
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
ILLUSTRATIVE_NOTE = "ILLUSTRATIVE: a sample plan made up to show how civwatch works; no department has adopted it."


def departments(text: str | None = None) -> dict[str, str]:
    """The departments a plan may name: `CIVWATCH_PLAN_DEPARTMENTS="GAC=Global Affairs Canada,DND,..."`
    (configuration), by default GAC, DND and the CAF."""
    text = os.environ.get(DEPARTMENTS_ENV) if text is None else text
    if not text or not text.strip():
        return dict(DEFAULT_DEPARTMENTS)
    out: dict[str, str] = {}
    for item in text.split(","):
        code, _, name = item.strip().partition("=")
        code = code.strip()
        if not code:
            continue
        if not code.replace("-", "").isalnum():
            raise ValueError(f"{DEPARTMENTS_ENV}: bad department code {code!r}")
        out[code] = name.strip() or DEFAULT_DEPARTMENTS.get(code, code)
    return out


class Status(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    DONE = "done"
    DROPPED = "dropped"


NEEDS_REASON = {Status.AT_RISK, Status.OFF_TRACK, Status.DROPPED}


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


# ---- the query catalogue ----------------------------------------------------------------------


@dataclass(frozen=True)
class QuerySpec:
    name: str
    version: int
    kind: str  # cases | treaties | indicators | missions | screening | manual
    unit: str  # share | days | states | people
    title: str
    definition: str
    params: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"


QUERIES: dict[str, QuerySpec] = {q.ref: q for q in (
    QuerySpec("cases.assessed_within_deadline", 1, "cases", "share", "CHMR cases initially assessed within the deadline",
              "Of the cases reported by the date whose outcome is known (assessed, or past the initial-assessment "
              "deadline unassessed), the share first assessed within the deadline (CIVWATCH_CASE_DEADLINES, "
              "72 h by default). Cases still inside their deadline are not in the base."),
    QuerySpec("cases.median_days_to_response", 1, "cases", "days", "Median days from report to response",
              "Median, over the cases that reached the response state by the date, of the days from the report "
              "to the first entry into response."),
    QuerySpec("treaties.forum_parties", 1, "treaties", "states", "Members of a forum party to an instrument",
              "Members of the forum on the date (treaties.forum_members) whose status for the instrument on "
              "that date is party (treaties.status).", params=("forum", "instrument"), required=("forum", "instrument")),
    QuerySpec("indicators.civilian_deaths", 1, "indicators", "people", "Civilian deaths recorded in the window to the date",
              "Civilian deaths (best estimate, each linked incident once) of incidents that began in the "
              "`window_days` days ending on the date (indicators.indicator civilian-deaths with date filters); "
              "optional `countries` and `party_categories` narrow it.",
              params=("window_days", "countries", "party_categories")),
    QuerySpec("missions.poc_personnel", 1, "missions", "people", "Troops deployed in UN missions with a POC mandate",
              "Sum of Geo-PKO average troop numbers in the year of the date over missions active on the date "
              "whose POC mandate began on or before it (missions.poc_personnel). Geo-PKO figures are indicative."),
    QuerySpec("screening.complete_evidence_share", 1, "screening", "share", "Arms-export screening decisions with complete evidence",
              "Share of arms-export screening decisions taken by the date whose evidence record is complete. "
              "Reserved for the screening capability: reads 'not available' until it is loaded."),
    QuerySpec("manual", 1, "manual", "number", "A figure entered by hand",
              "The latest value entered on or before the date, each with its evidence (a document or URL)."),
)}


def query(ref: str) -> QuerySpec:
    """`name@version` (or a bare name: its latest version)."""
    if "@" not in ref:
        versions = [q for q in QUERIES.values() if q.name == ref]
        if versions:
            return max(versions, key=lambda q: q.version)
    elif ref in QUERIES:
        return QUERIES[ref]
    raise ValueError(f"no query {ref!r}; queries are {', '.join(sorted(QUERIES))}")


# ---- the plan's schema -------------------------------------------------------------------------


class FieldError(ValueError):
    """A rule broken by one field of the model being checked: `sub` is that field's path below it,
    so the YAML reader can point at its line."""

    def __init__(self, sub: tuple, message: str) -> None:
        super().__init__(message)
        self.sub = sub


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Point(_Model):
    value: float
    date: date


class ManualValue(_Model):
    date: date
    value: float
    evidence: str = Field(min_length=3, description="a document reference or URL behind the figure")
    note: str | None = None


class Indicator(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str | None = None
    query: str
    params: dict[str, Any] = Field(default_factory=dict)
    baseline: Point
    target: Point
    direction: Direction
    values: list[ManualValue] = Field(default_factory=list)

    @field_validator("query")
    @classmethod
    def _known_query(cls, v: str) -> str:
        return query(v).ref

    @model_validator(mode="after")
    def _coherent(self) -> Indicator:
        spec = query(self.query)
        unknown = set(self.params) - set(spec.params)
        if unknown:
            raise ValueError(f"query {spec.ref} takes no parameter {', '.join(sorted(unknown))}"
                             + (f" (it takes {', '.join(spec.params)})" if spec.params else ""))
        missing = [p for p in spec.required if p not in self.params]
        if missing:
            raise ValueError(f"query {spec.ref} needs parameter {', '.join(missing)}")
        if spec.kind == "treaties":
            for key, find in (("forum", forums.forum), ("instrument", treaties.instrument)):
                try:
                    find(str(self.params[key]))
                except ValueError as exc:
                    raise FieldError(("params", key), str(exc)) from None
        if self.target.date <= self.baseline.date:
            raise FieldError(("target", "date"), f"target date {self.target.date} is not after the baseline date {self.baseline.date}")
        d = self.direction
        if (d is Direction.INCREASE and self.target.value <= self.baseline.value) or (
                d is Direction.DECREASE and self.target.value >= self.baseline.value):
            raise FieldError(("direction",), f"direction {d.value} but the target {self.target.value:g} does not {d.value} on the baseline {self.baseline.value:g}")
        if self.values and spec.kind != "manual":
            raise FieldError(("values",), f"values are entered by hand only for the manual query, not {spec.ref}")
        return self


class Action(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    department: str | None = None
    due: date | None = None
    status: Status = Status.NOT_STARTED
    reason: str | None = None


class Commitment(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    lead: str
    partners: list[str] = Field(default_factory=list)
    owner: str
    due: date
    status: Status = Status.NOT_STARTED
    reason: str | None = None
    answers: list[str] = Field(default_factory=list, description="the recommendation(s) or other source it answers")
    indicators: list[Indicator] = Field(min_length=1)
    actions: list[Action] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reason(self) -> Commitment:
        for item in [self, *self.actions]:
            if item.status in NEEDS_REASON and not item.reason:
                raise FieldError(("status",) if item is self else ("actions", self.actions.index(item), "status"), f"{item.id}: status {item.status.value} needs a reason")
        return self


class Objective(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    description: str | None = None
    commitments: list[Commitment] = Field(min_length=1)


class Source(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    reference: str | None = None


class Plan(_Model):
    id: str = Field(pattern=ID_PATTERN)
    title: str
    illustrative: bool = False
    period: tuple[date, date]
    sources: list[Source] = Field(default_factory=list)
    objectives: list[Objective] = Field(min_length=1)

    @field_validator("period")
    @classmethod
    def _period(cls, v: tuple[date, date]) -> tuple[date, date]:
        if v[1] <= v[0]:
            raise FieldError((), f"the period ends ({v[1]}) before it starts ({v[0]})")
        return v

    def commitments(self) -> list[tuple[Objective, Commitment]]:
        return [(o, c) for o in self.objectives for c in o.commitments]

    def commitment(self, cid: str) -> tuple[Objective, Commitment]:
        for o, c in self.commitments():
            if c.id == cid:
                return o, c
        raise KeyError(cid)


def _items(data: Any, key: str) -> list[tuple[int, dict]]:
    items = data.get(key) if isinstance(data, dict) else None
    return [(i, x) for i, x in enumerate(items) if isinstance(x, dict)] if isinstance(items, list) else []


def identifiers(data: dict) -> list[tuple[Any, tuple]]:
    """Every identifier with its path in the document (for duplicate checks with line numbers).
    Works on the raw document, so it runs even when the schema found problems elsewhere."""
    out: list[tuple[Any, tuple]] = []
    for i, s in _items(data, "sources"):
        out.append((s.get("id"), ("sources", i, "id")))
    for oi, o in _items(data, "objectives"):
        out.append((o.get("id"), ("objectives", oi, "id")))
        for ci, c in _items(o, "commitments"):
            base = ("objectives", oi, "commitments", ci)
            out.append((c.get("id"), (*base, "id")))
            for key in ("indicators", "actions"):
                for ii, x in _items(c, key):
                    out.append((x.get("id"), (*base, key, ii, "id")))
    return [(ident, path) for ident, path in out if isinstance(ident, str | int)]


@dataclass(frozen=True)
class Problem:
    path: tuple
    message: str


def check(data: dict | Plan, known_departments: dict[str, str]) -> list[Problem]:
    """What the schema alone cannot see: duplicate identifiers, unknown departments, links to
    sources the plan does not list. Runs on the raw document (or a validated plan)."""
    if isinstance(data, Plan):
        data = data.model_dump(mode="json")
    problems: list[Problem] = []
    seen: dict[str, tuple] = {}
    for ident, path in identifiers(data):
        key = str(ident)
        if key in seen:
            problems.append(Problem(path, f"duplicate identifier {key!r} (first used at {'.'.join(map(str, seen[key]))})"))
        else:
            seen[key] = path
    known = ", ".join(known_departments)

    def dept(value: Any, path: tuple) -> None:
        if isinstance(value, str) and value.strip() not in known_departments:
            problems.append(Problem(path, f"unknown department {value!r} (departments are {known}; set {DEPARTMENTS_ENV})"))

    source_ids = {s.get("id") for _, s in _items(data, "sources")}
    for oi, o in _items(data, "objectives"):
        for ci, c in _items(o, "commitments"):
            base = ("objectives", oi, "commitments", ci)
            dept(c.get("lead"), (*base, "lead"))
            partners = c.get("partners")
            for i, p in enumerate(partners if isinstance(partners, list) else []):
                dept(p, (*base, "partners", i))
            for ai, a in _items(c, "actions"):
                dept(a.get("department"), (*base, "actions", ai, "department"))
            answers = c.get("answers")
            if source_ids:
                for i, ref in enumerate(answers if isinstance(answers, list) else []):
                    if ref not in source_ids:
                        problems.append(Problem((*base, "answers", i), f"answers {ref!r}, which is not among the plan's sources"))
    return problems


# ---- progress on a straight path ----------------------------------------------------------------

ProgressState = Literal["on_track", "behind", "ahead", "met", "unknown"]
TOLERANCE = 0.05  # of the baseline-to-target distance


@dataclass(frozen=True)
class Progress:
    state: ProgressState
    value: float | None
    expected: float | None  # where the straight path from baseline to target stands on the date
    achieved: float | None  # share of the distance baseline -> target covered
    elapsed: float  # share of the time baseline -> target gone by

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "value": self.value, "expected": self.expected,
                "achieved": None if self.achieved is None else round(self.achieved, 4),
                "elapsed": round(self.elapsed, 4)}


def expected_on(ind: Indicator, on: date) -> float:
    """The straight path from baseline to target, held flat outside the two dates."""
    span = (ind.target.date - ind.baseline.date).days
    t = min(1.0, max(0.0, (on - ind.baseline.date).days / span))
    return ind.baseline.value + (ind.target.value - ind.baseline.value) * t


def progress(ind: Indicator, value: float | None, on: date, tolerance: float = TOLERANCE) -> Progress:
    """On track when the distance covered is within `tolerance` of the time gone by; ahead or
    behind otherwise; met once the target is reached. For `maintain`, on track while the value
    holds within `tolerance` (relative) of the target, behind otherwise. Unknown stays unknown."""
    span = (ind.target.date - ind.baseline.date).days
    elapsed = min(1.0, max(0.0, (on - ind.baseline.date).days / span))
    expected = expected_on(ind, on)
    if value is None:
        return Progress("unknown", None, expected, None, elapsed)
    if ind.direction is Direction.MAINTAIN:
        scale = abs(ind.target.value) or 1.0
        state: ProgressState = "on_track" if abs(value - ind.target.value) <= tolerance * scale else "behind"
        return Progress(state, value, expected, None, elapsed)
    achieved = (value - ind.baseline.value) / (ind.target.value - ind.baseline.value)
    if achieved >= 1.0:
        state = "met"
    elif achieved > elapsed + tolerance:
        state = "ahead"
    elif achieved < elapsed - tolerance:
        state = "behind"
    else:
        state = "on_track"
    return Progress(state, value, expected, achieved, elapsed)
