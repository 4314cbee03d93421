"""Early warning: fit, predict and evaluate forecasts of civilian deaths from the store's record.

The panel is read from the store (each linked incident once), with the UCDP/PRIO conflicts and
the election calendar imported into it; a published country-month panel (HKS) can be evaluated
from its file. `fit` stores the model with its version, data fingerprint and training window,
and the forecasts it makes from the last month; `predict` re-forecasts with the stored model
from the current record; `evaluate` runs the rolling-origin backtest (docs/forecasts.md).
"""

from __future__ import annotations

import csv
from dataclasses import asdict
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from civwatch.analytics import forecasts as fa
from civwatch.domain.events import ForecastFitted
from civwatch.domain.forecasts import (
    ELECTION_STATUS_IGNORED,
    HORIZONS,
    MODEL_VERSION,
    Level,
    ModelName,
    month_index,
    month_label,
    parse_month,
)
from civwatch.services import messages
from civwatch.sources.base import SourceError
from civwatch.sources.forecast_panels import read_hks
from civwatch.store import audit
from civwatch.store import forecasts as store

# The fit scores itself (the page's trust figures) over the last ten years of origins, at 1 and
# 3 months ahead, refitting every two years; `evaluate` runs the full backtest.
FIT_BACKTEST_MONTHS = 120
FIT_BACKTEST_HORIZONS = (1, 3)


class NotEnoughData(ValueError):
    """The store holds too little record to fit or evaluate."""


@lru_cache(maxsize=1)
def borders() -> dict[str, list[str]]:
    with resources.files("civwatch.data").joinpath("borders.csv").open(encoding="utf-8") as fh:
        return {r["iso3"]: r["borders"].split() for r in csv.DictReader(fh)}


def _level(level: str) -> Level:
    try:
        return Level(level)
    except ValueError:
        raise ValueError(f"unknown level {level!r}; levels are {', '.join(m.value for m in Level)}") from None


def build_panel(engine: Engine, level: str = "country", countries: list[str] | None = None, until: str | None = None) -> fa.Panel:
    """The store's record as a unit x month panel, with conflicts, elections and neighbours."""
    lvl = _level(level)
    end = parse_month(until, "--until") if until else None
    with engine.connect() as conn:
        rows = store.monthly_cells(conn, admin1=lvl == Level.admin1, countries=countries)
        conflicts = store.conflicts_per_year(conn)
        dates = store.election_dates(conn, ELECTION_STATUS_IGNORED)
    if not rows:
        raise NotEnoughData("no incidents in the store" + (f" for {', '.join(countries)}" if countries else "") + ": import events first")
    cells, centroids = [], {}
    for unit, iso, month, deaths, n, sources, lat, lon in rows:
        cells.append((unit, iso, month_index(month), float(deaths or 0), float(n), float(sources or 0)))
        if lat is not None and lon is not None:
            centroids.setdefault(unit, (float(lat), float(lon)))
    elections = {iso: sorted({d.year * 12 + d.month - 1 for d in ds}) for iso, ds in dates.items()}
    return fa.Panel.from_cells(
        lvl, cells, end=end, centroids=centroids if lvl == Level.admin1 else None,
        neighbours=borders(), conflicts=conflicts, elections=elections,
    )


def hks_panel(path: Path) -> tuple[fa.Panel, dict]:
    """The HKS country-month file as a panel (troops as a feature), and its accounting."""
    read = read_hks(path)
    if not read.cells:
        raise SourceError(f"{path.name}: no usable rows")
    panel = fa.Panel.from_cells(Level.country, read.cells, only_observed=True, neighbours=borders())
    panel.add_exog("troops", read.exog["troops"])
    accounting = {"read": read.read, "accepted": read.accepted, "rejected": len(read.rejected),
                  "merged_rows": read.merged, "rejections": [asdict(r) for r in read.rejected[:20]]}
    return panel, accounting


def evaluate_panel(panel: fa.Panel, horizons: tuple[int, ...] = HORIZONS, refit_every: int = 12,
                   last_months: int | None = None) -> dict:
    """The backtest in the published layout: per horizon the model's scores and the baselines'.
    `last_months`: score only origins in the record's last months (the fit's own trust figures)."""
    first = None if last_months is None else max(panel.start + 36, panel.end - last_months)
    bt = fa.backtest(panel, horizons=horizons, refit_every=refit_every, first_origin=first)
    by_h: dict[int, dict] = {}
    for row in bt.rows:
        entry = by_h.setdefault(row["horizon"], {"horizon": row["horizon"], "baselines": {}})
        scores = {k: row[k] for k in ("n", "crps", "crps_log", "brier_1", "brier_25", "log_score")}
        if row["model"] == ModelName.boosted:
            entry.update(model=MODEL_VERSION, **scores)
        else:
            entry["baselines"][row["model"]] = scores
    table = [by_h[h] for h in sorted(by_h)]
    for entry in table:
        c = entry["baselines"].get(ModelName.conflictology)
        lv = entry["baselines"].get(ModelName.last_value)
        if c and c["crps"]:
            entry["crps_gain_vs_conflictology"] = 1 - entry["crps"] / c["crps"]
            entry["crps_log_gain_vs_conflictology"] = 1 - entry["crps_log"] / c["crps_log"]
        if lv:
            entry["brier_1_better_than_last_value"] = entry["brier_1"] < lv["brier_1"]
            entry["brier_25_better_than_last_value"] = entry["brier_25"] <= lv["brier_25"]
    return {
        "version": MODEL_VERSION, "level": str(panel.level), "units": len(panel.units),
        "months": [month_label(panel.start), month_label(panel.end)],
        "origins": [month_label(bt.origins[0]), month_label(bt.origins[1])], "fingerprint": bt.fingerprint,
        "rows": table, "by_unit": bt.by_unit,
    }


def evaluate(engine: Engine, level: str = "country", countries: list[str] | None = None,
             horizons: tuple[int, ...] = HORIZONS) -> dict:
    panel = build_panel(engine, level, countries)
    if panel.y.shape[1] < 40:
        raise NotEnoughData(f"the record spans {panel.y.shape[1]} months; a backtest needs at least 40")
    return evaluate_panel(panel, horizons)


def fit(engine: Engine, actor: str, level: str = "country", countries: list[str] | None = None,
        backtest: bool = True) -> dict:
    """Fit on the whole record, forecast from its last month, store both; returns the summary."""
    panel = build_panel(engine, level, countries)
    if panel.y.shape[1] < fa.MIN_FIT_MONTHS:
        raise NotEnoughData(f"the record spans {panel.y.shape[1]} months; fitting needs at least {fa.MIN_FIT_MONTHS}")
    model = fa.fit(panel)
    if not model.regressors:
        raise NotEnoughData("too few unit-months with civilian deaths to fit the model")
    forecasts = fa.predict(panel, model)
    evaluation = None
    if backtest and panel.y.shape[1] >= 40:
        evaluation = evaluate_panel(panel, FIT_BACKTEST_HORIZONS, refit_every=24, last_months=FIT_BACKTEST_MONTHS)
    values = {
        "version": MODEL_VERSION, "level": str(panel.level), "fitted_at": datetime.now(UTC), "fitted_by": actor,
        "data_fingerprint": panel.fingerprint(), "train_from": month_label(panel.start),
        "train_until": month_label(panel.end), "units": len(panel.units),
        "params": {"features": list(fa.FEATURES) + sorted(panel.exog), "gbm": fa.GBM_PARAMS, "ensemble": fa.ENSEMBLE,
                   "n_train": {str(h): n for h, n in model.n_train.items()}, "countries": countries},
        "model": model.to_json(), "backtest": evaluation,
    }
    with engine.begin() as conn:
        model_id = store.save_model(conn, values, forecasts)
        audit.append(conn, ForecastFitted(actor=actor, entity_id=str(model_id), after={
            "version": MODEL_VERSION, "level": str(panel.level), "fingerprint": values["data_fingerprint"],
            "train_from": values["train_from"], "train_until": values["train_until"], "units": len(panel.units),
        }))
    return {"model_id": model_id, **{k: values[k] for k in ("version", "level", "data_fingerprint", "train_from", "train_until", "units")},
            "forecasts": len(forecasts), "with_number": sum(f["quantiles"] is not None for f in forecasts),
            "evaluation": None if evaluation is None else evaluation["rows"]}


def latest(engine: Engine, level: str = "country") -> dict | None:
    """The latest stored model of a level, without its boosters."""
    with engine.connect() as conn:
        return store.latest_model(conn, str(_level(level)))


def predict(engine: Engine, level: str = "country") -> dict:
    """Re-forecast from the current record with the latest stored model of this level."""
    lvl = _level(level)
    with engine.connect() as conn:
        stored = store.latest_model(conn, str(lvl), with_model=True)
    if stored is None:
        raise NotEnoughData(f"no {lvl} model fitted yet: run `civwatch forecast fit --level {lvl}`")
    model = fa.BoostedModel.from_json(stored["model"])
    panel = build_panel(engine, str(lvl), stored["params"].get("countries"))
    forecasts = fa.predict(panel, model)
    with engine.begin() as conn:
        store.save_forecasts(conn, stored["id"], forecasts)
    return {"model_id": stored["id"], "origin": max(f["origin"] for f in forecasts), "forecasts": len(forecasts),
            "with_number": sum(f["quantiles"] is not None for f in forecasts)}


# Sentences this module gives pages, as message ids (services.messages.msg) beside their English
# text, which the JSON API and the CLI keep: a unit's reason for having no number, the page's note.
REASON_MSG = {"not enough data": "forecast.reason.not_enough_data",
              "too few training rows for this horizon": "forecast.reason.too_few_rows"}
NOTE = ("Forecasts are probabilities with their uncertainty, not predictions of what will happen; "
        "each shows how the model did for that place in the backtest.")
NOTE_MSG = "forecast.note_probabilities"


def reason_msg(reason: str | None) -> dict | None:
    """The message of a stored reason (analytics.forecasts writes a fixed few); None for no reason
    or one the catalogue does not know (the page then prints the English text)."""
    return messages.msg(REASON_MSG[reason]) if reason in REASON_MSG else None


def overview(engine: Engine, level: str = "country", horizon: int = 1) -> dict:
    """What the forecast page shows: next month's probabilities per unit, each with how the model
    did for that unit in the backtest, and the evaluation table."""
    lvl = _level(level)
    if horizon not in HORIZONS:
        raise ValueError(f"horizon must be one of {', '.join(map(str, HORIZONS))}")
    with engine.connect() as conn:
        model = store.latest_model(conn, str(lvl))
        rows = store.forecasts_of(conn, model["id"], horizon=horizon) if model else []
    by_unit = (model or {}).get("backtest") or {}
    trust = by_unit.get("by_unit", {}) if isinstance(by_unit, dict) else {}
    units = []
    for r in rows:
        t = trust.get(r["unit"])
        units.append({
            "unit": r["unit"], "country": r["country_iso3"], "origin": r["origin"], "target": r["target"],
            "horizon": r["horizon"], "p_at_least_1": r["p_at_least_1"], "p_at_least_25": r["p_at_least_25"],
            "quantiles": r["quantiles"], "reason": r["reason"], "reason_msg": reason_msg(r["reason"]), "backtest": _trust(t),
        })
    units.sort(key=lambda u: (u["p_at_least_1"] is None, -(u["p_at_least_1"] or 0), u["unit"]))
    return {
        "label": "forecast", "level": str(lvl), "horizon": horizon,
        "model": None if model is None else {k: model[k] for k in ("id", "version", "fitted_at", "data_fingerprint", "train_from", "train_until", "units")},
        "units": units, "evaluation": (by_unit or {}).get("rows") if isinstance(by_unit, dict) else None,
        "note": NOTE, "note_msg": messages.msg(NOTE_MSG),
    }


def _trust(t: dict | None) -> dict | None:
    if not t:
        return None
    model, base = t.get(ModelName.boosted), t.get(ModelName.conflictology)
    return {"months_scored": t.get("n"), "crps": model, "crps_conflictology": base,
            "better_than_conflictology": None if model is None or base is None else model < base}


def unit_view(engine: Engine, unit: str, level: str | None = None, months: int = 36) -> dict:
    """A fan chart for one unit: its recent record and the latest forecasts for h = 1..6."""
    lvl = _level(level or ("admin1" if "/" in unit else "country"))
    with engine.connect() as conn:
        model = store.latest_model(conn, str(lvl))
        rows = store.forecasts_of(conn, model["id"], unit=unit) if model else []
        cells = store.monthly_cells(conn, admin1=lvl == Level.admin1, countries=[unit.split("/")[0]])
    record = {r[2]: float(r[3] or 0) for r in cells if r[0] == unit}
    if not rows and not record:
        raise LookupError(f"no record and no forecast for {unit!r}")
    last = month_index(rows[0]["origin"]) if rows else (max(month_index(m) for m in record))
    history = [{"month": month_label(t), "deaths": record.get(month_label(t), 0.0)} for t in range(last - months + 1, last + 1)]
    trust = (((model or {}).get("backtest") or {}).get("by_unit") or {}).get(unit)
    rows = [{**r, "reason_msg": reason_msg(r.get("reason"))} for r in rows]
    return {"label": "forecast", "unit": unit, "level": str(lvl), "history": history, "forecasts": rows,
            "backtest": _trust(trust), "model": None if model is None else {"id": model["id"], "version": model["version"], "train_until": model["train_until"]}}
