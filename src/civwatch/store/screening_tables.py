"""The embargo and diversion tables: rows written per import batch; the table in force is the
latest finished batch of each file name (an edited file re-imported replaces its rows)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from sqlalchemy import Connection, Table, func, select

from civwatch.store.schema import import_batches, screening_diversion, screening_embargoes

FORMATS = {"embargo": ("screening-embargoes", "caat-uk-footnotes"), "diversion": ("screening-diversion",)}
TABLES: dict[str, Table] = {"embargo": screening_embargoes, "diversion": screening_diversion}
COLUMNS = {
    "embargo": ("batch_id", "line", "source", "url", "stated_on", "destination_iso3", "scope", "starts_on", "ends_on", "text"),
    "diversion": ("batch_id", "line", "source", "url", "reported_on", "country_iso3", "kind", "event_date", "items", "text"),
}


def write(conn: Connection, table: str, batch_id: int, records: Iterable) -> int:
    cols = COLUMNS[table]
    rows = [{"batch_id": batch_id, **{c: asdict(r)[c] for c in cols[1:]}} for r in records]
    if rows:  # a few hundred rows at most: the core insert keeps dates typed on both backends
        conn.execute(TABLES[table].insert(), rows)
    return len(rows)


def current_batches(conn: Connection, table: str) -> list[dict]:
    """The batches in force: the latest finished one of each file name."""
    b = import_batches.c
    latest = (select(func.max(b.id)).where(b.source_format.in_(FORMATS[table]), b.status == "done")
              .group_by(b.file_name))
    q = (select(b.id, b.file_name, b.source_format, b.finished_at, b.read, b.accepted, b.rejected, b.imported_by)
         .where(b.id.in_(latest)).order_by(b.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def rows(conn: Connection, table: str, batch_ids: list[int], country: str | None = None) -> list[dict]:
    t = TABLES[table]
    if not batch_ids:
        return []
    q = select(t).where(t.c.batch_id.in_(batch_ids)).order_by(t.c.batch_id, t.c.line)
    if country:
        q = q.where((t.c.destination_iso3 if table == "embargo" else t.c.country_iso3) == country)
    return [dict(r) for r in conn.execute(q).mappings()]
