"""Generate GED- and ACLED-layout CSV files of any size from the real files' distributions.

    python benchmarks/generate.py ged|acled|acled-2020|acled-old --rows N -o FILE [--seed S]

Nothing from the real files is committed: the model is built at run time from ../shared/data
(or CIVWATCH_SHARED_DATA). How a row is drawn:

* country: from the country mix of the representative file of the layout (GED: the global
  random sample of GED 23.1; ACLED current and 2020: the global 2020 export; ACLED old: the
  2016 All-Africa file);
* place and event: two independent draws among the real rows of that country in every real
  file of the layout family, so places, actors, event types, fatalities and (GED) sources stay
  consistent with the country but combine into new events;
* date: the event row's date moved by up to +-14 days; coordinates: the place's, jittered by
  about 2 km; ids: a running sequence, so every row has a unique source id;
* ACLED notes: "On <date>, " + the event row's first sentence + sentences of other notes of the
  same country, cut at a word boundary to the length of a real note (real length distribution).

Rows are written in chunks (bounded memory); the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("CIVWATCH_SHARED_DATA", REPO.parent / "shared" / "data"))
CHUNK = 20_000
VERSION = 1  # bump when the bytes written for a (layout, rows, seed) change: cached files are named by it
CACHE = REPO / "benchmarks" / "out" / "data"
JITTER_DAYS = 14
JITTER_DEGREES = 0.02

GED_HEADER = (
    "id,relid,year,active_year,code_status,type_of_violence,conflict_dset_id,conflict_new_id,"
    "conflict_name,dyad_dset_id,dyad_new_id,dyad_name,side_a_dset_id,side_a_new_id,side_a,"
    "side_b_dset_id,side_b_new_id,side_b,number_of_sources,source_article,source_office,"
    "source_date,source_headline,source_original,where_prec,where_coordinates,where_description,"
    "adm_1,adm_2,latitude,longitude,geom_wkt,priogrid_gid,country,country_id,region,"
    "event_clarity,date_prec,date_start,date_end,deaths_a,deaths_b,deaths_civilians,"
    "deaths_unknown,best,high,low,gwnoa,gwnob"
).split(",")

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
    "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,tags,timestamp"
).split(",")

ACLED_2020_HEADER = (
    "data_id,iso,event_id_cnty,event_id_no_cnty,event_date,year,time_precision,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,region,"
    "country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,"
    "notes,fatalities,timestamp,iso3"
).split(",")

# The 2016 real-time Africa file: upper-case, Windows-1252, CRLF, seven empty trailing columns.
ACLED_OLD_HEADER = (
    "GWNO,EVENT_ID_CNTY,EVENT_ID_NO_CNTY,EVENT_DATE,YEAR,TIME_PRECISION,EVENT_TYPE,ACTOR1,"
    "ALLY_ACTOR_1,INTER1,ACTOR2,ALLY_ACTOR_2,INTER2,INTERACTION,COUNTRY,ADMIN1,ADMIN2,ADMIN3,"
    "LOCATION,LATITUDE,LONGITUDE,GEO_PRECISION,SOURCE,NOTES,FATALITIES"
).split(",") + [""] * 7

HEADERS = {
    "ged": GED_HEADER,
    "acled": ACLED_HEADER,
    "acled-2020": ACLED_2020_HEADER,
    "acled-old": ACLED_OLD_HEADER,
}

# Real files each layout draws from: (mix file, files pooled per country).
GED_MIX = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
GED_POOL = (
    "ucdp_ged/ged_v23_1_global_random_sample_991.csv",
    "ucdp_ged/ged_ukraine_statebased_2014_2022.csv",
    "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv",
)
ACLED_MIX = "acled/acled_global_2020-04-27_to_2020-05-09.csv"
ACLED_2020_POOL = (
    "acled/acled_global_2020-04-27_to_2020-05-09.csv",
    "acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv",
    "acled/acled_djibouti_1997-01-01_to_2020-01-24.csv",
)
ACLED_CURRENT_POOL = (*ACLED_2020_POOL, "acled/acled_bangladesh_riots_protests_2022-12_to_2024-08.csv")
ACLED_OLD_FILE = "acled/acled_all_africa_2016-01-01_to_2016-05-28.csv"

MIX_FILES = {"ged": GED_MIX, "acled": ACLED_MIX, "acled-2020": ACLED_MIX, "acled-old": ACLED_OLD_FILE}
COUNTRY_COLUMN = {"ged": "country", "acled": "country", "acled-2020": "country", "acled-old": "COUNTRY"}
ENCODING = {"acled-old": "cp1252"}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
INTER_TEXT = {"1": "State forces", "2": "Rebel group", "3": "Political militia",
              "4": "Identity militia", "5": "Rioters", "6": "Protesters", "7": "Civilians",
              "8": "External/Other forces"}
REGION_CURRENT = {"Southern Asia": "South Asia", "South-Eastern Asia": "Southeast Asia",
                  "Eastern Asia": "East Asia"}
POLITICAL_VIOLENCE = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
DATE_PREFIX = re.compile(r"^\s*(On|Around|Between|As reported on|Prior to)?[^,]{0,60}?\d{4}[^,]{0,20},\s*")
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def read_rows(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    """Rows of a real CSV as dicts (only the columns named in the header)."""
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return [dict(zip(header, row, strict=False)) for row in reader if row and any(row)]


def parse_date(text: str) -> date:
    """The dates found in the real files: ISO (with or without time), D-Mon-YY, DD/MM/YYYY."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d-%b-%y", "%d/%m/%Y", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"unknown date {text!r}")


def csv_field(value: str) -> str:
    """One CSV field as csv.writer (QUOTE_MINIMAL) writes it."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def fragment(row: dict[str, str], columns: Iterable[str]) -> str:
    return ",".join(csv_field(row.get(c, "")) for c in columns)


@dataclass
class Model:
    """Templates of one layout: rows drawn by country, rendered into CSV fragments once."""

    countries: list[str]
    weights: np.ndarray
    places: list[tuple]  # per real row: its place as rendered CSV fragments + coordinates
    events: list[tuple]  # per real row: its event as rendered CSV fragments + date
    by_country: list[np.ndarray]  # per country of the mix: indices of its real rows
    located_by_country: list[np.ndarray]  # the same, only rows with coordinates (for places)
    max_day: int  # last day in the real files (generated dates do not go beyond it)
    ged: bool = False


def _index(keys: list[str], countries: list[str], keep: list[bool] | None = None) -> list[np.ndarray]:
    position = {c: i for i, c in enumerate(countries)}
    buckets: list[list[int]] = [[] for _ in countries]
    for i, key in enumerate(keys):
        if key in position and (keep is None or keep[i]):
            buckets[position[key]].append(i)
    missing = [c for c, b in zip(countries, buckets, strict=True) if not b]
    if missing:
        raise ValueError(f"no usable real rows for {', '.join(missing)}")
    return [np.asarray(b, dtype=np.int64) for b in buckets]


def _mix(data: Path, layout: str) -> tuple[list[str], np.ndarray]:
    column = COUNTRY_COLUMN[layout]
    # a truncated row without a country (one in the 2020 global file) is not part of the mix
    rows = [r for r in read_rows(data / MIX_FILES[layout], ENCODING.get(layout, "utf-8")) if r.get(column)]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[column]] = counts.get(row[column], 0) + 1
    countries = sorted(counts)
    weights = np.asarray([counts[c] for c in countries], dtype=float)
    return countries, weights / weights.sum()


def real_country_shares(layout: str, data: Path = SHARED_DATA) -> dict[str, float]:
    """The country shares a generated file of `layout` should show."""
    countries, weights = _mix(data, layout)
    return dict(zip(countries, weights.tolist(), strict=True))


# ---------------------------------------------------------------- GED

GED_EVENT_1 = GED_HEADER[3:18]
GED_TEXT = GED_HEADER[18:24]
GED_PLACE_1 = GED_HEADER[24:29]
GED_PLACE_2 = GED_HEADER[33:36]
GED_EVENT_2 = GED_HEADER[36:38]
GED_EVENT_3 = GED_HEADER[40:49]


def _ged_normalise(row: dict[str, str]) -> dict[str, str]:
    """Bring a 42-column (19.1) or API-style row to the 49-column conventions."""
    row = dict(row)
    row["active_year"] = {"true": "1", "false": "0"}.get(row["active_year"].lower(), row["active_year"])
    row.setdefault("code_status", "Clear")
    for side in ("conflict", "dyad", "side_a", "side_b"):
        row.setdefault(f"{side}_dset_id", row.get(f"{side}_new_id", ""))
    row.setdefault("where_description", "")
    return row


def build_ged(data: Path) -> Model:
    countries, weights = _mix(data, "ged")
    rows = [_ged_normalise(r) for f in GED_POOL for r in read_rows(data / f)]
    prefix_by_country: dict[str, str] = {}
    for r in rows:
        if r.get("relid"):
            prefix_by_country.setdefault(r["country"], r["relid"].split("-")[0])
    places, events, located = [], [], []
    for r in rows:
        located.append(bool(r["latitude"] and r["longitude"]))
        places.append((fragment(r, GED_PLACE_1), fragment(r, GED_PLACE_2),
                       float(r["latitude"] or 0), float(r["longitude"] or 0), int(r["where_prec"] or 1)))
        start, end = parse_date(r["date_start"]), parse_date(r["date_end"])
        prefix = prefix_by_country.get(r["country"], r["country"][:3].upper())
        events.append((fragment(r, GED_EVENT_1), fragment(r, GED_EVENT_2), fragment(r, GED_EVENT_3),
                       start.toordinal(), (end - start).days,
                       f"{prefix}-", f"-{r['type_of_violence']}-{r['dyad_new_id']}-",
                       fragment(r, GED_TEXT)))
    keys = [r["country"] for r in rows]
    return Model(countries, weights, places, events, _index(keys, countries),
                 _index(keys, countries, located), max(e[3] + e[4] for e in events), ged=True)


def _priogrid(lat: float, lon: float) -> int:
    return int((lat + 90) // 0.5) * 720 + int((lon + 180) // 0.5) + 1


def ged_rows(model: Model, draw: Draw) -> Iterator[str]:
    iso = _iso_dates()
    for i in range(draw.n):
        p, e = model.places[draw.place[i]], model.events[draw.event[i]]
        day = draw.day[i]
        start, end = iso(day), iso(day + e[4])
        lat, lon = draw.lat[i], draw.lon[i]
        seq = draw.seq0 + i
        yield (f"{seq},{e[5]}{start[:4]}{e[6]}{seq},{start[:4]},{e[0]},{e[7]},{p[0]},"
               f"{lat:.6f},{lon:.6f},POINT ({lon:.6f} {lat:.6f}),{_priogrid(lat, lon)},{p[1]},"
               f"{e[1]},{start},{end},{e[2]}\n")


# ---------------------------------------------------------------- ACLED

ACLED_CURRENT_EVENT_1 = ACLED_HEADER[3:15]
ACLED_CURRENT_PLACE_1 = ACLED_HEADER[15:22]
ACLED_2020_EVENT_1 = ACLED_2020_HEADER[6:16]
ACLED_2020_PLACE_1 = ACLED_2020_HEADER[16:22]
ACLED_OLD_EVENT_1 = ACLED_OLD_HEADER[5:14]
ACLED_OLD_PLACE_1 = ACLED_OLD_HEADER[14:19]


def _to_current(row: dict[str, str]) -> dict[str, str]:
    """A 2020-layout row in the current layout: text inter codes, disorder type, targeting."""
    if "disorder_type" in row:  # already current (the Bangladesh file lacks actor2 columns)
        return row
    row = dict(row)
    inters = sorted(c for c in (row.get("inter1", ""), row.get("inter2", "")) if c in INTER_TEXT)
    names = [INTER_TEXT[c] for c in inters]
    row["interaction"] = f"{names[0]} only" if len(names) == 1 else "-".join(names)
    event_type, sub = row["event_type"], row["sub_event_type"]
    if event_type in POLITICAL_VIOLENCE or sub == "Mob violence":
        row["disorder_type"] = "Political violence"
    elif event_type in ("Protests", "Riots"):
        row["disorder_type"] = "Demonstrations"
    else:
        row["disorder_type"] = "Strategic developments"
    targets_civilians = row.get("inter2") == "7" and row["disorder_type"] == "Political violence"
    row["civilian_targeting"] = "Civilian targeting" if targets_civilians else ""
    row["inter1"] = INTER_TEXT.get(row.get("inter1", ""), "")
    row["inter2"] = INTER_TEXT.get(row.get("inter2", ""), "")
    row["region"] = REGION_CURRENT.get(row["region"], row["region"])
    match = re.search(r"\[size=([^\]]*)\]", row.get("notes", ""))
    row["tags"] = f"crowd size={match.group(1)}" if match else ""
    return row


def _note_bodies(rows: list[dict[str, str]], keys: list[str], notes_column: str,
                 rng: np.random.Generator, encoding: str, prefix: int) -> list[str]:
    """One synthetic note body per row: its first sentence + other sentences of its country."""
    sentences_by_country: dict[str, list[str]] = {}
    firsts: list[str] = []
    for row, key in zip(rows, keys, strict=True):
        parts = SENTENCE.split(row.get(notes_column, "").strip())
        first = DATE_PREFIX.sub("", parts[0], count=1) if parts else ""
        firsts.append(first)
        sentences_by_country.setdefault(key, []).extend(p for p in parts[1:] if p)
        if first:
            sentences_by_country[key].append(first[:1].upper() + first[1:])
    bodies = []
    for row, key, first in zip(rows, keys, firsts, strict=True):
        target = max(len(row.get(notes_column, "")) - prefix, 0)  # minus "On 9 May 2020, "
        body = first
        pool = sentences_by_country.get(key) or [first]
        while len(body) < target:
            body += " " + pool[int(rng.integers(len(pool)))]
        if len(body) > target > 0:
            cut = body.rfind(" ", 0, target)
            body = body[: cut if cut > 0 else target].rstrip(",;: ")
            body += "" if body.endswith((".", "!", "?")) else "."
        body = body.encode(encoding, "replace").decode(encoding)
        bodies.append(body)
    return bodies


def build_acled(data: Path, layout: str, rng: np.random.Generator) -> Model:
    countries, weights = _mix(data, layout)
    if layout == "acled-old":
        rows = read_rows(data / ACLED_OLD_FILE, "cp1252")
        country, lat, lon, notes, date_col = "COUNTRY", "LATITUDE", "LONGITUDE", "NOTES", "EVENT_DATE"
    else:
        pool = ACLED_CURRENT_POOL if layout == "acled" else ACLED_2020_POOL
        rows = [r for f in pool for r in read_rows(data / f)]
        if layout == "acled":
            rows = [_to_current(r) for r in rows]
        country, lat, lon, notes, date_col = "country", "latitude", "longitude", "notes", "event_date"
    keys = [r[country] for r in rows]
    dated = layout != "acled-old"  # the 2016 notes do not open with the date
    bodies = _note_bodies(rows, keys, notes, rng, ENCODING.get(layout, "utf-8"), 17 if dated else 0)
    places, events, located = [], [], []
    for r, body in zip(rows, bodies, strict=True):
        if layout == "acled":
            iso3 = _ISO3_BY_ISO.get(r["iso"], r["country"][:3].upper())
            place = (fragment(r, ACLED_CURRENT_PLACE_1), csv_field(r["geo_precision"]), iso3)
            event = (fragment(r, ACLED_CURRENT_EVENT_1), fragment(r, ["source", "source_scale"]),
                     fragment(r, ["fatalities", "tags"]))
        elif layout == "acled-2020":
            place = (fragment(r, ACLED_2020_PLACE_1), csv_field(r["geo_precision"]), r["iso"], r["iso3"])
            event = (fragment(r, ACLED_2020_EVENT_1), fragment(r, ["source", "source_scale"]),
                     csv_field(r["fatalities"]))
        else:
            place = (fragment(r, ACLED_OLD_PLACE_1), csv_field(r["GEO_PRECISION"]), r["GWNO"])
            event = (fragment(r, ACLED_OLD_EVENT_1), csv_field(r["SOURCE"]), csv_field(r["FATALITIES"]))
        precision = int(r.get("geo_precision") or r.get("GEO_PRECISION") or 1)
        located.append(bool(r[lat] and r[lon]))
        places.append((*place, float(r[lat] or 0), float(r[lon] or 0), precision))
        note = body.replace('"', '""') if dated else csv_field(body)
        events.append((*event, parse_date(r[date_col]).toordinal(), note))
    return Model(countries, weights, places, events, _index(keys, countries),
                 _index(keys, countries, located), max(e[-2] for e in events))


def _iso_dates() -> Callable[[int], str]:
    cache: dict[int, str] = {}

    def iso(day: int) -> str:
        text = cache.get(day)
        if text is None:
            text = cache[day] = date.fromordinal(day).isoformat()
        return text

    return iso


def _day_texts(day: int) -> tuple[str, str, str, int]:
    d = date.fromordinal(day)
    epoch = int(datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())
    return d.isoformat(), f"{d.day} {MONTHS[d.month - 1]} {d.year}", d.strftime("%d/%m/%Y"), epoch


def acled_rows(model: Model, draw: Draw, layout: str) -> Iterator[str]:
    cache: dict[int, tuple[str, str, str, int]] = {}
    for i in range(draw.n):
        p, e = model.places[draw.place[i]], model.events[draw.event[i]]
        day = draw.day[i]
        texts = cache.get(day) or cache.setdefault(day, _day_texts(day))
        iso_date, long_date, dmy, epoch = texts
        note = f'"On {long_date}, {e[4]}"' if layout != "acled-old" else e[4]
        lat, lon = draw.lat[i], draw.lon[i]
        seq = draw.seq0 + i
        stamp = epoch + int(draw.lag[i])
        if layout == "acled":
            yield (f"{p[2]}{seq},{iso_date},{iso_date[:4]},{e[0]},{p[0]},{lat:.4f},"
                   f"{lon:.4f},{p[1]},{e[1]},{note},{e[2]},{stamp}\r\n")
        elif layout == "acled-2020":
            yield (f"{seq + 6_000_000},{p[2]},{p[3]}{seq},{seq},{iso_date},{iso_date[:4]},{e[0]},"
                   f"{p[0]},{lat:.4f},{lon:.4f},{p[1]},{e[1]},{note},{e[2]},{stamp},{p[3]}\r\n")
        else:
            yield (f"{p[2]},{seq}RTA,,{dmy},{iso_date[:4]},{e[0]},{p[0]},{lat:.5f},{lon:.5f},"
                   f"{p[1]},{e[1]},{note},{e[2]},,,,,,,\r\n")


_ISO3_BY_ISO: dict[str, str] = {}  # ACLED's ISO numeric -> alpha-3, for current-layout event ids


def _load_iso3(data: Path) -> None:
    path = data / "countries" / "country_codes_datasets_country-codes.csv"
    for row in read_rows(path):
        number = row.get("ISO3166-1-numeric", "").lstrip("0")
        if number:
            _ISO3_BY_ISO[number] = row["ISO3166-1-Alpha-3"]


# ---------------------------------------------------------------- drawing and writing


@dataclass
class Draw:
    """One chunk of draws: template indices, days, coordinates."""

    n: int
    seq0: int
    place: np.ndarray
    event: np.ndarray
    day: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    lag: np.ndarray


def _pick(rng: np.random.Generator, country: np.ndarray, buckets: list[np.ndarray]) -> np.ndarray:
    sizes = np.asarray([len(b) for b in buckets])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(buckets) if buckets else np.zeros(0, dtype=np.int64)
    within = (rng.random(len(country)) * sizes[country]).astype(np.int64)
    return flat[offsets[country] + within]


def draw_chunk(model: Model, rng: np.random.Generator, n: int, seq0: int) -> Draw:
    country = rng.choice(len(model.countries), size=n, p=model.weights)
    place = _pick(rng, country, model.located_by_country)
    event = _pick(rng, country, model.by_country)
    day_col, lat_col, lon_col, prec_col = (3, 2, 3, 4) if model.ged else (-2, -3, -2, -1)
    base_day = np.fromiter((model.events[j][day_col] for j in event), dtype=np.int64, count=n)
    day = np.minimum(base_day + rng.integers(-JITTER_DAYS, JITTER_DAYS + 1, n), model.max_day)
    if model.ged:  # GED: keep date_end within the data's range too
        span = np.fromiter((model.events[j][4] for j in event), dtype=np.int64, count=n)
        day = np.minimum(day, model.max_day - span)
    lat0 = np.fromiter((model.places[j][lat_col] for j in place), dtype=float, count=n)
    lon0 = np.fromiter((model.places[j][lon_col] for j in place), dtype=float, count=n)
    spread = JITTER_DEGREES * np.fromiter((model.places[j][prec_col] for j in place), float, n)
    lat = np.clip(lat0 + rng.normal(0, 1, n) * spread, -89.9, 89.9)
    lon = np.clip(lon0 + rng.normal(0, 1, n) * spread, -179.9, 179.9)
    lag = rng.integers(86_400, 30 * 86_400, n)
    return Draw(n, seq0, place, event, day.tolist(), lat.tolist(), lon.tolist(), lag.tolist())


def build_model(layout: str, seed: int, data: Path = SHARED_DATA) -> Model:
    if layout not in HEADERS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(HEADERS)}")
    if layout == "ged":
        return build_ged(data)
    _load_iso3(data)
    return build_acled(data, layout, np.random.default_rng([seed, 1]))


def generate_lines(layout: str, rows: int, seed: int = 0, data: Path = SHARED_DATA) -> Iterator[str]:
    """The header line, then `rows` data lines of the layout (each ends with its line break)."""
    model = build_model(layout, seed, data)
    rng = np.random.default_rng([seed, 2])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n" if layout == "ged" else "\r\n")
    writer.writerow(HEADERS[layout])
    yield buffer.getvalue()
    for start in range(0, rows, CHUNK):
        draw = draw_chunk(model, rng, min(CHUNK, rows - start), start + 1)
        if layout == "ged":
            yield from ged_rows(model, draw)
        else:
            yield from acled_rows(model, draw, layout)


def write(layout: str, rows: int, path: Path | str, seed: int = 0, data: Path = SHARED_DATA) -> Path:
    """Write a generated file; ACLED's old layout in Windows-1252, the rest in UTF-8."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    encoding = ENCODING.get(layout, "utf-8")
    with path.open("w", encoding=encoding, newline="") as out:
        lines: list[str] = []
        for line in generate_lines(layout, rows, seed, data):
            lines.append(line)
            if len(lines) >= 5000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))
    return path


def cached(layout: str, rows: int, seed: int = 1, folder: Path | None = None) -> Path:
    """The generated file for (layout, rows, seed), written once under benchmarks/out/data/ and
    reused by every benchmark (written to a .partial file first, so a killed run leaves none)."""
    folder = folder or CACHE
    path = folder / f"{layout}-{rows}-s{seed}-v{VERSION}.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        partial = path.with_suffix(".partial")
        write(layout, rows, partial, seed)
        partial.rename(path)
        print(f"   generated {path.name} in {time.perf_counter() - began:.0f} s", file=sys.stderr, flush=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("layout", choices=sorted(HEADERS))
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="the shared data folder")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    path = write(args.layout, args.rows, args.output, args.seed, args.data)
    took = time.perf_counter() - began
    size = path.stat().st_size / 1e6
    print(f"{args.layout}: {args.rows:,} rows, {size:,.1f} MB -> {path} in {took:.1f} s "
          f"({args.rows / took:,.0f} rows/s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
