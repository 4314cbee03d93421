"""The women-and-children share with and without harm read from text, against the raw file.

UCDP GED codes no sex or age, so every report's breakdown comes from its headline. The expected
sums are computed here from the raw CSV (csv module) and the domain reader, with the rule the
docs state (a row counts when the text calls the person a civilian, or says nothing and the
report's coded civilian deaths are > 0), independently of the SQL that sums them in the store.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import text

from civwatch.domain import textcounts as tc
from civwatch.domain.query import Filters
from civwatch.services import indicators
from civwatch.services import textcounts as svc
from civwatch.services.importing import import_file

GED = "ged_v23_1_global_random_sample_991.csv"


def _expected(path: Path) -> dict[int, list[int]]:
    """year -> [records, casualties with sex or age, women or children], from the raw file."""
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            try:
                ex = tc.extract(row["source_headline"])
            except tc.TextError:
                continue
            civ_deaths = int(row["deaths_civilians"] or 0)
            cas = wc = 0
            for f in ex.breakdown("killed") + ex.breakdown("injured"):
                counted = f.civilian is True or (f.civilian is None and f.outcome == "killed" and civ_deaths > 0)
                if counted and f.best is not None:
                    cas += f.best
                    wc += f.best if (f.sex == "female" or f.age_group == "child") else 0
            if cas:
                acc = out[int(row["year"])]
                acc[0] += 1
                acc[1] += cas
                acc[2] += wc
    return out


@pytest.fixture
def ged_store(store, shared_data: Path):
    summary = import_file(store, shared_data / "ucdp_ged" / GED, actor="test")
    svc.extract_harm(store, batch_id=summary.batch_id)
    return store


def test_extracted_figures_are_left_out_by_default_and_added_when_asked(ged_store, shared_data: Path) -> None:
    """One import per store kind serves every check (the suite's time budget)."""
    expected = _expected(shared_data / "ucdp_ged" / GED)
    assert sum(v[1] for v in expected.values()) > 0
    for f in (Filters(source="ucdp-ged"), Filters()):  # report level, and incident level (no linkage: the same)
        coded = indicators.indicator(ged_store, "women-children-share", by=["year"], filters=f)
        assert coded.extracted["shown"] == "excluded" and "left out" in coded.extracted["statement"]
        assert all(r["value"] is None and r["denominator"] == 0 for r in coded.rows)  # GED codes no sex or age
        got = indicators.indicator(ged_store, "women-children-share", by=["year"], filters=f, extracted="include")
        assert got.extracted["shown"] == "included" and got.extracted["method"] == tc.METHOD_VERSION
        rows = {r["year"]: r for r in got.rows if r["denominator"]}
        assert {y: [r["extracted"]["records"], r["denominator"], r["numerator"]] for y, r in rows.items()} == dict(expected)
        assert {y: r["value"] for y, r in rows.items()} == {y: round(v[2] / v[1], 6) for y, v in expected.items()}
        assert got.extracted["casualties_disaggregated"] == sum(v[1] for v in expected.values())
        # the excluded result says what it leaves out, group by group
        left = {r["year"]: r["extracted"]["casualties_disaggregated"] for r in coded.rows if r["extracted"]["records"]}
        assert left == {y: v[1] for y, v in expected.items()}
    # the same sums by hand SQL over the stored rows; the other indicators are untouched
    with ged_store.connect() as conn:
        cas, wc = conn.execute(text(
            "SELECT coalesce(sum(x.best), 0), coalesce(sum(CASE WHEN x.sex = 'female' OR x.age_group = 'child' THEN x.best ELSE 0 END), 0) "
            "FROM harm_extracted x JOIN reports r ON r.id = x.report_id "
            "WHERE x.outcome IN ('killed', 'injured') AND x.best IS NOT NULL AND (x.civilian = true OR (x.civilian IS NULL AND "
            "((x.outcome = 'killed' AND coalesce(r.civilian_deaths_best, 0) > 0) OR (x.outcome = 'injured' AND coalesce(r.civilian_injuries_best, 0) > 0))))"
        )).one()
    got = indicators.indicator(ged_store, "women-children-share", extracted="include")
    assert (got.rows[0]["denominator"], got.rows[0]["numerator"]) == (cas, wc)
    deaths = indicators.indicator(ged_store, "civilian-deaths", extracted="include")
    assert deaths.extracted["shown"] == "not applicable"
    assert deaths.rows == indicators.indicator(ged_store, "civilian-deaths").rows
    cmp_ = indicators.compare(ged_store, extracted="include")
    assert cmp_.extracted["shown"] == "included"
    assert sum(r["coverage"]["casualties_disaggregated"] for r in cmp_.rows) == cas
    with pytest.raises(ValueError, match="extracted must be one of exclude, include"):
        indicators.indicator(ged_store, "women-children-share", extracted="both")
