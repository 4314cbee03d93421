"""The screening rule on evidence figures: findings, thresholds from the configuration, the
item table, application refusals."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from civwatch.domain import screening as dom
from civwatch.domain.taxonomy import Weapon


def evidence(deaths: int | None = 30, conflict: int = 2) -> dict:
    return {
        "harm": {"loaded": True, "civilian_deaths": None if deaths is None else {"best": deaths},
                 "by_grade": {"ungraded": {"incidents": 5, "deaths_best": deaths or 0}},
                 "matching_share": 0.5, "ewipa_share": None, "sexual_violence_incidents": 0},
        "conflict": {"loaded": True, "conflict_years": conflict},
        "obligations": {"att": {"known": True, "status": "party"}},
        "embargo": {"loaded": True, "statements": []},
    }


def by_id(results: list[dom.CriterionResult]) -> dict[str, dom.CriterionResult]:
    return {r.criterion: r for r in results}


def test_findings_follow_the_thresholds_stored_in_the_configuration() -> None:
    cfg = copy.deepcopy(dom.DEFAULT_CONFIG)
    r = by_id(dom.assess(evidence(30), cfg))
    assert r["EIPA-7.3-IHRL"].finding == "indicators_found" and r["EIPA-7.3-IHRL"].rating == "high"
    assert r["ATT-7.4"].finding == "none_found"  # 0 sexual-violence incidents, data loaded
    assert r["ATT-6.1"].finding == "insufficient_data"  # no embargo statement is not "no embargo"
    assert r["EU-5"].finding == "insufficient_data" and r["EU-5"].rating == "unrated"
    cfg["thresholds"]["civilian_deaths"] = 31
    assert by_id(dom.assess(evidence(30), cfg))["EIPA-7.3-IHRL"].finding == "none_found"
    cfg["harm_grades"] = ["confirmed", "fair"]  # ungraded no longer counted
    assert by_id(dom.assess(evidence(3000), cfg))["EIPA-7.3-IHRL"].finding == "none_found"


def test_unknown_figures_give_insufficient_data_never_none_found() -> None:
    r = by_id(dom.assess(evidence(None), dom.DEFAULT_CONFIG))
    assert r["EIPA-7.3-IHRL"].finding == "insufficient_data"
    ev = evidence()
    ev["harm"] = {"loaded": False}
    ev["conflict"] = {"loaded": False}
    unknown = {"harm", "harm_confirmed", "harm_matching", "ewipa", "sexual_violence", "conflict"}
    results = dom.assess(ev, dom.DEFAULT_CONFIG)
    for c in results:
        if set(c.evidence) & unknown:
            assert c.finding == "insufficient_data" and c.rating == "unrated", c.criterion
    assert by_id(results)["EU-6"].finding == "none_found"  # the known obligations still read


def test_the_rule_reads_no_name() -> None:
    ev = evidence()
    a = [c.__dict__ for c in dom.assess(ev, dom.DEFAULT_CONFIG)]
    ev["recipient"] = "SOMEWHERE"
    assert [c.__dict__ for c in dom.assess(ev, dom.DEFAULT_CONFIG)] == a


def test_item_table_covers_only_listed_items_and_known_weapons() -> None:
    assert set(dom.ITEM_WEAPONS) <= set(dom.ITEM_CATEGORIES)
    assert all(isinstance(w, Weapon) for ws in dom.ITEM_WEAPONS.values() for w in ws)
    assert len([k for k in dom.ITEM_CATEGORIES if k.startswith("ML")]) == 22
    assert dom.weapons_for("ML13") == ()


def test_distance_uses_only_figures_both_know() -> None:
    a = {"log_deaths": 1.0, "matching_share": None, "ewipa_share": 0.2, "log_conflict_years": None}
    b = {"log_deaths": 2.0, "matching_share": 0.5, "ewipa_share": 0.4, "log_conflict_years": 1.0}
    assert dom.distance(a, b) == pytest.approx(0.6)
    assert dom.distance({"x": None}, {"x": 1.0}) is None


def test_application_refusals() -> None:
    ok = {"recipient": "CAN", "end_user": "armed_forces", "item": "ml10", "quantity": 1, "value": 1, "currency": "cad",
          "intended_use": "u", "period_from": "2030-01-01", "period_to": "2030-02-01", "reference": "r"}
    assert dom.check_application(ok, {"CAN"}, date(2029, 1, 1)).item == "ML10"
    for bad, message in (({"quantity": 0}, "positive"), ({"period_to": "2029-12-31"}, "ends before"),
                         ({"currency": "XXX"}, "valid values are CAD"), ({"reference": ""}, "reference"),
                         ({"kind": "loan"}, "valid values are export")):
        with pytest.raises(dom.ScreeningError, match=message):
            dom.check_application(ok | bad, {"CAN"}, date(2029, 1, 1))
