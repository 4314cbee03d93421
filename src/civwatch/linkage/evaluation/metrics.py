"""Pairwise precision/recall/F1 and B-cubed F1 of a clustering against the truth.

Both are computed from the contingency table of (predicted cluster, true cluster) counts,
so they are exact for any number of records: pairs are never enumerated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    def as_dict(self) -> dict[str, float]:
        return {k: round(float(v), 4) if isinstance(v, float) else v for k, v in self.__dict__.items()}


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(counts: np.ndarray) -> int:
    counts = counts.astype(np.int64)
    return int((counts * (counts - 1) // 2).sum())


def evaluate(predicted: np.ndarray, truth: np.ndarray) -> Scores:
    """Compare two labelings of the same records (any hashable labels)."""
    predicted, truth = np.asarray(predicted), np.asarray(truth)
    if predicted.shape != truth.shape:
        raise ValueError("predicted and truth label different numbers of records")
    _, p = np.unique(predicted, return_inverse=True)
    _, t = np.unique(truth, return_inverse=True)
    p_size = np.bincount(p)
    t_size = np.bincount(t)
    cell, cell_count = np.unique(p.astype(np.int64) * (t.max() + 1) + t, return_counts=True)
    cell_p, cell_t = cell // (t.max() + 1), cell % (t.max() + 1)
    correct = _pairs(cell_count)
    predicted_pairs, true_pairs = _pairs(p_size), _pairs(t_size)
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    n = len(predicted)
    b_p = float((cell_count**2 / p_size[cell_p]).sum() / n) if n else 1.0
    b_r = float((cell_count**2 / t_size[cell_t]).sum() / n) if n else 1.0
    return Scores(precision, recall, _f1(precision, recall), b_p, b_r, _f1(b_p, b_r), true_pairs, predicted_pairs, correct)


def naive_labels(country: np.ndarray, start: np.ndarray, deaths: np.ndarray, source: np.ndarray) -> np.ndarray:
    """The naive baseline: reports of different sources with the same country, start date and
    deaths are one incident (connected components over such pairs)."""
    n = len(country)
    labels = np.arange(n)
    keys: dict[tuple, list[int]] = {}
    for idx, key in enumerate(zip(country.tolist(), start.tolist(), deaths.tolist(), strict=True)):
        if key[2] == key[2]:  # not NaN
            keys.setdefault(key, []).append(idx)
    for members in keys.values():
        if len(members) > 1 and len({source[m] for m in members}) > 1:
            labels[members] = members[0]
    return labels


def resolve_twins(predicted: np.ndarray, truth: np.ndarray, visible: list[tuple]) -> np.ndarray:
    """Truth with the labels of indistinguishable records swapped to agree with the prediction.

    Real files hold "twins": records of one source identical in every field a linker sees
    (GED splits one article into several events with the same date, place and deaths). No
    linker can tell which twin a copy belongs to, so for each group of twins the truth labels
    are permuted among its members to agree best with the predicted clusters: each twin takes
    the label of a predicted partner when that label belongs to the group. `visible[k]` is
    record k's key of visible fields, including its source. Report it beside the raw figure.
    """
    predicted, truth = np.asarray(predicted), np.asarray(truth).copy()
    groups: dict[tuple, list[int]] = {}
    for k, key in enumerate(visible):
        groups.setdefault(key, []).append(k)
    members_of: dict[object, list[int]] = {}
    for k, label in enumerate(predicted.tolist()):
        members_of.setdefault(label, []).append(k)
    for twins in groups.values():
        if len(twins) < 2:
            continue
        labels = {truth[k] for k in twins}
        free = set(labels)
        wanted: dict[int, object] = {}
        for k in twins:
            # partners' labels as resolved so far: when the partners are twins too (the same
            # twins in two exports), resolving against their original labels would undo it
            partner_labels = [truth[m] for m in members_of[predicted[k]] if m not in twins]
            choice = next((lab for lab in partner_labels if lab in free), None)
            if choice is not None:
                wanted[k] = choice
                free.discard(choice)
        rest = sorted(free, key=str)
        for k in twins:
            truth[k] = wanted[k] if k in wanted else rest.pop()
    return truth


def twin_blind_bound(truth: np.ndarray, visible: list[tuple], draws: int = 20, seed: int = 0) -> float:
    """Pairwise F1 of a linker that is right about everything except which of a group of
    twins is which: the truth with each group's labels shuffled, averaged over `draws`.
    Twins (records of one source with the same `visible` key) are exchangeable to any linker,
    so no linker's expected raw F1 exceeds this; a bound, not a target."""
    truth = np.asarray(truth)
    groups: dict[tuple, list[int]] = {}
    for k, key in enumerate(visible):
        groups.setdefault(key, []).append(k)
    twins = [np.array(g) for g in groups.values() if len(g) > 1]
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(draws):
        shuffled = truth.copy()
        for g in twins:
            shuffled[g] = truth[rng.permutation(g)]
        scores.append(evaluate(shuffled, truth).f1)
    return float(np.mean(scores))


def decidable(truth: np.ndarray, visible: list[tuple]) -> np.ndarray:
    """Which records a linker can decide: those whose true incident holds no record with an
    indistinguishable twin in its source (`visible` equal). Scoring on these alone measures
    the linker where the evidence allows a decision; the twins are flagged for analysts."""
    seen: dict[tuple, int] = {}
    for v in visible:
        seen[v] = seen.get(v, 0) + 1
    twin = np.array([seen[v] > 1 for v in visible], dtype=bool)
    truth = np.asarray(truth)
    return ~np.isin(truth, truth[twin])


def nearest_labels(records, config) -> np.ndarray:
    """The greedy nearest-event matcher (a baseline): among candidate pairs of two sources,
    fewest days apart first, then fewest km, each report taken once."""
    from civwatch.linkage.blocking import candidate_pairs
    from civwatch.linkage.compare import distance_km

    batches = list(candidate_pairs(records, config))
    n = len(records)
    labels = np.arange(n)
    if not batches:
        return labels
    i = np.concatenate([b[0] for b in batches])
    j = np.concatenate([b[1] for b in batches])
    days = np.abs(records.start[i].astype(np.int64) - records.start[j].astype(np.int64))
    km = np.nan_to_num(distance_km(records, i, j), nan=np.inf)
    used = np.zeros(n, dtype=bool)
    for k in np.lexsort((j, i, km, days)).tolist():
        a, b = int(i[k]), int(j[k])
        if not used[a] and not used[b]:
            used[a] = used[b] = True
            labels[b] = labels[a]
    return labels
