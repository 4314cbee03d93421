"""`civwatch link`, `incidents merge/split/grade/show`, `export links` end to end on a SQLite file."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from sqlalchemy import select

from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import acled_report, ged_report
from civwatch.linkage.evaluation.perturb import acled_row
from civwatch.store.db import make_engine
from civwatch.store.migrate import upgrade
from civwatch.store.schema import reports
from tests.cli.test_main import run
from tests.linkage.store_rows import put_reports


def _store(tmp_path: Path, shared_data: Path) -> tuple[str, list[dict], list[dict]]:
    with open(shared_data / "ucdp_ged" / "ged_ukraine_statebased_2014_2022.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["latitude"] and r["date_prec"] == "1" and r["where_prec"] in {"1", "2"}][2000:2006]
    rng = random.Random(3)
    ged = [ged_report(r, iso3(r["country"])) for r in rows]
    acled = [acled_report(acled_row(r, iso3(r["country"]), f"UKR{n}", rng)) for n, r in enumerate(rows)]
    db = str(tmp_path / "s.sqlite")
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    put_reports(engine, ged + acled)
    engine.dispose()
    return db, ged, acled


def _where(db: str) -> dict[tuple[str, str], int]:
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        out = {(s, i): inc for s, i, inc in conn.execute(select(reports.c.source, reports.c.source_id, reports.c.incident_id))}
    engine.dispose()
    return out


def test_link_split_merge_grade_export(tmp_path: Path, shared_data: Path) -> None:
    db, ged, acled = _store(tmp_path, shared_data)
    out = run("--db", db, "link", "--actor", "tester")
    assert out.returncode == 0, out.stderr
    assert "incremental link: 12 reports (12 new or changed)" in out.stdout
    where = _where(db)
    incident = where[("ucdp-ged", ged[0]["source_id"])]
    assert where[("acled", acled[0]["source_id"])] == incident
    shown = run("--db", db, "incidents", "show", str(incident))
    assert shown.returncode == 0 and ged[0]["source_id"] in shown.stdout and acled[0]["source_id"] in shown.stdout
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        acled_id = conn.execute(select(reports.c.id).where(reports.c.source_id == acled[0]["source_id"])).scalar_one()
    engine.dispose()
    split = run("--db", db, "incidents", "split", str(incident), "--reports", str(acled_id), "--reason", "two strikes")
    assert split.returncode == 0, split.stderr
    new_incident = _where(db)[("acled", acled[0]["source_id"])]
    assert new_incident != incident
    assert run("--db", db, "link", "--full").returncode == 0
    assert _where(db)[("acled", acled[0]["source_id"])] != _where(db)[("ucdp-ged", ged[0]["source_id"])]
    merged = run("--db", db, "incidents", "merge", str(incident), str(new_incident), "--reason", "one strike after all")
    assert merged.returncode == 0, merged.stderr
    graded = run("--db", db, "incidents", "grade", str(incident), "--grade", "discounted", "--reason", "exercise")
    assert graded.returncode == 0 and "discounted" in graded.stdout
    no_reason = run("--db", db, "incidents", "grade", str(incident), "--grade", "discounted")
    assert no_reason.returncode == 2 and "reason" in no_reason.stderr and "Traceback" not in no_reason.stderr
    gone = run("--db", db, "incidents", "show", str(new_incident))
    assert gone.returncode == 2 and f"merged into incident {incident}" in gone.stderr
    target = tmp_path / "links.csv"
    exported = run("--db", db, "export", "links", "--format", "csv", "-o", str(target))
    assert exported.returncode == 0, exported.stderr
    with open(target, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 12
    where = _where(db)
    assert all(where[(r["source"], r["source_id"])] == int(r["incident_id"]) for r in rows)
    log = run("--db", db, "audit", "log", "--limit", "10")
    for event in ("linkage_run", "incident_split", "incidents_merged", "grade_overridden"):
        assert event in log.stdout
    assert "intact" in run("--db", db, "audit", "verify").stdout
