"""Read GED- and ACLED-layout rows into the report-shaped columns linkage compares.

This is the harness's own minimal reading of the two published layouts (the importers in
civwatch.sources are the full one); it keeps the evaluation independent of the store.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from pathlib import Path

GED_WHERE_PREC = {"1": "exact", "2": "near", "3": "admin2", "4": "admin1", "5": "admin1", "6": "country", "7": "unknown"}
GED_DATE_PREC = {"1": "day", "2": "week", "3": "month", "4": "span", "5": "year"}
ACLED_GEO_PREC = {"1": "exact", "2": "near", "3": "admin1"}
ACLED_INTER = {
    "1": "state_forces", "2": "non_state_armed_group", "3": "non_state_armed_group",
    "4": "non_state_armed_group", "5": "civilians", "6": "civilians", "7": "civilians", "8": "state_forces",
}
ACLED_WEAPON = {
    "Shelling/artillery/missile attack": "explosive_ground_launched",
    "Air/drone strike": "explosive_air_launched",
    "Remote explosive/landmine/IED": "explosive_improvised",
    "Suicide bomb": "explosive_improvised",
    "Grenade": "explosive_grenade",
    "Armed clash": "small_arms",
    "Sexual violence": "sexual_violence",
    "Abduction/forced disappearance": "abduction",
}
COLUMNS = (
    "key", "source", "source_id", "country_iso3", "date_start", "date_end", "date_precision", "latitude",
    "longitude", "geo_precision", "admin1", "admin2", "location", "perpetrator_category", "weapon",
    "total_deaths_best", "civilian_deaths_best", "headline", "notes",
)


def read_csv(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(value: str | None) -> float | None:
    return float(value) if value not in (None, "", "NA") else None


def ged_perpetrator(row: dict[str, str]) -> str:
    violence = row.get("type_of_violence", "")
    if violence == "2":
        return "non_state_armed_group"
    return "state_forces" if row.get("side_a", "").startswith("Government of") else "non_state_armed_group"


def ged_report(row: dict[str, str], iso3: str, source: str = "ucdp-ged") -> dict:
    return {
        "source": source,
        "source_id": row["id"],
        "country_iso3": iso3,
        "date_start": row["date_start"][:10],
        "date_end": row["date_end"][:10],
        "date_precision": GED_DATE_PREC.get(row.get("date_prec", "1"), "day"),
        "latitude": _float(row.get("latitude")),
        "longitude": _float(row.get("longitude")),
        "geo_precision": GED_WHERE_PREC.get(row.get("where_prec", ""), "unknown"),
        "admin1": row.get("adm_1") or None,
        "admin2": row.get("adm_2") or None,
        "location": row.get("where_coordinates") or None,
        "perpetrator_category": ged_perpetrator(row),
        "weapon": "unknown",
        "total_deaths_best": _float(row.get("best")),
        "civilian_deaths_best": _float(row.get("deaths_civilians")),
        "headline": row.get("source_headline") or None,
        "notes": row.get("where_description") or None,
    }


def acled_dates(event_date: str, time_precision: str) -> tuple[str, str, str]:
    """ACLED gives one day and a precision; linkage widens it (records.widen), as for imports."""
    day = date.fromisoformat(event_date).isoformat()
    return day, day, {"2": "week", "3": "month"}.get(time_precision, "day")


def acled_report(row: dict[str, str], source: str = "acled") -> dict:
    row = {k.lower(): v for k, v in row.items()}
    start, end, precision = acled_dates(row["event_date"], row.get("time_precision", "1"))
    fatalities = _float(row.get("fatalities"))
    targeted = bool(row.get("civilian_targeting")) or row.get("event_type") == "Violence against civilians"
    return {
        "source": source,
        "source_id": row["event_id_cnty"],
        "country_iso3": row["iso3"],
        "date_start": start,
        "date_end": end,
        "date_precision": precision,
        "latitude": _float(row.get("latitude")),
        "longitude": _float(row.get("longitude")),
        "geo_precision": ACLED_GEO_PREC.get(row.get("geo_precision", ""), "unknown"),
        "admin1": row.get("admin1") or None,
        "admin2": row.get("admin2") or None,
        "location": row.get("location") or None,
        "perpetrator_category": ACLED_INTER.get(row.get("inter1", ""), "unknown"),
        "weapon": ACLED_WEAPON.get(row.get("sub_event_type", ""), "unknown"),
        "total_deaths_best": fatalities,
        "civilian_deaths_best": fatalities if targeted else 0.0,
        "headline": None,
        "notes": row.get("notes") or None,
    }


def columns(reports: Iterable[dict]) -> dict[str, list]:
    """Row dicts to columns, with `key` numbering the rows."""
    reports = list(reports)
    cols = {name: [r.get(name) for r in reports] for name in COLUMNS if name != "key"}
    cols["key"] = list(range(len(reports)))
    return cols


ACLED_VIOLENT = {"Battles": "1", "Explosions/Remote violence": "1", "Violence against civilians": "3"}
_ACLED_TO_GED_WHERE = {"1": "1", "2": "2", "3": "4"}


def ged_row_from_acled(row: dict[str, str]) -> dict[str, str] | None:
    """A real ACLED event written in GED's layout, so that the perturbation set can be built
    from a country the GED files never cover (None: not a fatal act of political violence,
    which GED would not hold). The notes stand in for GED's source headline; the where
    description is left empty (the copy never carries it either)."""
    r = {k.lower(): (v or "") for k, v in row.items() if k}
    violence = ACLED_VIOLENT.get(r.get("event_type", ""))
    deaths = int(r.get("fatalities") or 0)
    if violence is None or deaths < 1 or not r.get("latitude"):
        return None
    state = r.get("inter1") in ("1", "8")
    if violence == "1" and not state:
        violence = "2"  # fighting between non-state groups
    day = r["event_date"][:10]
    return {
        "id": r["event_id_cnty"], "country": r["country"], "date_start": day, "date_end": day,
        "date_prec": {"2": "2", "3": "3"}.get(r.get("time_precision", "1"), "1"),
        "latitude": r["latitude"], "longitude": r["longitude"],
        "where_prec": _ACLED_TO_GED_WHERE.get(r.get("geo_precision", ""), "4"),
        "adm_1": r.get("admin1", ""), "adm_2": r.get("admin2", ""), "where_coordinates": r.get("location", ""),
        "type_of_violence": violence, "side_a": f"Government of {r['country']}" if state else r.get("actor1", ""),
        "best": str(deaths), "deaths_civilians": str(deaths) if violence == "3" else "0",
        "source_headline": r.get("notes", ""), "where_description": "",
    }
