"""`civwatch evidence` and `civwatch decisions` as a user runs them (real processes, a SQLite
file, a real local TSA): add, show, link, custody, bundle, verify; refusals in one line."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from civwatch.store import migrate
from civwatch.store.db import make_engine
from tests.case_support import one_sided_rows, register_incidents
from tests.cli.test_main import run
from tests.evidence_support import jpeg, pdf, rewrite_zip, start_tsa

PW = {"CIVWATCH_NEW_PASSWORD": "a long password"}


@pytest.fixture(scope="module")
def tsa_server(tmp_path_factory):
    server = start_tsa(tmp_path_factory.mktemp("tsa"))
    yield server
    server.stop()


def test_evidence_from_the_command_line(tmp_path: Path, shared_data: Path, tsa_server) -> None:
    db = str(tmp_path / "s.sqlite")
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    row = one_sided_rows(shared_data, 1)[0]
    incident = register_incidents(engine, [row])[row["id"]]
    engine.dispose()
    tokens = {}
    for name, roles in (("rita", "recorder"), ("ivan", "investigator"), ("lena", "analyst"), ("vic", "viewer")):
        assert run("--db", db, "users", "add", name, "--roles", roles, env=PW).returncode == 0
        tokens[name] = run("--db", db, "users", "token", name).stdout.strip()
    base = {"CIVWATCH_TSA_URL": tsa_server.url, "CIVWATCH_TSA_CA_FILE": str(tsa_server.ca)}

    def cw(*args: str, who: str | None = None):
        env = base | ({"CIVWATCH_TOKEN": tokens[who]} if who else {})
        return run("--db", db, *args, env=env)

    photo = jpeg(tmp_path / "photo.jpg")
    unauth = cw("evidence", "add", str(photo))
    assert unauth.returncode == 2 and "--token" in unauth.stderr
    added = cw("evidence", "add", str(photo), "--incident", str(incident), "--why", "witness", "--json", who="rita")
    assert added.returncode == 0, added.stderr
    item = json.loads(added.stdout)
    assert item["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    # kept beside the store, under its hash
    assert (tmp_path / "evidence" / "sha256" / item["sha256"][:2] / item["sha256"][2:4] / item["sha256"]).is_file()
    twice = cw("evidence", "add", str(photo), who="rita")
    assert "already kept" in twice.stdout
    wrong = cw("evidence", "add", str(pdf(tmp_path / "s.pdf")), "--type", "image/png", who="rita")
    assert wrong.returncode == 2 and "not the image/png claimed" in wrong.stderr and "Traceback" not in wrong.stderr
    shown = json.loads(cw("evidence", "show", str(item["id"]), "--json", "--why", "check", who="ivan").stdout)
    assert shown["item"]["timestamped"] and shown["links"][0]["target_id"] == incident
    assert cw("evidence", "link", str(item["id"]), "--report", "1", who="rita").stdout.strip().startswith("1 new link")
    refused = cw("evidence", "custody", str(item["id"]), "--transfer-to", "someone", "--why", "x", who="vic")
    assert refused.returncode == 2 and "may not add" in refused.stderr
    custody = _json_tail(cw("evidence", "custody", str(item["id"]), "--transfer-to", "national commission", "--why",
                            "request 4", "--json", who="lena").stdout)
    assert [s["action"] for s in custody["steps"]] == ["added", "linked", "resubmitted", "viewed", "linked", "transferred"]
    assert custody["intact"]

    decided = cw("decisions", "add", "--system", "AidA", "--system-version", "1", "--kind", "targeting", "--output",
                 "strike", "--decision", "aborted", "--reviewer", "maj. test", "--at", "2024-02-27T14:00:00Z",
                 "--input", str(item["id"]), "--incident", str(incident), who="lena")
    assert decided.returncode == 0 and decided.stdout.strip() == "decision 1 logged", decided.stderr
    bad = cw("decisions", "add", "--system", "AidA", "--system-version", "1", "--kind", "targeting", "--output", "x",
             "--decision", "approved", "--at", "2024-02-27T14:00:00Z", who="lena")
    assert bad.returncode == 2 and "reviewer" in bad.stderr
    rates = json.loads(cw("decisions", "list", "--rates", "--json").stdout)
    assert rates == [{"system": "AidA", "entries": 1, "unreviewed": 0, "reviewed": 1, "approved": 0, "overridden": 0,
                      "aborted": 1, "override_rate": 0.0}]
    assert cw("decisions", "export", "-o", str(tmp_path / "d.csv")).returncode == 0

    out = tmp_path / "bundle.zip"
    made = cw("evidence", "bundle", "--incident", str(incident), "-o", str(out), "--why", "inquiry", who="ivan")
    assert made.returncode == 0 and "1 item(s), 1 decision(s)" in made.stdout and "timestamped" in made.stdout, made.stderr
    ok = run("evidence", "verify", str(out), "--tsa-ca", str(tsa_server.ca))
    assert ok.returncode == 0 and "bundle verified" in ok.stdout
    broken = tmp_path / "broken.zip"
    rewrite_zip(out, broken, lambda m: {k: (v + b"x" if k.startswith("files/") else v) for k, v in m.items()})
    failed = run("evidence", "verify", str(broken), "--tsa-ca", str(tsa_server.ca))
    assert failed.returncode == 1 and "NOT verified" in failed.stdout and "the file was altered" in failed.stdout
    assert "intact: " in run("--db", db, "audit", "verify").stdout


def _json_tail(stdout: str) -> dict:
    """The JSON document after the one-line note the command prints first."""
    return json.loads(stdout[stdout.index("{"):])
