"""The append-only, hash-chained audit trail.

`append` must run inside the transaction of the write it records, so both land or neither.
On PostgreSQL a transaction-level advisory lock serialises appends; SQLite serialises writers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, func, select, text

from civwatch.domain.events import GENESIS, AuditEvent, entry_hash, event_fields
from civwatch.store.schema import audit_log

AUDIT_LOCK_KEY = 7_365_001
MAX_ENTRY_CHARS = 256 * 1024  # before + after of one entry: a record of a decision, not a file


class EntryTooLarge(ValueError):
    pass


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def append(conn: Connection, event: AuditEvent) -> int:
    """Append one event; returns its sequence number."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})
    last = conn.execute(select(audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).scalar()
    prev = last or GENESIS
    row = event_fields(event)
    size = len(row["before"] or "") + len(row["after"] or "")
    if size > MAX_ENTRY_CHARS:
        raise EntryTooLarge(f"the change is too large to record ({size} characters; at most {MAX_ENTRY_CHARS})")
    at = _iso(row["at"])
    digest = entry_hash(prev, at, row["actor"], row["event"], row["entity"], row["entity_id"], row["before"], row["after"])
    result = conn.execute(
        audit_log.insert().values(
            at=datetime.fromisoformat(at),
            actor=row["actor"],
            event=row["event"],
            entity=row["entity"],
            entity_id=row["entity_id"],
            before=row["before"],
            after=row["after"],
            prev_hash=prev,
            hash=digest,
        )
    )
    return int(result.inserted_primary_key[0])


@dataclass(frozen=True)
class Breach:
    seq: int
    problem: str


def verify(conn: Connection) -> tuple[int, list[Breach]]:
    """Walk the chain; returns (entries checked, breaches). A gap in seq is a deleted entry."""
    breaches: list[Breach] = []
    prev = GENESIS
    expected_seq: int | None = None
    count = 0
    rows = conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()
    for row in rows:
        count += 1
        seq = row["seq"]
        if expected_seq is not None and seq != expected_seq:
            breaches.append(Breach(expected_seq, f"entries {expected_seq}..{seq - 1} are missing (deleted)"))
        if row["prev_hash"] != prev:
            breaches.append(Breach(seq, "does not follow the entry before it (an entry before it was edited or deleted)"))
        digest = entry_hash(
            row["prev_hash"], _iso(row["at"]), row["actor"], row["event"], row["entity"],
            row["entity_id"], row["before"], row["after"],
        )
        if digest != row["hash"]:
            breaches.append(Breach(seq, "its content does not match its hash (edited)"))
        prev = row["hash"]
        expected_seq = seq + 1
    return count, breaches


def entries(conn: Connection, entity: str | None = None, entity_id: str | None = None, limit: int = 100) -> list[dict]:
    q = select(audit_log).order_by(audit_log.c.seq.desc()).limit(limit)
    if entity:
        q = q.where(audit_log.c.entity == entity)
    if entity_id is not None:
        q = q.where(audit_log.c.entity_id == str(entity_id))
    return [dict(r) for r in conn.execute(q).mappings()]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())


def head(conn: Connection) -> tuple[int, str] | None:
    """(seq, hash) of the newest entry, or None for an empty trail."""
    row = conn.execute(select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
    return (int(row[0]), row[1]) if row else None


def hash_at(conn: Connection, seq: int) -> str | None:
    return conn.execute(select(audit_log.c.hash).where(audit_log.c.seq == seq)).scalar()
