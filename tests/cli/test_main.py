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
