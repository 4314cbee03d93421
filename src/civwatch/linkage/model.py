"""A Fellegi-Sunter model: m and u per comparison level, a prior, match weights in bits.

m = P(level | same incident), u = P(level | different incidents) among candidate pairs.
A pair's match weight is log2(prior odds) + sum of log2(m/u) over its comparisons (a level
of -1, "no information", adds 0). Parameters are fitted from labelled pairs
(`fit_labelled`) or kept from the shipped defaults (params.json, fitted on the training
half of the evaluation set; docs/linkage.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from civwatch.linkage import compare
from civwatch.linkage.records import Records

DEFAULT_PARAMS = Path(__file__).with_name("params.json")
TIEBREAK = 1e-3  # bits per unit of compare.tiebreak: orders equal weights, never crosses a threshold


def probability_to_weight(p: float) -> float:
    return float(np.log2(p / (1.0 - p)))


def weight_to_probability(w: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.asarray(w, dtype=np.float64)))


@dataclass
class FellegiSunter:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    prior: float  # P(match) for a candidate pair

    @classmethod
    def load(cls, path: str | Path | None = None) -> FellegiSunter:
        data = json.loads(Path(path or DEFAULT_PARAMS).read_text(encoding="utf-8"))
        model = cls(m=data["m"], u=data["u"], prior=float(data["prior"]))
        model.check()
        return model

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps({"prior": self.prior, "m": self.m, "u": self.u}, indent=1) + "\n", encoding="utf-8")

    def check(self) -> None:
        for name, (_, n) in compare.ALL.items():
            if len(self.m.get(name, [])) != n or len(self.u.get(name, [])) != n:
                raise ValueError(f"model parameters for {name!r} need {n} levels")

    def weights(self, name: str) -> np.ndarray:
        """log2(m/u) per level, with a trailing 0 for level -1 (indexing with -1 picks it)."""
        m, u = np.asarray(self.m[name]), np.asarray(self.u[name])
        return np.append(np.log2(m / u), 0.0)

    @property
    def prior_weight(self) -> float:
        return probability_to_weight(self.prior)

    def max_weight(self, names: list[str]) -> float:
        return float(sum(max(0.0, self.weights(n)[:-1].max()) for n in names))


def score(
    model: FellegiSunter, r: Records, i: np.ndarray, j: np.ndarray, floor: float | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match weights of pairs (i, j). With `floor`, pairs that cannot reach it are dropped early.

    Returns (i, j, weight) of the pairs kept. Cheap comparisons first; names and text only for
    pairs whose best possible total still reaches the floor.
    """
    w = np.full(len(i), model.prior_weight)
    for name, (fn, _) in compare.CHEAP.items():
        w += model.weights(name)[fn(r, i, j)]
    costly = [*compare.NAMES, *compare.TEXT]  # in order of cost
    for k, name in enumerate(costly):
        if floor is not None:
            keep = w + model.max_weight(costly[k:]) >= floor
            i, j, w = i[keep], j[keep], w[keep]
        w += model.weights(name)[compare.ALL[name][0](r, i, j)]
    if floor is not None:
        keep = w >= floor
        i, j, w = i[keep], j[keep], w[keep]
    return i, j, w + TIEBREAK * compare.tiebreak(r, i, j)


def levels(r: Records, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
    """Every comparison's levels for the pairs (for fitting and explaining)."""
    return {name: fn(r, i, j) for name, (fn, _) in compare.ALL.items()}


def fit_labelled(
    all_levels: dict[str, np.ndarray], is_match: np.ndarray, smoothing: float = 1.0, m_floor: float = 0.0
) -> FellegiSunter:
    """m from the true pairs, u from the other candidate pairs, prior from their ratio.

    `m_floor` keeps every level possible for a true match (a perturbation set never renames a
    place outright; real sources do), so no single disagreement can veto a link on its own.
    """
    is_match = np.asarray(is_match, dtype=bool)
    m: dict[str, list[float]] = {}
    u: dict[str, list[float]] = {}

    def u_of(name: str) -> np.ndarray:
        return np.asarray(u[name])

    for name, (_, n) in compare.ALL.items():
        lv = all_levels[name]
        for target, mask in ((u, ~is_match), (m, is_match)):
            counts = np.bincount(lv[mask & (lv >= 0)], minlength=n)[:n].astype(float) + smoothing
            probs = counts / counts.sum()
            if target is m and m_floor:
                # raise a level that true matches (almost) never show, but never above its u:
                # a disagreement may stop being a veto, it must not become evidence for a match
                probs = np.maximum(probs, np.minimum(m_floor, u_of(name)))
                probs = probs / probs.sum()
            target[name] = [round(float(x), 6) for x in probs]
        m[name] = [round(float(x), 6) for x in monotone(np.asarray(m[name]), np.asarray(u[name]))]
    prior = (is_match.sum() + 1.0) / (len(is_match) + 2.0)
    return FellegiSunter(m=m, u=u, prior=float(prior))


def monotone(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """m adjusted so that log2(m/u) never rises from one level to the next (level 0 is the most
    alike): adjacent levels that violate it are pooled to their joint ratio (pool adjacent
    violators), each level's share of m within a pool following its u. Levels rarely seen in
    training otherwise get any weight, e.g. "the same text", never seen between a report and a
    paraphrase of it, weighing less than "a similar text". The total of m is kept."""
    blocks: list[list[int]] = []
    for k in range(len(m)):
        blocks.append([k])
        while len(blocks) > 1:
            prev, last = blocks[-2], blocks[-1]
            if m[prev].sum() / u[prev].sum() >= m[last].sum() / u[last].sum():
                break
            blocks[-2:] = [prev + last]
    out = m.astype(float).copy()
    for block in blocks:
        out[block] = u[block] * m[block].sum() / u[block].sum()
    return out


def estimate_prior(model: FellegiSunter, r: Records, i: np.ndarray, j: np.ndarray, iterations: int = 50) -> float:
    """P(match) among these candidate pairs by EM with m and u held fixed.

    How many candidates are true matches depends on how dense the data are (a front line
    with dozens of events a day, or a quiet country), so the prior is re-estimated from the
    pairs being linked rather than carried over from the training set.
    """
    if len(i) == 0:
        return model.prior
    lv = levels(r, i, j)
    bits = sum(model.weights(name)[lv[name]] for name in compare.ALL)
    prior = min(max(model.prior, 1e-6), 1 - 1e-6)
    for _ in range(iterations):
        post = weight_to_probability(probability_to_weight(prior) + bits)
        new = float(np.clip(post.mean(), 1e-6, 1 - 1e-6))
        if abs(new - prior) < 1e-7:
            break
        prior = new
    return prior
