"""The GED adapter on every real GED file, and on bad rows made from a real one."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from civwatch.domain.records import Rejection, ReportRecord
from civwatch.sources.base import open_table
from civwatch.sources.detect import detect
from civwatch.sources.ucdp_ged import GedAdapter
from tests.helpers import ged_rows, write_csv

GED_FILES = [
    "ged_ukraine_statebased_2014_2022.csv",
    "ged_ukraine_statebased_2014_2021_api_style_variant.csv",
    "ged_v19_1_bangladesh_1989_2018.csv",
    "ged_v19_1_bangladesh_hdx_hxl_layout.csv",
    "ged_v23_1_global_random_sample_991.csv",
]


def read_all(path: Path) -> list[ReportRecord | Rejection]:
    return list(GedAdapter().records(open_table(path)))


@pytest.mark.parametrize("name", GED_FILES)
def test_every_row_becomes_a_report_with_its_raw_fields(shared_data: Path, name: str) -> None:
    path = shared_data / "ucdp_ged" / name
    expected = ged_rows(path)
    out = read_all(path)
    assert len(out) == len(expected)
    assert all(isinstance(r, ReportRecord) for r in out)
    for rec, row in zip(out, expected, strict=True):
        assert rec.source_id == row["id"]
        assert json.loads(rec.raw) == row  # every field verbatim, keyed by the header
        assert rec.civilian_deaths_best == int(row["deaths_civilians"])
        assert rec.total_deaths_best == int(row["best"])
        assert rec.civilian_deaths_low is None and rec.civilian_deaths_high is None
        assert rec.country_code_received == row["country_id"]
        assert rec.date_start == row["date_start"][:10]


def test_detection_names_the_layout(shared_data: Path) -> None:
    d = shared_data / "ucdp_ged"
    assert "49-column" in detect(open_table(d / "ged_ukraine_statebased_2014_2022.csv")).reason
    assert "42-column" in detect(open_table(d / "ged_v19_1_bangladesh_1989_2018.csv")).reason
    hdx = detect(open_table(d / "ged_v19_1_bangladesh_hdx_hxl_layout.csv"))
    assert hdx.format == "ucdp-ged" and "HXL" in hdx.reason


def test_one_sided_violence_names_the_perpetrator(shared_data: Path) -> None:
    out = read_all(shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv")
    one_sided = [r for r in out if r.violence_type == "one_sided"]
    rows = [r for r in ged_rows(shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv") if r["type_of_violence"] == "3"]
    assert len(one_sided) == len(rows) == 124
    for rec in one_sided:
        roles = {p.role: p for p in rec.parties}
        assert roles["perpetrator"].name == rec.perpetrator_name
        assert roles["target"].category == "civilians"
    state = [r for r in out if r.violence_type == "state_based"]
    assert all(any(p.category == "state_forces" for p in r.parties) for r in state)


def test_bad_rows_are_rejected_with_line_and_reason(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        good = next(reader)
    col = {h: i for i, h in enumerate(header)}

    def variant(**changes: str) -> list[str]:
        row = list(good)
        for k, v in changes.items():
            row[col[k]] = v
        return row

    rows = [
        good,
        variant(id="1", date_start="2013-13-40"),
        variant(id="2", latitude="123.5"),
        variant(id="3", country_id="9999"),
        variant(id="4", deaths_civilians="-3"),
        variant(id="5", deaths_civilians="many"),
        good[:10],
        variant(id="6", date_start="2013-12-14", date_end="2013-12-01"),
    ]
    out = read_all(write_csv(tmp_path / "bad.csv", header, rows))
    rejected = {r.line: r.reason for r in out if isinstance(r, Rejection)}
    assert [r.line for r in out if isinstance(r, ReportRecord)] == [2]
    assert "bad date" in rejected[3]
    assert "latitude" in rejected[4] and "out of range" in rejected[4]
    assert "unknown country" in rejected[5]
    assert "negative deaths_civilians" in rejected[6]
    assert "non-numeric deaths_civilians" in rejected[7]
    assert "truncated" in rejected[8]
    assert "before" in rejected[9]
