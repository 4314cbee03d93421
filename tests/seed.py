"""Put reports into a store for tests of what reads them (indicators, API, exports).

`add_report` writes one report and its own incident (as the store holds them before linkage);
`link` groups reports into one incident the way linkage does. Real imports go through
services.importing; these helpers exist for hand-written cases with exactly known figures.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime

from sqlalchemy import Engine, func, select

from civwatch.domain.events import ImportBatchDone
from civwatch.store import audit
from civwatch.store.schema import harm, incidents, report_parties, reports

_seq = {"n": 0}


def add_report(
    engine: Engine,
    *,
    source: str = "ucdp-ged",
    day: date = date(2020, 1, 15),
    country: str = "UKR",
    deaths: int | None = 0,
    deaths_low: int | None = None,
    deaths_high: int | None = None,
    injuries: int | None = None,
    weapon: str = "unknown",
    category: str = "unknown",
    populated: bool | None = None,
    harm_rows: list[dict] | None = None,
    headline: str = "event",
    notes: str | None = None,
    grade: str = "ungraded",
    violence_type: str | None = None,
    lat: float | None = 48.0,
    lon: float | None = 37.8,
    admin1: str | None = None,
) -> tuple[int, int]:
    """Returns (incident id, report id)."""
    _seq["n"] += 1
    now = datetime.now(UTC)
    place = {
        "date_start": day, "date_end": day, "date_precision": "day", "year": day.year, "month": day.strftime("%Y-%m"),
        "country_iso3": country, "latitude": lat, "longitude": lon, "geo_precision": "exact", "populated_area": populated,
        "admin1": admin1, "location": headline,
    }
    figs = {
        "civilian_deaths_low": deaths_low, "civilian_deaths_best": deaths, "civilian_deaths_high": deaths_high,
        "civilian_injuries_best": injuries,
    }
    with engine.begin() as conn:
        iid = conn.execute(
            incidents.insert().values(
                **place, **figs, weapon=weapon, perpetrator_category=category, violence_type=violence_type, grade=grade,
                n_reports=1, sources=source, headline=headline, manual=False, created_at=now, updated_at=now,
            )
        ).inserted_primary_key[0]
        raw = json.dumps({"n": _seq["n"], "headline": headline})
        rid = conn.execute(
            reports.insert().values(
                **place, **figs, incident_id=iid, source=source, source_id=f"t{_seq['n']}", content_sha=hashlib.sha256(raw.encode()).hexdigest(),
                weapon=weapon, perpetrator_category=category, violence_type=violence_type, headline=headline, notes=notes,
                raw=raw, created_at=now, updated_at=now,
            )
        ).inserted_primary_key[0]
        if harm_rows:
            conn.execute(harm.insert(), [{"sex": "unknown", "age_group": "unknown", "civilian": True, **h, "report_id": rid} for h in harm_rows])
        conn.execute(report_parties.insert().values(report_id=rid, name=f"party of {category}", category=category, role="perpetrator"))
        audit.append(conn, ImportBatchDone(actor="test", entity_id=str(rid)))
    return int(iid), int(rid)


def link(engine: Engine, keep: int, others: list[int]) -> None:
    """Move the reports of incidents `others` into incident `keep` (each incident counted once)."""
    with engine.begin() as conn:
        conn.execute(reports.update().where(reports.c.incident_id.in_(others)).values(incident_id=keep))
        conn.execute(incidents.delete().where(incidents.c.id.in_(others)))
        srcs = sorted(set(conn.execute(select(reports.c.source).where(reports.c.incident_id == keep)).scalars()))
        n = conn.execute(select(func.count()).select_from(reports).where(reports.c.incident_id == keep)).scalar_one()
        conn.execute(incidents.update().where(incidents.c.id == keep).values(sources=",".join(srcs), n_reports=n))
        audit.append(conn, ImportBatchDone(actor="test-linkage", entity_id=str(keep)))
