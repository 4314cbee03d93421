"""Files, conventions and quality control around the text rules, on real files and stores."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from civwatch.services import textcounts as svc
from civwatch.services.importing import import_file


def _write(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_one_output_row_per_input_row(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [
        {"ID": "a", "notes": "Gunmen killed 3 civilians, including a 10-year-old girl, and wounded two men."},
        {"ID": "b", "notes": ""},
        {"ID": "c", "notes": "Dozens of people were killed."},
        {"ID": "d", "notes": "=HYPERLINK(\"x\") Police arrested 4 protesters."},
        {"ID": "e", "notes": "Los soldados mataron a cinco personas en el pueblo."},
    ])
    summary = svc.count_file(src, "notes", "ID", tmp_path / "out.csv")
    assert (summary.rows, summary.with_killed, summary.unreadable) == (5, 2, 2)
    out = {r["id"]: r for r in csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8"))}
    assert list(out) == ["a", "b", "c", "d", "e"]
    a = out["a"]
    assert (a["killed"], a["killed_low"], a["killed_high"], a["injured"], a["civilians_killed"], a["girls_killed"],
            a["children_killed"], a["men_killed"]) == ("3", "3", "3", "2", "3", "1", "1", "")
    assert "killed stated [7:25] killed 3 civilians" in a["spans"] and "part" in a["spans"]
    assert out["b"]["error"].startswith("empty text") and out["b"]["killed"] == ""
    c = out["c"]
    assert (c["killed"], c["killed_low"], c["killed_high"], c["killed_basis"]) == ("", "24", "", "vague:dozens")
    assert out["d"]["detained"] == "4" and out["d"]["killed"] == ""
    assert "unsupported language" in out["e"]["error"]
    # with a learnt convention "dozens" is coded, and the range is kept beside it
    svc.count_file(src, "notes", "ID", tmp_path / "out2.csv", {"vague:dozens": 12})
    c2 = {r["id"]: r for r in csv.DictReader((tmp_path / "out2.csv").open(encoding="utf-8"))}["c"]
    assert (c2["killed"], c2["killed_low"]) == ("12", "24")


def test_a_missing_column_names_the_columns_there_are(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [{"event_id": "1", "description": "x"}])
    with pytest.raises(svc.ColumnError, match="has no column 'notes'; its columns are: event_id, description"):
        svc.count_file(src, "notes", None, tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_every_acled_row_gets_a_row(tmp_path: Path, acled_dir: Path) -> None:
    path = acled_dir / "acled_djibouti_1997-01-01_to_2020-01-24.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        ids = [r["event_id_cnty"] for r in csv.DictReader(fh)]
    svc.count_file(path, "notes", "event_id_cnty", tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8") as fh:
        assert [r["id"] for r in csv.DictReader(fh)] == ids


def test_conventions_are_learnt_into_the_users_file_and_read_back(tmp_path: Path) -> None:
    rows = [{"notes": "Several villagers were killed by gunmen.", "fatalities": "10"} for _ in range(6)]
    rows += [{"notes": "At least 7 soldiers died.", "fatalities": "7"} for _ in range(5)]
    rows += [{"notes": "Unknown number of rebels killed.", "fatalities": "10"} for _ in range(2)]
    src = _write(tmp_path / "coded.csv", rows)
    doc = svc.learn([src], tmp_path / "conv.json")
    saved = json.loads((tmp_path / "conv.json").read_text())
    assert saved["notes_read"] == 13 and saved["files"][0]["name"] == "coded.csv"
    assert {c["basis"]: c["value"] for c in doc["conventions"]} == {"vague:several": 10, "at-least": "said"}
    assert svc.load_conventions(tmp_path / "conv.json") == {"vague:several": 10, "at-least": "said"}
    assert svc.load_conventions(tmp_path / "none.json") == {}


def test_check_lists_coded_counts_the_text_contradicts(tmp_path: Path) -> None:
    src = _write(tmp_path / "coded.csv", [
        {"event_id_cnty": "X1", "notes": "Gunmen killed 5 villagers.", "fatalities": "5"},
        {"event_id_cnty": "X2", "notes": "Gunmen killed 5 villagers.", "fatalities": "2"},
        {"event_id_cnty": "X3", "notes": "Protesters marched in the capital.", "fatalities": "0"},
        {"event_id_cnty": "X4", "notes": "Dozens of people were killed.", "fatalities": "30"},
        {"event_id_cnty": "X5", "notes": "Dozens of people were killed.", "fatalities": "3"},
        {"event_id_cnty": "X6", "notes": "No fatalities were reported.", "fatalities": "4"},
    ])
    found = {d.id: (d.coded, d.read, d.low, d.high, d.outside) for d in svc.check_file(src)}
    assert found == {"X2": (2, 5, 5, 5, True), "X5": (3, None, 24, None, True), "X6": (4, 0, 0, 0, True)}


def test_check_of_the_store_matches_the_file(store, shared_data: Path) -> None:
    path = shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv"
    import_file(store, path, actor="test")
    from_file = {d.id: (d.coded, d.read) for d in svc.check_file(path)}
    from_store = {d.id.removeprefix("ucdp-ged:"): (d.coded, d.read) for d in svc.check_store(store, "ucdp-ged")}
    assert from_file and from_store == from_file
    # one disagreement read by hand from the file: its headline says seven were killed
    with path.open(encoding="utf-8", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["id"] == "71663")
    assert row["source_headline"].startswith("Seven killed") and from_file["71663"] == (int(row["best"]), 7)


def test_harm_by_sex_and_age_is_read_into_its_own_table(store, shared_data: Path) -> None:
    from sqlalchemy import func, select

    from civwatch.store.schema import harm, harm_extracted, reports

    summary = import_file(store, shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv", actor="test")
    with store.connect() as conn:
        coded_before = conn.execute(select(func.count()).select_from(harm)).scalar_one()
    h = svc.extract_harm(store, batch_id=summary.batch_id)
    again = svc.extract_harm(store, batch_id=summary.batch_id)
    assert again == h and h.reports_read == 991 and h.rows >= h.reports_with_rows > 0
    with store.connect() as conn:
        assert conn.execute(select(func.count()).select_from(harm)).scalar_one() == coded_before
        assert conn.execute(select(func.count()).select_from(harm_extracted)).scalar_one() == h.rows
        rid = conn.execute(select(reports.c.id).where(reports.c.source_id == "152717")).scalar_one()
    # GED 152717's headline, read by hand: "Woman among a dozen killed in separate incidents"
    assert [(r["outcome"], r["sex"], r["age_group"], r["best"], r["method"], r["text"]) for r in svc.extracted_harm(store, rid)] == [
        ("killed", "female", "adult", 1, "textcounts-3", "Woman among a dozen killed")
    ]
