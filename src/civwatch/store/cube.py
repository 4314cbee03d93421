"""The indicator cube: per-row facts of incidents and reports, and their maintained sums.

Indicators are sums over a handful of dimensions. Summing 2.5M reports per request is too slow
on SQLite, so `rebuild` stores the sums keyed by year, country and source(s), once with no
further dimension and once per "slice" dimension (month, party category, weapon, grade,
violence type, populated area). A question that groups or filters by at most one slice
dimension (besides year, country and source) sums the rows of that slice: tens of thousands
of rows, not millions. Anything else (two slice dimensions, free text, a date range that does
not follow month edges) is answered from the same fact query over the base tables, so both
paths share one definition of every measure.

The cube is current when its fingerprint (last report id, last incident id, last audit entry)
matches the store's: every write to incidents or reports also appends to the audit trail.
Imports, edits and linkage keep it current by adding their deltas in their own transaction
(store/cube_delta.py); `rebuild` is the reference and what a read does when the cube is stale.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    MetaData,
    String,
    Table,
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

from civwatch.domain.query import SUMMED_MEASURES, Filters
from civwatch.domain.taxonomy import Weapon
from civwatch.store import linkage_status
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

ALL = "*"  # country key of the rows that sum every country
KEY_DIMS: dict[str, str] = {"year": "year", "country": "country_iso3", "source": "sources"}
SLICE_DIMS: tuple[str, ...] = ("month", "party_category", "weapon", "grade", "violence_type", "populated_area")
MEASURES: tuple[str, ...] = SUMMED_MEASURES
EXPLOSIVE = tuple(w.value for w in Weapon if w.is_explosive)
CASUALTY_OUTCOMES = ("killed", "injured")


def _known(col) -> ColumnElement:
    return case((col.is_not(None), 1), else_=0)


Touched = Callable[[ColumnElement], ColumnElement]  # an incident-id column -> a condition on it


def _harm_by_report(touched: Touched | None = None) -> Select:
    """Per report: civilian casualties disaggregated by sex or age, and those women or children."""
    casualty = and_(harm.c.civilian.is_(True), harm.c.outcome.in_(CASUALTY_OUTCOMES))
    disaggregated = and_(casualty, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))
    women_children = and_(casualty, or_(harm.c.sex == "female", harm.c.age_group == "child"))
    q = select(
        harm.c.report_id,
        func.sum(case((disaggregated, harm.c.best), else_=0)).label("disagg"),
        func.sum(case((women_children, harm.c.best), else_=0)).label("wc"),
    ).group_by(harm.c.report_id)
    if touched is not None:
        q = q.where(harm.c.report_id.in_(select(reports.c.id).where(touched(reports.c.incident_id))))
    return q


def _populated(col) -> ColumnElement:
    return case((col.is_(True), "yes"), (col.is_(False), "no"), else_="unknown")


def _derived(t, weapon, populated) -> list[ColumnElement]:
    """Per-record measures for EWIPA and place: casualties = civilian killed + injured (best)."""
    casualties = func.coalesce(t.c.civilian_deaths_best, 0) + func.coalesce(t.c.civilian_injuries_best, 0)
    explosive = weapon.in_(EXPLOSIVE)
    return [
        casualties.label("casualties"),
        case((and_(explosive, populated.is_(True)), casualties), else_=0).label("casualties_ewipa"),
        case((weapon == "unknown", casualties), else_=0).label("casualties_weapon_unknown"),
        case((populated.is_(None), casualties), else_=0).label("casualties_place_unknown"),
        case((explosive, 1), else_=0).label("n_explosive"),
        case((func.coalesce(weapon, "unknown") != "unknown", 1), else_=0).label("n_weapon_known"),
        case((populated.is_(True), 1), else_=0).label("n_populated"),
        case((populated.is_not(None), 1), else_=0).label("n_populated_known"),
    ]


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


def fact_select(level: str, filters: Filters | None = None, touched: Touched | None = None) -> Select:
    """One row per incident (level "incident") or report ("report") with every dimension and
    measure; `touched` restricts it (and its harm sums) to some incidents and their reports."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    hbr = _harm_by_report(touched).subquery("hbr")
    if level == "incident":
        t = incidents
        per_incident_q = (
            select(
                reports.c.incident_id.label("incident_id"),
                func.max(hbr.c.disagg).label("disagg"),
                func.max(hbr.c.wc).label("wc"),
            )
            .join(hbr, hbr.c.report_id == reports.c.id)
            .group_by(reports.c.incident_id)
        )
        if touched is not None:
            per_incident_q = per_incident_q.where(touched(reports.c.incident_id))
        per_incident = per_incident_q.subquery("hbi")
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
            *_derived(t, t.c.weapon, t.c.populated_area),
        ).select_from(t.outerjoin(per_incident, per_incident.c.incident_id == t.c.id))
        if touched is not None:
            q = q.where(touched(t.c.id))
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
            *_derived(t, t.c.weapon, t.c.populated_area),
        ).select_from(
            t.join(incidents, incidents.c.id == t.c.incident_id).outerjoin(hbr, hbr.c.report_id == t.c.id)
        )
        if touched is not None:  # on both sides of the join: PostgreSQL carries no range across it
            q = q.where(touched(t.c.incident_id), touched(incidents.c.id))
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


def filter_dims(f: Filters) -> set[str]:
    """Slice dimensions a filter needs (key dimensions year, country, source need none)."""
    out = set()
    if f.party_categories:
        out.add("party_category")
    if f.weapons or f.explosive is not None:
        out.add("weapon")
    if f.grades:
        out.add("grade")
    if f.violence_types:
        out.add("violence_type")
    if f.populated_area is not None:
        out.add("populated_area")
    if f.date_from is not None or f.date_to is not None:
        out.add("month")
    return out


def slice_for(dims: list[str], f: Filters) -> str | None:
    """The cube slice that answers a question ("" = no slice), or None when only the base tables can."""
    if f.text or _month_edges(f) is None:
        return None
    needed = ({d for d in dims if d not in KEY_DIMS} | filter_dims(f))
    if len(needed) > 1:
        return None
    return needed.pop() if needed else ""


def cube_conditions(level: str, dim: str, f: Filters, by_country: bool = False) -> list[ColumnElement]:
    c = indicator_cube.c
    out: list[ColumnElement] = [c.level == level, c.dim == dim]
    if f.source and level == "report":
        out.append(c.sources == f.source)
    elif f.source:
        out.append(_has_source(c.sources, f.source))
    if f.countries:
        out.append(c.country_iso3.in_(f.countries))
    elif by_country:
        out.append(c.country_iso3 != ALL)
    else:
        out.append(c.country_iso3 == ALL)
    if f.year_from is not None:
        out.append(c.year >= f.year_from)
    if f.year_to is not None:
        out.append(c.year <= f.year_to)
    if dim == "party_category" and f.party_categories:
        out.append(c.value.in_(f.party_categories))
    if dim == "weapon" and f.weapons:
        out.append(c.value.in_(f.weapons))
    if dim == "weapon" and f.explosive is not None:
        out.append(c.value.in_(EXPLOSIVE) if f.explosive else c.value.not_in(EXPLOSIVE))
    if dim == "grade" and f.grades:
        out.append(c.value.in_(f.grades))
    if dim == "violence_type" and f.violence_types:
        out.append(c.value.in_(f.violence_types))
    if dim == "populated_area" and f.populated_area is not None:
        out.append(c.value == ("yes" if f.populated_area else "no"))
    if dim == "month":
        lo, hi = _month_edges(f) or (None, None)
        if lo:
            out.append(c.value >= lo)
        if hi:
            out.append(c.value <= hi)
    return out


def aggregate(conn: Connection, level: str, dims: list[str], filters: Filters, use_cube: bool = True) -> list[dict]:
    """Sums of every measure grouped by `dims` (dimension names), from the cube when it can answer."""
    dim = slice_for(dims, filters) if use_cube else None
    if dim is not None:
        src = indicator_cube
        where = cube_conditions(level, dim, filters, by_country="country" in dims)
        cols = [src.c[KEY_DIMS[d]] if d in KEY_DIMS else src.c.value for d in dims]
    else:
        src = fact_select(level, filters).subquery("facts")
        where = []
        cols = [src.c[FACT_COLUMNS[d]] for d in dims]
    sums = [func.coalesce(func.sum(src.c[m]), 0).label(m) for m in MEASURES]
    q = select(*[col.label(d) for col, d in zip(cols, dims, strict=True)], *sums).select_from(src).where(*where)
    if dims:
        q = q.group_by(*cols)
    result = conn.execute(q)
    names = list(result.keys())
    k = len(dims)
    rows = []
    for values in result.all():
        item = dict(zip(names[:k], values[:k], strict=True))
        item.update(zip(MEASURES, (int(v or 0) for v in values[k:]), strict=True))
        rows.append(item)
    if not dims and rows and rows[0]["n"] == 0:
        return []
    return rows


# last report id, last incident id, last audit entry: what `fingerprint` is made of
_STORE_LASTS = (
    select(func.max(reports.c.id)).scalar_subquery(),
    select(func.max(incidents.c.id)).scalar_subquery(),
    select(func.max(audit_log.c.seq)).scalar_subquery(),
)
_FINGERPRINT = select(*_STORE_LASTS)
_FINGERPRINTS = select(*_STORE_LASTS,
                       select(indicator_cube_state.c.fingerprint).where(indicator_cube_state.c.id == 1).scalar_subquery())


def _fingerprint_of(r: int | None, i: int | None, a: int | None) -> str:
    return f"r{r or 0}:i{i or 0}:a{a or 0}"


def fingerprints(conn: Connection) -> tuple[str, str | None]:
    """`fingerprint` and the one the cube was last brought up to date at, in one statement."""
    r, i, a, kept = conn.execute(_FINGERPRINTS).one()
    return _fingerprint_of(r, i, a), kept


# dimension name -> column of fact_select
FACT_COLUMNS: dict[str, str] = {
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


# --- maintenance -----------------------------------------------------------------------------

def fingerprint(conn: Connection) -> str:
    """What the store looks like, cheaply: last report id, last incident id, last audit entry."""
    return _fingerprint_of(*conn.execute(_FINGERPRINT).one())


def state(conn: Connection) -> dict | None:
    row = conn.execute(select(indicator_cube_state).where(indicator_cube_state.c.id == 1)).mappings().first()
    return dict(row) if row else None


def _fine_table(conn: Connection) -> Table:
    """A temporary table of sums per distinct combination of every dimension (dropped on commit)."""
    cols = [Column("level", String(8)), *[Column(c, String(200) if c != "year" else Integer) for c in FACT_COLUMNS.values()]]
    cols += [Column(m, BigInteger) for m in MEASURES]
    fine = Table("tmp_indicator_facts", MetaData(), *cols, prefixes=["TEMPORARY"])
    fine.drop(conn, checkfirst=True)
    fine.create(conn)
    return fine


def _fill(conn: Connection, where: dict[str, list[ColumnElement]] | None = None) -> None:
    """Compute the cube rows (all levels and slices), optionally restricted by base-table conditions."""
    fine = _fine_table(conn)
    for level in LEVELS:
        facts = fact_select(level)
        if where:
            facts = facts.where(*where[level])
        f = facts.subquery("f")
        dims = [f.c.level, *[f.c[col] for col in FACT_COLUMNS.values()]]
        q = select(*dims, *[func.sum(f.c[m]) for m in MEASURES]).group_by(*dims)
        conn.execute(insert(fine).from_select(["level", *FACT_COLUMNS.values(), *MEASURES], q))
    target = ["level", "dim", "value", "sources", "year", "country_iso3", *MEASURES]
    for dim in ("", *SLICE_DIMS):
        value = fine.c[FACT_COLUMNS[dim]] if dim else literal("")
        keys = [fine.c.level, fine.c.sources, fine.c.year, fine.c.country_iso3]
        group = keys + ([value] if dim else [])
        q = select(fine.c.level, literal(dim), value, fine.c.sources, fine.c.year, fine.c.country_iso3,
                   *[func.sum(fine.c[m]) for m in MEASURES]).group_by(*group)
        conn.execute(insert(indicator_cube).from_select(target, q))
    fine.drop(conn)


def _roll_up_countries(conn: Connection, years: list[int] | None = None) -> None:
    """Rows for all countries together (country "*"), summed from the per-country rows, so a
    question without a country sums a few thousand rows instead of tens of thousands."""
    c = indicator_cube.c
    keys = [c.level, c.dim, c.value, c.sources, c.year]
    q = select(*keys, literal(ALL), *[func.sum(c[m]) for m in MEASURES]).where(c.country_iso3 != ALL)
    if years is not None:
        q = q.where(c.year.in_(years))
    target = ["level", "dim", "value", "sources", "year", "country_iso3", *MEASURES]
    conn.execute(insert(indicator_cube).from_select(target, q.group_by(*keys)))


def _lock(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": CUBE_LOCK_KEY})


def _save_state(conn: Connection, fp: str) -> None:
    old = state(conn)
    if old is not None:  # the write that moved the cube on kept the linkage status too
        linkage_status.move(conn, old["fingerprint"], fp)
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
    _fill(conn)
    _roll_up_countries(conn)
    if conn.dialect.name == "postgresql":  # the planner's row counts of the new cube, not the old one's
        conn.execute(text("ANALYZE indicator_cube"))
    fp = fingerprint(conn)
    _save_state(conn, fp)
    linkage_status.reset(conn, fp)
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
    years = sorted({y for y, _ in pairs})
    conn.execute(delete(indicator_cube).where(tuple_(indicator_cube.c.year, indicator_cube.c.country_iso3).in_(pairs)))
    conn.execute(delete(indicator_cube).where(indicator_cube.c.year.in_(years), indicator_cube.c.country_iso3 == ALL))
    _fill(conn, {
        "incident": [tuple_(incidents.c.year, incidents.c.country_iso3).in_(pairs)],
        "report": [tuple_(reports.c.year, reports.c.country_iso3).in_(pairs)],
    })
    _roll_up_countries(conn, years)
    _save_state(conn, fingerprint(conn))
    return True


def month_bounds(month: str) -> tuple[date, date]:
    y, m = (int(p) for p in month.split("-"))
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
