"""Persistence of CHMR cases: the case row, its moves, its people, the public report queue.

`update_case` is the optimistic-concurrency write: it changes the row only if the version is
still the one the caller read, and says whether it did.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from civwatch.store.schema import (
    case_parties,
    case_publications,
    case_transitions,
    cases,
    damaged_objects,
    harm,
    incidents,
    public_reports,
    reports,
)


def insert_case(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(cases.insert().values(**values)).inserted_primary_key[0])


def get_case(conn: Connection, case_id: int) -> dict | None:
    row = conn.execute(select(cases).where(cases.c.id == case_id)).mappings().first()
    return dict(row) if row else None


def open_case_for_incident(conn: Connection, incident_id: int) -> int | None:
    q = select(cases.c.id).where(cases.c.incident_id == incident_id, cases.c.state != "closed").limit(1)
    return conn.execute(q).scalar()


def update_case(conn: Connection, case_id: int, expected_version: int, values: dict[str, Any]) -> bool:
    """Write `values` and bump the version if the case is still at `expected_version`."""
    result = conn.execute(
        cases.update()
        .where(and_(cases.c.id == case_id, cases.c.version == expected_version))
        .values(**values, version=expected_version + 1)
    )
    return result.rowcount == 1


def add_transition(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(case_transitions.insert().values(**values)).inserted_primary_key[0])


def transitions(conn: Connection, case_id: int) -> list[dict]:
    q = select(case_transitions).where(case_transitions.c.case_id == case_id).order_by(case_transitions.c.version)
    return [dict(r) for r in conn.execute(q).mappings()]


def all_transitions(conn: Connection) -> list[dict]:
    q = select(case_transitions.c.case_id, case_transitions.c.to_state, case_transitions.c.at).order_by(
        case_transitions.c.case_id, case_transitions.c.version
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def list_cases(conn: Connection, states: list[str] | None = None) -> list[dict]:
    q = select(cases).order_by(cases.c.id)
    if states:
        q = q.where(cases.c.state.in_(states))
    return [dict(r) for r in conn.execute(q).mappings()]


def add_party(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(case_parties.insert().values(**values)).inserted_primary_key[0])


def parties(conn: Connection, case_id: int) -> list[dict]:
    q = select(case_parties).where(case_parties.c.case_id == case_id).order_by(case_parties.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def incident(conn: Connection, incident_id: int) -> dict | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
    return dict(row) if row else None


def incident_children_harmed(conn: Connection, incident_id: int) -> int:
    """Children killed or injured: the largest count any one report of the incident gives
    (reports of one incident describe the same people, so they are not added up)."""
    per_report = (
        select(func.sum(harm.c.best).label("n"))
        .select_from(harm.join(reports, reports.c.id == harm.c.report_id))
        .where(
            reports.c.incident_id == incident_id,
            harm.c.age_group == "child",
            harm.c.outcome.in_(["killed", "injured"]),
            harm.c.civilian.is_(True),
        )
        .group_by(harm.c.report_id)
        .subquery()
    )
    return int(conn.execute(select(func.max(per_report.c.n))).scalar() or 0)


def incident_object_kinds(conn: Connection, incident_id: int) -> set[str]:
    q = (
        select(damaged_objects.c.kind)
        .select_from(damaged_objects.join(reports, reports.c.id == damaged_objects.c.report_id))
        .where(reports.c.incident_id == incident_id)
        .distinct()
    )
    return {r for (r,) in conn.execute(q)}


def incident_weapons(conn: Connection, incident_id: int) -> set[str]:
    q = select(reports.c.weapon).where(reports.c.incident_id == incident_id).distinct()
    return {r for (r,) in conn.execute(q)}


def insert_public_report(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(public_reports.insert().values(**values)).inserted_primary_key[0])


def recent_public_reports(conn: Connection, client_hash: str, since: datetime) -> int:
    q = select(func.count()).select_from(public_reports).where(
        public_reports.c.client_hash == client_hash, public_reports.c.received_at >= since
    )
    return int(conn.execute(q).scalar_one())


def get_public_report(conn: Connection, report_id: int) -> dict | None:
    row = conn.execute(select(public_reports).where(public_reports.c.id == report_id)).mappings().first()
    return dict(row) if row else None


def public_report_queue(conn: Connection, status: str | None = "pending") -> list[dict]:
    q = select(public_reports).order_by(public_reports.c.received_at, public_reports.c.id)
    if status:
        q = q.where(public_reports.c.status == status)
    return [dict(r) for r in conn.execute(q).mappings()]


def review_public_report(conn: Connection, report_id: int, values: dict[str, Any]) -> bool:
    result = conn.execute(
        public_reports.update()
        .where(public_reports.c.id == report_id, public_reports.c.status == "pending")
        .values(**values)
    )
    return result.rowcount == 1


# ---- published summaries -------------------------------------------------------------------------


def publication(conn: Connection, case_id: int) -> dict | None:
    row = conn.execute(select(case_publications).where(case_publications.c.case_id == case_id)).mappings().first()
    return dict(row) if row else None


def set_publication(conn: Connection, case_id: int, summary: str, actor: str, at: datetime) -> None:
    conn.execute(case_publications.delete().where(case_publications.c.case_id == case_id))
    conn.execute(case_publications.insert().values(case_id=case_id, summary=summary, published_by=actor, published_at=at))


def remove_publication(conn: Connection, case_id: int) -> int:
    return conn.execute(case_publications.delete().where(case_publications.c.case_id == case_id)).rowcount


def publications(conn: Connection, limit: int = 500) -> list[dict]:
    q = (select(case_publications.c.case_id, case_publications.c.summary, case_publications.c.published_at,
                cases.c.country_iso3, cases.c.date_start, cases.c.state)
         .join(cases, cases.c.id == case_publications.c.case_id)
         .order_by(case_publications.c.published_at.desc()).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]
