"""One reusable big store for the benchmarks that read a whole store (screening, briefs): built
once, kept, reopened by later runs.

    python benchmarks/bigstore.py --rows 2500000 [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

Contents, the same for SQLite and PostgreSQL: `rows` reports imported with services.importing
from files written by generate.py (half GED, half ACLED current layout, seed 1: the files
bench_screening and bench_briefs always used), then the shared reference data those benchmarks
read when CIVWATCH_SHARED_DATA has them: the UCDP/PRIO ACD, the SIPRI trade register, the
shipped embargo table, the treaty files, the peacekeeping files; the party register's facts
made fresh last. Where it lives:

* SQLite: /tmp/civwatch-bench-real/real-<rows>.sqlite (CIVWATCH_BENCH_STORE_DIR to move it);
* PostgreSQL: the database civwatch_real_<rows> on the server given.

A store is built under a temporary name (a .partial file, a database suffixed _partial) and
renamed when complete, so a killed build never passes for a finished one; a manifest (JSON,
beside the SQLite file or in a table of the PG database) records what went in and how long
it took. Reopening runs the migrations, so a store built before a new index gets it then.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate  # noqa: E402

FOLDER = Path(os.environ.get("CIVWATCH_BENCH_STORE_DIR", "/tmp/civwatch-bench-real"))
SEED = 1


def _shared() -> Path:
    return Path(os.environ.get("CIVWATCH_SHARED_DATA") or HERE.parent.parent / "shared" / "data")


def _pg_driver(server: str) -> str:
    if server.startswith("postgresql://"):
        return "postgresql+psycopg://" + server[len("postgresql://"):]
    return server


def database_name(rows: int) -> str:
    return f"civwatch_real_{rows}"


def _pg_url(server: str, name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(_pg_driver(server)).set(database=name).render_as_string(hide_password=False)


def _log(msg: str) -> None:
    print(f"[bigstore {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def fill(url: str, rows: int) -> dict:
    """Import everything into the (empty) store at `url`; the manifest of what went in."""
    from civwatch.services import (
        importing,
        missions_import,
        parties,
        screening,
        screening_tables,
        treaties,
    )
    from civwatch.services.store import open_store

    shared = _shared()
    half = rows // 2
    files = [generate.cached("ged", half, SEED), generate.cached("acled", rows - half, SEED)]
    engine = open_store(url)
    took: dict[str, float] = {}
    manifest: dict = {"rows": rows, "seed": SEED, "generator_version": generate.VERSION,
                      "files": [p.name for p in files], "reference": []}
    try:
        for path in files:
            t = time.perf_counter()
            _log(f"importing {path.name}")
            importing.import_file(engine, path, actor="bench")
            took[path.name] = round(time.perf_counter() - t, 1)
            _log(f"  {path.name} in {took[path.name]:.0f} s")
        reference = [
            ("acd", shared / "ucdp_conflict_level" / "ucdp_prio_acd_v23_1.csv",
             lambda p: importing.import_file(engine, p, actor="bench")),
            ("sipri", shared / "arms_transfers" / "sipri_trade_register_all_1950-2024_generated_2025-03-13.csv",
             lambda p: screening.import_sipri(engine, p, actor="bench")),
            ("embargoes", screening_tables.shipped_start(shared),
             lambda p: screening_tables.import_table(engine, p, actor="bench")),
            ("treaties", shared / "treaties",
             lambda p: treaties.import_all(engine, treaties.shared_files(shared), actor="bench")),
            ("peacekeeping", shared / "peacekeeping",
             lambda p: missions_import.import_path(engine, p, actor="bench")),
        ]
        for name, path, load in reference:
            if not path.exists():
                _log(f"  {name}: {path} absent, skipped")
                continue
            t = time.perf_counter()
            load(path)
            took[name] = round(time.perf_counter() - t, 1)
            manifest["reference"].append(name)
            _log(f"  {name} in {took[name]:.0f} s")
        t = time.perf_counter()
        parties.ensure_fresh(engine)
        took["party_facts"] = round(time.perf_counter() - t, 1)
    finally:
        engine.dispose()
    manifest["seconds"] = took
    manifest["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    manifest["load_average"] = os.getloadavg()[0]
    return manifest


def sqlite_path(rows: int) -> Path:
    return FOLDER / f"real-{rows}.sqlite"


def _build_sqlite(rows: int) -> str:
    path = sqlite_path(rows)
    if path.exists():
        return f"sqlite:///{path}"
    FOLDER.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    for extra in ("-wal", "-shm"):
        Path(str(partial) + extra).unlink(missing_ok=True)
    manifest = fill(f"sqlite:///{partial}", rows)
    partial.rename(path)
    _keep_manifest(f"sqlite:///{path}", manifest)
    return f"sqlite:///{path}"


def _build_pg(rows: int, server: str) -> str:
    from sqlalchemy import create_engine, text

    name = database_name(rows)
    admin = create_engine(_pg_driver(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            have = {r[0] for r in conn.execute(text("SELECT datname FROM pg_database"))}
            if name in have:
                return _pg_url(server, name)
            partial = name + "_partial"
            conn.execute(text(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{partial}"'))
        _keep_manifest(_pg_url(server, partial), fill(_pg_url(server, partial), rows))
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{partial}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
    return _pg_url(server, name)


def _keep_manifest(url: str, body: dict) -> None:
    """Beside the SQLite file (.json), or in a table of its own in the PostgreSQL database."""
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).with_suffix(".json").write_text(json.dumps(body, indent=1))
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS bench_manifest (body text NOT NULL)"))
        conn.execute(text("DELETE FROM bench_manifest"))
        conn.execute(text("INSERT INTO bench_manifest VALUES (:b)"), {"b": json.dumps(body)})
    engine.dispose()


def profile(fn, path: Path) -> None:
    """cProfile one call of `fn`; the 40 heaviest functions by cumulative time written to `path`."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.runcall(fn)
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(out.getvalue())


def store(rows: int, postgres: str | None = None) -> str:
    """The URL of the kept store of `rows` reports (SQLite, or PostgreSQL on the server given),
    built first when it does not exist yet."""
    return _build_pg(rows, postgres) if postgres else _build_sqlite(rows)


def manifest(url: str) -> dict:
    """What the kept store at `url` holds (its build manifest), {} when unknown."""
    if url.startswith("sqlite:///"):
        p = Path(url[len("sqlite:///"):]).with_suffix(".json")
        return json.loads(p.read_text()) if p.is_file() else {}
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return json.loads(conn.execute(text("SELECT body FROM bench_manifest")).scalar_one())
    except Exception:  # noqa: BLE001 - a store without a manifest is just unknown
        return {}
    finally:
        engine.dispose()


@contextlib.contextmanager
def for_bench(rows: int, postgres: str | None = None, reuse: bool = False) -> Iterator[str]:
    """The store a benchmark reads: with `reuse`, the kept one (built first if absent); without,
    a fresh one with the same contents (a temporary SQLite file, or a temporary database on the
    PostgreSQL server), removed afterwards."""
    if reuse:
        yield store(rows, postgres)
        return
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
            _keep_manifest(url, fill(url, rows))
            yield url
        return
    from sqlalchemy import create_engine, text

    name = f"bench_fresh_{os.getpid()}"
    admin = create_engine(_pg_driver(postgres), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = _pg_url(postgres, name)
        _keep_manifest(url, fill(url, rows))
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_500_000)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL; SQLite when absent")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    url = store(args.rows, args.postgres)
    _log(f"{url} ready ({time.perf_counter() - began:.0f} s)")
    print(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
