"""`civwatch missing`: report, register, import a list, candidates, a refused confirmation, confirm."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from tests.cli.test_main import run

PW = {"CIVWATCH_NEW_PASSWORD": "a long password"}


@pytest.mark.slow  # eleven civwatch processes
def test_missing_from_the_command_line(tmp_path: Path, shared_data: Path) -> None:
    db = str(tmp_path / "s.sqlite")
    tokens = {}
    for name, roles in (("rita", "recorder"), ("ivan", "investigator")):
        assert run("--db", db, "users", "add", name, "--roles", roles, env=PW).returncode == 0
        tokens[name] = run("--db", db, "users", "token", name).stdout.strip()

    def cw(*args: str, who: str | None = None):
        return run("--db", db, "missing", *args, env={"CIVWATCH_TOKEN": tokens[who]} if who else None)

    assert cw("report", "--name", "x").returncode != 0  # no token: refused in one line
    future = cw("report", "--name", "Someone", "--date-of-birth", "2999-01-01", who="rita")
    assert future.returncode != 0 and "future" in future.stderr and "Traceback" not in future.stderr
    opened = cw("report", "--name", "Mohammed Hamdan El-Najjar", "--age", "17", "--sex", "m", who="rita")
    assert opened.returncode == 0 and "code MP-" in opened.stdout, opened.stderr
    assert "searching" in cw("register", "1", who="rita").stdout
    with open(shared_data / "other_monitors" / "airwars_gaza_2023_victims_by_incident.csv", encoding="utf-8", newline="") as fh:
        rows = [r for _, r in zip(range(40), csv.DictReader(fh), strict=False)]
    path = tmp_path / "arabic.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name_ar", "age_years", "gender"])
        w.writerows([r["name_ar"], r["age_years"], r["gender"]] for r in rows)
        w.writerow(["", "", ""])  # no name
    imported = cw("lists", "import", str(path), "--kind", "dead", "--title", "Airwars", "--provenance", "Airwars",
                  "--date", "2024-09-25", who="rita")
    unnamed = sum(1 for r in rows if not r["name_ar"].strip()) + 1
    assert f"{len(rows) + 1} rows read, {len(rows) + 1 - unnamed} accepted, {unnamed} rejected" in imported.stdout, imported.stdout
    cands = json.loads(cw("candidates", "1", "--json", who="ivan").stdout)
    assert cands[0]["entry"]["names"] == ["محمد حمدان النجار"]
    refused = cw("confirm", "1", "--candidate", str(cands[0]["id"]), "--reason", "x", who="rita")
    assert refused.returncode != 0 and "investigator" in refused.stderr
    done = cw("confirm", "1", "--candidate", str(cands[0]["id"]), "--reason", "identified", who="ivan")
    assert "confirmed_dead" in done.stdout, done.stderr
