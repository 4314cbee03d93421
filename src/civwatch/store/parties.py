"""The party register's tables: actors, their source names, and the per-actor facts.

A report party belongs to an actor through its source name, (reports.source,
report_parties.name) -> actor_names.actor_id, so a merge or split moves name rows and never
rewrites a report. `refresh_facts` keeps `party_incidents` (which incidents each actor is the
principal perpetrator of) and `party_facts` (incident measures per actor, year, country and
grade) current with the store, as the indicator cube does for the other indicators.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
    update,
)

from civwatch.domain.taxonomy import Weapon
from civwatch.store import cube, party_forces
from civwatch.store.schema import (
    actor_names,
    actors,
    cases,
    harm,
    incidents,
    party_facts,
    party_incidents,
    party_state,
    report_parties,
    reports,
)

PARTY_LOCK_KEY = 7_365_025
FACT_MEASURES = (
    "n", "n_deaths_known", "deaths_low", "deaths_best", "deaths_high",
    "n_injuries_known", "injuries_low", "injuries_best", "injuries_high",
    "casualties_disaggregated", "casualties_women_children", "casualties", "casualties_ewipa",
    "n_explosive", "n_weapon_known", "n_populated", "n_populated_known",
)
EXPLOSIVE = tuple(w.value for w in Weapon if w.is_explosive)
ACTOR_COLS = ("id", "canonical_name", "category", "branch", "state_iso3", "countries", "auto_key",
              "merged_into", "corrected", "note", "created_at", "updated_at")


def now() -> datetime:
    return datetime.now(UTC)


# --- reading the reports ---------------------------------------------------------------------

def party_names(conn: Connection, batch_id: int | None = None) -> list[dict]:
    """Distinct (source, name, category, code, country) of report parties, with how many."""
    q = (
        select(reports.c.source, report_parties.c.name, report_parties.c.category, report_parties.c.source_code,
               reports.c.country_iso3, func.count().label("n"))
        .select_from(report_parties.join(reports, reports.c.id == report_parties.c.report_id))
        .group_by(reports.c.source, report_parties.c.name, report_parties.c.category,
                  report_parties.c.source_code, reports.c.country_iso3)
    )
    if batch_id is not None:
        q = q.where(reports.c.batch_id == batch_id)
    return [dict(r) for r in conn.execute(q).mappings()]


def unattributed_mentions(conn: Connection) -> int:
    """Report parties whose name has no actor yet (unmatched, or not built)."""
    j = report_parties.join(reports, reports.c.id == report_parties.c.report_id).outerjoin(
        actor_names, and_(actor_names.c.source == reports.c.source, actor_names.c.name == report_parties.c.name))
    return int(conn.execute(select(func.count()).select_from(j).where(actor_names.c.actor_id.is_(None))).scalar_one())


# --- actors and names ------------------------------------------------------------------------

def names_by_key(conn: Connection) -> dict[tuple[str, str], dict]:
    return {(r["source"], r["name"]): dict(r) for r in conn.execute(select(actor_names)).mappings()}


def actors_by_auto_key(conn: Connection) -> dict[str, dict]:
    rows = conn.execute(select(actors).where(actors.c.auto_key.is_not(None))).mappings()
    return {r["auto_key"]: dict(r) for r in rows}


def get_actor(conn: Connection, actor_id: int) -> dict | None:
    row = conn.execute(select(actors).where(actors.c.id == actor_id)).mappings().first()
    return dict(row) if row else None


def get_name(conn: Connection, name_id: int) -> dict | None:
    row = conn.execute(select(actor_names).where(actor_names.c.id == name_id)).mappings().first()
    return dict(row) if row else None


def live_id(conn: Connection, actor_id: int) -> int:
    """The actor a merged-away actor lives on as (itself when not merged)."""
    seen = set()
    current = actor_id
    while current not in seen:
        seen.add(current)
        nxt = conn.execute(select(actors.c.merged_into).where(actors.c.id == current)).scalar()
        if nxt is None:
            return current
        current = nxt
    raise RuntimeError(f"actor {actor_id} is merged in a cycle")


def insert_actor(conn: Connection, **values) -> int:
    ts = now()
    values.setdefault("countries", "")
    values.setdefault("corrected", False)
    result = conn.execute(insert(actors).values(created_at=ts, updated_at=ts, **values))
    return int(result.inserted_primary_key[0])


def insert_actors(conn: Connection, rows: list[dict]) -> dict[str, int]:
    """Many new actors in one statement; returns their ids by auto key."""
    if not rows:
        return {}
    ts = now()
    q = insert(actors).returning(actors.c.id, sort_by_parameter_order=True)
    got = conn.execute(q, [{"corrected": False, **r, "created_at": ts, "updated_at": ts} for r in rows]).scalars().all()
    return {r["auto_key"]: int(i) for r, i in zip(rows, got, strict=True)}


def insert_names(conn: Connection, rows: list[dict]) -> None:
    """Many names in one statement (executemany); each row holds every column insert_name takes."""
    if rows:
        ts = now()
        conn.execute(insert(actor_names), [dict(r, created_at=ts, updated_at=ts) for r in rows])


def update_actor_countries(conn: Connection, changes: dict[int, str]) -> None:
    """Set the countries of many actors at once (executemany)."""
    if changes:
        q = update(actors).where(actors.c.id == bindparam("_id")).values(countries=bindparam("_countries"), updated_at=now())
        conn.execute(q, [{"_id": k, "_countries": v} for k, v in changes.items()])


def update_actor(conn: Connection, actor_id: int, **values) -> None:
    conn.execute(update(actors).where(actors.c.id == actor_id).values(updated_at=now(), **values))


def insert_name(conn: Connection, **values) -> int:
    ts = now()
    result = conn.execute(insert(actor_names).values(created_at=ts, updated_at=ts, **values))
    return int(result.inserted_primary_key[0])


def update_name(conn: Connection, name_id: int, **values) -> None:
    conn.execute(update(actor_names).where(actor_names.c.id == name_id).values(updated_at=now(), **values))


def move_names(conn: Connection, from_actor: int, to_actor: int) -> int:
    result = conn.execute(update(actor_names).where(actor_names.c.actor_id == from_actor)
                          .values(actor_id=to_actor, updated_at=now()))
    return int(result.rowcount or 0)


def list_actors(conn: Connection, category: str | None = None, state_iso3: str | None = None,
                q: str | None = None, country: str | None = None, include_merged: bool = False,
                limit: int | None = None) -> list[dict]:
    n_names = (select(actor_names.c.actor_id, func.count().label("names"))
               .group_by(actor_names.c.actor_id).subquery("nn"))
    stmt = (select(actors, func.coalesce(n_names.c.names, 0).label("names"))
            .select_from(actors.outerjoin(n_names, n_names.c.actor_id == actors.c.id)))
    if not include_merged:
        stmt = stmt.where(actors.c.merged_into.is_(None))
    if category:
        stmt = stmt.where(actors.c.category == category)
    if state_iso3:
        stmt = stmt.where(actors.c.state_iso3 == state_iso3)
    if country:
        stmt = stmt.where(or_(actors.c.state_iso3 == country, _has_item(actors.c.countries, country)))
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        named = select(actor_names.c.actor_id).where(func.lower(actor_names.c.name).like(pattern, escape="\\"))
        stmt = stmt.where(or_(func.lower(actors.c.canonical_name).like(pattern, escape="\\"), actors.c.id.in_(named)))
    stmt = stmt.order_by(actors.c.category, actors.c.state_iso3, actors.c.canonical_name, actors.c.id)
    if limit:
        stmt = stmt.limit(limit)
    return [dict(r) for r in conn.execute(stmt).mappings()]


def _has_item(col, item: str):
    return or_(col == item, col.like(f"{item},%"), col.like(f"%,{item}"), col.like(f"%,{item},%"))


def names_of(conn: Connection, actor_id: int) -> list[dict]:
    rows = conn.execute(select(actor_names).where(actor_names.c.actor_id == actor_id)
                        .order_by(actor_names.c.source, actor_names.c.period_from, actor_names.c.name)).mappings()
    return [dict(r) for r in rows]


def unresolved_names(conn: Connection) -> list[dict]:
    rows = conn.execute(select(actor_names).where(actor_names.c.status.in_(("unmatched", "ambiguous")))
                        .order_by(actor_names.c.status.desc(), actor_names.c.source, actor_names.c.name)).mappings()
    return [dict(r) for r in rows]


def forces_of_state(conn: Connection, iso3: str) -> list[dict]:
    """Actors of category state forces whose state is `iso3` (not merged away)."""
    rows = conn.execute(select(actors).where(actors.c.category == "state_forces", actors.c.state_iso3 == iso3,
                                             actors.c.merged_into.is_(None))
                        .order_by(actors.c.branch, actors.c.id)).mappings()
    return [dict(r) for r in rows]


def actor_countries(conn: Connection, batch_id: int | None = None) -> dict[int, set[str]]:
    """Countries of the reports naming each actor (any role)."""
    j = report_parties.join(reports, reports.c.id == report_parties.c.report_id).join(
        actor_names, and_(actor_names.c.source == reports.c.source, actor_names.c.name == report_parties.c.name))
    q = (select(actor_names.c.actor_id, reports.c.country_iso3).select_from(j)
         .where(actor_names.c.actor_id.is_not(None)).distinct())
    if batch_id is not None:
        q = q.where(reports.c.batch_id == batch_id)
    out: dict[int, set[str]] = {}
    for actor_id, iso3 in conn.execute(q):
        out.setdefault(actor_id, set()).add(iso3)
    return out


# --- the maintained facts ----------------------------------------------------------------------

def fingerprint(conn: Connection) -> str:
    return cube.fingerprint(conn)


def facts_state(conn: Connection) -> str | None:
    return conn.execute(select(party_state.c.fingerprint).where(party_state.c.id == 1)).scalar()


def unattributed_at_refresh(conn: Connection) -> int | None:
    return conn.execute(select(party_state.c.unattributed).where(party_state.c.id == 1)).scalar()


def get_actors(conn: Connection, actor_ids: list[int]) -> dict[int, dict]:
    return {r["id"]: dict(r) for r in conn.execute(select(actors).where(actors.c.id.in_(actor_ids))).mappings()}


def refresh_facts(conn: Connection) -> int:
    """Recompute party_incidents and party_facts in the caller's transaction; returns fact rows."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PARTY_LOCK_KEY})
    conn.execute(delete(party_facts))
    conn.execute(delete(party_incidents))
    attributed = (
        select(actor_names.c.actor_id, reports.c.incident_id)
        .select_from(reports.join(actor_names, and_(actor_names.c.source == reports.c.source,
                                                    actor_names.c.name == reports.c.perpetrator_name)))
        .where(actor_names.c.actor_id.is_not(None), reports.c.perpetrator_name.is_not(None))
        .distinct()
    )
    conn.execute(insert(party_incidents).from_select(["actor_id", "incident_id"], attributed))
    facts = incident_facts().subquery("f")
    grouped = (
        select(party_incidents.c.actor_id, facts.c.year, facts.c.country_iso3, facts.c.grade,
               *[func.sum(facts.c[m]) for m in FACT_MEASURES])
        .select_from(party_incidents.join(facts, facts.c.incident_id == party_incidents.c.incident_id))
        .group_by(party_incidents.c.actor_id, facts.c.year, facts.c.country_iso3, facts.c.grade)
    )
    conn.execute(insert(party_facts).from_select(["actor_id", "year", "country_iso3", "grade", *FACT_MEASURES], grouped))
    party_forces.refresh(conn)
    fp = fingerprint(conn)
    values = {"fingerprint": fp, "refreshed_at": now(), "unattributed": unattributed_mentions(conn)}
    if facts_state(conn) is None:
        conn.execute(insert(party_state).values(id=1, **values))
    else:
        conn.execute(update(party_state).where(party_state.c.id == 1).values(**values))
    if conn.dialect.name == "postgresql":  # the planner reads these right after: give it their sizes
        conn.execute(text("ANALYZE party_incidents, party_facts, party_forces_incidents, party_forces_objects"))
    return int(conn.execute(select(func.count()).select_from(party_facts)).scalar_one())


def incident_facts(incident_ids=None):
    """One row per incident with the comparison's measures (the cube's definitions)."""
    casualty = and_(harm.c.civilian.is_(True), harm.c.outcome.in_(cube.CASUALTY_OUTCOMES))
    disagg = and_(casualty, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))
    wc = and_(casualty, or_(harm.c.sex == "female", harm.c.age_group == "child"))
    per_report = (select(harm.c.report_id,
                         func.sum(case((disagg, harm.c.best), else_=0)).label("disagg"),
                         func.sum(case((wc, harm.c.best), else_=0)).label("wc"))
                  .group_by(harm.c.report_id))
    if incident_ids is not None:
        per_report = per_report.where(harm.c.report_id.in_(select(reports.c.id).where(reports.c.incident_id.in_(incident_ids))))
    per_report = per_report.subquery("hbr")
    per_incident = (select(reports.c.incident_id, func.max(per_report.c.disagg).label("disagg"),
                           func.max(per_report.c.wc).label("wc"))
                    .select_from(reports.join(per_report, per_report.c.report_id == reports.c.id))
                    .group_by(reports.c.incident_id).subquery("hbi"))
    t = incidents
    casualties = func.coalesce(t.c.civilian_deaths_best, 0) + func.coalesce(t.c.civilian_injuries_best, 0)
    explosive = t.c.weapon.in_(EXPLOSIVE)
    q = select(
        t.c.id.label("incident_id"),
        t.c.year,
        t.c.country_iso3,
        func.coalesce(t.c.grade_override, t.c.grade).label("grade"),
        literal(1).label("n"),
        *[col for col in _figures()],
        func.coalesce(per_incident.c.disagg, 0).label("casualties_disaggregated"),
        func.coalesce(per_incident.c.wc, 0).label("casualties_women_children"),
        casualties.label("casualties"),
        case((and_(explosive, t.c.populated_area.is_(True)), casualties), else_=0).label("casualties_ewipa"),
        case((explosive, 1), else_=0).label("n_explosive"),
        case((t.c.weapon != "unknown", 1), else_=0).label("n_weapon_known"),
        case((t.c.populated_area.is_(True), 1), else_=0).label("n_populated"),
        case((t.c.populated_area.is_not(None), 1), else_=0).label("n_populated_known"),
    ).select_from(t.outerjoin(per_incident, per_incident.c.incident_id == t.c.id))
    if incident_ids is not None:
        q = q.where(t.c.id.in_(incident_ids))
    return q


def _figures():
    out = []
    for prefix, name in (("civilian_deaths", "deaths"), ("civilian_injuries", "injuries")):
        best = incidents.c[f"{prefix}_best"]
        out += [
            case((best.is_not(None), 1), else_=0).label(f"n_{name}_known"),
            func.coalesce(incidents.c[f"{prefix}_low"], best, 0).label(f"{name}_low"),
            func.coalesce(best, 0).label(f"{name}_best"),
            func.coalesce(incidents.c[f"{prefix}_high"], best, 0).label(f"{name}_high"),
        ]
    return out


def sum_facts(conn: Connection, actor_ids: list[int], year_from: int | None = None, year_to: int | None = None,
              countries: tuple[str, ...] = ()) -> list[dict]:
    """Sums of party_facts per actor and grade for the chosen actors."""
    f = party_facts.c
    q = (select(f.actor_id, f.grade, *[func.sum(f[m]).label(m) for m in FACT_MEASURES])
         .where(f.actor_id.in_(actor_ids)).group_by(f.actor_id, f.grade))
    if year_from is not None:
        q = q.where(f.year >= year_from)
    if year_to is not None:
        q = q.where(f.year <= year_to)
    if countries:
        q = q.where(f.country_iso3.in_(countries))
    return [dict(r) for r in conn.execute(q).mappings()]


def sum_direct(conn: Connection, actor_ids: list[int], year_from: int | None = None, year_to: int | None = None,
               countries: tuple[str, ...] = ()) -> list[dict]:
    """The same sums straight from the base tables (the benchmark's baseline and a cross-check):
    the actors' names first, then one pass over the reports."""
    pairs = [tuple(r) for r in conn.execute(select(actor_names.c.source, actor_names.c.name)
                                            .where(actor_names.c.actor_id.in_(actor_ids)))]
    if not pairs:
        return []
    pi = (
        select(actor_names.c.actor_id, reports.c.incident_id)
        .select_from(reports.join(actor_names, and_(actor_names.c.source == reports.c.source,
                                                    actor_names.c.name == reports.c.perpetrator_name)))
        .where(tuple_(reports.c.source, reports.c.perpetrator_name).in_(pairs))
        .distinct().cte("pi")
    )
    casualty = and_(harm.c.civilian.is_(True), harm.c.outcome.in_(cube.CASUALTY_OUTCOMES))
    disagg = and_(casualty, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))
    wc = and_(casualty, or_(harm.c.sex == "female", harm.c.age_group == "child"))
    per_report = (
        select(reports.c.incident_id, harm.c.report_id,
               func.sum(case((disagg, harm.c.best), else_=0)).label("disagg"),
               func.sum(case((wc, harm.c.best), else_=0)).label("wc"))
        .select_from(reports.join(harm, harm.c.report_id == reports.c.id))
        .where(reports.c.incident_id.in_(select(pi.c.incident_id)))
        .group_by(reports.c.incident_id, harm.c.report_id).subquery("hbr")
    )
    hbi = (select(per_report.c.incident_id, func.max(per_report.c.disagg).label("disagg"), func.max(per_report.c.wc).label("wc"))
           .group_by(per_report.c.incident_id).subquery("hbi"))
    t = incidents
    casualties = func.coalesce(t.c.civilian_deaths_best, 0) + func.coalesce(t.c.civilian_injuries_best, 0)
    explosive = t.c.weapon.in_(EXPLOSIVE)
    per_incident = {
        "n": literal(1),
        **{col.name: col for col in _figures()},
        "casualties_disaggregated": func.coalesce(hbi.c.disagg, 0),
        "casualties_women_children": func.coalesce(hbi.c.wc, 0),
        "casualties": casualties,
        "casualties_ewipa": case((and_(explosive, t.c.populated_area.is_(True)), casualties), else_=0),
        "n_explosive": case((explosive, 1), else_=0),
        "n_weapon_known": case((t.c.weapon != "unknown", 1), else_=0),
        "n_populated": case((t.c.populated_area.is_(True), 1), else_=0),
        "n_populated_known": case((t.c.populated_area.is_not(None), 1), else_=0),
    }
    grade = func.coalesce(t.c.grade_override, t.c.grade)
    q = (select(pi.c.actor_id, grade.label("grade"),
                *[func.sum(per_incident[m].element if hasattr(per_incident[m], "element") else per_incident[m]).label(m)
                  for m in FACT_MEASURES])
         .select_from(pi.join(t, t.c.id == pi.c.incident_id).outerjoin(hbi, hbi.c.incident_id == t.c.id))
         .group_by(pi.c.actor_id, grade))
    if year_from is not None:
        q = q.where(t.c.year >= year_from)
    if year_to is not None:
        q = q.where(t.c.year <= year_to)
    if countries:
        q = q.where(t.c.country_iso3.in_(countries))
    return [dict(r) for r in conn.execute(q).mappings()]


def case_counts(conn: Connection, actor_ids: list[int], year_from: int | None = None, year_to: int | None = None,
                countries: tuple[str, ...] = ()) -> dict[int, dict]:
    """CHMR cases opened on each actor's incidents, and how many reached a response. Driven
    from the cases (few) so it does not grow with the actors' incidents."""
    q = (select(cases.c.incident_id, cases.c.response_kind)
         .select_from(cases.join(incidents, incidents.c.id == cases.c.incident_id)))
    if year_from is not None:
        q = q.where(incidents.c.year >= year_from)
    if year_to is not None:
        q = q.where(incidents.c.year <= year_to)
    if countries:
        q = q.where(incidents.c.country_iso3.in_(countries))
    by_incident: dict[int, list] = {}
    for incident_id, response in conn.execute(q):
        by_incident.setdefault(incident_id, []).append(response)
    out: dict[int, dict] = {}
    ids = sorted(by_incident)
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        rows = conn.execute(select(party_incidents.c.actor_id, party_incidents.c.incident_id)
                            .where(party_incidents.c.incident_id.in_(chunk), party_incidents.c.actor_id.in_(actor_ids)))
        for actor_id, incident_id in rows:
            acc = out.setdefault(actor_id, {"cases": 0, "responses": 0})
            acc["cases"] += len(by_incident[incident_id])
            acc["responses"] += sum(1 for r in by_incident[incident_id] if r is not None)
    return out


def actors_of_incident(conn: Connection, incident_id: int) -> list[int]:
    return list(conn.execute(select(party_incidents.c.actor_id).where(party_incidents.c.incident_id == incident_id)).scalars())


def like_incidents(conn: Connection, incident: dict, exclude_actors: list[int], days: int, limit: int) -> list[dict]:
    """Candidate incidents by other actors: same weapon and place type, within `days`, with a perpetrator."""
    from datetime import timedelta

    start = incident["date_start"]
    others = select(party_incidents.c.incident_id).where(party_incidents.c.actor_id.not_in(exclude_actors or [-1]))
    same_actor = select(party_incidents.c.incident_id).where(party_incidents.c.actor_id.in_(exclude_actors or [-1]))
    t = incidents
    place = (t.c.populated_area.is_(None) if incident["populated_area"] is None
             else t.c.populated_area.is_(bool(incident["populated_area"])))
    q = (select(t.c.id, t.c.date_start, t.c.country_iso3, t.c.weapon, t.c.populated_area, t.c.location,
                t.c.civilian_deaths_best, t.c.civilian_injuries_best,
                func.coalesce(t.c.grade_override, t.c.grade).label("grade"), t.c.headline)
         .where(t.c.id != incident["id"], t.c.weapon == incident["weapon"], place,
                t.c.date_start >= start - timedelta(days=days), t.c.date_start <= start + timedelta(days=days),
                t.c.id.in_(others), t.c.id.not_in(same_actor))
         .limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def perpetrators(conn: Connection, incident_ids: list[int]) -> dict[int, list[dict]]:
    q = (select(party_incidents.c.incident_id, actors.c.id, actors.c.canonical_name, actors.c.category, actors.c.state_iso3)
         .select_from(party_incidents.join(actors, actors.c.id == party_incidents.c.actor_id))
         .where(party_incidents.c.incident_id.in_(incident_ids)))
    out: dict[int, list[dict]] = {}
    for row in conn.execute(q).mappings():
        out.setdefault(row["incident_id"], []).append(
            {"id": row["id"], "name": row["canonical_name"], "category": row["category"], "state_iso3": row["state_iso3"]})
    return out


def responses(conn: Connection, incident_ids: list[int]) -> dict[int, list[dict]]:
    q = select(cases.c.incident_id, cases.c.id, cases.c.state, cases.c.response_kind).where(cases.c.incident_id.in_(incident_ids))
    out: dict[int, list[dict]] = {}
    for row in conn.execute(q).mappings():
        out.setdefault(row["incident_id"], []).append({"case_id": row["id"], "state": row["state"], "response": row["response_kind"]})
    return out


def get_incident(conn: Connection, incident_id: int) -> dict | None:
    row = conn.execute(select(incidents).where(incidents.c.id == incident_id)).mappings().first()
    return dict(row) if row else None
