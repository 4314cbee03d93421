"""Country brief render time (assemble every section + WeasyPrint PDF) against the dashboard's
country page data for the same country, in the same process.

    python benchmarks/run.py briefs [--rows 200000] [--repeat 3]

A fresh SQLite store gets `--rows` reports, half GED and half ACLED (current layout), written by
benchmarks/generate.py from the real files' distributions, and the shared treaty files when
CIVWATCH_SHARED_DATA has them. The country with most incidents is briefed. Each run starts with
the indicator result cache emptied (the cube is fresh), so the figure is what a first request
after a store change pays, not a cache hit:

* figure: services.briefs.country + services.briefs_render.pdf (English, A4); target < 3 s at
  2.5M reports;
* baseline: services.dashboard.country_profile (the country page's JSON) with the same empty cache;
* split: assemble alone and PDF alone, so the part that grows with the store is visible (the
  PDF depends on the number of rows printed, which is bounded, not on the store size).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "data"
TARGET_ROWS = 2_500_000


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench briefs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    return parser.parse_args(argv)


def _file(layout: str, rows: int) -> Path:
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    import generate

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{layout}-{rows}-seed1.csv"
    if not path.exists():
        generate.write(layout, rows, path, seed=1)
    return path


def _median(fn, repeat: int, before=None, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def _cpu(fn, repeat: int, before=None) -> float:
    """The same median in this process's CPU seconds: on a shared machine the wall clock also
    counts the other processes' turns, the CPU time does not."""
    return _median(fn, repeat, before, clock=time.process_time)


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    from civwatch.domain.query import Filters
    from civwatch.services import briefs, briefs_render, dashboard, importing, indicators, treaties
    from civwatch.services.store import open_store

    half = args.rows // 2
    files = [_file("ged", half), _file("acled", args.rows - half)]
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(str(Path(tmp) / "bench.sqlite"))
        t = time.perf_counter()
        for path in files:
            importing.import_file(engine, path, actor="bench")
        import_s = time.perf_counter() - t
        shared = os.environ.get("CIVWATCH_SHARED_DATA")
        if shared and (Path(shared) / "treaties").is_dir():
            treaties.import_all(engine, treaties.shared_files(Path(shared)), actor="bench")
        top = max(indicators.indicator(engine, "incidents", by=["country"]).rows, key=lambda r: r["value"] or 0)
        iso3, incidents = top["country"], top["value"]
        total = indicators.indicator(engine, "reports").rows[0]["value"]

        def clear() -> None:
            with indicators._lock:
                indicators._cache.clear()

        data = briefs.country(engine, iso3)
        pdf = briefs_render.pdf(data, "en")
        brief_s = _median(lambda: briefs_render.pdf(briefs.country(engine, iso3), "en"), args.repeat, clear)
        assemble_s = _median(lambda: briefs.country(engine, iso3), args.repeat, clear)
        pdf_s = _median(lambda: briefs_render.pdf(data, "en"), args.repeat)
        base_s = _median(lambda: dashboard.country_profile(engine, iso3, Filters()), args.repeat, clear)
        assemble_cpu = _cpu(lambda: briefs.country(engine, iso3), args.repeat, clear)
        pdf_cpu = _cpu(lambda: briefs_render.pdf(data, "en"), args.repeat)
        fr_s = _median(lambda: briefs_render.pdf(data, "fr"), args.repeat)
        engine.dispose()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    scale = TARGET_ROWS / max(total, 1)
    note = (f"{total:,} reports ({import_s:.0f} s to import); brief of {iso3} ({incidents:,} incidents), "
            f"PDF {len(pdf):,} bytes; assemble {assemble_s * 1000:.0f} ms + PDF {pdf_s * 1000:.0f} ms; "
            f"CPU: assemble {assemble_cpu * 1000:.0f} ms + PDF {pdf_cpu * 1000:.0f} ms; load average {load}")
    return [
        {"case": f"country brief {iso3} (assemble + PDF), {total:,} reports", "figure": brief_s * 1000, "unit": "ms",
         "baseline": base_s * 1000, "ratio": brief_s / base_s if base_s else None, "target": "< 3000 ms at 2.5M reports",
         "meets_target_at_this_size": brief_s < 3.0,
         "extrapolated_2_5M_ms_upper_bound": round(assemble_s * 1000 * scale + pdf_s * 1000, 1), "note": note},
        {"case": "  of which assemble (all sections)", "figure": assemble_s * 1000, "unit": "ms"},
        {"case": "  of which WeasyPrint PDF", "figure": pdf_s * 1000, "unit": "ms"},
        {"case": "  assemble, CPU time of this process", "figure": assemble_cpu * 1000, "unit": "ms"},
        {"case": "  WeasyPrint PDF, CPU time of this process", "figure": pdf_cpu * 1000, "unit": "ms"},
        {"case": "  French PDF (same data)", "figure": fr_s * 1000, "unit": "ms", "baseline": pdf_s * 1000,
         "ratio": fr_s / pdf_s if pdf_s else None},
    ]


if __name__ == "__main__":
    for result in run(sys.argv[1:]):
        print(result)
