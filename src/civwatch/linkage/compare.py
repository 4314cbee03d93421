"""Comparison levels for candidate pairs, vectorised. Level -1 means "no information".

Each function takes the records and the pair index arrays and returns int8 levels, 0 = most
alike. The cheap ones are pure numpy; names go through rapidfuzz once per distinct pair of
names; free text once per surviving pair (rapidfuzz.process.cpdist, all cores).
"""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from civwatch.linkage.records import Names, Records

EARTH_RADIUS_KM = 6371.0088


def date_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same exact day; 1 spans overlap (a date not known to the day); 2 one day apart; 3 two-three; 4 more."""
    si, sj, ei, ej = r.start[i], r.start[j], r.end[i], r.end[j]
    gap = np.maximum(si, sj) - np.minimum(ei, ej)
    levels = np.full(len(i), 4, dtype=np.int8)
    levels[gap <= 3] = 3
    levels[gap == 1] = 2
    overlap = gap <= 0
    levels[overlap] = 1
    levels[overlap & (si == ei) & (sj == ej)] = 0
    return levels


def distance_km(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Equirectangular distance: within 0.5 % of the great circle below a few hundred km,
    which is all the levels distinguish, and several times cheaper."""
    kx = np.float32(np.radians(1.0) * EARTH_RADIUS_KM)
    dy = (r.lat[j] - r.lat[i]) * kx
    dlon = np.abs(r.lon[j] - r.lon[i])
    dlon = np.minimum(dlon, np.float32(360.0) - dlon)
    dx = dlon * kx * r.coslat[i]
    return np.sqrt(dx * dx + dy * dy)


def geo_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Distance against what both geo precisions allow.

    0 within 2 km, both exact; both at most "near": 1 within the larger of the two tolerances
    (where one report is precise, the other's error is all the distance), 2 within their sum;
    3 within tolerance of a coarse (admin-level) coordinate; 4 up to 25 km beyond; 5 up to
    100 km; 6 further. -1 when either has no usable coordinate.
    """
    tol_i, tol_j = r.geo_tol[i], r.geo_tol[j]
    d = distance_km(r, i, j)
    beyond = d - tol_i - tol_j
    levels = np.full(len(i), 6, dtype=np.int8)
    levels[beyond <= 100.0] = 5
    levels[beyond <= 25.0] = 4
    within = beyond <= 0
    levels[within] = 3
    fine = within & ~r.geo_coarse[i] & ~r.geo_coarse[j]
    levels[fine] = 2
    levels[fine & (d <= np.maximum(tol_i, tol_j))] = 1
    levels[fine & r.geo_exact[i] & r.geo_exact[j] & (d <= 2.0)] = 0
    levels[np.isnan(beyond)] = -1
    return levels


def _name_similarity(names: Names, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Similarity 0-100 of coded names: best of token-set on spelling and on sound keys."""
    sim = np.full(len(a), -1.0)
    ok = (a >= 0) & (b >= 0)
    if not ok.any():
        return sim
    lo, hi = np.minimum(a[ok], b[ok]).astype(np.int64), np.maximum(a[ok], b[ok]).astype(np.int64)
    pair_code = lo * (len(names.normal) + 1) + hi
    uniq, inverse = np.unique(pair_code, return_inverse=True)
    ua, ub = uniq // (len(names.normal) + 1), uniq % (len(names.normal) + 1)
    spelled = cpdist(names.normal[ua].tolist(), names.normal[ub].tolist(), scorer=fuzz.token_set_ratio, workers=-1)
    sounded = cpdist(names.skeletons[ua].tolist(), names.skeletons[ub].tolist(), scorer=fuzz.token_set_ratio, workers=-1)
    best = np.maximum(spelled, sounded)
    best[ua == ub] = 100.0
    sim[ok] = best[inverse]
    return sim


def name_levels(names: Names, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same name (>= 90), 1 similar (>= 70), 2 different; -1 missing."""
    sim = _name_similarity(names, names.codes[i], names.codes[j])
    levels = np.select([sim >= 90, sim >= 70], [0, 1], 2).astype(np.int8)
    levels[sim < 0] = -1
    return levels


def party_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Perpetrator category: 0 same, 1 different; -1 unknown on either side."""
    a, b = r.party[i], r.party[j]
    return np.where((a < 0) | (b < 0), -1, np.where(a == b, 0, 1)).astype(np.int8)


def weapon_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 same weapon, 1 both explosive, 2 different; -1 unknown."""
    a, b = r.weapon[i], r.weapon[j]
    both_explosive = r.explosive[i] & r.explosive[j]
    levels = np.select([a == b, both_explosive], [0, 1], 2).astype(np.int8)
    levels[(a < 0) | (b < 0)] = -1
    return levels


def deaths_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0 equal, 1 within 30 % or 1, 2 within a factor 2 or 3, 3 further; -1 unknown."""
    a, b = r.deaths[i], r.deaths[j]
    diff = np.abs(a - b)
    top = np.maximum(a, b)
    levels = np.select(
        [diff == 0, (diff <= 1) | (diff <= 0.3 * top), (diff <= 3) | (top <= 2 * np.minimum(a, b))],
        [0, 1, 2], 3,
    ).astype(np.int8)
    levels[np.isnan(a) | np.isnan(b)] = -1
    return levels


def text_levels(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Notes and headlines, rarity-weighted word cosine (`Records.text_cosine`): 0 >= 0.8 (the
    same text), 1 >= 0.6, 2 >= 0.4, 3 >= 0.25, 4 >= 0.1, 5 below; -1 missing."""
    cos = r.text_cosine(i, j)
    levels = np.select([cos >= 0.8, cos >= 0.6, cos >= 0.4, cos >= 0.25, cos >= 0.1], [0, 1, 2, 3, 4], 5).astype(np.int8)
    levels[np.isnan(cos)] = -1
    return levels


def tiebreak(r: Records, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """0..3 for how exactly two records agree beyond their levels: same coordinates, same
    deaths, text similarity. Used only to order links of equal weight (near-identical
    records of one source compete for the same counterpart)."""
    same_point = (r.lat[i] == r.lat[j]) & (r.lon[i] == r.lon[j])
    same_deaths = r.deaths[i] == r.deaths[j]
    ta, tb = r.text(i), r.text(j)
    sim = cpdist(ta.tolist(), tb.tolist(), scorer=fuzz.ratio, workers=-1) / 100.0 if len(i) else np.zeros(0)
    return same_point.astype(float) + same_deaths.astype(float) + sim


CHEAP = {
    "date": (date_levels, 5),
    "geo": (geo_levels, 7),
    "party": (party_levels, 2),
    "weapon": (weapon_levels, 3),
    "deaths": (deaths_levels, 4),
}
NAMES = {
    "admin1": (lambda r, i, j: name_levels(r.admin1, i, j), 3),
    "place": (lambda r, i, j: name_levels(r.place, i, j), 3),
}
TEXT = {"text": (text_levels, 6)}
ALL = {**CHEAP, **NAMES, **TEXT}
