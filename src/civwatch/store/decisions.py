"""Persistence of the decision log. Rows are inserted, never updated or deleted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, case, func, select

from civwatch.store.schema import decision_subjects, decisions


def insert(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(decisions.insert().values(**values)).inserted_primary_key[0])


def set_audit_seq(conn: Connection, decision_id: int, seq: int) -> None:
    """Tie a new entry to its audit entry: the one write after the insert, in its transaction."""
    conn.execute(decisions.update().where(decisions.c.id == decision_id, decisions.c.audit_seq.is_(None)).values(audit_seq=seq))


def insert_subjects(conn: Connection, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), 5000):
        conn.execute(decision_subjects.insert(), rows[start : start + 5000])


def get(conn: Connection, decision_id: int) -> dict | None:
    row = conn.execute(select(decisions).where(decisions.c.id == decision_id)).mappings().first()
    return dict(row) if row else None


def subjects(conn: Connection, decision_id: int, limit: int = 1000) -> list[dict]:
    q = (select(decision_subjects).where(decision_subjects.c.decision_id == decision_id)
         .order_by(decision_subjects.c.id).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def subjects_digest_rows(conn: Connection, decision_id: int) -> list[tuple]:
    q = (select(decision_subjects.c.incident_id, decision_subjects.c.action, decision_subjects.c.detail)
         .where(decision_subjects.c.decision_id == decision_id).order_by(decision_subjects.c.id))
    return [tuple(r) for r in conn.execute(q)]


def count_subjects(conn: Connection, decision_id: int) -> int:
    q = select(func.count()).select_from(decision_subjects).where(decision_subjects.c.decision_id == decision_id)
    return int(conn.execute(q).scalar_one())


def query(
    conn: Connection,
    system: str | None = None,
    unreviewed: bool = False,
    incident_ids: list[int] | None = None,
    case_id: int | None = None,
    limit: int = 200,
) -> list[dict]:
    q = select(decisions).order_by(decisions.c.id.desc()).limit(limit)
    if system:
        q = q.where(decisions.c.system == system)
    if unreviewed:
        q = q.where(decisions.c.reviewer.is_(None))
    if incident_ids:
        via_subject = select(decision_subjects.c.decision_id).where(decision_subjects.c.incident_id.in_(incident_ids))
        q = q.where(decisions.c.incident_id.in_(incident_ids) | decisions.c.id.in_(via_subject))
    if case_id is not None:
        q = q.where(decisions.c.case_id == case_id)
    return [dict(r) for r in conn.execute(q).mappings()]


def rates(conn: Connection) -> list[dict]:
    """Per system: entries, unreviewed, approved, overridden, aborted."""
    def n(value: str):
        return func.sum(case((decisions.c.decision == value, 1), else_=0))

    q = (
        select(decisions.c.system, func.count().label("entries"), n("unreviewed").label("unreviewed"),
               n("approved").label("approved"), n("overridden").label("overridden"), n("aborted").label("aborted"))
        .group_by(decisions.c.system)
        .order_by(decisions.c.system)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def per_target(conn: Connection, column: str) -> list[dict]:
    col = decisions.c[column]
    q = select(col.label("id"), func.count().label("decisions")).where(col.is_not(None)).group_by(col).order_by(col)
    return [dict(r) for r in conn.execute(q).mappings()]
