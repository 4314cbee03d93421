# ruff: noqa: S608 -- SQL here is assembled from constant names of this script, never input
"""The first indicator read after a 100k import into a large store, and what keeping the cube
current costs the import.

    python benchmarks/bench_cube.py --rows 2500000 --import-rows 100000 --backend sqlite,postgres

The base store is bench_indicators.py's (reports drawn from the real GED files, kept under
--workdir for re-runs) with its cube built. For each backend two copies of it are made; the
same generated GED-layout file (benchmarks/generate.py: the real files' distributions, new ids)
is imported into each through services.importing, once as shipped (the batch's delta added to
the cube in its transaction) and once with that one call left out, as before this change (the
first read then rebuilds the cube). Figures, in the same process:

* import seconds with and without the maintenance (ratio: the overhead, target <= 1.15);
* the delta's own seconds inside the import;
* the first `civwatch stats civilian-deaths --by year` after the import, each way (target < 1 s);
* with --verify: the maintained cube equals a full rebuild cell for cell.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_indicators  # noqa: E402
import generate  # noqa: E402


def _copies(backend: str, engine, workdir: Path, rows: int, names: list[str]) -> list[str]:
    """Copies of the base store (its cube current), one per name; returns their URLs."""
    from sqlalchemy import create_engine, text

    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    out = []
    for name in names:
        if backend == "sqlite":
            target = workdir / f"copy-{rows}-{name}.sqlite"
            shutil.copy(workdir / f"bench-{rows}.sqlite", target)
            out.append(f"sqlite:///{target}")
        else:
            base = url.rsplit("/", 1)[1]
            db = f"{base}_{name}"
            admin = create_engine(bench_indicators.PG_SERVER, isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{db}" TEMPLATE "{base}"'))
            admin.dispose()
            out.append(url.rsplit("/", 1)[0] + f"/{db}")
    return out


def _drop(backend: str, url: str) -> None:
    from sqlalchemy import create_engine, text

    if backend == "sqlite":
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    admin = create_engine(bench_indicators.PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def _cells(conn) -> Counter:
    from sqlalchemy import select

    from civwatch.store.schema import indicator_cube

    cols = [c for c in indicator_cube.c if c.name != "id"]
    return Counter(tuple(r) for r in conn.execute(select(*cols)).all())


def _one_way(url: str, path: Path, maintained: bool, verify: bool) -> dict:
    from civwatch.services import importing, indicators
    from civwatch.store import cube
    from civwatch.store.db import make_engine

    engine = make_engine(url)
    original = indicators.after_batch
    spent = [0.0]

    def timed(conn, batch_id):
        t = time.perf_counter()
        ran = original(conn, batch_id)
        spent[0] += time.perf_counter() - t
        if not ran:
            raise SystemExit("the batch's delta did not run: was the base cube current?")
        return ran

    indicators.after_batch = timed if maintained else (lambda conn, batch_id: False)
    try:
        t = time.perf_counter()
        summary = importing.import_file(engine, path)
        import_s = time.perf_counter() - t
    finally:
        indicators.after_batch = original
    indicators._cache.clear()
    indicators._checked.clear()
    t = time.perf_counter()
    result = indicators.indicator(engine, "civilian-deaths", by="year")
    read_s = time.perf_counter() - t
    out = {"import_s": import_s, "delta_s": spent[0], "read_s": read_s, "new": summary.new,
           "deaths": sum(r["value"] for r in result.rows)}
    print(f"  {'kept' if maintained else 'before'}: {out}", file=sys.stderr, flush=True)
    if verify:
        with engine.connect() as conn:
            kept = _cells(conn)
            conn.rollback()
            trans = conn.begin()
            cube.rebuild(conn)
            out["equal_to_rebuild"] = kept == _cells(conn)
            trans.rollback()
    engine.dispose()
    return out


def bench_backend(backend: str, rows: int, import_rows: int, workdir: Path, verify: bool, ways: str = "kept,before") -> list[dict]:
    from civwatch.services import indicators

    engine, _ = bench_indicators.open_store(backend, rows, workdir)
    t = time.perf_counter()
    indicators.ensure_fresh(engine)
    ensure_s = time.perf_counter() - t
    path = workdir / f"ged-{import_rows}.csv"
    if not path.exists():
        generate.write("ged", import_rows, path, seed=24)
    names = [w for w in ("kept", "before") if w in ways.split(",")]
    urls = _copies(backend, engine, workdir, rows, names)
    out = [{"case": f"{backend}: base store {rows} reports, cube made current", "figure": round(ensure_s, 2), "unit": "s"}]
    try:
        got = {name: _one_way(url, path, name == "kept", verify and name == "kept") for name, url in zip(names, urls, strict=True)}
    finally:
        for url in urls:
            _drop(backend, url)
    kept = got["kept"]
    if "before" not in got:  # the import and first read after it, kept only
        return out + [{"case": f"{backend}: {import_rows} imported into {rows}: {k}", "figure": round(v, 3), "unit": "s"}
                      for k, v in kept.items() if k.endswith("_s")]
    before = got["before"]
    if kept["deaths"] != before["deaths"]:
        raise SystemExit(f"the two ways disagree: {kept['deaths']} vs {before['deaths']} civilian deaths")
    label = f"{backend}: {import_rows} imported into {rows}"
    out += [
        {"case": f"{label}: first indicator read, cube kept by the batch's delta", "figure": round(kept["read_s"], 3),
         "unit": "s", "baseline": round(before["read_s"], 2), "ratio": round(kept["read_s"] / before["read_s"], 4)},
        {"case": f"{label}: import with the cube kept (baseline: without)", "figure": round(kept["import_s"], 2),
         "unit": "s", "baseline": round(before["import_s"], 2), "ratio": round(kept["import_s"] / before["import_s"], 3)},
        {"case": f"{label}: the delta inside the import", "figure": round(kept["delta_s"], 3), "unit": "s",
         "share_of_import": round(kept["delta_s"] / kept["import_s"], 3)},
    ]
    if verify:
        out.append({"case": f"{label}: maintained cube equals a full rebuild", "figure": kept["equal_to_rebuild"], "unit": "bool"})
    return out


def run(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--backend", default="sqlite,postgres")
    ap.add_argument("--verify", action="store_true", help="compare the kept cube with a rebuild (slow at scale)")
    ap.add_argument("--ways", default="kept,before", help="kept (the delta), before (without it), or both")
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "civwatch-bench-cube")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for backend in args.backend.split(","):
        results += bench_backend(backend.strip(), args.rows, args.import_rows, args.workdir, args.verify, args.ways)
    return results


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row), flush=True)
