"""Statistics for the CLI and API (a first version; the indicators work extends it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from civwatch.analytics import counts

SOURCES = ("ucdp-ged", "acled", "hxl", "airwars", "manual")


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what} must be a date YYYY-MM-DD, got {text!r}") from None


def stats(
    engine: Engine,
    measure: str,
    by: str = "year",
    source: str | None = None,
    country: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[dict]:
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; sources are {', '.join(SOURCES)}")
    if country is not None and (len(country) != 3 or not country.isalpha()):
        raise ValueError(f"--country takes an ISO 3166-1 alpha-3 code such as MMR, got {country!r}")
    q = counts.Query(measure, by, source, country, _date(date_from, "--from"), _date(date_to, "--to"))
    with engine.connect() as conn:
        return counts.rows(conn, q)
