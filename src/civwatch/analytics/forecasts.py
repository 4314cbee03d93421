"""Forecasts of civilian deaths per unit-month: the panel, its features, the models, the scores.

Everything here works on a `Panel`: a complete grid of units x months with civilian deaths,
events and reporting sources per cell, plus what is known about each unit (its country, a
centroid) and about each country (active armed conflicts per year, election dates). Features
at origin month t use only cells at or before t, conflicts of year(t) - 1 (the ACD is published
after the year ends) and election dates as scheduled.

The boosted model is one LightGBM regression per horizon on log1p(deaths); its predictive
distribution is the prediction shifted by the out-of-fold residuals of the k training rows
whose prediction was nearest (an analog ensemble), so the spread follows the level.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from civwatch.domain.forecasts import (
    HORIZONS,
    LOG_SCORE_BINS,
    MIN_EVENT_MONTHS,
    MIN_HISTORY_MONTHS,
    MODEL_VERSION,
    QUANTILES,
    THRESHOLDS,
    Level,
    ModelName,
)

ENSEMBLE = 200  # members of each predictive ensemble (analog neighbours)
FOLDS = 3
MIN_FIT_MONTHS = 30  # a record shorter than this is not fitted
NEIGHBOURS = 3  # nearest units by centroid, at the admin1 level
GBM_PARAMS = dict(
    n_estimators=80, learning_rate=0.05, num_leaves=4, min_child_samples=30, subsample=0.8,
    subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, random_state=7, n_jobs=1, verbose=-1,
    deterministic=True, force_col_wise=True,
)
POS_PARAMS = {**GBM_PARAMS, "min_child_samples": 10}


@dataclass
class Panel:
    """units x months of civilian deaths (`y`), events and distinct sources, zero-filled."""

    level: Level
    units: list[str]
    countries: list[str]  # ISO3 of each unit
    start: int  # month index of column 0
    y: np.ndarray  # (U, T) civilian deaths (best)
    events: np.ndarray  # (U, T)
    sources: np.ndarray  # (U, T) distinct sources reporting in the month
    lat: np.ndarray | None = None  # (U,) centroid, for admin1 neighbours
    lon: np.ndarray | None = None
    neighbours: dict[str, list[str]] = field(default_factory=dict)  # country -> contiguous countries
    conflicts: dict[tuple[str, int], int] = field(default_factory=dict)  # (iso3, year) -> active conflicts
    elections: dict[str, list[int]] = field(default_factory=dict)  # iso3 -> month indexes
    exog: dict[str, np.ndarray] = field(default_factory=dict)  # extra (U, T) series known at t
    observed: np.ndarray | None = None  # (U, T) False where the source has no record of the cell

    def seen(self, col: int) -> np.ndarray:
        """Units whose cell at column `col` was observed (every unit when the panel is complete)."""
        if self.observed is None:
            return np.ones(len(self.units), bool)
        return self.observed[:, col]

    @property
    def end(self) -> int:
        return self.start + self.y.shape[1] - 1

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        h.update(f"{self.level}|{self.start}|{','.join(self.units)}".encode())
        for arr in (self.y, self.events, self.sources):
            h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
        return h.hexdigest()

    def add_exog(self, name: str, values: dict[tuple[str, int], float]) -> None:
        """An extra series known at each month, keyed by (unit, month index); absent cells 0."""
        arr = np.zeros_like(self.y)
        pos = {u: i for i, u in enumerate(self.units)}
        for (unit, t), v in values.items():
            if unit in pos and self.start <= t <= self.end:
                arr[pos[unit], t - self.start] = v
        self.exog[name] = arr

    @classmethod
    def from_cells(
        cls, level: Level, cells: Iterable[tuple[str, str, int, float, float, float]], start: int | None = None,
        end: int | None = None, centroids: dict[str, tuple[float, float]] | None = None,
        only_observed: bool = False, **kw,
    ) -> Panel:
        """cells: (unit, country, month_index, deaths, events, sources). For an event record an
        absent cell is zero (no event) up to the last month with an event in the unit's country,
        and unknown after it; with `only_observed` (a panel that covers some months only, as
        HKS's conflict episodes) every absent cell is unknown. Unknown cells are neither fitted
        nor scored, and a unit is forecast from its own last known month."""
        rows = list(cells)
        if not rows:
            raise ValueError("no events: nothing to forecast from")
        units = sorted({r[0] for r in rows})
        country_of = {r[0]: r[1] for r in rows}
        lo = min(r[2] for r in rows) if start is None else start
        hi = max(r[2] for r in rows) if end is None else end
        index = {u: i for i, u in enumerate(units)}
        shape = (len(units), hi - lo + 1)
        y, ev, src = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        for unit, _c, t, deaths, events, sources in rows:
            if lo <= t <= hi:
                i, j = index[unit], t - lo
                y[i, j] += deaths or 0.0
                ev[i, j] += events or 0.0
                src[i, j] = max(src[i, j], sources or 0.0)
        if only_observed:
            observed = np.zeros(shape, bool)
            for unit, _c, t, *_ in rows:
                if lo <= t <= hi:
                    observed[index[unit], t - lo] = True
        else:  # a country's record ends with its last event: later months are unknown, not zero
            last: dict[str, int] = {}
            for _u, country, t, *_ in rows:
                last[country] = max(last.get(country, t), t)
            ends = np.array([last[country_of[u]] - lo for u in units])
            observed = np.arange(shape[1])[None, :] <= ends[:, None]
        lat = lon = None
        if centroids:
            lat = np.array([centroids.get(u, (np.nan, np.nan))[0] for u in units], dtype=float)
            lon = np.array([centroids.get(u, (np.nan, np.nan))[1] for u in units], dtype=float)
        return cls(level, units, [country_of[u] for u in units], lo, y, ev, src, lat, lon, observed=observed, **kw)


# ---------------------------------------------------------------- features


def _rolling(a: np.ndarray, w: int) -> np.ndarray:
    """Sum over the last w months including t (fewer at the start)."""
    c = np.cumsum(a, axis=1)
    out = c.copy()
    out[:, w:] = c[:, w:] - c[:, :-w]
    return out


def _rolling_max(a: np.ndarray, w: int) -> np.ndarray:
    out = a.copy()
    for k in range(1, w):
        out[:, k:] = np.maximum(out[:, k:], a[:, :-k])
    return out


def _lag(a: np.ndarray, k: int) -> np.ndarray:
    out = np.zeros_like(a)
    out[:, k:] = a[:, :-k] if k else a
    return out


def _since_last(a: np.ndarray, cap: int = 120) -> np.ndarray:
    """Months since the last month with a > 0 (cap where never)."""
    U, T = a.shape
    out = np.full((U, T), float(cap))
    last = np.full(U, -10**6)
    for j in range(T):
        last = np.where(a[:, j] > 0, j, last)
        out[:, j] = np.minimum(j - last, cap)
    return out


def _history(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months since the unit's first event (0 before it) and months with an event so far."""
    any_event = a > 0
    first = np.where(any_event.any(axis=1), any_event.argmax(axis=1), a.shape[1])
    cols = np.arange(a.shape[1])[None, :]
    history = np.clip(cols - first[:, None] + 1, 0, None).astype(float)
    return history, np.cumsum(any_event, axis=1).astype(float)


def _neighbour_index(panel: Panel) -> list[list[int]]:
    """For each unit, the units next to it: contiguous countries, or nearest centroids (admin1)."""
    U = len(panel.units)
    if panel.level == Level.country:
        pos = {u: i for i, u in enumerate(panel.units)}
        return [[pos[n] for n in panel.neighbours.get(u, []) if n in pos] for u in panel.units]
    if panel.lat is None or U < 2:
        return [[] for _ in range(U)]
    from sklearn.neighbors import BallTree

    ok = ~(np.isnan(panel.lat) | np.isnan(panel.lon))
    out: list[list[int]] = [[] for _ in range(U)]
    idx = np.flatnonzero(ok)
    if len(idx) < 2:
        return out
    pts = np.radians(np.c_[panel.lat[idx], panel.lon[idx]])
    tree = BallTree(pts, metric="haversine")
    k = min(NEIGHBOURS + 1, len(idx))
    _, nn = tree.query(pts, k=k)
    for row, i in enumerate(idx):
        out[i] = [int(idx[j]) for j in nn[row] if idx[j] != i][:NEIGHBOURS]
    return out


FEATURES = (
    "y0", "y1", "y2", "y5", "y11", "r3", "r6", "r12", "r36", "e3", "e12", "src12", "since_death",
    "since_event", "history", "event_months", "nb3", "nb12", "ctx3", "ctx12", "conflicts",
    "to_election", "month", "p12", "max12", "p36",
)


def feature_cube(panel: Panel) -> tuple[np.ndarray, list[str]]:
    """(U, T, F) features at every origin month, each known at that month."""
    y, ev, src = panel.y, panel.events, panel.sources
    ly = np.log1p(y)
    r = {w: np.log1p(_rolling(y, w)) for w in (3, 6, 12, 36)}
    e = {w: np.log1p(_rolling(ev, w)) for w in (3, 12)}
    history, event_months = _history(ev + y)
    nbr = _neighbour_index(panel)
    raw3, raw12 = _rolling(y, 3), _rolling(y, 12)
    nb3, nb12 = np.zeros_like(y), np.zeros_like(y)
    for i, ns in enumerate(nbr):
        if ns:
            nb3[i], nb12[i] = raw3[ns].sum(axis=0), raw12[ns].sum(axis=0)
    # the rest of the unit's country (admin1) or of the panel (country)
    ctx3, ctx12 = np.zeros_like(y), np.zeros_like(y)
    countries = np.array(panel.countries)
    for c in set(panel.countries):
        rows = countries == c if panel.level == Level.admin1 else np.ones(len(panel.units), bool)
        tot3, tot12 = raw3[rows].sum(axis=0), raw12[rows].sum(axis=0)
        for i in np.flatnonzero(countries == c):
            ctx3[i], ctx12[i] = tot3 - raw3[i], tot12 - raw12[i]
    T = y.shape[1]
    months = panel.start + np.arange(T)
    conflicts = np.zeros_like(y)
    to_election = np.full_like(y, 24.0)
    for i, c in enumerate(panel.countries):
        conflicts[i] = [panel.conflicts.get((c, m // 12 - 1), 0) for m in months]
        dates = np.array(sorted(panel.elections.get(c, [])), dtype=float)
        if len(dates):
            nxt = np.searchsorted(dates, months, side="right")  # first election after t
            has = nxt < len(dates)
            gap = np.where(has, dates[np.minimum(nxt, len(dates) - 1)] - months, 24.0)
            to_election[i] = np.clip(gap, 0, 24)
    cols = {
        "y0": ly, "y1": _lag(ly, 1), "y2": _lag(ly, 2), "y5": _lag(ly, 5), "y11": _lag(ly, 11),
        "r3": r[3], "r6": r[6], "r12": r[12], "r36": r[36], "e3": e[3], "e12": e[12],
        "src12": _rolling(src, 12) / 12.0, "since_death": _since_last(y), "since_event": _since_last(ev),
        "history": np.minimum(history, 240), "event_months": np.minimum(event_months, 240),
        "nb3": np.log1p(nb3), "nb12": np.log1p(nb12), "ctx3": np.log1p(ctx3), "ctx12": np.log1p(ctx12),
        "conflicts": conflicts, "to_election": to_election,
        "month": np.broadcast_to((months % 12).astype(float), y.shape),
        "p12": _rolling((y >= 1).astype(float), 12) / 12.0,
        "p36": _rolling((y >= 1).astype(float), 36) / 36.0,
        "max12": np.log1p(_rolling_max(y, 12)),
    }
    names = list(FEATURES)
    for name, arr in sorted(panel.exog.items()):
        cols[name] = arr
        names.append(name)
    return np.stack([cols[n] for n in names], axis=2), names


def eligible(panel: Panel, cube: np.ndarray, names: list[str], t: int) -> np.ndarray:
    """Units with enough record at column t to get a number."""
    h, em = cube[:, t, names.index("history")], cube[:, t, names.index("event_months")]
    return (h >= MIN_HISTORY_MONTHS) & (em >= MIN_EVENT_MONTHS) & panel.seen(t)


# ---------------------------------------------------------------- models


@dataclass
class BoostedModel:
    """A hurdle model per horizon: a classifier for P(deaths >= 1) and, for the months with
    deaths, a regressor on log1p(deaths) whose out-of-fold residuals give the spread."""

    horizons: tuple[int, ...]
    classifiers: dict[int, object] = field(default_factory=dict)
    regressors: dict[int, object] = field(default_factory=dict)
    oof_pred: dict[int, np.ndarray] = field(default_factory=dict)  # sorted
    oof_resid: dict[int, np.ndarray] = field(default_factory=dict)  # in the order of oof_pred
    fitted_until: int | None = None  # column of the last month whose outcome was seen
    n_train: dict[int, int] = field(default_factory=dict)
    version: str = MODEL_VERSION

    def fit(self, panel: Panel, cube: np.ndarray, names: list[str], until: int) -> BoostedModel:
        from lightgbm import LGBMClassifier, LGBMRegressor

        self.fitted_until = until
        for h in self.horizons:
            X, target, when = _training_rows(panel, cube, names, until, h)
            self.n_train[h] = len(target)
            pos = target >= 1
            if len(target) < 50 or pos.sum() < 20 or (~pos).sum() < 5:
                continue
            self.classifiers[h] = LGBMClassifier(**GBM_PARAMS).fit(X, pos.astype(int)).booster_
            Xp, z, wp = X[pos], np.log1p(target[pos]), when[pos]
            oof = np.zeros_like(z)
            for block in np.array_split(np.argsort(wp, kind="stable"), FOLDS):
                train = np.ones(len(z), bool)
                train[block] = False
                oof[block] = LGBMRegressor(**POS_PARAMS).fit(Xp[train], z[train]).predict(Xp[block])
            order = np.argsort(oof, kind="stable")
            self.oof_pred[h], self.oof_resid[h] = oof[order], (z - oof)[order]
            self.regressors[h] = LGBMRegressor(**POS_PARAMS).fit(Xp, z).booster_
        return self

    def ensemble(self, X: np.ndarray, h: int, recent: np.ndarray) -> np.ndarray:
        """Members per row: half from the hurdle model (zeros in proportion 1 - P(>= 1), the rest
        from the positive part's analog distribution, never below 1), half the unit's own last
        12 months (`recent`, rows x months). The combination scored better than either alone in
        every backtest (docs/forecasts.md)."""
        model = self._hurdle(X, h)
        own = recent[:, np.arange(ENSEMBLE // 2) % recent.shape[1]]
        return np.hstack([model[:, :: 2], own])

    def _hurdle(self, X: np.ndarray, h: int) -> np.ndarray:
        if h not in self.regressors:
            raise ValueError(f"no model for horizon {h}: too few training rows")
        p = self.classifiers[h].predict(X)  # a binary booster predicts P(>= 1)
        pred = self.regressors[h].predict(X)
        preds, resid = self.oof_pred[h], self.oof_resid[h]
        k = min(ENSEMBLE, len(preds))
        at = np.clip(np.searchsorted(preds, pred) - k // 2, 0, len(preds) - k)
        window = at[:, None] + np.arange(k)[None, :]
        positive = np.maximum(np.rint(np.expm1(pred[:, None] + resid[window])), 1.0)
        positive.sort(axis=1)
        # members at evenly spaced levels: level u < 1 - p is a zero, else the positive part's quantile
        u = (np.arange(ENSEMBLE) + 0.5) / ENSEMBLE
        zero = u[None, :] < (1 - p)[:, None]
        rel = np.clip((u[None, :] - (1 - p)[:, None]) / np.maximum(p[:, None], 1e-9), 0, 1 - 1e-9)
        pick = np.take_along_axis(positive, (rel * k).astype(int), axis=1)
        return np.where(zero, 0.0, pick)


    def to_json(self) -> dict:
        """The fitted model as JSON: boosters as LightGBM's own text, residual tables as lists."""
        return {
            "version": self.version, "horizons": list(self.horizons), "fitted_until": self.fitted_until,
            "n_train": {str(h): n for h, n in self.n_train.items()},
            "fitted": {
                str(h): {
                    "classifier": self.classifiers[h].model_to_string(), "regressor": self.regressors[h].model_to_string(),
                    "oof_pred": self.oof_pred[h].round(6).tolist(), "oof_resid": self.oof_resid[h].round(6).tolist(),
                }
                for h in self.regressors
            },
        }

    @classmethod
    def from_json(cls, data: dict) -> BoostedModel:
        from lightgbm import Booster

        if data.get("version") != MODEL_VERSION:
            raise ValueError(f"the stored model is {data.get('version')}, this civwatch runs {MODEL_VERSION}: fit again")
        m = cls(tuple(data["horizons"]), fitted_until=data["fitted_until"])
        m.n_train = {int(h): n for h, n in data["n_train"].items()}
        for h, f in data["fitted"].items():
            k = int(h)
            m.classifiers[k] = Booster(model_str=f["classifier"])
            m.regressors[k] = Booster(model_str=f["regressor"])
            m.oof_pred[k], m.oof_resid[k] = np.array(f["oof_pred"]), np.array(f["oof_resid"])
        return m


def _training_rows(panel: Panel, cube: np.ndarray, names: list[str], until: int, h: int):
    """Feature rows at origins t with t + h <= until, for eligible units; their outcomes."""
    Xs, ys, ts = [], [], []
    for t in range(12, until - h + 1):
        ok = eligible(panel, cube, names, t) & panel.seen(t + h)
        if ok.any():
            Xs.append(cube[ok, t, :])
            ys.append(panel.y[ok, t + h])
            ts.append(np.full(ok.sum(), t))
    if not Xs:
        return np.zeros((0, cube.shape[2])), np.zeros(0), np.zeros(0)
    return np.vstack(Xs), np.concatenate(ys), np.concatenate(ts)


def baseline_ensemble(name: ModelName, panel: Panel, rows: np.ndarray, t: int) -> np.ndarray:
    y = panel.y[rows]
    if name == ModelName.no_harm:
        return np.zeros((len(rows), 1))
    if name == ModelName.last_value:
        return y[:, t : t + 1].copy()
    if name == ModelName.conflictology:
        return y[:, max(0, t - 11) : t + 1].copy()
    raise ValueError(f"unknown baseline {name!r}")


def summarise(ens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles (n, Q) and P(>= threshold) (n, len(THRESHOLDS)) of each ensemble row."""
    q = np.quantile(ens, QUANTILES, axis=1).T
    p = np.stack([(ens >= thr).mean(axis=1) for thr in THRESHOLDS], axis=1)
    return q, p


# ---------------------------------------------------------------- scores


def crps(obs: np.ndarray, ens: np.ndarray) -> np.ndarray:
    import scoringrules as sr

    return np.asarray(sr.crps_ensemble(obs.astype(float), ens.astype(float), estimator="nrg"))


def brier(obs: np.ndarray, prob: np.ndarray) -> np.ndarray:
    import scoringrules as sr

    return np.asarray(sr.brier_score(obs.astype(float), prob.astype(float)))


def log_score(obs: np.ndarray, ens: np.ndarray) -> np.ndarray:
    """Negative log of the probability the ensemble gives the outcome's class (LOG_SCORE_BINS),
    each class smoothed by half a member so that a point forecast is not infinitely wrong."""
    edges = np.array(LOG_SCORE_BINS, dtype=float)
    ens_bins = np.searchsorted(edges, ens, side="right") - 1
    obs_bins = np.searchsorted(edges, obs, side="right") - 1
    hits = (ens_bins == obs_bins[:, None]).sum(axis=1)
    prob = (hits + 0.5) / (ens.shape[1] + 0.5 * len(edges))
    return -np.log(prob)


@dataclass
class Backtest:
    """Per model and horizon: the scores; per unit: CRPS of the model and of each baseline."""

    rows: list[dict]
    by_unit: dict[str, dict[str, float]]
    origins: tuple[int, int]
    fingerprint: str
    version: str = MODEL_VERSION


def backtest(
    panel: Panel, horizons: tuple[int, ...] = HORIZONS, first_origin: int | None = None,
    refit_every: int = 12, last_origin: int | None = None,
) -> Backtest:
    """Rolling origin: fit on outcomes up to t, forecast t+1..t+h, move t by a month (refit yearly)."""
    cube, names = feature_cube(panel)
    T = panel.y.shape[1]
    first = 36 if first_origin is None else first_origin - panel.start
    last = T - 2 if last_origin is None else last_origin - panel.start
    if first >= last:
        raise ValueError("the panel is too short for a backtest: it needs at least 38 months")
    models = (ModelName.boosted, *[m for m in ModelName if m != ModelName.boosted])
    acc: dict[tuple[str, int], dict[str, list]] = {}
    unit_acc: dict[tuple[str, str], list] = {}
    model: BoostedModel | None = None
    scored: list[int] = []
    for t in range(first, last + 1):
        if model is None or t - model.fitted_until >= refit_every:
            model = BoostedModel(horizons).fit(panel, cube, names, t)
        ok_t = np.flatnonzero(eligible(panel, cube, names, t))
        if not len(ok_t):
            continue
        for h in horizons:
            if t + h >= T or h not in model.regressors:
                continue
            ok = ok_t[panel.seen(t + h)[ok_t]]
            if not len(ok):
                continue
            obs = panel.y[ok, t + h]
            scored.append(t)
            for name in models:
                if name == ModelName.boosted:
                    ens = model.ensemble(cube[ok, t, :], h, baseline_ensemble(ModelName.conflictology, panel, ok, t))
                else:
                    ens = baseline_ensemble(name, panel, ok, t)
                _, p = summarise(ens)
                a = acc.setdefault((name, h), {"crps": [], "crps_log": [], "b1": [], "b25": [], "log": []})
                c = crps(obs, ens)
                a["crps"].append(c)
                a["crps_log"].append(crps(np.log1p(obs), np.log1p(ens)))
                a["b1"].append(brier((obs >= 1).astype(float), p[:, 0]))
                a["b25"].append(brier((obs >= 25).astype(float), p[:, 1]))
                a["log"].append(log_score(obs, ens))
                if h == 1:
                    for i, v in zip(ok, c, strict=True):
                        unit_acc.setdefault((panel.units[i], name), []).append(v)
    rows = []
    for (name, h), a in sorted(acc.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        c = np.concatenate(a["crps"])
        rows.append({
            "model": str(name), "horizon": h, "n": int(len(c)), "crps": float(c.mean()),
            "crps_log": float(np.concatenate(a["crps_log"]).mean()),
            "brier_1": float(np.concatenate(a["b1"]).mean()), "brier_25": float(np.concatenate(a["b25"]).mean()),
            "log_score": float(np.concatenate(a["log"]).mean()),
        })
    by_unit: dict[str, dict[str, float]] = {}
    for (unit, name), vals in unit_acc.items():
        by_unit.setdefault(unit, {})[str(name)] = float(np.mean(vals))
        by_unit[unit]["n"] = len(vals)
    if not scored:
        raise ValueError("nothing could be scored: too few unit-months with civilian deaths to fit the model")
    return Backtest(rows, by_unit, (panel.start + min(scored), panel.start + max(scored)), panel.fingerprint())


def fit(panel: Panel, horizons: tuple[int, ...] = HORIZONS) -> BoostedModel:
    """The model fitted on every outcome in the panel."""
    cube, names = feature_cube(panel)
    return BoostedModel(horizons).fit(panel, cube, names, panel.y.shape[1] - 1)


def predict(panel: Panel, model: BoostedModel) -> list[dict]:
    """Forecasts for every unit and horizon from the unit's last known month (where its record
    ends); a unit short of data gets its reason instead of a number."""
    from civwatch.domain.forecasts import month_label

    cube, names = feature_cube(panel)
    T = panel.y.shape[1]
    origin = np.array([
        T - 1 if panel.observed is None else (np.flatnonzero(panel.observed[i]).max() if panel.observed[i].any() else -1)
        for i in range(len(panel.units))
    ])
    results: dict[tuple[int, int], tuple[np.ndarray, np.ndarray] | None] = {}
    for t in sorted(set(origin.tolist()) - {-1}):
        at_t = np.flatnonzero(origin == t)
        ok = at_t[eligible(panel, cube, names, t)[at_t]]
        for h in model.horizons:
            if len(ok) and h in model.regressors:
                recent = baseline_ensemble(ModelName.conflictology, panel, ok, t)
                q, p = summarise(model.ensemble(cube[ok, t, :], h, recent))
                for k, i in enumerate(ok):
                    results[(int(i), h)] = (q[k], p[k])
    out = []
    for h in model.horizons:
        for i, unit in enumerate(panel.units):
            t = int(origin[i])
            base = {"unit": unit, "country": panel.countries[i], "horizon": h,
                    "origin": month_label(panel.start + t), "target": month_label(panel.start + t + h)}
            got = results.get((i, h))
            if got is None:
                reason = "not enough data" if h in model.regressors else "too few training rows for this horizon"
                out.append({**base, "quantiles": None, "p_at_least_1": None, "p_at_least_25": None, "reason": reason})
                continue
            q, p = got
            out.append({
                **base,
                "quantiles": {f"q{round(qq * 100):02d}": float(v) for qq, v in zip(QUANTILES, q, strict=True)},
                "p_at_least_1": float(p[0]), "p_at_least_25": float(p[1]), "reason": None,
            })
    return out
