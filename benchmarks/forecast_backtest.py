"""Early-warning backtest on the real data at hand: the model beside its baselines.

    python benchmarks/forecast_backtest.py [--horizons 1,3] [--datasets acled-ethiopia,hks,...]
    python benchmarks/run.py forecast_backtest [...]   (the same, through the runner)

Datasets (../shared/data or CIVWATCH_SHARED_DATA): ACLED Ethiopia and Djibouti 1997-2020 as
admin1-months, the HKS country-month file 1991-2008 (months outside its conflict episodes
unknown), and the GED files (Ukraine 2014-2022 and Bangladesh 1989-2018 as admin1-months, the
global random sample as country-months). ACLED and GED files are imported into a temporary
SQLite store with civwatch's own importer, so the panel is what `civwatch forecast` reads.

Rolling origin: fit on outcomes up to month t, forecast t+1..t+6, move t by a month, refit
every 12 months; every model is scored on the same forecasts. Targets (issue 19): CRPS at least
10 % better than the conflictology baseline, and Brier (>= 1 and >= 25 deaths) better than last
value, at horizons 1 and 3, on each dataset. CRPS is on deaths; `crps_log` (on log1p deaths)
is printed beside it because one month of genocide in HKS (Rwanda, April 1994) weighs more in
the mean than everything else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))

DATASETS = {
    "acled-ethiopia": ("acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv", "admin1"),
    "acled-djibouti": ("acled/acled_djibouti_1997-01-01_to_2020-01-24.csv", "admin1"),
    "hks": ("peacekeeping/hks2013_un_pko_civilian_killing_country_month.tab", "country"),
    "ged-ukraine": ("ucdp_ged/ged_ukraine_statebased_2014_2022.csv", "admin1"),
    "ged-bangladesh": ("ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv", "admin1"),
    "ged-global-sample": ("ucdp_ged/ged_v23_1_global_random_sample_991.csv", "country"),
}
TARGET_GAIN = 0.10
TARGET_HORIZONS = (1, 3)


def panel_for(name: str, folder: Path):
    from civwatch.services import forecasts, importing
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    rel, level = DATASETS[name]
    path = SHARED / rel
    if name == "hks":
        panel, _ = forecasts.hks_panel(path)
        return panel
    engine = make_engine(f"sqlite:///{folder / (name + '.sqlite')}")
    migrate.upgrade(engine)
    importing.import_file(engine, path, actor="bench")
    calendar = SHARED / "countries" / "electionguide_elections_scrape_2021-03-19.csv"
    if calendar.exists():
        importing.import_file(engine, calendar, actor="bench")
    panel = forecasts.build_panel(engine, level)
    engine.dispose()
    return panel


def run(argv: list[str]) -> list[dict]:
    from civwatch.services import forecasts

    p = argparse.ArgumentParser(prog="forecast_backtest")
    p.add_argument("--horizons", default="1,3")
    p.add_argument("--datasets", default=",".join(DATASETS))
    p.add_argument("--json", action="store_true", help="print the full evaluation per dataset as JSON")
    args = p.parse_args(argv)
    horizons = tuple(int(h) for h in args.horizons.split(","))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.datasets.split(","):
            began = time.perf_counter()
            panel = panel_for(name, Path(tmp))
            try:
                ev = forecasts.evaluate_panel(panel, horizons)
            except ValueError as exc:  # e.g. Djibouti: too few months with deaths to fit at all
                deaths_months = int((panel.y >= 1).sum())
                results.append({"case": f"{name} ({panel.level}, {len(panel.units)} units)", "figure": float(deaths_months),
                                "unit": "unit-months with deaths", "error": str(exc), "meets_target": False})
                continue
            took = time.perf_counter() - began
            if args.json:
                print(json.dumps({"dataset": name, **{k: v for k, v in ev.items() if k != "by_unit"}}, indent=1))
            for row in ev["rows"]:
                base = row["baselines"]["conflictology"]
                lv = row["baselines"]["last_value"]
                gain = row.get("crps_gain_vs_conflictology")
                # at >= 25 both are 0 where no month reached 25 (Ukraine, Bangladesh): a tie is not worse
                brier_ok = row["brier_1"] < lv["brier_1"] and row["brier_25"] <= lv["brier_25"]
                result = {
                    "case": f"{name} ({ev['level']}, {ev['units']} units) h={row['horizon']} CRPS",
                    "figure": row["crps"], "unit": "deaths", "baseline": base["crps"],
                    "ratio": row["crps"] / base["crps"] if base["crps"] else float("nan"),
                    "crps_gain": gain, "crps_log": row["crps_log"], "crps_log_baseline": base["crps_log"],
                    "crps_log_gain": row.get("crps_log_gain_vs_conflictology"),
                    "brier_1": row["brier_1"], "brier_1_last_value": lv["brier_1"], "brier_1_conflictology": base["brier_1"],
                    "brier_25": row["brier_25"], "brier_25_last_value": lv["brier_25"],
                    "log_score": row["log_score"], "log_score_conflictology": base["log_score"],
                    "n": row["n"], "origins": ev["origins"], "seconds": round(took, 1),
                    "target": "CRPS >= 10 % below conflictology and Brier below last value",
                }
                if row["horizon"] in TARGET_HORIZONS:
                    result["meets_target"] = bool(gain is not None and gain >= TARGET_GAIN and brier_ok)
                results.append(result)
    return results


def main() -> int:
    sys.path.insert(0, str(REPO / "src"))
    for r in run(sys.argv[1:]):
        if "error" in r:
            print(f"{r['case']:<58} not scored: {r['error']} ({r['figure']:.0f} {r['unit']})", flush=True)
            continue
        print(
            f"{r['case']:<58} model {r['figure']:9.3f}  conflictology {r['baseline']:9.3f}  gain {100 * (r['crps_gain'] or 0):+6.1f} %"
            f"  | log1p gain {100 * (r['crps_log_gain'] or 0):+6.1f} %  | Brier>=1 {r['brier_1']:.4f} vs last value {r['brier_1_last_value']:.4f}"
            f" (conflictology {r['brier_1_conflictology']:.4f})  Brier>=25 {r['brier_25']:.4f} vs {r['brier_25_last_value']:.4f}"
            f"  n={r['n']}  {'MEETS' if r.get('meets_target') else ('misses' if 'meets_target' in r else '')}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
