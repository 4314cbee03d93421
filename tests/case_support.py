"""Shared set-up for the case-work tests: real GED incidents in the register, users with roles."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from civwatch.services import auth
from civwatch.store.schema import incidents

GED_SAMPLE = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
PASSWORD = "a long test password"


def one_sided_rows(shared_data: Path, n: int | None = None) -> list[dict]:
    """GED one-sided events (type_of_violence 3) with civilian deaths, read with the csv module."""
    with (shared_data / GED_SAMPLE).open(newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["type_of_violence"] == "3" and int(r["deaths_civilians"]) > 0]
    rows.sort(key=lambda r: int(r["id"]))
    return rows[:n] if n else rows


def register_incidents(engine: Engine, rows: list[dict]) -> dict[str, int]:
    """Put GED events into the incident register as incidents; returns GED id -> incident id."""
    now = datetime.now(UTC)
    ids = {}
    with engine.begin() as conn:
        for r in rows:
            start = date.fromisoformat(r["date_start"][:10])
            result = conn.execute(incidents.insert().values(
                date_start=start, date_end=date.fromisoformat(r["date_end"][:10]), date_precision="day",
                year=start.year, month=start.isoformat()[:7], country_iso3="UNK", geo_precision="unknown",
                admin1=r["adm_1"] or None, location=r["where_coordinates"] or None,
                civilian_deaths_low=int(r["low"]), civilian_deaths_best=int(r["deaths_civilians"]),
                civilian_deaths_high=int(r["high"]), weapon="unknown", perpetrator_category="unknown",
                violence_type="one_sided", grade="ungraded", responsibility_accepted=False, n_reports=1,
                sources="ucdp-ged", headline=None, manual=False, created_at=now, updated_at=now,
            ))
            ids[r["id"]] = int(result.inserted_primary_key[0])
    return ids


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
