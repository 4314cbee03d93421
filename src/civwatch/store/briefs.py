"""What a brief reads beyond the indicators: case counts by state for a country, and the state of
the tables it read (for the brief's input fingerprint). Read-only; no tables of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import Connection, func, select

from civwatch.store import schema

# Tables a brief reads besides the report tables (whose state the cube fingerprint already gives).
READ_TABLES = ("cases", "case_transitions", "treaty_actions", "forum_events", "treaty_snapshots",
               "pko_missions", "pko_deployments", "pko_mandates", "actors", "actor_names", "party_facts",
               "conflict_years")


def table_state(conn: Connection, names: tuple[str, ...] = READ_TABLES) -> dict[str, list[int]]:
    """[row count, largest id] of each table read: any insert or delete changes it."""
    out: dict[str, list[int]] = {}
    for name in names:
        t = schema.metadata.tables.get(name)
        if t is None:
            continue
        pk = list(t.primary_key.columns)
        cols = [func.count()]
        if len(pk) == 1:
            cols.append(func.max(pk[0]))
        row = conn.execute(select(*cols).select_from(t)).one()
        out[name] = [int(row[0] or 0), int(row[1] or 0) if len(row) > 1 and row[1] is not None and not isinstance(row[1], str) else 0]
    cases = schema.cases
    last = conn.execute(select(func.max(cases.c.state_entered_at))).scalar()
    out["cases_last_change"] = [0, int(last.timestamp()) if last else 0]
    return out


def case_counts(conn: Connection, iso3: str, as_of: date | None = None) -> dict[str, int]:
    """CHMR cases about incidents in `iso3`, by current state (reported on or before `as_of`).
    Counts only: no summary, no name, nothing personal leaves this function."""
    c = schema.cases
    q = select(c.c.state, func.count()).where(c.c.country_iso3 == iso3).group_by(c.c.state)
    if as_of is not None:
        q = q.where(c.c.reported_at <= datetime.combine(as_of, time.max, tzinfo=UTC))
    return {state: int(n) for state, n in conn.execute(q)}


def party_years(conn: Connection, actor_id: int) -> list[int]:
    """The years in which the party register attributes incidents to `actor_id`."""
    f = schema.party_facts
    return [int(y) for (y,) in conn.execute(select(f.c.year).where(f.c.actor_id == actor_id).distinct().order_by(f.c.year))]
