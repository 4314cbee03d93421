"""Victim lists (Airwars), the UCDP/PRIO ACD and HXL-tagged tables into a real store."""

from __future__ import annotations

import csv
import logging
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from civwatch.services import stats
from civwatch.services.importing import import_file
from civwatch.store import raw_blocks
from civwatch.store.schema import audit_log, harm, import_batches, rejected_rows, reports, victims
from tests.helpers import write_csv

AIRWARS = "other_monitors/airwars_gaza_2023_victims_by_incident.csv"
SEX = {"m": "male", "f": "female", "": "unknown"}
AGE = {"adult": "adult", "child": "child", "": "unknown"}


def _airwars_rows(shared_data: Path) -> list[dict]:
    with open(shared_data / AIRWARS, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _acceptable(r: dict) -> bool:
    """Rows an import must accept: a plausible age (the file has one age of 334)."""
    return not r["age_years"] or 0 <= float(r["age_years"]) <= 130


def test_victim_list_aggregates_to_incidents_with_sex_and_age(store: Engine, shared_data: Path, caplog: pytest.LogCaptureFixture) -> None:
    rows = _airwars_rows(shared_data)
    good = [r for r in rows if _acceptable(r)]
    caplog.set_level(logging.DEBUG)
    summary = import_file(store, shared_data / AIRWARS)
    assert (summary.read, summary.accepted, summary.rejected) == (len(rows), len(good), len(rows) - len(good))
    assert summary.reports == len({r["incident_id"] for r in good})

    expected: Counter = Counter()
    for r in good:
        outcome = {"k": "killed", "i": "injured"}.get(r["killed_or_injured"])
        if outcome:
            age = AGE[r["age_group"]]
            if age == "unknown" and r["age_years"]:
                age = "child" if float(r["age_years"]) < 18 else "adult"
            expected[(r["incident_id"], outcome, SEX[r["gender"]], age)] += 1
    with store.connect() as conn:
        got = Counter()
        for rid, outcome, sex, age, best in conn.execute(
            select(reports.c.source_id, harm.c.outcome, harm.c.sex, harm.c.age_group, harm.c.best).join(harm, harm.c.report_id == reports.c.id)
        ):
            got[(rid, outcome, sex, age)] += best
        assert got == expected
        n_victims = len(conn.execute(select(victims.c.id)).all())
        raws = list(raw_blocks.texts(conn, [r[0] for r in conn.execute(select(reports.c.id))]).values())
        rejected = [r[0] + r[1] for r in conn.execute(select(rejected_rows.c.raw, rejected_rows.c.reason))]
        audit = [str(r) for r in conn.execute(select(audit_log))]
        batches = [str(r) for r in conn.execute(select(import_batches))]
    assert n_victims == len(good)
    killed = sum(v for k, v in expected.items() if k[1] == "killed")
    assert sum(r["value"] for r in stats.stats(store, "civilian-deaths", by="year", source="airwars")) == killed

    # names and MoH numbers are nowhere but the protected victims table
    secrets = {r[k] for r in rows for k in ("name_en", "name_ar", "moh_id") if len(r[k]) > 3}
    assert len(secrets) > 1000
    public = "\n".join(raws + rejected + audit + batches + [caplog.text, str(summary.as_dict())])
    public += str(stats.stats(store, "reports", by="month", source="airwars"))
    leaked = [s for s in secrets if s in public]
    assert leaked == []


def test_victim_list_reimport_is_unchanged(store: Engine, shared_data: Path) -> None:
    first = import_file(store, shared_data / AIRWARS)
    again = import_file(store, shared_data / AIRWARS)
    assert (again.new, again.updated, again.unchanged) == (0, 0, first.accepted)


def test_acd_active_conflicts_per_year(store: Engine, shared_data: Path) -> None:
    path = shared_data / "ucdp_conflict_level" / "ucdp_prio_acd_v23_1.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    per_year: dict[int, set[str]] = {}
    for r in rows:
        per_year.setdefault(int(r["year"]), set()).add(r["conflict_id"])
    summary = import_file(store, path)
    assert (summary.format, summary.read, summary.accepted) == ("ucdp-acd", len(rows), len(rows))
    got = {r["year"]: r["value"] for r in stats.stats(store, "conflicts", by="year")}
    assert got == {y: len(ids) for y, ids in per_year.items()}
    assert import_file(store, path).unchanged == len(rows)


HXL_HEADER = ["Incident", "Date", "Country", "Latitude", "Longitude", "Killed", "Women killed", "Men killed", "Girls killed", "Boys killed", "Injured"]
HXL_TAGS = ["#event+id", "#date+occurred", "#country+code", "#geo+lat", "#geo+lon", "#affected+killed", "#affected+killed+f+adults",
            "#affected+killed+m+adults", "#affected+killed+f+children", "#affected+killed+m+children", "#affected+injured"]


def test_hxl_table_with_disaggregated_tags(store: Engine, tmp_path: Path) -> None:
    rows = [
        HXL_TAGS,
        ["A-1", "2024-03-01", "SDN", "15.5", "32.5", "7", "2", "1", "3", "1", "4"],
        ["A-2", "02/03/2024", "SDN", "13.1", "25.3", "", "1", "0", "0", "2", ""],
        ["A-3", "2024-04-05", "ZZZ", "13.1", "25.3", "1", "", "", "", "", ""],
        ["A-4", "2024-04-06", "SDN", "13.1", "25.3", "many", "", "", "", "", ""],
        ["A-5", "not a date", "SDN", "13.1", "25.3", "1", "", "", "", "", ""],
        ["A-6", "2024-04-07", "SDN", "99.1", "25.3", "1", "", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "h.csv", HXL_HEADER, rows)
    summary = import_file(store, path)
    assert (summary.format, summary.read, summary.accepted, summary.rejected) == ("hxl", 6, 2, 4)
    # the total column where given, else the sum of the disaggregated cells
    assert stats.stats(store, "civilian-deaths", by="month", source="hxl") == [{"month": "2024-03", "value": 7 + 3}]
    with store.connect() as conn:
        cells = {(r.outcome, r.sex, r.age_group): r.best for r in conn.execute(
            select(harm).join(reports, reports.c.id == harm.c.report_id).where(reports.c.source_id == "A-1"))}
        reasons = [r[0] for r in conn.execute(select(rejected_rows.c.reason).order_by(rejected_rows.c.line))]
    assert cells == {("killed", "female", "adult"): 2, ("killed", "male", "adult"): 1, ("killed", "female", "child"): 3, ("killed", "male", "child"): 1}
    assert reasons[0] == "unknown country 'ZZZ'" and "non-numeric" in reasons[1] and "bad date" in reasons[2] and "latitude" in reasons[3]
    assert import_file(store, path).unchanged == 2
