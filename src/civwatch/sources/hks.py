"""Hultman, Kathman & Shannon (2013) country-month file: UN troops, police and observers
(thousands, lagged one month), civilians killed, and the POC and robust-mandate flags, 1991–2008.

Read for the mandate flags and troop strengths of the missions it names; the flags give mandate
periods (consecutive flagged months) with their source, never a date the file does not give.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from civwatch.domain.missions import MissionLife, SourceRow, parse_decimal
from civwatch.domain.records import Rejection
from civwatch.sources import countries
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, raw_json

FORMAT = "hks2013"
REQUIRED = ("conflict_id", "gwnoloc", "year", "mon", "mission", "pkodum", "troopLag", "osvall", "pocmandate", "robustmandate")


def _flag(text: str, what: str) -> bool | None:
    v = parse_decimal(text, what)
    if v is None:
        return None
    if v not in (0, 1):
        raise ValueError(f"{what} {v:g} is not 0 or 1")
    return v == 1


def _persons(text: str, what: str) -> int | None:
    """Thousands of personnel ('29.209') as persons (29209)."""
    v = parse_decimal(text, what)
    if v is None:
        return None
    if v < 0:
        raise ValueError(f"negative {what}")
    return round(v * 1000)


def records(table: Table, lives: Mapping[str, MissionLife]) -> Iterator[SourceRow | Rejection]:
    idx = {h.strip().lower(): i for i, h in enumerate(table.header)}
    missing = [c for c in REQUIRED if c.lower() not in idx]
    if missing:
        raise SourceError(f"not the HKS 2013 country-month file: missing column(s) {', '.join(missing)}")
    builder = RawBuilder(table.header)
    width = len(table.header)
    for line, row in table.rows:
        raw = raw_json(builder.obj(row))
        bad = check_width(row, width)
        if bad:
            yield Rejection(line, bad, raw)
            continue

        def get(name: str, row: list[str] = row) -> str:
            i = idx.get(name.lower())
            return row[i].strip().strip('"').strip() if i is not None and i < len(row) else ""

        try:
            year_v, mon_v = parse_decimal(get("year"), "year"), parse_decimal(get("mon"), "mon")
            if year_v is None or mon_v is None or not year_v.is_integer() or not 1 <= mon_v <= 12:
                raise ValueError(f"bad year/month {get('year')[:10]!r}/{get('mon')[:10]!r}")
            year, month = int(year_v), int(mon_v)
            mission = " ".join(get("mission").split()) or None
            if mission is not None:
                life = lives.get(mission)
                if life is None:
                    raise ValueError(f"unknown mission {mission[:40]!r}: not in the UN DPPA/DPO mission list")
                why = life.why_not(year)
                if why:
                    raise ValueError(why)
            gw = get("gwnoloc")
            iso3 = countries.from_gw(gw)
            if iso3 is None:
                raise ValueError(f"unknown Gleditsch-Ward code {gw[:10]!r}")
            osv = parse_decimal(get("osvAll"), "osvAll")
            values = {
                "conflict_id": get("conflict_id"), "episode": get("id_ep") or None, "gwno": gw, "country_iso3": iso3,
                "year": year, "month": month, "mission": mission, "pko": _flag(get("PKOdum"), "PKOdum"),
                "troops_lagged": _persons(get("troopLag"), "troopLag"),
                "police_lagged": _persons(get("policeLag"), "policeLag"),
                "observers_lagged": _persons(get("militaryobserversLag"), "militaryobserversLag"),
                "civilians_killed": None if osv is None else round(osv),
                "poc_mandate": _flag(get("pocmandate"), "pocmandate"),
                "robust_mandate": _flag(get("robustmandate"), "robustmandate"),
            }
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        yield SourceRow(line, values, raw)
