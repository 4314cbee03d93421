"""Treaty actions and forum membership events: written once each (a repeat is unchanged), read whole.

The tables are small (a few thousand rows for every UNTC chapter at hand), so readers load them
into memory and the domain rules answer "as of a date"; nothing is rewritten by a later snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Connection, select, tuple_

from civwatch.domain.forums import ForumEvent
from civwatch.domain.treaties import Action, ActionRecord
from civwatch.store.schema import forum_events, treaty_actions, treaty_listings, treaty_snapshots


def write_actions(conn: Connection, batch_id: int, records: Iterable[ActionRecord]) -> tuple[int, int]:
    """Insert actions not stored yet; returns (new, already stored). Repeats within `records` count once."""
    recs = {(r.instrument, r.country_iso3, r.action.value, r.action_date): r for r in records}
    if not recs:
        return 0, 0
    existing: set[tuple] = set()
    keys = list(recs)
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        q = select(treaty_actions.c.instrument, treaty_actions.c.country_iso3, treaty_actions.c.action, treaty_actions.c.action_date).where(
            tuple_(treaty_actions.c.instrument, treaty_actions.c.country_iso3, treaty_actions.c.action, treaty_actions.c.action_date).in_(chunk)
        )
        existing |= {tuple(r) for r in conn.execute(q)}
    now = datetime.now(UTC)
    new = [
        {"instrument": r.instrument, "country_iso3": r.country_iso3, "action": r.action.value, "action_date": r.action_date,
         "name_as_received": r.name_as_received, "source": r.source, "source_url": r.source_url, "batch_id": batch_id, "created_at": now}
        for k, r in recs.items() if k not in existing
    ]
    if new:
        conn.execute(treaty_actions.insert(), new)
    return len(new), len(recs) - len(new)


def write_forum_events(conn: Connection, batch_id: int, events: Iterable[tuple]) -> tuple[int, int]:
    """events: (forum, iso3, ForumEvent, date, source, source_url, name). Returns (new, already stored)."""
    recs = {(f, c, e.value, d): (f, c, e, d, s, u, n) for f, c, e, d, s, u, n in events}
    if not recs:
        return 0, 0
    c = forum_events.c
    existing = {tuple(r) for r in conn.execute(select(c.forum, c.country_iso3, c.event, c.event_date))}
    now = datetime.now(UTC)
    new = [
        {"forum": f, "country_iso3": iso, "event": e.value, "event_date": d, "source": s, "source_url": u,
         "name_as_received": n, "batch_id": batch_id, "created_at": now}
        for k, (f, iso, e, d, s, u, n) in recs.items() if k not in existing
    ]
    if new:
        conn.execute(forum_events.insert(), new)
    return len(new), len(recs) - len(new)


ActionIndex = dict[str, dict[str, list[tuple[Action, date]]]]  # instrument -> iso3 -> actions


def action_index(conn: Connection) -> ActionIndex:
    """Every stored action, by instrument and state."""
    out: ActionIndex = defaultdict(lambda: defaultdict(list))
    c = treaty_actions.c
    for inst, iso, action, d in conn.execute(select(c.instrument, c.country_iso3, c.action, c.action_date)):
        out[inst][iso].append((Action(action), d))
    return out


def action_rows(conn: Connection, instrument: str | None = None, iso3: str | None = None) -> list[dict]:
    """Stored actions with their source and name as received (for profiles and exports)."""
    c = treaty_actions.c
    q = select(c.instrument, c.country_iso3, c.action, c.action_date, c.name_as_received, c.source, c.source_url, c.batch_id)
    if instrument:
        q = q.where(c.instrument == instrument)
    if iso3:
        q = q.where(c.country_iso3 == iso3)
    return [dict(r) for r in conn.execute(q.order_by(c.instrument, c.country_iso3, c.action_date)).mappings()]


def coverage(conn: Connection) -> dict[str, dict]:
    """Per instrument: the sources that hold it and its latest action date."""
    out: dict[str, dict] = {}
    c = treaty_actions.c
    for inst, src, d in conn.execute(select(c.instrument, c.source, c.action_date)):
        e = out.setdefault(inst, {"sources": set(), "latest": d})
        e["sources"].add(src)
        e["latest"] = max(e["latest"], d)
    return out


ForumIndex = dict[str, dict[str, list[tuple[ForumEvent, date]]]]  # forum -> iso3 -> events


def forum_index(conn: Connection) -> ForumIndex:
    out: ForumIndex = defaultdict(lambda: defaultdict(list))
    c = forum_events.c
    for f, iso, e, d in conn.execute(select(c.forum, c.country_iso3, c.event, c.event_date)):
        out[f][iso].append((ForumEvent(e), d))
    return out


def forum_event_rows(conn: Connection, forum: str) -> list[dict]:
    c = forum_events.c
    q = select(c.country_iso3, c.event, c.event_date, c.source, c.source_url, c.name_as_received).where(c.forum == forum)
    return [dict(r) for r in conn.execute(q.order_by(c.country_iso3, c.event_date)).mappings()]


def record_snapshot(conn: Connection, batch_id: int, instruments: Iterable[str], source: str, snapshot: date) -> None:
    c = treaty_snapshots.c
    have = {r[0] for r in conn.execute(select(c.instrument).where(c.source == source, c.snapshot == snapshot))}
    rows = [{"instrument": i, "source": source, "snapshot": snapshot, "batch_id": batch_id} for i in sorted(set(instruments)) if i not in have]
    if rows:
        conn.execute(treaty_snapshots.insert(), rows)


def snapshots(conn: Connection) -> dict[str, date]:
    """Per instrument: the latest day a source describes (status is known up to it)."""
    c = treaty_snapshots.c
    out: dict[str, date] = {}
    for inst, snap in conn.execute(select(c.instrument, c.snapshot)):
        out[inst] = max(out.get(inst, snap), snap)
    return out


def conflict_locations(conn: Connection) -> list[tuple[str, str | None, int]] | None:
    """(gwno_loc, first location's ISO3, year) of every UCDP/PRIO ACD conflict-year; None when
    the ACD has not been imported (the conflict feature is then unknown, not zero)."""
    from civwatch.store.schema import conflict_years

    c = conflict_years.c
    rows = [(r[0], r[1], int(r[2])) for r in conn.execute(select(c.gwno_loc, c.country_iso3, c.year))]
    return rows or None


def record_listings(conn: Connection, batch_id: int, pairs: Iterable[tuple[str, str]], snapshot: date) -> None:
    """(instrument, iso3) pairs a snapshot lists as participants."""
    c = treaty_listings.c
    have = {tuple(r) for r in conn.execute(select(c.instrument, c.country_iso3).where(c.snapshot == snapshot))}
    rows = [{"instrument": i, "country_iso3": iso, "snapshot": snapshot, "batch_id": batch_id} for i, iso in sorted(set(pairs)) if (i, iso) not in have]
    if rows:
        conn.execute(treaty_listings.insert(), rows)


def listings(conn: Connection) -> dict[str, dict[date, set[str]]]:
    """instrument -> snapshot -> the states it lists."""
    out: dict[str, dict[date, set[str]]] = defaultdict(lambda: defaultdict(set))
    c = treaty_listings.c
    for inst, iso, snap in conn.execute(select(c.instrument, c.country_iso3, c.snapshot)):
        out[inst][snap].add(iso)
    return out


def fingerprint(conn: Connection) -> tuple:
    """Changes whenever an import adds or could add anything the treaty questions read."""
    from sqlalchemy import func

    from civwatch.store.schema import import_batches

    return (
        conn.execute(select(func.max(import_batches.c.id))).scalar(),
        conn.execute(select(func.count()).select_from(treaty_actions)).scalar(),
        conn.execute(select(func.count()).select_from(forum_events)).scalar(),
    )
