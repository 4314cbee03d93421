"""`civwatch text counts|check|learn` as a user runs them: files in, one clear line on a mistake."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.test_main import run


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_counts_check_and_learn(tmp_path: Path) -> None:
    src = _write(tmp_path / "notes.csv", [
        {"ID": "n1", "notes": "Soldiers shot dead two men and a boy near the market.", "fatalities": "3"},
        {"ID": "n2", "notes": "Several villagers were killed in the raid.", "fatalities": "10"},
        {"ID": "n3", "notes": "An explosion killed 4 people and injured 11.", "fatalities": "1"},
    ])
    out = tmp_path / "out.csv"
    r = run("text", "counts", str(src), "--text-column", "notes", "--id-column", "ID", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "3 rows read, 3 with a killed figure, 0 unreadable" in r.stdout
    rows = {x["id"]: x for x in csv.DictReader(out.open(encoding="utf-8"))}
    assert (rows["n1"]["killed"], rows["n1"]["men_killed"], rows["n1"]["boys_killed"]) == ("3", "2", "1")
    assert (rows["n2"]["killed"], rows["n2"]["killed_low"], rows["n2"]["killed_basis"]) == ("", "2", "vague:several")
    assert (rows["n3"]["killed"], rows["n3"]["injured"]) == ("4", "11")

    check = run("text", "check", str(src), "--format", "csv")
    assert check.returncode == 0, check.stderr
    found = list(csv.DictReader(check.stdout.splitlines()))
    assert [(f["id"], f["coded"], f["read"]) for f in found] == [("n3", "1", "4")]  # the id column is found by name

    conv = tmp_path / "conv.json"
    learn = run("text", "learn", str(src), "-o", str(conv), "--min-support", "1")
    assert learn.returncode == 0 and conv.exists(), learn.stderr
    again = run("text", "counts", str(src), "--conventions", str(conv), "-o", str(out))
    assert again.returncode == 0, again.stderr
    assert {x["id"]: x["killed"] for x in csv.DictReader(out.open(encoding="utf-8"))}["2"] == "10"


def test_mistakes_are_one_line(tmp_path: Path) -> None:
    src = _write(tmp_path / "notes.csv", [{"ID": "n1", "text": "Two killed."}])
    r = run("text", "counts", str(src), "--text-column", "notes")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "has no column 'notes'; its columns are: ID, text" in " ".join(r.stderr.split())
    r = run("text", "counts", str(src), "--text-column", "text", "--language", "es")
    assert r.returncode != 0 and "unsupported language 'es'; supported: en, fr" in r.stderr
    r = run("text", "counts", str(tmp_path / "missing.csv"))
    assert r.returncode != 0 and "Traceback" not in r.stderr
    r = run("text", "counts", str(src), "--text-column", "text", "--conventions", str(tmp_path / "no.json"))
    assert r.returncode != 0 and "civwatch text learn" in " ".join(r.stderr.split())


def test_import_reads_harm_from_text_when_asked(tmp_path: Path, shared_data: Path) -> None:
    import json

    db = str(tmp_path / "s.sqlite")
    path = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    r = run("--db", db, "import", str(path), "--json", "--extract-text")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["accepted"] == 991 and out["text_harm"]["reports_read"] == 991 and out["text_harm"]["method"] == "textcounts-3"
    again = run("--db", db, "text", "harm", "--source", "ucdp-ged")
    assert again.returncode == 0 and f"{out['text_harm']['rows']} harm rows" in again.stdout, again.stderr


def test_stats_say_whether_extracted_figures_are_in(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite")  # a new store is made on first use
    r = run("--db", db, "stats", "women-children-share", "--extracted", "include")
    assert r.returncode == 0, r.stderr
    assert "extracted: includes harm by sex and age read from report text" in " ".join(r.stdout.split())
    bad = run("--db", db, "compare", "--extracted", "maybe")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
    assert "extracted must be one of exclude, include" in (bad.stdout + bad.stderr)
