"""Named-party comparison speed: 50 actors, from the maintained per-actor facts, against the
same measures summed from the base tables in the same process.

    python benchmarks/run.py parties [--rows 200000] [--actors 50] [--repeat 5]

A fresh SQLite store gets `--rows` reports, half GED and half ACLED (current layout), written by
benchmarks/generate.py from the real files' distributions and imported with
services.importing (which builds the party register in each import's transaction). Then:

* build: services.parties.build over the whole store once imported (the register step an
  import runs over its own batch; nothing new to add here, so this is its reading cost);
* refresh: store.parties.refresh_facts (party_incidents and party_facts from the whole store),
  what the first comparison after a write pays; timed once;
* compare: services.parties.compare for the 50 actors with the most incidents (the heaviest
  choice), facts fresh, median of --repeat runs; target < 1 s at 2.5M reports;
  baseline: the same call with direct=True, which sums the same measures over the reports and
  incidents of those actors (what it would cost without the maintained facts).

Extrapolation to 2.5M reports is printed beside the figures: the facts query reads rows per
(actor, year, country, grade), which grow with the spread of years and countries, not with the
number of reports; the baseline and the refresh read every attributed report and grow linearly.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))
TARGET_ROWS = 2_500_000


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench parties", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--actors", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    return parser.parse_args(argv)


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    import generate

    from civwatch.services import importing, parties
    from civwatch.services.store import open_store
    from civwatch.store import parties as store
    from civwatch.store.schema import party_facts, party_incidents, reports

    half = args.rows // 2
    files = [generate.cached("ged", half, 1), generate.cached("acled", args.rows - half, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(str(Path(tmp) / "bench.sqlite"))
        t = time.perf_counter()
        for path in files:
            importing.import_file(engine, path, actor="bench")
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        parties.build(engine, actor="bench")  # what an import's register step reads, over the whole store
        build_s = time.perf_counter() - t
        with engine.begin() as conn:
            t = time.perf_counter()
            fact_rows = store.refresh_facts(conn)
            refresh_s = time.perf_counter() - t
        with engine.connect() as conn:
            n_reports = conn.execute(select(func.count()).select_from(reports)).scalar_one()
            top = [a for (a, _) in conn.execute(
                select(party_incidents.c.actor_id, func.count().label("n")).group_by(party_incidents.c.actor_id)
                .order_by(func.count().desc(), party_incidents.c.actor_id).limit(args.actors))]
            chosen_rows = conn.execute(select(func.count()).select_from(party_facts)
                                       .where(party_facts.c.actor_id.in_(top))).scalar_one()
            attributed = conn.execute(select(func.count()).select_from(party_incidents)
                                      .where(party_incidents.c.actor_id.in_(top))).scalar_one()
        fast = parties.compare(engine, actor_ids=top)
        slow = parties.compare(engine, actor_ids=top, direct=True)
        same = [{k: v for k, v in r.items() if k not in ("cases", "responses")} for r in fast["rows"]] == \
               [{k: v for k, v in r.items() if k not in ("cases", "responses")} for r in slow["rows"]]
        ours = _median(lambda: parties.compare(engine, actor_ids=top), args.repeat)
        base = _median(lambda: parties.compare(engine, actor_ids=top, direct=True), args.repeat)
        engine.dispose()
    scale = TARGET_ROWS / max(n_reports, 1)
    note = (f"{n_reports:,} reports ({import_s:.0f} s to import); {len(top)} actors with {attributed:,} attributed "
            f"incidents read as {chosen_rows:,} fact rows of {fact_rows:,}; same numbers both ways: {same}")
    return [
        {"case": f"compare {len(top)} actors (facts), {n_reports:,} reports", "figure": ours * 1000, "unit": "ms",
         "baseline": base * 1000, "ratio": ours / base if base else None,
         "target": "< 1000 ms at 2.5M reports", "meets_target": ours < 1.0 and same,
         "extrapolated_2_5M_ms_upper_bound": round(ours * 1000 * scale, 1),
         "baseline_extrapolated_2_5M_ms": round(base * 1000 * scale, 1), "note": note},
        {"case": f"refresh party facts, {n_reports:,} reports", "figure": refresh_s * 1000, "unit": "ms",
         "extrapolated_2_5M_ms": round(refresh_s * 1000 * scale, 1)},
        {"case": f"register build over the store (no new names), {n_reports:,} reports", "figure": build_s * 1000,
         "unit": "ms", "extrapolated_2_5M_ms": round(build_s * 1000 * scale, 1)},
    ]


if __name__ == "__main__":
    for result in run(sys.argv[1:]):
        print(result)
