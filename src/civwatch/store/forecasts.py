"""Persistence for early warning: election dates, the monthly record forecasts read, models, forecasts.

`monthly_cells` reads the store's incidents (each linked incident once) per unit and month; the
unit is a country or a country's first-level administrative unit (`ISO3/admin1`). Incidents
without an admin1 count at the country level only.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, distinct, func, insert, select

from civwatch.domain.forecasts import ElectionRecord
from civwatch.store.reports import BulkWriter, Counts
from civwatch.store.schema import (
    conflict_years,
    elections,
    forecast_models,
    forecast_values,
    incidents,
)

ELECTION_COLS = ("country_iso3", "country_received", "date", "election", "status", "content_sha", "raw")


class ElectionStore:
    """The import writer for election calendars: idempotent on (country, date, election)."""

    def __init__(self, conn: Connection, batch_id: int) -> None:
        self.w = BulkWriter(conn)
        self.batch_id = batch_id
        self.ts = self.w.ts(datetime.now(UTC))
        self.counts = Counts()
        self.seen: set[tuple[str, str, str]] = set()

    def close(self) -> None:
        pass

    def write(self, records: list[ElectionRecord]) -> None:
        if not records:
            return
        existing = {
            (r[0], str(r[1])[:10], r[2]): (r[3], r[4])
            for r in self.w.query("SELECT country_iso3, date, election, id, content_sha FROM elections", [])
        }
        new, changed = [], []
        for rec in records:
            key = (rec.country_iso3, rec.date, rec.election)
            old = existing.get(key)
            values = (rec.country_iso3, rec.country_received, date.fromisoformat(rec.date), rec.election, rec.status, rec.content_sha, rec.raw)
            if key in self.seen:
                self.counts.duplicates += 1
            elif old is None:
                new.append((*values, self.batch_id, self.ts, self.ts))
            elif old[1] == rec.content_sha:
                self.counts.unchanged += 1
            else:
                changed.append((rec.status, rec.content_sha, rec.raw, self.batch_id, self.ts, old[0]))
            self.seen.add(key)
        self.w.insert("elections", (*ELECTION_COLS, "batch_id", "created_at", "updated_at"), new)
        self.w.execute_many(
            "UPDATE elections SET status = ?, content_sha = ?, raw = ?, batch_id = ?, updated_at = ? WHERE id = ?", changed,
        )
        self.counts.new += len(new)
        self.counts.updated += len(changed)
        self.counts.reports += len(new) + len(changed)


def election_dates(conn: Connection, ignored: frozenset[str]) -> dict[str, list[date]]:
    q = select(elections.c.country_iso3, elections.c.date, elections.c.status).order_by(elections.c.date)
    out: dict[str, list[date]] = {}
    for iso, when, status in conn.execute(q):
        if (status or "").strip().lower() not in ignored:
            out.setdefault(iso, []).append(when if isinstance(when, date) else date.fromisoformat(str(when)[:10]))
    return out


def monthly_cells(conn: Connection, admin1: bool, countries: list[str] | None = None) -> list[Row]:
    """(unit, country, month, deaths, incidents, sources, lat, lon) per unit and month."""
    unit = (incidents.c.country_iso3 + "/" + incidents.c.admin1) if admin1 else incidents.c.country_iso3
    q = (
        select(
            unit.label("unit"), incidents.c.country_iso3, incidents.c.month,
            func.coalesce(func.sum(incidents.c.civilian_deaths_best), 0), func.count(),
            func.count(distinct(incidents.c.sources)), func.avg(incidents.c.latitude), func.avg(incidents.c.longitude),
        )
        .group_by(unit, incidents.c.country_iso3, incidents.c.month)
    )
    if admin1:
        q = q.where(incidents.c.admin1.is_not(None), incidents.c.admin1 != "")
    if countries:
        q = q.where(incidents.c.country_iso3.in_(countries))
    return list(conn.execute(q))


def conflicts_per_year(conn: Connection) -> dict[tuple[str, int], int]:
    """Active UCDP/PRIO conflicts per (first location's ISO3, year)."""
    q = select(conflict_years.c.country_iso3, conflict_years.c.year, func.count()).group_by(
        conflict_years.c.country_iso3, conflict_years.c.year
    )
    return {(iso, int(y)): int(n) for iso, y, n in conn.execute(q) if iso}


def save_model(conn: Connection, values: dict[str, Any], forecasts: list[dict]) -> int:
    values = dict(values)
    for key in ("params", "model", "backtest"):
        if key in values and not isinstance(values[key], str) and values[key] is not None:
            values[key] = json.dumps(values[key], separators=(",", ":"))
    model_id = int(conn.execute(insert(forecast_models).values(**values)).inserted_primary_key[0])
    save_forecasts(conn, model_id, forecasts)
    return model_id


def save_forecasts(conn: Connection, model_id: int, forecasts: list[dict]) -> None:
    conn.execute(delete(forecast_values).where(forecast_values.c.model_id == model_id))
    now = datetime.now(UTC)
    rows = [
        {
            "model_id": model_id, "unit": f["unit"], "country_iso3": f["country"], "origin": f["origin"],
            "target": f["target"], "horizon": f["horizon"],
            "quantiles": None if f["quantiles"] is None else json.dumps(f["quantiles"]),
            "p_at_least_1": f["p_at_least_1"], "p_at_least_25": f["p_at_least_25"], "reason": f["reason"], "made_at": now,
        }
        for f in forecasts
    ]
    if rows:
        conn.execute(insert(forecast_values), rows)


def latest_model(conn: Connection, level: str, with_model: bool = False) -> dict | None:
    cols = [c for c in forecast_models.c if with_model or c.name != "model"]
    q = select(*cols).where(forecast_models.c.level == level).order_by(forecast_models.c.id.desc()).limit(1)
    row = conn.execute(q).mappings().first()
    if row is None:
        return None
    out = dict(row)
    for key in ("params", "model", "backtest"):
        if out.get(key):
            out[key] = json.loads(out[key])
    return out


def forecasts_of(conn: Connection, model_id: int, unit: str | None = None, horizon: int | None = None) -> list[dict]:
    q = select(forecast_values).where(forecast_values.c.model_id == model_id)
    if unit is not None:
        q = q.where(forecast_values.c.unit == unit)
    if horizon is not None:
        q = q.where(forecast_values.c.horizon == horizon)
    out = []
    for row in conn.execute(q.order_by(forecast_values.c.unit, forecast_values.c.horizon)).mappings():
        d = dict(row)
        d["quantiles"] = json.loads(d["quantiles"]) if d["quantiles"] else None
        out.append(d)
    return out
