"""`civwatch peacekeeping ...` run as a user runs it: import a folder, list, near, contributors,
and one-line errors (never a traceback)."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.helpers import cli, cli_json


def test_peacekeeping_commands(tmp_path: Path, shared_data: Path) -> None:
    folder = shared_data / "peacekeeping"
    db = str(tmp_path / "pko.sqlite")
    out = cli("--db", db, "peacekeeping", "near")
    assert out.returncode == 0 and "Traceback" not in out.stderr  # an empty store: an empty table
    out = cli("--db", db, "peacekeeping", "import", str(folder / "geopko_v2_3_deployments_by_location_year.csv"))
    assert out.returncode == 2 and "mission list first" in out.stderr and "Traceback" not in out.stderr
    summaries = cli_json("--db", db, "peacekeeping", "import", str(folder), "--json")
    assert [s["format"] for s in summaries][:2] == ["un-dppa-missions", "un-pko-crosswalk"]
    assert all(s["read"] == s["accepted"] + s["rejected"] for s in summaries)
    missions = cli_json("--db", db, "peacekeeping", "missions", "--json")
    with open(folder / "un_dppa_dpo_peacekeeping_missions_2024-02-19.csv", encoding="utf-8", newline="") as fh:
        assert missions["count"] == sum(1 for _ in csv.DictReader(fh))
    table = cli("--db", db, "peacekeeping", "missions")
    assert table.returncode == 0 and "MINUSMA" in table.stdout and "indicative" in table.stdout
    near = cli_json("--db", db, "peacekeeping", "near", "MINUSMA", "--within", "10", "--json")
    assert near["within_km"] == 10 and {r["mission"] for r in near["rows"]} == {"MINUSMA"}
    can = cli_json("--db", db, "peacekeeping", "contributors", "CAN", "--json")
    assert "MINUSMA" in can["missions"]
    for args, message in [
        (("peacekeeping", "near", "NOPE"), "no mission NOPE"),
        (("peacekeeping", "near", "--within", "0"), "outside 0–500 km"),
        (("peacekeeping", "contributors", "XXX"), "no deployments of XXX"),
        (("peacekeeping", "import", str(tmp_path / "missing.csv")), "no such file"),
    ]:
        out = cli("--db", db, *args)
        assert out.returncode != 0 and message in out.stderr and "Traceback" not in out.stderr, (args, out.stderr)
