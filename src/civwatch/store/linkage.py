"""Reading and writing what linkage needs: report rows, incidents, analysts' decisions."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from civwatch.store import linkage_status
from civwatch.store.schema import (
    incident_redirects,
    incidents,
    link_decisions,
    linkage_seen,
    metadata,
    reports,
)

REPORT_COLUMNS = (
    "id", "incident_id", "source", "source_id", "content_sha", "date_start", "date_end", "date_precision",
    "country_iso3", "latitude", "longitude", "geo_precision", "admin1", "admin2", "location", "populated_area",
    "perpetrator_category", "weapon", "violence_type", "civilian_deaths_low", "civilian_deaths_best",
    "civilian_deaths_high", "civilian_injuries_low", "civilian_injuries_best", "civilian_injuries_high",
    "total_deaths_best", "headline", "notes",
)
_CHUNK = 5000


def _now() -> datetime:
    return datetime.now(UTC)


def report_rows(conn: Connection, incident_ids: Iterable[int] | None = None) -> list[dict]:
    """Report rows for linking, ordered by id; only those of the given incidents if named."""
    cols = [reports.c[name] for name in REPORT_COLUMNS]
    if incident_ids is None:
        return [dict(r) for r in conn.execute(select(*cols).order_by(reports.c.id)).mappings()]
    ids = sorted(set(incident_ids))
    out: list[dict] = []
    for k in range(0, len(ids), _CHUNK):
        q = select(*cols).where(reports.c.incident_id.in_(ids[k:k + _CHUNK])).order_by(reports.c.id)
        out += [dict(r) for r in conn.execute(q).mappings()]
    return out


def seen(conn: Connection) -> dict[int, str]:
    return dict(conn.execute(select(linkage_seen.c.report_id, linkage_seen.c.content_sha)).tuples().all())


def any_seen(conn: Connection) -> bool:
    """Whether `civwatch link` has ever marked a report as linked."""
    return conn.execute(select(linkage_seen.c.report_id).limit(1)).first() is not None


def run_state(conn: Connection) -> dict:
    """Whether `civwatch link` has run on the current reports: reports, those linked as they now
    are (same content), and when the last run was. Read from what runs record, not from counts
    (a scan of every report; store/linkage_status.py keeps it in one row)."""
    return linkage_status.scan(conn)


def mark_seen(conn: Connection, rows: Iterable[dict], already: dict[int, str]) -> int:
    now = _now()
    fresh = [{"report_id": r["id"], "content_sha": r["content_sha"], "linked_at": now} for r in rows if r["id"] not in already]
    changed = [{"_id": r["id"], "content_sha": r["content_sha"], "linked_at": now}
               for r in rows if r["id"] in already and already[r["id"]] != r["content_sha"]]
    if fresh:
        conn.execute(insert(linkage_seen), fresh)
    if changed:
        conn.execute(update(linkage_seen).where(linkage_seen.c.report_id == bindparam("_id"))
                     .values(content_sha=bindparam("content_sha"), linked_at=bindparam("linked_at")), changed)
    if fresh or changed:  # each was not linked as it now is; the last run is now, as stored
        one = (fresh or changed)[0].get("report_id") or (fresh or changed)[0].get("_id")
        at = conn.execute(select(linkage_seen.c.linked_at).where(linkage_seen.c.report_id == one)).scalar()
        linkage_status.adjust(conn, 0, -(len(fresh) + len(changed)), at.isoformat())
    return len(fresh) + len(changed)


def active_decisions(conn: Connection) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(must-link, cannot-link) report-id pairs from analysts' merges and splits."""
    q = select(link_decisions.c.kind, link_decisions.c.report_a, link_decisions.c.report_b).where(link_decisions.c.active.is_(True))
    must, cannot = [], []
    for kind, a, b in conn.execute(q):
        (must if kind == "merge" else cannot).append((a, b))
    return must, cannot


def add_decisions(conn: Connection, kind: str, pairs: Iterable[tuple[int, int]], actor: str, reason: str | None) -> int:
    rows = [{"kind": kind, "report_a": a, "report_b": b, "actor": actor, "reason": reason, "at": _now(), "active": True}
            for a, b in pairs]
    if rows:
        conn.execute(insert(link_decisions), rows)
    return len(rows)


def retire_decisions(conn: Connection, kind: str, side_a: Iterable[int], side_b: Iterable[int]) -> int:
    """Deactivate decisions of `kind` between the two sets of reports (a later decision wins)."""
    a, b = list(side_a), list(side_b)
    if not a or not b:
        return 0
    cond = or_(
        and_(link_decisions.c.report_a.in_(a), link_decisions.c.report_b.in_(b)),
        and_(link_decisions.c.report_a.in_(b), link_decisions.c.report_b.in_(a)),
    )
    result = conn.execute(update(link_decisions).where(cond, link_decisions.c.kind == kind, link_decisions.c.active.is_(True)).values(active=False))
    return result.rowcount or 0


def decisions(conn: Connection, incident_id: int | None = None) -> list[dict]:
    q = select(link_decisions).order_by(link_decisions.c.id)
    if incident_id is not None:
        members = select(reports.c.id).where(reports.c.incident_id == incident_id)
        q = q.where(or_(link_decisions.c.report_a.in_(members), link_decisions.c.report_b.in_(members)))
    return [dict(r) for r in conn.execute(q).mappings()]


def move_reports(conn: Connection, moves: dict[int, int]) -> None:
    """Point each report id at its new incident id."""
    rows = [{"_rid": rid, "_iid": iid} for rid, iid in moves.items()]
    for k in range(0, len(rows), _CHUNK):
        conn.execute(update(reports).where(reports.c.id == bindparam("_rid")).values(incident_id=bindparam("_iid")), rows[k:k + _CHUNK])


def new_incident(conn: Connection, fields: dict) -> int:
    now = _now()
    values = {k: v for k, v in fields.items() if k in incidents.c}
    result = conn.execute(insert(incidents).values(**values, created_at=now, updated_at=now))
    return int(result.inserted_primary_key[0])


def update_incidents(conn: Connection, rows: list[dict]) -> None:
    """Rows of incident fields with `id`; all rows must carry the same keys."""
    if not rows:
        return
    keys = [k for k in rows[0] if k != "id" and k in incidents.c]
    now = _now()
    params = [{**{f"v_{k}": r[k] for k in keys}, "_id": r["id"], "v_updated_at": now} for r in rows]
    stmt = update(incidents).where(incidents.c.id == bindparam("_id")).values(
        {**{k: bindparam(f"v_{k}") for k in keys}, "updated_at": bindparam("v_updated_at")}
    )
    for k in range(0, len(params), _CHUNK):
        conn.execute(stmt, params[k:k + _CHUNK])


def _repoint_references(conn: Connection, redirect: dict[int, int]) -> None:
    """Move every other record that points at a retired incident (a case, say) to its successor.

    Found from the schema's foreign keys, so a capability that adds a reference to incidents
    is covered without linkage knowing it exists.
    """
    params = [{"_old": o, "_new": n} for o, n in redirect.items()]
    for table in metadata.sorted_tables:
        if table is reports or table is incidents:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is incidents:
                col = fk.parent
                stmt = update(table).where(col == bindparam("_old")).values({col.name: bindparam("_new")})
                for k in range(0, len(params), _CHUNK):
                    conn.execute(stmt, params[k:k + _CHUNK])


def retire_incidents(conn: Connection, redirect: dict[int, int]) -> None:
    """Delete incidents left without reports, remembering where each one went."""
    if not redirect:
        return
    now = _now()
    _repoint_references(conn, redirect)
    old = list(redirect)
    for k in range(0, len(old), _CHUNK):
        chunk = old[k:k + _CHUNK]
        conn.execute(delete(incident_redirects).where(incident_redirects.c.old_id.in_(chunk)))
        conn.execute(insert(incident_redirects), [{"old_id": o, "new_id": redirect[o], "at": now} for o in chunk])
        conn.execute(delete(incidents).where(incidents.c.id.in_(chunk)))


def incident(conn: Connection, incident_id: int) -> dict | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
    return dict(row) if row else None


def incident_rows(conn: Connection, ids: Iterable[int]) -> dict[int, dict]:
    ids = sorted(set(ids))
    out: dict[int, dict] = {}
    for k in range(0, len(ids), _CHUNK):
        for r in conn.execute(select(incidents).where(incidents.c.id.in_(ids[k:k + _CHUNK]))).mappings():
            out[r["id"]] = dict(r)
    return out


def ungraded_incident_ids(conn: Connection) -> list[int]:
    return list(conn.execute(select(incidents.c.id).where(incidents.c.grade == "ungraded")).scalars())


def redirect_of(conn: Connection, incident_id: int) -> int | None:
    """Where a merged-away incident now lives (following chains), or None."""
    current, hops = incident_id, 0
    while hops < 1000:
        nxt = conn.execute(select(incident_redirects.c.new_id).where(incident_redirects.c.old_id == current)).scalar()
        if nxt is None:
            return None if current == incident_id else current
        current, hops = nxt, hops + 1
    return current


def members_by_incident(rows: Iterable[dict]) -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        grouped[r["incident_id"]].append(r)
    return grouped


def link_rows(conn: Connection) -> Iterator[tuple[int, str, str]]:
    q = select(reports.c.incident_id, reports.c.source, reports.c.source_id).order_by(reports.c.incident_id, reports.c.source, reports.c.source_id)
    yield from conn.execute(q).tuples()


def counts(conn: Connection) -> dict[str, int]:
    return {
        "reports": int(conn.execute(select(func.count()).select_from(reports)).scalar_one()),
        "incidents": int(conn.execute(select(func.count()).select_from(incidents)).scalar_one()),
    }


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- twins: records of one source identical in every field a linker sees (issue 21) ---

TWIN_FIELDS = (
    "source", "date_start", "date_end", "date_precision", "country_iso3", "latitude", "longitude", "geo_precision",
    "admin1", "admin2", "location", "violence_type", "perpetrator_category", "weapon",
    "civilian_deaths_best", "total_deaths_best", "headline", "notes",
)
_TWIN_SHOWN = ("id", "incident_id", "source_id", "batch_id")


def _twin_groups(rows: Iterable[dict]) -> list[list[dict]]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[tuple(r[f] for f in TWIN_FIELDS)].append(r)
    out = [sorted(g, key=lambda r: r["id"]) for g in groups.values() if len(g) > 1]
    return sorted(out, key=lambda g: (str(g[0]["source"]), str(g[0]["date_start"]), g[0]["id"]))


def twin_groups(conn: Connection, source: str | None = None) -> list[list[dict]]:
    """Every group of two or more reports of one source that agree in every field linkage
    compares (date, place, coordinates, deaths, parties' category, weapon, headline, notes):
    no linker can tell them apart, and they are most often one event entered twice."""
    cols = [reports.c[n] for n in (*_TWIN_SHOWN, *TWIN_FIELDS)]
    q = select(*cols).order_by(reports.c.source, reports.c.date_start, reports.c.id)
    if source:
        q = q.where(reports.c.source == source)
    return _twin_groups(dict(r) for r in conn.execute(q).mappings())


def twins_of(conn: Connection, report_ids: Iterable[int]) -> list[list[dict]]:
    """The twin groups holding any of the given reports (looked up by source and date)."""
    ids = set(report_ids)
    if not ids:
        return []
    keys = set(conn.execute(select(reports.c.source, reports.c.date_start).where(reports.c.id.in_(sorted(ids)))).tuples())
    cols = [reports.c[n] for n in (*_TWIN_SHOWN, *TWIN_FIELDS)]
    rows: list[dict] = []
    for source, day in sorted(keys, key=str):
        q = select(*cols).where(reports.c.source == source, reports.c.date_start == day)
        rows += [dict(r) for r in conn.execute(q).mappings()]
    return [g for g in _twin_groups(rows) if ids & {r["id"] for r in g}]
