"""First indicators: civilian deaths and number of reports by year, month or country.

With a source, the figures are that source's reports; without one, they are incidents, so a
linked incident reported by several sources counts once (DESIGN "Definitions").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, column, func, select, table

# Analytics sits beside the store, not above it: the columns it reads are named here.
_COLS = ("year", "month", "country_iso3", "date_start", "civilian_deaths_best")
incidents = table("incidents", *(column(c) for c in _COLS))
reports = table("reports", *(column(c) for c in _COLS), column("source"))
conflict_years = table("conflict_years", column("conflict_id"), column("year"), column("country_iso3"), column("source"))

DIMENSIONS = ("year", "month", "country")
MEASURES = ("civilian-deaths", "reports", "conflicts")


@dataclass(frozen=True)
class Query:
    measure: str
    by: str
    source: str | None = None
    country: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def rows(conn: Connection, q: Query) -> list[dict]:
    """[{<dimension>: key, "value": n}, ...] ordered by the key."""
    if q.measure not in MEASURES:
        raise ValueError(f"unknown measure {q.measure!r}; measures are {', '.join(MEASURES)}")
    if q.by not in DIMENSIONS:
        raise ValueError(f"cannot group by {q.by!r}; use one of {', '.join(DIMENSIONS)}")
    if q.measure == "conflicts":
        return _conflicts(conn, q)
    t = reports if q.source else incidents
    key = {"year": t.c.year, "month": t.c.month, "country": t.c.country_iso3}[q.by]
    if q.measure == "civilian-deaths":
        value = func.coalesce(func.sum(t.c.civilian_deaths_best), 0)
    else:
        value = func.count()
    stmt = select(key.label("key"), value.label("value")).group_by(key).order_by(key)
    if q.source:
        stmt = stmt.where(reports.c.source == q.source)
    if q.country:
        stmt = stmt.where(t.c.country_iso3 == q.country.upper())
    if q.date_from:
        stmt = stmt.where(t.c.date_start >= q.date_from)
    if q.date_to:
        stmt = stmt.where(t.c.date_start <= q.date_to)
    return [{q.by: r.key, "value": int(r.value)} for r in conn.execute(stmt)]


def _conflicts(conn: Connection, q: Query) -> list[dict]:
    """Active armed conflicts (UCDP/PRIO ACD): distinct conflicts by year or country."""
    if q.by not in ("year", "country"):
        raise ValueError("conflicts are counted by year or country")
    c = conflict_years.c
    key = c.year if q.by == "year" else c.country_iso3
    stmt = select(key.label("key"), func.count(func.distinct(c.conflict_id)).label("value")).group_by(key).order_by(key)
    if q.country:
        stmt = stmt.where(c.country_iso3 == q.country.upper())
    if q.date_from:
        stmt = stmt.where(c.year >= q.date_from.year)
    if q.date_to:
        stmt = stmt.where(c.year <= q.date_to.year)
    return [{q.by: r.key, "value": int(r.value)} for r in conn.execute(stmt)]
