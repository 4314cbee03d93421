"""`civwatch forecast`: the backtest in its published JSON layout, and one clear line on mistakes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import cli

HKS = "peacekeeping/hks2013_un_pko_civilian_killing_country_month.tab"


def test_evaluate_hks_json_layout(shared_data: Path, tmp_path: Path) -> None:
    out = cli("--db", str(tmp_path / "s.sqlite"), "forecast", "evaluate", "--hks", str(shared_data / HKS), "--horizons", "1", "--format", "json")
    assert out.returncode == 0, out.stderr
    (row,) = json.loads(out.stdout)
    assert {"horizon", "model", "crps", "brier_1", "brier_25", "baselines"} <= set(row)
    assert set(row["baselines"]) == {"no_harm", "last_value", "conflictology"}
    for b in row["baselines"].values():
        assert {"crps", "brier_1", "brier_25"} <= set(b)


def test_mistakes_get_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    for args, needle in (
        (["forecast", "fit"], "no incidents in the store"),
        (["forecast", "predict"], "no country model fitted yet"),
        (["forecast", "evaluate", "--horizons", "9"], "--horizons must be among 1, 2, 3, 4, 5, 6"),
        (["forecast", "fit", "--level", "province"], "unknown level 'province'"),
        (["forecast", "evaluate", "--hks", str(tmp_path / "missing.tab")], "missing.tab"),
    ):
        out = cli("--db", db, *args)
        assert out.returncode != 0
        assert "Traceback" not in out.stderr and needle in out.stderr, out.stderr
