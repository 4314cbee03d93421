# ruff: noqa: S608 -- SQL here is assembled from constant column lists and file paths of this script, never input
"""Indicator and /api/incidents latency at scale, beside raw DuckDB over a Parquet copy.

    python benchmarks/bench_indicators.py --rows 2500000 --backend sqlite,postgres
    python benchmarks/run.py indicators --rows 2500000

Reports are drawn from the real UCDP GED files in ../shared/data (place, date +-14 days,
civilian deaths, type of violence), 80 % as `ucdp-ged`, 20 % as `acled`, each its own incident
(the state before linkage); 5 % carry harm rows by sex and age. They are bulk-loaded into a
SQLite file / PostgreSQL database (kept under --workdir for re-runs), and written to Parquet.
Each case is timed uncached (result cache emptied; the cube freshness check included) and
beside it the same question asked of DuckDB over the Parquet files, in the same process.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
EXPLOSIVE = ("explosive_air_launched", "explosive_ground_launched", "explosive_improvised", "explosive_landmine_erw", "drone")
WEAPONS = np.array(["small_arms", *EXPLOSIVE, "unknown", "melee", "abduction"])
WEAPON_P = np.array([0.35, 0.12, 0.14, 0.08, 0.03, 0.04, 0.18, 0.03, 0.03])
CATEGORIES = np.array(["state_forces", "non_state_armed_group", "private_military_security", "peacekeepers", "unknown"])
CATEGORY_P = np.array([0.38, 0.42, 0.02, 0.01, 0.17])
GRADES = np.array(["ungraded", "weak", "fair", "confirmed", "contested"])
GRADE_P = np.array([0.7, 0.12, 0.1, 0.05, 0.03])
VIOLENCE = {"1": "state_based", "2": "non_state", "3": "one_sided"}


def real_events() -> list[dict]:
    """Every event in the GED files of shared data: date, country, place, civilian deaths."""
    import pycountry

    names: dict[str, str] = {}

    def iso3(name: str) -> str:
        if name not in names:
            base = name.split("(")[0].strip()
            try:
                names[name] = pycountry.countries.search_fuzzy(base)[0].alpha_3
            except LookupError:
                names[name] = "XKX" if "Kosovo" in name else "ZZZ"
        return names[name]

    out = []
    for path in sorted((SHARED / "ucdp_ged").glob("ged_*.csv")):
        if "hxl" in path.name or "api_style" in path.name:
            continue
        with path.open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                out.append({
                    "day": date.fromisoformat(r["date_start"][:10]),
                    "country": iso3(r["country"]),
                    "admin1": r.get("adm_1") or None,
                    "location": (r.get("where_coordinates") or "")[:80] or None,
                    "lat": float(r["latitude"]) if r.get("latitude") else None,
                    "lon": float(r["longitude"]) if r.get("longitude") else None,
                    "deaths": int(float(r["deaths_civilians"] or 0)),
                    "violence": VIOLENCE.get(r["type_of_violence"], "other"),
                })
    return out


INC_COLS = ["id", "date_start", "date_end", "date_precision", "year", "month", "country_iso3", "latitude", "longitude",
            "geo_precision", "admin1", "location", "populated_area", "civilian_deaths_low", "civilian_deaths_best",
            "civilian_deaths_high", "civilian_injuries_best", "weapon", "perpetrator_category", "violence_type", "grade",
            "n_reports", "sources", "headline", "manual", "responsibility_accepted", "created_at", "updated_at"]
REP_COLS = ["id", "incident_id", "source", "source_id", "version", "content_sha", "date_start", "date_end", "date_precision",
            "year", "month", "country_iso3", "latitude", "longitude", "geo_precision", "admin1", "location", "populated_area",
            "civilian_deaths_low", "civilian_deaths_best", "civilian_deaths_high", "civilian_injuries_best", "weapon",
            "violence_type", "perpetrator_category", "headline", "notes", "raw", "created_at", "updated_at"]
HARM_COLS = ["report_id", "outcome", "sex", "age_group", "civilian", "best"]


def chunks(events: list[dict], rows: int, seed: int = 4, size: int = 50_000):
    """(incidents, reports, harm) row tuples in chunks; the same seed gives the same data."""
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    for start in range(0, rows, size):
        n = min(size, rows - start)
        pick = rng.integers(0, len(events), n)
        shift = rng.integers(-14, 15, n)
        weapon = rng.choice(WEAPONS, n, p=WEAPON_P)
        category = rng.choice(CATEGORIES, n, p=CATEGORY_P)
        grade = rng.choice(GRADES, n, p=GRADE_P)
        populated = rng.choice(np.array([1, 0, -1]), n, p=[0.5, 0.2, 0.3])
        acled = rng.random(n) < 0.2
        injured = rng.random(n) < 0.1
        harmed = rng.random(n) < 0.05
        incs, reps, harm = [], [], []
        for k in range(n):
            i = start + k + 1
            e = events[pick[k]]
            day = e["day"] + timedelta(days=int(shift[k]))
            pop = None if populated[k] < 0 else bool(populated[k])
            src = "acled" if acled[k] else "ucdp-ged"
            deaths = e["deaths"]
            inj = int(deaths // 2 + 1) if injured[k] else None
            headline = f"{e['violence'].replace('_', ' ')} event in {e['admin1'] or e['country']}"
            place = (day, day, "day", day.year, day.strftime("%Y-%m"), e["country"], e["lat"], e["lon"], "exact", e["admin1"], e["location"], pop)
            incs.append((i, *place, deaths, deaths, deaths, inj, str(weapon[k]), str(category[k]), e["violence"], str(grade[k]), 1, src, headline, False, False, now, now))
            reps.append((i, i, src, f"b{i}", 1, f"{i:064x}", *place, deaths, deaths, deaths, inj, str(weapon[k]), e["violence"], str(category[k]), headline, None, "{}", now, now))
            if harmed[k] and deaths:
                girls = int(deaths // 3)
                harm.append((i, "killed", "female", "child", True, girls))
                harm.append((i, "killed", "male", "adult", True, deaths - girls))
        yield incs, reps, harm


def load_sqlite(engine, events: list[dict], rows: int) -> None:
    raw = engine.raw_connection()
    cur = raw.cursor()
    for incs, reps, harm in chunks(events, rows):
        cur.executemany(f"INSERT INTO incidents ({','.join(INC_COLS)}) VALUES ({','.join('?' * len(INC_COLS))})", [_sqlite(r) for r in incs])
        cur.executemany(f"INSERT INTO reports ({','.join(REP_COLS)}) VALUES ({','.join('?' * len(REP_COLS))})", [_sqlite(r) for r in reps])
        cur.executemany(f"INSERT INTO harm ({','.join(HARM_COLS)}) VALUES ({','.join('?' * len(HARM_COLS))})", harm)
        raw.commit()
    raw.close()


def _sqlite(row: tuple) -> tuple:
    return tuple(v.isoformat() if isinstance(v, date | datetime) else v for v in row)


def load_postgres(engine, events: list[dict], rows: int) -> None:
    raw = engine.raw_connection()
    cur = raw.cursor()
    for incs, reps, harm in chunks(events, rows):
        for table, cols, data in (("incidents", INC_COLS, incs), ("reports", REP_COLS, reps), ("harm", HARM_COLS, harm)):
            with cur.copy(f"COPY {table} ({','.join(cols)}) FROM STDIN") as copy:
                for r in data:
                    copy.write_row(r)
        raw.commit()
    for table in ("incidents", "reports", "harm"):
        cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    cur.execute("ANALYZE")
    raw.commit()
    raw.close()


def open_store(backend: str, rows: int, workdir: Path):
    """A store with `rows` reports (built once, reused)."""
    from sqlalchemy import create_engine, func, select, text

    from civwatch.store import migrate
    from civwatch.store.db import make_engine
    from civwatch.store.schema import reports

    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'bench-{rows}.sqlite'}"
    else:
        name = f"civwatch_bench_{rows}"
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            if not c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                c.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with engine.connect() as c:
        have = c.execute(select(func.count()).select_from(reports)).scalar_one()
    load_s = None
    if have != rows:
        if have:
            raise SystemExit(f"{url} holds {have} reports, not {rows}: delete it first")
        t = time.perf_counter()
        events = real_events()
        (load_sqlite if backend == "sqlite" else load_postgres)(engine, events, rows)
        from civwatch.domain.events import ImportBatchDone
        from civwatch.store import audit

        with engine.begin() as c:
            audit.append(c, ImportBatchDone(actor="benchmark", entity_id=f"{rows} synthetic reports"))
        load_s = time.perf_counter() - t
    return engine, load_s


def write_parquet(engine, workdir: Path, rows: int) -> Path:
    """The same incidents, reports and harm as Parquet files (once)."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from sqlalchemy import text

    out = workdir / f"parquet-{rows}"
    if (out / "harm.parquet").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    for table, cols in (("incidents", INC_COLS), ("reports", REP_COLS), ("harm", ["id", *HARM_COLS])):
        keep = [c for c in cols if c not in ("raw", "created_at", "updated_at", "content_sha")]
        writer = None
        cur = raw.cursor()
        cur.execute(str(text(f"SELECT {','.join(keep)} FROM {table} ORDER BY id")))
        while batch := cur.fetchmany(200_000):
            cols_data = list(zip(*batch, strict=True))
            arrays = {}
            for name, values in zip(keep, cols_data, strict=True):
                if name in ("date_start", "date_end"):
                    values = [v if isinstance(v, date) else date.fromisoformat(v) for v in values]
                arrays[name] = pa.array(values)
            t = pa.table(arrays)
            if writer is None:
                writer = pq.ParquetWriter(out / f"{table}.parquet", t.schema)
            writer.write_table(t)
        writer.close()
    raw.close()
    return out


def percentiles(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    return timed(fn, repeat)[:2]


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """p50 and p95 of the wall-clock ms, and the mean CPU ms of this process per call (the part
    the machine's load does not add to: the CPU time a call itself used, in Python and in SQLite)."""
    fn()  # warm
    times = []
    cpu = time.process_time()
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu) * 1000 / repeat
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))], cpu


def load_average() -> str:
    return " / ".join(f"{v:.1f}" for v in os.getloadavg())


def duck_sql(case: dict, pq: Path) -> str:
    """The same question as plain SQL over the Parquet files (DuckDB)."""
    by = {"year": "year", "month": "month", "country": "country_iso3", "party_category": "perpetrator_category",
          "weapon": "weapon", "grade": "grade", "source": "sources"}[case["by"]]
    inc, rep, harm = (f"read_parquet('{pq / f}.parquet')" for f in ("incidents", "reports", "harm"))
    table = inc
    if case.get("source"):
        table = f"(SELECT *, source AS sources, 1 AS n_reports FROM {rep} WHERE source = '{case['source']}')"
    name = case["name"]
    if name == "civilian-deaths":
        sel = "sum(coalesce(civilian_deaths_best,0)), sum(coalesce(civilian_deaths_low,civilian_deaths_best,0)), sum(coalesce(civilian_deaths_high,civilian_deaths_best,0))"
    elif name == "civilian-injuries":
        sel = "sum(coalesce(civilian_injuries_best,0)), count(civilian_injuries_best)"
    elif name == "incidents":
        sel = "count(*)"
    elif name == "reports":
        sel = "sum(n_reports)"
    elif name == "ewipa-share":
        ex = ",".join(f"'{w}'" for w in EXPLOSIVE)
        sel = (f"sum(CASE WHEN weapon IN ({ex}) AND populated_area THEN coalesce(civilian_deaths_best,0)+coalesce(civilian_injuries_best,0) ELSE 0 END)"
               " / nullif(sum(coalesce(civilian_deaths_best,0)+coalesce(civilian_injuries_best,0)),0)")
    elif name == "women-children-share":
        table = (f"(SELECT i.*, h.wc, h.dis FROM {table} i LEFT JOIN (SELECT r.incident_id, sum(CASE WHEN sex='female' OR age_group='child' THEN best ELSE 0 END) wc,"
                 f" sum(best) dis FROM {harm} h JOIN {rep} r ON r.id = h.report_id GROUP BY r.incident_id) h ON h.incident_id = i.id)")
        sel = "sum(coalesce(wc,0)) / nullif(sum(coalesce(dis,0)),0), count(dis)"
    else:
        raise ValueError(name)
    return f"SELECT {by}, {sel} FROM {table} GROUP BY {by}"


CASES = [
    {"name": n, "by": "year"} for n in ("civilian-deaths", "civilian-injuries", "incidents", "reports", "women-children-share", "ewipa-share")
] + [
    {"name": "civilian-deaths", "by": b} for b in ("month", "country", "party_category", "weapon", "grade", "source")
] + [{"name": "civilian-deaths", "by": "year", "source": "ucdp-ged"}]


def bench_backend(backend: str, rows: int, repeat: int, workdir: Path, rebuild: bool = True, duck_baseline: bool = True) -> list[dict]:
    from fastapi.testclient import TestClient

    from civwatch.app import create_app
    from civwatch.domain.query import Filters
    from civwatch.services import indicators

    out: list[dict] = []
    engine, load_s = open_store(backend, rows, workdir)
    out.append({"case": f"{backend}: load average (1 / 5 / 15 min) at start", "figure": load_average(), "unit": ""})
    if load_s is not None:
        out.append({"case": f"{backend}: bulk load {rows} reports", "figure": round(load_s, 1), "unit": "s"})
    if backend == "postgres":
        from sqlalchemy import text

        with engine.connect() as c:
            size = c.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        out.append({"case": f"{backend}: database size", "figure": round(size / 2**30, 2), "unit": "GiB"})
    if rebuild or load_s is not None:
        t = time.perf_counter()
        cube_rows = indicators.refresh(engine)
        out.append({"case": f"{backend}: cube rebuild ({cube_rows} cube rows)", "figure": round(time.perf_counter() - t, 2), "unit": "s"})
    else:
        t = time.perf_counter()
        indicators.ensure_fresh(engine)  # rebuilds only when the store moved on since
        out.append({"case": f"{backend}: cube freshness check (no rebuild unless stale)", "figure": round(time.perf_counter() - t, 2), "unit": "s"})
    duck = None
    if duck_baseline:
        import duckdb

        pq = write_parquet(engine, workdir, rows)
        duck = duckdb.connect()

    def beside(label: str, p50: float, p95: float, cpu: float, sql: str | None) -> dict:
        row = {"case": label, "figure": round(p95, 2), "p50": round(p50, 2), "cpu_ms": round(cpu, 2), "unit": "ms p95"}
        if duck is not None and sql is not None:
            d50, d95 = percentiles(lambda: duck.execute(sql).fetchall(), repeat)
            row |= {"baseline": round(d95, 2), "baseline_p50": round(d50, 2), "ratio": round(p95 / d95, 2) if d95 else None}
        return row

    for case in CASES:
        f = Filters(source=case.get("source"))

        def ours(case=case, f=f):
            indicators._cache.clear()
            return indicators.indicator(engine, case["name"], by=case["by"], filters=f)

        p50, p95, cpu = timed(ours, repeat)
        label = f"{backend}: {case['name']} by {case['by']}" + (f" source={case['source']}" if case.get("source") else "")
        out.append(beside(label, p50, p95, cpu, duck_sql(case, pq) if duck is not None else None))

    client = TestClient(create_app(engine, private_reads=False))
    cached = percentiles(lambda: client.get("/api/indicators/civilian-deaths", params={"by": "year"}), repeat)
    out.append({"case": f"{backend}: GET /api/indicators/civilian-deaths?by=year (cached)", "figure": round(cached[1], 2), "p50": round(cached[0], 2), "unit": "ms p95"})

    inc = f"read_parquet('{pq / 'incidents.parquet'}')" if duck is not None else ""
    pages = {
        "first page": ({"limit": 50}, f"SELECT * FROM {inc} ORDER BY date_start DESC, id DESC LIMIT 51"),
        "country=SYR": ({"limit": 50, "country": "SYR"}, f"SELECT * FROM {inc} WHERE country_iso3='SYR' ORDER BY date_start DESC, id DESC LIMIT 51"),
    }
    for label, (params, sql) in pages.items():
        state = {"cursor": None, "n": 0}

        def page(params=params, state=state):
            p = dict(params)
            if state["cursor"] and state["n"] % 10:
                p["cursor"] = state["cursor"]
            r = client.get("/api/incidents", params=p)
            r.raise_for_status()
            state["cursor"] = r.json()["next_cursor"]
            state["n"] += 1

        p50, p95, cpu = timed(page, repeat)
        out.append(beside(f"{backend}: GET /api/incidents {label} (pages 1-10 by cursor)", p50, p95, cpu, sql))

    # one incident with its reports side by side: the API and the page, at ids spread over the store
    from sqlalchemy import func, select

    from civwatch.store.schema import incidents as incidents_t

    with engine.connect() as c:
        top = c.execute(select(func.max(incidents_t.c.id))).scalar_one()
    ids = [int(i) for i in np.random.default_rng(24).integers(1, top + 1, repeat + 1)]
    for label, path in (("GET /api/incidents/{id}", "/api/incidents/{}"), ("GET /incidents/{id} (HTML page)", "/incidents/{}")):
        state = {"n": 0}

        def one(path=path, state=state):
            r = client.get(path.format(ids[state["n"] % len(ids)]))
            r.raise_for_status()
            state["n"] += 1

        p50, p95, cpu = timed(one, repeat)
        sql = f"SELECT * FROM {inc} WHERE id = {ids[0]}" if duck is not None else None
        out.append(beside(f"{backend}: {label}, random ids", p50, p95, cpu, sql))
    out.append({"case": f"{backend}: load average (1 / 5 / 15 min) at end", "figure": load_average(), "unit": ""})
    engine.dispose()
    return out


def run(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--backend", default="sqlite,postgres")
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "civwatch-bench-indicators")
    ap.add_argument("--no-rebuild", action="store_true", help="keep the stored cube when it is current (a rebuild takes minutes at 25M)")
    ap.add_argument("--no-duckdb", action="store_true", help="no Parquet copy and no DuckDB baseline (at 25M the copy alone is gigabytes)")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for backend in args.backend.split(","):
        results += bench_backend(backend.strip(), args.rows, args.repeat, args.workdir,
                                 rebuild=not args.no_rebuild, duck_baseline=not args.no_duckdb)
    return results


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
