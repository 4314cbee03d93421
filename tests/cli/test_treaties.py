"""`civwatch treaties ...` end to end in a subprocess: import, status, gaps, profile, targets, backtest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cli


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data: Path) -> str:
    path = str(tmp_path_factory.mktemp("cli-treaties") / "t.sqlite")
    out = cli("--db", path, "treaties", "import", env={"CIVWATCH_SHARED_DATA": str(shared_data)})
    assert out.returncode == 0, out.stderr
    return path


def test_import_twice_adds_nothing(db: str, shared_data: Path) -> None:
    f = shared_data / "treaties" / "untc_XXVI-8_arms_trade_treaty_2015.csv"
    out = cli("--db", db, "treaties", "import", str(f))
    assert out.returncode == 0, out.stderr
    batches = json.loads(cli("--db", db, "imports", "--json").stdout)
    assert batches[0]["file_name"] == f.name and batches[0]["read"] == 118 and batches[0]["accepted"] == 118


def test_status_gaps_profile_targets(db: str) -> None:
    one = json.loads(cli("--db", db, "treaties", "status", "att", "--country", "USA", "--as-of", "2026-02-03", "--format", "json").stdout)
    assert one["status"] == "signatory" and one["signed"] == "2013-09-25"
    gaps = json.loads(cli("--db", db, "treaties", "gaps", "NATO", "ottawa", "--as-of", "2026-02-03", "--format", "json").stdout)
    assert [r["country"] for r in gaps["never_acted"]] == ["USA"]
    prof = json.loads(cli("--db", db, "treaties", "profile", "CAN", "--as-of", "2026-02-03", "--format", "json").stdout)
    assert {r["key"]: r["status"] for r in prof["rows"]}["ottawa"] == "party"
    csv_out = cli("--db", db, "treaties", "status", "ccm", "--as-of", "2026-02-03", "--format", "csv")
    assert csv_out.returncode == 0 and csv_out.stdout.splitlines()[0] == "country,name,instrument,as_of,status,party_since,signed,left"
    t = cli("--db", db, "treaties", "targets", "G7", "att", "--as-of", "2026-02-03", "--format", "json")
    data = json.loads(t.stdout)
    assert data["peer_figure"] == "6 of 7 G7 members are party" and [r["country"] for r in data["targets"]] == ["USA"]


def test_backtest_json_keys(db: str) -> None:
    out = cli("--db", db, "treaties", "backtest", "--as-of", "2015-12-31", "--until", "2026-02-03", "--instrument", "att", "--horizon-years", "10", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    r = rows[0]
    assert r["instrument"] == "XXVI-8" and r["joins"] > 10
    for k in ("auc", "precision_at_20", "brier"):
        assert 0 <= r[k] <= 1
        for b in ("signed_first", "regional_peers", "random"):
            assert k in r["baselines"][b]


@pytest.mark.parametrize(("args", "message"), [
    (("treaties", "status", "nonsense"), "unknown instrument"),
    (("treaties", "profile", "ZZZ"), "unknown country code"),
    (("treaties", "gaps", "NATOO", "ccm"), "unknown forum"),
    (("treaties", "status", "ccm", "--as-of", "yesterday"), "--as-of must be a date"),
    (("treaties", "backtest", "--as-of", "2020-01-01", "--until", "2019-01-01"), "--until must be after --as-of"),
])
def test_user_errors_are_one_line(db: str, args: tuple, message: str) -> None:
    out = cli("--db", db, *args)
    assert out.returncode != 0 and message in out.stderr and "Traceback" not in out.stderr
