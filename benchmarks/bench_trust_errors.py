"""What "unknown is not zero" costs: the linkage-run scan the indicators now read, beside the
indicator it accompanies, in the same process on the same store.

    python benchmarks/bench_trust_errors.py --rows 200000 --backend sqlite

The store is bench_indicators' (real GED places and dates, reports as their own incidents). The
linkage state (`store.linkage.run_state`: reports, those not linked as they now are, last run)
is scanned once per store state and cached; the figure is that scan's median time, the baseline
an uncached civilian-deaths-by-year from the cube (cache emptied, freshness check included), the
ratio scan / baseline. Also: the compare call (which now sums n_weapon_known) uncached.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from bench_indicators import open_store, percentiles  # noqa: E402


def bench(backend: str, rows: int, repeat: int, workdir: Path) -> dict:
    from civwatch.services import indicators
    from civwatch.store import linkage

    engine, load_s = open_store(backend, rows, workdir)
    indicators.ensure_fresh(engine)

    def scan() -> None:
        with engine.connect() as conn:
            linkage.run_state(conn)

    def baseline() -> None:
        indicators._cache.clear()
        indicators._checked.clear()
        indicators._compute(engine, "civilian-deaths", ["year"], indicators.Filters(), None)

    def compare() -> None:
        indicators._cache.clear()
        indicators._checked.clear()
        indicators.compare(engine)

    scan_ms, scan_p95 = percentiles(scan, repeat)
    base_ms, base_p95 = percentiles(baseline, repeat)
    cmp_ms, cmp_p95 = percentiles(compare, repeat)
    return {
        "backend": backend, "rows": rows, "load_s": load_s,
        "linkage_scan_ms": round(scan_ms, 2), "linkage_scan_p95_ms": round(scan_p95, 2),
        "baseline_indicator_ms": round(base_ms, 2), "baseline_indicator_p95_ms": round(base_p95, 2),
        "compare_uncached_ms": round(cmp_ms, 2), "compare_uncached_p95_ms": round(cmp_p95, 2),
        "ratio_scan_to_indicator": round(scan_ms / base_ms, 2) if base_ms else None,
    }


def run(argv: list[str] | None = None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--backend", default="sqlite")
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "civwatch-bench-indicators")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    return [bench(b.strip(), args.rows, args.repeat, args.workdir) for b in args.backend.split(",")]


if __name__ == "__main__":
    for row in run():
        print(json.dumps(row))
