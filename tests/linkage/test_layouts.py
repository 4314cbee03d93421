"""ACLED events in GED's layout (the perturbation set from a country no fit used), read from
the real Ethiopia export at test time (ACLED rows are never committed)."""

from __future__ import annotations

import csv
from pathlib import Path

from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import ged_report, ged_row_from_acled
from civwatch.linkage.evaluation.perturb import perturbed_pair


def test_fatal_violent_acled_events_become_ged_rows(acled_dir: Path) -> None:
    with open(acled_dir / "acled_ethiopia_1997-01-01_to_2020-01-24.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept = [(r, g) for r, g in ((r, ged_row_from_acled(r)) for r in rows) if g]
    violent = [r for r in rows if r["event_type"] in ("Battles", "Explosions/Remote violence", "Violence against civilians")
               and int(r["fatalities"]) > 0]
    assert len(kept) == len(violent) > 1000
    for r, g in kept[:200]:
        rep = ged_report(g, iso3(g["country"]))
        assert rep["source_id"] == r["event_id_cnty"] and rep["date_start"] == r["event_date"]
        assert rep["total_deaths_best"] == float(r["fatalities"])
        assert rep["civilian_deaths_best"] == (float(r["fatalities"]) if r["event_type"] == "Violence against civilians" else 0.0)
        assert rep["perpetrator_category"] == ("state_forces" if r["inter1"] in ("1", "8") else "non_state_armed_group")
    reports, truth = perturbed_pair([g for _, g in kept], iso3, seed=2)
    assert len(reports) == len(truth) and len(set(truth)) == len(kept)
