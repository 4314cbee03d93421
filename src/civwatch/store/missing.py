"""Persistence of missing-person cases, lists, list entries with their name keys, candidates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from civwatch.store.schema import (
    incidents,
    missing_attempts,
    missing_candidates,
    missing_cases,
    missing_list_entries,
    missing_list_keys,
    missing_list_rejections,
    missing_lists,
    missing_notifications,
    missing_transitions,
)

CHUNK = 900  # SQLite's bound on parameters, with room


def incident_exists(conn: Connection, incident_id: int) -> bool:
    return conn.execute(select(incidents.c.id).where(incidents.c.id == incident_id)).first() is not None


def insert_case(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(missing_cases).values(**values)).inserted_primary_key[0])


def get_case(conn: Connection, case_id: int) -> dict | None:
    row = conn.execute(select(missing_cases).where(missing_cases.c.id == case_id)).mappings().first()
    return dict(row) if row else None


def case_by_code(conn: Connection, code: str) -> dict | None:
    row = conn.execute(select(missing_cases).where(missing_cases.c.code == code)).mappings().first()
    return dict(row) if row else None


def update_case(conn: Connection, case_id: int, version: int, values: dict[str, Any]) -> bool:
    """Apply only if the case is still at `version` (optimistic concurrency)."""
    done = conn.execute(update(missing_cases).where(missing_cases.c.id == case_id, missing_cases.c.version == version)
                        .values(**values))
    return done.rowcount == 1


def add_transition(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(missing_transitions).values(**values))


def transitions(conn: Connection, case_id: int) -> list[dict]:
    q = select(missing_transitions).where(missing_transitions.c.case_id == case_id).order_by(missing_transitions.c.version)
    return [dict(r) for r in conn.execute(q).mappings()]


def cases(conn: Connection, states: Iterable[str] | None = None) -> list[dict]:
    q = select(missing_cases)
    if states is not None:
        q = q.where(missing_cases.c.state.in_(list(states)))
    return [dict(r) for r in conn.execute(q.order_by(missing_cases.c.id)).mappings()]


def all_transitions(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(missing_transitions).order_by(missing_transitions.c.id)).mappings()]


# ---- lists ------------------------------------------------------------------------------------


def insert_list(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(missing_lists).values(**values)).inserted_primary_key[0])


def finish_list(conn: Connection, list_id: int, read: int, accepted: int, rejected: int) -> None:
    conn.execute(update(missing_lists).where(missing_lists.c.id == list_id)
                 .values(rows_read=read, rows_accepted=accepted, rows_rejected=rejected))


def lists(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(missing_lists).order_by(missing_lists.c.id.desc())).mappings()]


def get_list(conn: Connection, list_id: int) -> dict | None:
    row = conn.execute(select(missing_lists).where(missing_lists.c.id == list_id)).mappings().first()
    return dict(row) if row else None


def next_entry_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(missing_list_entries.c.id), 0))).scalar_one()) + 1


def insert_entries(conn: Connection, entries: list[dict[str, Any]], keys: list[dict[str, Any]]) -> None:
    if entries:
        conn.execute(insert(missing_list_entries), entries)
    if keys:
        conn.execute(insert(missing_list_keys), keys)


def insert_rejections(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(missing_list_rejections), rows)


def rejections(conn: Connection, list_id: int, limit: int = 200) -> list[dict]:
    q = (select(missing_list_rejections).where(missing_list_rejections.c.list_id == list_id)
         .order_by(missing_list_rejections.c.line).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def entries_for_keys(conn: Connection, keys: list[str], list_id: int | None = None, limit: int = 1000) -> list[dict]:
    """The list entries sharing the most of `keys` (at most `limit`, those sharing more first),
    with their list's kind and title. An entry sharing more name pairs agrees on more words."""
    shared: dict[int, int] = {}
    for i in range(0, len(keys), CHUNK):
        n = func.count().label("n")
        q = (select(missing_list_keys.c.entry_id, n).where(missing_list_keys.c.key.in_(keys[i:i + CHUNK]))
             .group_by(missing_list_keys.c.entry_id))
        if list_id is not None:
            q = q.join(missing_list_entries, missing_list_entries.c.id == missing_list_keys.c.entry_id).where(
                missing_list_entries.c.list_id == list_id)
        if len(keys) <= CHUNK:
            q = q.order_by(n.desc(), missing_list_keys.c.entry_id).limit(limit)
        for entry_id, count in conn.execute(q):
            shared[entry_id] = shared.get(entry_id, 0) + count
    if not shared:
        return []
    ordered = sorted(shared, key=lambda e: (-shared[e], e))[:limit]
    out: list[dict] = []
    for i in range(0, len(ordered), CHUNK):
        q = (select(missing_list_entries, missing_lists.c.kind, missing_lists.c.title)
             .join(missing_lists, missing_lists.c.id == missing_list_entries.c.list_id)
             .where(missing_list_entries.c.id.in_(ordered[i:i + CHUNK])))
        out.extend(dict(r) for r in conn.execute(q).mappings())
    return out


def entry(conn: Connection, entry_id: int) -> dict | None:
    q = (select(missing_list_entries, missing_lists.c.kind, missing_lists.c.title, missing_lists.c.list_date,
                missing_lists.c.provenance)
         .join(missing_lists, missing_lists.c.id == missing_list_entries.c.list_id)
         .where(missing_list_entries.c.id == entry_id))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


# ---- candidates -------------------------------------------------------------------------------


def known_entries(conn: Connection, case_id: int) -> set[int]:
    """Entries already put to this case (offered, confirmed or rejected): never offered again."""
    q = select(missing_candidates.c.entry_id).where(missing_candidates.c.case_id == case_id)
    return set(conn.execute(q).scalars())


def insert_candidates(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(missing_candidates), rows)


def candidates(conn: Connection, case_id: int, status: str | None = None) -> list[dict]:
    q = select(missing_candidates).where(missing_candidates.c.case_id == case_id)
    if status:
        q = q.where(missing_candidates.c.status == status)
    return [dict(r) for r in conn.execute(q.order_by(missing_candidates.c.score.desc(), missing_candidates.c.id)).mappings()]


def get_candidate(conn: Connection, candidate_id: int) -> dict | None:
    row = conn.execute(select(missing_candidates).where(missing_candidates.c.id == candidate_id)).mappings().first()
    return dict(row) if row else None


def decide_candidate(conn: Connection, candidate_id: int, values: dict[str, Any]) -> bool:
    done = conn.execute(update(missing_candidates).where(missing_candidates.c.id == candidate_id,
                                                         missing_candidates.c.status == "offered").values(**values))
    return done.rowcount == 1


def all_candidates(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(missing_candidates)).mappings()]


# ---- notifications and attempts ----------------------------------------------------------------


def add_notification(conn: Connection, values: dict[str, Any]) -> None:
    conn.execute(insert(missing_notifications).values(**values))


def notifications(conn: Connection, case_id: int) -> list[dict]:
    q = select(missing_notifications).where(missing_notifications.c.case_id == case_id).order_by(missing_notifications.c.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def add_attempt(conn: Connection, client_hash: str, kind: str, at: datetime) -> None:
    conn.execute(insert(missing_attempts).values(client_hash=client_hash, kind=kind, at=at))


def recent_attempts(conn: Connection, client_hash: str, kind: str, since: datetime) -> int:
    q = select(func.count()).select_from(missing_attempts).where(
        missing_attempts.c.client_hash == client_hash, missing_attempts.c.kind == kind, missing_attempts.c.at >= since)
    return int(conn.execute(q).scalar_one())
