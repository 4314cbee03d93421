"""Screening tables: SIPRI transfers, assessments, and the evidence queries they read.

Harm by a state's forces is read from `party_forces_incidents` and `party_forces_objects`, kept
by the party register with its facts (store/parties.refresh_facts): this module never decides
whose forces are whose.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import Connection, and_, case, exists, func, or_, select, update

from civwatch.domain.taxonomy import Weapon
from civwatch.store.bulk import BulkWriter
from civwatch.store.schema import (
    case_transitions,
    cases,
    conflict_years,
    import_batches,
    incidents,
    party_forces_incidents,
    party_forces_objects,
    screening_assessments,
    sipri_transfers,
)

EXPLOSIVE = tuple(w.value for w in Weapon if w.is_explosive)
TRANSFER_COLUMNS = (
    "batch_id", "line", "recipient", "recipient_marker", "recipient_iso3", "supplier", "supplier_marker", "supplier_iso3",
    "order_year", "order_year_uncertain", "number_ordered", "number_ordered_uncertain", "designation", "description",
    "number_delivered", "number_delivered_uncertain", "delivery_years", "status", "comments", "tiv_unit", "tiv_total",
    "tiv_delivered", "content_sha", "raw",
)


def now() -> datetime:
    return datetime.now(UTC)


def write_transfers(conn: Connection, batch_id: int, items: Iterable) -> int:
    rows = [(batch_id, *[getattr(t, c) for c in TRANSFER_COLUMNS[1:]]) for t in items]
    BulkWriter(conn).insert("sipri_transfers", TRANSFER_COLUMNS, rows)
    return len(rows)


def transfers_of(conn: Connection, iso3: str, year_from: int | None = None) -> list[dict]:
    t = sipri_transfers.c
    q = (select(t.id, t.batch_id, t.line, t.supplier, t.supplier_marker, t.supplier_iso3, t.order_year, t.order_year_uncertain,
                t.number_ordered, t.designation, t.description, t.number_delivered, t.delivery_years, t.status,
                t.tiv_total, t.tiv_delivered, import_batches.c.file_name)
         .select_from(sipri_transfers.join(import_batches, import_batches.c.id == t.batch_id))
         .where(t.recipient_iso3 == iso3).order_by(t.order_year.desc(), t.id))
    if year_from is not None:
        q = q.where(t.order_year >= year_from)
    return [dict(r) for r in conn.execute(q).mappings()]


def received_in(rows: list[dict], year_from: int, year_to: int) -> list[dict]:
    """The deals of `transfers_of` rows ordered in the years (inclusive; no order year: left out)."""
    return [r for r in rows if r["order_year"] is not None and year_from <= r["order_year"] <= year_to]


def tiv_by_supplier(deals: list[dict]) -> dict[str, float]:
    """TIV delivered per supplier (its name with SIPRI's marker: `*` non-state, `**` organisation),
    summed in the order of the deals given (the one sum screening and the brief both print)."""
    out: dict[str, float] = {}
    for r in deals:
        key = r["supplier"] + r["supplier_marker"]
        out[key] = out.get(key, 0.0) + (r["tiv_delivered"] or 0.0)
    return out


def transfers_from(conn: Connection, iso3: str, year_from: int, year_to: int) -> list[dict]:
    """Deals the state supplied (as supplier), ordered in the years: for the diversion proxies."""
    t = sipri_transfers.c
    q = (select(t.id, t.line, t.batch_id, t.recipient, t.recipient_marker, t.recipient_iso3, t.order_year, t.designation,
                t.description, t.status, t.tiv_delivered)
         .where(t.supplier_iso3 == iso3, t.order_year >= year_from, t.order_year <= year_to).order_by(t.order_year, t.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def non_state_deliveries(conn: Connection, year_from: int, year_to: int) -> list[dict]:
    """Deals to non-state recipients (SIPRI's `*`) whose name places them in a country in
    brackets (`Houthi rebels (Yemen)`), ordered in the years; the caller reads the country."""
    t = sipri_transfers.c
    q = (select(t.id, t.line, t.batch_id, t.recipient, t.supplier, t.supplier_marker, t.supplier_iso3, t.order_year,
                t.designation, t.description, t.tiv_delivered)
         .where(t.recipient_marker == "*", t.recipient.contains("("), t.order_year >= year_from, t.order_year <= year_to)
         .order_by(t.order_year, t.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def sipri_loaded(conn: Connection) -> dict | None:
    """The latest SIPRI batch (file, finished) or None."""
    r = conn.execute(select(import_batches.c.id, import_batches.c.file_name, import_batches.c.finished_at)
                     .where(import_batches.c.source_format == "sipri-trade-register", import_batches.c.status == "done")
                     .order_by(import_batches.c.id.desc()).limit(1)).mappings().first()
    return dict(r) if r else None


def harm_groups(conn: Connection, iso3: str, date_from: date, date_to: date) -> list[dict]:
    """Incident sums for the incidents of the state's forces in the window, per year, weapon,
    grade and populated-area flag (each incident once, however many of its forces it names):
    one range scan of party_forces_incidents, kept with the party facts."""
    t = party_forces_incidents.c
    q = (select(t.year, t.weapon, t.grade, t.populated_area,
                func.count().label("n"),
                func.sum(case((t.civilian_deaths_best.is_not(None), 1), else_=0)).label("n_deaths_known"),
                func.sum(func.coalesce(t.civilian_deaths_low, t.civilian_deaths_best, 0)).label("deaths_low"),
                func.sum(func.coalesce(t.civilian_deaths_best, 0)).label("deaths_best"),
                func.sum(func.coalesce(t.civilian_deaths_high, t.civilian_deaths_best, 0)).label("deaths_high"),
                func.sum(case((t.civilian_injuries_best.is_not(None), 1), else_=0)).label("n_injuries_known"),
                func.sum(func.coalesce(t.civilian_injuries_low, t.civilian_injuries_best, 0)).label("injuries_low"),
                func.sum(func.coalesce(t.civilian_injuries_best, 0)).label("injuries_best"),
                func.sum(func.coalesce(t.civilian_injuries_high, t.civilian_injuries_best, 0)).label("injuries_high"))
         .where(t.state_iso3 == iso3, t.date_start >= date_from, t.date_start <= date_to)
         .group_by(t.year, t.weapon, t.grade, t.populated_area))
    return [dict(r) for r in conn.execute(q).mappings()]


def object_attacks(conn: Connection, iso3: str, date_from: date, date_to: date) -> dict[str, int]:
    """Incidents of the state's forces in the window that damaged objects, per kind of object."""
    o = party_forces_objects.c
    q = (select(o.kind, func.count(func.distinct(o.incident_id)))
         .where(o.state_iso3 == iso3, o.date_start >= date_from, o.date_start <= date_to)
         .group_by(o.kind))
    return {k: int(n) for k, n in conn.execute(q)}


def top_incidents(conn: Connection, iso3: str, date_from: date, date_to: date, weapons: tuple[str, ...],
                  limit: int = 10) -> list[dict]:
    """The deadliest incidents of the state's forces in the window, those by matching weapons first."""
    f = party_forces_incidents.c
    matching = case((f.weapon.in_(weapons), 1), else_=0) if weapons else func.abs(0)
    deaths = func.coalesce(f.civilian_deaths_best, -1)
    top = (select(f.incident_id, matching.label("matching"), deaths.label("deaths"))
           .where(f.state_iso3 == iso3, f.date_start >= date_from, f.date_start <= date_to)
           .order_by(matching.desc(), deaths.desc(), f.incident_id).limit(limit).subquery("top"))
    t = incidents.c
    q = (select(t.id, t.date_start, t.country_iso3, t.weapon, func.coalesce(t.grade_override, t.grade).label("grade"),
                t.civilian_deaths_best, t.civilian_injuries_best, t.sources, t.headline, top.c.matching)
         .select_from(top.join(incidents, t.id == top.c.incident_id))
         .order_by(top.c.matching.desc(), top.c.deaths.desc(), t.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def chmr_findings(conn: Connection, iso3: str, date_from: date, date_to: date, recorded_by: datetime) -> list[dict]:
    """Findings moves (case id, when, details JSON) of cases whose incident in the window is one of
    the state's forces' (party_forces_incidents), recorded by `recorded_by`; the caller keeps each
    case's latest. Read from the findings moves (few), not from the forces' incidents (many). No
    personal data: details of a findings move never hold any (services/cases.py refuses them)."""
    ct = case_transitions.c
    f = party_forces_incidents.c
    theirs = exists().where(f.state_iso3 == iso3, f.incident_id == incidents.c.id)
    q = (select(ct.case_id, ct.at, ct.details)
         .select_from(case_transitions.join(cases, cases.c.id == ct.case_id)
                      .join(incidents, incidents.c.id == cases.c.incident_id))
         .where(ct.to_state == "findings", ct.at <= recorded_by,
                incidents.c.date_start >= date_from, incidents.c.date_start <= date_to, theirs)
         .order_by(ct.case_id, ct.at, ct.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def cases_recorded(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(cases)).scalar() or 0)


def harm_data_span(conn: Connection, country: str) -> tuple[date | None, date | None]:
    """First and last incident date in the store for a country (whoever the perpetrator)."""
    r = conn.execute(select(func.min(incidents.c.date_start), func.max(incidents.c.date_start))
                     .where(incidents.c.country_iso3 == country)).first()
    return (r[0], r[1]) if r else (None, None)


def conflict_rows(conn: Connection, year_from: int, year_to: int, codes: Iterable[str] = ()) -> list[dict]:
    """Conflict-years in the years; with `codes`, only rows whose raw text holds one of them
    (a cheap superset: the caller reads the GW fields from the raw JSON)."""
    c = conflict_years.c
    q = (select(c.conflict_id, c.year, c.location, c.side_a, c.side_b, c.intensity_level, c.type_of_conflict, c.raw, c.batch_id)
         .where(c.year >= year_from, c.year <= year_to).order_by(c.year, c.conflict_id))
    codes = list(codes)
    if codes:
        q = q.where(or_(*[c.raw.contains(code, autoescape=True) for code in codes]))
    return [dict(r) for r in conn.execute(q).mappings()]


def conflict_span(conn: Connection) -> tuple[int | None, int | None]:
    r = conn.execute(select(func.min(conflict_years.c.year), func.max(conflict_years.c.year))).first()
    return (r[0], r[1]) if r else (None, None)


# --- assessments ------------------------------------------------------------------------------

JSON_FIELDS = ("application", "config", "evidence", "criteria")


def insert_assessment(conn: Connection, **values) -> int:
    for k in JSON_FIELDS:
        values[k] = json.dumps(values[k], sort_keys=True, default=str)
    values.setdefault("created_at", now())
    return int(conn.execute(screening_assessments.insert().values(**values)).inserted_primary_key[0])


def _row(r) -> dict:
    d = dict(r)
    for k in JSON_FIELDS:
        d[k] = json.loads(d[k])
    return d


def get_assessment(conn: Connection, assessment_id: int) -> dict | None:
    r = conn.execute(select(screening_assessments).where(screening_assessments.c.id == assessment_id)).mappings().first()
    return _row(r) if r else None


def superseded_by(conn: Connection, assessment_id: int) -> int | None:
    return conn.execute(select(screening_assessments.c.id).where(screening_assessments.c.supersedes == assessment_id)
                        .order_by(screening_assessments.c.id).limit(1)).scalar()


def list_assessments(conn: Connection, decided: bool | None = None, limit: int = 500) -> list[dict]:
    q = select(screening_assessments).order_by(screening_assessments.c.id.desc()).limit(limit)
    if decided is True:
        q = q.where(screening_assessments.c.decision.is_not(None))
    elif decided is False:
        q = q.where(screening_assessments.c.decision.is_(None))
    return [_row(r) for r in conn.execute(q).mappings()]


def record_decision(conn: Connection, assessment_id: int, **values) -> bool:
    """Write the decision only where none is recorded yet; False when it was already decided."""
    res = conn.execute(update(screening_assessments)
                       .where(screening_assessments.c.id == assessment_id, screening_assessments.c.decision.is_(None))
                       .values(**values))
    return res.rowcount == 1


def count_decided(conn: Connection, as_of: datetime) -> tuple[int, int]:
    """(decided with complete evidence, decided) up to `as_of`."""
    s = screening_assessments.c
    q = select(func.sum(case((s.evidence_complete.is_(True), 1), else_=0)), func.count()).where(
        s.decision.is_not(None), s.decided_at <= as_of)
    complete, total = conn.execute(q).first()
    return int(complete or 0), int(total or 0)


def decisions_of(conn: Connection, iso3: str, at: datetime) -> dict[str, int]:
    """Assessments of a recipient as they stood at `at`: decision -> count, "open" for those
    made but not yet decided then."""
    s = screening_assessments.c
    decided = case((and_(s.decision.is_not(None), s.decided_at <= at), s.decision), else_="open")
    q = (select(decided.label("d"), func.count()).where(s.recipient_iso3 == iso3, s.created_at <= at).group_by(decided))
    return {d: int(n) for d, n in conn.execute(q)}
