"""One source exported twice: ACLED's Ethiopia export and its Africa 2016 workbook, counted once.

Imports both real files (../shared/data/acled, or CIVWATCH_SHARED_DATA) into a fresh SQLite
store through the importer, links them with `civwatch link`'s service, and scores the
incidents against truth read from the raw files with the csv module
(`linkage/evaluation/same_source.py`: the notes identify an ACLED event across releases).
Prints, for the shipped configuration and for the baseline in the same process (the linker
without id schemes, which never compares two reports of one source):

- the share of the events present in both files that end as one incident (target >= 0.99),
- false merges among distinct events (target 0), and merges the truth cannot decide,
- Ethiopia's civilian deaths in the period summed over reports and over incidents.

    .venv/bin/python benchmarks/bench_same_source.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from civwatch.linkage.evaluation.same_source import score, truth
from civwatch.services import importing, linking
from civwatch.services.store import open_store

REPO = Path(__file__).resolve().parents[1]
ACLED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data")) / "acled"
ETHIOPIA = ACLED / "acled_ethiopia_1997-01-01_to_2020-01-24.csv"
AFRICA_2016 = ACLED / "acled_all_africa_2016-01-01_to_2016-05-28.csv"

DEATHS_SQL = {
    "reports": "SELECT COALESCE(SUM(civilian_deaths_best), 0) FROM reports WHERE country_iso3 = 'ETH' AND date_start BETWEEN '2016-01-01' AND '2016-05-28'",
    "incidents": "SELECT COALESCE(SUM(civilian_deaths_best), 0) FROM incidents WHERE country_iso3 = 'ETH' AND date_start BETWEEN '2016-01-01' AND '2016-05-28'",
}


def run(engine, label: str, t, **config) -> dict:
    t0 = time.perf_counter()
    summary = linking.link(engine, full=True, config=linking.load_config(**config))
    seconds = time.perf_counter() - t0
    with engine.connect() as conn:
        incident_of = dict(conn.execute(text("SELECT source_id, incident_id FROM reports WHERE source = 'acled'")).tuples().all())
        deaths = {k: int(conn.execute(text(q)).scalar_one()) for k, q in DEATHS_SQL.items()}
    s = score(t, incident_of)
    print(f"{label}: {s.counted_once}/{s.overlap} of the overlap counted once = {s.share:.4f}; "
          f"{s.merged_pairs} cross-file merges, {s.false_merges} false, {s.unverified} unverified; "
          f"Ethiopia civilian deaths 2016-01-01..05-28: {deaths['reports']} over reports, {deaths['incidents']} over incidents; "
          f"{summary.candidate_pairs} candidate pairs, linked in {seconds:.1f} s")
    return {"share": s.share, "false": s.false_merges}


def main() -> int:
    for path in (ETHIOPIA, AFRICA_2016):
        if not path.exists():
            print(f"missing {path} (set CIVWATCH_SHARED_DATA)", file=sys.stderr)
            return 2
    t = truth(ETHIOPIA, AFRICA_2016)
    print(f"truth from the raw files: {len(t.a)} events in {ETHIOPIA.name}, {len(t.b)} in {AFRICA_2016.name}, "
          f"{len(t.same)} the same event in both (notes >= 0.8 alike, mutual best, ties broken by date and deaths)")
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{Path(tmp) / 'same_source.db'}")
        for path in (ETHIOPIA, AFRICA_2016):
            s = importing.import_file(engine, path)
            print(f"imported {path.name}: {s.read} rows read, {s.accepted} accepted, {s.rejected} rejected")
        base = run(engine, "baseline (no id schemes)", t, id_scheme_sources=())
        ours = run(engine, "civwatch (id schemes linked)", t)
        engine.dispose()
    gain = ours["share"] / base["share"] if base["share"] else float("inf")
    print(f"share counted once: {ours['share']:.4f} vs baseline {base['share']:.4f} (ratio {gain:.1f}); "
          f"target >= 0.99 with no false merge: {'met' if ours['share'] >= 0.99 and ours['false'] == 0 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
