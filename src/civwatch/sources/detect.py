"""Which format a file is in, from its header (and the HXL hashtag row), and why we think so."""

from __future__ import annotations

from dataclasses import dataclass

from civwatch.sources.base import SourceError, Table

FORMATS = ("ucdp-ged", "ucdp-acd", "acled", "hxl", "victims", "elections")


@dataclass(frozen=True)
class Detection:
    format: str
    reason: str


def _lower(header: list[str]) -> set[str]:
    return {h.strip().lower() for h in header if h.strip()}


def detect(table: Table) -> Detection:
    """The format of an opened table; SourceError when it is none we know."""
    cols = _lower(table.header)
    kind = f"{table.kind.upper()}, {table.encoding}"
    if {"id", "type_of_violence", "deaths_civilians", "best"} <= cols:
        layout = "49-column (GED 20.1+)" if "relid" in cols else "42-column (GED 19.1 and older)"
        if table.hxl_row is not None:
            layout = f"HDX layout with HXL hashtag row, {len(cols)} columns"
        return Detection("ucdp-ged", f"UCDP GED event file, {layout}: columns id, type_of_violence, deaths_civilians, best ({kind})")
    if {"conflict_id", "year", "intensity_level", "type_of_conflict"} <= cols:
        return Detection("ucdp-acd", f"UCDP/PRIO Armed Conflict Dataset: columns conflict_id, year, intensity_level ({kind})")
    if {"event_date", "event_type", "fatalities"} <= cols and ("event_id_cnty" in cols or "data_id" in cols):
        if "civilian_targeting" in cols:
            layout = "current layout (civilian_targeting, disorder_type)"
        elif "sub_event_type" in cols:
            layout = "2020 layout (sub_event_type, no civilian_targeting)"
        else:
            layout = "old upper-case layout (no sub_event_type)" if any(h.isupper() for h in table.header if h) else "old layout (no sub_event_type)"
        return Detection("acled", f"ACLED export, {layout} ({kind})")
    if {"incident_id", "killed_or_injured"} <= cols and ({"gender", "sex"} & cols):
        return Detection("victims", f"victim list, one row per victim: incident_id, killed_or_injured, gender ({kind})")
    if {"date", "country", "election", "status"} <= cols:
        return Detection("elections", f"election calendar: columns date, country, election, status ({kind})")
    if table.hxl_row is not None:
        return Detection("hxl", f"HXL-tagged table: hashtag row under the header ({kind})")
    if any(h.strip().startswith("#") for h in table.header):
        return Detection("hxl", f"HXL-tagged table: hashtags in the header ({kind})")
    shown = ", ".join(h for h in table.header[:8] if h)
    raise SourceError(
        f"cannot tell the format from the header ({shown}{', ...' if len(table.header) > 8 else ''}); "
        f"use --format with one of {', '.join(FORMATS)}"
    )
