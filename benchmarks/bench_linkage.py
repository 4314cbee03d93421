"""Linkage speed: 350k GED-layout reports against 2.5M ACLED-layout reports on this machine.

    python benchmarks/run.py linkage [--ged 350000] [--acled 2500000] [--planted 250000] [--seed 0]

Reports are drawn in memory from the real GED files in ../shared/data (country mix of the
global GED 23.1 sample; places, admin names, deaths and headlines of real events of that
country; dates spread over 1997-2024; coordinates jittered ~2 km). `--planted` ACLED-layout
reports are perturbed copies of GED-layout ones (date +-0-3 days, coordinates within
precision, fatalities +-30 %, paraphrased notes), so recall and precision on them are known.

Figures:
* link wall time, blocking + scoring + clustering (target < 300 s); the ratio is against the
  naive linker (hash join on country + date + deaths, DuckDB) run in the same process;
* candidate pairs scored per second (target >= 1M/s); the ratio is against scoring the same
  comparisons pair by pair in Python (rapidfuzz per pair) on a 50k-pair sample.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from civwatch.linkage.blocking import candidate_pairs
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.engine import link
from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import GED_WHERE_PREC, ged_perpetrator
from civwatch.linkage.evaluation.metrics import evaluate
from civwatch.linkage.model import FellegiSunter, score
from civwatch.linkage.records import Records

REPO = Path(__file__).resolve().parent.parent
GED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data")) / "ucdp_ged"
FILES = ["ged_v23_1_global_random_sample_991.csv", "ged_ukraine_statebased_2014_2022.csv", "ged_v19_1_bangladesh_1989_2018.csv"]
DAY0, DAYS = 9862, 10227  # 1997-01-01 .. 2024-12-31
TARGET_SECONDS = 300.0
TARGET_PAIRS_PER_S = 1_000_000


def templates() -> dict[str, np.ndarray]:
    rows = []
    for name in FILES:
        with open(GED / name, encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if r["latitude"] and r["best"] != ""]
    col = {
        "country": np.array([iso3(r["country"]) for r in rows], dtype=object),
        "lat": np.array([float(r["latitude"]) for r in rows]),
        "lon": np.array([float(r["longitude"]) for r in rows]),
        "geo": np.array([GED_WHERE_PREC.get(r["where_prec"], "unknown") for r in rows], dtype=object),
        "admin1": np.array([r["adm_1"] or None for r in rows], dtype=object),
        "admin2": np.array([r["adm_2"] or None for r in rows], dtype=object),
        "place": np.array([r["where_coordinates"] or None for r in rows], dtype=object),
        "best": np.array([float(r["best"]) for r in rows]),
        "party": np.array([ged_perpetrator(r) for r in rows], dtype=object),
        "headline": np.array([(r["source_headline"] or "")[:300] for r in rows], dtype=object),
    }
    mix_rows = [r for r in rows if r.get("code_status") is not None]
    with open(GED / FILES[0], encoding="utf-8", newline="") as fh:
        mix = [iso3(r["country"]) for r in csv.DictReader(fh)]
    countries, counts = np.unique(np.array(mix, dtype=object), return_counts=True)
    col["mix_countries"], col["mix_weights"] = countries, counts / counts.sum()
    del mix_rows
    return col


def draw(t: dict[str, np.ndarray], n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """n reports: a country by the real mix, then a real event of that country as the template."""
    country = rng.choice(t["mix_countries"], size=n, p=t["mix_weights"])
    by_country = {c: np.flatnonzero(t["country"] == c) for c in t["mix_countries"]}
    tpl = np.empty(n, dtype=np.int64)
    for c, members in by_country.items():
        where = np.flatnonzero(country == c)
        tpl[where] = rng.choice(members, size=len(where))
    start = DAY0 + rng.integers(0, DAYS, size=n)
    return {
        "tpl": tpl, "country_iso3": t["country"][tpl], "date_start": start.astype(np.int32),
        "latitude": t["lat"][tpl] + rng.normal(0, 0.02, n), "longitude": t["lon"][tpl] + rng.normal(0, 0.02, n),
        "geo_precision": t["geo"][tpl], "admin1": t["admin1"][tpl], "admin2": t["admin2"][tpl], "location": t["place"][tpl],
        "total_deaths_best": np.round(t["best"][tpl] * rng.uniform(0.5, 1.5, n)), "perpetrator_category": t["party"][tpl],
    }


def build(args: argparse.Namespace) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(args.seed)
    t = templates()
    ged = draw(t, args.ged, rng)
    acled = draw(t, args.acled, rng)
    planted = rng.choice(args.ged, size=args.planted, replace=False)
    k = np.arange(args.planted)
    shift = rng.choice([0, 0, 0, 0, 0, 1, -1, 1, -1, 2, -2, 3, -3], size=args.planted)
    for name in ("tpl", "country_iso3", "geo_precision", "admin1", "admin2", "location", "perpetrator_category"):
        acled[name][k] = ged[name][planted]
    acled["date_start"][k] = ged["date_start"][planted] + shift
    acled["latitude"][k] = ged["latitude"][planted] + rng.normal(0, 0.01, args.planted)
    acled["longitude"][k] = ged["longitude"][planted] + rng.normal(0, 0.01, args.planted)
    acled["total_deaths_best"][k] = np.round(ged["total_deaths_best"][planted] * rng.uniform(0.7, 1.3, args.planted))
    truth = np.concatenate([np.arange(args.ged), np.arange(args.ged, args.ged + args.acled)])
    truth[args.ged + k] = planted
    cols: dict[str, np.ndarray] = {}
    for name in ged:
        if name != "tpl":
            cols[name] = np.concatenate([ged[name], acled[name]])
    cols["date_end"] = cols["date_start"]
    cols["source"] = np.array(["ucdp-ged"] * args.ged + ["acled"] * args.acled, dtype=object)
    cols["key"] = np.arange(args.ged + args.acled)
    tpl = np.concatenate([ged["tpl"], acled["tpl"]])
    head = t["headline"][tpl]
    cols["headline"] = np.where(np.arange(len(tpl)) < args.ged, head, None)
    cols["notes"] = np.where(np.arange(len(tpl)) >= args.ged, head, None)
    return cols, truth


def naive_seconds(r: Records) -> float:
    """The naive linker: every cross-source pair with the same country, date and deaths."""
    table = pa.table({"c": r.country, "d": r.start, "f": np.nan_to_num(r.deaths, nan=-1), "s": r.source})
    t0 = time.perf_counter()
    con = duckdb.connect()
    con.register("t", table)
    con.execute("SELECT count(*) FROM t a JOIN t b ON a.c = b.c AND a.d = b.d AND a.f = b.f AND a.s < b.s").fetchall()
    con.close()
    return time.perf_counter() - t0


def per_pair_python(r: Records, model: FellegiSunter, i: np.ndarray, j: np.ndarray) -> float:
    """Pairs per second when each pair is scored on its own (the same comparisons)."""
    t0 = time.perf_counter()
    for a, b in zip(i.tolist(), j.tolist(), strict=True):
        score(model, r, np.array([a]), np.array([b]))
    return len(i) / (time.perf_counter() - t0)


def run(argv: list[str]) -> list[dict]:
    parser = argparse.ArgumentParser(prog="linkage")
    parser.add_argument("--ged", type=int, default=350_000)
    parser.add_argument("--acled", type=int, default=2_500_000)
    parser.add_argument("--planted", type=int, default=250_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    cols, truth = build(args)
    t1 = time.perf_counter()
    config = LinkageConfig()
    model = FellegiSunter.load()
    records = Records.from_columns(cols, config)
    t2 = time.perf_counter()
    result = link(records, config, model)
    seconds = result.stats["seconds_total"]
    naive = naive_seconds(records)
    i, j = next(candidate_pairs(records, config, batch_rows=50_000))
    slow = per_pair_python(records, model, i[:5_000], j[:5_000])
    planted = evaluate(result.labels, truth)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   generated {len(truth)} reports in {t1 - t0:.1f}s; prepared records in {t2 - t1:.1f}s; "
          f"{int(result.stats['candidate_pairs'])} candidate pairs; blocking {result.stats['seconds_blocking']:.1f}s, "
          f"scoring {result.stats['seconds_scoring']:.1f}s, clustering {result.stats['seconds_clustering']:.1f}s; "
          f"planted pairs P {planted.precision:.3f} R {planted.recall:.3f} F1 {planted.f1:.3f}", flush=True)
    return [
        {"case": f"link {args.ged} GED x {args.acled} ACLED (s)", "figure": seconds, "unit": "s",
         "baseline": naive, "ratio": naive / seconds, "target": f"< {TARGET_SECONDS:.0f} s",
         "meets_target": seconds < TARGET_SECONDS, "peak_rss_mb": round(rss),
         "prepare_s": round(t2 - t1, 1), "candidate_pairs": int(result.stats["candidate_pairs"]),
         "planted_f1": round(planted.f1, 4), "planted_precision": round(planted.precision, 4), "planted_recall": round(planted.recall, 4)},
        {"case": "candidate pairs scored per second", "figure": result.stats["pairs_scored_per_second"], "unit": "pairs/s",
         "baseline": slow, "ratio": result.stats["pairs_scored_per_second"] / slow,
         "target": f">= {TARGET_PAIRS_PER_S:,}", "meets_target": result.stats["pairs_scored_per_second"] >= TARGET_PAIRS_PER_S},
    ]


if __name__ == "__main__":
    import sys

    for row in run(sys.argv[1:]):
        print(row)
