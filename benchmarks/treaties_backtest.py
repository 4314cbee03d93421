"""Backtest of the likely-joiners model: fit on what was known on --as-of, score the joins that
followed up to --until, per instrument, beside baselines fitted the same way.

    python benchmarks/treaties_backtest.py [--as-of 2015-12-31] [--until 2026-02-03] [--horizon-years 10] [--db URL]

Without --db, a fresh SQLite store is filled from CIVWATCH_SHARED_DATA: every UNTC table
(2015 and 2026 layouts), the 2020 forum memberships with the maintained changes, and the
UCDP/PRIO ACD (the armed-conflict feature). Printed per instrument with at least --min-joins
joins in the window: candidates, joins, ROC AUC, precision at 20, Brier score, and the ratio of
the model's AUC to the best baseline's and of the best baseline's Brier to the model's (above 1:
the model is better). Baselines: signed-not-ratified first, share of sub-regional peers party
(each a one-feature logistic fit on the same training windows) and random (random ranking, the
training base rate as forecast). The target of issue 12: AUC >= 0.80 and better than the best
baseline on AUC and Brier for every instrument with >= 10 joins.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--as-of", default="2015-12-31")
    p.add_argument("--until", default="2026-02-03")
    p.add_argument("--horizon-years", type=int, default=10)
    p.add_argument("--min-joins", type=int, default=10)
    p.add_argument("--db")
    p.add_argument("--json", action="store_true", help="print the whole result as JSON")
    a = p.parse_args(argv)

    from civwatch.services import treaties as svc
    from civwatch.services.importing import import_file
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    started = time.perf_counter()
    if a.db:
        engine = make_engine(a.db)
    else:
        shared = Path(os.environ.get("CIVWATCH_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
        engine = make_engine(f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite'}")
        migrate.upgrade(engine)
        svc.import_all(engine, svc.shared_files(shared))
        acd = shared / "ucdp_conflict_level" / "ucdp_prio_acd_v23_1.csv"
        if acd.is_file():
            import_file(engine, acd)
    loaded = time.perf_counter()
    result = svc.backtest(engine, date.fromisoformat(a.as_of), date.fromisoformat(a.until), a.horizon_years)
    done = time.perf_counter()
    if a.json:
        print(json.dumps(result, default=str, indent=1))
        return 0
    print(f"fit on {a.as_of} ({result['training_rows']} training windows, {result['training_joins']} joins; "
          f"conflict feature {'on' if result['conflict_feature'] else 'off: ACD not imported'}), scored to {a.until}, horizon {a.horizon_years} y")
    print(f"{'instrument':22} {'cand':>5} {'joins':>5} {'AUC':>6} {'P@20':>5} {'Brier':>6} | {'AUC sig':>7} {'AUC reg':>7} {'AUC rnd':>7} | {'Br sig':>6} {'Br reg':>6} {'Br base':>7} | AUC/best  best-Brier/ours  target")
    met = total = 0
    for r in result["instruments"]:
        if not r["evaluated"] or r["joins"] < a.min_joins:
            continue
        b = r["baselines"]
        best_auc = max(v["auc"] for v in b.values() if v["auc"] is not None)
        best_brier = min(v["brier"] for v in b.values())
        ok = r["auc"] >= 0.80 and r["auc"] > best_auc and r["brier"] < best_brier
        met += ok
        total += 1
        print(f"{r['instrument'] + ' ' + r['key']:22} {r['candidates']:5} {r['joins']:5} {r['auc']:6.3f} {r['precision_at_20']:5.2f} {r['brier']:6.3f} | "
              f"{b['signed_first']['auc']:7.3f} {b['regional_peers']['auc']:7.3f} {b['random']['auc']:7.3f} | "
              f"{b['signed_first']['brier']:6.3f} {b['regional_peers']['brier']:6.3f} {b['random']['brier']:7.3f} | "
              f"{r['auc'] / best_auc:8.2f}  {best_brier / r['brier']:15.2f}  {'met' if ok else 'not met'}")
    skipped = [f"{r['instrument']} ({r['why'] if not r['evaluated'] else str(r['joins']) + ' joins'})" for r in result["instruments"]
               if not r["evaluated"] or r["joins"] < a.min_joins]
    print(f"target met for {met} of {total} instruments with >= {a.min_joins} joins; left out: {', '.join(skipped)}")
    print(f"load {loaded - started:.1f} s, fit and score {done - loaded:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
