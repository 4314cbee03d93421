"""Shared set-up for the case-work tests: real GED one-sided events imported into the register
(UCDP GED 23.1 sample, CC BY 4.0, from ../shared/data), users with roles."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from sqlalchemy import Engine, select

from civwatch.services import auth
from civwatch.services.importing import import_file
from civwatch.store.schema import reports

GED_SAMPLE = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
PASSWORD = "a long test password"


def one_sided_rows(shared_data: Path, n: int | None = None) -> list[dict]:
    """GED one-sided events (type_of_violence 3) with civilian deaths, read with the csv module."""
    with (shared_data / GED_SAMPLE).open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type_of_violence"] == "3" and int(r["deaths_civilians"]) > 0]
    rows.sort(key=lambda r: int(r["id"]))
    return rows[:n] if n else rows


def register_incidents(engine: Engine, rows: list[dict]) -> dict[str, int]:
    """Import GED rows into the register with the real importer (as a GED file of just these
    rows, written with the csv module); returns GED id -> incident id."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ged_one_sided_slice.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        summary = import_file(engine, path, actor="test-setup")
    assert summary.accepted == len(rows), summary
    with engine.connect() as conn:
        found = conn.execute(
            select(reports.c.source_id, reports.c.incident_id).where(reports.c.source_id.in_([r["id"] for r in rows]))
        ).all()
    return {source_id: incident_id for source_id, incident_id in found}


def make_users(engine: Engine) -> dict[str, auth.Principal]:
    roles = {
        "rita": "recorder",
        "asa": "assessor",
        "abe": "assessor,approver",
        "ann": "approver",
        "ivan": "investigator",
        "lena": "analyst",
        "vic": "viewer",
    }
    return {name: auth.add_user(engine, name, PASSWORD, r) for name, r in roles.items()}
