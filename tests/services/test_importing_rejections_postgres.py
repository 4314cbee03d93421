"""More than 10,000 rejected rows on PostgreSQL: the rejections are written in batches of
10,000 inside the import's transaction, every one is kept with its line and reason, and when
the import then fails all of them go with it (nothing of the batch stays but its failure).

The failure is real: the test holds the audit chain's advisory lock, so the import blocks on
its closing audit entry with every report and rejection written, and then the test terminates
the import's PostgreSQL backend (as an operator or a failover would)."""

from __future__ import annotations

import csv
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from civwatch.services.importing import CHUNK, import_file
from civwatch.store import migrate
from civwatch.store.audit import AUDIT_LOCK_KEY
from civwatch.store.db import make_engine
from tests.helpers import write_csv

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BAD = 12_345  # more than CHUNK: at least one flush before the end
GOOD = 3_000


def _file(shared_data: Path, tmp_path: Path) -> tuple[Path, list[int]]:
    """Real GED rows under fresh ids: every fifth of the first 15,000 is good, all others have
    latitude 95.5, so BAD bad rows run through the whole file; returns it and their lines."""
    with open(shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)
    lat = header.index("latitude")
    rows, bad_lines = [], []
    for i in range(BAD + GOOD):
        row = list(real[i % len(real)])
        row[0] = str(30_000_000 + i)
        if not (i % 5 == 0 and i < 5 * GOOD):
            row[lat] = "95.5"
            bad_lines.append(i + 2)  # the header is line 1
        rows.append(row)
    assert len(bad_lines) == BAD
    return write_csv(tmp_path / "many_bad.csv", header, rows), bad_lines


def _count(conn, table: str) -> int:
    return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()  # noqa: S608


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row-by-row"])
def test_more_than_ten_thousand_rejections_are_all_kept(postgres_url: str, shared_data: Path, tmp_path: Path, bulk: bool) -> None:
    assert BAD > CHUNK
    path, bad_lines = _file(shared_data, tmp_path)
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    try:
        summary = import_file(engine, path, actor="test", bulk=bulk)
        assert (summary.read, summary.accepted, summary.rejected, summary.new) == (BAD + GOOD, GOOD, BAD, GOOD)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT line, reason FROM rejected_rows WHERE batch_id = :b ORDER BY line"),
                                {"b": summary.batch_id}).all()
            assert _count(conn, "reports") == GOOD
            batch = conn.execute(text("SELECT read, accepted, rejected, status FROM import_batches WHERE id = :b"),
                                 {"b": summary.batch_id}).one()
        assert [k.line for k in kept] == bad_lines
        assert all("latitude" in k.reason for k in kept)
        assert tuple(batch) == (BAD + GOOD, GOOD, BAD, "done")
    finally:
        engine.dispose()


def test_an_import_that_fails_after_flushing_rejections_rolls_back_whole(postgres_url: str, shared_data: Path, tmp_path: Path) -> None:
    path, _ = _file(shared_data, tmp_path)
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(import_file(engine, path, actor="test"))
        except Exception as exc:  # noqa: BLE001 - the assertions read it
            outcome.append(exc)

    try:
        with engine.connect() as lock, engine.connect() as watch:
            watch.execution_options(isolation_level="AUTOCOMMIT")
            lock.execute(text("SELECT pg_advisory_lock(:k)"), {"k": AUDIT_LOCK_KEY})
            lock.commit()
            worker = threading.Thread(target=run)
            worker.start()
            deadline = time.monotonic() + 180
            pid = None
            while pid is None:
                # the import waits for the audit lock holding what it wrote to rejected_rows
                pid = watch.execute(text(
                    "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "JOIN pg_class c ON c.oid = l.relation WHERE a.datname = current_database() "
                    "AND a.wait_event = 'advisory' AND c.relname = 'rejected_rows' AND l.mode = 'RowExclusiveLock'"
                )).scalar()
                assert worker.is_alive() and time.monotonic() < deadline, outcome
                time.sleep(0.02)
            assert watch.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
            lock.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": AUDIT_LOCK_KEY})
            lock.commit()
            worker.join(120)
        assert len(outcome) == 1 and isinstance(outcome[0], Exception), outcome
        with engine.connect() as conn:
            assert (_count(conn, "reports"), _count(conn, "rejected_rows"), _count(conn, "harm"), _count(conn, "report_parties")) == (0, 0, 0, 0)
            batches = conn.execute(text("SELECT file_name, status, read, accepted, rejected FROM import_batches")).all()
        assert [(b.file_name, b.status) for b in batches] == [("many_bad.csv", "failed")]
        assert all(not b.read and not b.accepted and not b.rejected for b in batches)
        again = import_file(engine, path, actor="test")
        assert (again.read, again.accepted, again.rejected) == (BAD + GOOD, GOOD, BAD)
    finally:
        engine.dispose()
