"""Fitting: weights never rise from a more alike level to a less alike one."""

from __future__ import annotations

import numpy as np
import pytest

from civwatch.linkage.model import monotone


def test_monotone_pools_adjacent_violators() -> None:
    m, u = np.array([0.02, 0.40, 0.38, 0.20]), np.array([0.002, 0.006, 0.192, 0.8])
    out = monotone(m, u)
    ratio = out / u
    assert np.all(np.diff(ratio) <= 1e-12)
    # levels 0 and 1 pooled to their joint ratio (0.42 / 0.008), the others untouched
    assert ratio[:2] == pytest.approx([0.42 / 0.008] * 2)
    assert out[2:] == pytest.approx(m[2:])
    assert out.sum() == pytest.approx(m.sum())


def test_monotone_leaves_ordered_levels_alone() -> None:
    m, u = np.array([0.6, 0.3, 0.1]), np.array([0.1, 0.3, 0.6])
    assert monotone(m, u) == pytest.approx(m)
