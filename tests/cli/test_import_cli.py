"""The import, rejects, imports, stats and demo commands, run as a user runs them."""

from __future__ import annotations

import csv
import json
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.helpers import (
    SHARED_DATA,
    as_year_map,
    cli,
    cli_json,
    ged_civilian_deaths_by_year,
    ged_rows,
    write_csv,
)

GED_FILES = sorted(p.name for p in (SHARED_DATA / "ucdp_ged").glob("*.csv"))


@pytest.mark.parametrize("name", GED_FILES or ["(no shared data)"])
def test_import_then_stats_by_year_equals_the_file(tmp_path: Path, shared_data: Path, name: str) -> None:
    db = str(tmp_path / "s.sqlite")
    path = shared_data / "ucdp_ged" / name
    summary = cli_json("--db", db, "import", str(path), "--json")
    n = len(ged_rows(path))
    for key in ("read", "accepted", "rejected", "updated", "unchanged", "format", "batch_id"):
        assert key in summary
    assert (summary["read"], summary["accepted"], summary["rejected"], summary["format"]) == (n, n, 0, "ucdp-ged")
    rows = cli_json("--db", db, "stats", "civilian-deaths", "--by", "year", "--source", "ucdp-ged", "--format", "json")
    assert as_year_map(rows) == ged_civilian_deaths_by_year(path)
    assert all(set(r) == {"year", "value", "low", "high"} and isinstance(r["year"], int) for r in rows)


def test_stats_by_country_and_month_filters_and_csv(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    path = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    cli_json("--db", db, "import", str(path), "--json")
    rows = ged_rows(path)
    syria = sum(int(r["deaths_civilians"]) for r in rows if r["country"] == "Syria")
    by_country = {r["country"]: r["value"] for r in cli_json("--db", db, "stats", "civilian-deaths", "--by", "country", "--source", "ucdp-ged", "--format", "json")}
    assert by_country["SYR"] == syria
    months: dict[str, int] = {}
    for r in rows:
        if r["country"] == "Syria" and "2013-01-01" <= r["date_start"] <= "2013-12-31":
            months[r["date_start"][:7]] = months.get(r["date_start"][:7], 0) + int(r["deaths_civilians"])
    got = cli_json("--db", db, "stats", "civilian-deaths", "--by", "month", "--source", "ucdp-ged", "--country", "SYR", "--from", "2013-01-01", "--to", "2013-12-31", "--format", "json")
    assert {r["month"]: r["value"] for r in got} == months
    reports = cli_json("--db", db, "stats", "reports", "--by", "year", "--source", "ucdp-ged", "--format", "json")
    assert sum(r["value"] for r in reports) == len(rows)
    out = cli("--db", db, "stats", "reports", "--by", "country", "--source", "ucdp-ged", "--format", "csv")
    parsed = list(csv.DictReader(out.stdout.splitlines()))
    assert parsed[0].keys() == {"country", "value", "low", "high"} and sum(int(r["value"]) for r in parsed) == len(rows)


def test_rejects_lists_bad_rows_and_imports_lists_batches(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    src = shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(3)]
    rows[2][header.index("deaths_civilians")] = "-1"
    summary = cli_json("--db", db, "import", str(write_csv(tmp_path / "g.csv", header, rows)), "--json")
    assert (summary["accepted"], summary["rejected"]) == (2, 1)
    rej = cli_json("--db", db, "rejects", str(summary["batch_id"]), "--json")
    assert [(r["line"], r["reason"]) for r in rej] == [(4, "negative deaths_civilians -1")]
    human = cli("--db", db, "import", str(tmp_path / "g.csv"))
    assert "detected: UCDP GED" in human.stdout and "2 unchanged" in human.stdout
    batches = cli_json("--db", db, "imports", "--json")
    assert [b["status"] for b in batches] == ["done", "done"]
    missing = cli("--db", db, "rejects", "999")
    assert missing.returncode != 0 and "no import batch 999" in missing.stderr


def test_unknown_format_and_missing_file_are_one_line_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    out = cli("--db", db, "import", str(odd))
    assert out.returncode != 0 and "cannot tell the format" in out.stderr and "Traceback" not in out.stderr
    out = cli("--db", db, "import", str(tmp_path / "nope.csv"))
    assert out.returncode != 0 and "no such file" in out.stderr.lower() and "Traceback" not in out.stderr
    out = cli("--db", db, "import", str(odd), "--format", "nonsense")
    assert out.returncode != 0 and "unknown format" in out.stderr


def test_demo_loads_the_bundled_sample_once(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.sqlite")
    first = cli_json("--db", db, "demo", "--no-serve", "--json")
    samples = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples"
    ids = set()
    for f in samples.glob("*.csv"):
        ids |= {r["id"] for r in ged_rows(f)}
    with open(samples / "acd" / "ucdp_prio_acd_v23_1.csv", encoding="utf-8", newline="") as fh:
        conflict_years = sum(1 for _ in csv.DictReader(fh))
    assert first["rejected"] == 0
    assert first["new"] == len(ids) + conflict_years
    assert [f["level"] for f in first["forecasts"]] == ["country", "admin1"]
    assert all(f["forecasts"] == 6 * f["units"] for f in first["forecasts"])
    again = cli_json("--db", db, "demo", "--no-serve", "--json")
    assert again["new"] == 0 and all(f.get("skipped") for f in again["files"])
    assert all(f.get("skipped") for f in again["forecasts"])  # the same data: no refit
    assert first["plan"] == {"plan_id": "nap-poc-sample", "version": 1, "unchanged": False, "commitments": 7}
    assert again["plan"]["unchanged"] is True  # the ILLUSTRATIVE sample plan, loaded once
    n = sum(r["value"] for r in cli_json("--db", db, "stats", "reports", "--by", "year", "--source", "ucdp-ged", "--format", "json"))
    assert n == len(ids)


@pytest.mark.slow
@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row-by-row"])
def test_a_killed_import_leaves_the_store_as_before(tmp_path: Path, shared_data: Path, bulk: bool) -> None:
    """SIGKILL while the import is writing into the store (its WAL growing inside the open
    transaction): nothing remains, and the file imports whole afterwards."""
    db = tmp_path / "k.sqlite"
    assert cli("--db", str(db), "import", str(shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv")).returncode == 0
    src = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)
    rows = []
    for i in range(60_000):
        row = list(real[i % len(real)])
        row[0] = str(20_000_000 + i)
        rows.append(row)
    big = write_csv(tmp_path / "big.csv", header, rows)
    wal = Path(f"{db}-wal")
    before = wal.stat().st_size if wal.exists() else 0
    script = textwrap.dedent(
        f"""
        from civwatch.services.store import open_store
        from civwatch.services.importing import import_file
        import_file(open_store({str(db)!r}), {str(big)!r}, bulk={bulk!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.monotonic() + 120
    while (wal.stat().st_size if wal.exists() else 0) < before + (8 << 20):  # 8 MiB written, uncommitted
        assert proc.poll() is None, "the import ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reports = cli_json("--db", str(db), "stats", "reports", "--by", "year", "--source", "ucdp-ged", "--format", "json")
    assert sum(r["value"] for r in reports) == 601
    batches = cli_json("--db", str(db), "imports", "--json")
    assert [b["file_name"] for b in batches] == ["ged_v19_1_bangladesh_1989_2018.csv"]
    again = cli_json("--db", str(db), "import", str(big), "--json")
    assert again["new"] == 60_000
    assert json.loads(json.dumps(again))["rejected"] == 0


ACLED_FILES = [
    "acled_all_africa_2016-01-01_to_2016-05-28.csv",
    "acled_all_africa_2016-01-01_to_2016-05-28.xlsx",
    "acled_bangladesh_riots_protests_2022-12_to_2024-08.csv",
    "acled_djibouti_1997-01-01_to_2020-01-24.csv",
    "acled_ethiopia_1997-01-01_to_2020-01-24.csv",
    "acled_global_2020-04-27_to_2020-05-09.csv",
]


@pytest.mark.acled
@pytest.mark.parametrize("name", ACLED_FILES)
def test_acled_import_then_stats_by_year_equals_the_file(tmp_path: Path, acled_dir: Path, name: str) -> None:
    from tests.helpers import acled_civilian_deaths_by_year

    db = str(tmp_path / "s.sqlite")
    path = acled_dir / name
    expected, bad = acled_civilian_deaths_by_year(path)
    summary = cli_json("--db", db, "import", str(path), "--json")
    assert summary["format"] == "acled" and summary["rejected"] == bad
    assert summary["read"] == summary["accepted"] + summary["rejected"]
    rows = cli_json("--db", db, "stats", "civilian-deaths", "--by", "year", "--source", "acled", "--format", "json")
    assert as_year_map(rows) == expected
