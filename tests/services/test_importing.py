"""Importing into a real store (SQLite file and PostgreSQL): counts, idempotency, versions,
all-or-nothing batches."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from civwatch.services import stats
from civwatch.services.importing import import_file
from civwatch.store import raw_blocks
from civwatch.store.schema import (
    harm,
    import_batches,
    incidents,
    rejected_rows,
    report_parties,
    report_versions,
    reports,
)
from tests.helpers import as_year_map, ged_civilian_deaths_by_year, ged_rows, write_csv

GED = "ucdp_ged"


def count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize(
    "name",
    [
        "ged_ukraine_statebased_2014_2022.csv",
        "ged_ukraine_statebased_2014_2021_api_style_variant.csv",
        "ged_v19_1_bangladesh_1989_2018.csv",
        "ged_v19_1_bangladesh_hdx_hxl_layout.csv",
        "ged_v23_1_global_random_sample_991.csv",
    ],
)
def test_ged_civilian_deaths_by_year_match_the_file(store: Engine, shared_data: Path, name: str) -> None:
    path = shared_data / GED / name
    summary = import_file(store, path)
    n = len(ged_rows(path))
    assert (summary.read, summary.accepted, summary.rejected, summary.new) == (n, n, 0, n)
    got = as_year_map(stats.stats(store, "civilian-deaths", by="year", source="ucdp-ged"))
    assert got == ged_civilian_deaths_by_year(path)
    # until linkage, every report is its own incident, mirroring the report
    assert count(store, incidents) == n
    assert as_year_map(stats.stats(store, "civilian-deaths", by="year")) == got


def test_hdx_layout_gives_the_same_as_the_42_column_file(store: Engine, shared_data: Path) -> None:
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv")
    plain = stats.stats(store, "civilian-deaths", by="month", source="ucdp-ged")
    with store.begin() as conn:
        for t in (harm, report_parties, reports, incidents):
            conn.execute(t.delete())
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_hdx_hxl_layout.csv")
    assert stats.stats(store, "civilian-deaths", by="month", source="ucdp-ged") == plain


def test_reimport_changes_nothing_and_a_new_release_keeps_the_old(store: Engine, shared_data: Path) -> None:
    old = shared_data / GED / "ged_ukraine_statebased_2014_2021_api_style_variant.csv"
    new = shared_data / GED / "ged_ukraine_statebased_2014_2022.csv"
    first = import_file(store, old)
    again = import_file(store, old)
    assert (again.new, again.updated, again.unchanged, again.accepted) == (0, 0, first.accepted, first.accepted)
    assert count(store, reports) == first.accepted and count(store, report_versions) == 0

    old_ids = {r["id"] for r in ged_rows(old)}
    new_rows = ged_rows(new)
    shared = [r for r in new_rows if r["id"] in old_ids]
    release = import_file(store, new)
    assert release.new == len(new_rows) - len(shared)
    assert release.updated + release.unchanged == len(shared)
    # an event is updated exactly when its row in the later export differs in content, compared
    # here cell by cell; True/true, dates with a midnight time, 48 vs 48.0 and surrounding
    # spaces are formatting, not a new release (issue 21)
    old_by_id = {r["id"]: r for r in ged_rows(old)}

    def same_cell(a: str, b: str) -> bool:
        a, b = a.strip().removesuffix("T00:00:00"), b.strip().removesuffix("T00:00:00")
        if a.lower() in ("true", "false"):
            return a.lower() == b.lower()
        try:
            return a == b or float(a) == float(b)
        except ValueError:
            return False

    content = [r for r in shared if not all(same_cell(v, old_by_id[r["id"]][k]) for k, v in r.items())]
    formatting = [r for r in shared if r != old_by_id[r["id"]] and r not in content]
    assert (release.updated, release.unchanged) == (len(content), len(shared) - len(content))
    assert release.reformatted == len(formatting) > 0
    assert count(store, report_versions) == release.updated
    with store.connect() as conn:
        row = conn.execute(
            select(reports.c.id, reports.c.version).where(reports.c.source_id == content[0]["id"])
        ).one()
        prev = conn.execute(select(report_versions.c.raw, report_versions.c.version).where(report_versions.c.report_id == row.id)).one()
        kept = conn.execute(select(reports.c.id, reports.c.version).where(reports.c.source_id == formatting[0]["id"])).one()
        raws = raw_blocks.texts(conn, [row.id, kept.id])
    assert json.loads(raws[row.id]) == content[0] and row.version == 2
    assert json.loads(prev.raw)["active_year"] == "true" and prev.version == 1
    assert kept.version == 1 and json.loads(raws[kept.id]) == old_by_id[formatting[0]["id"]]
    # stats now follow the newer release of each event, and keep the events only the old had
    merged = {r["id"]: r for r in ged_rows(old)} | {r["id"]: r for r in new_rows}
    expected: dict[int, int] = {}
    for r in merged.values():
        year = int(r["date_start"][:4])
        expected[year] = expected.get(year, 0) + int(r["deaths_civilians"])
    assert as_year_map(stats.stats(store, "civilian-deaths", by="year", source="ucdp-ged")) == expected


def test_rejected_rows_are_kept_with_line_and_reason(store: Engine, shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(5)]
    rows[1][header.index("date_start")] = "yesterday"
    rows[3][header.index("longitude")] = "-190"
    summary = import_file(store, write_csv(tmp_path / "g.csv", header, rows))
    assert (summary.read, summary.accepted, summary.rejected) == (5, 3, 2)
    with store.connect() as conn:
        kept = conn.execute(select(rejected_rows.c.line, rejected_rows.c.reason, rejected_rows.c.raw).order_by(rejected_rows.c.line)).all()
    assert [k.line for k in kept] == [3, 5]
    assert "bad date 'yesterday'" in kept[0].reason and "longitude" in kept[1].reason
    assert json.loads(kept[0].raw)["date_start"] == "yesterday"


def _big_ged(tmp_path: Path, shared_data: Path, n: int) -> Path:
    """A GED file of n rows made of real rows with fresh ids (for multi-chunk batches)."""
    src = shared_data / GED / "ged_v23_1_global_random_sample_991.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)
    rows = []
    for i in range(n):
        row = list(real[i % len(real)])
        row[0] = str(10_000_000 + i)
        rows.append(row)
    return write_csv(tmp_path / "big.csv", header, rows)


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row-by-row"])
def test_a_failure_mid_import_leaves_the_store_as_before(store: Engine, shared_data: Path, tmp_path: Path, bulk: bool) -> None:
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv")
    before = {t.name: count(store, t) for t in (reports, incidents, harm, report_parties, rejected_rows)}
    big = _big_ged(tmp_path, shared_data, 25_000)
    seen: list[int] = []

    def fail_after_first_chunk(read: int) -> None:
        seen.append(read)
        raise OSError("disk unplugged (injected)")

    with pytest.raises(OSError, match="injected"):
        import_file(store, big, progress=fail_after_first_chunk, bulk=bulk)
    # it failed mid-way: row by row after writing a first chunk of 10,000; in bulk after the first
    # block of rows (written on PostgreSQL, staged on SQLite), uncommitted
    assert len(seen) == 1 and 0 < seen[0] < 25_000
    assert not bulk or seen[0] != 10_000
    after = {t.name: count(store, t) for t in (reports, incidents, harm, report_parties, rejected_rows)}
    assert after == before
    with store.connect() as conn:
        statuses = [r[0] for r in conn.execute(select(import_batches.c.status).order_by(import_batches.c.id))]
    assert statuses == ["done", "failed"]
    # and the store still takes the whole file afterwards
    assert import_file(store, big).new == 25_000


def test_ids_follow_on_after_existing_rows(store: Engine, shared_data: Path) -> None:
    """Reserved ids must not collide with rows written outside imports (PostgreSQL sequences)."""
    import_file(store, shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv")
    with store.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO incidents (date_start, date_end, date_precision, year, month, country_iso3, geo_precision, "
                "weapon, perpetrator_category, grade, responsibility_accepted, n_reports, sources, manual, created_at, updated_at) "
                "VALUES ('2020-01-01', '2020-01-01', 'day', 2020, '2020-01', 'BGD', 'exact', 'unknown', 'unknown', 'ungraded', "
                ":f, 0, 'manual', :t, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            ),
            {"f": False, "t": True},
        )
    s = import_file(store, shared_data / GED / "ged_v23_1_global_random_sample_991.csv")
    assert s.new == 991
    assert count(store, incidents) == 601 + 1 + 991


def test_ged_as_xlsx_gives_the_same_as_its_csv(store: Engine, shared_data: Path, tmp_path: Path) -> None:
    """GED is also published as XLSX: a workbook written from the real CSV imports the same."""
    import openpyxl

    src = shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    with open(src, encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh)):
            # numbers as numbers and dates as dates, as a spreadsheet holds them
            cells = []
            for v in row:
                if i and v.lstrip("-").isdigit():
                    cells.append(int(v))
                elif i and len(v) == 10 and v[4] == "-" and v[7] == "-":
                    from datetime import datetime

                    cells.append(datetime.fromisoformat(v))
                else:
                    cells.append(v)
            sheet.append(cells)
    xlsx = tmp_path / "ged.xlsx"
    book.save(xlsx)
    summary = import_file(store, xlsx)
    assert (summary.format, summary.accepted, summary.rejected) == ("ucdp-ged", 601, 0)
    assert as_year_map(stats.stats(store, "civilian-deaths", by="year", source="ucdp-ged")) == ged_civilian_deaths_by_year(src)
