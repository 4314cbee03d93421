"""The overview says what it covers: sources and years, whether the data are a sample, and a
headline year that one hand-typed incident cannot move."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

from civwatch.domain.query import Filters
from civwatch.services import dashboard, demo
from civwatch.services.importing import import_file
from tests.seed import add_report


def _ged_deaths_by_year() -> dict[int, int]:
    """Independently of civwatch: civilian deaths per year over the bundled GED files, each event id once."""
    events: dict[str, tuple[int, int]] = {}
    for path in demo.sample_files():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if "deaths_civilians" in row:
                    events[row["id"]] = (int(row["date_start"][:4]), int(row["deaths_civilians"]))
    out: dict[int, int] = defaultdict(int)
    for year, deaths in events.values():
        out[year] += deaths
    return out


def test_overview_states_coverage_sample_and_a_stable_year(store) -> None:
    demo.load_sample(store)
    by_year = _ged_deaths_by_year()
    today = date(2026, 12, 1)
    expected = max(y for y, d in by_year.items() if d and y < today.year)
    first = dashboard.overview(store, Filters(), today=today)
    assert first["year"] == expected
    assert first["sample"] is True and "sample" in first["sample_note"]
    ged = next(s for s in first["covered"] if s["source"] == "ucdp-ged")
    assert (ged["first_year"], ged["last_year"]) == (min(by_year), max(by_year))
    assert first["conflict_data"] is True
    # one incident typed in by hand for a later year does not move the headline year
    add_report(store, source="manual", day=date(today.year - 1, 6, 1), deaths=5, country="UKR")
    second = dashboard.overview(store, Filters(), today=today)
    assert second["year"] == expected
    assert any(s["source"] == "manual" and s["first_year"] == today.year - 1 for s in second["covered"])


def test_overview_of_own_data_is_not_a_sample_and_conflicts_may_be_absent(store, tmp_path) -> None:
    src = demo.sample_files()[0]
    copy = tmp_path / "ged.csv"
    with src.open(encoding="utf-8", newline="") as fh, copy.open("w", encoding="utf-8", newline="") as out:
        rows = list(csv.reader(fh))
        csv.writer(out).writerows(rows[:40])  # a file of one's own, not the bundled one
    import_file(store, copy)
    data = dashboard.overview(store, Filters(), today=date(2026, 12, 1))
    assert data["sample"] is False and data["sample_note"] is None
    assert data["conflict_data"] is False
    only_manual = dashboard.covered(store, Filters(source="manual"))
    assert only_manual == []
