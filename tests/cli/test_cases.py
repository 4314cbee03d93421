from __future__ import annotations

import json
from pathlib import Path

from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.case_support import one_sided_rows, register_incidents
from tests.cli.test_main import run

PW = {"CIVWATCH_NEW_PASSWORD": "a long password"}


def test_cases_from_the_command_line(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    row = one_sided_rows(shared_data, 1)[0]
    incident_id = register_incidents(engine, [row])[row["id"]]
    engine.dispose()
    tokens = {}
    for name, roles in (("rita", "recorder"), ("asa", "assessor"), ("ann", "approver")):
        assert run("--db", db, "users", "add", name, "--roles", roles, env=PW).returncode == 0
        tokens[name] = run("--db", db, "users", "token", name).stdout.strip()

    def cw(*args: str, who: str | None = None):
        return run("--db", db, "cases", *args, env={"CIVWATCH_TOKEN": tokens[who]} if who else None)

    unauth = cw("open", "--incident", str(incident_id))
    assert unauth.returncode == 2 and "--token" in unauth.stderr
    assert cw("open", "--incident", str(incident_id), who="rita").stdout.strip() == "opened case 1"
    skip = cw("move", "1", "findings", "--reason", "obvious", who="ann")
    assert skip.returncode == 2 and "must be assessed" in skip.stderr and "Traceback" not in skip.stderr
    ok = cw("move", "1", "initial_assessment", "--reason", "screened", "--set", "outcome=credible",
            "--set", "reasons=two sources", "--version", "1", who="asa")
    assert ok.returncode == 0 and "version 2" in ok.stdout, ok.stderr
    stale = cw("move", "1", "investigation", "--reason", "approve", "--version", "1", who="ann")
    assert stale.returncode == 4 and "changed since you read it" in stale.stderr
    assert cw("move", "1", "investigation", "--reason", "approve", "--version", "2", who="ann").returncode == 0
    shown = json.loads(cw("show", "1", "--json").stdout)
    assert shown["state"] == "investigation" and shown["civilian_deaths"] == int(row["deaths_civilians"])
    assert [t["actor"] for t in shown["timeline"]] == ["rita", "asa", "ann"]
    queue = json.loads(cw("queue", "--json").stdout)
    assert queue[0]["id"] == 1 and queue[0]["score"] == shown["triage"]["score"]
    assert json.loads(cw("measures").stdout)["time_to_state"]["other"]["investigation"]["cases"] == 1
    assert "intact: " in run("--db", db, "audit", "verify").stdout
