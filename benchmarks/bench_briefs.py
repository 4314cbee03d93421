"""Country brief render time (assemble every section + WeasyPrint PDF) against the dashboard's
country page data for the same country, in the same process.

    python benchmarks/run.py briefs [--rows 200000] [--repeat 3] [--postgres URL] [--reuse] [--profile]

The store (benchmarks/bigstore.py: fresh, or with --reuse the kept one of --rows reports) holds
`--rows` reports, half GED and half ACLED (current layout), written by benchmarks/generate.py
from the real files' distributions, and the shared reference data (ACD, SIPRI, the embargo
table, treaties, peacekeeping). The country with most incidents is briefed. Each run starts with
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
TARGET_ROWS = 2_500_000


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench briefs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL: the store is a database on it")
    parser.add_argument("--reuse", action="store_true",
                        help="read the kept store of --rows reports (benchmarks/bigstore.py), built first if absent")
    parser.add_argument("--profile", action="store_true", help="cProfile one assemble (benchmarks/out/profile-briefs.txt)")
    return parser.parse_args(argv)


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
    import bigstore

    from civwatch.domain.query import Filters
    from civwatch.services import briefs, briefs_render, dashboard, indicators
    from civwatch.services.store import open_store

    with bigstore.for_bench(args.rows, args.postgres, args.reuse) as url:
        engine = open_store(url)
        built = bigstore.manifest(url).get("seconds", {})
        import_s = sum(v for k, v in built.items() if k.endswith(".csv"))
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
        if args.profile:
            clear()
            bigstore.profile(lambda: briefs.country(engine, iso3), HERE / "out" / "profile-briefs.txt")
        engine.dispose()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    scale = TARGET_ROWS / max(total, 1)
    backend = "PostgreSQL" if args.postgres else "SQLite"
    note = (f"{backend}, {total:,} reports ({import_s:.0f} s to import); brief of {iso3} ({incidents:,} incidents), "
            f"PDF {len(pdf):,} bytes; assemble {assemble_s * 1000:.0f} ms + PDF {pdf_s * 1000:.0f} ms; "
            f"CPU: assemble {assemble_cpu * 1000:.0f} ms + PDF {pdf_cpu * 1000:.0f} ms; load average {load}")
    return [
        {"case": f"country brief {iso3} (assemble + PDF), {total:,} reports, {backend}", "figure": brief_s * 1000, "unit": "ms",
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
