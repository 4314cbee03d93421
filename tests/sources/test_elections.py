"""The ElectionGuide calendar imported: every row read is accepted or rejected with its reason."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine, func, select

from civwatch.services import importing
from civwatch.store.schema import elections
from tests.helpers import write_csv

CALENDAR = "countries/electionguide_elections_scrape_2021-03-19.csv"


def test_calendar_import_accounts_for_every_row(store: Engine, shared_data: Path) -> None:
    path = shared_data / CALENDAR
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    no_date = sum(1 for r in rows if r["date"].strip() in ("", "None"))
    s = importing.import_file(store, path, actor="test")
    assert s.format == "elections"
    assert s.read == len(rows) == 2410
    assert s.accepted + s.rejected == s.read
    rejected = importing.rejections(store, s.batch_id)
    reasons = [r["reason"] for r in rejected]
    assert reasons.count("no date") == no_date == 1
    for name in ("Wales", "European Union", "Basque Country", "Corsica"):
        assert f"not a state with an ISO 3166 code: {name!r}" in reasons
    with store.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(elections)).scalar()
        rwanda = conn.execute(select(func.count()).select_from(elections).where(elections.c.country_received == "Republic of Rwanda")).scalar()
    kept = {int(r["line"]) for r in rejected}
    keys = {(r["country"], r["date"], r["election"]) for i, r in enumerate(rows, start=2) if i not in kept}
    assert stored == s.new == len(keys)
    assert s.duplicates == s.accepted - len(keys)
    assert rwanda == sum(1 for r in rows if r["country"] == "Republic of Rwanda" and r["date"] != "None")
    again = importing.import_file(store, path, actor="test")
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(keys))


def test_documented_layout_with_bad_rows(store: Engine, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "elections.csv", ["date", "country", "election", "status"], [
        ["2026-10-04", "Republic of Kenya", "Election for President", "Confirmed"],
        ["Oct. 5, 2026", "Atlantis", "Election for King", "Confirmed"],
        ["", "Republic of Kenya", "Referendum", "Confirmed"],
        ["2026-02-30", "Republic of Kenya", "Referendum", "Confirmed"],
    ])
    s = importing.import_file(store, path, actor="test")
    assert (s.read, s.accepted, s.rejected) == (4, 1, 3)
    reasons = [r["reason"] for r in importing.rejections(store, s.batch_id)]
    assert reasons[0] == "not a state with an ISO 3166 code: 'Atlantis'"
    assert reasons[1] == "no date"
    assert "2026-02-30" in reasons[2]
