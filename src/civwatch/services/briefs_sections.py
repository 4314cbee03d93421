"""Brief sections built from other capabilities' data: maps (Natural Earth shapes) and a forum's
likeliest joiners (the treaties' coalition-targets rule). Each returns a section dict of services/briefs; data not loaded says so.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine

from civwatch.domain import briefs as dom
from civwatch.domain import treaties as tdom
from civwatch.services import briefs_map, treaties
from civwatch.services.briefs import msg, section, txt

MAP_POINTS = 100
JOINERS = 3
OK, NOT = dom.SectionStatus.OK, dom.SectionStatus.NOT_LOADED


def pct(value: float | None) -> dict:
    """A share or probability printed as a percentage (no base: it is not a share of cases)."""
    return {"t": "pct", "v": value}


def country_map(iso3: str, located: list[dict]) -> dict:
    """The locator map: the country and its largest located incidents (lat, lon, deaths)."""
    if iso3 not in briefs_map.shapes():
        return {**section("map", dom.SectionStatus.EMPTY), "note": "note.map_no_shape"}
    points = [{"lat": i["latitude"], "lon": i["longitude"], "deaths": ((i.get("civilian_deaths") or {}).get("best"))}
              for i in located if i.get("latitude") is not None and i.get("longitude") is not None][:MAP_POINTS]
    if not points:  # nothing located to show: the section says so rather than drawing a bare outline
        return section("map", dom.SectionStatus.EMPTY)
    return {**section("map", OK, note="note.map_points"), "status": OK.value,
            "map": {"kind": "locator", "country": iso3, "points": points}}


def party_map(countries: list[str]) -> dict:
    """Where the party operates (the party register's countries), highlighted."""
    drawn = [c for c in countries if c in briefs_map.shapes()]
    if not drawn:
        return section("party_map", dom.SectionStatus.EMPTY)
    return {**section("party_map", OK, note="note.map_party"), "status": OK.value,
            "map": {"kind": "locator", "country": drawn, "points": []}}


def forum_map(members: list[str], cells: dict[str, dict[str, str]], instruments: int) -> dict:
    """Members shaded by how many of the imported POC instruments they are party to."""
    values = {iso: sum(1 for s in cells.get(iso, {}).values() if s == "party") for iso in members}
    return {**section("members_map", OK, note="note.map_members"), "status": OK.value,
            "map": {"kind": "choropleth", "values": values, "top": instruments}}


def likely_joiners(engine: Engine, forum_id: str | None, imported: list[tdom.Instrument], as_of: date) -> dict:
    """Per imported POC instrument, the forum's members not party that the treaties' likely-joiners
    rule ranks highest (services/treaties.targets: fitted only on what was known on the date)."""
    if forum_id is None:
        return {**section("likely_joiners", NOT), "note": "note.joiners_forum_only"}
    rows = []
    for inst in imported:
        try:
            got = treaties.targets(engine, forum_id, inst.key, as_of)
        except ValueError:
            continue
        for t in got["targets"][:JOINERS]:
            rows.append([msg(f"short.{inst.key}"), txt(t["country"]), msg(f"status.{t['status']}"),
                         pct(t["p"])])
    return section("likely_joiners", OK, ["col.instrument", "col.member", "col.status", "col.p_join"], rows, "joiners",
                   note="note.joiners")
