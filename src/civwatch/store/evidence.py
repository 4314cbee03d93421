"""Persistence of evidence items, their links, and their custody entries in the audit trail.

`append_custody` is the one way a custody step is written: under the audit lock it reads the
hash of the item's last custody entry and puts it in the new entry (`prev_custody`), so the
item's entries chain among themselves as well as in the trail.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select, text

from civwatch.domain.events import GENESIS
from civwatch.domain.evidence import EvidenceCustody
from civwatch.store import audit
from civwatch.store.schema import (
    audit_log,
    cases,
    evidence_items,
    evidence_links,
    incident_redirects,
    incidents,
    reports,
)


def insert_item(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(evidence_items.insert().values(**values)).inserted_primary_key[0])


def get_item(conn: Connection, item_id: int) -> dict | None:
    row = conn.execute(select(evidence_items).where(evidence_items.c.id == item_id)).mappings().first()
    return dict(row) if row else None


def item_by_sha(conn: Connection, sha256: str) -> dict | None:
    row = conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha256)).mappings().first()
    return dict(row) if row else None


def is_referenced(conn: Connection, sha256: str) -> bool:
    return item_by_sha(conn, sha256) is not None


def add_link(conn: Connection, values: dict[str, Any]) -> bool:
    """Link an item; False when that link exists already."""
    exists = conn.execute(
        select(evidence_links.c.id).where(
            and_(evidence_links.c.item_id == values["item_id"], evidence_links.c.target == values["target"],
                 evidence_links.c.target_id == values["target_id"])
        )
    ).first()
    if exists:
        return False
    conn.execute(evidence_links.insert().values(**values))
    return True


def links(conn: Connection, item_id: int) -> list[dict]:
    q = select(evidence_links).where(evidence_links.c.item_id == item_id).order_by(evidence_links.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def resolve_incident(conn: Connection, incident_id: int) -> int:
    """An incident merged away lives on as the one it was merged into."""
    seen = set()
    while incident_id not in seen:
        seen.add(incident_id)
        new = conn.execute(select(incident_redirects.c.new_id).where(incident_redirects.c.old_id == incident_id)).scalar()
        if new is None:
            break
        incident_id = int(new)
    return incident_id


def items_for(conn: Connection, target: str, target_ids: list[int]) -> list[dict]:
    """Items linked to any of the targets, each once, oldest first."""
    if not target_ids:
        return []
    ids = select(evidence_links.c.item_id).where(
        evidence_links.c.target == target, evidence_links.c.target_id.in_(target_ids)
    )
    q = select(evidence_items).where(evidence_items.c.id.in_(ids)).order_by(evidence_items.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def redirected_from(conn: Connection, incident_id: int) -> list[int]:
    """The incident and every incident merged into it (their evidence is its evidence)."""
    out, todo = [incident_id], [incident_id]
    while todo:
        current = todo.pop()
        for (old,) in conn.execute(select(incident_redirects.c.old_id).where(incident_redirects.c.new_id == current)):
            if old not in out:
                out.append(int(old))
                todo.append(int(old))
    return out


def list_items(conn: Connection, limit: int = 100) -> list[dict]:
    q = select(evidence_items).order_by(evidence_items.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def count_items(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(evidence_items)).scalar_one())


def custody(conn: Connection, item_id: int) -> list[dict]:
    """The item's custody entries, in order, as stored in the audit trail."""
    q = (
        select(audit_log)
        .where(audit_log.c.entity == EvidenceCustody.entity, audit_log.c.entity_id == str(item_id))
        .order_by(audit_log.c.seq)
    )
    return [dict(r) for r in conn.execute(q).mappings()]


def append_custody(conn: Connection, item_id: int, actor: str, after: dict[str, Any]) -> int:
    """Append one custody step for the item, chained to its previous step; returns its seq."""
    if conn.dialect.name == "postgresql":  # the same lock audit.append takes: no step can slip in between
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": audit.AUDIT_LOCK_KEY})
    last = conn.execute(
        select(audit_log.c.hash)
        .where(audit_log.c.entity == EvidenceCustody.entity, audit_log.c.entity_id == str(item_id))
        .order_by(audit_log.c.seq.desc())
        .limit(1)
    ).scalar()
    return audit.append(conn, EvidenceCustody(actor=actor, entity_id=str(item_id),
                                              after={**after, "prev_custody": last or GENESIS}))


def audit_entry(conn: Connection, seq: int) -> dict | None:
    row = conn.execute(select(audit_log).where(audit_log.c.seq == seq)).mappings().first()
    return dict(row) if row else None


def target_exists(conn: Connection, target: str, target_id: int) -> bool:
    table = {"incident": incidents, "report": reports, "case": cases}[target]
    return conn.execute(select(table.c.id).where(table.c.id == target_id)).first() is not None


def incident_of_case(conn: Connection, case_id: int) -> int | None:
    return conn.execute(select(cases.c.incident_id).where(cases.c.id == case_id)).scalar()


def report_ids(conn: Connection, incident_ids: list[int]) -> list[int]:
    q = select(reports.c.id).where(reports.c.incident_id.in_(incident_ids))
    return [int(r) for (r,) in conn.execute(q)]


def linked_items(conn: Connection, pairs: list[tuple[str, list[int]]]) -> list[dict]:
    """Items linked to any of the (target, ids) pairs, each once, oldest first."""
    seen: dict[int, dict] = {}
    for target, ids in pairs:
        for row in items_for(conn, target, ids):
            seen.setdefault(row["id"], row)
    return [seen[k] for k in sorted(seen)]
