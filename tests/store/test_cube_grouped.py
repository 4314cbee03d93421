"""The cube's sums per group (`cube.grouped`, one row per group) give the same groups and totals
as summing per group and source in Python, and as the same question over the base tables
(SQLite and PostgreSQL).

The store holds hand-written reports from three sources over several years, months, countries,
weapons and party categories; two pairs are linked, so some incidents have two sources.
"""

from __future__ import annotations

from datetime import date

import pytest

from civwatch.analytics import measures
from civwatch.domain.query import Filters
from civwatch.services import indicators
from civwatch.store import cube, cube_grouped
from tests.seed import add_report, link

SOURCES = ("ucdp-ged", "acled", "ucdp-ged", "airwars", "acled", "ucdp-ged")
WEAPONS = ("small_arms", "explosive_air_launched", "unknown", "drone")
CATEGORIES = ("state_forces", "non_state_armed_group", "unknown")
CASES = [
    ([], Filters()),
    (["year"], Filters()),
    (["month"], Filters()),
    (["country"], Filters()),
    (["source"], Filters()),
    (["year", "country"], Filters()),
    (["weapon"], Filters()),
    (["party_category", "year"], Filters()),
    (["month"], Filters(date_from=date(2019, 2, 1), date_to=date(2020, 3, 31))),
    (["year"], Filters(source="acled")),
    (["month"], Filters(source="ucdp-ged", countries=("SYR",))),
    (["year"], Filters(weapons=("drone", "small_arms"))),
    (["grade"], Filters(countries=("UKR", "SYR"), year_from=2019)),
    (["populated_area"], Filters()),
    (["year"], Filters(countries=("FRA",))),  # nothing matches
]


@pytest.fixture
def filled(store):
    ids = []
    for k in range(36):
        day = date(2018 + k % 4, 1 + (k * 5) % 12, 1 + k % 27)
        ids.append(add_report(
            store, source=SOURCES[k % len(SOURCES)], day=day, country=("UKR", "SYR", "YEM")[k % 3],
            deaths=None if k % 7 == 0 else k % 9, deaths_low=k % 4 or None, injuries=k % 5 or None,
            weapon=WEAPONS[k % 4], category=CATEGORIES[k % 3], populated=(None, True, False)[k % 3],
            grade=("ungraded", "weak", "confirmed")[k % 3],
        ))
    link(store, ids[0][0], [ids[1][0]])  # ucdp-ged + acled
    link(store, ids[3][0], [ids[4][0], ids[5][0]])  # airwars + acled + ucdp-ged
    indicators.ensure_fresh(store)
    return store


def _python_groups(conn, level: str, dims: list[str], f: Filters, use_cube: bool) -> tuple[dict, dict]:
    summed = cube.aggregate(conn, level, measures.helper_dims(dims), f, use_cube=use_cube)
    groups = measures.collapse(summed, dims)
    return groups, measures.total(groups)


@pytest.mark.parametrize(("dims", "f"), CASES)
def test_grouped_sums_equal_the_sums_per_group_and_source(filled, dims, f) -> None:
    level = "report" if f.source else "incident"
    with filled.connect() as conn:
        got = cube_grouped.grouped(conn, level, dims, f)
        assert got is not None, "the cube answers every case here"
        groups, totals = measures.summed_groups(got[0], dims), measures.summed_totals(got[1])
        for use_cube in (True, False):  # the cube's own rows, and the base tables
            want_groups, want_totals = _python_groups(conn, level, dims, f, use_cube)
            assert set(groups) == set(want_groups)
            for key, acc in groups.items():
                want = want_groups[key]
                assert {m: acc[m] for m in measures.SUMMED} == {m: want[m] for m in measures.SUMMED}, key
                assert sorted(acc["_sources"]) == sorted(want["_sources"]), key
            assert {k: {**v, "_sources": dict(v["_sources"])} for k, v in totals.items()} == \
                {k: {**v, "_sources": dict(v["_sources"])} for k, v in want_totals.items()}
    if dims == ["month"] and not f.source and f.date_from is None:
        assert any("," in s for s in (r[-1] for r in got[0])), "two-source incidents are in the fixture"


def test_grouped_declines_what_only_the_base_tables_answer(filled) -> None:
    with filled.connect() as conn:
        assert cube_grouped.grouped(conn, "incident", ["weapon", "grade"], Filters()) is None
        assert cube_grouped.grouped(conn, "incident", ["year"], Filters(text="event")) is None
        assert cube_grouped.grouped(conn, "incident", ["year"], Filters(date_from=date(2019, 2, 3))) is None


def test_the_linked_fixture_counts_by_hand(filled) -> None:
    """36 reports (18 ucdp-ged, 12 acled, 6 airwars), two links folding 3 incidents away: 33
    incidents. A source is credited with every report of the incidents it contributes to: the
    2-report incident (ucdp-ged + acled) and the 3-report one (airwars + acled + ucdp-ged) add
    their reports to each of their sources, in place of their own 2 + 1 acled, 2 ucdp-ged, 1 airwars."""
    result = indicators.indicator(filled, "incidents", by="source")
    assert sum(r["value"] for r in result.rows) == 33
    assert {s["source"]: s["reports"] for s in result.sources} == {"ucdp-ged": 18 - 2 + 2 + 3, "acled": 12 - 2 + 2 + 3,
                                                                   "airwars": 6 - 1 + 3}
    assert result.coverage["records"] == 33 and result.coverage["reports"] == 36


NAMES = ("civilian-deaths", "civilian-injuries", "incidents", "reports", "women-children-share", "ewipa-share")


@pytest.mark.parametrize("name", NAMES)
def test_every_indicator_reads_as_the_base_tables_sum_it(filled, name) -> None:
    """Rows, sources and coverage of `indicators.indicator` (the cube, summed per group by the
    store) equal those made the long way from the base tables' sums per group and source."""
    for dims, f in CASES:
        indicators._cache.clear()  # noqa: SLF001 - computed afresh
        got = indicators.indicator(filled, name, by=dims, filters=f)
        level = "report" if f.source else "incident"
        with filled.connect() as conn:
            summed = cube.aggregate(conn, level, measures.helper_dims(dims), f, use_cube=False)
        want_rows = measures.indicator_rows(name, summed, dims)
        for row in got.rows:
            row.pop("extracted", None)
        assert got.rows == want_rows, (name, dims, f)
        assert got.sources == measures.source_totals(summed), (name, dims, f)
        want_cov = measures.overall_coverage(summed, level, f.source)
        assert {k: got.coverage[k] for k in want_cov if k != "linkage"} == {k: v for k, v in want_cov.items() if k != "linkage"}
