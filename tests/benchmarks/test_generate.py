"""The benchmark generator writes files in the real layouts, with the real files' distributions.

Expected values are computed here from the real files with the plain csv module, never taken
from the generator.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import math
import sys
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from tests.helpers import missing

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("civwatch_bench_generate", REPO / "benchmarks" / "generate.py")
generate = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = generate
_spec.loader.exec_module(generate)

ROWS = 20_000
# (mix file, pooled files, country column, notes column, fatalities columns, date column, encoding)
LAYOUTS = {
    "ged": ("ucdp_ged/ged_v23_1_global_random_sample_991.csv",
            ["ucdp_ged/ged_v23_1_global_random_sample_991.csv",
             "ucdp_ged/ged_ukraine_statebased_2014_2022.csv",
             "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"],
            "country", "source_article", "best", "date_start", "utf-8"),
    "acled": ("acled/acled_global_2020-04-27_to_2020-05-09.csv",
              ["acled/acled_global_2020-04-27_to_2020-05-09.csv",
               "acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv",
               "acled/acled_djibouti_1997-01-01_to_2020-01-24.csv",
               "acled/acled_bangladesh_riots_protests_2022-12_to_2024-08.csv"],
              "country", "notes", "fatalities", "event_date", "utf-8"),
    "acled-2020": ("acled/acled_global_2020-04-27_to_2020-05-09.csv",
                   ["acled/acled_global_2020-04-27_to_2020-05-09.csv",
                    "acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv",
                    "acled/acled_djibouti_1997-01-01_to_2020-01-24.csv"],
                   "country", "notes", "fatalities", "event_date", "utf-8"),
    "acled-old": ("acled/acled_all_africa_2016-01-01_to_2016-05-28.csv",
                  ["acled/acled_all_africa_2016-01-01_to_2016-05-28.csv"],
                  "COUNTRY", "NOTES", "FATALITIES", "EVENT_DATE", "cp1252"),
}


def real_rows(shared: Path, name: str, encoding: str = "utf-8") -> tuple[list[str], list[dict[str, str]]]:
    with (shared / name).open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        return header, [dict(zip(header, row, strict=False)) for row in reader]


def any_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d-%b-%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"unparseable date {text!r}")


@pytest.fixture(scope="module")
def data(shared_data: Path) -> Path:
    if not (shared_data / "acled").is_dir():
        missing(f"ACLED files not found at {shared_data / 'acled'} (they are never committed)")
    return shared_data


@pytest.fixture(scope="module")
def files(data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("generated")
    return {layout: generate.write(layout, ROWS, out / f"{layout}.csv", seed=7, data=data)
            for layout in LAYOUTS}


def generated_rows(files: dict[str, Path], layout: str) -> tuple[list[str], list[list[str]]]:
    with files[layout].open(encoding=LAYOUTS[layout][6], newline="") as handle:
        reader = csv.reader(handle)
        return next(reader), list(reader)


# ---------------------------------------------------------------- layouts


def test_ged_header_is_the_real_49_column_header(data: Path, files: dict[str, Path]) -> None:
    header, _ = generated_rows(files, "ged")
    for name in ("ucdp_ged/ged_v23_1_global_random_sample_991.csv",
                 "ucdp_ged/ged_ukraine_statebased_2014_2022.csv"):
        assert header == real_rows(data, name)[0]
    assert len(header) == 49


def test_acled_2020_and_old_headers_are_the_real_ones(data: Path, files: dict[str, Path]) -> None:
    assert generated_rows(files, "acled-2020")[0] == real_rows(
        data, "acled/acled_global_2020-04-27_to_2020-05-09.csv")[0]
    assert generated_rows(files, "acled-old")[0] == real_rows(
        data, "acled/acled_all_africa_2016-01-01_to_2016-05-28.csv", "cp1252")[0]


def test_acled_current_header_is_the_real_one_with_actor2(data: Path, files: dict[str, Path]) -> None:
    """The real current-layout file had actor2, assoc_actor_2 and inter2 dropped by its author."""
    header, _ = generated_rows(files, "acled")
    real, _ = real_rows(data, "acled/acled_bangladesh_riots_protests_2022-12_to_2024-08.csv")
    assert [h for h in header if h not in ("actor2", "assoc_actor_2", "inter2")] == real
    assert header.index("actor2") == header.index("inter1") + 1
    assert {"disorder_type", "civilian_targeting", "tags"} <= set(header)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_every_row_parses_with_the_header_width_and_a_unique_id(files: dict[str, Path], layout: str) -> None:
    header, rows = generated_rows(files, layout)
    assert len(rows) == ROWS
    assert Counter(len(r) for r in rows) == {len(header): ROWS}
    id_column = header.index("event_id_cnty") if "event_id_cnty" in header else 0
    id_column = header.index("EVENT_ID_CNTY") if layout == "acled-old" else id_column
    assert len({r[id_column] for r in rows}) == ROWS


def test_line_ends_and_encodings_match_the_real_files(files: dict[str, Path]) -> None:
    ged = files["ged"].read_bytes()
    assert b"\r\n" not in ged.split(b"\n", 1)[0] + b"\n"
    for layout in ("acled", "acled-2020", "acled-old"):
        assert files[layout].read_bytes().split(b"\n", 1)[0].endswith(b"\r")
    old = files["acled-old"].read_bytes()
    old.decode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        old.decode("utf-8")  # accented names are single Windows-1252 bytes, as in the real file


def test_same_seed_same_bytes_other_seed_other_bytes(data: Path, tmp_path: Path) -> None:
    digests = []
    for seed in (3, 3, 4):
        path = generate.write("acled", 2_000, tmp_path / f"{seed}-{len(digests)}.csv", seed=seed, data=data)
        digests.append(hashlib.sha256(path.read_bytes()).hexdigest())
    assert digests[0] == digests[1] != digests[2]


# ---------------------------------------------------------------- distributions


def _expected(data: Path, layout: str) -> tuple[dict[str, float], dict[str, list[dict[str, str]]]]:
    mix, pool, country, *_rest, encoding = LAYOUTS[layout]
    rows = [r for r in real_rows(data, mix, encoding)[1] if r.get(country)]  # one truncated row
    counts = Counter(r[country] for r in rows)
    shares = {c: n / len(rows) for c, n in counts.items()}
    by_country: dict[str, list[dict[str, str]]] = defaultdict(list)
    for name in pool:
        for row in real_rows(data, name, encoding)[1]:
            by_country[row[country]].append(row)
    return shares, by_country


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_country_shares_match_the_real_mix(data: Path, files: dict[str, Path], layout: str) -> None:
    shares, _ = _expected(data, layout)
    header, rows = generated_rows(files, layout)
    column = header.index(LAYOUTS[layout][2])
    got = Counter(r[column] for r in rows)
    assert set(got) <= set(shares)
    for country, share in shares.items():
        tolerance = 4.5 * math.sqrt(share * (1 - share) / ROWS) + 1e-3
        assert abs(got[country] / ROWS - share) <= tolerance, country


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_fatalities_and_text_lengths_match_the_real_files(data: Path, files: dict[str, Path], layout: str) -> None:
    """Means over the generated rows match the mix-weighted means of the real rows per country."""
    shares, by_country = _expected(data, layout)
    _, _, _, notes, fatalities, *_ = LAYOUTS[layout]

    def mean(rows: list[dict[str, str]], value) -> float:
        return sum(value(r) for r in rows) / len(rows)

    def deaths(row: dict[str, str]) -> float:
        return float(row[fatalities] or 0)

    expected_deaths = sum(s * mean(by_country[c], deaths) for c, s in shares.items())
    expected_length = sum(s * mean(by_country[c], lambda r: len(r[notes])) for c, s in shares.items())
    header, rows = generated_rows(files, layout)
    got = [dict(zip(header, r, strict=True)) for r in rows]
    assert mean(got, deaths) == pytest.approx(expected_deaths, rel=0.2)
    assert mean(got, lambda r: len(r[notes])) == pytest.approx(expected_length, rel=0.1)


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_dates_stay_within_the_real_range(data: Path, files: dict[str, Path], layout: str) -> None:
    _, by_country = _expected(data, layout)
    column = LAYOUTS[layout][5]
    real = [any_date(r[column]) for rows in by_country.values() for r in rows]
    header, rows = generated_rows(files, layout)
    got = [any_date(r[header.index(column)]) for r in rows]
    assert min(got) >= min(real) - timedelta(days=generate.JITTER_DAYS)
    assert max(got) <= max(real) + timedelta(days=60)  # GED ends may run past a start
    year = header.index("year" if "year" in header else "YEAR")
    assert all(int(r[year]) == d.year for r, d in zip(rows, got, strict=True))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_coordinates_are_near_real_event_locations_of_the_country(
    data: Path, files: dict[str, Path], layout: str
) -> None:
    _, by_country = _expected(data, layout)
    lat_col = "LATITUDE" if layout == "acled-old" else "latitude"
    lon_col = lat_col.replace("LATITUDE", "LONGITUDE").replace("latitude", "longitude")
    places = {c: {(float(r[lat_col]), float(r[lon_col])) for r in rows if r[lat_col] and r[lon_col]}
              for c, rows in by_country.items()}
    header, rows = generated_rows(files, layout)
    country = header.index(LAYOUTS[layout][2])
    for row in rows[:300]:
        lat, lon = float(row[header.index(lat_col)]), float(row[header.index(lon_col)])
        nearest = min(abs(lat - a) + abs(lon - b) for a, b in places[row[country]])
        assert nearest < 0.5, row


def test_ged_rows_are_internally_consistent(files: dict[str, Path]) -> None:
    header, rows = generated_rows(files, "ged")
    col = {name: i for i, name in enumerate(header)}
    for row in rows:
        deaths = sum(int(row[col[k]]) for k in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))
        assert int(row[col["best"]]) == deaths
        assert row[col["date_end"]] >= row[col["date_start"]]
        lat, lon = float(row[col["latitude"]]), float(row[col["longitude"]])
        assert row[col["geom_wkt"]] == f"POINT ({row[col['longitude']]} {row[col['latitude']]})"
        assert int(row[col["priogrid_gid"]]) == int((lat + 90) // 0.5) * 720 + int((lon + 180) // 0.5) + 1
        assert row[col["relid"]].endswith(f"-{row[col['id']]}")


def test_acled_current_civilian_targeting_follows_the_codebook(files: dict[str, Path]) -> None:
    """Civilian targeting only on political violence against civilians; text inter codes."""
    header, rows = generated_rows(files, "acled")
    col = {name: i for i, name in enumerate(header)}
    targeted = [r for r in rows if r[col["civilian_targeting"]]]
    assert targeted
    assert {r[col["civilian_targeting"]] for r in targeted} == {"Civilian targeting"}
    assert all(r[col["disorder_type"]] == "Political violence" for r in targeted)
    inter_names = {"State forces", "Rebel group", "Political militia", "Identity militia", "Rioters",
                   "Protesters", "Civilians", "External/Other forces", ""}
    assert {r[col["inter1"]] for r in rows} <= inter_names
    assert all(r[col["notes"]].startswith("On ") for r in rows)
