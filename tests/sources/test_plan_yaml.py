"""YAML plans: refused whole with the line and reason of every problem; the sample parses and
round-trips through export."""

from __future__ import annotations

import pytest

from civwatch.services.plan import sample_path
from civwatch.sources import plan_yaml
from civwatch.sources.plan_yaml import PlanRefused
from tests.plan_support import commitment, indicator, plan

GOOD = indicator("I1", "treaties.forum_parties@1", "{forum: G7, instrument: ccm}")


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing `needle` (found by the test, not the code)."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    return hits[nth - 1]


def refused(text: str) -> list:
    with pytest.raises(PlanRefused) as info:
        plan_yaml.parse(text)
    assert str(info.value).startswith("plan refused, nothing imported: ")
    return info.value.problems


def test_a_good_plan_parses() -> None:
    p = plan_yaml.parse(plan(commitment("C1", GOOD)))
    assert [c.id for _, c in p.commitments()] == ["C1"]


def test_unknown_department_with_its_line() -> None:
    text = plan(commitment("C1", GOOD), commitment("C2", indicator("I2", "manual"), lead="RCMP"))
    [p] = refused(text)
    assert p.line == line_of(text, "lead: RCMP") and "unknown department 'RCMP'" in p.message and "GAC, DND, CAF" in p.message


def test_unknown_department_accepted_when_configured(monkeypatch) -> None:
    monkeypatch.setenv("CIVWATCH_PLAN_DEPARTMENTS", "GAC,DND,CAF,RCMP")
    plan_yaml.parse(plan(commitment("C2", indicator("I2", "manual"), lead="RCMP")))


def test_query_that_does_not_exist_with_its_line() -> None:
    text = plan(commitment("C1", GOOD), commitment("C2", indicator("I2", "cases.share_of_happiness@1")))
    [p] = refused(text)
    assert p.line == line_of(text, "query: cases.share_of_happiness@1")
    assert "no query 'cases.share_of_happiness@1'" in p.message and p.path.endswith("indicators.0.query")


def test_target_date_before_baseline_with_its_line() -> None:
    bad = indicator("I2", "manual", baseline="{value: 0, date: 2015-01-01}", target="{value: 5, date: 2012-01-01}")
    text = plan(commitment("C1", GOOD), commitment("C2", bad))
    [p] = refused(text)
    assert p.line == line_of(text, "target: {value: 5, date: 2012-01-01}")
    assert p.message == "target date 2012-01-01 is not after the baseline date 2015-01-01"


def test_duplicate_identifier_with_its_line() -> None:
    text = plan(commitment("C1", GOOD), commitment("C1", indicator("I2", "manual")))
    [p] = refused(text)
    assert p.line == line_of(text, "- id: C1", 2) and "duplicate identifier 'C1'" in p.message
    text = plan(commitment("C1", GOOD), commitment("C2", GOOD))  # indicator ids are identifiers too
    [p] = refused(text)
    assert p.line == line_of(text, "- id: I1", 2)


def test_every_problem_is_listed_in_line_order() -> None:
    bad_date = indicator("I3", "manual", baseline="{value: 0, date: 2015-01-01}", target="{value: 5, date: 2012-01-01}")
    text = plan(commitment("C1", GOOD, lead="XYZ"), commitment("C2", indicator("I2", "nope")), commitment("C3", bad_date))
    problems = refused(text)
    assert [p.line for p in problems] == sorted(p.line for p in problems) and len(problems) == 3


def test_broken_yaml_and_duplicate_keys_and_unknown_fields() -> None:
    [p] = refused("id: x\ntitle: [unclosed\nperiod: 1\n")
    assert p.line == 3 and "not valid YAML" in p.message
    text = plan(commitment("C1", GOOD)).replace("  owner: a test owner\n", "  owner: a test owner\n        owner: again\n")
    [p] = refused(text)
    assert p.line == line_of(text, "owner: again") and "given twice" in p.message
    text = plan(commitment("C1", GOOD)).replace("  owner: a test owner\n", "  owner: a test owner\n        budget: 12\n")
    [p] = refused(text)
    assert p.line == line_of(text, "budget: 12") and "Extra inputs are not permitted" in p.message
    [p] = refused(b"\xff\xfe")
    assert "not UTF-8" in p.message and p.line is None


def test_status_needing_a_reason_and_bad_treaty_params() -> None:
    text = plan(commitment("C1", GOOD, status="at_risk"))
    [p] = refused(text)
    assert p.line == line_of(text, "status: at_risk") and "needs a reason" in p.message
    text = plan(commitment("C1", indicator("I1", "treaties.forum_parties@1", "{forum: G77, instrument: ccm}")))
    [p] = refused(text)
    assert p.line == line_of(text, "params:") and "unknown forum 'G77'" in p.message


def test_the_sample_plan_parses_is_illustrative_and_round_trips() -> None:
    text = sample_path().read_text(encoding="utf-8")
    p = plan_yaml.parse(text)
    assert p.illustrative and len(p.sources) == len(p.commitments()) == 7
    # one commitment per roundtable ask, each answering exactly its own
    assert sorted(a for _, c in p.commitments() for a in c.answers) == sorted(s.id for s in p.sources)
    again = plan_yaml.parse(plan_yaml.dump(p))
    assert again == p
