"""The indicator cube: per-row facts of incidents and reports, and their maintained sums.

Indicators are sums over a handful of dimensions. Summing 2.5M reports per request is too slow
on SQLite, so `rebuild` stores the sums per distinct combination of every dimension (a few
thousand to a few hundred thousand rows) and `aggregate` sums those. Questions the cube cannot
answer (free text, a date range that does not follow month edges) are answered from the same
fact query over the base tables, so both paths share one definition of every measure.

The cube is current when its fingerprint (last report id, last incident id, last audit entry)
matches the store's: every write to incidents or reports also appends to the audit trail.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from sqlalchemy import (
    Connection,
    and_,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
)
from sqlalchemy.sql import ColumnElement, Select

from civwatch.domain.query import Filters
from civwatch.domain.taxonomy import Weapon
from civwatch.store.schema import (
    audit_log,
    harm,
    incidents,
    indicator_cube,
    indicator_cube_state,
    reports,
)

LEVELS = ("incident", "report")
CUBE_LOCK_KEY = 7_365_004

# dimension name -> cube column name
DIM_COLUMNS: dict[str, str] = {
    "year": "year",
    "month": "month",
    "country": "country_iso3",
    "party_category": "party_category",
    "weapon": "weapon",
    "grade": "grade",
    "source": "sources",
    "violence_type": "violence_type",
    "populated_area": "populated_area",
}
MEASURES: tuple[str, ...] = (
    "n",
    "n_reports",
    "n_deaths_known",
    "deaths_low",
    "deaths_best",
    "deaths_high",
    "n_injuries_known",
    "injuries_low",
    "injuries_best",
    "injuries_high",
    "n_disaggregated",
    "casualties_disaggregated",
    "casualties_women_children",
)
EXPLOSIVE = tuple(w.value for w in Weapon if w.is_explosive)
CASUALTY_OUTCOMES = ("killed", "injured")


def _known(col) -> ColumnElement:
    return case((col.is_not(None), 1), else_=0)


def _harm_by_report() -> Select:
    """Per report: civilian casualties disaggregated by sex or age, and those women or children."""
    casualty = and_(harm.c.civilian.is_(True), harm.c.outcome.in_(CASUALTY_OUTCOMES))
    disaggregated = and_(casualty, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))
    women_children = and_(casualty, or_(harm.c.sex == "female", harm.c.age_group == "child"))
    return select(
        harm.c.report_id,
        func.sum(case((disaggregated, harm.c.best), else_=0)).label("disagg"),
        func.sum(case((women_children, harm.c.best), else_=0)).label("wc"),
    ).group_by(harm.c.report_id)


def _populated(col) -> ColumnElement:
    return case((col.is_(True), "yes"), (col.is_(False), "no"), else_="unknown")


def _figures(table) -> list[ColumnElement]:
    out = []
    for prefix, name in (("civilian_deaths", "deaths"), ("civilian_injuries", "injuries")):
        best = table.c[f"{prefix}_best"]
        out += [
            _known(best).label(f"n_{name}_known"),
            func.coalesce(table.c[f"{prefix}_low"], best, 0).label(f"{name}_low"),
            func.coalesce(best, 0).label(f"{name}_best"),
            func.coalesce(table.c[f"{prefix}_high"], best, 0).label(f"{name}_high"),
        ]
    return out


def fact_select(level: str, filters: Filters | None = None) -> Select:
    """One row per incident (level "incident") or report ("report") with every dimension and measure."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    hbr = _harm_by_report().subquery("hbr")
    if level == "incident":
        t = incidents
        per_incident = (
            select(
                reports.c.incident_id.label("incident_id"),
                func.max(hbr.c.disagg).label("disagg"),
                func.max(hbr.c.wc).label("wc"),
            )
            .join(hbr, hbr.c.report_id == reports.c.id)
            .group_by(reports.c.incident_id)
            .subquery("hbi")
        )
        disagg, wc = per_incident.c.disagg, per_incident.c.wc
        q = select(
            literal("incident").label("level"),
            func.coalesce(t.c.sources, "").label("sources"),
            t.c.year,
            t.c.month,
            t.c.country_iso3,
            t.c.perpetrator_category.label("party_category"),
            t.c.weapon,
            func.coalesce(t.c.grade_override, t.c.grade).label("grade"),
            func.coalesce(t.c.violence_type, "").label("violence_type"),
            _populated(t.c.populated_area).label("populated_area"),
            literal(1).label("n"),
            t.c.n_reports.label("n_reports"),
            *_figures(t),
            case((func.coalesce(disagg, 0) > 0, 1), else_=0).label("n_disaggregated"),
            func.coalesce(disagg, 0).label("casualties_disaggregated"),
            func.coalesce(wc, 0).label("casualties_women_children"),
        ).select_from(t.outerjoin(per_incident, per_incident.c.incident_id == t.c.id))
    else:
        t = reports
        q = select(
            literal("report").label("level"),
            t.c.source.label("sources"),
            t.c.year,
            t.c.month,
            t.c.country_iso3,
            t.c.perpetrator_category.label("party_category"),
            t.c.weapon,
            func.coalesce(incidents.c.grade_override, incidents.c.grade).label("grade"),
            func.coalesce(t.c.violence_type, "").label("violence_type"),
            _populated(t.c.populated_area).label("populated_area"),
            literal(1).label("n"),
            literal(1).label("n_reports"),
            *_figures(t),
            case((func.coalesce(hbr.c.disagg, 0) > 0, 1), else_=0).label("n_disaggregated"),
            func.coalesce(hbr.c.disagg, 0).label("casualties_disaggregated"),
            func.coalesce(hbr.c.wc, 0).label("casualties_women_children"),
        ).select_from(
            t.join(incidents, incidents.c.id == t.c.incident_id).outerjoin(hbr, hbr.c.report_id == t.c.id)
        )
    if filters is not None:
        q = q.where(*base_conditions(level, filters))
    return q


def base_conditions(level: str, f: Filters) -> list[ColumnElement]:
    """Filters as conditions on the base table of a level (incidents or reports)."""
    t = incidents if level == "incident" else reports
    grade = func.coalesce(incidents.c.grade_override, incidents.c.grade)
    out: list[ColumnElement] = []
    if f.source and level == "report":
        out.append(reports.c.source == f.source)
    elif f.source:
        out.append(_has_source(incidents.c.sources, f.source))
    if f.countries:
        out.append(t.c.country_iso3.in_(f.countries))
    if f.party_categories:
        out.append(t.c.perpetrator_category.in_(f.party_categories))
    if f.weapons:
        out.append(t.c.weapon.in_(f.weapons))
    if f.explosive is not None:
        out.append(t.c.weapon.in_(EXPLOSIVE) if f.explosive else t.c.weapon.not_in(EXPLOSIVE))
    if f.grades:
        out.append(grade.in_(f.grades))
    if f.violence_types:
        out.append(t.c.violence_type.in_(f.violence_types))
    if f.year_from is not None:
        out.append(t.c.year >= f.year_from)
    if f.year_to is not None:
        out.append(t.c.year <= f.year_to)
    if f.date_from is not None:
        out.append(t.c.date_start >= f.date_from)
    if f.date_to is not None:
        out.append(t.c.date_start <= f.date_to)
    if f.populated_area is not None:
        out.append(t.c.populated_area.is_(f.populated_area))
    if f.text:
        pattern = "%" + f.text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cols = [t.c.headline, t.c.location, t.c.admin1, t.c.admin2]
        if level == "report":
            cols += [reports.c.notes, reports.c.perpetrator_name, reports.c.target_name]
        out.append(or_(*[func.lower(c).like(pattern, escape="\\") for c in cols]))
    return out


def _has_source(col, source: str) -> ColumnElement:
    """A comma-joined list of sources contains `source` as a whole item."""
    s = source.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        col == source,
        col.like(f"{s},%", escape="\\"),
        col.like(f"%,{s}", escape="\\"),
        col.like(f"%,{s},%", escape="\\"),
    )


def _month_edges(f: Filters) -> tuple[str | None, str | None] | None:
    """A date range as a month range when it follows month edges; None when it does not."""
    lo = hi = None
    if f.date_from is not None:
        if f.date_from.day != 1:
            return None
        lo = f.date_from.strftime("%Y-%m")
    if f.date_to is not None:
        last = calendar.monthrange(f.date_to.year, f.date_to.month)[1]
        if f.date_to.day != last:
            return None
        hi = f.date_to.strftime("%Y-%m")
    return lo, hi


def cube_can_answer(f: Filters) -> bool:
    return not f.text and _month_edges(f) is not None


def cube_conditions(level: str, f: Filters) -> list[ColumnElement]:
    c = indicator_cube.c
    out: list[ColumnElement] = [c.level == level]
    if f.source and level == "report":
        out.append(c.sources == f.source)
    elif f.source:
        out.append(_has_source(c.sources, f.source))
    if f.countries:
        out.append(c.country_iso3.in_(f.countries))
    if f.party_categories:
        out.append(c.party_category.in_(f.party_categories))
    if f.weapons:
        out.append(c.weapon.in_(f.weapons))
    if f.explosive is not None:
        out.append(c.weapon.in_(EXPLOSIVE) if f.explosive else c.weapon.not_in(EXPLOSIVE))
    if f.grades:
        out.append(c.grade.in_(f.grades))
    if f.violence_types:
        out.append(c.violence_type.in_(f.violence_types))
    if f.year_from is not None:
        out.append(c.year >= f.year_from)
    if f.year_to is not None:
        out.append(c.year <= f.year_to)
    edges = _month_edges(f)
    if edges and edges[0]:
        out.append(c.month >= edges[0])
    if edges and edges[1]:
        out.append(c.month <= edges[1])
    if f.populated_area is not None:
        out.append(c.populated_area == ("yes" if f.populated_area else "no"))
    return out


def aggregate(conn: Connection, level: str, dims: list[str], filters: Filters, use_cube: bool = True) -> list[dict]:
    """Sums of every measure grouped by `dims` (dimension names), from the cube when it can answer."""
    if use_cube and cube_can_answer(filters):
        src = indicator_cube
        where = cube_conditions(level, filters)
    else:
        src = fact_select(level, filters).subquery("facts")
        where = []
    cols = [src.c[DIM_COLUMNS[d]].label(d) for d in dims]
    sums = [func.coalesce(func.sum(src.c[m]), 0).label(m) for m in MEASURES]
    q = select(*cols, *sums).select_from(src).where(*where)
    if dims:
        q = q.group_by(*[src.c[DIM_COLUMNS[d]] for d in dims])
    rows = []
    for row in conn.execute(q).mappings():
        item = dict(row)
        for m in MEASURES:
            item[m] = int(item[m] or 0)
        rows.append(item)
    if not dims and rows and rows[0]["n"] == 0:
        return []
    return rows


# --- maintenance -----------------------------------------------------------------------------

def fingerprint(conn: Connection) -> str:
    """What the store looks like, cheaply: last report id, last incident id, last audit entry."""
    r = conn.execute(select(func.max(reports.c.id))).scalar() or 0
    i = conn.execute(select(func.max(incidents.c.id))).scalar() or 0
    a = conn.execute(select(func.max(audit_log.c.seq))).scalar() or 0
    return f"r{r}:i{i}:a{a}"


def state(conn: Connection) -> dict | None:
    row = conn.execute(select(indicator_cube_state).where(indicator_cube_state.c.id == 1)).mappings().first()
    return dict(row) if row else None


def _cube_insert(level: str, where: list[ColumnElement] | None = None):
    facts = fact_select(level)
    if where:
        facts = facts.where(*where)
    f = facts.subquery("f")
    dims = [f.c.level, *[f.c[col] for col in DIM_COLUMNS.values()]]
    q = select(*dims, *[func.sum(f.c[m]).label(m) for m in MEASURES]).group_by(*dims)
    target = ["level", *DIM_COLUMNS.values(), *MEASURES]
    return insert(indicator_cube).from_select(target, q)


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CUBE_LOCK_KEY})


def _save_state(conn: Connection, fp: str) -> None:
    rows = conn.execute(select(func.count()).select_from(indicator_cube)).scalar_one()
    values = {"fingerprint": fp, "refreshed_at": datetime.now(UTC), "rows": rows}
    if state(conn) is None:
        conn.execute(indicator_cube_state.insert().values(id=1, **values))
    else:
        conn.execute(indicator_cube_state.update().where(indicator_cube_state.c.id == 1).values(**values))


def rebuild(conn: Connection) -> int:
    """Recompute the whole cube inside the caller's transaction; returns its row count."""
    _lock(conn)
    conn.execute(delete(indicator_cube))
    for level in LEVELS:
        conn.execute(_cube_insert(level))
    fp = fingerprint(conn)
    _save_state(conn, fp)
    return int(conn.execute(select(func.count()).select_from(indicator_cube)).scalar_one())


def refresh_keys(conn: Connection, keys: set[tuple[int, str]], previous_fingerprint: str | None) -> bool:
    """Recompute the cube rows of some (year, country) pairs after a small write.

    Only valid when the cube was current before the write (`previous_fingerprint` matches the
    stored one); otherwise nothing is done and the next read rebuilds. Returns whether it ran.
    """
    _lock(conn)
    current = state(conn)
    if not keys or current is None or current["fingerprint"] != previous_fingerprint:
        return False
    pairs = sorted(keys)
    conn.execute(delete(indicator_cube).where(tuple_(indicator_cube.c.year, indicator_cube.c.country_iso3).in_(pairs)))
    for level in LEVELS:
        t = incidents if level == "incident" else reports
        conn.execute(_cube_insert(level, [tuple_(t.c.year, t.c.country_iso3).in_(pairs)]))
    _save_state(conn, fingerprint(conn))
    return True


def month_bounds(month: str) -> tuple[date, date]:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
