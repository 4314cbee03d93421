"""What the dashboard's overview and map show, composed from the indicators service.

No number is computed here: each comes from `services.indicators` (the one implementation behind
the CLI, the API and the pages). This module only chooses which indicator calls a page needs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import pycountry
from sqlalchemy import Engine

from civwatch.analytics import measures
from civwatch.domain.query import Filters
from civwatch.services import incidents, indicators

YEAR_RULE = (
    "the latest calendar year that has ended, has civilian-death records in the selection and lies in the "
    "period the imported sources cover (incidents typed in by hand do not move it)"
)
HAND = "manual"  # the source of incidents recorded by hand in civwatch


@lru_cache(maxsize=1)
def _numeric_codes() -> dict[str, str]:
    codes = {c.alpha_3: c.numeric for c in pycountry.countries}
    codes.setdefault("XKX", "")  # Kosovo: no ISO numeric; the map joins it by name
    return codes


@lru_cache(maxsize=512)
def country_name(iso3: str) -> str:
    if iso3 == "XKX":
        return "Kosovo"
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return getattr(country, "common_name", None) or country.name


def iso_numeric(iso3: str) -> str | None:
    return _numeric_codes().get(iso3) or None


def latest_full_year(years: list[int], today: date | None = None) -> int | None:
    today = today or datetime.now(UTC).date()
    ended = [y for y in years if y < today.year]
    return max(ended) if ended else (max(years) if years else None)


def _single(result: indicators.IndicatorResult) -> dict[str, Any]:
    row = result.rows[0] if result.rows else {}
    return {
        "value": row.get("value"),
        "low": row.get("low"),
        "high": row.get("high"),
        "base": row.get("base") or (
            measures.share_text(0, 0, measures.SHARE_BASES[result.name]) if result.name in measures.SHARE_BASES else None
        ),
        "definition": result.definition,
        "coverage": result.coverage,
        **({"known": row.get("denominator") or 0} if result.name in measures.SHARE_BASES else {}),  # the share's base, as a number
    }


def _active_conflicts(engine: Engine, filters: Filters, year: int) -> dict[str, Any]:
    try:
        result = indicators.indicator(
            engine, "active-conflicts", filters=Filters(countries=filters.countries, year_from=year, year_to=year)
        )
    except ValueError as exc:  # no UCDP/PRIO ACD in the store: say so rather than show 0
        return {"value": None, "low": None, "high": None, "note": str(exc), "coverage": {"records": 0}}
    return _single(result)


def country_rows(engine: Engine, filters: Filters) -> list[dict[str, Any]]:
    """Civilian deaths per country under `filters`, with names and ISO numeric codes for the map."""
    result = indicators.indicator(engine, "civilian-deaths", by=["country"], filters=filters)
    return [
        {
            "country": r["country"],
            "name": country_name(r["country"]),
            "iso_numeric": iso_numeric(r["country"]),
            "value": r["value"],
            "low": r.get("low"),
            "high": r.get("high"),
        }
        for r in result.rows
    ]


def covered(engine: Engine, filters: Filters) -> list[dict[str, Any]]:
    """Each source in the selection with the years it covers and its incidents."""
    rows = indicators.indicator(engine, "incidents", by=["source", "year"], filters=filters).rows
    years: dict[str, set[int]] = {}
    counts: dict[str, int] = {}
    for r in rows:
        for name in str(r["source"] or "").split(","):
            if name:
                years.setdefault(name, set()).add(r["year"])
                counts[name] = counts.get(name, 0) + (r["value"] or 0)
    return [
        {"source": s, "first_year": min(ys), "last_year": max(ys), "years": len(ys), "incidents": counts[s]}
        for s, ys in sorted(years.items())
    ]


def sample_state(engine: Engine) -> dict[str, Any]:
    """Whether every imported event file is one of the bundled demo samples (then the figures are
    a sample's, not complete counts), from the import batches' file hashes."""
    from civwatch.services import demo
    from civwatch.services.importing import batches

    bundled = _sample_hashes(tuple(str(p) for p in demo.sample_files()))
    events = [b for b in batches(engine, limit=10_000) if b.get("source_format") != "ucdp-acd" and (b.get("accepted") or 0) > 0]
    sample = bool(events) and all(b.get("file_sha256") in bundled for b in events)
    note = None
    if sample:
        note = ("These figures come from the bundled demo sample (a random sample of UCDP GED events and the "
                "Ukraine state-based events, CC BY 4.0): an illustration of the tool, not complete counts.")
    return {"sample": sample, "sample_note": note, "files": len(events)}


@lru_cache(maxsize=4)
def _sample_hashes(paths: tuple[str, ...]) -> frozenset[str]:
    from civwatch.services.importing import file_sha256

    return frozenset(file_sha256(p) for p in paths)


def overview(engine: Engine, filters: Filters, today: date | None = None) -> dict[str, Any]:
    """Headline figures for the latest full year, the trend by year and deaths by country."""
    trend = indicators.indicator(engine, "civilian-deaths", by=["year"], filters=filters, change="yoy")
    sources_covered = covered(engine, filters)
    imported = [s for s in sources_covered if s["source"] != HAND]
    period = {y for s in imported for y in range(s["first_year"], s["last_year"] + 1)}
    years = [r["year"] for r in trend.rows if r.get("value") and (not period or r["year"] in period)]
    year = latest_full_year(years, today)
    figures: dict[str, Any] = {}
    countries: list[dict[str, Any]] = []
    if year is not None:
        in_year = filters.with_(year_from=year, year_to=year, date_from=None, date_to=None)
        row = next(r for r in trend.rows if r["year"] == year)
        figures["civilian_deaths"] = {
            "value": row["value"],
            "low": row.get("low"),
            "high": row.get("high"),
            "previous": row.get("previous"),
            "change": row.get("change"),
            "definition": trend.definition,
        }
        figures["women_children_share"] = _single(indicators.indicator(engine, "women-children-share", filters=in_year))
        figures["ewipa_share"] = _single(indicators.indicator(engine, "ewipa-share", filters=in_year))
        figures["active_conflicts"] = _active_conflicts(engine, filters, year)
        countries = country_rows(engine, in_year)
    return {
        "year": year,
        "year_rule": YEAR_RULE,
        "filters": filters.as_dict(),
        "figures": figures,
        "trend": [
            {"year": r["year"], "value": r["value"], "low": r.get("low"), "high": r.get("high"), "change": r.get("change")}
            for r in trend.rows
        ],
        "countries": countries,
        "coverage": trend.coverage,
        "sources": trend.sources,
        "covered": sources_covered,
        "period": [min(period), max(period)] if period else None,
        "conflict_data": conflict_data_loaded(engine),
        **sample_state(engine),
    }


def conflict_data_loaded(engine: Engine) -> bool:
    """Whether any UCDP/PRIO ACD conflict-year is in the store (so "none" can be told from "not loaded")."""
    try:
        return bool(indicators.indicator(engine, "active-conflicts").rows)
    except ValueError:
        return False


def filter_options(engine: Engine) -> dict[str, Any]:
    """The countries, years and sources in the store, for the filter forms."""
    everything = Filters()
    by_country = indicators.indicator(engine, "incidents", by=["country"], filters=everything)
    by_year = indicators.indicator(engine, "incidents", by=["year"], filters=everything)
    return {
        "countries": sorted(
            ({"code": r["country"], "name": country_name(r["country"])} for r in by_country.rows if r["country"]),
            key=lambda c: c["name"],
        ),
        "years": sorted(r["year"] for r in by_year.rows if r["year"] is not None),
        "sources": [s["source"] for s in by_country.sources],
    }


MAP_POINTS = 2000  # the incidents with most civilian deaths drawn as points; the rest are in the table


def map_view(engine: Engine, filters: Filters, max_points: int = MAP_POINTS) -> dict[str, Any]:
    """Countries shaded by civilian deaths and the largest located incidents as points."""
    points: list[dict[str, Any]] = []
    cursor = None
    while len(points) < max_points:
        batch = incidents.page(engine, filters, sort="-civilian_deaths", cursor=cursor, limit=min(500, max_points - len(points)))
        for item in batch["items"]:
            if item["latitude"] is not None and item["longitude"] is not None:
                deaths = item["civilian_deaths"]
                points.append({
                    "id": item["id"],
                    "lat": item["latitude"],
                    "lon": item["longitude"],
                    "deaths": deaths["best"] if deaths else None,
                    "date": item["date_start"],
                    "country": item["country_iso3"],
                    "place": item["location"] or item["admin1"],
                })
        cursor = batch["next_cursor"]
        if not cursor:
            break
    total = indicators.indicator(engine, "incidents", filters=filters)
    return {
        "filters": filters.as_dict(),
        "countries": country_rows(engine, filters),
        "points": points,
        "points_shown": len(points),
        "points_total": total.rows[0]["value"] if total.rows else 0,
    }


def country_profile(engine: Engine, iso3: str, filters: Filters, largest: int = 10) -> dict[str, Any]:
    """A country's trend, parties, weapons, women and children, and largest incidents."""
    if len(iso3) != 3 or not iso3.isalpha():
        raise ValueError(f"country must be an ISO 3166-1 alpha-3 code like UKR, got {iso3!r}")
    f = filters.with_(countries=(iso3,))
    trend = indicators.indicator(engine, "civilian-deaths", by=["year"], filters=f, change="yoy")
    wc = indicators.indicator(engine, "women-children-share", by=["year"], filters=f)
    parties = indicators.indicator(engine, "civilian-deaths", by=["party_category"], filters=f)
    weapons = indicators.indicator(engine, "civilian-deaths", by=["weapon"], filters=f)
    top = incidents.page(engine, f, sort="-civilian_deaths", limit=largest)
    totals = {r["country"]: r for r in country_rows(engine, f)}
    here = totals.get(iso3, {"country": iso3, "name": country_name(iso3), "iso_numeric": iso_numeric(iso3), "value": 0})
    return {
        "country": iso3,
        "name": country_name(iso3),
        "filters": f.as_dict(),
        "trend": [
            {"year": r["year"], "value": r["value"], "low": r.get("low"), "high": r.get("high"), "change": r.get("change")}
            for r in trend.rows
        ],
        "women_children": {str(r["year"]): r["value"] for r in wc.rows},
        "parties": sorted(parties.rows, key=lambda r: -(r["value"] or 0)),
        "weapons": sorted(weapons.rows, key=lambda r: -(r["value"] or 0)),
        "largest": top["items"],
        "map_country": here,
        "coverage": trend.coverage,
        "sources": trend.sources,
    }
