"""ACLED rows mapped in columns: the same mapping as `acled.AcledAdapter`, a batch at a time.

Lookups (dates, countries, party categories) call the row adapter's own functions once per
distinct value; the rest is the adapter's logic written as polars expressions. Rows the
columns cannot certify are handed back for the row adapter (`FrameBatch.irregular`).
"""

from __future__ import annotations

import polars as pl

from civwatch.sources import acled
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
_country = certain(acled.country_of)


def _country_parts(key: str) -> tuple[str, str | None] | None:
    parts = key.split("\x1f")
    return _country(*parts) if len(parts) == 4 else None


def _iso3(key: str) -> str | None:
    found = _country_parts(key)
    return found[0] if found else None


def _received(key: str) -> str | None:
    found = _country_parts(key)
    return found[1] if found else None


def _keys(f: pl.DataFrame, *names: str) -> pl.Series:
    return f.select(pl.concat_str([pl.col(n) for n in names], separator="\x1f")).to_series()


def _category(key: str) -> str:
    inter, name = key.split("\x1f", 1)
    return acled.party_category(inter, name)


def map_batch(frame: pl.DataFrame, header: list[str]) -> FrameBatch:
    idx = acled.columns(header)
    name_of = {name: header[i] for name, i in idx.items()}

    def c(name: str) -> pl.Expr:
        return col(name_of, name)

    raw = raw_json(frame, header)
    data_id = c("data_id").str.strip_chars() if "data_id" in name_of else pl.lit("")
    sid = c("event_id_cnty").str.strip_chars() if "event_id_cnty" in name_of else data_id
    lat, lat_ok = coordinate(c("latitude"), 90.0)
    lon, lon_ok = coordinate(c("longitude"), 180.0)
    country_key = pl.concat_str([c("iso3"), c("iso"), c("country"), c("gwno")], separator="\x1f")
    f = frame.with_columns(
        raw=raw,
        source_id=pl.when((sid == "") & (data_id != "")).then(pl.lit("data_id:") + data_id).otherwise(sid),
        _day=c("event_date"),
        total_deaths_best=count(c("fatalities")),
        _country=country_key,
        latitude=lat,
        longitude=lon,
        _coords_ok=lat_ok & lon_ok,
    )
    f = f.with_columns(
        _day=lookup(f["_day"], _date, pl.String),
        country_iso3=lookup(f["_country"], _iso3, pl.String),
        country_code_received=lookup(f["_country"], _received, pl.String),
    )
    certified = (
        (f["source_id"] != "") & f["_day"].is_not_null() & f["total_deaths_best"].is_not_null()
        & f["country_iso3"].is_not_null() & f["_coords_ok"] & ~awkward(frame, header)
    )
    f, irregular, irregular_ids = split(frame, f, certified, header)
    if f.height == 0:
        return FrameBatch(finish_reports(f), empty_parties(), empty_harm(), irregular, irregular_ids)

    event_type = c("event_type").str.strip_chars()
    sub = c("sub_event_type").str.strip_chars()
    et = event_type.str.to_lowercase()
    targeting = (c("civilian_targeting").str.strip_chars() != "") if "civilian_targeting" in name_of else (et == "violence against civilians")
    f = f.with_columns(
        _et=et, _event_type=event_type, _sub=sub, _targeting=targeting,
        _actor1=c("actor1").str.strip_chars(), _actor2=c("actor2").str.strip_chars(),
        _inter1=c("inter1"), _inter2=c("inter2"), _assoc1=c("assoc_actor_1"), _assoc2=c("assoc_actor_2"),
        _location=c("location").str.strip_chars(), _gp=c("geo_precision").str.strip_chars(),
    )
    f = f.with_columns(
        _cat1=pl.when(pl.col("_actor1") != "").then(
            lookup(_keys(f, "_inter1", "_actor1"), _category, pl.String)).otherwise(pl.lit("unknown")),
        _cat2=pl.when(pl.col("_actor2") != "").then(
            lookup(_keys(f, "_inter2", "_actor2"), _category, pl.String)).otherwise(pl.lit("unknown")),
        _no_perp=pl.col("_et").str.starts_with("battle") | pl.col("_et").str.starts_with("protest") | pl.col("_et").str.starts_with("riot"),
    ).with_columns(_no_perp=pl.col("_no_perp") & ~pl.col("_targeting"))
    parties = _parties(f)
    one_sided = pl.col("_targeting") | (pl.col("_et") == "violence against civilians")
    fighting = pl.col("_et").str.starts_with("battle") | pl.col("_et").str.starts_with("explosions") | (pl.col("_et") == "remote violence")
    state = (pl.col("_cat1") == "state_forces") | (pl.col("_cat2") == "state_forces")
    what = pl.when(pl.col("_sub") != "").then(pl.col("_sub")).otherwise(pl.col("_event_type"))
    no_perp = pl.col("_no_perp")
    reports = f.with_columns(
        source=pl.lit(acled.SOURCE),
        content_sha=sha256(f["raw"]),
        date_start=pl.col("_day"),
        date_end=pl.col("_day"),
        date_precision=c("time_precision").str.strip_chars().replace_strict(acled.TIME_PRECISION, default="day", return_dtype=pl.String),
        year=pl.col("_day").str.slice(0, 4).cast(pl.Int64),
        month=pl.col("_day").str.slice(0, 7),
        geo_precision=pl.col("_gp").replace_strict(acled.GEO_PRECISION, default="unknown", return_dtype=pl.String),
        admin1=text_or_none(c("admin1")),
        admin2=text_or_none(c("admin2")),
        admin3=text_or_none(c("admin3")),
        location=pl.when(pl.col("_location") != "").then(pl.col("_location")),
        populated_area=pl.when((pl.col("_gp") == "1") & (pl.col("_location") != "")).then(pl.lit(True)),
        civilian_deaths_best=pl.when(pl.col("_targeting")).then(pl.col("total_deaths_best")),
        weapon=what.str.to_lowercase().replace_strict(acled.WEAPON, default="unknown", return_dtype=pl.String),
        violence_type=pl.when(one_sided).then(pl.lit("one_sided"))
        .when(fighting).then(pl.when(state).then(pl.lit("state_based")).otherwise(pl.lit("non_state")))
        .otherwise(pl.lit("other")),
        event_type=pl.when(pl.col("_sub") != "").then(pl.col("_event_type") + ": " + pl.col("_sub")).otherwise(pl.col("_event_type")),
        perpetrator_category=pl.when(no_perp).then(pl.lit("unknown")).otherwise(pl.col("_cat1")),
        perpetrator_name=pl.when(~no_perp & (pl.col("_actor1") != "")).then(pl.col("_actor1")),
        target_category=pl.when(~no_perp & (pl.col("_actor2") != "")).then(pl.col("_cat2")),
        target_name=pl.when(~no_perp & (pl.col("_actor2") != "")).then(pl.col("_actor2")),
        headline=pl.when(pl.col("_location") != "").then(what + " in " + pl.col("_location")).otherwise(what),
        notes=text_or_none(c("notes")),
    )
    harm = harm_rows(reports, "civilian_deaths_best", civilian=True)
    return FrameBatch(finish_reports(reports), parties, harm, irregular, irregular_ids)


def _parties(f: pl.DataFrame) -> pl.DataFrame:
    """actor1 and its associates, then actor2 and its associates, in the row adapter's order."""
    parts = []
    for n, slot in ((1, 0), (2, 1_000_000)):
        role = pl.when(pl.col("_no_perp")).then(pl.lit("other")).otherwise(pl.lit("perpetrator" if n == 1 else "target"))
        main = f.filter(pl.col(f"_actor{n}") != "").select(
            pl.col(LINE), pl.col(f"_actor{n}").alias("name"), pl.col(f"_cat{n}").alias("category"), role.alias("role"),
            text_or_none(pl.col(f"_inter{n}")).alias("source_code"), pl.lit(slot, dtype=pl.Int64).alias("_slot"),
        )
        assoc = (
            f.filter(pl.col(f"_actor{n}") != "")
            .select(pl.col(LINE), pl.col(f"_inter{n}").alias("_inter"), pl.col(f"_assoc{n}").str.split(";").alias("_piece"), role.alias("role"))
            .with_columns(_k=pl.int_ranges(pl.col("_piece").list.len()))
            .explode("_piece", "_k")
            .filter(pl.col("_piece").str.strip_chars() != "")
        )
        if assoc.height:
            assoc = assoc.select(
                pl.col(LINE), pl.col("_piece").str.strip_chars().alias("name"),
                lookup(_keys(assoc, "_inter", "_piece"), _category, pl.String).alias("category"),
                pl.col("role"), pl.lit(None, dtype=pl.String).alias("source_code"), (pl.col("_k") + slot + 1).cast(pl.Int64).alias("_slot"),
            )
            parts.append(assoc)
        parts.append(main)
    if not parts:
        return empty_parties()
    return pl.concat(parts).sort(LINE, "_slot").drop("_slot")
