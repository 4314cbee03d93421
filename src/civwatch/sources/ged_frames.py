"""UCDP GED rows mapped in columns: the same mapping as `ucdp_ged.GedAdapter`, a batch at a time.

Lookups (dates, Gleditsch-Ward numbers, party categories, populated places) call the row
adapter's own functions once per distinct value; rows the columns cannot certify are handed
back for the row adapter (`FrameBatch.irregular`).
"""

from __future__ import annotations

import polars as pl

from civwatch.sources import countries, ucdp_ged
from civwatch.sources.base import parse_date
from civwatch.sources.frames import (
    LINE,
    FrameBatch,
    awkward,
    certain,
    col,
    coordinate,
    count,
    empty_harm,
    empty_parties,
    finish_reports,
    harm_rows,
    lookup,
    raw_json,
    sha256,
    split,
    text_or_none,
)

_date = certain(parse_date)


def _populated(key: str) -> bool | None:
    where_prec, _, where = key.partition("\x1f")
    return ucdp_ged._populated(where_prec, where)


def _gw_country(key: str) -> str | None:
    """ISO3 of a Gleditsch-Ward number whose country name (if any) agrees; None leaves the row
    to the row adapter, which rejects it with the reason."""
    gw, _, name = key.partition("\x1f")
    iso3 = countries.from_gw(gw)
    if iso3 is None or (name.strip() and countries.contradiction(iso3, name, countries.from_name(name))):
        return None
    return iso3


def _optional_count(text: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(value, certified) of a count that may be empty."""
    empty = text.str.strip_chars() == ""
    n = count(text)
    return n, empty | n.is_not_null()


def map_batch(frame: pl.DataFrame, header: list[str]) -> FrameBatch:
    idx = ucdp_ged.columns(header)
    name_of = {name: header[i] for name, i in idx.items()}

    def c(name: str) -> pl.Expr:
        return col(name_of, name)

    lat, lat_ok = coordinate(c("latitude"), 90.0)
    lon, lon_ok = coordinate(c("longitude"), 180.0)
    low, low_ok = _optional_count(c("low"))
    high, high_ok = _optional_count(c("high"))
    dead_a, a_ok = _optional_count(c("deaths_a"))
    dead_b, b_ok = _optional_count(c("deaths_b"))
    f = frame.with_columns(
        raw=raw_json(frame, header),
        source_id=c("id").str.strip_chars(),
        _start=c("date_start"),
        _end=c("date_end"),
        _gw=c("country_id").str.strip_chars(),
        _gwc=pl.concat_str([c("country_id").str.strip_chars(), c("country")], separator="\x1f"),
        latitude=lat, longitude=lon,
        civilian_deaths_best=count(c("deaths_civilians")),
        total_deaths_best=count(c("best")),
        total_deaths_low=low, total_deaths_high=high,
        _dead=dead_a.fill_null(0) + dead_b.fill_null(0),
        _tov=c("type_of_violence").str.strip_chars(),
        _ok=lat_ok & lon_ok & low_ok & high_ok & a_ok & b_ok,
    )
    f = f.with_columns(
        _start=lookup(f["_start"], _date, pl.String),
        _end=pl.when(f["_end"].str.strip_chars() == "").then(pl.lit("")).otherwise(lookup(f["_end"], _date, pl.String)),
        country_iso3=lookup(f["_gwc"], _gw_country, pl.String),
    ).with_columns(_end=pl.when(pl.col("_end") == "").then(pl.col("_start")).otherwise(pl.col("_end")))
    certified = (
        (f["source_id"] != "") & f["_start"].is_not_null() & f["_end"].is_not_null() & (f["_end"] >= f["_start"]).fill_null(False)
        & f["country_iso3"].is_not_null() & f["civilian_deaths_best"].is_not_null() & f["total_deaths_best"].is_not_null()
        & f["_tov"].is_in(list(ucdp_ged.VIOLENCE)) & f["_ok"] & ~awkward(frame, header)
    )
    f, irregular, irregular_ids = split(frame, f, certified, header)
    if f.height == 0:
        return FrameBatch(finish_reports(f), empty_parties(), empty_harm(), irregular, irregular_ids)

    f = f.with_columns(
        _side_a=c("side_a").str.strip_chars(), _side_b=c("side_b").str.strip_chars(),
        _where=c("where_coordinates").str.strip_chars(), _wp=c("where_prec").str.strip_chars(),
        _dyad=c("dyad_name").str.strip_chars(), _one_sided=pl.col("_tov") == "3",
    )
    f = f.with_columns(
        _cat_a=lookup(f["_side_a"], ucdp_ged.party_category, pl.String),
        _cat_b=lookup(f["_side_b"], ucdp_ged.party_category, pl.String),
        populated_area=lookup(f.select(pl.concat_str([pl.col("_wp"), pl.col("_where")], separator="\x1f")).to_series(), _populated, pl.Boolean),
    )
    one_sided = pl.col("_one_sided")
    lead = pl.when(pl.col("_dyad") != "").then(pl.col("_dyad")).otherwise(pl.col("_side_a"))
    reports = f.with_columns(
        source=pl.lit(ucdp_ged.SOURCE),
        content_sha=sha256(f["raw"]),
        date_start=pl.col("_start"),
        date_end=pl.col("_end"),
        date_precision=c("date_prec").str.strip_chars().replace_strict(
            ucdp_ged.DATE_PRECISION, default=pl.when(pl.col("_start") == pl.col("_end")).then(pl.lit("day")).otherwise(pl.lit("span")),
            return_dtype=pl.String),
        year=pl.col("_start").str.slice(0, 4).cast(pl.Int64),
        month=pl.col("_start").str.slice(0, 7),
        country_code_received=pl.col("_gw"),
        geo_precision=pl.col("_wp").replace_strict(ucdp_ged.GEO_PRECISION, default="unknown", return_dtype=pl.String),
        admin1=text_or_none(c("adm_1")),
        admin2=text_or_none(c("adm_2")),
        location=pl.when(pl.col("_where") != "").then(pl.col("_where")),
        violence_type=pl.col("_tov").replace_strict(ucdp_ged.VIOLENCE, return_dtype=pl.String),
        event_type=pl.col("_tov").replace_strict(ucdp_ged.VIOLENCE_LABEL, return_dtype=pl.String) + " violence",
        perpetrator_category=pl.when(one_sided).then(pl.col("_cat_a")).otherwise(pl.lit("unknown")),
        perpetrator_name=pl.when(one_sided).then(pl.col("_side_a")),
        target_category=pl.when(one_sided).then(pl.col("_cat_b")),
        target_name=pl.when(one_sided).then(pl.col("_side_b")),
        headline=pl.when(pl.col("_where") != "").then(lead + ": " + pl.col("_where"))
        .otherwise(pl.when(lead != "").then(lead)),
        notes=text_or_none(c("source_headline")),
    )
    harm = pl.concat([
        harm_rows(reports, "civilian_deaths_best", civilian=True).with_columns(_slot=pl.lit(0)),
        harm_rows(reports.with_columns(_fighters=pl.col("_dead")), "_fighters", civilian=False).with_columns(_slot=pl.lit(1)),
    ]).sort(LINE, "_slot").drop("_slot")
    return FrameBatch(finish_reports(reports), _parties(f, c), harm, irregular, irregular_ids)


def _parties(f: pl.DataFrame, c) -> pl.DataFrame:
    parts = []
    for side, cat, ident, role in (("_side_a", "_cat_a", "side_a_new_id", "perpetrator"), ("_side_b", "_cat_b", "side_b_new_id", "target")):
        parts.append(f.filter(pl.col(side) != "").select(
            pl.col(LINE), pl.col(side).alias("name"), pl.col(cat).alias("category"),
            pl.when(pl.col("_one_sided")).then(pl.lit(role)).otherwise(pl.lit("other")).alias("role"),
            text_or_none(c(ident)).alias("source_code"), pl.lit(0 if role == "perpetrator" else 1).alias("_slot"),
        ))
    return pl.concat(parts).sort(LINE, "_slot").drop("_slot")
