"""Harm near peacekeeping deployments: for each mission-year, every event in its host
countries that year is near (within the distance of a deployed location wherever it happened
inside its precision radius), far, or too imprecise to say. Distances are great-circle
nearest-neighbour distances from a SciPy k-d tree over unit vectors: the straight-line (chord)
distance between two points on the sphere orders them as the great-circle distance does and
converts to it exactly (θ = 2·asin(chord/2)); tests check it against a plain haversine.

Works on columns (NumPy arrays) so that millions of events take seconds
(benchmarks/bench_missions.py compares it with a plain DuckDB query).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from civwatch.domain.missions import EARTH_RADIUS_KM, PRECISION_RADIUS_KM, Proximity

NEAR, FAR, IMPRECISE = 0, 1, 2
CODES = {NEAR: Proximity.NEAR, FAR: Proximity.FAR, IMPRECISE: Proximity.IMPRECISE}


@dataclass
class Events:
    """Events as columns. `deaths` is NaN where the number is unknown."""

    year: np.ndarray  # int
    country: np.ndarray  # str (ISO3)
    lat: np.ndarray  # float, NaN when absent
    lon: np.ndarray
    precision: np.ndarray  # str (GeoPrecision values)
    deaths: np.ndarray  # float
    _groups: dict[tuple[str, int], np.ndarray] = field(default_factory=dict, repr=False)
    _xyz: np.ndarray | None = field(default=None, repr=False)

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> Events:
        """From (year, country, lat, lon, precision, deaths) tuples."""
        if not rows:
            e = np.array([])
            return cls(e.astype(int), e.astype(object), e, e, e.astype(object), e)
        year, country, lat, lon, prec, deaths = zip(*rows, strict=True)
        f = lambda xs: np.array([np.nan if x is None else float(x) for x in xs], dtype=float)  # noqa: E731
        return cls(np.array(year, dtype=np.int64), np.array(country, dtype=object), f(lat), f(lon), np.array(prec, dtype=object), f(deaths))

    def __len__(self) -> int:
        return len(self.year)

    def radius(self) -> np.ndarray:
        r = np.full(len(self), np.nan)
        for name, km in PRECISION_RADIUS_KM.items():
            r[self.precision == name] = km
        return r

    def xyz(self) -> np.ndarray:
        if self._xyz is None:
            self._xyz = unit_vectors(self.lat, self.lon)
        return self._xyz

    def groups(self) -> dict[tuple[str, int], np.ndarray]:
        """Row indices by (country, year), built once (one sort of integer keys)."""
        if not self._groups and len(self):
            names, inverse = np.unique(self.country.astype("U3"), return_inverse=True)
            keys = inverse.astype(np.int64) * 10_000 + (self.year - self.year.min())
            order = np.argsort(keys, kind="stable")
            _, starts = np.unique(keys[order], return_index=True)
            ends = np.append(starts[1:], len(order))
            for s, e in zip(starts, ends, strict=True):
                i = order[s]
                self._groups[(str(names[inverse[i]]), int(self.year[i]))] = order[s:e]
        return self._groups


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    la, lo = np.radians(lat), np.radians(lon)
    c = np.cos(la)
    return np.column_stack([c * np.cos(lo), c * np.sin(lo), np.sin(la)])


def nearest_km(points_deg: np.ndarray, lat: np.ndarray, lon: np.ndarray, xyz: np.ndarray | None = None,
               upper_km: float | None = None) -> np.ndarray:
    """Great-circle distance (km) from each (lat, lon) to the nearest of `points_deg` [(lat, lon)];
    +inf beyond `upper_km` when given (the search stops there: far is far, however far)."""
    if len(lat) == 0:
        return np.array([])
    # imported on first use: it would cost every CLI start otherwise
    from scipy.spatial import cKDTree

    tree = cKDTree(unit_vectors(points_deg[:, 0], points_deg[:, 1]))
    bound = np.inf if upper_km is None else 2 * np.sin(min(upper_km / EARTH_RADIUS_KM, np.pi) / 2) * (1 + 1e-9)
    chord, _ = tree.query(unit_vectors(lat, lon) if xyz is None else xyz, k=1, distance_upper_bound=bound)
    out = np.full(len(chord), np.inf)
    hit = np.isfinite(chord)
    out[hit] = 2 * np.arcsin(np.clip(chord[hit] / 2, 0.0, 1.0)) * EARTH_RADIUS_KM
    return out


def classify_many(distance: np.ndarray, radius: np.ndarray, within_km: float) -> np.ndarray:
    """The domain rule (`domain.missions.classify`) on columns: NEAR, FAR or IMPRECISE codes."""
    code = np.full(len(distance), IMPRECISE, dtype=np.int8)
    ok = ~np.isnan(distance) & np.isfinite(radius)  # +inf: beyond the search bound, so far
    code[ok & (distance + radius <= within_km)] = NEAR
    code[ok & (distance - radius > within_km)] = FAR
    return code


@dataclass
class MissionYearResult:
    index: np.ndarray  # rows of the events considered (in host countries, that year)
    code: np.ndarray  # NEAR / FAR / IMPRECISE per row
    distance_km: np.ndarray  # NaN where not computed, +inf beyond the distance + the largest precision radius


def near_far(
    points: Mapping[tuple[str, int], np.ndarray],
    hosts: Mapping[tuple[str, int], set[str]],
    events: Events,
    within_km: float,
) -> dict[tuple[str, int], MissionYearResult]:
    """Classify the events of every mission-year's host countries against its deployed points."""
    groups = events.groups()
    radius = events.radius()
    upper = within_km + max(PRECISION_RADIUS_KM.values())
    out: dict[tuple[str, int], MissionYearResult] = {}
    for key, pts in points.items():
        mission, year = key
        parts = [groups[(c, year)] for c in sorted(hosts.get(key, ())) if (c, year) in groups]
        idx = np.concatenate(parts) if parts else np.array([], dtype=np.int64)
        dist = np.full(len(idx), np.nan)
        placed = np.isfinite(events.lat[idx]) & np.isfinite(events.lon[idx]) & np.isfinite(radius[idx])
        if placed.any() and len(pts):
            sel = idx[placed]
            dist[placed] = nearest_km(pts, events.lat[sel], events.lon[sel], events.xyz()[sel], upper_km=upper)
        out[key] = MissionYearResult(idx, classify_many(dist, radius[idx], within_km), dist)
    return out


def tally(result: MissionYearResult, deaths: np.ndarray) -> dict[str, dict]:
    """Per proximity: incidents, incidents whose deaths are known, civilian deaths (best)."""
    d = deaths[result.index]
    out = {}
    for code, name in CODES.items():
        sel = result.code == code
        known = sel & np.isfinite(d)
        out[name.value] = {"incidents": int(sel.sum()), "deaths_known": int(known.sum()), "deaths": int(np.nansum(d[known]))}
    return out
