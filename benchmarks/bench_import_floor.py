"""The store-write floor: how fast the store takes already-mapped reports, with no file read,
no mapping and no Python per row, against pandas read_csv + to_sql on the file they came from.

    python benchmarks/run.py import_floor [--rows 100000] [--stores sqlite postgres]

It imports a generated ACLED file once (civwatch, SQLite), then times copying what that import
wrote (the raw rows' compressed blocks, incidents, reports, parties, harm) into a fresh,
migrated store of each kind, inside one transaction, as set-wise as each database allows:

* SQLite: INSERT ... SELECT from the first store, attached (C only); once with the indexes in
  place, once with the secondary indexes built after the rows (what a first load does);
* PostgreSQL: COPY of the tables as CSV (dumped beforehand, not timed).

The figure is rows/s of that copy, the baseline pandas' rows/s on the same file and store kind,
measured in the same run. A floor below 1.5x the baseline means no importer writing this
schema (a report with its raw row, its incident, parties and the indexes and foreign keys that
serve queries) can reach 1.5x pandas, whatever it does before the write.
"""

from __future__ import annotations

import argparse
import io
import sqlite3
import tempfile
import time
from pathlib import Path

from bench_import import _fresh_store, _run_pandas, generated

TABLES = ("raw_blocks", "incidents", "reports", "report_parties", "harm")


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench import_floor", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def _columns(con: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in con.execute(f"PRAGMA table_info({table})")]


def _floor_sqlite(source: Path, url: str, indexes_after: bool = False) -> float:
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "cache_size=-65536"):
        con.execute(f"PRAGMA {pragma}")
    con.execute("ATTACH DATABASE ? AS done", (str(source),))
    con.execute("BEGIN")
    con.execute("INSERT INTO import_batches SELECT * FROM done.import_batches")
    began = time.perf_counter()
    later = []
    if indexes_after:
        marks = ", ".join("?" * len(TABLES))
        later = con.execute(f"SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks})", TABLES).fetchall()  # noqa: S608
        for name, _ in later:
            con.execute(f'DROP INDEX main."{name}"')
    for table in TABLES:
        cols = ", ".join(_columns(con, table))
        con.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM done.{table}")  # noqa: S608 - our tables
    for _, sql in later:
        con.execute(sql)
    con.execute("COMMIT")
    took = time.perf_counter() - began
    con.close()
    return took


def _floor_postgres(source: Path, url: str) -> float:
    import polars as pl
    import psycopg

    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    src = sqlite3.connect(source)
    dumps = {}
    for table in ("import_batches", *TABLES):
        frame = pl.read_database(f"SELECT * FROM {table}", src)  # noqa: S608 - our tables
        for col in ("populated_area", "responsibility_accepted", "manual", "civilian"):
            if col in frame.columns:
                frame = frame.with_columns(pl.col(col).cast(pl.Boolean))
        buf = io.BytesIO()
        frame.write_csv(buf, include_header=False, quote_style="non_numeric", null_value="")
        dumps[table] = (frame.columns, buf.getvalue())
    src.close()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as con:
        cols, data = dumps["import_batches"]
        with con.cursor() as cur, cur.copy(f"COPY import_batches ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as cp:
            cp.write(data)
        con.commit()
        began = time.perf_counter()
        for table in TABLES:
            cols, data = dumps[table]
            with con.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN (FORMAT csv)") as cp:
                for i in range(0, len(data), 1 << 22):
                    cp.write(data[i : i + (1 << 22)])
        con.commit()
        return time.perf_counter() - began


def run(argv: list[str]) -> list[dict]:
    args = _parse(argv)
    path = generated("acled", args.rows, args.seed)
    from civwatch.services.importing import import_file
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    results = []
    with tempfile.TemporaryDirectory(prefix="civwatch-floor-") as tmp:
        work = Path(tmp)
        source = work / "imported.sqlite"
        engine = make_engine(f"sqlite:///{source}")
        migrate.upgrade(engine)
        began = time.perf_counter()
        summary = import_file(engine, path, format="acled", actor="bench")
        civwatch_seconds = time.perf_counter() - began
        engine.dispose()
        con = sqlite3.connect(source)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        sizes = dict(con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
        con.close()
        per_m = 1e6 / summary.read / 2**20
        size = {
            "store_mb_per_1M_reports": round(source.stat().st_size * per_m, 1),
            "raw_blocks_mb_per_1M": round(sizes.get("raw_blocks", 0) * per_m, 1),
            "reports_table_mb_per_1M": round(sizes.get("reports", 0) * per_m, 1),
            "csv_mb_per_1M_rows": round(path.stat().st_size * per_m, 1),
        }
        print(f"   {size}", flush=True)
        for store in args.stores:
            url, drop = _fresh_store(store, work)
            try:
                took = (_floor_sqlite if store == "sqlite" else _floor_postgres)(source, url)
            finally:
                drop()
            url, drop = _fresh_store(store, work)
            try:
                pandas = _run_pandas(url, path, "acled")
            finally:
                drop()
            after = None
            if store == "sqlite":
                url, drop = _fresh_store(store, work)
                try:
                    after = summary.read / _floor_sqlite(source, url, indexes_after=True)
                finally:
                    drop()
            floor = summary.read / took
            baseline = pandas["read"] / pandas["seconds"]
            results.append({
                "case": f"store-write floor, {args.rows:,} ACLED reports -> {store}",
                "unit": "rows/s", "figure": round(floor, 1), "seconds": round(took, 2),
                "baseline": round(baseline, 1), "ratio": round(floor / baseline, 2),
                "indexes_after_rows_per_s": after and round(after, 1),
                "indexes_after_ratio": after and round(after / baseline, 2),
                "civwatch_import_rows_per_s_sqlite": round(summary.read / civwatch_seconds, 1), **size,
                "target": "a floor under 1.5x the baseline bounds any importer of this schema below 1.5x",
            })
            print(f"   {results[-1]}", flush=True)
    return results
