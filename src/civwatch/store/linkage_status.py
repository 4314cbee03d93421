"""Whether `civwatch link` has run on the current reports, kept in one row instead of a scan.

The row holds what `scan` counts over every report (reports, those not linked as they now are,
the last run's time) and the store fingerprint (store/cube.py) it was true at. Writes keep it
in their own transaction: an import batch adds its new reports and the ones it replaced
(`adjust` before its UPDATEs and in cube_delta.add_batch), a link run takes off the reports it
marked (store/linkage.py `mark_seen`), and whenever the indicator cube moves its fingerprint on
from the one the row holds, the row moves with it (cube._save_state), as the cube's checks
show the write went through these paths. Any other write leaves the fingerprints apart and the
reader scans, as before; a full cube rebuild scans and resets the row.
"""

from __future__ import annotations

from sqlalchemy import Connection, case, func, or_, select, update

from civwatch.store.schema import linkage_seen, linkage_status, reports


def _row(status: dict) -> dict:
    return {"reports": int(status["reports"]), "reports_not_linked": int(status["reports_not_linked"]),
            "last_run_at": status["last_run_at"]}


def scan(conn: Connection, where=None) -> dict:
    """Count reports and those not linked as they now are (all, or those `where` selects)."""
    s = linkage_seen
    pending = case((or_(s.c.report_id.is_(None), s.c.content_sha != reports.c.content_sha), 1), else_=0)
    q = select(func.count(), func.coalesce(func.sum(pending), 0)).select_from(reports.outerjoin(s, s.c.report_id == reports.c.id))
    if where is not None:
        q = q.where(where)
    total, not_linked = conn.execute(q).one()
    out = {"reports": int(total), "reports_not_linked": int(not_linked), "last_run_at": None}
    if where is None:
        last = conn.execute(select(func.max(s.c.linked_at))).scalar()
        out["last_run_at"] = last.isoformat() if last else None
    return out


def read(conn: Connection, fingerprint: str) -> dict | None:
    """The kept status when it is true of the store as it is now (`fingerprint`), else None."""
    row = conn.execute(select(linkage_status).where(linkage_status.c.id == 1)).mappings().first()
    return _row(row) if row is not None and row["fingerprint"] == fingerprint else None


def reset(conn: Connection, fingerprint: str) -> dict:
    """Scan every report and keep the result as true at `fingerprint`."""
    st = scan(conn)
    values = {**st, "fingerprint": fingerprint}
    if conn.execute(update(linkage_status).where(linkage_status.c.id == 1).values(**values)).rowcount == 0:
        conn.execute(linkage_status.insert().values(id=1, **values))
    return st


def adjust(conn: Connection, reports_added: int, not_linked_added: int, last_run_at: str | None = None) -> None:
    """Change the kept counts by a write's own part (the fingerprint moves on separately)."""
    values = {"reports": linkage_status.c.reports + reports_added,
              "reports_not_linked": linkage_status.c.reports_not_linked + not_linked_added}
    if last_run_at is not None:
        values["last_run_at"] = last_run_at
    conn.execute(update(linkage_status).where(linkage_status.c.id == 1).values(**values))


def pending(conn: Connection, where) -> int:
    """How many of the reports `where` selects are not linked as they now are."""
    return scan(conn, where)["reports_not_linked"]


def move(conn: Connection, old_fingerprint: str, new_fingerprint: str) -> None:
    """The write that moved the store from `old_fingerprint` on has kept the counts: say so."""
    conn.execute(update(linkage_status).where(linkage_status.c.id == 1, linkage_status.c.fingerprint == old_fingerprint)
                 .values(fingerprint=new_fingerprint))
