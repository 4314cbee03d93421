"""Sums of the harm by sex and age read from report text (`harm_extracted`), grouped like the cube.

The indicator cube (store/cube.py) sums coded harm only. This module answers the same grouped
question for the extracted rows, set-wise in one query, so services/indicators.py can add them
to the coded sums when a caller asks (`extracted="include"`) and state what it added or left out.

Which extracted rows count (docs/textcounts.md, "Extracted figures in indicators"):
- only reports with no coded sex or age (a coded breakdown always wins; stale rows are ignored);
- a row is a civilian casualty when the text calls the person a civilian, or says nothing and the
  report's own coded count of that outcome is civilian (ACLED: an event targeting civilians);
  rows the text calls combatants never count; rows without a stated number (`best` NULL) never count;
- at incident level, as for coded harm, the largest report of the incident counts once, and only
  for incidents none of whose reports carries a coded breakdown.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, case, exists, func, literal, or_, select
from sqlalchemy.sql import ColumnElement

from civwatch.domain.query import Filters
from civwatch.store import cube
from civwatch.store.schema import harm, harm_extracted, incidents, reports

MEASURES = ("n_disaggregated", "casualties_disaggregated", "casualties_women_children")
OUTCOMES = ("killed", "injured")


def _coded_breakdown(report_id: ColumnElement) -> ColumnElement:
    """The report has coded harm by sex or age (the condition extraction itself uses)."""
    return exists().where(harm.c.report_id == report_id, or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"))


def _coded_civilian_breakdown(report_id: ColumnElement) -> ColumnElement:
    """The report adds to the cube's coded women-children base (civilian killed/injured by sex or age)."""
    return exists().where(
        harm.c.report_id == report_id, harm.c.civilian.is_(True), harm.c.outcome.in_(OUTCOMES),
        or_(harm.c.sex != "unknown", harm.c.age_group != "unknown"), func.coalesce(harm.c.best, 0) > 0,
    )


def by_report():
    """Per report: extracted civilian casualties with sex or age, and those women or children."""
    h = harm_extracted.c
    civilian = or_(
        h.civilian.is_(True),
        and_(h.civilian.is_(None), or_(
            and_(h.outcome == "killed", func.coalesce(reports.c.civilian_deaths_best, 0) > 0),
            and_(h.outcome == "injured", func.coalesce(reports.c.civilian_injuries_best, 0) > 0),
        )),
    )
    casualty = and_(h.outcome.in_(OUTCOMES), h.best.is_not(None), civilian, or_(h.sex != "unknown", h.age_group != "unknown"))
    wc = and_(casualty, or_(h.sex == "female", h.age_group == "child"))
    return (
        select(
            h.report_id.label("report_id"),
            func.sum(case((casualty, h.best), else_=0)).label("disagg"),
            func.sum(case((wc, h.best), else_=0)).label("wc"),
        )
        .select_from(harm_extracted.join(reports, reports.c.id == h.report_id))
        .where(~_coded_breakdown(h.report_id))
        .group_by(h.report_id)
        .subquery("xbr")
    )


def _dims(t, level: str) -> dict[str, ColumnElement]:
    grade = func.coalesce(incidents.c.grade_override, incidents.c.grade)
    populated = case((t.c.populated_area.is_(True), "yes"), (t.c.populated_area.is_(False), "no"), else_="unknown")
    return {
        "year": t.c.year,
        "month": t.c.month,
        "country": t.c.country_iso3,
        "party_category": t.c.perpetrator_category,
        "weapon": t.c.weapon,
        "grade": grade,
        "source": t.c.source if level == "report" else func.coalesce(t.c.sources, ""),
        "violence_type": func.coalesce(t.c.violence_type, ""),
        "populated_area": populated,
    }


def aggregate(conn: Connection, level: str, dims: list[str], filters: Filters) -> list[dict]:
    """Extracted sums grouped by `dims` under `filters`, level "incident" or "report"; groups
    without an extracted casualty are left out. Rows: the dimensions, then MEASURES."""
    x = by_report()
    if level == "report":
        t = reports
        per = select(x.c.report_id.label("key"), x.c.disagg, x.c.wc).where(x.c.disagg > 0).subquery("xper")
        src = t.join(incidents, incidents.c.id == t.c.incident_id).join(per, per.c.key == t.c.id)
    elif level == "incident":
        t = incidents
        covered = select(reports.c.incident_id).where(_coded_civilian_breakdown(reports.c.id))
        per = (
            select(reports.c.incident_id.label("key"), func.max(x.c.disagg).label("disagg"), func.max(x.c.wc).label("wc"))
            .join(x, x.c.report_id == reports.c.id)
            .where(x.c.disagg > 0, reports.c.incident_id.not_in(covered))
            .group_by(reports.c.incident_id)
            .subquery("xper")
        )
        src = t.join(per, per.c.key == t.c.id)
    else:
        raise ValueError(f"level must be incident or report, got {level!r}")
    cols = _dims(t, level)
    unknown = [d for d in dims if d not in cols]
    if unknown:
        raise ValueError(f"cannot group extracted figures by {', '.join(unknown)}")
    group = [cols[d].label(d) for d in dims]
    q = select(
        *group,
        func.count(literal(1)).label("n_disaggregated"),
        func.coalesce(func.sum(per.c.disagg), 0).label("casualties_disaggregated"),
        func.coalesce(func.sum(per.c.wc), 0).label("casualties_women_children"),
    ).select_from(src).where(*cube.base_conditions(level, filters))
    if dims:
        q = q.group_by(*[cols[d] for d in dims])
    out = []
    for r in conn.execute(q).mappings():
        row = dict(r)
        if row["n_disaggregated"]:
            out.append({**{d: row[d] for d in dims}, **{m: int(row[m] or 0) for m in MEASURES}})
    return out


def fingerprint(conn: Connection) -> str:
    """Changes whenever extraction rewrites rows (it deletes and inserts, so the last id moves)."""
    return f"x{conn.execute(select(func.max(harm_extracted.c.id))).scalar() or 0}"
