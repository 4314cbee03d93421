"""The first statistics interface (import issue), kept for its callers: a thin view over
`services.indicators`, which is the one implementation of every number."""

from __future__ import annotations

from sqlalchemy import Engine

from civwatch.domain.query import SOURCES, Filters, parse_date
from civwatch.services import indicators


def stats(
    engine: Engine,
    measure: str,
    by: str = "year",
    source: str | None = None,
    country: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[dict]:
    """[{<dimension>: key, "value": n}, ...] ordered by the key."""
    if source is not None and source not in SOURCES:
        raise ValueError(f"unknown source {source!r}; sources are {', '.join(SOURCES)}")
    if country is not None and (len(country) != 3 or not country.isalpha()):
        raise ValueError(f"--country takes an ISO 3166-1 alpha-3 code such as MMR, got {country!r}")
    start, end = parse_date(date_from, "--from"), parse_date(date_to, "--to", end=True)
    if measure in ("conflicts", "active-conflicts"):  # conflict-years: a date range means its years
        f = Filters(countries=(country.upper(),) if country else (), year_from=start.year if start else None, year_to=end.year if end else None)
    else:
        f = Filters(source=source, countries=(country.upper(),) if country else (), date_from=start, date_to=end)
    result = indicators.indicator(engine, measure, by=by, filters=f)
    return [{by: r[by], "value": r["value"]} for r in result.rows]
