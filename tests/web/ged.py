"""Expected figures computed straight from the bundled UCDP GED CSV files with the csv module,
independently of civwatch's importer and indicators."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples"


def events() -> dict[str, dict[str, str]]:
    """Every event by id; files are read in the order the demo loads them (a later release wins).
    No row is left out: the bundled files are valid, so an expectation never drops what the
    importer happened to reject (tests check it rejected nothing, see `rows_per_file`)."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(SAMPLES.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                out[row["id"]] = row
    return out


def rows_per_file() -> dict[str, int]:
    """Data rows of each bundled GED file, as the csv module counts them."""
    out = {}
    for path in sorted(SAMPLES.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            out[path.name] = sum(1 for _ in csv.DictReader(fh))
    return out


def civilian_deaths_by_year(rows: dict[str, dict[str, str]], country: str | None = None) -> dict[int, int]:
    """Sum of deaths_civilians by the year of date_start; `country` is the GED country name."""
    totals: dict[int, int] = defaultdict(int)
    for row in rows.values():
        if country and row["country"] != country:
            continue
        totals[int(row["date_start"][:4])] += int(row["deaths_civilians"])
    return dict(totals)
