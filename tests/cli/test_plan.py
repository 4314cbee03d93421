"""`civwatch plan ...` end to end in a subprocess over a real SQLite file: refusals print every
problem with its line and no traceback; import, show, report (CSV, approval), export, indicators."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from civwatch.services import auth
from civwatch.services import plan as svc
from civwatch.store.db import make_engine
from civwatch.store.migrate import upgrade
from tests.helpers import cli
from tests.plan_support import commitment, indicator, plan


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> tuple[str, dict[str, str]]:
    path = tmp_path_factory.mktemp("cli-plan") / "p.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    tokens = {}
    for name, role in (("lena", "analyst"), ("ann", "approver"), ("vic", "viewer")):
        auth.add_user(engine, name, "a long test password", role)
        tokens[name] = auth.issue_token(engine, name)
    engine.dispose()
    return str(path), tokens


def test_a_refused_plan_prints_each_line_and_imports_nothing(db, tmp_path: Path) -> None:
    path, tokens = db
    bad = plan(commitment("C1", indicator("I1", "manual"), lead="RCMP"), commitment("C2", indicator("I2", "cases.nope@1")))
    f = tmp_path / "bad.yaml"
    f.write_text(bad, encoding="utf-8")
    out = cli("--db", path, "plan", "import", str(f), "--token", tokens["lena"])
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = [i + 1 for i, t in enumerate(bad.splitlines()) if "lead: RCMP" in t or "query: cases.nope@1" in t]
    assert f"line {lines[0]}: objectives.0.commitments.0.lead: unknown department 'RCMP'" in " ".join(out.stderr.split())
    assert f"line {lines[1]}:" in out.stderr and "no query 'cases.nope@1'" in out.stderr
    shown = cli("--db", path, "plan", "show")
    assert shown.returncode == 2 and "no plan imported yet" in shown.stderr and "Traceback" not in shown.stderr
    denied = cli("--db", path, "plan", "import", str(svc.sample_path()), "--token", tokens["vic"])
    assert denied.returncode == 2 and "needs the role" in denied.stderr and "Traceback" not in denied.stderr


def test_import_show_report_approve_export(db, tmp_path: Path) -> None:
    path, tokens = db
    out = cli("--db", path, "plan", "import", str(svc.sample_path()), "--token", tokens["lena"], "--note", "sample")
    assert out.returncode == 0 and "version 1: 7 commitments imported" in out.stdout, out.stderr
    shown = json.loads(cli("--db", path, "plan", "show", "--on", "2014-12-31", "--json").stdout)
    assert shown["illustrative"] and shown["illustrative_note"].startswith("ILLUSTRATIVE")
    c5 = next(c for o in shown["objectives"] for c in o["commitments"] if c["id"] == "C5")
    assert c5["indicators"][0]["current"]["reason"] == "unknown: no screening decision by this date"
    table = cli("--db", path, "plan", "show", "--on", "2014-12-31")
    assert table.returncode == 0 and "ILLUSTRATIVE" in table.stdout
    dept = cli("--db", path, "plan", "show", "--department", "CAF", "--on", "2014-12-31")
    assert dept.returncode == 0 and "CAF (Canadian Armed Forces) leads 2" in dept.stdout
    rep = cli("--db", path, "plan", "report", "--from", "2012-01-01", "--to", "2014-12-31", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(rep.stdout)))
    assert len(rows) == 8 and all(r["commitment_title"].startswith("ILLUSTRATIVE: ") for r in rows)
    ok = cli("--db", path, "plan", "report", "--from", "2012-01-01", "--to", "2014-12-31", "--approve",
             "--narrative", "GAC=On course for the treaties.", "--token", tokens["ann"])
    assert ok.returncode == 0 and "approved by ann (approver)" in ok.stdout, ok.stderr
    data = json.loads(cli("--db", path, "plan", "report", "--from", "2012-01-01", "--to", "2014-12-31", "--format", "json").stdout)
    assert data["approved"] and data["narratives"] == {"GAC": "On course for the treaties."}
    exported = cli("--db", path, "plan", "export")
    assert exported.stdout == svc.sample_path().read_text(encoding="utf-8")
    queries = json.loads(cli("--db", path, "plan", "indicators", "--json").stdout)
    assert {q["query"] for q in queries} >= {"treaties.forum_parties@1", "screening.complete_evidence_share@1"}
    bad_date = cli("--db", path, "plan", "report", "--from", "2012-13-01", "--to", "2014-12-31")
    assert bad_date.returncode == 2 and "--from must be a date" in bad_date.stderr
    # the report as a French PDF (the briefs' renderer), with the approved narrative printed in it
    pdf = tmp_path / "report-fr.pdf"
    out = cli("--db", path, "plan", "report", "--from", "2012-01-01", "--to", "2014-12-31", "--format", "pdf", "--lang", "fr",
              "-o", str(pdf))
    assert out.returncode == 0 and pdf.read_bytes().startswith(b"%PDF"), out.stderr
    import pypdf

    text = " ".join("\n".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages).split())
    assert "Rapport d'étape" in text and "On course for the treaties." in text and "approuvé" in text.lower()
    for args in (("--lang", "de", "-o", str(pdf)), ("--lang", "fr")):  # unknown language; a PDF needs a file
        bad = cli("--db", path, "plan", "report", "--from", "2012-01-01", "--to", "2014-12-31", "--format", "pdf", *args)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr and ("--lang" in bad.stderr or "needs --out" in bad.stderr)
