"""`civwatch parties ...` and `civwatch compare --by party` as a user runs them, on real GED data."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import cli, cli_json, ged_rows

GED_BGD = "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"


def test_parties_commands(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    cli_json("--db", db, "import", str(shared_data / GED_BGD), "--json")
    out = cli("--db", db, "parties", "build")
    assert out.returncode == 0 and "0 party mentions without an actor" in out.stdout
    forces = cli_json("--db", db, "parties", "forces", "BGD", "--format", "json")
    assert {(f["source"], f["name"]) for f in forces} == {("ucdp-ged", "Government of Bangladesh")}
    rows = cli_json("--db", db, "compare", "--by", "party", "--states", "BGD", "--format", "json")["rows"]
    one_sided = [r for r in ged_rows(shared_data / GED_BGD) if r["type_of_violence"] == "3" and r["side_a"] == "Government of Bangladesh"]
    assert rows[0]["civilian_deaths"] == sum(int(r["deaths_civilians"]) for r in one_sided)
    csv_out = cli("--db", db, "compare", "--by", "party", "--category", "non_state_armed_group", "--format", "csv")
    assert csv_out.returncode == 0 and csv_out.stdout.startswith("actor_id,actor,category")
    # the party-category comparison still answers
    assert cli("--db", db, "compare", "--format", "json").returncode == 0
    for args, message in (
        (["parties", "show", "999999"], "no actor 999999"),
        (["compare", "--by", "party", "--actors", "abc"], "not an actor id"),
        (["compare", "--by", "party"], "choose actors"),
        (["compare", "--states", "BGD"], "go with --by party"),
        (["parties", "merge", str(forces[0]["actor_id"]), "999999"], "no actor 999999"),
    ):
        bad = cli("--db", db, *args)
        assert bad.returncode != 0 and message in bad.stderr and "Traceback" not in bad.stderr, (args, bad.stderr)
