"""Early warning from the store: the panel equals the raw file's monthly sums; a fitted model is
stored, reloaded and forecasts the same; thin records get "not enough data", never a number."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine

from civwatch.domain.forecasts import HORIZONS, month_index
from civwatch.services import forecasts, importing
from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.helpers import ged_rows

UKRAINE = "ucdp_ged/ged_ukraine_statebased_2014_2022.csv"


@pytest.fixture(scope="module")
def ukraine_store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fc') / 'civwatch.sqlite'}")
    migrate.upgrade(engine)
    importing.import_file(engine, shared_data / UKRAINE, actor="test")
    return engine


def _raw_sums(path: Path, admin1: bool) -> dict[tuple[str, int], float]:
    out: dict[tuple[str, int], float] = defaultdict(float)
    for r in ged_rows(path):
        iso = "UKR" if r["country"] == "Ukraine" else "RUS"
        if admin1 and not r["adm_1"]:
            continue
        unit = f"{iso}/{r['adm_1']}" if admin1 else iso
        out[(unit, month_index(r["date_start"][:7]))] += float(r["deaths_civilians"])
    return out


@pytest.mark.parametrize("level", ["country", "admin1"])
def test_panel_equals_the_raw_monthly_sums(store: Engine, shared_data: Path, level: str) -> None:
    importing.import_file(store, shared_data / UKRAINE, actor="test")
    panel = forecasts.build_panel(store, level)
    expected = _raw_sums(shared_data / UKRAINE, admin1=level == "admin1")
    assert set(panel.units) == {u for u, _ in expected}
    got = {(u, panel.start + j): panel.y[i, j] for i, u in enumerate(panel.units) for j in range(panel.y.shape[1]) if panel.y[i, j]}
    assert got == {k: v for k, v in expected.items() if v}
    assert panel.start == month_index("2014-01") and panel.end == month_index("2022-02")


def test_fit_stores_a_model_that_predicts_the_same_after_reload(ukraine_store: Engine) -> None:
    s = forecasts.fit(ukraine_store, "test", "admin1", backtest=False)
    panel = forecasts.build_panel(ukraine_store, "admin1")
    assert s["units"] == len(panel.units) and s["forecasts"] == len(panel.units) * len(HORIZONS)
    assert s["train_from"] == "2014-01" and s["train_until"] == "2022-02"
    assert s["data_fingerprint"] == panel.fingerprint()
    stored = forecasts.overview(ukraine_store, "admin1")["units"]
    again = forecasts.predict(ukraine_store, "admin1")
    assert again["model_id"] == s["model_id"] and again["forecasts"] == s["forecasts"]
    reloaded = forecasts.overview(ukraine_store, "admin1")["units"]
    assert [(u["unit"], u["p_at_least_1"], u["quantiles"]) for u in stored] == [(u["unit"], u["p_at_least_1"], u["quantiles"]) for u in reloaded]
    with_number = [u for u in stored if u["quantiles"]]
    assert with_number, "Donetsk and Luhansk have years of record"
    for u in with_number:
        q = list(u["quantiles"].values())
        assert q == sorted(q) and q[0] >= 0
        assert 0 <= u["p_at_least_25"] <= u["p_at_least_1"] <= 1
    # units with fewer than 3 months of events before the origin get a reason, not a number
    cube_units = {u["unit"]: u for u in stored}
    thin = [u for u, row in zip(panel.units, panel.events, strict=True) if (row > 0).sum() < 3]
    assert thin and all(cube_units[u]["quantiles"] is None and cube_units[u]["reason"] == "not enough data" for u in thin)
    # pages get the reason as a message id (French there), the JSON API keeps the English text beside it
    from civwatch.services import messages

    assert all(cube_units[u]["reason_msg"] == {"id": "forecast.reason.not_enough_data", "params": {}} for u in thin)
    assert all(u["reason_msg"] is None for u in with_number)
    assert messages.text("forecast.reason.not_enough_data", "fr") == "pas assez de données"


def test_evaluation_scores_every_model_on_the_same_forecasts(ukraine_store: Engine) -> None:
    result = forecasts.evaluate(ukraine_store, "admin1", horizons=(1,))
    (row,) = result["rows"]
    assert row["horizon"] == 1 and row["model"]
    assert set(row["baselines"]) == {"no_harm", "last_value", "conflictology"}
    assert all(b["n"] == row["n"] > 0 for b in row["baselines"].values())
    # no harm forecasts 0: its CRPS is the mean outcome, its Brier the share of months with deaths
    panel = forecasts.build_panel(ukraine_store, "admin1")
    outcomes = _scored_outcomes(panel, result)
    assert len(outcomes) == row["n"]
    assert row["baselines"]["no_harm"]["crps"] == pytest.approx(float(np.mean(outcomes)))
    assert row["baselines"]["no_harm"]["brier_1"] == pytest.approx(float(np.mean(np.array(outcomes) >= 1)))


def _scored_outcomes(panel, result) -> list[float]:
    """The outcomes of the scored (unit, origin + 1) cells, recomputed from the panel."""
    from civwatch.analytics import forecasts as fa

    cube, names = fa.feature_cube(panel)
    first, last = month_index(result["origins"][0]) - panel.start, month_index(result["origins"][1]) - panel.start
    outcomes = []
    for t in range(first, last + 1):
        ok = fa.eligible(panel, cube, names, t)
        outcomes.extend(panel.y[ok, t + 1].tolist())
    return outcomes


def test_an_empty_store_says_so(sqlite_url: str) -> None:
    engine = create_engine(sqlite_url)
    migrate.upgrade(engine)
    with pytest.raises(forecasts.NotEnoughData, match="no incidents"):
        forecasts.fit(engine, "test")
    with pytest.raises(forecasts.NotEnoughData, match="no country model"):
        forecasts.predict(engine)
    with pytest.raises(ValueError, match="unknown level"):
        forecasts.build_panel(engine, "province")
