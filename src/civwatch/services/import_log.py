"""What was imported, when, by whom, and every row that was rejected with its reason."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from civwatch.services.incidents import NotFound
from civwatch.store import incident_queries as q


def batches(engine: Engine, limit: int = 100, before_id: int | None = None) -> list[dict]:
    with engine.connect() as conn:
        return q.list_batches(conn, limit, before_id)


def rejects(engine: Engine, batch_id: int, limit: int = 100, after_id: int | None = None, show_raw: bool = False) -> dict:
    """Rejected rows with line and reason; the row itself (`raw`, which may hold personal data
    such as victims' names) only when `show_raw` (callers with a recording role)."""
    with engine.connect() as conn:
        batch = q.get_batch(conn, batch_id)
        if batch is None:
            raise NotFound(f"no import {batch_id}")
        rows = q.batch_rejects(conn, batch_id, limit, after_id)
    for row in rows:
        if not show_raw:
            row["raw"] = None
            continue
        try:
            row["raw"] = json.loads(row["raw"])
        except (TypeError, json.JSONDecodeError):
            pass
    nxt = rows[-1]["id"] if len(rows) == limit else None
    return {"import": batch, "rejects": rows, "next_after": nxt}
