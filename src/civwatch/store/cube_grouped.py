"""The cube's sums one row per group: what an indicator reads when the cube answers it.

`cube.aggregate` groups by the helper dimension "source" as well, so that the caller can list
the sources of each group and count each source's reports; by month that is about 810 rows of
24 sums at 2.5M reports, added up again in Python. `grouped` lets the store do that adding:
one row per group with only the sums the indicator shows and its sources' names, and the
totals and per-source counts from the slice the filters need (by month: the rows per year).
"""

from __future__ import annotations

from sqlalchemy import Connection, distinct, func, literal_column, select
from sqlalchemy.sql import ColumnElement, Select

from civwatch.domain.query import Filters
from civwatch.store.cube import KEY_DIMS, MEASURES, cube_conditions, slice_for
from civwatch.store.schema import indicator_cube


def _joined_sources(conn: Connection, col) -> ColumnElement:
    """The distinct values of `col` in a group, joined by commas (in no particular order)."""
    if conn.dialect.name == "postgresql":
        return func.string_agg(distinct(col), literal_column("','"))
    return func.group_concat(distinct(col))


def grouped(conn: Connection, level: str, dims: list[str], filters: Filters,
            measures: tuple[str, ...] = MEASURES) -> tuple[list, list] | None:
    """The cube's sums of `measures` per group of `dims`, with the group's distinct `sources`
    values joined by commas as the last column; and the sums of every measure per `sources` value
    over the whole selection. The rows are one per group (not one per group and source, as
    `aggregate` with the helper dimension "source" gives) and one per source, so a caller adds up
    nothing. The totals are read from the slice the filters alone need (by month: the rows of
    each year, not of each month). None when the cube cannot answer the question (then
    `aggregate` reads the base tables)."""
    key = (conn.dialect.name, level, tuple(dims), measures, repr(filters))
    statements = _GROUPED.get(key)
    if statements is None:
        dim = slice_for(dims, filters)
        if dim is None:
            return None
        c = indicator_cube.c
        cols = [c[KEY_DIMS[d]] if d in KEY_DIMS else c.value for d in dims]
        q = select(*cols, *[func.sum(c[m]) for m in measures], _joined_sources(conn, c.sources))
        q = q.where(*cube_conditions(level, dim, filters, by_country="country" in dims))
        q = q.group_by(*cols) if cols else q.having(func.count() > 0)
        totals = (select(c.sources, *[func.sum(c[m]) for m in MEASURES])
                  .where(*cube_conditions(level, slice_for([], filters) or "", filters)).group_by(c.sources))
        if len(_GROUPED) >= 512:
            _GROUPED.clear()
        statements = _GROUPED[key] = (q, totals)
    return conn.execute(statements[0]).all(), conn.execute(statements[1]).all()


# `grouped`'s statements by question (dialect, level, dims, measures, the filters' repr): built
# once, so a repeated question skips building them and SQLAlchemy's cache key of them
_GROUPED: dict[tuple, tuple[Select, Select]] = {}
