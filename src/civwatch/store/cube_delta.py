"""Keeping the indicator cube current by deltas, inside the transaction of each write.

Every cube cell is a sum over records, so a write changes it by the contribution of the
records it touched. An import batch only adds: its new reports (each with its own new incident)
are aggregated set-wise, one GROUP BY over just those rows by every cell key, and added to the
cells with an upsert (INSERT ... ON CONFLICT DO UPDATE n = n + excluded.n, ...) on the cell's
unique key. A write that changes stored incidents (an edit, a merge or split, a grade) first
subtracts the contribution of the incidents it touches (and of their reports), then writes, then
adds their new contribution back; cells left with no record are deleted. `cube.rebuild` stays the
reference: after any sequence of writes the cube equals a rebuild, cell for cell
(tests/store/test_cube_delta.py).

The cube state's fingerprint says when the cube was last brought up to date. A delta runs only
when the cube was current just before the write; it then moves the fingerprint on with the write,
so the next read finds the cube current. Otherwise (a stale cube, a write outside these paths)
nothing is done and the next read rebuilds, as before. A batch that replaces stored reports
with a new release subtracts their incidents' contribution before its UPDATEs
(`subtract_stored`, from store/reports.py) and `add_batch` adds it back with the batch's new rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    MetaData,
    Table,
    case,
    delete,
    func,
    literal,
    select,
    text,
    true,
)
from sqlalchemy.dialects import postgresql, sqlite

from civwatch.store import cube, linkage_status
from civwatch.store.audit import AUDIT_LOCK_KEY
from civwatch.store.schema import audit_log, incidents, indicator_cube, reports

CELL = ("level", "dim", "value", "sources", "year", "country_iso3")
BATCH_EVENT = "import_batch"  # the audit event an import batch ends with (domain/events.py)
_FP = re.compile(r"^r(\d+):i(\d+):a(\d+)$")


def lock(conn: Connection) -> None:
    """Serialise cube maintenance on PostgreSQL. The audit lock is taken first, as every write
    appends to the audit trail under it, so two writers never wait on each other crosswise."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_LOCK_KEY})
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": cube.CUBE_LOCK_KEY})


def is_current(conn: Connection) -> bool:
    st = cube.state(conn)
    return st is not None and st["fingerprint"] == cube.fingerprint(conn)


def _upsert(conn: Connection, q) -> None:
    ins = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(indicator_cube)
    stmt = ins.from_select([*CELL, *cube.MEASURES], q)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(CELL),
        set_={m: indicator_cube.c[m] + stmt.excluded[m] for m in cube.MEASURES},
    )
    conn.execute(stmt)


def apply(conn: Connection, touched: cube.Touched, sign: int) -> None:
    """Add (sign 1) or subtract (sign -1) the contribution of the incidents `touched` selects
    and of their reports to every cell: per country and for all countries ("*")."""
    if conn.dialect.name == "postgresql":  # the groupings below hash in memory, not sort on disk
        conn.execute(text("SET LOCAL work_mem = '128MB'"))
    fine = cube._fine_table(conn)
    names = ["level", *cube.FACT_COLUMNS.values(), *cube.MEASURES]
    for level in cube.LEVELS:
        f = cube.fact_select(level, touched=touched).subquery("f")
        dims = [f.c.level, *[f.c[col] for col in cube.FACT_COLUMNS.values()]]
        sums = [func.sum(f.c[m]) if sign > 0 else -func.sum(f.c[m]) for m in cube.MEASURES]
        conn.execute(fine.insert().from_select(names, select(*dims, *sums).group_by(*dims)))
    for dim in ("", *cube.SLICE_DIMS):
        value = fine.c[cube.FACT_COLUMNS[dim]] if dim else literal("")
        for country in (fine.c.country_iso3, literal(cube.ALL)):
            group = [fine.c.level, fine.c.sources, fine.c.year]
            group += [fine.c.country_iso3] if country is fine.c.country_iso3 else []
            group += [value] if dim else []
            # WHERE true: SQLite's parser needs it between INSERT ... SELECT and ON CONFLICT
            q = select(fine.c.level, literal(dim), value, fine.c.sources, fine.c.year, country,
                       *[func.sum(fine.c[m]) for m in cube.MEASURES]).where(true()).group_by(*group)
            _upsert(conn, q)
    fine.drop(conn)


IDS = Table("tmp_cube_touched", MetaData(), Column("id", BigInteger, primary_key=True), prefixes=["TEMPORARY"])
INLINE_IDS = 500  # more ids than this go through a temporary table (bound-parameter limits)


def _ids(conn: Connection, incident_ids: Iterable[int]) -> cube.Touched | None:
    ids = sorted({int(i) for i in incident_ids if i is not None})
    if not ids:
        return None
    if len(ids) <= INLINE_IDS:
        return lambda col: col.in_(ids)
    IDS.drop(conn, checkfirst=True)
    IDS.create(conn)
    for k in range(0, len(ids), 50_000):
        conn.execute(IDS.insert(), [{"id": i} for i in ids[k:k + 50_000]])
    return lambda col: col.in_(select(IDS.c.id))


def _finish(conn: Connection) -> None:
    conn.execute(delete(indicator_cube).where(indicator_cube.c.n == 0))
    cube._save_state(conn, cube.fingerprint(conn))


def begin_change(conn: Connection, incident_ids: Iterable[int]) -> bool:
    """Before a write to stored incidents: subtract what they contribute now, when the cube is
    current. Returns whether it was (the token `end_change` needs)."""
    lock(conn)
    current = is_current(conn)
    touched = _ids(conn, incident_ids)
    if current and touched is not None:
        apply(conn, touched, -1)
    return current


def end_change(conn: Connection, current: bool, incident_ids: Iterable[int]) -> bool:
    """After the write (and its audit entry): add what the touched incidents contribute now.
    `incident_ids` holds the ones touched before and any the write created."""
    if not current:
        return False
    touched = _ids(conn, incident_ids)
    if touched is not None:
        apply(conn, touched, 1)
    _finish(conn)
    return True


def subtract_stored(conn: Connection, incident_ids: Iterable[int]) -> None:
    """Inside an import batch, before it replaces stored reports with a new release: subtract
    what their incidents (all stored before the batch) contribute now. Done whenever the cube has
    a state, current or not: `add_batch` adds them back only when its checks show the cube was
    current before the batch; otherwise the next read rebuilds anyway. The caller passes each
    incident once per batch."""
    lock(conn)
    if cube.state(conn) is None:
        return
    touched = _ids(conn, incident_ids)
    if touched is not None:
        apply(conn, touched, -1)


def _parse(fp: str) -> tuple[int, int, int] | None:
    m = _FP.match(fp or "")
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def add_batch(conn: Connection, batch_id: int) -> bool:
    """After an import batch wrote its rows and its audit entry, in its transaction: add its new
    reports and their incidents to the cube. Runs only when the cube was current just before the
    batch: the store's last report, incident and audit entry before it are the cube's, every
    report above the cube's watermark is new in this batch and they are as many as
    the batch says it wrote, every incident above it is one of theirs, and no other audit entry
    came between. Returns whether it ran (otherwise the next read rebuilds)."""
    lock(conn)
    st = cube.state(conn)
    marks = _parse(st["fingerprint"]) if st else None
    if marks is None:
        return False
    r0, i0, a0 = marks
    done = conn.execute(
        select(audit_log.c.seq, audit_log.c.after)
        .where(audit_log.c.event == BATCH_EVENT, audit_log.c.entity_id == str(batch_id))
        .order_by(audit_log.c.seq.desc()).limit(1)
    ).first()
    if done is None:
        return False
    new = int((json.loads(done.after or "{}")).get("new") or 0)
    between = conn.execute(
        select(func.count()).select_from(audit_log).where(audit_log.c.seq > a0, audit_log.c.seq < done.seq)
    ).scalar_one()
    above = reports.c.id > r0
    ours = (reports.c.batch_id == batch_id) & (reports.c.version == 1) & (reports.c.incident_id > i0)
    counts = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((ours, 1), else_=0)), 0)).select_from(reports).where(above)
    ).one()
    # the batch must account for every one of its new reports above the watermark: on PostgreSQL
    # a concurrent batch may have ids below ours, and on SQLite ids are reused after rows were
    # deleted behind the cube's back (its new reports would then sit below the watermark)
    missing = counts[0] != new
    if between or counts[0] != counts[1] or missing:
        return False
    # the store's fingerprint just before the batch was the cube's: its last report and last
    # incident below the watermark are still the ones the cube saw (nothing was deleted)
    last = conn.execute(
        select(  # one statement, as `cube.fingerprint`: three index lookups
            select(func.max(reports.c.id)).where(reports.c.id <= r0).scalar_subquery(),
            select(func.max(incidents.c.id)).where(incidents.c.id <= i0).scalar_subquery(),
            select(func.max(audit_log.c.seq)).where(audit_log.c.seq <= a0).scalar_subquery(),
        )
    ).one()
    if tuple(v or 0 for v in last) != (r0, i0, a0):
        return False
    strays = conn.execute(
        select(func.count()).select_from(incidents).where(
            incidents.c.id > i0,
            ~select(reports.c.id).where(reports.c.incident_id == incidents.c.id, above).exists(),
        )
    ).scalar_one()
    if strays:
        return False
    # reports this batch replaced by a new release: their incidents were subtracted before the
    # UPDATEs (subtract_stored) and are added back now with their new content
    replaced = select(reports.c.incident_id).where(reports.c.batch_id == batch_id, reports.c.id <= r0)
    was_replaced = conn.execute(replaced.limit(1)).first() is not None
    if was_replaced:
        apply(conn, lambda col: (col > i0) | col.in_(replaced), 1)
    elif new:
        apply(conn, lambda col: col > i0, 1)
    # the linkage status: the new reports, and the replaced ones as they now are (their part
    # before was taken off by store/reports.py)
    mine = above | ((reports.c.batch_id == batch_id) & (reports.c.id <= r0)) if was_replaced else above
    linkage_status.adjust(conn, counts[0], linkage_status.pending(conn, mine))
    cube._save_state(conn, cube.fingerprint(conn))
    return True
