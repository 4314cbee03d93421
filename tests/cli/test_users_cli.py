"""`civwatch users token|tokens|revoke|disable|enable` and `serve --workers` on a real store, as a
user runs them (subprocess): one line each, never a traceback."""

from __future__ import annotations

from pathlib import Path

from civwatch.services import auth
from civwatch.store.db import make_engine
from tests.cli.test_main import run

PW = {"CIVWATCH_NEW_PASSWORD": "a long password"}


def test_tokens_are_listed_revoked_and_users_disabled(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    assert run("--db", db, "users", "add", "alice", "--roles", "recorder", env=PW).returncode == 0
    issued = run("--db", db, "users", "token", "alice", "--name", "sync", "--days", "7")
    assert issued.returncode == 0 and issued.stdout.strip().startswith("cw_")
    token = issued.stdout.strip()
    engine = make_engine(f"sqlite:///{db}")
    assert auth.principal_for_token(engine, token).username == "alice"
    listed = run("--db", db, "users", "tokens", "alice")
    assert "sync" in listed.stdout and "no" in listed.stdout
    revoked = run("--db", db, "users", "revoke", "alice")
    assert revoked.returncode == 0 and "revoked 1 token(s) of alice" in revoked.stdout
    again = run("--db", db, "users", "revoke", "alice", "--token", "1")
    assert again.returncode != 0 and "no live token 1" in again.stderr and "Traceback" not in again.stderr
    run("--db", db, "users", "token", "alice")
    disabled = run("--db", db, "users", "disable", "alice")
    assert disabled.returncode == 0 and "1 token(s) revoked" in disabled.stdout
    assert "no" in run("--db", db, "users", "list").stdout
    nobody = run("--db", db, "users", "disable", "nobody")
    assert nobody.returncode != 0 and "no user 'nobody'" in nobody.stderr and "Traceback" not in nobody.stderr
    assert run("--db", db, "users", "enable", "alice").returncode == 0
    assert auth.authenticate(engine, "alice", "a long password").username == "alice"
    audit = run("--db", db, "audit", "log", "--limit", "50").stdout
    for event in ("token_issued", "token_revoked", "user_disabled", "user_changed"):
        assert event in audit
    engine.dispose()


def test_serve_with_workers_needs_the_secret_key(tmp_path: Path) -> None:
    out = run("--db", str(tmp_path / "s.sqlite"), "serve", "--workers", "2", "--port", "1")
    assert out.returncode != 0
    assert "CIVWATCH_SECRET_KEY" in out.stderr and "Traceback" not in out.stderr
    assert "serving on" not in out.stdout
