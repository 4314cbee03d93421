"""Put report-shaped rows into a real store the way an import leaves them: one incident each.

The rows come from real GED files (and ACLED-layout copies written by the evaluation harness),
read with the harness's layout functions; nothing here computes what the tests check.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from sqlalchemy import Engine, insert

from civwatch.store.schema import incidents, reports


def put_reports(engine: Engine, rows: list[dict]) -> list[int]:
    """Insert each row as a report with its own incident; returns the report ids in order."""
    now = datetime.now(UTC)
    ids = []
    with engine.begin() as conn:
        for row in rows:
            start = date.fromisoformat(str(row["date_start"])[:10])
            end = date.fromisoformat(str(row["date_end"])[:10])
            place = {
                "date_start": start, "date_end": end, "date_precision": row.get("date_precision") or "day",
                "year": start.year, "month": f"{start.year:04d}-{start.month:02d}",
                "country_iso3": row["country_iso3"], "latitude": row.get("latitude"),
                "longitude": row.get("longitude"), "geo_precision": row.get("geo_precision") or "unknown",
                "admin1": row.get("admin1"), "admin2": row.get("admin2"), "location": row.get("location"),
            }
            civ = None if row.get("civilian_deaths_best") is None else int(row["civilian_deaths_best"])
            total = None if row.get("total_deaths_best") is None else int(row["total_deaths_best"])
            iid = conn.execute(insert(incidents).values(
                **place, civilian_deaths_best=civ, weapon=row.get("weapon") or "unknown",
                perpetrator_category=row.get("perpetrator_category") or "unknown",
                sources=row["source"], n_reports=1, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            raw = json.dumps(row, sort_keys=True, default=str)
            rid = conn.execute(insert(reports).values(
                **place, incident_id=iid, source=row["source"], source_id=str(row["source_id"]),
                content_sha=hashlib.sha256(raw.encode()).hexdigest(), civilian_deaths_best=civ,
                total_deaths_best=total, weapon=row.get("weapon") or "unknown",
                perpetrator_category=row.get("perpetrator_category") or "unknown",
                violence_type=row.get("violence_type"), headline=row.get("headline"), notes=row.get("notes"),
                raw=raw, created_at=now, updated_at=now,
            )).inserted_primary_key[0]
            ids.append(int(rid))
    return ids
