"""A real SIGKILL of `civwatch import` and `civwatch link` on PostgreSQL: the store stays exactly
as it was (every table, row for row), and the same command run again does the whole job.

The import is killed mid-COPY, once the uncommitted reports have grown the table by 4 MiB.
The linker is killed at the last moment before its commit: the test holds the audit chain's
advisory lock, so `link` blocks on its closing audit entry with every other write done."""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select, text

from civwatch.linkage.evaluation.countries import iso3
from civwatch.linkage.evaluation.layouts import acled_report, ged_report
from civwatch.linkage.evaluation.perturb import acled_row
from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import metadata, reports
from tests.helpers import CIVWATCH, cli_json, ged_rows, write_csv
from tests.linkage.store_rows import put_reports

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}


def dump(engine: Engine) -> dict[str, list[tuple]]:
    """Every table's rows, in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


APP = "civwatch-killed-by-test"
ROWS = 30_000  # enough for the import to be caught mid-COPY


def _victim_url(url: str) -> str:
    """The URL the command to kill is given: its backends carry a name the test can find."""
    return f"{url}{'&' if '?' in url else '?'}application_name={APP}"


def _victims(conn: Connection) -> list[int]:
    """Backends of the command to kill (still) on this database."""
    return conn.execute(text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = :app"
    ), {"app": APP}).scalars().all()


def _wait(what: str, check, proc: subprocess.Popen | None = None, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if proc is not None:
            assert proc.poll() is None, f"the command ended before {what}: {proc.returncode}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def _kill(proc: subprocess.Popen, conn: Connection) -> None:
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    _wait("the killed command's backend to go", lambda: not _victims(conn))


def test_a_killed_import_on_postgresql_leaves_the_store_as_before(postgres_url: str, shared_data: Path, tmp_path: Path) -> None:
    first = shared_data / "ucdp_ged" / "ged_v19_1_bangladesh_1989_2018.csv"
    assert cli_json("--db", postgres_url, "import", str(first), "--json")["accepted"] == len(ged_rows(first))
    src = shared_data / "ucdp_ged" / "ged_v23_1_global_random_sample_991.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        real = list(reader)
    rows = []
    for i in range(ROWS):
        row = list(real[i % len(real)])
        row[0] = str(20_000_000 + i)
        rows.append(row)
    big = write_csv(tmp_path / "big.csv", header, rows)
    engine = make_engine(postgres_url)
    try:
        before = dump(engine)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            size = lambda: conn.execute(text("SELECT pg_total_relation_size('reports')")).scalar_one()  # noqa: E731
            start = size()
            proc = subprocess.Popen([*CIVWATCH, "--db", _victim_url(postgres_url), "import", str(big)], env=_env(),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            _wait("4 MiB of uncommitted reports", lambda: size() > start + (4 << 20), proc)
            _kill(proc, conn)
        assert dump(engine) == before
        again = cli_json("--db", postgres_url, "import", str(big), "--json")
        assert (again["read"], again["new"], again["rejected"]) == (ROWS, ROWS, 0)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM reports")).scalar_one() == ROWS + len(ged_rows(first))
    finally:
        engine.dispose()


def _linkable(engine: Engine, shared_data: Path) -> tuple[list[dict], list[dict]]:
    """40 real GED Ukraine events and an ACLED-layout report of each (the evaluation harness's)."""
    with open(shared_data / "ucdp_ged" / "ged_ukraine_statebased_2014_2022.csv", encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["latitude"] and r["date_prec"] == "1" and r["where_prec"] in {"1", "2"}][2000:2040]
    rng = random.Random(3)
    ged = [ged_report(r, iso3(r["country"])) for r in rows]
    acled = [acled_report(acled_row(r, iso3(r["country"]), f"UKR{n}", rng)) for n, r in enumerate(rows)]
    put_reports(engine, ged + acled)
    return ged, acled


def test_a_killed_link_on_postgresql_leaves_the_store_as_before(postgres_url: str, shared_data: Path) -> None:
    engine = make_engine(postgres_url)
    migrate.upgrade(engine)
    try:
        ged, acled = _linkable(engine, shared_data)
        before = dump(engine)
        with engine.connect() as lock, engine.connect() as watch:
            watch.execution_options(isolation_level="AUTOCOMMIT")
            # The linker takes the audit and cube locks first (store/cube_delta.lock), then writes
            # reports, then marks what it has seen: holding linkage_seen makes it wait there, with
            # its writes to reports done and not committed.
            lock.execute(text("LOCK TABLE linkage_seen IN SHARE MODE"))
            proc = subprocess.Popen([*CIVWATCH, "--db", _victim_url(postgres_url), "link", "--actor", "killed"], env=_env(),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            def blocked_after_writing() -> bool:
                # waiting for the table lock on linkage_seen, holding row locks from its writes to reports
                return bool(watch.execute(text(
                    "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                    "JOIN pg_class c ON c.oid = l.relation WHERE a.datname = current_database() "
                    "AND a.application_name = :app AND a.wait_event = 'relation' AND c.relname = 'reports' "
                    "AND l.mode = 'RowExclusiveLock' AND l.granted"
                ), {"app": APP}).scalar_one())

            _wait("link to block on linkage_seen after writing reports", blocked_after_writing, proc)
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
            lock.rollback()
            _wait("the killed linker's backend to go", lambda: not _victims(watch))
        assert dump(engine) == before
        out = subprocess.run([*CIVWATCH, "--db", postgres_url, "link"], env=_env(), capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        n = len(ged) + len(acled)
        assert f"incremental link: {n} reports ({n} new or changed)" in out.stdout
        with engine.connect() as conn:
            where = {(s, i): inc for s, i, inc in conn.execute(select(reports.c.source, reports.c.source_id, reports.c.incident_id))}
            seen = conn.execute(text("SELECT count(*) FROM linkage_seen")).scalar_one()
        assert seen == n
        assert where[("acled", acled[0]["source_id"])] == where[("ucdp-ged", ged[0]["source_id"])]
    finally:
        engine.dispose()
