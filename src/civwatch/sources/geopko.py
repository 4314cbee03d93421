"""Geo-PKO v2.3 location-year tables (Cil, Fjelde, Hultman & Nilsson 2020), as the Geo-PKO
team's dashboard publishes them: deployments (FrontMap), troop contributors (TCCMap) and troop
types (TTMap).

A deployments file lists a location-year once per map record behind it: `NoTroops` varies
between those rows, while `ave.no.troops` (the team's yearly average) is the same on each. The
yearly aggregation is not documented; troop numbers are indicative.

Rows are rejected, with their reason, for impossible coordinates, a mission not in the mission
list, and a year outside the mission's life as the list gives it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from civwatch.domain.missions import (
    MissionLife,
    SourceRow,
    check_point,
    parse_contributors,
    parse_decimal,
)
from civwatch.domain.records import Rejection
from civwatch.sources import countries
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, raw_json

DEPLOYMENTS = "geopko-deployments"
CONTRIBUTORS = "geopko-contributors"
TROOP_TYPES = "geopko-troop-types"
KEY = ("mission", "year", "location", "latitude", "longitude")
SIGNATURES = {
    DEPLOYMENTS: (*KEY, "country", "notroops", "ave.no.troops", "hq"),
    CONTRIBUTORS: (*KEY, "no.tcc", "year.overview"),
    TROOP_TYPES: (*KEY, "infantry", "eng", "med", "sig", "av", "riv", "maint", "trans"),
}
COUNTRY_ALIASES = {"drc": "COD", "ivory coast": "CIV", "kosovo": "XKX", "western sahara": "ESH"}


def detect(header: list[str]) -> str | None:
    names = {h.strip().lower() for h in header}
    for fmt in (DEPLOYMENTS, CONTRIBUTORS, TROOP_TYPES):
        if set(SIGNATURES[fmt]) <= names:
            return fmt
    return None


def country_iso3(name: str) -> str | None:
    """ISO3 of a Geo-PKO country name; None for a pair such as 'Ethiopia/Eritrea'."""
    n = " ".join(name.split())
    if not n or "/" in n:
        return None
    return COUNTRY_ALIASES.get(n.lower()) or countries.from_name(n)


def _number(text: str, what: str) -> int | None:
    v = parse_decimal(text, what)
    if v is None:
        return None
    if v < 0:
        raise ValueError(f"negative {what} {v:g}")
    return round(v)


def _flag(text: str, what: str, top: int = 3) -> int | None:
    v = _number(text, what)
    if v is not None and v > top:
        raise ValueError(f"{what} {v} is not a code 0–{top}")
    return v


def _deployment(get: Callable[[str], str]) -> dict:
    return {
        "country_name": get("country") or None,
        "country_iso3": country_iso3(get("country")),
        "infantry": _number(get("infantry"), "Infantry"),
        "no_troops": _number(get("notroops"), "NoTroops"),
        "reserve": _number(get("reserve"), "Reserve"),
        "ave_troops": _number(get("ave.no.troops"), "ave.no.troops"),
        "hq": _flag(get("hq"), "hq"),
        "unpol": _flag(get("unpol"), "UNPOL", 1),
        "med": _flag(get("med"), "Med", 1),
        "aviation": _flag(get("av"), "Av", 2),
        "unmo": _flag(get("unmo"), "UNMO", 1),
    }


def _contributors(get: Callable[[str], str]) -> dict:
    text = get("year.overview")
    return {"n_tcc": _number(get("no.tcc"), "No.TCC"), "overview": text or None,
            "parts": parse_contributors(text) if text and text.upper() != "NA" else []}


TYPE_COLUMNS = ("infantry", "eng", "med", "sig", "av", "riv", "maint", "trans")


def _types(get: Callable[[str], str]) -> dict:
    return {("aviation" if c == "av" else c): _number(get(c), c) for c in TYPE_COLUMNS}


VALUES = {DEPLOYMENTS: _deployment, CONTRIBUTORS: _contributors, TROOP_TYPES: _types}


def records(table: Table, fmt: str, lives: Mapping[str, MissionLife]) -> Iterator[SourceRow | Rejection]:
    idx = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(table.header)}
    missing = [c for c in SIGNATURES[fmt] if c not in idx]
    if missing:
        raise SourceError(f"not a Geo-PKO {fmt} table: missing column(s) {', '.join(missing)}")
    builder = RawBuilder(table.header)
    width = len(table.header)
    values_of = VALUES[fmt]
    for line, row in table.rows:
        raw = raw_json(builder.obj(row))
        bad = check_width(row, width)
        if bad:
            yield Rejection(line, bad, raw)
            continue

        def get(name: str, row: list[str] = row) -> str:
            i = idx.get(name)
            return row[i].strip() if i is not None and i < len(row) else ""

        try:
            mission = " ".join(get("mission").split())
            if not mission:
                raise ValueError("missing mission")
            life = lives.get(mission)
            if life is None:
                raise ValueError(f"unknown mission {mission[:40]!r}: not in the UN DPPA/DPO mission list")
            year_v = parse_decimal(get("year"), "year")
            if year_v is None or not year_v.is_integer():
                raise ValueError(f"bad year {get('year')[:20]!r}")
            year = int(year_v)
            why = life.why_not(year)
            if why:
                raise ValueError(why)
            lat = parse_decimal(get("latitude"), "latitude")
            lon = parse_decimal(get("longitude"), "longitude")
            if lat is None or lon is None:
                raise ValueError("missing coordinates")
            why = check_point(lat, lon)
            if why:
                raise ValueError(why)
            location = " ".join(get("location").split())
            if not location:
                raise ValueError("missing location")
            values = {"mission": mission, "year": year, "location": location, "latitude": lat, "longitude": lon, **values_of(get)}
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield SourceRow(line, values, raw)
