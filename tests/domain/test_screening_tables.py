"""The tables users maintain for screening: row checks with their reasons, the scope the UK
footnotes state, an embargo's status on a date, and how embargo, diversion and CHMR evidence
enter the rule (never as "no risk" when absent)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from civwatch.domain import screening as dom
from civwatch.domain import screening_tables as t

KNOWN = {"SYR", "ISL"}
ROW = {"source": "UNSC", "url": "https://example.org/r", "date": "2020-01-01", "destination_iso3": "syr", "scope": "Arms",
       "start": "2020-02-01", "end": ""}


def test_rows_are_checked_with_a_reason() -> None:
    e = t.check_embargo(2, ROW, KNOWN)
    assert (e.destination_iso3, e.scope, e.starts_on, e.ends_on) == ("SYR", "arms", date(2020, 2, 1), None)
    for bad, reason in (({"url": "ftp://x"}, "not an http"), ({"date": ""}, "date is empty"), ({"destination_iso3": "XXX"}, "alpha-3"),
                        ({"scope": "total"}, "valid values are arms, partial"), ({"end": "2019-01-01"}, "end is before start"),
                        ({"start": "1st May"}, "not a date"), ({"source": ""}, "source is empty")):
        with pytest.raises(t.TableRowError, match=reason):
            t.check_embargo(2, ROW | bad, KNOWN)
    d = t.check_diversion(3, {"source": "Panel of Experts", "url": "https://example.org/p", "date": "2021-03-01",
                              "country_iso3": "ISL", "kind": "re_export", "event_date": ""}, KNOWN)
    assert (d.kind, d.event_date) == ("re_export", None)
    with pytest.raises(t.TableRowError, match="valid values are diversion, re_export"):
        t.check_diversion(3, {"source": "s", "url": "https://e.org", "date": "2021-03-01", "country_iso3": "ISL", "kind": "theft"}, KNOWN)


def test_the_scope_a_footnote_states() -> None:
    assert t.footnote_scope("the UN arms embargo only applies to non-governmental entities") == "targeted"
    assert t.footnote_scope("Resolution 2444 (2018) lifted the sanctions on Eritrea.") == "lifted"
    assert t.footnote_scope("extended the partial lift of the embargo; the embargo was lifted for X") == "arms"
    assert t.footnote_scope("UNSCR 2127 established an arms embargo") == "arms"
    with pytest.raises(t.TableRowError, match="not an embargo statement"):
        t.check_footnote(4, {"name": "Japan", "text": "assessed against the Consolidated Criteria"}, "JPN")
    with pytest.raises(t.TableRowError, match="not a known country"):
        t.check_footnote(4, {"name": "Atlantis", "text": "an arms embargo"}, None)


def test_status_on_a_date_and_what_it_bears_on() -> None:
    row = {"scope": "arms", "starts_on": date(2020, 1, 1), "ends_on": date(2021, 1, 1)}
    assert [t.embargo_status(row, d) for d in (date(2019, 12, 31), date(2020, 1, 1), date(2021, 1, 1), date(2021, 1, 2))] == [
        "not_yet", "in_force", "in_force", "ended"]
    assert t.embargo_status(row | {"starts_on": None}, date(2020, 6, 1)) == "start_not_recorded"
    assert t.embargo_status(row | {"scope": "lifted"}, date(2020, 6, 1)) == "lifted"
    assert t.applies({"scope": "targeted"}, "armed_forces", "ML1") is False
    assert t.applies({"scope": "targeted"}, "non_state", "ML1") is True
    assert t.applies({"scope": "dual_use"}, "armed_forces", "ML1") is False and t.applies({"scope": "dual_use"}, "armed_forces", "DU4")


def evidence(**over) -> dict:
    ev = {"harm": {"loaded": True, "civilian_deaths": {"best": 0}, "by_grade": {"ungraded": {"incidents": 1, "deaths_best": 0}},
                   "matching_share": 0.0, "ewipa_share": 0.0, "sexual_violence_incidents": 0},
          "conflict": {"loaded": True, "conflict_years": 0}, "obligations": {"att": {"known": True, "status": "party"}},
          "embargo": {"loaded": True, "on": "2020-06-01", "in_force": 0, "start_not_recorded": 0, "lifted_statements": 0},
          "diversion": {"loaded": True, "table_loaded": True, "records": 0}, "chmr": {"cases_with_findings": 0}}
    return ev | over


def by_id(ev: dict) -> dict[str, dom.CriterionResult]:
    return {r.criterion: r for r in dom.assess(ev, copy.deepcopy(dom.DEFAULT_CONFIG))}


def test_absent_chmr_findings_leave_the_finding_to_the_other_inputs() -> None:
    r = by_id(evidence())
    assert r["ATT-7.1"].finding == "none_found" and "CHMR" in " ".join(r["ATT-7.1"].missing)
    found = by_id(evidence(chmr={"cases_with_findings": 2, "harm_confirmed": 2, "ihl_concern": 1}))
    assert found["ATT-7.1"].finding == "indicators_found" and found["ATT-7.1"].score == pytest.approx(0.2 / 0.8)
    cleared = by_id(evidence(chmr={"cases_with_findings": 2, "harm_confirmed": 1, "ihl_concern": 0}))
    assert cleared["ATT-7.1"].finding == "none_found" and cleared["ATT-7.1"].score == 0


def test_diversion_and_embargo_are_never_none_found() -> None:
    r = by_id(evidence())
    assert {r[c].finding for c in ("ATT-11", "EU-7", "EIPA-7.3-TERROR", "ATT-6.1")} == {"insufficient_data"}
    r = by_id(evidence(diversion={"loaded": True, "table_loaded": False, "records": 2, "supplied_to_non_state": [{}, {}]}))
    assert r["ATT-11"].finding == "indicators_found"
    undated = {"loaded": True, "on": "2020-06-01", "in_force": 0, "start_not_recorded": 2, "lifted_statements": 0}
    assert by_id(evidence(embargo=undated))["ATT-6.1"].finding == "indicators_found"
    assert by_id(evidence(embargo=undated | {"lifted_statements": 1}))["ATT-6.1"].finding == "insufficient_data"
    assert by_id(evidence(embargo=undated | {"in_force": 1, "lifted_statements": 1}))["ATT-6.1"].finding == "indicators_found"
