"""UCDP Georeferenced Event Dataset (GED): one row per event, in every published layout.

Layouts: the current 49 columns (GED 20.1+: relid, code_status, *_dset_id, where_description),
the older 42 (19.1), the API-style export (ISO timestamps, lower-case booleans), the HDX layout
(iso3, start_year, end_year and an HXL hashtag row under the header) and XLSX. Columns are found
by name, so order and extra columns do not matter.

Civilian deaths (DESIGN "Definitions") = `deaths_civilians`. GED gives low/high only for the
event's total deaths, so the civilian figure has a best value only; low/best/high of the total
are kept in total_deaths_*.
"""

from __future__ import annotations

from collections.abc import Iterator

from civwatch.domain.records import HarmRow, PartyRow, Rejection, ReportRecord
from civwatch.sources import countries
from civwatch.sources.base import (
    RawBuilder,
    SourceError,
    Table,
    check_width,
    parse_coord,
    parse_count,
    parse_date,
    raw_json,
    text_or_none,
)

SOURCE = "ucdp-ged"
REQUIRED = ("id", "type_of_violence", "date_start", "deaths_civilians", "best", "country_id")
SIGNATURE = {"id", "type_of_violence", "deaths_civilians", "where_prec", "date_prec", "best"}

DATE_PRECISION = {"1": "day", "2": "week", "3": "month", "4": "year", "5": "span"}
GEO_PRECISION = {"1": "exact", "2": "near", "3": "admin2", "4": "admin1", "5": "country", "6": "country", "7": "unknown"}
VIOLENCE = {"1": "state_based", "2": "non_state", "3": "one_sided"}
VIOLENCE_LABEL = {"1": "State-based", "2": "Non-state", "3": "One-sided"}
POPULATED = {"town", "city", "village", "camp", "hamlet", "settlement", "neighbourhood", "neighborhood", "quarter", "market"}


def party_category(name: str) -> str:
    n = name.strip().lower()
    if n.startswith("government of"):
        return "state_forces"
    if n == "civilians":
        return "civilians"
    return "non_state_armed_group"


def _populated(where_prec: str, where: str) -> bool | None:
    """A named town/city/village at exact or near precision is a populated area; else unknown."""
    if where_prec in ("1", "2") and where:
        last = where.rsplit(None, 1)[-1].lower()
        if last in POPULATED:
            return True
    return None


def columns(header: list[str]) -> dict[str, int]:
    """Each column's position by its lower-case name (the last, where a name repeats);
    SourceError naming what a GED file must have and this one lacks."""
    idx = {h.lower(): i for i, h in enumerate(header)}
    missing = [c for c in REQUIRED if c not in idx]
    if missing:
        raise SourceError(f"not a UCDP GED file: missing column(s) {', '.join(missing)}")
    return idx


class GedAdapter:
    source = SOURCE
    format = "ucdp-ged"

    @staticmethod
    def matches(header: list[str]) -> bool:
        return SIGNATURE <= {h.lower() for h in header}

    def records(self, table: Table) -> Iterator[ReportRecord | Rejection]:
        header = table.header
        idx = columns(header)
        builder = RawBuilder(header)
        width = len(header)

        def col(name: str) -> int | None:
            return idx.get(name)

        i_id, i_tov, i_ds, i_de = col("id"), col("type_of_violence"), col("date_start"), col("date_end")
        i_dc, i_best, i_low, i_high = col("deaths_civilians"), col("best"), col("low"), col("high")
        i_da, i_db = col("deaths_a"), col("deaths_b")
        i_cid, i_lat, i_lon, i_country = col("country_id"), col("latitude"), col("longitude"), col("country")
        i_wp, i_wc, i_dp = col("where_prec"), col("where_coordinates"), col("date_prec")
        i_a1, i_a2 = col("adm_1"), col("adm_2")
        i_sa, i_sb, i_said, i_sbid = col("side_a"), col("side_b"), col("side_a_new_id"), col("side_b_new_id")
        i_dyad, i_head = col("dyad_name"), col("source_headline")

        def get(row: list[str], i: int | None) -> str:
            return row[i] if i is not None else ""

        for line, row in table.rows:
            bad = check_width(row, width)
            if bad:
                yield Rejection(line, bad, raw_json(builder.obj(row)))
                continue
            try:
                source_id = row[i_id].strip()
                if not source_id:
                    raise ValueError("missing id")
                start = parse_date(row[i_ds])
                end_text = get(row, i_de)
                end = parse_date(end_text) if end_text.strip() else start
                if end < start:
                    raise ValueError(f"date_end {end} is before date_start {start}")
                gw = row[i_cid].strip()
                iso3 = countries.from_gw(gw)
                if iso3 is None:
                    raise ValueError(f"unknown country: country_id {gw[:20]!r}")
                if get(row, i_country).strip():
                    countries.check_name(iso3, get(row, i_country))
                lat = parse_coord(get(row, i_lat), "latitude", 90.0)
                lon = parse_coord(get(row, i_lon), "longitude", 180.0)
                civ = parse_count(row[i_dc], "deaths_civilians")
                best = parse_count(row[i_best], "best")
                low = parse_count(get(row, i_low), "low", required=False)
                high = parse_count(get(row, i_high), "high", required=False)
                dead_a = parse_count(get(row, i_da), "deaths_a", required=False) or 0
                dead_b = parse_count(get(row, i_db), "deaths_b", required=False) or 0
                tov = row[i_tov].strip()
                if tov not in VIOLENCE:
                    raise ValueError(f"unknown type_of_violence {tov[:20]!r}")
            except ValueError as exc:
                yield Rejection(line, str(exc), raw_json(builder.obj(row)))
                continue
            raw, digest = builder.raw(row)
            side_a, side_b = get(row, i_sa).strip(), get(row, i_sb).strip()
            cat_a, cat_b = party_category(side_a), party_category(side_b)
            one_sided = tov == "3"
            parties = []
            if side_a:
                parties.append(PartyRow(side_a, cat_a, "perpetrator" if one_sided else "other", text_or_none(get(row, i_said))))
            if side_b:
                parties.append(PartyRow(side_b, cat_b, "target" if one_sided else "other", text_or_none(get(row, i_sbid))))
            harm = []
            if civ:
                harm.append(HarmRow("killed", civ))
            if dead_a + dead_b:
                harm.append(HarmRow("killed", dead_a + dead_b, civilian=False))
            where = get(row, i_wc).strip()
            wp = get(row, i_wp).strip()
            dyad = get(row, i_dyad).strip()
            yield ReportRecord(
                source=SOURCE,
                source_id=source_id,
                content_sha=digest,
                date_start=start,
                date_end=end,
                date_precision=DATE_PRECISION.get(get(row, i_dp).strip(), "day" if start == end else "span"),
                year=int(start[:4]),
                month=start[:7],
                country_iso3=iso3,
                raw=raw,
                line=line,
                country_code_received=gw,
                latitude=lat,
                longitude=lon,
                geo_precision=GEO_PRECISION.get(wp, "unknown"),
                admin1=text_or_none(get(row, i_a1)),
                admin2=text_or_none(get(row, i_a2)),
                location=where or None,
                populated_area=_populated(wp, where),
                civilian_deaths_best=civ,
                total_deaths_low=low,
                total_deaths_best=best,
                total_deaths_high=high,
                violence_type=VIOLENCE[tov],
                event_type=VIOLENCE_LABEL[tov] + " violence",
                perpetrator_category=cat_a if one_sided else "unknown",
                perpetrator_name=side_a if one_sided else None,
                target_category=cat_b if one_sided else None,
                target_name=side_b if one_sided else None,
                headline=f"{dyad or side_a}: {where}" if where else (dyad or side_a or None),
                notes=text_or_none(get(row, i_head)),
                harm=harm,
                parties=parties,
            )
