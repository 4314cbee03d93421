"""Case work speed: moves, the priority queue and the measures, against bare SQL doing less.

    python benchmarks/run.py cases [--cases 2000] [--stores sqlite postgres]

For each store (a fresh SQLite file; a fresh PostgreSQL database on CIVWATCH_BENCH_POSTGRES_URL,
default 127.0.0.1:5432), N cases are opened from typed-in reports, then timed:

* move: services.cases.move (rules, version check, transition row, hash-chained audit entry,
  one transaction per move) for every case, reported -> initial assessment;
  baseline: the same UPDATE of the case row plus the INSERT of its transition row, one
  transaction per move, without rules or audit;
* queue: services.cases.queue (every open case scored and explained, sorted);
  baseline: SELECT of the same open case rows, unsorted and unscored;
* measures: services.cases.measures over all cases and transitions;
  baseline: SELECT of the cases and transitions it reads.

Figures: moves per second (ratio = ours / baseline, below 1 is slower); milliseconds for the
queue and the measures (ratio = ours / baseline, above 1 is slower).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text

PG_SERVER = os.environ.get("CIVWATCH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ASSESS = {"outcome": "credible", "reasons": ["benchmark"]}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench cases", description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"])
    return parser.parse_args(argv)


def _pg_database() -> tuple[str, callable] | None:
    try:
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 2})
        name = f"civwatch_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:  # noqa: BLE001 - no server: skipped, said loudly
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_SERVER.rsplit("/", 1)[0] + "/" + name, drop


def _setup(url: str, n: int):
    from civwatch.services import auth
    from civwatch.services import cases as svc
    from civwatch.store import migrate
    from civwatch.store.db import make_engine

    engine = make_engine(url)
    migrate.upgrade(engine)
    users = {
        "rita": auth.add_user(engine, "rita", "benchmark password", "recorder"),
        "asa": auth.add_user(engine, "asa", "benchmark password", "assessor"),
    }
    ids = []
    for i in range(n):
        facts = {"summary": f"benchmark case {i}: shelling near a clinic", "civilian_deaths": i % 17,
                 "civilian_injuries": i % 11, "children_harmed": i % 3, "sexual_violence": i % 29 == 0,
                 "protected_objects": ["health"] if i % 7 == 0 else []}
        ids.append(svc.open_from_report(engine, facts, users["rita"]))
    return engine, users, ids


def _bare_moves(engine, ids: list[int]) -> float:
    from civwatch.store.schema import case_transitions, cases

    now = datetime.now(UTC)
    started = time.perf_counter()
    for case_id in ids:
        with engine.begin() as conn:
            version = conn.execute(select(cases.c.version).where(cases.c.id == case_id)).scalar_one()
            conn.execute(cases.update().where(cases.c.id == case_id, cases.c.version == version).values(
                state="initial_assessment", version=version + 1, assessment=json.dumps(ASSESS), updated_at=now))
            conn.execute(case_transitions.insert().values(
                case_id=case_id, version=version + 1, from_state="reported", to_state="initial_assessment",
                action="assess", actor="asa", at=now, reason="benchmark", details=json.dumps(ASSESS)))
    return time.perf_counter() - started


def _timed(fn, repeat: int = 3) -> float:
    """Best of `repeat` warm runs (the first, untimed, warms connections and caches)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _one_store(store: str, url: str, n: int) -> list[dict]:
    from civwatch.services import cases as svc
    from civwatch.store.schema import case_transitions, cases

    engine, users, ids = _setup(url, n)
    half = n // 2
    ours_ids, base_ids = ids[:half], ids[half:]
    started = time.perf_counter()
    for case_id in ours_ids:
        svc.move(engine, case_id, "initial_assessment", users["asa"], "benchmark", ASSESS)
    ours_move = time.perf_counter() - started
    base_move = _bare_moves(engine, base_ids)
    ours_queue = _timed(lambda: svc.queue(engine))

    def bare_queue() -> None:
        with engine.connect() as conn:
            conn.execute(select(cases).where(cases.c.state != "closed")).all()

    base_queue = _timed(bare_queue)
    ours_measures = _timed(lambda: svc.measures(engine))

    def bare_measures() -> None:
        with engine.connect() as conn:
            conn.execute(select(cases)).all()
            conn.execute(select(case_transitions.c.case_id, case_transitions.c.to_state, case_transitions.c.at)).all()

    base_measures = _timed(bare_measures)
    engine.dispose()
    moves_ours, moves_base = len(ours_ids) / ours_move, len(base_ids) / base_move
    return [
        {"case": f"move {len(ours_ids):,} cases ({store})", "unit": "moves/s", "figure": round(moves_ours, 1),
         "baseline": round(moves_base, 1), "ratio": round(moves_ours / moves_base, 3)},
        {"case": f"queue of {n:,} open cases ({store})", "unit": "ms", "figure": round(ours_queue * 1000, 1),
         "baseline": round(base_queue * 1000, 1), "ratio": round(ours_queue / base_queue, 3)},
        {"case": f"measures over {n:,} cases ({store})", "unit": "ms", "figure": round(ours_measures * 1000, 1),
         "baseline": round(base_measures * 1000, 1), "ratio": round(ours_measures / base_measures, 3)},
    ]


def run(argv: list[str]) -> list[dict]:
    args = parse(argv)
    results: list[dict] = []
    for store in args.stores:
        if store == "sqlite":
            with tempfile.TemporaryDirectory(prefix="civwatch-bench-cases-") as tmp:
                results += _one_store(store, f"sqlite:///{Path(tmp) / 'cases.sqlite'}", args.cases)
        else:
            made = _pg_database()
            if made is None:
                print(f"   PostgreSQL does not answer at {PG_SERVER}: PostgreSQL run SKIPPED", flush=True)
                continue
            url, drop = made
            try:
                results += _one_store(store, url, args.cases)
            finally:
                drop()
    return results


if __name__ == "__main__":
    import sys

    for r in run(sys.argv[1:]):
        print(r)
