"""`civwatch stats`, `compare` and `serve` as a user runs them, on real GED data."""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.helpers import CIVWATCH, cli, cli_json, ged_civilian_deaths_by_year, ged_rows

GED = "ged_v23_1_global_random_sample_991.csv"


def _store(tmp_path: Path, shared_data: Path) -> str:
    db = str(tmp_path / "s.sqlite")
    cli_json("--db", db, "import", str(shared_data / "ucdp_ged" / GED), "--json")
    return db


def test_stats_formats_change_and_full_result(tmp_path: Path, shared_data: Path) -> None:
    db = _store(tmp_path, shared_data)
    expected = ged_civilian_deaths_by_year(shared_data / "ucdp_ged" / GED)
    rows = cli_json("--db", db, "stats", "civilian-deaths", "--by", "year", "--change", "yoy", "--format", "json")
    got = {r["year"]: r for r in rows}
    assert {y: r["value"] for y, r in got.items()} == expected
    assert got[2022]["previous"] == expected[2021] and got[2022]["change_abs"] == expected[2022] - expected[2021]
    out = cli("--db", db, "stats", "incidents", "--by", "country", "--format", "csv")
    parsed = list(csv.DictReader(out.stdout.splitlines()))
    assert list(parsed[0]) == ["country", "value", "low", "high"]
    assert sum(int(r["value"]) for r in parsed) == len(ged_rows(shared_data / "ucdp_ged" / GED))
    full = cli_json("--db", db, "stats", "women-children-share", "--format", "json", "--full")
    assert full["definition"]["methodology"].endswith("#women-children-share") and full["coverage"]["records_disaggregated"] == 0
    table = cli("--db", db, "stats", "civilian-deaths", "--by", "grade")
    assert table.returncode == 0 and "no linkage yet" in table.stdout
    bad = cli("--db", db, "stats", "civilian-deaths", "--by", "colour")
    assert bad.returncode == 2 and "cannot group by" in bad.stderr and "Traceback" not in bad.stderr


def test_compare_by_party_category(tmp_path: Path, shared_data: Path) -> None:
    db = _store(tmp_path, shared_data)
    rows = cli_json("--db", db, "compare", "--by", "party-category", "--format", "json")
    assert sum(r["incidents"] for r in rows) == len(ged_rows(shared_data / "ucdp_ged" / GED))
    keys = {frozenset(r) for r in rows}
    assert len(keys) == 1  # every category gets exactly the same measures


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_the_api(tmp_path: Path, shared_data: Path) -> None:
    db = _store(tmp_path, shared_data)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    server = subprocess.Popen([*CIVWATCH, "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/indicators/civilian-deaths?by=year", timeout=10) as r:
                    body = json.loads(r.read())
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.25)
        assert body is not None
        assert {r["year"]: r["value"] for r in body["rows"]} == ged_civilian_deaths_by_year(shared_data / "ucdp_ged" / GED)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=10) as r:
            spec = json.loads(r.read())
        assert {"/api/indicators/{name}", "/api/incidents", "/api/incidents/{incident_id}", "/api/compare", "/api/imports"} <= set(spec["paths"])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_refresh_indicators_status_says_whether_the_cube_is_current(tmp_path: Path, shared_data: Path) -> None:
    db = _store(tmp_path, shared_data)  # imported before any cube existed
    assert "stale" in cli("--db", db, "refresh-indicators", "--status").stdout
    cli("--db", db, "stats", "incidents")  # the first read builds it
    cli_json("--db", db, "import", str(shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv"), "--json")
    out = cli("--db", db, "refresh-indicators", "--status")
    assert out.returncode == 0 and "indicator cube current" in out.stdout  # the import kept it
