"""The incidents of each state's forces, kept with the party facts for screening.

`party_forces_incidents` holds one row per (state, incident) for every incident party_incidents
attributes to that state's forces, with the incident's date, weapon, grade and harm columns;
`party_forces_objects` the kinds of objects those incidents damaged. Both are rebuilt by
store/parties.refresh_facts in its transaction, at the fingerprint of the party facts, so they
never disagree with the base tables (store/screening.py reads them).
"""

from __future__ import annotations

from sqlalchemy import Connection, delete, func, insert, select

from civwatch.store.schema import (
    actors,
    damaged_objects,
    incidents,
    party_forces_incidents,
    party_forces_objects,
    party_incidents,
    reports,
)

FORCES_FIGURES = tuple(f"civilian_{k}_{b}" for k in ("deaths", "injuries") for b in ("low", "best", "high"))


def forces_of_states():
    """(state_iso3, incident_id) of every incident party_incidents attributes to a state's forces
    (category state forces, that state, not merged away: the actors `forces_of_state` lists), once."""
    a = actors.c
    return (select(a.state_iso3, party_incidents.c.incident_id)
            .select_from(party_incidents.join(actors, a.id == party_incidents.c.actor_id))
            .where(a.category == "state_forces", a.state_iso3.is_not(None), a.merged_into.is_(None))
            .distinct())


def refresh(conn: Connection) -> None:
    """party_forces_incidents and party_forces_objects from party_incidents (just rebuilt), the
    register and the incidents (called by store/parties.refresh_facts, in its transaction)."""
    conn.execute(delete(party_forces_incidents))
    conn.execute(delete(party_forces_objects))
    f = forces_of_states().subquery("f")
    t = incidents.c
    cols = ["state_iso3", "incident_id", "date_start", "year", "weapon", "grade", "populated_area", *FORCES_FIGURES]
    rows = (select(f.c.state_iso3, t.id, t.date_start, t.year, t.weapon, func.coalesce(t.grade_override, t.grade),
                   t.populated_area, *[t[c] for c in FORCES_FIGURES])
            .select_from(f.join(incidents, t.id == f.c.incident_id)))
    conn.execute(insert(party_forces_incidents).from_select(cols, rows))
    objects = (select(f.c.state_iso3, t.id, damaged_objects.c.kind, t.date_start)
               .select_from(f.join(incidents, t.id == f.c.incident_id)
                            .join(reports, reports.c.incident_id == t.id)
                            .join(damaged_objects, damaged_objects.c.report_id == reports.c.id))
               .distinct())
    conn.execute(insert(party_forces_objects).from_select(["state_iso3", "incident_id", "kind", "date_start"], objects))
