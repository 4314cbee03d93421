"""Peace operations: the mission list, a mission's deployments, troops, mandates and the civilian
harm recorded near its deployments and elsewhere in its host countries, and contributors.

Harm is counted on incidents (each linked incident once). Association, not effect: nothing
here measures what a mission caused (domain.missions.ASSOCIATION_NOTE).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Engine

from civwatch.analytics import missions as geo
from civwatch.domain.missions import (
    ASSOCIATION_NOTE,
    DEFAULT_DISTANCE_KM,
    DISTANCES_KM,
    PRECISION_RADIUS_KM,
    PROXIMITY_LABELS,
    TROOPS_NOTE,
    Proximity,
    active_on,
    check_distance,
)
from civwatch.domain.taxonomy import PartyCategory
from civwatch.services.dashboard import country_name
from civwatch.services.incidents import NotFound
from civwatch.store import missions as store

BEFORE_AFTER_YEARS = 2
COVERAGE_NOTE = (
    "Recording coverage changes when a mission arrives or leaves (its own reporting, access for "
    "monitors, media attention), so a change after a departure may be a change in what was recorded."
)


def _today() -> date:
    return datetime.now(UTC).date()


def _location_years(rows: list[dict]) -> dict[tuple[str, int], dict[tuple, dict]]:
    """Deployment rows grouped into location-years: Geo-PKO lists a location-year once per map
    record behind it, with the same ave.no.troops on each; the location-year counts once."""
    out: dict[tuple[str, int], dict[tuple, dict]] = defaultdict(dict)
    for r in rows:
        key = (r["location"], r["latitude"], r["longitude"])
        cell = out[(r["mission"], r["year"])].get(key)
        if cell is None:
            out[(r["mission"], r["year"])][key] = {
                "location": r["location"], "lat": r["latitude"], "lon": r["longitude"], "country": r["country_iso3"],
                "country_name": r["country_name"], "troops": r["ave_troops"], "records": 1,
                "peak": r["no_troops"], "hq": r["hq"], "unpol": r["unpol"], "unmo": r["unmo"], "med": r["med"],
            }
        else:
            cell["records"] += 1
            if r["no_troops"] is not None and (cell["peak"] is None or r["no_troops"] > cell["peak"]):
                cell["peak"] = r["no_troops"]
            for flag in ("hq", "unpol", "unmo", "med"):
                cell[flag] = max(cell[flag] or 0, r[flag] or 0)
    return out


def troop_totals(rows: list[dict]) -> dict[tuple[str, int], dict]:
    """Per mission-year: deployed locations, troops (sum of the location-years' ave.no.troops
    where known) and how many location-years have no troop figure."""
    out = {}
    for key, locs in _location_years(rows).items():
        known = [c["troops"] for c in locs.values() if c["troops"] is not None]
        out[key] = {"locations": len(locs), "troops": sum(known) if known else None,
                    "locations_troops_unknown": len(locs) - len(known)}
    return out


def _hosts(locs: dict[tuple, dict], crosswalk: set[str]) -> set[str]:
    found = {c["country"] for c in locs.values() if c["country"]}
    if any(c["country"] is None for c in locs.values()) or not found:
        found |= crosswalk  # a location in a pair such as "Ethiopia/Eritrea": the crosswalk's countries
    return found


def list_missions(engine: Engine, as_of: date | None = None) -> dict[str, Any]:
    as_of = as_of or _today()
    with engine.connect() as conn:
        missions = store.missions(conn)
        countries = store.mission_countries(conn)
        mandates = store.mandates(conn)
        deployments = store.deployment_rows(conn)
    hosts: dict[str, list[str]] = defaultdict(list)
    for c in countries:
        if c["country_iso3"]:
            hosts[c["mission"]].append(c["country_iso3"])
    poc_since: dict[str, date] = {}
    for m in mandates:
        if m["kind"] == "poc" and (m["mission"] not in poc_since or m["date_from"] < poc_since[m["mission"]]):
            poc_since[m["mission"]] = m["date_from"]
    totals = troop_totals(deployments)
    years: dict[str, list[int]] = defaultdict(list)
    for (mission, year) in totals:
        years[mission].append(year)
    items = []
    for m in missions:
        active = active_on(m["start_date"], m["end_date"], m["active_received"], as_of)
        ys = sorted(years.get(m["acronym"], []))
        last = totals.get((m["acronym"], ys[-1])) if ys else None
        items.append({
            "acronym": m["acronym"], "name": m["name"], "start_date": m["start_date"], "end_date": m["end_date"],
            "end_date_source": m["end_date_source"], "active": active, "active_received": m["active_received"],
            "active_flag_stale": active is False and (m["active_received"] or "").lower() == "yes",
            "aggregate_of": m["aggregate_of"].split(",") if m["aggregate_of"] else [],
            "host_countries": sorted(hosts.get(m["acronym"], [])),
            "deployment_years": [ys[0], ys[-1]] if ys else None,
            "last_year_troops": {"year": ys[-1], **last} if last else None,
            "poc_mandate_since": poc_since.get(m["acronym"]),
            "notes": m["notes"],
        })
    return {"as_of": as_of, "missions": items, "count": len(items), "troops_note": TROOPS_NOTE, "association_note": ASSOCIATION_NOTE}


def _events(conn, hosts: dict[tuple[str, int], set[str]]) -> tuple[list[tuple], geo.Events]:
    countries = set().union(*hosts.values()) if hosts else set()
    years = {y for _, y in hosts}
    rows = store.events(conn, countries, years) if countries else []
    return rows, geo.Events.from_rows([(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows])


def _share(part: int, base: int) -> float | None:
    return part / base if base else None


def _year_row(key: tuple[str, int], tot: dict, result: geo.MissionYearResult, events: geo.Events) -> dict:
    counts = geo.tally(result, events.deaths)
    placed = counts["near"]["incidents"] + counts["far"]["incidents"]
    placed_deaths_base = counts["near"]["deaths"] + counts["far"]["deaths"]
    troops = tot["troops"]
    near_deaths = counts["near"]["deaths"]
    return {
        "mission": key[0], "year": key[1], **tot, **counts,
        "incidents_in_host_countries": len(result.index),
        "covered": len(result.index) > 0,  # False: the store holds no incident in these countries that year
        "near_share_of_placed_incidents": {"value": _share(counts["near"]["incidents"], placed), "base": placed},
        "near_share_of_placed_deaths": {"value": _share(near_deaths, placed_deaths_base), "base": placed_deaths_base},
        "near_deaths_per_1000_troops": (near_deaths / troops * 1000) if troops else None,
    }


def near(engine: Engine, within_km: float = DEFAULT_DISTANCE_KM, mission: str | None = None) -> dict[str, Any]:
    """Harm near vs far by mission and year (every mission with deployments, or one)."""
    within_km = check_distance(within_km)
    with engine.connect() as conn:
        if mission and store.mission(conn, mission) is None:
            raise NotFound(f"no mission {mission}")
        rows = store.deployment_rows(conn, mission)
        crosswalk: dict[str, set[str]] = defaultdict(set)
        for c in store.mission_countries(conn, mission):
            if c["country_iso3"]:
                crosswalk[c["mission"]].add(c["country_iso3"])
        locyears = _location_years(rows)
        hosts = {k: _hosts(v, crosswalk[k[0]]) for k, v in locyears.items()}
        raw, events = _events(conn, hosts)
    points = {k: np.array([[c["lat"], c["lon"]] for c in v.values()]) for k, v in locyears.items()}
    results = geo.near_far(points, hosts, events, within_km)
    totals = troop_totals(rows)
    out = [_year_row(k, totals[k], results[k], events) | {"host_countries": sorted(hosts[k])} for k in sorted(results)]
    return {"within_km": within_km, "distances_offered": list(DISTANCES_KM), "rows": out, "precision_rule": precision_rule(within_km),
            "association_note": ASSOCIATION_NOTE, "troops_note": TROOPS_NOTE, "_results": results, "_events": raw}


def precision_rule(within_km: float) -> str:
    radii = ", ".join(f"{p} ±{r:g} km" for p, r in PRECISION_RADIUS_KM.items())
    return (f"An incident is near when it lies within {within_km:g} km of a deployed location wherever it happened inside its "
            f"precision radius ({radii}); far when it lies beyond {within_km:g} km wherever it happened; otherwise, and for "
            "coarser precisions (admin2, admin1, country, unknown), its place is too imprecise to say.")


def mission_detail(engine: Engine, acronym: str, within_km: float = DEFAULT_DISTANCE_KM, as_of: date | None = None) -> dict[str, Any]:
    as_of = as_of or _today()
    nf = near(engine, within_km, acronym)
    with engine.connect() as conn:
        m = store.mission(conn, acronym)
        if m is None:
            raise NotFound(f"no mission {acronym}")
        rows = store.deployment_rows(conn, acronym)
        mandates = store.mandates(conn, acronym)
        countries = store.mission_countries(conn, acronym)
        contributions = store.contributions(conn, acronym=acronym)
        hks = store.hks_troops(conn, acronym)
    locyears = _location_years(rows)
    results, raw = nf.pop("_results"), nf.pop("_events")
    deployments = [{"year": y, **{k: v for k, v in c.items()}} for (_, y), locs in sorted(locyears.items()) for c in locs.values()]
    peacekeepers = _peacekeeper_incidents(results, raw)
    contributors: dict[int, dict[str, dict]] = defaultdict(dict)
    for c in contributions:
        cell = contributors[c["year"]].setdefault(c["country_iso3"] or c["country_name"], {
            "country_iso3": c["country_iso3"], "country_name": c["country_name"], "locations": 0, "size_known": 0, "size": 0, "size_unknown": 0})
        cell["locations"] += 1
        if c["size"] is None:
            cell["size_unknown"] += 1
        else:
            cell["size_known"] += 1
            cell["size"] += c["size"]
    return {
        "mission": {**m, "raw": None, "aggregate_of": m["aggregate_of"].split(",") if m["aggregate_of"] else [],
                    "active": active_on(m["start_date"], m["end_date"], m["active_received"], as_of),
                    "host_countries": sorted({c["country_iso3"] for c in countries if c["country_iso3"]})},
        "as_of": as_of,
        "mandates": mandates,
        "mandate_note": ("POC and robust-mandate flags come from Hultman, Kathman & Shannon (2013), which covers 1991–2008, and "
                         "from the mandate list you keep (docs/missions.md#mandates); no other period is assumed."),
        "troops": [{"year": r["year"], "troops": r["troops"], "locations": r["locations"], "locations_troops_unknown": r["locations_troops_unknown"]} for r in nf["rows"]],
        "hks_troops": hks,
        "deployments": deployments,
        "near": nf,
        "before_after": before_after(engine, acronym, within_km, locyears),
        "peacekeeper_incidents": peacekeepers,
        "contributors": [{"year": y, "countries": sorted(v.values(), key=lambda c: -(c["size"] or 0))} for y, v in sorted(contributors.items())],
        "association_note": ASSOCIATION_NOTE, "troops_note": TROOPS_NOTE,
    }


def _peacekeeper_incidents(results: dict, raw: list[tuple]) -> list[dict]:
    """Incidents whose perpetrator category is peacekeepers, in the mission's host country-years."""
    out, seen = [], set()
    for (_mission, year), res in sorted(results.items()):
        for i, code, dist in zip(res.index, res.code, res.distance_km, strict=True):
            r = raw[int(i)]
            if r[7] != PartyCategory.PEACEKEEPERS.value or r[0] in seen:
                continue
            seen.add(r[0])
            out.append({"incident_id": r[0], "year": year, "date": r[8], "country": r[2], "location": r[9],
                        "civilian_deaths": r[6], "proximity": geo.CODES[int(code)].value,
                        "distance_km": None if not np.isfinite(dist) else round(float(dist), 1)})
    return out


def before_after(engine: Engine, acronym: str, within_km: float, locyears: dict | None = None) -> dict[str, Any]:
    """Harm near the locations a mission left, in the years before and after it left them."""
    within_km = check_distance(within_km)
    with engine.connect() as conn:
        if locyears is None:
            locyears = _location_years(store.deployment_rows(conn, acronym))
        by_loc: dict[tuple, list[int]] = defaultdict(list)
        info: dict[tuple, dict] = {}
        for (_, y), locs in locyears.items():
            for k, c in locs.items():
                by_loc[k].append(y)
                info[k] = c
        data_end = max((y for _, y in locyears), default=None)
        cohorts: dict[int, list[tuple]] = defaultdict(list)  # first year absent -> locations left
        for k, ys in by_loc.items():
            present = set(ys)
            for y in sorted(present):
                if y + 1 not in present and data_end is not None and (y + 1 <= data_end or _mission_ended(conn, acronym, y)):
                    cohorts[y + 1].append(k)
        out, uncovered = [], 0
        for left, locs in sorted(cohorts.items()):
            countries = {info[k]["country"] for k in locs if info[k]["country"]}
            years = list(range(left - BEFORE_AFTER_YEARS, left + BEFORE_AFTER_YEARS))
            rows = store.events(conn, countries, years) if countries else []
            ev = geo.Events.from_rows([(r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows])
            pts = np.array([[info[k]["lat"], info[k]["lon"]] for k in locs])
            hosts = {("left", y): countries for y in years}
            res = geo.near_far({("left", y): pts for y in years}, hosts, ev, within_km)
            by_year = []
            for y in years:
                t = geo.tally(res[("left", y)], ev.deaths)
                n = len(res[("left", y)].index)  # no incident at all in these countries that year: not covered, not zero
                by_year.append({"year": y, "period": "before" if y < left else "after", "covered": n > 0,
                                "near": t["near"] if n else None, "imprecise": t["imprecise"] if n else None,
                                "incidents_in_countries": n})
            if not any(b["covered"] for b in by_year):
                uncovered += 1
                continue
            out.append({"first_year_absent": left, "locations": [{"location": info[k]["location"], "lat": info[k]["lat"], "lon": info[k]["lon"]} for k in locs],
                        "by_year": by_year})
    return {"within_km": within_km, "departures": out, "departures_without_incidents_in_store": uncovered, "note": COVERAGE_NOTE}


def _mission_ended(conn, acronym: str, last_year: int) -> bool:
    m = store.mission(conn, acronym)
    return bool(m and m["end_date"] and m["end_date"].year <= last_year)


def contributors(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = store.contributor_countries(conn)
    for r in rows:
        r["display"] = country_name(r["country_iso3"]) if r["country_iso3"] else r["name"]
    return {"countries": rows, "count": len(rows), "note": "Troop-contributing countries as Geo-PKO's location-year overviews name them."}


def contributor(engine: Engine, iso3: str) -> dict[str, Any]:
    iso3 = iso3.upper()
    if len(iso3) != 3 or not iso3.isalpha():
        raise ValueError(f"country must be an ISO 3166-1 alpha-3 code like CAN, got {iso3!r}")
    with engine.connect() as conn:
        rows = store.contributions(conn, country_iso3=iso3)
    if not rows:
        raise NotFound(f"no deployments of {iso3} in the Geo-PKO contributor tables")
    by: dict[tuple[str, int], dict] = {}
    for r in rows:
        cell = by.setdefault((r["mission"], r["year"]), {"mission": r["mission"], "year": r["year"], "locations": [], "size": 0, "size_known": 0, "size_unknown": 0})
        cell["locations"].append({"location": r["location"], "size": r["size"], "size_text": r["size_text"], "overview": r["overview"]})
        if r["size"] is None:
            cell["size_unknown"] += 1
        else:
            cell["size_known"] += 1
            cell["size"] += r["size"]
    return {"country_iso3": iso3, "name": country_name(iso3), "deployments": [by[k] for k in sorted(by)],
            "missions": sorted({k[0] for k in by}),
            "note": "Sizes are those Geo-PKO's overview text gives per location ('size unknown' where it says so); a sum covers the locations with a size only.",
            "troops_note": TROOPS_NOTE}


def deployments_layer(engine: Engine, year: int | None = None) -> dict[str, Any]:
    """Deployed locations of every mission in a year (default: the latest), for the map."""
    with engine.connect() as conn:
        rows = store.deployment_rows(conn)
    locyears = _location_years(rows)
    years = sorted({y for _, y in locyears})
    if year is None and years:
        year = years[-1]
    points = [{"mission": m, "year": y, "location": c["location"], "lat": c["lat"], "lon": c["lon"], "troops": c["troops"], "hq": c["hq"]}
              for (m, y), locs in sorted(locyears.items()) if y == year for c in locs.values()]
    return {"year": year, "years": years, "points": points, "troops_note": TROOPS_NOTE}


__all__ = ["PROXIMITY_LABELS", "Proximity", "before_after", "contributor", "contributors", "deployments_layer",
           "list_missions", "mission_detail", "near", "troop_totals"]


def poc_personnel(engine: Engine, as_of: date | None = None) -> dict[str, Any]:
    """Troops deployed on `as_of` in missions with a POC mandate: Geo-PKO's average troop numbers
    for the year of `as_of`, summed over missions active that day whose first POC mandate began
    on or before it. A mission with no Geo-PKO row for that year adds nothing and is listed
    apart (troop figures are indicative)."""
    as_of = as_of or _today()
    data = list_missions(engine, as_of)
    with engine.connect() as conn:
        totals = troop_totals(store.deployment_rows(conn))
    counted, missing = [], []
    for m in data["missions"]:
        since = m["poc_mandate_since"]
        if not m["active"] or since is None or since > as_of:
            continue
        tot = totals.get((m["acronym"], as_of.year))
        if tot is None or tot["troops"] is None:
            missing.append(m["acronym"])
        else:
            counted.append({"mission": m["acronym"], "troops": tot["troops"]})
    return {"as_of": as_of, "year": as_of.year, "troops": sum(c["troops"] for c in counted) if counted else None,
            "missions": counted, "missions_without_figure": sorted(missing), "troops_note": TROOPS_NOTE}
