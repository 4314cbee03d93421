from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CIVWATCH = [sys.executable, "-m", "civwatch.cli.main"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    full_env.update(env or {})
    return subprocess.run([*CIVWATCH, *args], capture_output=True, text=True, env=full_env, timeout=120)


def test_help_lists_commands() -> None:
    out = run("--help")
    assert out.returncode == 0
    for name in ("db", "users", "audit", "taxonomy"):
        assert name in out.stdout


def test_db_upgrade_then_users_on_a_file(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    assert "upgraded" in run("--db", db, "db", "upgrade").stdout
    assert "latest migration" in run("db", "upgrade", "--db", db).stdout
    added = run("--db", db, "users", "add", "alice", "--roles", "recorder", env={"CIVWATCH_NEW_PASSWORD": "a long password"})
    assert added.returncode == 0, added.stderr
    assert "alice" in run("--db", db, "users", "list").stdout
    assert "intact: 1 entries" in run("--db", db, "audit", "verify").stdout


def test_user_mistakes_are_one_line_without_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    bad_role = run("--db", db, "users", "add", "bob", "--roles", "general", "--password", "a long password")
    assert bad_role.returncode != 0
    assert "unknown role 'general'" in bad_role.stderr and "Traceback" not in bad_role.stderr
    misspelt = run("db", "current", env={"CIVWATCH_DATABSE_URL": db})
    assert misspelt.returncode != 0
    assert "Did you mean CIVWATCH_DATABASE_URL" in misspelt.stderr and "Traceback" not in misspelt.stderr
    assert len(misspelt.stderr.strip().splitlines()) == 1


def test_default_store_is_a_file_in_the_user_data_dir(tmp_path: Path) -> None:
    out = run("db", "upgrade", env={"XDG_DATA_HOME": str(tmp_path), "HOME": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "civwatch" / "civwatch.sqlite").exists()


def _one_line(out: subprocess.CompletedProcess, code: int = 2) -> str:
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


def test_usage_mistakes_are_one_line_and_exit_2(tmp_path: Path) -> None:
    """typer 0.29 raises its bundled click's exceptions: they too end in one line."""
    db = str(tmp_path / "s.sqlite")
    assert "--help" in _one_line(run())
    assert "No such command 'nosuch'" in _one_line(run("--db", db, "nosuch"))
    assert "No such option: --bogus" in _one_line(run("--db", db, "stats", "civilian-deaths", "--bogus"))
    assert "Missing argument" in _one_line(run("--db", db, "stats"))
    assert "--from-year" in _one_line(run("--db", db, "stats", "incidents", "--from-year", "soon"))
    assert "No such command" in _one_line(run("cases", "nosuch"))
    version = run("--version")
    assert version.returncode == 0 and version.stdout.strip().startswith("civwatch ") and not version.stderr


def test_a_store_path_that_is_not_a_database_says_so(tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite"
    junk.write_text("shopping list, not a database\n")
    line = _one_line(run("--db", str(junk), "imports"))
    assert "not an SQLite database" in line and str(junk) in line
    assert junk.read_text() == "shopping list, not a database\n"  # left as it was


def test_bad_values_name_what_is_valid(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    line = _one_line(run("--db", db, "stats", "incidents", "--source", "bbc"))
    assert "unknown source 'bbc'" in line and "ucdp-ged" in line and "acled" in line
    assert "unknown country code 'ZZZ'" in _one_line(run("--db", db, "stats", "incidents", "--country", "ZZZ"))
    assert "not an ISO 3166-1 alpha-3" in _one_line(run("--db", db, "compare", "--country", "Atlantis"))
    line = _one_line(run("--db", db, "stats", "incidents", "--weapon", "laser"))
    assert "'laser'" in line and "small_arms" in line
    assert "party_category" in _one_line(run("--db", db, "stats", "incidents", "--party-category", "rebels"))
    assert "grade" in _one_line(run("--db", db, "stats", "incidents", "--grade", "excellent"))
    line = _one_line(run("--db", db, "stats", "incidents", "--from", "2020-13"))
    assert line.startswith("error: --from:") and "YYYY, YYYY-MM or YYYY-MM-DD" in line
    for good in ("2020", "2020-03", "2020-03-09"):
        out = run("--db", db, "stats", "incidents", "--from", good, "--to", good, "--format", "json")
        assert out.returncode == 0, out.stderr
    assert "unknown format" in _one_line(run("--db", db, "export", "incidents", "-o", str(tmp_path / "x"), "--format", "pdf"))


def test_serve_on_a_busy_port_fails_before_claiming_to_serve(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        out = run("--db", str(tmp_path / "s.sqlite"), "serve", "--port", str(port))
    line = _one_line(out)
    assert f"cannot serve on 127.0.0.1:{port}" in line and "serving" not in out.stdout


def test_export_incidents_gives_the_api_formats(tmp_path: Path) -> None:
    import csv
    import json

    db = str(tmp_path / "s.sqlite")
    sample = Path(__file__).resolve().parents[2] / "src" / "civwatch" / "data" / "samples"
    ged = next(p for p in sorted(sample.iterdir()) if "ged" in p.name.lower())
    assert run("--db", db, "import", str(ged)).returncode == 0
    with ged.open(encoding="utf-8", newline="") as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    out_csv = tmp_path / "i.csv"
    assert run("--db", db, "export", "incidents", "-o", str(out_csv)).returncode == 0
    with out_csv.open(encoding="utf-8", newline="") as fh:
        assert sum(1 for _ in csv.DictReader(fh)) == rows
    out_geo = tmp_path / "i.geojson"
    assert run("--db", db, "export", "incidents", "--output", str(out_geo), "--format", "geojson").returncode == 0
    assert len(json.loads(out_geo.read_text())["features"]) == rows
    out_xlsx = tmp_path / "i.xlsx"
    assert run("--db", db, "export", "incidents", "-o", str(out_xlsx), "--format", "xlsx").returncode == 0
    assert out_xlsx.read_bytes()[:2] == b"PK"
    cases_out = tmp_path / "cases.csv"
    assert run("--db", db, "cases", "export", "-o", str(cases_out)).returncode == 0 and cases_out.exists()


def test_enum_and_overflow_mistakes_name_what_is_valid(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    line = _one_line(run("--db", db, "cases", "queue", "--state", "nope"))
    assert "'nope'" in line and "initial_assessment" in line and "lesson_learned" in line
    line = _one_line(run("--db", db, "incidents", "grade", "1", "--grade", "excellent", "--reason", "x"))
    assert "'excellent'" in line and "confirmed" in line
    assert "too large" in _one_line(run("--db", db, "rejects", "9" * 25))
