"""`civwatch screening ...` as a user runs it, on real GED (Bangladesh) and SIPRI data."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.helpers import cli, cli_json, ged_rows

GED_BGD = "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"
SIPRI = "arms_transfers/sipri_trade_register_all_1950-2024_generated_2025-03-13.csv"
APP = ["--recipient", "BGD", "--end-user", "police_internal_security", "--item", "ML1", "--quantity", "100", "--value", "50000",
       "--currency", "CAD", "--use", "police equipment", "--from", "2014-07-01", "--to", "2015-06-30", "--as-of", "2014-06-30"]


def test_screening_commands(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    cli_json("--db", db, "import", str(shared_data / GED_BGD), "--json")
    out = cli("--db", db, "screening", "import-sipri", str(shared_data / SIPRI))
    assert out.returncode == 0 and "read 29515" in out.stdout, out.stderr
    new = cli("--db", db, "screening", "new", *APP, "--reference", "BGD-1")
    assert new.returncode == 0, new.stderr
    aid = new.stdout.split()[-1]
    a = cli_json("--db", db, "screening", "show", aid, "--format", "json")
    want = sum(int(r["deaths_civilians"]) for r in ged_rows(shared_data / GED_BGD)
               if r["type_of_violence"] == "3" and r["side_a"] == "Government of Bangladesh" and "2009-07-01" <= r["date_start"][:10] <= "2014-06-30")
    assert a["evidence"]["harm"]["civilian_deaths"]["best"] == want > 0
    with open(shared_data / SIPRI, encoding="cp1252", newline="") as fh:
        bgd = [r for r in csv.reader(fh.read().splitlines()[12:]) if r and r[0] == "Bangladesh" and r[2].isdigit() and 2009 < int(r[2]) <= 2014]
    assert a["evidence"]["transfers"]["deals_in_window"] == len(bgd)
    table = cli("--db", db, "screening", "show", aid)
    assert table.returncode == 0 and "ATT-7.1" in table.stdout and "EU-8" in table.stdout
    assert cli("--db", db, "screening", "decide", aid, "--decision", "deny", "--reasons", "risk under EIPA 7.3").returncode == 0
    again = cli("--db", db, "screening", "decide", aid, "--decision", "approve", "--reasons", "x")
    assert again.returncode != 0 and "cannot be changed" in again.stderr and "Traceback" not in again.stderr
    exported = tmp_path / "a.json"
    assert cli("--db", db, "screening", "export", aid, "--out", str(exported)).returncode == 0
    assert json.loads(exported.read_text())["assessment"]["decision"] == "deny"
    pdf = tmp_path / "a.pdf"
    made = cli("--db", db, "screening", "export", aid, "--format", "pdf", "-o", str(pdf), "--lang", "fr")
    assert made.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), made.stderr
    footnotes = shared_data / "arms_transfers/caat_uk_footnotes_by_destination.csv"
    with open(footnotes, encoding="utf-8", newline="") as fh:
        n_rows = sum(1 for _ in csv.DictReader(fh))
    imported = cli("--db", db, "screening", "tables", "import", str(footnotes))
    assert imported.returncode == 0 and f"read {n_rows}," in imported.stdout, imported.stderr
    listed = cli_json("--db", db, "screening", "tables", "list", "--country", "AFG", "--on", "2020-01-01", "--format", "json")
    assert listed["loaded"] and {r["status"] for r in listed["rows"]} == {"start_not_recorded"}
    b = cli("--db", db, "screening", "new", *APP, "--reference", "BGD-2").stdout.split()[-1]
    cli("--db", db, "screening", "decide", b, "--decision", "approve", "--reasons", "conditions met")
    pairs = cli_json("--db", db, "screening", "consistency", "--format", "json")["pairs"]
    assert [{p["a"]["id"], p["b"]["id"]} for p in pairs] == [{int(aid), int(b)}] and pairs[0]["distance"] == 0
    for args, message in (
        (["screening", "new", *APP[:5], "ML99", *APP[6:], "--reference", "R"], "valid values are ML1"),
        (["screening", "new", *APP[:-2], "--reference", "R"], "lies in the past"),
        (["screening", "show", "999"], "no assessment 999"),
        (["screening", "decide", aid, "--decision", "maybe", "--reasons", "r"], "valid values are approve"),
        (["screening", "export", aid, "--format", "pdf"], "a PDF needs --out"),
        (["screening", "export", aid, "--format", "docx"], "valid are pdf, html, json"),
        (["screening", "tables", "import", str(shared_data / GED_BGD)], "unknown layout"),
        (["screening", "tables", "import", str(shared_data / SIPRI)], "not UTF-8 text"),
    ):
        bad = cli("--db", db, *args)
        assert bad.returncode != 0 and message in bad.stderr and "Traceback" not in bad.stderr, (args, bad.stderr)
