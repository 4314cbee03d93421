from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from civwatch.domain.cases import (
    MOVES,
    CaseForbidden,
    CaseRuleError,
    CaseSnapshot,
    CaseState,
    check_move,
    overdue_by,
    parse_deadlines,
)
from civwatch.domain.taxonomy import Role

S = CaseState
ALL = frozenset(Role)
FINDINGS = {
    "investigation": {"evidence": "strike log, imagery", "operation": "own", "unit": "3rd Battalion", "munition": "GBU-12"},
    "harm_confirmed": True,
    "attribution": "own_forces",
}


def snap(state: CaseState, outcome: str | None = None, by: str | None = None) -> CaseSnapshot:
    return CaseSnapshot(id=1, state=state, version=3, assessment_outcome=outcome, assessed_by=by)


def test_only_the_listed_moves_are_allowed_from_each_state() -> None:
    allowed = {(m.source, m.target) for m in MOVES}
    for source in CaseState:
        for target in CaseState:
            if (source, target) in allowed:
                continue
            with pytest.raises(CaseRuleError) as err:
                check_move(snap(source, "credible", "asa"), target, "ann", ALL, "because")
            assert "case 1" in str(err.value)


def test_a_credible_case_cannot_skip_investigation() -> None:
    for target in (S.FINDINGS, S.RESPONSE, S.LESSON_LEARNED):
        with pytest.raises(CaseRuleError, match="must be investigated"):
            check_move(snap(S.INITIAL_ASSESSMENT, "credible", "asa"), target, "ann", ALL, "skip", FINDINGS)
    with pytest.raises(CaseRuleError, match="must be investigated before it closes"):
        check_move(snap(S.INITIAL_ASSESSMENT, "credible", "asa"), S.CLOSED, "ann", {Role.APPROVER}, "close it")


def test_nobody_approves_their_own_assessment_not_even_an_admin() -> None:
    case = snap(S.INITIAL_ASSESSMENT, "credible", "abe")
    with pytest.raises(CaseRuleError, match="cannot approve their own assessment"):
        check_move(case, S.INVESTIGATION, "abe", {Role.APPROVER}, "approve")
    with pytest.raises(CaseRuleError, match="cannot approve their own assessment"):
        check_move(case, S.INVESTIGATION, "abe", {Role.ADMIN}, "approve")
    move, details = check_move(case, S.INVESTIGATION, "ann", {Role.APPROVER}, "approve")
    assert move.target is S.INVESTIGATION and details == {}


def test_a_closed_case_cannot_be_edited_only_reopened() -> None:
    for target in (S.CLOSED, S.LESSON_LEARNED, S.INITIAL_ASSESSMENT):
        with pytest.raises(CaseRuleError, match="is closed and cannot be edited"):
            check_move(snap(S.CLOSED), target, "ann", ALL, "edit")
    move, _ = check_move(snap(S.CLOSED), S.REPORTED, "ann", {Role.APPROVER}, "new evidence from the family")
    assert move.action == "reopen"


def test_roles_reasons_and_details_are_checked() -> None:
    with pytest.raises(CaseForbidden, match="needs the role assessor"):
        check_move(snap(S.REPORTED), S.INITIAL_ASSESSMENT, "vic", {Role.VIEWER}, "x", {"outcome": "credible", "reasons": "r"})
    with pytest.raises(CaseRuleError, match="needs a reason"):
        check_move(snap(S.REPORTED), S.INITIAL_ASSESSMENT, "asa", {Role.ASSESSOR}, "  ", {"outcome": "credible", "reasons": "r"})
    with pytest.raises(CaseRuleError, match="reasons"):
        check_move(snap(S.REPORTED), S.INITIAL_ASSESSMENT, "asa", {Role.ASSESSOR}, "r", {"outcome": "credible"})
    with pytest.raises(CaseRuleError, match="information_needed"):
        check_move(snap(S.REPORTED), S.INITIAL_ASSESSMENT, "asa", {Role.ASSESSOR}, "r", {"outcome": "needs_information", "reasons": "thin"})
    _, details = check_move(snap(S.REPORTED), S.INITIAL_ASSESSMENT, "asa", {Role.ASSESSOR}, "r",
                            {"outcome": "credible", "reasons": "two sources; imagery"})
    assert details == {"outcome": "credible", "reasons": ["two sources", "imagery"]}
    inv = snap(S.INVESTIGATION)
    with pytest.raises(CaseRuleError, match="referral"):
        check_move(inv, S.FINDINGS, "ivan", {Role.INVESTIGATOR}, "r", {**FINDINGS, "ihl_concern": True})
    with pytest.raises(CaseRuleError, match="needs the unit"):
        check_move(inv, S.FINDINGS, "ivan", {Role.INVESTIGATOR}, "r", {**FINDINGS, "investigation": {"evidence": "x", "operation": "partner"}})
    fin = snap(S.FINDINGS)
    with pytest.raises(CaseRuleError, match="positive amount and a currency"):
        check_move(fin, S.RESPONSE, "ann", {Role.APPROVER}, "r", {"kind": "ex_gratia_payment", "amount": "2500", "recipient_consent": True})
    with pytest.raises(CaseRuleError, match="consent"):
        check_move(fin, S.RESPONSE, "ann", {Role.APPROVER}, "r", {"kind": "apology", "recipient_consent": False})
    with pytest.raises(CaseRuleError, match="ISO 4217"):
        check_move(fin, S.RESPONSE, "ann", {Role.APPROVER}, "r", {"kind": "condolence_payment", "amount": 10, "currency": "dollars", "recipient_consent": True})
    _, details = check_move(fin, S.RESPONSE, "ann", {Role.APPROVER}, "r",
                            {"kind": "condolence_payment", "amount": "2500.50", "currency": "afn", "recipient_consent": True})
    assert details["currency"] == "AFN" and details["amount"] == "2500.50"


def test_needs_information_and_not_credible_paths() -> None:
    with pytest.raises(CaseRuleError, match="only a credible case is investigated"):
        check_move(snap(S.INITIAL_ASSESSMENT, "not_credible", "asa"), S.INVESTIGATION, "ann", {Role.APPROVER}, "go")
    with pytest.raises(CaseRuleError, match="re-assess"):
        check_move(snap(S.INITIAL_ASSESSMENT, "needs_information", "asa"), S.CLOSED, "ann", {Role.APPROVER}, "go")
    move, _ = check_move(snap(S.INITIAL_ASSESSMENT, "not_credible", "asa"), S.CLOSED, "ann", {Role.APPROVER}, "no harm")
    assert move.action == "approve assessment and close"


def test_deadlines_parse_and_overdue() -> None:
    d = parse_deadlines("reported=48, investigation=100")
    assert d[S.REPORTED] == 48 and d[S.INVESTIGATION] == 100 and d[S.FINDINGS] == 30 * 24
    for bad in ("reported", "reported=0", "closed=5", "nowhere=5", "reported=x"):
        with pytest.raises(ValueError, match="bad case deadline"):
            parse_deadlines(bad)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    assert overdue_by(S.REPORTED, t0, t0 + timedelta(hours=72), d) == timedelta(hours=24)
    assert overdue_by(S.REPORTED, t0, t0 + timedelta(hours=47), d) is None
    assert overdue_by(S.CLOSED, t0, t0 + timedelta(days=999), d) is None


def test_reported_harm_refuses_unknown_country_codes() -> None:
    import pytest
    from pydantic import ValidationError

    from civwatch.domain.cases import ReportedHarm

    assert ReportedHarm(summary="Shelling hit the market", country_iso3="ukr").country_iso3 == "UKR"
    for code in ("ZZZ", "XXA"):
        with pytest.raises(ValidationError, match="unknown country code"):
            ReportedHarm(summary="Shelling hit the market", country_iso3=code)
