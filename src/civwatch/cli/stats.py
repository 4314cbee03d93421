"""`civwatch stats civilian-deaths|reports --by year|month|country`."""

from __future__ import annotations

import csv
import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from civwatch.cli.common import DbOption, console, engine
from civwatch.services import stats as stats_service

app = typer.Typer(help="Counts from the store (civilian deaths, reports) by year, month or country.", no_args_is_help=True)

By = Annotated[str, typer.Option("--by", help="year, month or country.")]
Source = Annotated[str | None, typer.Option("--source", help="ucdp-ged, acled, hxl, airwars or manual; without it, incidents (each counted once).")]
Country = Annotated[str | None, typer.Option("--country", help="ISO3 code, e.g. MMR.")]
From = Annotated[str | None, typer.Option("--from", help="First day, YYYY-MM-DD.")]
To = Annotated[str | None, typer.Option("--to", help="Last day, YYYY-MM-DD.")]
Format = Annotated[str, typer.Option("--format", help="table, json or csv.")]


def _safe(cell: object) -> object:
    """Spreadsheet formula neutralised: a cell starting = + - @ gets a leading quote."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def _emit(rows: list[dict], by: str, fmt: str, title: str) -> None:
    if fmt == "json":
        print(json.dumps(rows, ensure_ascii=False))
    elif fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow([by, "value"])
        for r in rows:
            w.writerow([_safe(r[by]), r["value"]])
    elif fmt == "table":
        table = Table(by, "value", title=title, title_justify="left")
        for r in rows:
            table.add_row(str(r[by]), f"{r['value']:,}")
        console.print(table)
    else:
        raise ValueError(f"unknown --format {fmt!r}; use table, json or csv")


def _run(measure: str, by: str, source: str | None, country: str | None, date_from: str | None, date_to: str | None, fmt: str, db: str | None) -> None:
    if fmt not in ("table", "json", "csv"):
        raise ValueError(f"unknown --format {fmt!r}; use table, json or csv")
    rows = stats_service.stats(engine(db), measure, by=by, source=source, country=country, date_from=date_from, date_to=date_to)
    _emit(rows, by, fmt, f"{measure} by {by}" + (f" ({source})" if source else " (incidents)"))


@app.command("civilian-deaths")
def civilian_deaths(by: By = "year", source: Source = None, country: Country = None, date_from: From = None, date_to: To = None, fmt: Format = "table", db: DbOption = None) -> None:
    """Civilian deaths (best estimate) per DESIGN "Definitions"."""
    _run("civilian-deaths", by, source, country, date_from, date_to, fmt, db)


@app.command("reports")
def reports(by: By = "year", source: Source = None, country: Country = None, date_from: From = None, date_to: To = None, fmt: Format = "table", db: DbOption = None) -> None:
    """Number of reports (with --source) or incidents (without)."""
    _run("reports", by, source, country, date_from, date_to, fmt, db)


@app.command("conflicts")
def conflicts(by: By = "year", country: Country = None, date_from: From = None, date_to: To = None, fmt: Format = "table", db: DbOption = None) -> None:
    """Active armed conflicts (UCDP/PRIO ACD, imported with `civwatch import`) by year or country."""
    _run("conflicts", by, None, country, date_from, date_to, fmt, db)
