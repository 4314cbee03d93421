"""`civwatch forecast fit|predict|evaluate`: early warning of civilian harm (docs/forecasts.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.cli.linking import ActorOption, actor_name

app = typer.Typer(help="Forecasts of civilian deaths per country-month and admin1-month, scored against baselines.", no_args_is_help=True)

LevelOption = Annotated[str, typer.Option("--level", help="country or admin1.")]
CountryOption = Annotated[str | None, typer.Option("--country", help="ISO alpha-3 codes, comma-separated.")]
FORMATS = ("table", "json")


def _countries(text: str | None) -> list[str] | None:
    from civwatch.domain.query import split_values

    return split_values(text, upper=True)


def _horizons(text: str) -> tuple[int, ...]:
    from civwatch.domain.forecasts import HORIZONS

    try:
        hs = tuple(sorted({int(x) for x in text.split(",") if x.strip()}))
    except ValueError:
        raise ValueError(f"--horizons: expected numbers like 1,3, got {text!r}") from None
    bad = [h for h in hs if h not in HORIZONS]
    if not hs or bad:
        raise ValueError(f"--horizons must be among {', '.join(map(str, HORIZONS))}")
    return hs


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"--format must be one of {', '.join(FORMATS)}")


@app.command("fit")
def fit(
    level: LevelOption = "country",
    country: CountryOption = None,
    no_backtest: Annotated[bool, typer.Option("--no-backtest", help="Skip the backtest that the page's trust figures come from.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    actor: ActorOption = None,
    db: DbOption = None,
) -> None:
    """Fit the model on the whole record, store it with its version, fingerprint and window, and forecast."""
    from civwatch.services import forecasts

    _check_format(fmt)
    s = forecasts.fit(engine(db), actor_name(actor), level, _countries(country), backtest=not no_backtest)
    if fmt == "json":
        print(json.dumps(s, default=str, indent=1))
        return
    console.print(
        f"model {s['model_id']} ({s['version']}, {s['level']}): trained on {s['train_from']}..{s['train_until']}, "
        f"{s['units']} units, data {s['data_fingerprint'][:12]}; {s['with_number']} of {s['forecasts']} forecasts "
        f"have a number (the rest: not enough data)", highlight=False,
    )
    if s["evaluation"]:
        _table(s["evaluation"])


@app.command("predict")
def predict(level: LevelOption = "country", db: DbOption = None) -> None:
    """Forecast from the current record with the latest stored model."""
    from civwatch.services import forecasts

    s = forecasts.predict(engine(db), level)
    console.print(f"model {s['model_id']}: {s['with_number']} of {s['forecasts']} forecasts from {s['origin']} have a number", highlight=False)


@app.command("evaluate")
def evaluate(
    level: LevelOption = "country",
    country: CountryOption = None,
    horizons: Annotated[str, typer.Option("--horizons", help="Comma-separated, 1..6.")] = "1,2,3,4,5,6",
    hks: Annotated[Path | None, typer.Option("--hks", help="Evaluate on the HKS country-month file instead of the store.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Rolling-origin backtest: CRPS, Brier (>= 1, >= 25) and log score per horizon, beside the baselines."""
    from civwatch.services import forecasts

    _check_format(fmt)
    hs = _horizons(horizons)
    if hks is not None:
        panel, accounting = forecasts.hks_panel(hks)
        result = forecasts.evaluate_panel(panel, hs) | {"file": accounting}
    else:
        result = forecasts.evaluate(engine(db), level, _countries(country), hs)
    if fmt == "json":
        print(json.dumps(result["rows"], indent=1))
        return
    console.print(f"{result['units']} units, months {result['months'][0]}..{result['months'][1]}, origins "
                  f"{result['origins'][0]}..{result['origins'][1]}", highlight=False)
    _table(result["rows"])


def _table(rows: list[dict]) -> None:
    t = Table("horizon", "model", "n", "CRPS", "CRPS log1p", "Brier >=1", "Brier >=25", "log score", title="backtest (lower is better)", title_justify="left")
    for r in rows:
        t.add_row(str(r["horizon"]), "model", str(r["n"]), f"{r['crps']:.3f}", f"{r['crps_log']:.4f}", f"{r['brier_1']:.4f}", f"{r['brier_25']:.4f}", f"{r['log_score']:.3f}")
        for name, b in r["baselines"].items():
            t.add_row("", name, str(b["n"]), f"{b['crps']:.3f}", f"{b['crps_log']:.4f}", f"{b['brier_1']:.4f}", f"{b['brier_25']:.4f}", f"{b['log_score']:.3f}")
    console.print(t)
