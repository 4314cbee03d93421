"""The plan in a real store (SQLite and PostgreSQL): versions kept and audited, refusals leave
nothing behind, roles, and indicator values equal to figures the test computes itself from the
raw tables (SQL), the raw UNTC file and the raw GED file (csv module)."""

from __future__ import annotations

import csv
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from civwatch.services import auth, importing, treaties
from civwatch.services import cases as case_svc
from civwatch.services import plan as svc
from civwatch.store import audit
from civwatch.store.db import make_engine
from civwatch.store.migrate import upgrade
from civwatch.store.schema import audit_log, case_transitions, cases, plan_versions
from tests.case_support import make_users
from tests.plan_support import commitment, indicator, plan

ASSESS = {"outcome": "credible", "reasons": "two independent sources"}
FINDINGS = {
    "investigation": {"evidence": "strike log; imagery", "operation": "own", "unit": "TF 3", "munition": "mortar",
                      "time_on_target": "2024-02-27T14:05:00Z"},
    "harm_confirmed": True, "attribution": "own_forces", "ihl_concern": False, "referral": "none",
}
RESPONSE = {"kind": "ex_gratia_payment", "amount": "2500", "currency": "USD", "recipient_consent": True}
G7_NAMES = ["Canada", "France", "Germany", "Italy", "Japan", "United Kingdom of Great Britain and Northern Ireland",
            "United States of America"]
PARTY_ACTIONS = {"Ratification", "Accession", "Succession", "Acceptance", "Approval"}


def counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (conn.execute(select(func.count()).select_from(plan_versions)).scalar(),
                conn.execute(select(func.count()).select_from(audit_log)).scalar())


def test_versions_are_kept_audited_and_exported_as_imported(store) -> None:
    users = make_users(store)
    text = svc.sample_path().read_text(encoding="utf-8")
    first = svc.import_yaml(store, text, users["lena"], note="first")
    assert first == {"plan_id": "nap-poc-sample", "version": 1, "unchanged": False, "commitments": 7}
    assert svc.import_yaml(store, text, users["lena"])["unchanged"] is True  # same text: no new version
    edited = text.replace("title: National Action Plan on the Protection of Civilians (sample)",
                          "title: National Action Plan on POC (sample, revised)")
    assert svc.import_yaml(store, edited, users["lena"], note="retitled")["version"] == 2
    assert svc.export_yaml(store, "nap-poc-sample", 1) == text and svc.export_yaml(store) == edited
    old = svc.show(store, "nap-poc-sample", version=1, on=date(2011, 1, 1))
    assert old["title"].endswith("(sample)") and old["latest_version"] == 2 and [v["note"] for v in old["versions"]] == ["first", "retitled"]
    entries = svc.audit_entries(store, "nap-poc-sample")
    assert [e["entity_id"] for e in entries] == ["nap-poc-sample@2", "nap-poc-sample@1"] and {e["actor"] for e in entries} == {"lena"}
    with store.connect() as conn:
        assert audit.verify(conn)[1] == []


def test_a_refused_plan_leaves_nothing_and_roles_are_checked(store) -> None:
    users = make_users(store)
    before = counts(store)
    bad = plan(commitment("C1", indicator("I1", "manual")), commitment("C1", indicator("I2", "manual")))
    with pytest.raises(svc.PlanRefused, match="duplicate identifier 'C1'"):
        svc.import_yaml(store, bad, users["lena"])
    assert counts(store) == before
    good = plan(commitment("C1", indicator("I1", "manual")))
    with pytest.raises(svc.PlanForbidden, match="needs the role admin or analyst"):
        svc.import_yaml(store, good, users["vic"])
    with pytest.raises(auth.AuthError):
        svc.import_yaml(store, good, None)
    assert counts(store) == before
    with pytest.raises(svc.PlanNotFound):
        svc.show(store)


def _case_world(engine, users) -> list[int]:
    """Four cases with known times: assessed in 10 h, assessed in 100 h (late), never assessed,
    and one reported late in the period; two reach response."""
    t0 = datetime(2012, 3, 1, 8, 0, tzinfo=UTC)
    u = users
    ids = []
    for k, at in enumerate((t0, t0 + timedelta(days=2), t0 + timedelta(days=5), t0 + timedelta(days=200))):
        ids.append(case_svc.open_from_report(engine, {"summary": f"shelling near the market, report {k}", "civilian_deaths": 1},
                                             u["rita"], now=at))
    case_svc.move(engine, ids[0], "initial_assessment", u["asa"], "r", ASSESS, now=t0 + timedelta(hours=10))
    case_svc.move(engine, ids[1], "initial_assessment", u["asa"], "r", ASSESS, now=t0 + timedelta(days=2, hours=100))
    for cid, start, days in ((ids[0], t0, 30), (ids[1], t0 + timedelta(days=2), 90)):
        case_svc.move(engine, cid, "investigation", u["ann"], "ok", now=start + timedelta(days=6))
        case_svc.move(engine, cid, "findings", u["ivan"], "done", FINDINGS, now=start + timedelta(days=days - 5))
        case_svc.move(engine, cid, "response", u["ann"], "paid", RESPONSE, now=start + timedelta(days=days))
    return ids


def _cases_by_sql(engine, on: date) -> tuple[float | None, int, float | None]:
    """Share assessed within 72 h (over the known outcomes) and median days to response, by SQL
    over the raw case tables."""
    end = datetime(on.year, on.month, on.day, 23, 59, 59, 999999, tzinfo=UTC)
    with engine.connect() as conn:
        rows = conn.execute(select(cases.c.id, cases.c.reported_at)).all()
        moves = conn.execute(select(case_transitions.c.case_id, case_transitions.c.to_state, case_transitions.c.at)
                             .order_by(case_transitions.c.at)).all()

    def aware(t: datetime) -> datetime:
        return t if t.tzinfo else t.replace(tzinfo=UTC)

    within = late = 0
    days = []
    for cid, reported in rows:
        reported = aware(reported)
        if reported > end:
            continue
        mine = [(s, aware(at)) for c, s, at in moves if c == cid and aware(at) <= end]
        assessed = next((at for s, at in mine if s == "initial_assessment"), None)
        if assessed is not None:
            within += assessed - reported <= timedelta(hours=72)
            late += assessed - reported > timedelta(hours=72)
        elif end - reported > timedelta(hours=72):
            late += 1
        responded = next((at for s, at in mine if s == "response"), None)
        if responded is not None:
            days.append((responded - reported).total_seconds() / 86400)
    base = within + late
    return (round(within / base, 4) if base else None, base, round(statistics.median(days), 2) if days else None)


def test_case_indicators_equal_sql_over_the_raw_tables(store) -> None:
    users = make_users(store)
    _case_world(store, users)
    text = plan(commitment("C2", indicator("share", "cases.assessed_within_deadline@1", baseline="{value: 0.5, date: 2012-01-01}",
                                           target="{value: 0.9, date: 2014-01-01}")),
                commitment("C3", indicator("median", "cases.median_days_to_response@1", baseline="{value: 120, date: 2012-01-01}",
                                           target="{value: 30, date: 2014-01-01}", direction="decrease")))
    svc.import_yaml(store, text, users["lena"])
    start, end = date(2012, 3, 4), date(2012, 12, 31)
    rep = {r["indicator"]: r for r in svc.report(store, start, end)["rows"]}
    for on, key in ((start, "start"), (end, "end")):
        share, base, median = _cases_by_sql(store, on)
        assert rep["share"][f"value_{key}"] == share and rep["share"][f"base_{key}"] == base
        assert rep["median"][f"value_{key}"] == median
        fig = case_svc.as_of(store, datetime(on.year, on.month, on.day, 23, 59, 59, 999999, tzinfo=UTC))
        assert fig["initial_assessment"]["share_within"] == share and fig["response"]["median_days"] == median
    # by the end all four are reported: one assessed within 72 h, one late, two never assessed
    assert rep["share"]["value_end"] == 0.25 and rep["share"]["base_end"] == 4
    assert rep["median"]["value_end"] == 60.0 and rep["median"]["progress"] == "ahead"
    before = svc.report(store, date(2011, 1, 1), date(2011, 6, 1))["rows"]
    assert before[0]["value_end"] is None and before[0]["progress"] == "unknown" and "unknown" in before[0]["note_end"]


@pytest.fixture(scope="module")
def treaty_store(tmp_path_factory, shared_data: Path):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('plan-treaties') / 's.sqlite'}")
    upgrade(engine)
    treaties.import_all(engine, treaties.shared_files(shared_data), actor="test")
    yield engine
    engine.dispose()


def _g7_parties_from_raw(shared_data: Path, file: str, treaty: str, on: date) -> int:
    with (shared_data / "treaties" / file).open(newline="", encoding="utf-8") as fh:
        return sum(1 for r in csv.DictReader(fh) if r["treaty_id"] == treaty and r["country_name"] in G7_NAMES
                   and r["action_type"] in PARTY_ACTIONS and r["action_date"] and date.fromisoformat(r["action_date"]) <= on)


def test_treaty_indicator_equals_a_count_over_the_raw_untc_file(treaty_store, shared_data: Path) -> None:
    users = make_users(treaty_store)
    text = plan(commitment("C4", indicator("ccm", "treaties.forum_parties@1", "{forum: G7, instrument: ccm}", target="{value: 7, date: 2016-12-31}")),
                commitment("C6", indicator("ced", "treaties.forum_parties@1", "{forum: G7, instrument: IV-16}", target="{value: 7, date: 2016-12-31}")))
    svc.import_yaml(treaty_store, text, users["lena"])
    start, end = date(2010, 1, 1), date(2016, 1, 1)
    rep = {r["indicator"]: r for r in svc.report(treaty_store, start, end)["rows"]}
    for ind, file, treaty in (("ccm", "untc_chXXVI_disarmament_ratifications_2026-02-03.csv", "ccm"),
                              ("ced", "untc_chIV_human_rights_ratifications_2026-02-03.csv", "ced")):
        for on, key in ((start, "start"), (end, "end")):
            expected = _g7_parties_from_raw(shared_data, file, treaty, on)
            assert rep[ind][f"value_{key}"] == expected, (ind, on)
            assert rep[ind][f"base_{key}"] == len(G7_NAMES)
            members = treaties.forum_members(treaty_store, "G7", on)
            assert expected == sum(treaties.status(treaty_store, m, treaty, on)["status"] == "party" for m in members)
    assert (rep["ccm"]["value_start"], rep["ccm"]["value_end"]) == (3, 6)  # FRA DEU JPN; then GBR 2010, ITA 2011, CAN 2015


def test_civilian_deaths_equal_a_sum_over_the_raw_ged_file(tmp_path, shared_data: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'ged.sqlite'}")
    upgrade(engine)
    ged = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    importing.import_file(engine, ged, actor="test")
    users = make_users(engine)
    text = plan(commitment("C1", indicator("deaths", "indicators.civilian_deaths@1", "{window_days: 365}",
                                           baseline="{value: 100, date: 2010-01-01}", target="{value: 50, date: 2016-12-31}",
                                           direction="decrease")),
                commitment("C1b", indicator("deaths-syr", "indicators.civilian_deaths@1", "{window_days: 730, countries: [SYR]}",
                                            baseline="{value: 100, date: 2010-01-01}", target="{value: 50, date: 2016-12-31}",
                                            direction="decrease")))
    svc.import_yaml(engine, text, users["lena"])
    with ged.open(newline="", encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh))

    def deaths(on: date, window: int, country_id: str | None = None) -> int:
        lo = on - timedelta(days=window - 1)
        return sum(int(r["deaths_civilians"]) for r in raw if lo <= date.fromisoformat(r["date_start"][:10]) <= on
                   and (country_id is None or r["country_id"] == country_id))

    start, end = date(2012, 12, 31), date(2015, 12, 31)
    rep = {r["indicator"]: r for r in svc.report(engine, start, end)["rows"]}
    assert rep["deaths"]["value_start"] == deaths(start, 365) and rep["deaths"]["value_end"] == deaths(end, 365)
    assert rep["deaths-syr"]["value_end"] == deaths(end, 730, "652")  # Syria is GW 652
    assert deaths(end, 365) > 0 and rep["deaths-syr"]["value_end"] > 0
    engine.dispose()


def test_screening_slot_manual_figures_and_approval(store) -> None:
    users = make_users(store)
    manual = indicator("hand", "manual", target="{value: 10, date: 2016-12-31}",
                       extra="  values:\n    - {date: 2012-06-30, value: 3, evidence: 'Annual report 2012, p. 4'}\n"
                             "    - {date: 2014-06-30, value: 7, evidence: 'https://example.org/report-2014'}\n")
    text = plan(commitment("C5", indicator("screen", "screening.complete_evidence_share@1", target="{value: 1, date: 2016-12-31}")),
                commitment("C8", manual))
    svc.import_yaml(store, text, users["lena"])
    rep = svc.report(store, date(2012, 1, 1), date(2014, 12, 31))
    rows = {r["indicator"]: r for r in rep["rows"]}
    # screening is loaded and nothing was decided by then: unknown, not 0
    assert rows["screen"]["value_end"] is None and rows["screen"]["note_end"] == "unknown: no screening decision by this date"
    assert rows["hand"]["value_start"] is None and rows["hand"]["value_end"] == 7
    assert not rep["approved"]
    with pytest.raises(svc.PlanForbidden):
        svc.approve(store, users["lena"], date(2012, 1, 1), date(2014, 12, 31), {"GAC": "text"})
    with pytest.raises(ValueError, match="unknown department RCMP"):
        svc.approve(store, users["ann"], date(2012, 1, 1), date(2014, 12, 31), {"RCMP": "text"})
    done = svc.approve(store, users["ann"], date(2012, 1, 1), date(2014, 12, 31), {"GAC": "Screening not yet running.", "DND": " "})
    assert done["role"] == "approver"
    rep = svc.report(store, date(2012, 1, 1), date(2014, 12, 31))
    assert rep["approved"] and rep["narratives"] == {"GAC": "Screening not yet running."}
    assert rep["approvals"][0]["approved_by"] == "ann"
    with store.connect() as conn:
        last = audit.entries(conn, limit=1)[0]
    assert last["event"] == "plan_report_approved" and last["actor"] == "ann"


def test_poc_personnel_equals_the_missions_api(tmp_path, shared_data: Path) -> None:
    from fastapi.testclient import TestClient

    from civwatch.app import create_app
    from civwatch.services import missions_import

    folder = shared_data / "peacekeeping"
    engine = make_engine(f"sqlite:///{tmp_path / 'pko.sqlite'}")
    upgrade(engine)
    missions_import.import_path(engine, folder, actor="test")
    users = make_users(engine)
    text = plan(commitment("C7", indicator("troops", "missions.poc_personnel@1", baseline="{value: 10000, date: 2005-01-01}",
                                           target="{value: 60000, date: 2012-12-31}")))
    svc.import_yaml(engine, text, users["lena"])
    client = TestClient(create_app(engine, private_reads=False))
    start, end = date(2006, 6, 30), date(2011, 6, 30)
    [row] = svc.report(engine, start, end)["rows"]
    for on, key in ((start, "start"), (end, "end")):
        api = client.get("/api/missions/poc-personnel", params={"as_of": on.isoformat()}).json()
        assert row[f"value_{key}"] == api["troops"] and api["troops"] > 0
        # the sum of the API's own per-mission figures, and every mission counted had a POC mandate by then
        assert api["troops"] == sum(m["troops"] for m in api["missions"])
    listed = {m["acronym"]: m for m in client.get("/api/missions").json()["missions"]}
    for m in client.get("/api/missions/poc-personnel", params={"as_of": end.isoformat()}).json()["missions"]:
        assert listed[m["mission"]]["poc_mandate_since"] <= end.isoformat()
    engine.dispose()


def test_department_view_overdue_and_at_risk(store) -> None:
    users = make_users(store)
    hand = indicator("h1", "manual", target="{value: 10, date: 2016-12-31}",
                     extra="  values:\n    - {date: 2013-01-01, value: 1, evidence: 'Minutes of 2013-01-01'}\n")
    text = plan(commitment("C1", hand, lead="CAF", due="2013-06-30"),
                commitment("C2", indicator("h2", "manual"), lead="CAF", due="2013-06-30", status="done"),
                commitment("C3", indicator("h3", "manual"), lead="DND", due="2016-06-30"))
    svc.import_yaml(store, text, users["lena"])
    view = {d["code"]: d for d in svc.departments_view(store, on=date(2014, 1, 1))["departments"]}
    assert [c["id"] for c in view["CAF"]["leads"]] == ["C1", "C2"]
    assert view["CAF"]["overdue"] == ["C1"]  # C2 is done: not overdue
    assert view["CAF"]["at_risk"] == ["C1"]  # 1 of 10 after 4 of 7 years: behind the straight path
    assert view["DND"]["partner_in"] == ["C1", "C2", "C3"] and view["DND"]["overdue"] == [] and view["GAC"]["leads"] == []
    c1 = svc.commitment(store, "C1", on=date(2014, 1, 1))["commitment"]["indicators"][0]
    assert c1["progress"]["state"] == "behind" and c1["series"][0]["date"] == date(2010, 1, 1) and c1["series"][-1]["date"] == date(2014, 1, 1)
    assert [p["value"] for p in c1["series"] if p["date"] >= date(2013, 1, 1)] == [1] * sum(p["date"] >= date(2013, 1, 1) for p in c1["series"])
