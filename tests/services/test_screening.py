"""Screening on the real files of shared data.

Every expectation is computed from the raw file with the csv module: the recipient's forces'
civilian harm (ACLED actor1 of "Violence against civilians" by the state's military, police or
government; GED one-sided violence by "Government of X"), SIPRI counts and TIV sums.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from civwatch.services import importing, parties, screening, screening_tables, treaties
from civwatch.services.store import open_store

ACLED_ETH = "acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv"
GED_GLOBAL = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
ACD = "ucdp_conflict_level/ucdp_prio_acd_v23_1.csv"
SIPRI = "arms_transfers/sipri_trade_register_all_1950-2024_generated_2025-03-13.csv"
AS_OF = date(2020, 1, 24)  # the last day of the ACLED Ethiopia file
WINDOW = (date(2015, 1, 25), AS_OF)  # window_years = 5


def application(**over) -> dict:
    raw = {"recipient": "ETH", "end_user": "armed_forces", "item": "ML4", "quantity": 10, "value": 1_000_000,
           "currency": "CAD", "intended_use": "air defence", "period_from": "2020-02-01", "period_to": "2021-01-31",
           "reference": "EXP-1"}
    return raw | over


@pytest.fixture(scope="module")
def eth(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Engine:
    if not (shared_data / ACLED_ETH).is_file():
        pytest.skip("ACLED files not in shared data")
    engine = open_store(str(tmp_path_factory.mktemp("screening") / "s.sqlite"))
    for name in (ACLED_ETH, GED_GLOBAL, ACD):
        importing.import_file(engine, shared_data / name)
    screening.import_sipri(engine, shared_data / SIPRI)
    treaties.import_all(engine)
    return engine


def _in(d: str, window: tuple[date, date]) -> bool:
    return window[0] <= date.fromisoformat(d[:10]) <= window[1]


def expected_harm(shared_data: Path, window: tuple[date, date], iso_name: str, acled: bool = True) -> dict:
    """Deaths, death-figure incidents and sexual-violence incidents of a state's forces."""
    forces = re.compile(rf"^(Military Forces|Police Forces|Government) of {iso_name} \(")
    deaths = known = sv = 0
    if acled:
        with open(shared_data / ACLED_ETH, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                if not forces.match(r["actor1"].strip()) or not _in(r["event_date"], window):
                    continue
                if r["event_type"] == "Violence against civilians":
                    deaths += int(r["fatalities"])
                    known += 1
                if r["sub_event_type"] == "Sexual violence":
                    sv += 1
    with open(shared_data / GED_GLOBAL, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["type_of_violence"] == "3" and r["side_a"].strip() == f"Government of {iso_name}" and _in(r["date_start"], window):
                deaths += int(r["deaths_civilians"])
                known += 1
    return {"deaths": deaths, "known": known, "sexual_violence": sv}


def test_harm_figures_equal_the_raw_files(eth: Engine, shared_data: Path) -> None:
    a = screening.show(eth, screening.new(eth, application(), as_of=AS_OF))
    h = a["evidence"]["harm"]
    want = expected_harm(shared_data, WINDOW, "Ethiopia")
    assert want["deaths"] > 100 and want["sexual_violence"] > 0
    # ACLED and GED give one figure: low = best = high
    assert h["civilian_deaths"] == {"low": want["deaths"], "best": want["deaths"], "high": want["deaths"],
                                    "incidents_with_figure": want["known"]}
    assert h["civilian_injuries"] is None  # neither source gives injuries: unknown, not zero
    assert h["sexual_violence_incidents"] == want["sexual_violence"]
    assert sum(r["deaths_best"] for r in h["by_weapon"]) == want["deaths"]
    assert sum(r["deaths_best"] for r in h["by_year"]) == want["deaths"]
    assert sum(g["deaths_best"] for g in h["by_grade"].values()) == want["deaths"]
    assert h["missing"] == []  # the file covers the whole window
    # the forces come from the register, by category and state
    ids = {f.actor_id for f in parties.forces_of_state(eth.connect(), "ETH")}
    assert {f["actor_id"] for f in h["provenance"]["forces"]} == ids
    # matching weapons first
    flags = [r["matching"] for r in h["by_weapon"]]
    assert flags == sorted(flags, reverse=True)


def test_a_longer_window_takes_every_year(eth: Engine, shared_data: Path) -> None:
    aid = screening.new(eth, application(reference="EXP-30"), as_of=AS_OF, config={"window_years": 30})
    h = screening.show(eth, aid)["evidence"]["harm"]
    want = expected_harm(shared_data, (date(1990, 1, 25), AS_OF), "Ethiopia")
    assert h["civilian_deaths"]["best"] == want["deaths"]
    assert h["missing"] == [f"no harm data loaded for ETH before {eth_span(shared_data)[0]}"]
    assert screening.show(eth, aid)["config"]["window_years"] == 30  # the configuration is stored with it


def eth_span(shared_data: Path) -> tuple[str, str]:
    """First and last date of an Ethiopian event in the two files."""
    with open(shared_data / ACLED_ETH, encoding="utf-8", newline="") as fh:
        days = [r["event_date"] for r in csv.DictReader(fh) if r["iso3"] == "ETH"]
    with open(shared_data / GED_GLOBAL, encoding="utf-8", newline="") as fh:
        days += [r["date_start"][:10] for r in csv.DictReader(fh) if r["country"] == "Ethiopia"]
    return min(days), max(days)


def test_missing_evidence_is_stated_not_read_as_no_risk(eth: Engine, shared_data: Path) -> None:
    a = screening.show(eth, screening.new(eth, application(reference="EXP-NOW", period_from="2030-01-01",
                                                                   period_to="2030-12-31")))  # today: after the files end
    h = a["evidence"]["harm"]
    assert f"no harm data loaded for ETH after {eth_span(shared_data)[1]}" in h["missing"]
    assert a["evidence_complete"] is False
    # a recipient with no data at all: every harm criterion reads insufficient data, none "none found"
    b = screening.show(eth, screening.new(eth, application(recipient="ISL", reference="EXP-ISL"), as_of=AS_OF))
    assert b["evidence"]["harm"]["loaded"] is False
    att73 = {c["criterion"]: c for c in b["criteria"]}
    for cid in ("ATT-6.3", "ATT-7.4", "EIPA-7.3-IHRL", "EIPA-7.4"):
        assert att73[cid]["finding"] == "insufficient_data", cid
        assert att73[cid]["rating"] == "unrated"


def test_conflict_years_equal_the_acd_file(eth: Engine, shared_data: Path) -> None:
    a = screening.show(eth, screening.new(eth, application(reference="EXP-ACD"), as_of=AS_OF))
    c = a["evidence"]["conflict"]
    n = 0
    with open(shared_data / ACD, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            codes = {x.strip() for k in ("gwno_a", "gwno_b") for x in r[k].split(",")}
            if "530" in codes and 2015 <= int(r["year"]) <= 2020:
                n += 1
    assert c["conflict_years"] == n > 0


def test_sipri_import_counts_and_tiv_equal_the_csv_module(eth: Engine, shared_data: Path) -> None:
    with open(shared_data / SIPRI, encoding="cp1252", newline="") as fh:
        lines = fh.read().splitlines()[12:]
    records = []
    for fields in csv.reader(lines):
        if len(fields) == 4:  # continuation of a broken Comments field
            records[-1] = records[-1][:12] + [records[-1][12] + " " + fields[0], *fields[1:]]
        elif fields:
            records.append(fields)
    assert len(records) == 29515
    with eth.connect() as conn:
        batch = conn.execute(text("SELECT id, read, accepted, rejected FROM import_batches "
                                  "WHERE source_format = 'sipri-trade-register'")).one()
        n, tiv = conn.execute(text("SELECT count(*), sum(tiv_delivered) FROM sipri_transfers")).one()
        eth_n, eth_tiv = conn.execute(text("SELECT count(*), sum(tiv_delivered) FROM sipri_transfers WHERE recipient = 'Ethiopia'")).one()
        markers = dict(conn.execute(text("SELECT supplier_marker, count(*) FROM sipri_transfers GROUP BY supplier_marker")).all())
    assert batch.read == len(records) == batch.accepted + batch.rejected == n + batch.rejected
    assert round(tiv, 3) == round(sum(float(r[15]) for r in records if r[15].strip()), 3)
    assert eth_n == sum(1 for r in records if r[0] == "Ethiopia")
    assert round(eth_tiv, 3) == round(sum(float(r[15]) for r in records if r[0] == "Ethiopia" and r[15].strip()), 3)
    assert markers.get("**") == sum(1 for r in records if r[1].endswith("**"))
    assert markers.get("*") == sum(1 for r in records if r[1].endswith("*") and not r[1].endswith("**"))
    with pytest.raises(screening.ScreeningError, match="already imported"):
        screening.import_sipri(eth, shared_data / SIPRI)


def test_supplier_concentration_from_the_transfers(eth: Engine) -> None:
    t = screening.show(eth, screening.new(eth, application(reference="EXP-T"), as_of=AS_OF))["evidence"]["transfers"]
    with eth.connect() as conn:
        rows = conn.execute(text("SELECT supplier || supplier_marker, sum(coalesce(tiv_delivered, 0)) FROM sipri_transfers "
                                 "WHERE recipient_iso3 = 'ETH' AND order_year > 2015 AND order_year <= 2020 GROUP BY 1")).all()
    total = sum(v for _, v in rows)
    assert t["tiv_delivered_in_window"] == round(total, 4)
    assert t["supplier_hhi"] == round(sum((v / total) ** 2 for _, v in rows), 4)


def test_refusals_list_the_valid_values(eth: Engine) -> None:
    with pytest.raises(screening.ScreeningError, match="ML1, ML2"):
        screening.new(eth, application(item="ML99"))
    with pytest.raises(screening.ScreeningError, match="no item"):
        screening.new(eth, application(item=""))
    with pytest.raises(screening.ScreeningError, match="armed_forces, police_internal_security"):
        screening.new(eth, application(end_user="militia"))
    with pytest.raises(screening.ScreeningError, match="unknown recipient"):
        screening.new(eth, application(recipient="Ethiopia"))
    with pytest.raises(screening.ScreeningError, match="lies in the past"):
        screening.new(eth, application(period_from="2019-01-01", period_to="2019-12-31"), as_of=AS_OF)
    with pytest.raises(screening.ScreeningError, match="unknown configuration key"):
        screening.new(eth, application(), as_of=AS_OF, config={"weight": 1})


def test_decided_assessment_is_immutable_and_superseded(eth: Engine) -> None:
    aid = screening.new(eth, application(reference="EXP-D"), as_of=AS_OF)
    before = screening.show(eth, aid)
    screening.decide(eth, aid, "deny", "overriding risk under ATT 7.1")
    with pytest.raises(screening.ScreeningImmutable):
        screening.decide(eth, aid, "approve", "changed my mind")
    after = screening.show(eth, aid)
    assert after["decision"] == "deny" and after["evidence"] == before["evidence"]
    new_id = screening.new(eth, application(reference="EXP-D"), as_of=AS_OF, supersedes=aid)
    assert screening.show(eth, aid)["superseded_by"] == new_id
    assert screening.show(eth, new_id)["supersedes"] == aid
    with eth.connect() as conn:
        kinds = [r[0] for r in conn.execute(text("SELECT event FROM audit_log WHERE entity = 'screening' AND entity_id = :i ORDER BY seq"),
                                            {"i": str(aid)})]
    assert kinds == ["screening_assessed", "screening_decided"]
    with pytest.raises(screening.ScreeningError, match="approve, approve_with_conditions, deny, refer"):
        screening.decide(eth, new_id, "maybe", "x")


def test_consistency_lists_like_evidence_unlike_decisions(eth: Engine) -> None:
    a = screening.new(eth, application(reference="C-1"), as_of=AS_OF)
    b = screening.new(eth, application(reference="C-2", item="ML10"), as_of=AS_OF)
    c = screening.new(eth, application(reference="C-3", recipient="ISL"), as_of=AS_OF)
    screening.decide(eth, a, "deny", "risk")
    screening.decide(eth, b, "approve", "no risk seen")
    screening.decide(eth, c, "approve", "no data")
    pairs = screening.consistency(eth)["pairs"]
    ids = [{p["a"]["id"], p["b"]["id"]} for p in pairs]
    assert {a, b} in ids
    assert {a, c} not in ids  # ISL has no harm or conflict figures: no shared evidence, never "alike"
    complete, total = screening.decisions_with_complete_evidence(eth)
    with eth.connect() as conn:
        want = conn.execute(text("SELECT count(*) FROM screening_assessments WHERE decision IS NOT NULL")).scalar()
        want_c = conn.execute(text("SELECT count(*) FROM screening_assessments WHERE decision IS NOT NULL AND evidence_complete")).scalar()
    assert (complete, total) == (want_c, want) and total >= 3
    assert screening.decisions_with_complete_evidence(eth, date(2000, 1, 1)) == (0, 0)


def _blind(a: dict) -> dict:
    """An assessment's figures and findings, without the names and ids of its provenance."""
    ev = json.loads(json.dumps(a["evidence"]))
    ev["harm"].pop("provenance")
    for r in ev["harm"]["top_incidents"]:
        r.pop("country_iso3")
    ev["harm"]["missing"] = [m.replace(a["recipient_iso3"], "X") for m in ev["harm"]["missing"]]
    return {"harm": ev["harm"], "embargo": (ev["embargo"]["by_status"], [x["text"] for x in ev["embargo"]["statements"]]),
            "criteria": [(c["criterion"], c["finding"], c["rating"], c["score"]) for c in a["criteria"]]}


def _swap(engine: Engine, x: str, y: str) -> None:
    """Swap two states' data: their forces in the register and the country of their incidents."""
    with engine.connect() as conn:
        fx = [f.actor_id for f in parties.forces_of_state(conn, x)]
        fy = [f.actor_id for f in parties.forces_of_state(conn, y)]
    for i in fx:
        parties.correct(engine, i, reason="test swap", state_iso3=y)
    for i in fy:
        parties.correct(engine, i, reason="test swap", state_iso3=x)
    with engine.begin() as conn:
        for sql in ("UPDATE incidents SET country_iso3 = CASE WHEN country_iso3 = :x THEN :y ELSE :x END WHERE country_iso3 IN (:x, :y)",
                    "UPDATE reports SET country_iso3 = CASE WHEN country_iso3 = :x THEN :y ELSE :x END WHERE country_iso3 IN (:x, :y)",
                    # the embargo table is data too
                    "UPDATE screening_embargoes SET destination_iso3 = CASE WHEN destination_iso3 = :x THEN :y ELSE :x END "
                    "WHERE destination_iso3 IN (:x, :y)"):
            conn.execute(text(sql), {"x": x, "y": y})


def test_actor_blind_swap_and_rename(tmp_path: Path, shared_data: Path) -> None:
    if not (shared_data / ACLED_ETH).is_file():
        pytest.skip("ACLED files not in shared data")
    engine = open_store(str(tmp_path / "blind.sqlite"))
    for name in (ACLED_ETH, GED_GLOBAL):
        importing.import_file(engine, shared_data / name)
    screening_tables.import_table(engine, screening_tables.shipped_start(shared_data))

    def run(iso3: str, ref: str) -> dict:
        cfg = {"window_years": 30}
        return _blind(screening.show(engine, screening.new(engine, application(recipient=iso3, reference=ref), as_of=AS_OF, config=cfg)))

    eth0, eri0 = run("ETH", "B-1"), run("ERI", "B-2")
    assert eth0["harm"]["civilian_deaths"] != eri0["harm"]["civilian_deaths"]
    assert eth0["criteria"] != eri0["criteria"]
    assert eri0["harm"]["civilian_deaths"]["best"] == expected_harm(shared_data, (date(1990, 1, 25), AS_OF), "Eritrea")["deaths"]
    _swap(engine, "ETH", "ERI")
    assert run("ETH", "B-3") == eri0  # the results follow the data, not the name
    assert run("ERI", "B-4") == eth0
    _swap(engine, "ERI", "DJI")  # rename: Ethiopia's former data now under Djibouti's code
    assert run("DJI", "B-5") == eth0


def test_postgres_import_and_decision(postgres_url: str, shared_data: Path) -> None:
    engine = open_store(postgres_url)
    s = screening.import_sipri(engine, shared_data / SIPRI)
    assert s["read"] == s["accepted"] + s["rejected"] == 29515
    aid = screening.new(engine, application(reference="PG-1"), as_of=AS_OF)
    a = screening.show(engine, aid)
    assert a["evidence"]["harm"]["loaded"] is False and a["evidence"]["transfers"]["loaded"] is True
    screening.decide(engine, aid, "refer", "no harm data loaded", "end-use check")
    with pytest.raises(screening.ScreeningImmutable):
        screening.decide(engine, aid, "approve", "again")
    assert screening.decisions_with_complete_evidence(engine) == (0, 1)
