"""The UN DPPA/DPO Peace and Security Data Hub's peacekeeping mission list (DPPADPOSS-PKO).

Quirks of the 2024-02-19 release, handled here (see ../shared/data/peacekeeping/PROVENANCE.md):
coordinates written with a decimal comma; longitude and latitude swapped for the missions in
`SWAPPED` (their aggregate rows are right); aggregate rows (UNOSOM = I & II, UNEF, UNAVEM) beside
their parts; `mission_isactive` Yes/No/NO and stale (MINUSMA "Yes", closed 2023-12-31).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from civwatch.domain.missions import SourceRow, check_point, parse_decimal
from civwatch.domain.records import Rejection
from civwatch.sources.base import RawBuilder, SourceError, Table, check_width, raw_json

FORMAT = "un-dppa-missions"
REQUIRED = ("mission_acronym", "mission_name", "mission_isactive", "start_date", "end_date", "mission_longitude", "mission_latitude")
# Published with longitude and latitude swapped (checked against the aggregate rows and the
# places named: Mogadishu, Gaza, Luanda, Bamako, Thessaloniki).
SWAPPED = frozenset({"UNOSOM I", "UNOSOM II", "UNEF I", "UNEF II", "UNAVEM I", "UNAVEM II", "MINUSMA", "UNSCOB"})
# Aggregate rows and the parts they sum (their names say "(I & II)" or list the parts).
AGGREGATES = {"UNOSOM": ("UNOSOM I", "UNOSOM II"), "UNEF": ("UNEF I", "UNEF II"), "UNAVEM": ("UNAVEM I", "UNAVEM II")}


def _date(text: str, what: str) -> date | None:
    s = text.strip()
    if not s:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValueError(f"{what} {s[:20]!r} is not a date (YYYY-MM-DD)") from None


def records(table: Table) -> Iterator[SourceRow | Rejection]:
    idx = {h.strip().lower().lstrip("\ufeff"): i for i, h in enumerate(table.header)}
    missing = [c for c in REQUIRED if c not in idx]
    if missing:
        raise SourceError(f"not the UN DPPA/DPO mission list: missing column(s) {', '.join(missing)}")
    builder = RawBuilder(table.header)
    width = len(table.header)
    seen: set[str] = set()
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
            acronym = " ".join(get("mission_acronym").split())
            if not acronym:
                raise ValueError("missing mission_acronym")
            if acronym in seen:
                raise ValueError(f"mission {acronym} listed twice")
            start = _date(get("start_date"), "start_date")
            end = _date(get("end_date"), "end_date")
            if start and end and end < start:
                raise ValueError(f"end_date {end} before start_date {start}")
            lon = parse_decimal(get("mission_longitude"), "mission_longitude")
            lat = parse_decimal(get("mission_latitude"), "mission_latitude")
            notes = []
            if acronym in SWAPPED and lat is not None and lon is not None:
                lat, lon = lon, lat
                notes.append("longitude and latitude swapped in the source; corrected")
            why = check_point(lat, lon)
            if why:
                raise ValueError(why)
        except ValueError as exc:
            yield Rejection(line, str(exc), raw)
            continue
        seen.add(acronym)
        name = get("mission_name").strip().strip('"').strip()
        yield SourceRow(line, {
            "acronym": acronym,
            "name": name or acronym,
            "lead_department": get("lead_department") or None,
            "active_received": get("mission_isactive") or None,
            "start_date": start,
            "end_date": end,
            "end_date_source": "DPPA list" if end else None,
            "location": " ".join(get("mission_location").split()) or None,
            "latitude": lat,
            "longitude": lon,
            "aggregate_of": ",".join(AGGREGATES[acronym]) if acronym in AGGREGATES else None,
            "notes": "; ".join(notes) or None,
            "source_updated": get("last_update") or None,
        }, raw)
