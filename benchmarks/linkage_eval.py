"""Linkage quality against labelled truth, and the naive baseline, on real GED events.

(a) the two real GED Ukraine exports (../shared/data/ucdp_ged): same events in two layouts,
    the GED `id` is the truth;
(b) perturbed copies of real GED events re-written in ACLED's layout (linkage/evaluation/
    perturb.py): trained on Bangladesh + the global sample, tested on Ukraine (held out).

Prints pairwise precision/recall/F1 and B-cubed F1 for civwatch's linkage and for the naive
baseline (same country + same start date + same deaths).
    .venv/bin/python benchmarks/linkage_eval.py            # evaluate with the shipped parameters
    .venv/bin/python benchmarks/linkage_eval.py --fit      # refit params.json on the training set
    .venv/bin/python benchmarks/linkage_eval.py --sweep    # thresholds vs F1 on the training set
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from civwatch.linkage.blocking import candidate_pairs
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.engine import link
from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import columns, ged_report, ged_row_from_acled, read_csv
from civwatch.linkage.evaluation.metrics import (
    decidable,
    evaluate,
    naive_labels,
    nearest_labels,
    resolve_twins,
    twin_blind_bound,
)
from civwatch.linkage.evaluation.perturb import perturbed_pair
from civwatch.linkage.model import DEFAULT_PARAMS, FellegiSunter, fit_labelled, levels
from civwatch.linkage.records import Records

REPO = Path(__file__).resolve().parent.parent
GED = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data")) / "ucdp_ged"


def ged_files_case() -> tuple[list[dict], list[str]]:
    a = read_csv(GED / "ged_ukraine_statebased_2014_2022.csv")
    b = read_csv(GED / "ged_ukraine_statebased_2014_2021_api_style_variant.csv")
    reports = [ged_report(r, iso3(r["country"]), "ged-export-2023-06") for r in a]
    reports += [ged_report(r, iso3(r["country"]), "ged-export-2023-02") for r in b]
    truth = [r["id"] for r in a] + [r["id"] for r in b]
    return reports, truth


def perturbed_case(files: list[str], seed: int, exclude: frozenset[str] = frozenset()) -> tuple[list[dict], list[int]]:
    rows = [row for f in files for row in read_csv(GED / f)]
    if "ged_v23_1_global_random_sample_991.csv" in files:
        rows = [r for r in rows if r["country"] != "Ukraine"]
    rows = [r for r in rows if r["country"] not in exclude]
    return perturbed_pair(rows, iso3, seed=seed)


ACLED_NEW_COUNTRY = GED.parent / "acled" / "acled_ethiopia_1997-01-01_to_2020-01-24.csv"


def new_country_case(seed: int) -> tuple[list[dict], list[int]]:
    """(c) Ethiopia: its real fatal ACLED events written in GED's layout, then perturbed like
    the others. The model for it is fitted without Ethiopia (13 events of the global sample)."""
    rows = [g for g in (ged_row_from_acled(r) for r in read_csv(ACLED_NEW_COUNTRY)) if g]
    return perturbed_pair(rows, iso3, seed=seed)


VISIBLE = ("source", "date_start", "date_end", "latitude", "longitude", "geo_precision", "admin1", "admin2",
           "location", "perpetrator_category", "weapon", "total_deaths_best", "headline", "notes")
TRAIN = ["ged_v19_1_bangladesh_1989_2018.csv", "ged_v23_1_global_random_sample_991.csv"]
TEST = ["ged_ukraine_statebased_2014_2022.csv"]


def shuffled(reports: list[dict], truth: list, seed: int = 0) -> tuple[list[dict], list]:
    """The reports in a random order. The files list events in id order and the perturbed copy
    follows its original, so the row order carries the truth: any tie broken by position
    (equal weights of twins, an assignment solver's first optimum) would read it."""
    order = np.random.default_rng(seed).permutation(len(reports))
    return [reports[k] for k in order], [truth[k] for k in order]


def run(name: str, reports: list[dict], truth: list, config: LinkageConfig, model: FellegiSunter,
        perturbed: bool = False) -> dict:
    """`perturbed`: the second layout is a copy made from the first, so also bound the F1 by
    the records the copy cannot tell apart (equal in every field but the GED notes, i.e.
    where_description, which the copy never carries)."""
    reports, truth = shuffled(reports, truth)
    recs = Records.from_columns(columns(reports), config)
    truth_arr = np.asarray(truth)
    t0 = time.perf_counter()
    result = link(recs, config, model)
    seconds = time.perf_counter() - t0
    naive_lab = naive_labels(recs.country, recs.start, recs.deaths, recs.source)
    ours, naive = evaluate(result.labels, truth_arr), evaluate(naive_lab, truth_arr)
    visible = [tuple(str(r.get(k)) for k in VISIBLE) for r in reports]
    twins = len(visible) - len(set(visible))
    ours_t = evaluate(result.labels, resolve_twins(result.labels, truth_arr, visible))
    naive_t = evaluate(naive_lab, resolve_twins(naive_lab, truth_arr, visible))
    bounds = {"twins": twin_blind_bound(truth_arr, visible)}
    if perturbed:
        bounds["copy_blind"] = twin_blind_bound(truth_arr, [tuple(str(r.get(k)) for k in VISIBLE if k != "notes") for r in reports])
    # the greedy nearest-event matcher, and every figure again on the records a linker can
    # decide (no indistinguishable twin in the true incident), each beside its bound there
    nearest_lab = nearest_labels(recs, config)
    nearest = evaluate(nearest_lab, truth_arr)
    ok = decidable(truth_arr, visible)
    vis_ok = [v for v, keep in zip(visible, ok.tolist(), strict=True) if keep]
    ours_d, nearest_d = evaluate(result.labels[ok], truth_arr[ok]), evaluate(nearest_lab[ok], truth_arr[ok])
    bound_d = twin_blind_bound(truth_arr[ok], vis_ok)
    if perturbed:
        copy_ok = [tuple(str(r.get(k)) for k in VISIBLE if k != "notes") for r, keep in zip(reports, ok.tolist(), strict=True) if keep]
        bound_d = min(bound_d, twin_blind_bound(truth_arr[ok], copy_ok))
    out = {
        "case": name, "reports": len(reports), "true_pairs": ours.true_pairs, "twin_records": twins,
        "f1_bound": {k: round(v, 4) for k, v in bounds.items()},
        "civwatch": ours.as_dict(), "naive": naive.as_dict(),
        "civwatch_twins_resolved": ours_t.as_dict(), "naive_twins_resolved": naive_t.as_dict(),
        "nearest": nearest.as_dict(), "decidable_reports": int(ok.sum()), "decidable_f1_bound": round(bound_d, 4),
        "civwatch_decidable": ours_d.as_dict(), "nearest_decidable": nearest_d.as_dict(),
        "seconds": round(seconds, 2), "candidate_pairs": int(result.stats["candidate_pairs"]),
    }
    print(f"\n== {name}: {len(reports)} reports, {ours.true_pairs} true pairs, "
          f"{out['candidate_pairs']} candidate pairs, {seconds:.2f}s; "
          f"{twins} records have an indistinguishable twin in their source")
    for label, s in (("civwatch", ours), ("naive   ", naive), ("greedy nearest event", nearest),
                     ("civwatch, twins resolved", ours_t), ("naive, twins resolved", naive_t)):
        print(f"  {label:<25} pairwise P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} | "
              f"B-cubed P {s.bcubed_precision:.4f} R {s.bcubed_recall:.4f} F1 {s.bcubed_f1:.4f}")
    print(f"  F1 ratio civwatch/naive: {ours.f1 / naive.f1 if naive.f1 else float('inf'):.2f}")
    print(f"  bound on raw pairwise F1, a linker perfect but for twins: {bounds['twins']:.4f}" + (
        f"; but for records the copy cannot tell apart (all fields but the GED notes equal): {bounds['copy_blind']:.4f}"
        if perturbed else ""))
    print(f"  decidable records ({int(ok.sum())} of {len(reports)}; bound on raw pairwise F1 there {bound_d:.4f}):")
    for label, s in (("civwatch", ours_d), ("greedy nearest event", nearest_d)):
        print(f"    {label:<23} pairwise P {s.precision:.4f} R {s.recall:.4f} F1 {s.f1:.4f} (bound {bound_d:.4f}) | "
              f"B-cubed F1 {s.bcubed_f1:.4f}")
    return out


def training_levels(config: LinkageConfig, files: list[str] = TRAIN, exclude: frozenset[str] = frozenset()) -> tuple[dict, np.ndarray, Records, np.ndarray, np.ndarray]:
    reports, truth = perturbed_case(files, seed=1, exclude=exclude)
    recs = Records.from_columns(columns(reports), config)
    pairs = list(candidate_pairs(recs, config))
    i = np.concatenate([p[0] for p in pairs])
    j = np.concatenate([p[1] for p in pairs])
    t = np.asarray(truth)
    return levels(recs, i, j), t[i] == t[j], recs, i, j


def sweep(config: LinkageConfig, model: FellegiSunter) -> None:
    """F1 by threshold: cross-source on the training set and on Ukraine; within-source on the
    two GED exports given one source name (every id is then a within-source duplicate)."""
    cases = {"training": perturbed_case(TRAIN, seed=1), "Ukraine": perturbed_case(TEST, seed=2)}
    print("match_threshold   pairwise-F1 training / Ukraine   B-cubed-F1 training / Ukraine")
    for threshold in (0.05, 0.2, 0.5, 0.8, 0.95, 0.99):
        cfg = LinkageConfig.load(match_threshold=threshold)
        s = {name: evaluate(link(Records.from_columns(columns(r), cfg), cfg, model).labels, np.asarray(t))
             for name, (r, t) in ((k, shuffled(*v)) for k, v in cases.items())}
        print(f"  {threshold:<15} {s['training'].f1:.4f} / {s['Ukraine'].f1:.4f}"
              f"                  {s['training'].bcubed_f1:.4f} / {s['Ukraine'].bcubed_f1:.4f}")
    reports, truth = shuffled(*ged_files_case())
    one_source = [dict(r, source="ucdp-ged") for r in reports]
    print("within_source_threshold   pairwise P / R / F1 (two GED exports as one source)")
    for threshold in (0.5, 0.9, 0.99, 0.999, 0.9996, 0.9999):
        cfg = LinkageConfig.load(within_source=True, within_source_threshold=threshold)
        s = evaluate(link(Records.from_columns(columns(one_source), cfg), cfg, model).labels, np.asarray(truth))
        print(f"  {threshold:<23} {s.precision:.4f} / {s.recall:.4f} / {s.f1:.4f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fit", action="store_true", help="refit the model on the training set and save params.json")
    parser.add_argument("--m-floor", type=float, default=0.01, help="smallest m of any level when fitting")
    parser.add_argument("--sweep", action="store_true", help="print F1 by threshold on the training set")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    config = LinkageConfig.load()
    if args.fit:
        lv, is_match, *_ = training_levels(config)
        model = fit_labelled(lv, is_match, m_floor=args.m_floor)
        model.save(DEFAULT_PARAMS)
        print(f"fitted on {len(is_match)} candidate pairs ({int(is_match.sum())} true); saved {DEFAULT_PARAMS}")
    model = FellegiSunter.load()
    if args.sweep:
        sweep(config, model)
    results = [
        run("(a) GED Ukraine: two real exports", *ged_files_case(), config, model),
        run("(b1) perturbed, Bangladesh + global sample (fresh perturbations of the training events)",
            *perturbed_case(TRAIN, seed=2), config, model, perturbed=True),
        run("(b2) perturbed, Ukraine (events held out of training)", *perturbed_case(TEST, seed=2), config, model,
            perturbed=True),
    ]
    lv, is_match, *_ = training_levels(config, TEST)
    crossed = fit_labelled(lv, is_match, m_floor=args.m_floor)
    results.append(run("(b3) cross-check: fitted on Ukraine, tested on Bangladesh + global sample",
                       *perturbed_case(TRAIN, seed=2), config, crossed, perturbed=True))
    if ACLED_NEW_COUNTRY.exists():
        lv, is_match, *_ = training_levels(config, TRAIN, exclude=frozenset({"Ethiopia"}))
        unseen = fit_labelled(lv, is_match, m_floor=args.m_floor)
        results.append(run("(c) perturbed, Ethiopia from its ACLED events (a country no fit used: fitted without it)",
                           *new_country_case(seed=2), config, unseen, perturbed=True))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
