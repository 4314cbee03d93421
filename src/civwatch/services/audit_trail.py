"""Reading and checking the audit trail."""

from __future__ import annotations

from sqlalchemy import Engine

from civwatch.store import audit


def verify(engine: Engine) -> tuple[int, list[audit.Breach]]:
    with engine.connect() as conn:
        return audit.verify(conn)


def latest(engine: Engine, limit: int = 20, entity: str | None = None, entity_id: str | None = None) -> list[dict]:
    with engine.connect() as conn:
        return audit.entries(conn, entity=entity, entity_id=entity_id, limit=limit)
