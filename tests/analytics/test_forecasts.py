"""The scores against cases worked by hand, features that never see the future, the baselines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from civwatch.analytics import forecasts as fa
from civwatch.domain.forecasts import Level, ModelName


def test_crps_of_an_ensemble_by_hand() -> None:
    # obs 1, members 0, 1, 2: E|X - y| = 2/3, E|X - X'| / 2 = (8/9) / 2 -> 2/9
    assert fa.crps(np.array([1.0]), np.array([[0.0, 1.0, 2.0]]))[0] == pytest.approx(2 / 9)
    # a point forecast: CRPS is the absolute error
    assert fa.crps(np.array([7.0]), np.array([[3.0]]))[0] == pytest.approx(4.0)
    # obs 10, members 0, 0, 0, 20: E|X-y| = 10; pairs differ by 20 in 6 of 16 ordered pairs -> 7.5 / 2
    assert fa.crps(np.array([10.0]), np.array([[0.0, 0.0, 0.0, 20.0]]))[0] == pytest.approx(10 - 0.5 * 20 * 6 / 16)


def test_brier_by_hand() -> None:
    got = fa.brier(np.array([1.0, 0.0, 1.0]), np.array([0.8, 0.3, 0.0]))
    assert got.tolist() == pytest.approx([0.04, 0.09, 1.0])


def test_log_score_by_hand() -> None:
    # 4 members: 0, 0, 2, 30; the outcome 2 falls in class [1, 3): 1 member -> (1 + .5) / (4 + 5)
    got = fa.log_score(np.array([2.0]), np.array([[0.0, 0.0, 2.0, 30.0]]))[0]
    assert got == pytest.approx(-math.log(1.5 / 9))


def _panel(y: list[list[float]]) -> fa.Panel:
    cells = [(f"U{i}", "ETH", 24000 + t, v, float(v > 0), 1.0) for i, row in enumerate(y) for t, v in enumerate(row)]
    return fa.Panel.from_cells(Level.country, cells, start=24000, end=24000 + len(y[0]) - 1)


def test_features_at_t_do_not_change_when_the_future_does() -> None:
    rng = np.random.default_rng(3)
    y = rng.poisson(2.0, size=(3, 60)).astype(float)
    a = _panel(y.tolist())
    y2 = y.copy()
    y2[:, 41:] = 999.0
    b = _panel(y2.tolist())
    ca, names = fa.feature_cube(a)
    cb, _ = fa.feature_cube(b)
    assert np.array_equal(ca[:, :41, :], cb[:, :41, :])
    assert not np.array_equal(ca[:, 41:, :], cb[:, 41:, :])
    r12 = names.index("r12")
    assert ca[0, 40, r12] == pytest.approx(math.log1p(y[0, 29:41].sum()))


def test_baselines() -> None:
    y = [[float(t) for t in range(30)], [0.0] * 30]
    p = _panel(y)
    rows = np.array([0, 1])
    assert fa.baseline_ensemble(ModelName.last_value, p, rows, 20)[:, 0].tolist() == [20.0, 0.0]
    assert fa.baseline_ensemble(ModelName.conflictology, p, rows, 20)[0].tolist() == [float(t) for t in range(9, 21)]
    assert fa.baseline_ensemble(ModelName.no_harm, p, rows, 20).tolist() == [[0.0], [0.0]]


def test_unobserved_cells_are_neither_fitted_nor_scored() -> None:
    cells = [("A", "ETH", 24000 + t, 1.0, 1.0, 1.0) for t in range(50) if t not in (30, 31)]
    p = fa.Panel.from_cells(Level.country, cells, only_observed=True)
    assert p.seen(30).tolist() == [False]
    cube, names = fa.feature_cube(p)
    _X, _y, when = fa._training_rows(p, cube, names, 49, 1)
    assert 29 not in when and 30 not in when  # t=29 forecasts the unknown t=30; t=30 is unknown itself
