"""Bad cells reject their row, not the file, on SQLite and PostgreSQL alike (columns and rows
readers); duplicate column names refuse the file; XLSX is read without trusting its stored
dimension; country names that contradict their codes reject the row with the reason."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from civwatch.services.importing import import_file, rejections
from civwatch.sources.base import MAX_FIELD, SourceError
from civwatch.store.schema import reports

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples" / "ged_v23_1_global_random_sample_991.csv"


def _ged(n: int) -> tuple[list[str], list[list[str]]]:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], [list(r) for r in rows[1 : n + 1]]


def _write(path: Path, header: list[str], body: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(body)
    return path


def _stored(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(reports.c.source_id)).scalars())


BAD_CELLS = [
    ("best", "9223372036854775808", "out of range"),
    ("deaths_civilians", "1e308", "out of range"),
    ("best", "3000000000", "out of range"),  # fits SQLite, not PostgreSQL INTEGER: rejected on both
    ("where_coordinates", "Kyiv\x00town", "NUL byte"),
    ("latitude", "1e308", "out of range"),
    ("country", "Atlantis", "unknown country name 'Atlantis'"),
    ("country", "Peru", "contradicts the code"),
    ("country_id", "9999", "unknown country"),
]


@pytest.mark.parametrize("bulk", [True, False], ids=["columns", "rows"])
def test_bad_cells_reject_their_row_only(store, tmp_path: Path, bulk: bool) -> None:
    header, body = _ged(len(BAD_CELLS) + 3)
    bad_ids = {}
    for row, (column, value, _) in zip(body, BAD_CELLS, strict=False):
        row[header.index(column)] = value
        bad_ids[row[header.index("id")]] = (column, value)
    body[len(BAD_CELLS)][header.index("where_coordinates")] = "x" * (MAX_FIELD + 10)  # over the field limit
    path = _write(tmp_path / "ged.csv", header, body)
    summary = import_file(store, path, bulk=bulk)
    assert summary.read == len(body) == summary.accepted + summary.rejected
    assert summary.rejected == len(BAD_CELLS) + 1
    good = {r[header.index("id")] for r in body[len(BAD_CELLS) + 1 :]}
    assert _stored(store) == good
    got = {r["line"]: r["reason"] for r in rejections(store, summary.batch_id)}
    for line, (_, _, why) in enumerate(BAD_CELLS, start=2):
        assert why in got[line], (line, got[line])
    assert "field" in got[len(BAD_CELLS) + 2]


def test_duplicate_column_names_refuse_the_file(store, tmp_path: Path) -> None:
    header, body = _ged(3)
    header = [*header, "best", "Latitude"]
    body = [[*r, "7", "1.0"] for r in body]
    path = _write(tmp_path / "dup.csv", header, body)
    with pytest.raises(SourceError, match=r"duplicate column names 'latitude', 'best'"):
        import_file(store, path)
    assert _stored(store) == set()


def _xlsx(path: Path, header: list[str], body: list[list[str]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in body:
        ws.append(r)
    wb.save(path)
    return path


def _stale_dimension(path: Path, ref: str) -> None:
    """Rewrite the sheet's <dimension> as other tools leave it: claiming fewer rows than held."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index("<dimension ref=\"")
                end = text.index("\"", start + len("<dimension ref=\""))
                data = (text[:start] + f"<dimension ref=\"{ref}\"" + text[end + 1 :]).encode()
            dst.writestr(item, data)
    tmp.replace(path)


def test_xlsx_with_a_stale_dimension_loses_no_row(store, tmp_path: Path) -> None:
    header, body = _ged(12)
    path = _xlsx(tmp_path / "ged.xlsx", header, body)
    _stale_dimension(path, "A1:C3")
    summary = import_file(store, path)
    assert summary.read == 12 and summary.accepted == 12, summary
    assert _stored(store) == {r[header.index("id")] for r in body}


def test_malformed_xlsx_is_one_clear_error(store, tmp_path: Path) -> None:
    header, body = _ged(3)
    path = _xlsx(tmp_path / "ged.xlsx", header, body)
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut mid-element
            dst.writestr(item, data)
    tmp.replace(path)
    with pytest.raises(SourceError, match="ged.xlsx"):
        import_file(store, path)
    assert _stored(store) == set()


def test_xlsx_that_unpacks_beyond_the_bound_is_refused(tmp_path: Path, monkeypatch) -> None:
    from civwatch.sources import base

    header, body = _ged(3)
    path = _xlsx(tmp_path / "ged.xlsx", header, body)
    with zipfile.ZipFile(path) as z:
        unpacked = sum(m.file_size for m in z.infolist())
    monkeypatch.setattr(base, "MAX_XLSX_UNPACKED", unpacked - 1)  # the bound, not a stand-in for our code
    with pytest.raises(SourceError, match="unpacks to"):
        base.open_table(path)
    monkeypatch.setattr(base, "MAX_XLSX_UNPACKED", unpacked)
    assert base.open_table(path).header[:3] == header[:3]


def test_acled_and_hxl_country_contradictions_reject_the_row(store, tmp_path: Path) -> None:
    acled = tmp_path / "acled.csv"
    header = ["event_id_cnty", "event_date", "year", "event_type", "sub_event_type", "actor1", "country", "iso", "iso3",
              "admin1", "location", "latitude", "longitude", "geo_precision", "fatalities", "civilian_targeting", "notes"]
    base = ["", "2020-05-01", "2020", "Violence against civilians", "Attack", "Unidentified Armed Group", "", "", "",
            "Kabul", "Kabul", "34.5", "69.2", "1", "2", "Civilian targeting", "x"]

    def row(eid: str, country: str, iso: str, iso3: str) -> list[str]:
        r = list(base)
        r[0], r[6], r[7], r[8] = eid, country, iso, iso3
        return r

    _write(acled, header, [row("AFG1", "Afghanistan", "4", "AFG"), row("AFG2", "Peru", "4", "AFG"),
                           row("AFG3", "Atlantis", "4", "AFG"), row("AFG4", "Afghanistan", "4", "ZZZ"), row("AFG5", "Atlantis", "", "")])
    summary = import_file(store, acled, format="acled")
    assert (summary.read, summary.accepted, summary.rejected) == (5, 1, 4)
    reasons = [r["reason"] for r in rejections(store, summary.batch_id)]
    assert "contradicts the code AFG" in reasons[0] and "Atlantis" in reasons[1]
    assert "unknown country code 'ZZZ'" in reasons[2] and "Atlantis" in reasons[3]
    hxl = tmp_path / "hxl.csv"
    _write(hxl, ["date", "country", "code", "killed"], [["#date", "#country+name", "#country+code", "#affected+killed"],
           ["2020-01-02", "Syria", "SYR", "3"], ["2020-01-03", "Peru", "SYR", "1"], ["2020-01-04", "Atlantis", "ZZZ", "1"]])
    summary = import_file(store, hxl, format="hxl")
    assert (summary.read, summary.accepted, summary.rejected) == (3, 1, 2)
    reasons = [json.dumps(r["reason"]) for r in rejections(store, summary.batch_id)]
    assert "contradicts" in reasons[0] and "ZZZ" in reasons[1]
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(reports)).scalar_one() == 2
