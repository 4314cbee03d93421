"""Import speed and memory: civwatch's importer against pandas read_csv + to_sql.

    python benchmarks/run.py import [--rows 100000 2500000] [--layouts ged acled]
                                    [--stores sqlite postgres] [--seed 0] [--no-baseline]

For every generated file (benchmarks/generate.py, cached in benchmarks/out/data/) and store,
two runs, each in its own child process so peak RSS is that run's alone, each into a fresh
store (a new SQLite file; a new PostgreSQL database on CIVWATCH_BENCH_POSTGRES_URL, default
127.0.0.1:5432):

* civwatch: services.importing.import_file (full mapping, raw kept, rejects kept);
* baseline: pandas read_csv in chunks of 100k rows + DataFrame.to_sql (append; through
  sqlite3 for SQLite, pandas' fastest path there; through SQLAlchemy + psycopg for PostgreSQL),
  which does strictly less (no mapping, no raw JSON, no idempotence checks).

Figure: rows read per second of wall time (store set-up and migration not counted). Beside it,
`csv_parse_floor`: rows/s of one bare csv.reader pass over the same file, measured in the same
run, which shows how fast the (shared, loaded) machine is at that moment.
Targets (issue 3): SQLite >= 100k rows/s and >= 1.5x the baseline; PostgreSQL >= 100k rows/s;
peak RSS < 500 MB at 2.5M rows.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
PG_SERVER = os.environ.get("CIVWATCH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FORMAT = {"ged": "ucdp-ged", "acled": "acled", "acled-2020": "acled", "acled-old": "acled"}
ENCODING = {"acled-old": "cp1252"}
TARGET_ROWS_PER_S = 100_000
TARGET_RATIO_SQLITE = 1.5
TARGET_RSS_MB = 500


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench import", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--layouts", nargs="+", default=["ged", "acled"], choices=sorted(FORMAT))
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the pandas runs")
    parser.add_argument("--keep", action="store_true", help="keep the stores after the runs")
    parser.add_argument("--profile", action="store_true",
                        help="profile civwatch's runs with pyinstrument (benchmarks/out/profile-*.txt)")
    return parser.parse_args(argv)


def generated(layout: str, rows: int, seed: int) -> Path:
    """The generated file for (layout, rows, seed), made once and reused (generate.cached)."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import generate

    return generate.cached(layout, rows, seed)


# ---------------------------------------------------------------- child side


def _fresh_store(store: str, workdir: Path) -> tuple[str, callable]:
    from sqlalchemy import create_engine, make_url, text

    if store == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.sqlite"
        def drop() -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}", drop
    name = f"civwatch_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop_db() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False), drop_db


def _run_civwatch(url: str, path: Path, layout: str, profile: str | None = None) -> dict:
    from civwatch.services.importing import import_file
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    began = time.perf_counter()
    summary = import_file(engine, path, format=FORMAT[layout], actor="bench")
    took = time.perf_counter() - began
    if profiler is not None:
        profiler.stop()
        Path(profile).write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    engine.dispose()
    return {"seconds": took, "read": summary.read, "accepted": summary.accepted,
            "rejected": summary.rejected}


def _run_pandas(url: str, path: Path, layout: str) -> dict:
    """pandas' fastest plain path: its own sqlite3 writer for SQLite, SQLAlchemy for PostgreSQL."""
    import sqlite3

    import pandas as pd
    from sqlalchemy import create_engine

    con = sqlite3.connect(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else create_engine(url)
    began = time.perf_counter()
    read = 0
    for chunk in pd.read_csv(path, chunksize=100_000, encoding=ENCODING.get(layout, "utf-8"),
                             low_memory=False):
        chunk.to_sql("events", con, if_exists="append", index=False)
        read += len(chunk)
    if isinstance(con, sqlite3.Connection):
        con.commit()
        con.close()
    else:
        con.dispose()
    took = time.perf_counter() - began
    return {"seconds": took, "read": read, "accepted": read, "rejected": 0}


def _run_floor(path: Path, layout: str) -> dict:
    """The machine's floor: one pass of the plain csv module over the file, nothing else."""
    import csv

    began = time.perf_counter()
    with path.open(encoding=ENCODING.get(layout, "utf-8"), newline="") as handle:
        read = sum(1 for _ in csv.reader(handle)) - 1
    return {"seconds": time.perf_counter() - began, "read": read, "accepted": read, "rejected": 0}


def child(spec: dict) -> dict:
    """One measured run, in this (child) process."""
    if spec["kind"] == "floor":
        result = _run_floor(Path(spec["path"]), spec["layout"])
    else:
        workdir = Path(spec["workdir"])
        url, drop = _fresh_store(spec["store"], workdir)
        try:
            if spec["kind"] == "civwatch":
                result = _run_civwatch(url, Path(spec["path"]), spec["layout"], spec.get("profile"))
            else:
                result = _run_pandas(url, Path(spec["path"]), spec["layout"])
        finally:
            if not spec.get("keep"):
                drop()
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["rows_per_s"] = result["read"] / result["seconds"] if result["seconds"] else 0.0
    return result


# ---------------------------------------------------------------- parent side


def measure(spec: dict) -> dict:
    """Run `spec` in a fresh Python process; its result or the error it died with."""
    proc = subprocess.run([sys.executable, __file__, "--child", json.dumps(spec)],
                          capture_output=True, text=True)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit {proc.returncode}"}
    return json.loads(lines[-1])


def postgres_answers() -> bool:
    from sqlalchemy import create_engine

    try:
        engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 2})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means: no server to measure
        return False


def targets(store: str, rows: int, rate: float, ratio: float | None, rss: float) -> tuple[str, bool]:
    rules = [(f">= {TARGET_ROWS_PER_S:,} rows/s", rate >= TARGET_ROWS_PER_S)]
    if store == "sqlite" and ratio is not None:
        rules.append((f">= {TARGET_RATIO_SQLITE}x pandas", ratio >= TARGET_RATIO_SQLITE))
    if rows >= 2_500_000:
        rules.append((f"RSS < {TARGET_RSS_MB} MB", rss < TARGET_RSS_MB))
    text = "; ".join(f"{name} {'ok' if ok else 'MISSED'}" for name, ok in rules)
    return text, all(ok for _, ok in rules)


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    stores = list(args.stores)
    if "postgres" in stores and not postgres_answers():
        print(f"   PostgreSQL does not answer at {PG_SERVER}: PostgreSQL runs SKIPPED", flush=True)
        stores.remove("postgres")
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="civwatch-bench-") as workdir:
        for rows in args.rows:
            for layout in args.layouts:
                path = generated(layout, rows, args.seed)
                floor = measure({"kind": "floor", "path": str(path), "layout": layout})
                for store in stores:
                    spec = {"store": store, "path": str(path), "layout": layout,
                            "workdir": workdir, "keep": args.keep}
                    if args.profile:
                        spec["profile"] = str(HERE / "out" / f"profile-{layout}-{rows}-{store}.txt")
                    ours = measure({**spec, "kind": "civwatch"})
                    base = None if args.no_baseline else measure({**spec, "kind": "pandas"})
                    results.append(_result(layout, rows, store, ours, base, floor))
                    print(f"   done: {json.dumps(results[-1])}", flush=True)  # kept if a later run dies
    return results


def _result(layout: str, rows: int, store: str, ours: dict, base: dict | None, floor: dict) -> dict:
    case = f"{layout} {rows:,} rows -> {store}"
    result: dict = {"case": case, "unit": "rows/s", "layout": layout, "rows": rows, "store": store}
    # how fast this machine, as loaded right now, merely parses the file: context for the figures
    result["csv_parse_floor"] = round(floor.get("rows_per_s", 0.0), 1)
    if "error" in ours:
        result.update(figure=0.0, error=ours["error"], meets_target=False)
    else:
        result.update(figure=round(ours["rows_per_s"], 1), seconds=round(ours["seconds"], 2),
                      read=ours["read"], accepted=ours["accepted"], rejected=ours["rejected"],
                      peak_rss_mb=ours["peak_rss_mb"])
    if base is not None:
        if "error" in base:
            result["baseline_error"] = base["error"]
        else:
            result.update(baseline=round(base["rows_per_s"], 1), baseline_seconds=round(base["seconds"], 2),
                          baseline_peak_rss_mb=base["peak_rss_mb"])
            result["ratio"] = round(result["figure"] / result["baseline"], 2) if result["baseline"] else None
    if "error" not in ours:
        result["target"], result["meets_target"] = targets(
            store, rows, result["figure"], result.get("ratio"), result["peak_rss_mb"])
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(child(json.loads(sys.argv[2]))), flush=True)
    else:
        sys.path.insert(0, str(HERE))
        import run as runner

        sys.exit(runner.main(["import", *sys.argv[1:]]))
