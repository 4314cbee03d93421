"""The register's tables and maintained facts on SQLite and PostgreSQL, and its refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from civwatch.services import importing, parties
from civwatch.store import parties as store
from civwatch.store.schema import party_incidents, reports

GED_BGD = "ucdp_ged/ged_v19_1_bangladesh_1989_2018.csv"


@pytest.fixture
def bgd(store: Engine, shared_data: Path) -> Engine:
    importing.import_file(store, shared_data / GED_BGD)
    return store


def _strip(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("cases", "responses")} for r in rows]


def test_maintained_facts_equal_the_base_tables(bgd: Engine) -> None:
    ids = [a["id"] for a in parties.list_actors(bgd)]
    fast = parties.compare(bgd, actor_ids=ids, year_from=1990, year_to=2010)
    slow = parties.compare(bgd, actor_ids=ids, year_from=1990, year_to=2010, direct=True)
    assert _strip(fast["rows"]) == _strip(slow["rows"])
    assert sum(r["incidents"] for r in fast["rows"]) > 0
    with bgd.connect() as conn:
        one_sided = conn.execute(select(reports.c.id).where(reports.c.violence_type == "one_sided")).all()
        attributed = conn.execute(select(party_incidents)).all()
    assert len(attributed) == len(one_sided)  # each GED one-sided event has its side_a as perpetrator


def test_every_report_party_points_at_an_actor(bgd: Engine) -> None:
    with bgd.connect() as conn:
        assert store.unattributed_mentions(conn) == 0
    assert parties.unresolved(bgd) == []


def test_refusals(bgd: Engine) -> None:
    actors = {a["canonical_name"]: a for a in parties.list_actors(bgd)}
    state = actors["State forces of Bangladesh"]
    group = next(a for a in actors.values() if a["category"] == "non_state_armed_group")
    with pytest.raises(parties.ActorNotFound, match="no actor 999999"):
        parties.compare(bgd, actor_ids=[999999])
    with pytest.raises(parties.ActorNotFound):
        parties.merge(bgd, state["id"], [999999], reason="x")
    with pytest.raises(parties.PartyError, match="different categories.*give a reason"):
        parties.merge(bgd, state["id"], [group["id"]])
    with pytest.raises(parties.PartyError, match="needs the state"):
        parties.correct(bgd, group["id"], reason="it is the army", category="state_forces")
    names = parties.show(bgd, group["id"])["names"]
    with pytest.raises(parties.PartyError, match="needs the state"):
        parties.split(bgd, group["id"], [names[0]["id"]], "A wing", "state_forces", reason="a wing joined the army")
    with pytest.raises(parties.PartyError, match="unknown state"):
        parties.compare(bgd, states=["XYZ"])
    with pytest.raises(parties.PartyError, match="a split needs a reason"):
        parties.split(bgd, group["id"], [names[0]["id"]], "A wing", "non_state_armed_group", reason="")
    # nothing was written by a refusal
    assert parties.show(bgd, group["id"])["category"] == "non_state_armed_group"
    # with a reason, a merge across categories is allowed and the names move
    merged = parties.merge(bgd, state["id"], [group["id"]], reason="the group was absorbed into the army")
    assert {n["id"] for n in names} <= {n["id"] for n in merged["names"]}
    with pytest.raises(parties.PartyError, match="was merged into"):
        parties.correct(bgd, group["id"], canonical_name="x")


def test_like_incidents_are_by_other_actors(bgd: Engine) -> None:
    parties.ensure_fresh(bgd)
    with bgd.connect() as conn:
        pairs = conn.execute(select(party_incidents.c.incident_id, party_incidents.c.actor_id)
                             .order_by(party_incidents.c.incident_id)).all()
    assert pairs
    shown = 0
    for incident_id, actor_id in pairs[:40]:
        data = parties.like_incidents(bgd, incident_id, limit=5)
        assert data["incident"]["id"] == incident_id
        for row in data["like"]:
            assert actor_id not in [p["id"] for p in row["perpetrators"]] and row["perpetrators"]
            assert row["weapon"] == data["incident"]["weapon"]
            assert row["populated_area"] == data["incident"]["populated_area"]
        shown += len(data["like"])
    assert shown > 0
    with pytest.raises(parties.ActorNotFound):
        parties.like_incidents(bgd, 10**9)


def test_chmr_cases_count_for_the_actor_of_their_incident(bgd: Engine) -> None:
    from civwatch.services import cases
    from tests.case_support import make_users

    users = make_users(bgd)
    parties.ensure_fresh(bgd)
    with bgd.connect() as conn:
        pairs = conn.execute(select(party_incidents.c.actor_id, party_incidents.c.incident_id)
                             .order_by(party_incidents.c.incident_id)).all()
    actor_id = pairs[0][0]
    theirs = [i for a, i in pairs if a == actor_id][:2]
    other = next((a, i) for a, i in pairs if a != actor_id)
    for incident_id in [*theirs, other[1]]:
        cases.open_from_incident(bgd, incident_id, users["rita"], reason="reported by a monitor")
    rows = {r["actor_id"]: r for r in parties.compare(bgd, actor_ids=[actor_id, other[0]])["rows"]}
    assert (rows[actor_id]["cases"], rows[actor_id]["responses"]) == (len(theirs), 0)
    assert rows[other[0]]["cases"] == 1
