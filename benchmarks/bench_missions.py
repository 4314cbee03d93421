"""Benchmark: harm near peacekeeping deployments for every mission-year over many events.

    python benchmarks/bench_missions.py [--events 2500000] [--within 25] [--seed 1]

Deployments are the real Geo-PKO v2.3 location-years (../shared/data/peacekeeping, read with
civwatch's own readers). Events are drawn from real distributions: a mission-year weighted by its
deployed locations, one of its host countries, a point at an exponential distance (mean 60 km,
random bearing) from one of its locations there, a geo precision from ACLED's Africa 2016 export
and civilian deaths from its violence-against-civilians rows (unknown for the other rows, in the
same proportion). Nothing real is written out.

civwatch's path (analytics.missions: a k-d tree over unit vectors per mission-year, then counts) runs
beside a plain DuckDB query (every event of a host country-year joined to every location of the
mission-year, haversine in SQL, minimum per event, the same classification) in the same
process; both must give the same counts. Prints the figure and the ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from civwatch.analytics import missions as geo  # noqa: E402
from civwatch.domain.missions import EARTH_RADIUS_KM, PRECISION_RADIUS_KM, MissionLife  # noqa: E402
from civwatch.sources import dppa, geopko  # noqa: E402
from civwatch.sources.base import open_table  # noqa: E402

SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
PKO = SHARED / "peacekeeping"
ACLED = SHARED / "acled" / "acled_all_africa_2016-01-01_to_2016-05-28.csv"
GEO = {"1": "exact", "2": "near", "3": "admin1"}


def deployments() -> tuple[dict, dict]:
    lives = {}
    for r in dppa.records(open_table(PKO / "un_dppa_dpo_peacekeeping_missions_2024-02-19.csv")):
        if hasattr(r, "values"):
            v = r.values
            lives[v["acronym"]] = MissionLife(v["acronym"], v["start_date"], v["end_date"])
    locs: dict[tuple[str, int], dict[tuple, str]] = defaultdict(dict)
    for r in geopko.records(open_table(PKO / "geopko_v2_3_deployments_by_location_year.csv"), geopko.DEPLOYMENTS, lives):
        if hasattr(r, "values") and r.values["country_iso3"]:
            v = r.values
            locs[(v["mission"], v["year"])][(v["latitude"], v["longitude"])] = v["country_iso3"]
    points = {k: np.array(list(v)) for k, v in locs.items()}
    hosts = {k: set(v.values()) for k, v in locs.items()}
    return points, hosts, locs


def acled_mix() -> tuple[list[str], np.ndarray]:
    precisions, deaths = [], []
    with open(ACLED, encoding="cp1252", newline="") as fh:
        for r in csv.DictReader(fh):
            precisions.append(GEO.get(r["GEO_PRECISION"], "unknown"))
            deaths.append(float(r["FATALITIES"]) if r["EVENT_TYPE"] == "Violence against civilians" else np.nan)
    return precisions, np.array(deaths)


def make_events(n: int, locs: dict, seed: int) -> geo.Events:
    rng = np.random.default_rng(seed)
    flat = [(m, y, lat, lon, c) for (m, y), pts in locs.items() for (lat, lon), c in pts.items()]
    pick = rng.integers(0, len(flat), n)
    base = np.array([(f[2], f[3]) for f in flat])[pick]
    year = np.array([f[1] for f in flat], dtype=np.int64)[pick]
    country = np.array([f[4] for f in flat], dtype=object)[pick]
    dist = rng.exponential(60.0, n)
    bearing = rng.uniform(0, 2 * np.pi, n)
    lat = base[:, 0] + np.degrees(dist / EARTH_RADIUS_KM) * np.cos(bearing)
    lon = base[:, 1] + np.degrees(dist / EARTH_RADIUS_KM) * np.sin(bearing) / np.cos(np.radians(base[:, 0]))
    lat = np.clip(lat, -89.9, 89.9)
    lon = (lon + 180) % 360 - 180
    precisions, deaths = acled_mix()
    j = rng.integers(0, len(precisions), n)
    return geo.Events(year, country, lat, lon, np.array(precisions, dtype=object)[j], deaths[j])


def civwatch_counts(points: dict, hosts: dict, events: geo.Events, within: float) -> dict:
    results = geo.near_far(points, hosts, events, within)
    return {k: {p: (c["incidents"], c["deaths"]) for p, c in geo.tally(r, events.deaths).items()} for k, r in results.items()}


def duckdb_counts(points: dict, hosts: dict, events: geo.Events, within: float) -> dict:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    radius = events.radius()
    ev = pa.table({"eid": np.arange(len(events)), "year": events.year, "country": events.country.astype(str),
                   "lat": events.lat, "lon": events.lon, "radius": radius, "deaths": events.deaths})
    rows = [(m, y, c) for (m, y), cs in hosts.items() for c in cs]
    hs = pa.table({"mission": [r[0] for r in rows], "year": [r[1] for r in rows], "country": [r[2] for r in rows]})
    prow = [(m, y, float(p[0]), float(p[1])) for (m, y), pts in points.items() for p in pts]
    ps = pa.table({"mission": [r[0] for r in prow], "year": [r[1] for r in prow], "plat": [r[2] for r in prow], "plon": [r[3] for r in prow]})
    con.register("ev", ev)
    con.register("hs", hs)
    con.register("ps", ps)
    q = """
    WITH cand AS (SELECT h.mission, e.* FROM ev e JOIN hs h ON e.country = h.country AND e.year = h.year),
    placed AS (SELECT * FROM cand WHERE NOT isnan(radius) AND NOT isnan(lat)),
    dist AS (
      SELECT c.mission, c.eid, any_value(c.radius) AS radius, any_value(c.deaths) AS deaths, any_value(c.year) AS year,
             min(2 * $r * asin(sqrt(
                 pow(sin(radians(p.plat - c.lat) / 2), 2)
               + cos(radians(c.lat)) * cos(radians(p.plat)) * pow(sin(radians(p.plon - c.lon) / 2), 2)))) AS d
      FROM placed c JOIN ps p ON p.mission = c.mission AND p.year = c.year
      GROUP BY c.mission, c.eid),
    cls AS (
      SELECT mission, year, deaths, CASE WHEN d + radius <= $within THEN 'near' WHEN d - radius > $within THEN 'far' ELSE 'imprecise' END AS p FROM dist
      UNION ALL
      SELECT mission, year, deaths, 'imprecise' FROM cand WHERE isnan(radius) OR isnan(lat))
    SELECT mission, year, p, count(*), coalesce(sum(CASE WHEN isnan(deaths) THEN 0 ELSE deaths END), 0) FROM cls GROUP BY ALL
    """
    out: dict = {k: {p: (0, 0) for p in ("near", "far", "imprecise")} for k in points}
    for mission, year, p, n, d in con.execute(q, {"r": EARTH_RADIUS_KM, "within": within}).fetchall():
        out[(mission, int(year))][p] = (int(n), int(d))
    con.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=2_500_000)
    ap.add_argument("--within", type=float, default=25.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    points, hosts, locs = deployments()
    events = make_events(args.events, locs, args.seed)
    print(f"{len(events):,} events; {len(points)} mission-years, {sum(len(p) for p in points.values()):,} deployed location-years; "
          f"precision radii {PRECISION_RADIUS_KM}; within {args.within:g} km")
    geo.nearest_km(np.array([[0.0, 0.0]]), np.array([1.0]), np.array([1.0]))  # import SciPy before timing
    t = time.perf_counter()
    ours = civwatch_counts(points, hosts, events, args.within)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    base = duckdb_counts(points, hosts, events, args.within)
    t_base = time.perf_counter() - t
    if ours != base:
        bad = [k for k in ours if ours[k] != base.get(k)][:5]
        raise SystemExit(f"results differ for {bad}: {[(ours[k], base.get(k)) for k in bad]}")
    total = {p: sum(v[p][0] for v in ours.values()) for p in ("near", "far", "imprecise")}
    print(f"classified (event, mission-year) pairs: {total}")
    print(f"civwatch (k-d tree): {t_ours:.2f} s   DuckDB (plain SQL haversine): {t_base:.2f} s   ratio {t_base / t_ours:.2f}x   (same counts)")
    print(f"target: < 10 s at 2.5M events; this run: {len(events):,} events in {t_ours:.2f} s")


if __name__ == "__main__":
    main()
