"""Incidents as the API shows them: filtered pages, one incident with its reports, manual writes."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, literal_column, select, tuple_
from sqlalchemy.sql import ColumnElement

from civwatch.domain.query import Filters, check_int
from civwatch.store import linkage_status, raw_blocks
from civwatch.store.cube import base_conditions
from civwatch.store.schema import (
    damaged_objects,
    harm,
    import_batches,
    incidents,
    rejected_rows,
    report_parties,
    reports,
)

GRADE = func.coalesce(incidents.c.grade_override, incidents.c.grade)

LIST_COLUMNS = [
    incidents.c.id,
    incidents.c.date_start,
    incidents.c.date_end,
    incidents.c.date_precision,
    incidents.c.year,
    incidents.c.month,
    incidents.c.country_iso3,
    incidents.c.admin1,
    incidents.c.admin2,
    incidents.c.location,
    incidents.c.latitude,
    incidents.c.longitude,
    incidents.c.geo_precision,
    incidents.c.populated_area,
    incidents.c.civilian_deaths_low,
    incidents.c.civilian_deaths_best,
    incidents.c.civilian_deaths_high,
    incidents.c.civilian_injuries_low,
    incidents.c.civilian_injuries_best,
    incidents.c.civilian_injuries_high,
    incidents.c.weapon,
    incidents.c.perpetrator_category,
    incidents.c.violence_type,
    GRADE.label("grade"),
    incidents.c.n_reports,
    incidents.c.sources,
    incidents.c.headline,
    incidents.c.manual,
]

SORTS: dict[str, ColumnElement] = {
    "date": incidents.c.date_start,
    "civilian_deaths": func.coalesce(incidents.c.civilian_deaths_best, literal_column("-1")),  # ix_incidents_country_deaths
    "id": incidents.c.id,
}


def encode_cursor(value: Any, row_id: int) -> str:
    if isinstance(value, date):
        value = value.isoformat()
    raw = json.dumps([value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        pad = "=" * (-len(cursor) % 4)
        value, row_id = json.loads(base64.urlsafe_b64decode(cursor + pad))
        if sort == "date":
            value = date.fromisoformat(value)
        elif not isinstance(value, int):
            raise ValueError
        if not isinstance(row_id, int):
            raise ValueError
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValueError("cursor is not one this API gave out") from None
    check_int(row_id, "cursor", 0)
    if isinstance(value, int):
        check_int(value, "cursor", -1)
    return value, row_id


def page(conn: Connection, filters: Filters, sort: str = "-date", cursor: str | None = None, limit: int = 50) -> tuple[list[dict], str | None]:
    """One page of incidents in a stable order; returns (rows, next cursor or None)."""
    desc = sort.startswith("-")
    key = sort.lstrip("-+ ")
    if key not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)} (prefix '-' for descending)")
    col = SORTS[key]
    q = select(*LIST_COLUMNS).where(*base_conditions("incident", filters))
    if key == "id":
        if cursor:
            _, last_id = decode_cursor(cursor, key)
            q = q.where(incidents.c.id < last_id if desc else incidents.c.id > last_id)
        q = q.order_by(incidents.c.id.desc() if desc else incidents.c.id)
    else:
        if cursor:
            value, last_id = decode_cursor(cursor, key)
            pair = tuple_(col, incidents.c.id)
            q = q.where(pair < tuple_(value, last_id) if desc else pair > tuple_(value, last_id))
        q = q.order_by(*( (col.desc(), incidents.c.id.desc()) if desc else (col, incidents.c.id) ))
    rows = [dict(r) for r in conn.execute(q.limit(limit + 1)).mappings()]
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        value = {"date": last["date_start"], "civilian_deaths": -1 if last["civilian_deaths_best"] is None else last["civilian_deaths_best"], "id": last["id"]}[key]
        nxt = encode_cursor(value, last["id"])
    return rows, nxt


def selection(conn: Connection, filters: Filters, limit: int | None = None):
    """Every selected incident (for exports), oldest first, streamed."""
    q = select(*LIST_COLUMNS).where(*base_conditions("incident", filters)).order_by(incidents.c.date_start, incidents.c.id)
    if limit:
        q = q.limit(limit)
    return conn.execute(q).mappings()


def incident_harm(conn: Connection, incident_ids: list[int]) -> dict[int, list[dict]]:
    """Harm rows of the reports behind each incident (for exports: the most disaggregated report's)."""
    if not incident_ids:
        return {}
    q = (
        select(reports.c.incident_id, harm.c.report_id, harm.c.outcome, harm.c.sex, harm.c.age_group, harm.c.civilian, harm.c.low, harm.c.best, harm.c.high)
        .join(reports, reports.c.id == harm.c.report_id)
        .where(reports.c.incident_id.in_(incident_ids))
    )
    by_report: dict[tuple[int, int], list[dict]] = {}
    for r in conn.execute(q).mappings():
        by_report.setdefault((r["incident_id"], r["report_id"]), []).append(dict(r))
    out: dict[int, list[dict]] = {}
    for (iid, _rid), rows in sorted(by_report.items()):
        if len(rows) > len(out.get(iid, [])):
            out[iid] = rows
    return out


def get(conn: Connection, incident_id: int) -> dict | None:
    """An incident with its reports side by side, their harm rows, parties and damaged objects."""
    row = conn.execute(
        select(incidents, GRADE.label("effective_grade")).where(incidents.c.id == incident_id)
    ).mappings().first()
    if not row:
        return None
    inc = dict(row)
    reps = [dict(r) for r in conn.execute(select(reports).where(reports.c.incident_id == incident_id).order_by(reports.c.source, reports.c.id)).mappings()]
    ids = [r["id"] for r in reps]
    raws = raw_blocks.texts(conn, ids)  # each report's raw row, from its block or its own text
    for r in reps:
        r["raw"] = raws[r["id"]]
        del r["raw_block_id"], r["raw_row"]
    harms = _grouped(conn, harm, ids)
    parties = _grouped(conn, report_parties, ids)
    objects = _grouped(conn, damaged_objects, ids)
    for r in reps:
        r["harm"] = harms.get(r["id"], [])
        r["parties"] = parties.get(r["id"], [])
        r["damaged_objects"] = objects.get(r["id"], [])
    inc["reports"] = reps
    return inc


def _grouped(conn: Connection, table, report_ids: list[int]) -> dict[int, list[dict]]:
    out: dict[int, list[dict]] = {}
    if not report_ids:
        return out
    for r in conn.execute(select(table).where(table.c.report_id.in_(report_ids)).order_by(table.c.id)).mappings():
        item = dict(r)
        out.setdefault(item.pop("report_id"), []).append(item)
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def create_manual(conn: Connection, fields: dict, harm_rows: list[dict], party: dict | None, raw: dict) -> tuple[int, int]:
    """A manual incident: one "manual" source report and the incident it makes. Returns (incident, report)."""
    now = _now()
    inc_values = {k: v for k, v in fields.items() if k in incidents.c}
    inc_id = conn.execute(
        incidents.insert().values(
            **inc_values, grade="ungraded", n_reports=1, sources="manual", manual=True, created_at=now, updated_at=now
        )
    ).inserted_primary_key[0]
    raw_text = json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str)
    rep_values = {k: v for k, v in fields.items() if k in reports.c}
    rep_id = conn.execute(
        reports.insert().values(
            **rep_values,
            incident_id=inc_id,
            source="manual",
            source_id=f"manual-{uuid.uuid4().hex}",
            content_sha=hashlib.sha256(raw_text.encode()).hexdigest(),
            raw=raw_text,
            created_at=now,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    _write_harm(conn, rep_id, harm_rows)
    if party:
        conn.execute(report_parties.insert().values(report_id=rep_id, **party))
    linkage_status.adjust(conn, 1, 1)  # a new report, not linked yet
    return int(inc_id), int(rep_id)


def _write_harm(conn: Connection, report_id: int, harm_rows: list[dict]) -> None:
    if harm_rows:
        conn.execute(harm.insert(), [dict(h, report_id=report_id) for h in harm_rows])


def update(conn: Connection, incident_id: int, fields: dict, harm_rows: list[dict] | None = None, party: dict | None = None) -> None:
    """Apply edited fields to an incident and, when it is manual, to its manual report too."""
    now = _now()
    inc = {k: v for k, v in fields.items() if k in incidents.c}
    conn.execute(incidents.update().where(incidents.c.id == incident_id).values(**inc, updated_at=now))
    manual = conn.execute(
        select(reports.c.id).where(reports.c.incident_id == incident_id, reports.c.source == "manual")
    ).scalars().all()
    for rep_id in manual:
        rep = {k: v for k, v in fields.items() if k in reports.c}
        if rep:
            conn.execute(reports.update().where(reports.c.id == rep_id).values(**rep, updated_at=now))
        if harm_rows is not None:
            conn.execute(harm.delete().where(harm.c.report_id == rep_id))
            _write_harm(conn, rep_id, harm_rows)
        if party is not None:
            conn.execute(report_parties.delete().where(report_parties.c.report_id == rep_id, report_parties.c.role == "perpetrator"))
            conn.execute(report_parties.insert().values(report_id=rep_id, **party))


def is_manual(conn: Connection, incident_id: int) -> bool:
    return bool(conn.execute(select(incidents.c.manual).where(incidents.c.id == incident_id)).scalar())


def harm_of_manual(conn: Connection, incident_id: int) -> list[dict]:
    q = (
        select(harm.c.outcome, harm.c.sex, harm.c.age_group, harm.c.civilian, harm.c.low, harm.c.best, harm.c.high)
        .join(reports, reports.c.id == harm.c.report_id)
        .where(reports.c.incident_id == incident_id, reports.c.source == "manual")
        .order_by(harm.c.id)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


# --- imports ---------------------------------------------------------------------------------

def list_batches(conn: Connection, limit: int = 100, before_id: int | None = None) -> list[dict]:
    q = select(import_batches).order_by(import_batches.c.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(import_batches.c.id < before_id)
    return [dict(r) for r in conn.execute(q).mappings()]


def get_batch(conn: Connection, batch_id: int) -> dict | None:
    row = conn.execute(select(import_batches).where(import_batches.c.id == batch_id)).mappings().first()
    return dict(row) if row else None


def batch_rejects(conn: Connection, batch_id: int, limit: int = 100, after_id: int | None = None) -> list[dict]:
    q = select(rejected_rows).where(rejected_rows.c.batch_id == batch_id).order_by(rejected_rows.c.id).limit(limit)
    if after_id is not None:
        q = q.where(rejected_rows.c.id > after_id)
    return [dict(r) for r in conn.execute(q).mappings()]
