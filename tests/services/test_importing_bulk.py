"""The bulk path (columns) and the row path give the same store, row for row.

Each scenario runs the same imports into two fresh stores of one kind, once with the bulk
path and once forced row by row, and compares every table an import writes (ids and
timestamps aside), the import summaries, and which reader the bulk run used.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from civwatch.services.importing import import_file
from civwatch.store import migrate, raw_blocks
from civwatch.store.db import make_engine
from civwatch.store.schema import incidents, reports
from tests.conftest import _fresh_pg_database

GED = "ucdp_ged"

# ids and timestamps differ by construction; where a raw row sits (which block, which row) too:
# the raw rows themselves are compared as read back through raw_blocks.texts ("raw_rows")
IGNORED = {"id", "incident_id", "created_at", "updated_at", "raw_block_id", "raw_row"}
REPORT_COLS = ", ".join(f"r.{c.name}" for c in reports.columns if c.name not in IGNORED)
INCIDENT_COLS = ", ".join(f"i.{c.name}" for c in incidents.columns if c.name not in IGNORED)
SNAPSHOT = {
    "reports": f"SELECT {REPORT_COLS} FROM reports r ORDER BY r.source, r.source_id",  # noqa: S608 - schema names
    "incidents": f"SELECT r.source, r.source_id, {INCIDENT_COLS} FROM incidents i JOIN reports r ON r.incident_id = i.id ORDER BY r.source, r.source_id",  # noqa: S608 - schema names
    "parties": (
        "SELECT r.source, r.source_id, p.name, p.category, p.role, p.source_code FROM report_parties p "
        "JOIN reports r ON r.id = p.report_id ORDER BY r.source, r.source_id, p.id"
    ),
    "harm": (
        "SELECT r.source, r.source_id, h.outcome, h.sex, h.age_group, h.civilian, h.low, h.best, h.high FROM harm h "
        "JOIN reports r ON r.id = h.report_id ORDER BY r.source, r.source_id, h.id"
    ),
    "versions": (
        "SELECT r.source, r.source_id, v.version, v.batch_id, v.content_sha, v.raw FROM report_versions v "
        "JOIN reports r ON r.id = v.report_id ORDER BY r.source, r.source_id, v.version"
    ),
    "duplicates": (
        "SELECT r.source, r.source_id, d.batch_id, d.line, d.content_sha, d.raw FROM report_duplicates d "
        "JOIN reports r ON r.id = d.report_id ORDER BY d.batch_id, d.line"
    ),
    "rejected": "SELECT batch_id, line, reason, raw FROM rejected_rows ORDER BY batch_id, line",
    "batches": "SELECT id, source_format, file_name, status, read, accepted, rejected, updated, unchanged FROM import_batches ORDER BY id",
    "report_count": "SELECT count(*) FROM reports",
    "incident_count": "SELECT count(*) FROM incidents",
}


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        out = {name: [tuple(r) for r in conn.execute(text(sql))] for name, sql in SNAPSHOT.items()}
        keys = conn.execute(text("SELECT id, source, source_id FROM reports")).all()
        raws = raw_blocks.texts(conn, [k[0] for k in keys])
        out["raw_rows"] = sorted((source, sid, raws[rid]) for rid, source, sid in keys)
        # every imported report's raw row is in a block; none is kept as a JSON text per report
        out["inline_raw"] = [tuple(r) for r in conn.execute(text(
            "SELECT count(*) FROM reports WHERE batch_id IS NOT NULL AND (raw <> '' OR raw_block_id IS NULL)"))]
        return out


@pytest.fixture
def twin(store_url: str) -> Iterator[Engine]:
    """A second fresh store of the same kind as `store`."""
    if store_url.startswith("sqlite:///"):
        url = store_url.replace("civwatch.sqlite", "twin.sqlite")
        drop = None
    else:
        url, drop = _fresh_pg_database(store_url.rsplit("/", 1)[0] + "/postgres")
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    if drop:
        drop()


def same_imports(bulk: Engine, rows: Engine, files: list[Path], bulk_reader: list[str]) -> None:
    for path, expected_reader in zip(files, bulk_reader, strict=True):
        a = import_file(bulk, path).as_dict()
        b = import_file(rows, path, bulk=False).as_dict()
        assert a.pop("reader") == expected_reader, path.name
        assert b.pop("reader") == "rows"
        a.pop("seconds"), b.pop("seconds")
        assert a == b, path.name
    got, want = snapshot(bulk), snapshot(rows)
    assert got.keys() == want.keys()
    for name in got:
        assert got[name] == want[name], name
    assert got["inline_raw"] == [(0,)]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def awkward_ged(shared_data: Path, tmp_path: Path) -> Path:
    """Real GED rows, then every case the bulk path must hand to the row adapter."""
    with open(shared_data / GED / "ged_v23_1_global_random_sample_991.csv", newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)[:300]
    col = {h: i for i, h in enumerate(header)}

    def variant(base: list[str], **changes: str) -> list[str]:
        row = list(base)
        for k, v in changes.items():
            row[col[k]] = v
        return row

    rows = [list(r) for r in real]
    rows += [
        variant(real[0], id="900001", date_start="15/03/2020", date_end="15/03/2020"),  # a slash date: row adapter, accepted
        variant(real[1], id="900002", latitude="95.5"),  # rejected: out of range
        variant(real[2], id="900003", deaths_civilians="-2"),  # rejected: negative
        variant(real[3], id="900004", best="12.0"),  # "12.0": the row adapter reads it, the columns do not
        variant(real[4], id="900005", source_headline="tab\there \x1f unit separator"),  # characters the two strip() differ on
        variant(real[5], id="900006", country_id="9999"),  # rejected: unknown country
        variant(real[6], id="900007"),
        variant(real[7], id="900007", best="99"),  # the same id again, other content: a duplicate row
        variant(real[8], id="900008", date_start="2020-13-01"),  # an uncertified first occurrence ...
        variant(real[9], id="900008"),  # ... then a certified one with the same id
        variant(real[10], id="", best="1"),  # rejected: no id
        variant(real[11], id="900009", type_of_violence="7"),  # rejected: unknown type
        variant(real[12], id="900010", adm_1="  Dhaka  ", where_coordinates="  "),  # whitespace only
        variant(real[13], id="900011", date_start="2020-05-02", date_end="2020-05-01"),  # rejected: ends before it starts
    ]
    # an unnamed column at the end, as spreadsheets leave: empty, but for two rows
    rows = [[*r, "stray note" if i in (3, 305) else ""] for i, r in enumerate(rows)]
    return _write(tmp_path / "awkward_ged.csv", [*header, ""], rows)


def test_ged_files_and_awkward_rows_give_the_same_store(store: Engine, twin: Engine, shared_data: Path, tmp_path: Path) -> None:
    files = [
        shared_data / GED / "ged_ukraine_statebased_2014_2022.csv",
        shared_data / GED / "ged_ukraine_statebased_2014_2021_api_style_variant.csv",  # new releases: updates
        shared_data / GED / "ged_v19_1_bangladesh_hdx_hxl_layout.csv",  # HXL row under the header
        shared_data / GED / "ged_v19_1_bangladesh_1989_2018.csv",  # the same events, 42 columns
        awkward_ged(shared_data, tmp_path),
        shared_data / GED / "ged_ukraine_statebased_2014_2022.csv",  # again: unchanged
    ]
    same_imports(store, twin, files, ["columns"] * 6)


def test_acled_exports_give_the_same_store(store: Engine, twin: Engine, acled_dir: Path, tmp_path: Path) -> None:
    files = sorted(acled_dir.glob("*.csv"))
    readers = ["columns"] * len(files)  # all_africa: Windows-1252, seven unnamed columns at its end
    with open(files[-1], newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)[:200]
    col = {h: i for i, h in enumerate(header)}
    extra = []
    for n, base in enumerate(real[:20]):
        row = list(base)
        row[col["event_id_cnty"]] = f"TST{n}"
        row[col["assoc_actor_1"]] = " Militia A ; ; Military Forces of X (2000-); police forces of y"
        extra.append(row)
    again = list(extra[0])
    again[col["actor2"]] = "Civilians (Testland)"
    extra.append(again)  # the same event listed again with another actor: a duplicate row
    odd = list(extra[1])
    odd[col["event_id_cnty"]] = "TST900"
    odd[col["event_date"]] = "3 March 2020"  # a date form the row adapter reads, not the columns
    extra.append(odd)
    crafted = _write(tmp_path / "acled_crafted.csv", header, real + extra)
    windows = []  # the same rows saved by a spreadsheet in Windows-1252: read through a UTF-8 copy
    for row in real[:50]:
        row = list(row)
        row[col["event_id_cnty"]] = "W" + row[col["event_id_cnty"]]
        row[col["notes"]] = "Café – “quoted” €5; " + row[col["notes"]].encode("cp1252", "replace").decode("cp1252")
        row[col["location"]] = row[col["location"]].encode("cp1252", "replace").decode("cp1252")
        windows.append([c.encode("cp1252", "replace").decode("cp1252") for c in row])
    cp1252 = tmp_path / "acled_cp1252.csv"
    with open(cp1252, "w", newline="", encoding="cp1252") as fh:
        csv.writer(fh).writerows([header, *windows])
    same_imports(store, twin, [*files, crafted, cp1252, files[-1]], [*readers, "columns", "columns", "columns"])
    with store.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reports WHERE notes LIKE 'Café – “quoted” €5;%'")).scalar_one() == 50


def test_files_the_columns_cannot_read_exactly_go_row_by_row(store: Engine, shared_data: Path, tmp_path: Path) -> None:
    src = (shared_data / GED / "ged_v23_1_global_random_sample_991.csv").read_text(encoding="utf-8")
    header, *lines = src.splitlines()
    cases = {
        "blank_line.csv": "\n".join([header, lines[0], "", *lines[1:5]]) + "\n",
        "short_row.csv": "\n".join([header, lines[0], ",".join(lines[1].split(",")[:10]), *lines[2:5]]) + "\n",
        "semicolons.csv": "\n".join([header.replace(",", ";"), *(line.replace(",", ";") for line in lines[:3] if '"' not in line)]) + "\n",
    }
    for name, body in cases.items():
        path = tmp_path / name
        path.write_text(body, encoding="utf-8")
        summary = import_file(store, path)
        assert summary.reader == "rows", name
        assert summary.read == summary.accepted + summary.rejected
    short = import_file(store, tmp_path / "short_row.csv")
    assert short.unchanged == 4  # the four good rows again; the short one rejected again
    with store.connect() as conn:
        reasons = [r[0] for r in conn.execute(text("SELECT reason FROM rejected_rows"))]
    assert any(r.startswith("truncated row: 10 fields") for r in reasons)


def test_records_cut_across_blocks_and_quoted_newlines(store: Engine, twin: Engine, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of a few hundred bytes cut the file inside records and inside quoted fields that
    hold newlines and doubled quotes; every record still reads as the row reader reads it."""
    from civwatch.sources import frames

    monkeypatch.setattr(frames, "BLOCK", 333)
    with open(shared_data / GED / "ged_v23_1_global_random_sample_991.csv", newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)[:120]
    i = header.index("source_headline")
    for n, row in enumerate(real):
        if n % 3 == 0:
            row[i] = f'line one\nline "two", with a comma\r\nand three {n}'
    path = _write(tmp_path / "multiline.csv", header, real)
    path.write_bytes(path.read_bytes().rstrip(b"\r\n"))  # and no newline after the last record
    same_imports(store, twin, [path], ["columns"])
    with store.connect() as conn:
        notes = conn.execute(text("SELECT notes FROM reports WHERE notes LIKE 'line one%' ORDER BY source_id")).scalars().all()
    assert len(notes) == 40 and all('"two", with a comma\r\nand three' in n for n in notes)


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row-by-row"])
def test_a_header_without_the_columns_a_forced_format_needs_is_refused(store: Engine, tmp_path: Path, bulk: bool) -> None:
    from civwatch.sources.base import SourceError

    path = _write(tmp_path / "header_only.csv", ["event_date", "country", "deaths"], [])
    with pytest.raises(SourceError, match="not an ACLED export: missing column"):
        import_file(store, path, format="acled", bulk=bulk)
