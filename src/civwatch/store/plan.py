"""Plan versions (every import kept, so earlier versions can be shown) and approved reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from civwatch.store.schema import plan_reports, plan_versions


def latest_version(conn: Connection, plan_id: str) -> int:
    return int(conn.execute(select(func.max(plan_versions.c.version)).where(plan_versions.c.plan_id == plan_id)).scalar() or 0)


def add_version(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(plan_versions.insert().values(**values)).inserted_primary_key[0])


def get_version(conn: Connection, plan_id: str, version: int | None = None) -> dict | None:
    q = select(plan_versions).where(plan_versions.c.plan_id == plan_id)
    q = q.where(plan_versions.c.version == version) if version else q.order_by(plan_versions.c.version.desc()).limit(1)
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def versions(conn: Connection, plan_id: str) -> list[dict]:
    cols = [c for c in plan_versions.c if c.name not in ("yaml", "document")]
    q = select(*cols).where(plan_versions.c.plan_id == plan_id).order_by(plan_versions.c.version)
    return [dict(r) for r in conn.execute(q).mappings()]


def plan_ids(conn: Connection) -> list[dict]:
    q = (select(plan_versions.c.plan_id, func.max(plan_versions.c.version).label("version"))
         .group_by(plan_versions.c.plan_id).order_by(plan_versions.c.plan_id))
    return [dict(r) for r in conn.execute(q).mappings()]


def add_report(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(plan_reports.insert().values(**values)).inserted_primary_key[0])


def reports(conn: Connection, plan_id: str) -> list[dict]:
    q = select(plan_reports).where(plan_reports.c.plan_id == plan_id).order_by(plan_reports.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]
