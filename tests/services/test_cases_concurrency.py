"""Two analysts move one case at the same moment on PostgreSQL: one wins, the other gets a
conflict, and nothing is lost or half-written."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from civwatch.domain.cases import CaseConflict
from civwatch.services import cases as svc
from civwatch.store import audit, migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import case_transitions, cases
from tests.case_support import make_users, one_sided_rows, register_incidents

pytestmark = pytest.mark.postgres

ASSESS = {"outcome": "credible", "reasons": "corroborated"}
DOUBT = {"outcome": "needs_information", "reasons": "one source", "information_needed": "a second source"}


def race(engine_a, engine_b, calls) -> list:
    """Run two calls on two engines (two real connections), released together by a barrier."""
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(i: int, engine, fn) -> None:
        barrier.wait()
        try:
            results[i] = fn(engine)
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, e, f)) for i, (e, f) in enumerate(zip((engine_a, engine_b), calls, strict=True))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_assessors_at_once_one_wins_one_conflicts(postgres_url, shared_data) -> None:
    setup = make_engine(postgres_url)
    migrate.upgrade(setup)
    ids = register_incidents(setup, one_sided_rows(shared_data, 20))
    users = make_users(setup)
    engine_a, engine_b = make_engine(postgres_url), make_engine(postgres_url)
    try:
        rounds = 0
        for incident_id in ids.values():
            case_id = svc.open_from_incident(setup, incident_id, users["rita"])
            results = race(engine_a, engine_b, [
                lambda e, c=case_id: svc.move(e, c, "initial_assessment", users["asa"], "credible", ASSESS, expected_version=1),
                lambda e, c=case_id: svc.move(e, c, "initial_assessment", users["abe"], "doubtful", DOUBT, expected_version=1),
            ])
            wins = [r for r in results if isinstance(r, dict)]
            losses = [r for r in results if isinstance(r, CaseConflict)]
            assert len(wins) == 1 and len(losses) == 1, results
            case = svc.get_case(setup, case_id, users["ann"])
            winner = wins[0]
            assert case["version"] == 2 and case["assessed_by"] == winner["assessed_by"]
            assert case["assessment"]["outcome"] == ("credible" if winner["assessed_by"] == "asa" else "needs_information")
            assert [t["actor"] for t in case["timeline"]] == ["rita", winner["assessed_by"]]
            # the loser reloads and decides again: nothing was lost
            loser = users["abe" if winner["assessed_by"] == "asa" else "asa"]
            again = svc.move(setup, case_id, "initial_assessment", loser, "re-assessed after reload", ASSESS, expected_version=2)
            assert again["version"] == 3
            rounds += 1
        assert rounds == len(ids)
        with setup.connect() as conn:
            assert conn.execute(select(func.count()).select_from(case_transitions)).scalar() == 3 * rounds
            checked, breaches = audit.verify(conn)
        assert breaches == []
    finally:
        for e in (engine_a, engine_b, setup):
            e.dispose()


def _waiting_on_locks(conn, n: int, threads: list[threading.Thread], timeout: float = 30.0) -> None:
    """Block until `n` other backends of this database wait for a lock (the racers' UPDATEs),
    or a racer has ended (its result then tells why)."""
    deadline = time.monotonic() + timeout
    while any(t.is_alive() for t in threads):
        waiting = conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )).scalar_one()
        if waiting == n:
            return
        if time.monotonic() > deadline:
            rows = conn.execute(text("SELECT state, wait_event_type, wait_event, left(query, 100) FROM pg_stat_activity "
                                     "WHERE datname = current_database()")).all()
            raise AssertionError(f"{waiting} backends wait for a lock, expected {n}: {rows}")
        time.sleep(0.01)


def test_without_a_version_the_race_has_exactly_one_winner(postgres_url, shared_data) -> None:
    """Both moves read version 1 before either writes: a third connection holds the case's row
    lock until both UPDATEs wait on it. Then exactly one wins and the other conflicts, every
    round, whatever the scheduler does (no "both may win in turn")."""
    setup = make_engine(postgres_url)
    migrate.upgrade(setup)
    ids = register_incidents(setup, one_sided_rows(shared_data, 5))
    users = make_users(setup)
    engine_a, engine_b = make_engine(postgres_url), make_engine(postgres_url)
    try:
        for incident_id in ids.values():
            case_id = svc.open_from_incident(setup, incident_id, users["rita"])
            with setup.connect() as locker:
                held = locker.begin()
                locker.execute(select(cases.c.id).where(cases.c.id == case_id).with_for_update())
                results: list = [None, None]

                def run(i: int, engine, who: str, c: int = case_id, results: list = results) -> None:
                    try:
                        results[i] = svc.move(engine, c, "initial_assessment", users[who], who, ASSESS)
                    except Exception as exc:  # noqa: BLE001 - collected for the assertions
                        results[i] = exc

                threads = [threading.Thread(target=run, args=(0, engine_a, "asa")),
                           threading.Thread(target=run, args=(1, engine_b, "abe"))]
                for t in threads:
                    t.start()
                with setup.connect() as watcher:
                    _waiting_on_locks(watcher, 2, threads)
                held.commit()
                for t in threads:
                    t.join(60)
            wins = [r for r in results if isinstance(r, dict)]
            losses = [r for r in results if isinstance(r, CaseConflict)]
            assert len(wins) == 1 and len(losses) == 1, results
            case = svc.get_case(setup, case_id, users["ann"])
            assert case["version"] == 2 and [t["version"] for t in case["timeline"]] == [1, 2]
            assert [t["actor"] for t in case["timeline"]] == ["rita", wins[0]["assessed_by"]]
        with setup.connect() as conn:
            assert conn.execute(select(func.count()).select_from(case_transitions)).scalar() == 2 * len(ids)
            assert audit.verify(conn)[1] == []
    finally:
        for e in (engine_a, engine_b, setup):
            e.dispose()
