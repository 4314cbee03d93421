"""Screening assessment assembly speed: every evidence item for one application, against the
same forces' harm summed straight from the base tables, in the same process.

    python benchmarks/run.py screening [--rows 40000] [--repeat 5] [--postgres URL] [--reuse] [--profile]

The store (benchmarks/bigstore.py: fresh, or with --reuse the kept one of --rows reports) holds
`--rows` reports, half GED and half ACLED (current layout), written by benchmarks/generate.py
from the real files' distributions and imported with services.importing (which builds the
party register), and the shared reference data: the real SIPRI register, the UCDP/PRIO ACD,
the shipped embargo table (the UK footnotes), treaties, peacekeeping. The recipient is the state
whose forces have the most attributed incidents (the heaviest case). Then, party facts fresh:

* assemble: services.screening.assemble (harm by the forces, by year, weapon, grade and place;
  top incidents; object attacks; ACD conflict-years; SIPRI transfers and concentration; treaty
  status; the embargo table; diversion proxies; CHMR findings), median of --repeat runs, wall
  clock and this process's CPU time; target < 1 s at 2.5M reports;
* baseline: services.parties.compare(states=[recipient], direct=True): only the forces' harm
  totals, summed over their reports and incidents from the base tables.

The harm queries read the recipient's rows of party_forces_incidents (kept with the party
facts): one range of its key, so they grow with the recipient's incidents, not with the store.
The extrapolation printed to 2.5M reports scales the harm part (timed apart) by the growth in
reports and keeps the rest (ACD, SIPRI, treaties: fixed-size tables); with --rows 2500000 it is
the measurement itself.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
TARGET_ROWS = 2_500_000


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench screening", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=None, help="a PostgreSQL server URL: the store is a database on it")
    parser.add_argument("--reuse", action="store_true",
                        help="read the kept store of --rows reports (benchmarks/bigstore.py), built first if absent")
    parser.add_argument("--profile", action="store_true", help="cProfile one assemble (benchmarks/out/profile-screening.txt)")
    return parser.parse_args(argv)


def _median(fn, repeat: int, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    import bigstore

    from civwatch.domain import screening as dom
    from civwatch.services import parties, screening
    from civwatch.services.store import open_store
    from civwatch.store.schema import actors, party_incidents, reports

    with bigstore.for_bench(args.rows, args.postgres, args.reuse) as url:
        engine = open_store(url)
        parties.ensure_fresh(engine)
        with engine.connect() as conn:
            n_reports = conn.execute(select(func.count()).select_from(reports)).scalar_one()
            iso3, n_attr = conn.execute(
                select(actors.c.state_iso3, func.count(func.distinct(party_incidents.c.incident_id)))
                .select_from(party_incidents.join(actors, actors.c.id == party_incidents.c.actor_id))
                .where(actors.c.category == "state_forces", actors.c.state_iso3.is_not(None))
                .group_by(actors.c.state_iso3).order_by(func.count().desc()).limit(1)).one()
        app = dom.check_application({"recipient": iso3, "end_user": "armed_forces", "item": "ML4", "quantity": 1, "value": 1,
                                     "currency": "CAD", "intended_use": "bench", "period_from": "2099-01-01",
                                     "period_to": "2099-12-31", "reference": "bench"}, {iso3}, date.today())
        cfg = screening.merged_config({"window_years": 50})
        as_of = date(2025, 12, 31)
        ev = screening.assemble(engine, app, cfg, as_of)
        base_rows = parties.compare(engine, states=[iso3], direct=True)["rows"]
        same = sum(r["incidents"] for r in base_rows) >= ev["harm"]["incidents"]
        ours = _median(lambda: screening.assemble(engine, app, cfg, as_of), args.repeat)
        # this process's CPU seconds: on a shared machine the wall clock also counts the other
        # processes' turns (and, on PostgreSQL, the server's work is not in it)
        ours_cpu = _median(lambda: screening.assemble(engine, app, cfg, as_of), args.repeat, time.process_time)
        window = screening._window(as_of, 50)

        def harm_only() -> None:
            with engine.connect() as conn:
                screening._harm(conn, iso3, app.item, *window)

        harm_s = _median(harm_only, args.repeat)
        base = _median(lambda: parties.compare(engine, states=[iso3], direct=True), args.repeat)
        if args.profile:
            bigstore.profile(lambda: screening.assemble(engine, app, cfg, as_of), HERE / "out" / "profile-screening.txt")
        engine.dispose()
    scale = TARGET_ROWS / max(n_reports, 1)
    # the harm part grows with the recipient's incidents; the rest (ACD, SIPRI, treaties, embargo) does not
    extrapolated = (ours - harm_s + harm_s * scale) * 1000
    note = (f"{n_reports:,} reports; recipient {iso3} with {n_attr:,} attributed incidents "
            f"({ev['harm']['incidents']:,} in the 50-year window); harm totals consistent with the baseline: {same}")
    backend = "PostgreSQL" if args.postgres else "SQLite"
    return [{"case": f"assemble screening evidence, {n_reports:,} reports, {backend}", "figure": ours * 1000, "unit": "ms",
             "baseline": base * 1000, "ratio": ours / base if base else None, "target": "< 1000 ms at 2.5M reports",
             "harm_part_ms": round(harm_s * 1000, 1), "cpu_ms_this_process": round(ours_cpu * 1000, 1),
             "load_average": os.getloadavg()[0],
             "extrapolated_2_5M_ms": round(extrapolated, 1),
             "baseline_extrapolated_2_5M_ms": round(base * 1000 * scale, 1),
             "meets_target_if_linear": extrapolated < 1000, "note": note}]


if __name__ == "__main__":
    for result in run(sys.argv[1:]):
        print(result)
