"""Early-warning speed: fit and predict for every country-month of a large store.

    python benchmarks/run.py forecasts [--rows 250000] [--seed 3] [--level country]

A GED-layout file of `--rows` events is generated from the real GED files (generate.py) and
imported into a fresh SQLite store (cached in benchmarks/out/data/). Timed: reading the panel
from the store, fitting the model on every month (no backtest), predicting. Target (issue 19):
fit and predict under 2 minutes at 2.5M reports on this 2-core machine. Baseline, same
process: the conflictology forecaster (each unit's last 12 months as its distribution) computed
straight from the incidents table with DuckDB.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_SECONDS = 120.0


def store_with(rows: int, seed: int) -> Path:
    import generate

    from civwatch.services import importing
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    data = HERE / "out" / "data"
    data.mkdir(parents=True, exist_ok=True)
    db = data / f"forecasts-ged-{rows}-{seed}.sqlite"
    if db.exists():
        return db
    csv = generate.cached("ged", rows, seed)
    partial = db.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{partial}")
    migrate.upgrade(engine)
    importing.import_file(engine, csv, actor="bench")
    engine.dispose()
    partial.rename(db)
    return db


def conflictology_duckdb(db: Path) -> float:
    import sqlite3

    import duckdb
    import pandas as pd

    began = time.perf_counter()
    con = duckdb.connect()
    # DuckDB's sqlite extension would download at run time: the cells are read with pandas
    frame = pd.read_sql_query(
        "SELECT country_iso3 AS unit, month, SUM(COALESCE(civilian_deaths_best, 0)) AS deaths FROM incidents GROUP BY 1, 2",
        sqlite3.connect(db),
    )
    con.register("cells", frame)
    con.execute("""
        WITH last AS (SELECT unit, MAX(month) AS m FROM cells GROUP BY unit)
        SELECT c.unit, quantile_cont(c.deaths, [0.05, 0.5, 0.95]), AVG(CASE WHEN c.deaths >= 1 THEN 1 ELSE 0 END)
        FROM cells c JOIN last l ON c.unit = l.unit
        WHERE c.month > strftime(CAST(strptime(l.m || '-01', '%Y-%m-%d') - INTERVAL 12 MONTH AS DATE), '%Y-%m')
        GROUP BY c.unit
    """).fetchall()
    return time.perf_counter() - began


def run(argv: list[str]) -> list[dict]:
    from civwatch.analytics import forecasts as fa
    from civwatch.services import forecasts
    from civwatch.store.db import make_engine

    p = argparse.ArgumentParser(prog="forecasts")
    p.add_argument("--rows", type=int, default=250_000)
    p.add_argument("--seed", type=int, default=3)
    p.add_argument("--level", default="country", choices=("country", "admin1"))
    args = p.parse_args(argv)
    db = store_with(args.rows, args.seed)
    engine = make_engine(f"sqlite:///{db}")
    t0 = time.perf_counter()
    panel = forecasts.build_panel(engine, args.level)
    t1 = time.perf_counter()
    model = fa.fit(panel)
    t2 = time.perf_counter()
    out = fa.predict(panel, model)
    t3 = time.perf_counter()
    engine.dispose()
    baseline = conflictology_duckdb(db)
    total = t3 - t0
    return [
        {"case": f"read panel ({args.rows:,} reports, {len(panel.units)} units x {panel.y.shape[1]} months)", "figure": t1 - t0, "unit": "s"},
        {"case": "fit (6 horizons, no backtest)", "figure": t2 - t1, "unit": "s"},
        {"case": f"predict ({len(out)} forecasts)", "figure": t3 - t2, "unit": "s"},
        {"case": "read + fit + predict", "figure": total, "unit": "s", "baseline": baseline, "ratio": total / baseline,
         "target": f"< {TARGET_SECONDS:.0f} s at 2.5M reports", "meets_target": total < TARGET_SECONDS if args.rows >= 2_500_000 else None},
    ]
