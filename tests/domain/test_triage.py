from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from civwatch.domain.taxonomy import CivilianObject, Grade
from civwatch.domain.triage import TriageFacts, score

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def test_each_factor_contributes_by_its_documented_rule() -> None:
    facts = TriageFacts(
        civilian_deaths=4, civilian_injuries=20, children_harmed=2, sexual_violence=True,
        objects_hit=frozenset({CivilianObject.HEALTH, CivilianObject.SHELTER}), evidence=Grade.FAIR,
        reported_at=NOW - timedelta(days=65),
    )
    t = score(facts, NOW)
    points = {c.factor: c.points for c in t.contributions}
    assert points == {
        "civilian deaths": 8, "civilian injuries": 15, "children killed or injured": 6, "sexual violence": 15,
        "attacks on protected objects": 5, "strength of evidence": 7, "age of the case": 2,
    }
    assert t.score == 8 + 15 + 6 + 15 + 5 + 7 + 2
    assert "civilian deaths: 4 -> 8 of 30 (2 per death)" in t.explain()


def test_caps_and_unknown_children() -> None:
    t = score(TriageFacts(civilian_deaths=500, children_harmed=None, evidence=Grade.CONFIRMED,
                          objects_hit=frozenset(CivilianObject), reported_at=NOW - timedelta(days=3650)), NOW)
    points = {c.factor: c.points for c in t.contributions}
    assert points["civilian deaths"] == 30 and points["children killed or injured"] == 6
    assert points["attacks on protected objects"] == 10 and points["age of the case"] == 5
    assert max(score(TriageFacts(civilian_deaths=10**6, civilian_injuries=10**6, children_harmed=10**6, sexual_violence=True,
                                 objects_hit=frozenset(CivilianObject), evidence=Grade.CONFIRMED,
                                 reported_at=NOW - timedelta(days=10**4)), NOW).score, 0) == 100


def test_the_score_is_actor_blind() -> None:
    names = {f.name for f in dataclasses.fields(TriageFacts)}
    assert not any(word in name for name in names for word in ("party", "perpetrator", "actor", "side", "force"))
