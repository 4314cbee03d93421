"""The forces' incidents kept with the party facts (party_forces_incidents, party_forces_objects)
never disagree with the base tables: after an import, and after a register correction the
next read rebuilds them (same fingerprint as party_facts). Expectations by hand SQL over the
reports, the register and the incidents, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from civwatch.services import importing, parties, screening
from civwatch.services.store import open_store

GED_GLOBAL = "ucdp_ged/ged_v23_1_global_random_sample_991.csv"
ACLED_ETH = "acled/acled_ethiopia_1997-01-01_to_2020-01-24.csv"

# each incident once per state whose forces (state forces, not merged away) a report names as perpetrator
HAND = """
SELECT DISTINCT a.state_iso3, i.id, i.date_start, i.year, i.weapon, coalesce(i.grade_override, i.grade),
       i.populated_area, i.civilian_deaths_low, i.civilian_deaths_best, i.civilian_deaths_high,
       i.civilian_injuries_low, i.civilian_injuries_best, i.civilian_injuries_high
FROM reports r
JOIN actor_names n ON n.source = r.source AND n.name = r.perpetrator_name
JOIN actors a ON a.id = n.actor_id
JOIN incidents i ON i.id = r.incident_id
WHERE a.category = 'state_forces' AND a.state_iso3 IS NOT NULL AND a.merged_into IS NULL
"""
KEPT = """
SELECT state_iso3, incident_id, date_start, year, weapon, grade, populated_area, civilian_deaths_low,
       civilian_deaths_best, civilian_deaths_high, civilian_injuries_low, civilian_injuries_best, civilian_injuries_high
FROM party_forces_incidents
"""
OBJECTS_HAND = """
SELECT DISTINCT a.state_iso3, i.id, d.kind, i.date_start
FROM reports r
JOIN actor_names n ON n.source = r.source AND n.name = r.perpetrator_name
JOIN actors a ON a.id = n.actor_id
JOIN incidents i ON i.id = r.incident_id
JOIN reports r2 ON r2.incident_id = i.id
JOIN damaged_objects d ON d.report_id = r2.id
WHERE a.category = 'state_forces' AND a.state_iso3 IS NOT NULL AND a.merged_into IS NULL
"""


def rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(text(sql)))


@pytest.fixture
def engine(store_url: str, shared_data: Path) -> Engine:
    e = open_store(store_url)
    for name in (GED_GLOBAL, ACLED_ETH):
        importing.import_file(e, shared_data / name)
    yield e
    e.dispose()


def test_forces_incidents_equal_the_base_tables_and_follow_a_correction(engine: Engine) -> None:
    parties.ensure_fresh(engine)
    want = rows(engine, HAND)
    assert len({r[0] for r in want}) > 5 and any(r[0] == "ETH" for r in want)
    assert rows(engine, KEPT) == want
    assert rows(engine, "SELECT state_iso3, incident_id, kind, date_start FROM party_forces_objects") == rows(engine, OBJECTS_HAND)

    # an analyst says one of Ethiopia's forces actors is Eritrea's: the next read follows
    with engine.connect() as conn:
        moved = parties.forces_of_state(conn, "ETH")[0].actor_id
    parties.correct(engine, moved, reason="test", state_iso3="ERI")
    before = rows(engine, KEPT)
    parties.ensure_fresh(engine)
    after = rows(engine, KEPT)
    assert after != before and after == rows(engine, HAND)


def test_screening_harm_reads_what_the_incidents_say(engine: Engine) -> None:
    """The summed harm of a recipient's forces equals the hand sum over the incidents."""
    from datetime import date

    parties.ensure_fresh(engine)
    d0, d1 = date(1990, 1, 1), date(2020, 1, 24)
    with engine.connect() as conn:
        got = screening._harm(conn, "ETH", "ML4", d0, d1)
        n, deaths = conn.execute(text(
            "SELECT count(*), sum(coalesce(civilian_deaths_best, 0)) FROM incidents WHERE id IN ("
            " SELECT r.incident_id FROM reports r JOIN actor_names n ON n.source = r.source AND n.name = r.perpetrator_name"
            " JOIN actors a ON a.id = n.actor_id WHERE a.category = 'state_forces' AND a.state_iso3 = 'ETH'"
            " AND a.merged_into IS NULL) AND date_start BETWEEN :a AND :b"), {"a": d0, "b": d1}).one()
    assert n > 50
    assert got["incidents"] == n and got["civilian_deaths"]["best"] == deaths
