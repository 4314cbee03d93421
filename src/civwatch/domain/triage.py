"""Accountability triage: which cases to take first, from documented, actor-blind factors.

The score is a sum of capped points (0-100), one term per factor, so a page can show exactly
why a case ranks where it does. Nothing about who the perpetrator is enters the score:
`TriageFacts` has no field for a party, its name or its category, so like cases by different
parties score alike.

| factor | points | cap |
| --- | --- | --- |
| civilian deaths | 2 per death | 30 |
| civilian injuries | 1 per injury | 15 |
| children killed or injured | 3 per child (6 if children are harmed but not counted) | 15 |
| sexual violence | 15 if the case involves sexual violence | 15 |
| attacks on protected objects | 5 per kind hit among health, education, humanitarian | 10 |
| strength of evidence | confirmed 10, fair 7, weak 3, contested 2, ungraded 3, discounted 0 | 10 |
| age of the case | 1 per full 30 days since the report | 5 |
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from civwatch.domain.taxonomy import CivilianObject, Grade

PROTECTED_OBJECTS: frozenset[CivilianObject] = frozenset(
    {CivilianObject.HEALTH, CivilianObject.EDUCATION, CivilianObject.HUMANITARIAN}
)
EVIDENCE_POINTS: dict[Grade, int] = {
    Grade.CONFIRMED: 10,
    Grade.FAIR: 7,
    Grade.WEAK: 3,
    Grade.CONTESTED: 2,
    Grade.UNGRADED: 3,
    Grade.DISCOUNTED: 0,
}


@dataclass(frozen=True)
class TriageFacts:
    """The facts of a case the score may use. Deliberately no party identity or category."""

    civilian_deaths: int = 0
    civilian_injuries: int = 0
    children_harmed: int | None = 0  # None: children harmed, number unknown
    sexual_violence: bool = False
    objects_hit: frozenset[CivilianObject] = field(default_factory=frozenset)
    evidence: Grade = Grade.UNGRADED
    reported_at: datetime | None = None


@dataclass(frozen=True)
class Contribution:
    factor: str
    value: str  # the fact, as shown to people
    points: float
    cap: float
    rule: str


@dataclass(frozen=True)
class Triage:
    score: float
    contributions: tuple[Contribution, ...]

    def explain(self) -> list[str]:
        return [f"{c.factor}: {c.value} -> {c.points:g} of {c.cap:g} ({c.rule})" for c in self.contributions]


def _capped(value: float, cap: float) -> float:
    return float(min(max(value, 0), cap))


def score(facts: TriageFacts, now: datetime) -> Triage:
    deaths = max(facts.civilian_deaths or 0, 0)
    injuries = max(facts.civilian_injuries or 0, 0)
    if facts.children_harmed is None:
        child_points, child_value = 6.0, "harmed, number unknown"
    else:
        child_points, child_value = _capped(3 * facts.children_harmed, 15), str(facts.children_harmed)
    protected = sorted(o.value for o in facts.objects_hit if o in PROTECTED_OBJECTS)
    days = 0
    if facts.reported_at is not None:
        days = max((now - facts.reported_at).days, 0)
    parts = (
        Contribution("civilian deaths", str(deaths), _capped(2 * deaths, 30), 30, "2 per death"),
        Contribution("civilian injuries", str(injuries), _capped(injuries, 15), 15, "1 per injury"),
        Contribution("children killed or injured", child_value, child_points, 15, "3 per child; 6 if not counted"),
        Contribution(
            "sexual violence", "yes" if facts.sexual_violence else "no", 15.0 if facts.sexual_violence else 0.0, 15,
            "15 if present",
        ),
        Contribution(
            "attacks on protected objects", ", ".join(protected) or "none", _capped(5 * len(protected), 10), 10,
            "5 per kind: health, education, humanitarian",
        ),
        Contribution(
            "strength of evidence", Grade(facts.evidence).value, float(EVIDENCE_POINTS[Grade(facts.evidence)]), 10,
            "confirmed 10, fair 7, weak 3, contested 2, ungraded 3, discounted 0",
        ),
        Contribution("age of the case", f"{days} days", _capped(days // 30, 5), 5, "1 per full 30 days"),
    )
    return Triage(score=sum(p.points for p in parts), contributions=parts)
