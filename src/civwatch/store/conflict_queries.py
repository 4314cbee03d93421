"""Reading the UCDP/PRIO ACD conflict-year table (imported by `civwatch import`)."""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, Table, inspect, select

from civwatch.domain.query import Filters

TABLE = "conflict_years"
INTENSITY = {1: "minor", 2: "war"}
TYPES = {1: "extrasystemic", 2: "interstate", 3: "intrastate", 4: "internationalized_intrastate"}
REGIONS = {1: "europe", 2: "middle_east", 3: "asia", 4: "africa", 5: "americas"}


def _table(conn: Connection) -> Table:
    if not inspect(conn).has_table(TABLE):
        raise ValueError(
            "active-conflicts needs the UCDP/PRIO Armed Conflict Dataset: "
            "run `civwatch import ucdp_prio_acd_v23_1.csv` first"
        )
    return Table(TABLE, MetaData(), autoload_with=conn)


def _code(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def conflict_years(conn: Connection, filters: Filters) -> list[dict]:
    """One dict per conflict-year: conflict_id, year, intensity, type_of_conflict, region, country, version."""
    t = _table(conn)
    c = t.c
    q = select(t)
    if filters.year_from is not None:
        q = q.where(c.year >= filters.year_from)
    if filters.year_to is not None:
        q = q.where(c.year <= filters.year_to)
    out = []
    for row in conn.execute(q).mappings():
        intensity = _code(row.get("intensity_level", row.get("intensity")))
        kind = _code(row.get("type_of_conflict"))
        region = str(row.get("region") or "")
        first_region = _code(region.split(",")[0]) if region else None
        country = row.get("country_iso3") or row.get("location")
        if filters.countries and row.get("country_iso3") not in filters.countries:
            continue
        out.append(
            {
                "conflict_id": row["conflict_id"],
                "year": int(row["year"]),
                "intensity": INTENSITY.get(intensity, str(intensity)),
                "type_of_conflict": TYPES.get(kind, str(kind)),
                "region": REGIONS.get(first_region, region or "unknown"),
                "country": country,
            }
        )
    return out
