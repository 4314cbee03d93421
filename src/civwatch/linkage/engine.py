"""Link records end to end: block, score, cluster. The same steps on any backend."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from civwatch.linkage.blocking import candidate_pairs
from civwatch.linkage.cluster import cluster
from civwatch.linkage.config import LinkageConfig
from civwatch.linkage.model import FellegiSunter, estimate_prior, probability_to_weight, score
from civwatch.linkage.records import Records
from civwatch.linkage.schemes import other_scheme


@dataclass
class LinkResult:
    labels: np.ndarray  # group label per record
    pairs_i: np.ndarray  # pairs at or above the lower of the two thresholds
    pairs_j: np.ndarray
    weights: np.ndarray
    stats: dict[str, float] = field(default_factory=dict)


MIN_PAIRS_FOR_PRIOR = 1000


def _with_prior(batches, model: FellegiSunter, records: Records, sample: int, min_share: float):
    """Estimate the prior from the first `sample` candidate pairs (drawn at random from the
    leading batches), then hand back every batch, those included."""
    head, n = [], 0
    for batch in batches:
        head.append(batch)
        n += len(batch[0])
        if n >= sample * 4:
            break
    if n < MIN_PAIRS_FOR_PRIOR:  # too few pairs to estimate from: keep the fitted prior
        return iter(head), model.prior
    i = np.concatenate([b[0] for b in head])
    j = np.concatenate([b[1] for b in head])
    pick = np.random.default_rng(0).permutation(len(i))[:sample]
    prior = estimate_prior(model, records, i[pick], j[pick])
    # EM with m and u fixed can collapse towards 0 when few pairs match; bound it by what the
    # pairs allow: at most every report on the smaller side has its counterpart among its
    # candidates (cap), and at least `min_share` of them do.
    cap = min(len(np.unique(i)), len(np.unique(j))) / len(i)
    prior = float(np.clip(prior, min_share * cap, cap))

    def chained():
        yield from head
        yield from batches

    return chained(), prior


def _same_description(records: Records, config: LinkageConfig, i: np.ndarray, j: np.ndarray, w: np.ndarray):
    """Drop links between two id schemes of one source whose texts differ (a re-export keeps the
    event's description; two different descriptions at one place and day are two events)."""
    if not config.id_scheme_sources or not len(i):
        return i, j, w, 0
    cross = other_scheme(records.source, records.sources, i, j)
    if not cross.any():
        return i, j, w, 0
    drop = np.zeros(len(i), dtype=bool)
    at = np.flatnonzero(cross)
    drop[at] = records.text_cosine(i[at], j[at]) < config.id_scheme_min_text
    keep = ~drop
    return i[keep], j[keep], w[keep], int(drop.sum())


def link(
    records: Records,
    config: LinkageConfig | None = None,
    model: FellegiSunter | None = None,
    new: np.ndarray | None = None,
    start_groups: Iterable[Iterable[int]] = (),
    must: Iterable[tuple[int, int]] = (),
    cannot: Iterable[tuple[int, int]] = (),
    threads: int | None = None,
) -> LinkResult:
    config = config or LinkageConfig()
    model = model or FellegiSunter.load()
    cross = probability_to_weight(config.match_threshold)
    within = probability_to_weight(config.within_source_threshold)
    floor = min(cross, within) if config.within_source else cross
    t0 = time.perf_counter()
    kept_i, kept_j, kept_w = [], [], []
    n_candidates = 0
    t_block = t_score = 0.0
    t_prev = time.perf_counter()
    batches = candidate_pairs(records, config, new=new, batch_rows=config.batch_pairs, threads=threads)
    prior = model.prior
    if config.estimate_prior:
        batches, prior = _with_prior(batches, model, records, config.prior_sample, config.prior_min_share)
        model = FellegiSunter(model.m, model.u, prior)
    for i, j in batches:
        t_mid = time.perf_counter()
        t_block += t_mid - t_prev
        n_candidates += len(i)
        si, sj, sw = score(model, records, i, j, floor=floor)
        kept_i.append(si)
        kept_j.append(sj)
        kept_w.append(sw)
        t_prev = time.perf_counter()
        t_score += t_prev - t_mid
    t_block += time.perf_counter() - t_prev
    pi = np.concatenate(kept_i) if kept_i else np.zeros(0, np.int64)
    pj = np.concatenate(kept_j) if kept_j else np.zeros(0, np.int64)
    pw = np.concatenate(kept_w) if kept_w else np.zeros(0)
    pi, pj, pw, refused = _same_description(records, config, pi, pj, pw)
    t1 = time.perf_counter()
    labels = cluster(records.source, pi, pj, pw, cross, within, start_groups, must, cannot)
    t2 = time.perf_counter()
    stats = {
        "records": float(len(records)),
        "candidate_pairs": float(n_candidates),
        "linked_pairs": float(len(pi)),
        "seconds_blocking": t_block,
        "seconds_scoring": t_score,
        "seconds_clustering": t2 - t1,
        "seconds_total": t2 - t0,
        "pairs_scored_per_second": n_candidates / t_score if t_score > 0 else 0.0,
        "prior": prior,
        "other_scheme_refused": float(refused),
    }
    return LinkResult(labels, pi, pj, pw, stats)
