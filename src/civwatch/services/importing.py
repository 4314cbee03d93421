"""Import a file into the store: detect its format, stream its rows, write them in one batch.

One transaction per batch: a failure (or a kill) leaves the store exactly as before; a failed
batch is then recorded as such, with its reason. Every row read is accepted (new, updated,
unchanged, or a further row of an event already read) or rejected with its line and reason.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from civwatch.domain.events import ImportBatchDone
from civwatch.domain.records import Rejection
from civwatch.services import parties
from civwatch.settings import scratch_folder
from civwatch.sources import (
    acled,
    acled_frames,
    elections,
    frames,
    ged_frames,
    hxl,
    ucdp_acd,
    ucdp_ged,
    victims,
)
from civwatch.sources.base import SourceError, Table, open_table
from civwatch.sources.detect import FORMATS, Detection, detect
from civwatch.store import audit, conflicts
from civwatch.store import bulk as bulk_store
from civwatch.store import forecasts as forecast_store
from civwatch.store import reports as report_store

log = logging.getLogger(__name__)

CHUNK = 10_000
BULK_ROWS = 50_000  # rows a column batch holds: about 100 MB of ACLED at its widest
BULK = {"acled": acled_frames.map_batch, "ucdp-ged": ged_frames.map_batch}
BULK_COLUMNS = {"acled": acled.columns, "ucdp-ged": ucdp_ged.columns}
ADAPTERS = {
    "ucdp-ged": ucdp_ged.GedAdapter,
    "ucdp-acd": ucdp_acd.AcdAdapter,
    "acled": acled.AcledAdapter,
    "victims": victims.VictimsAdapter,
    "hxl": hxl.HxlAdapter,
    "elections": elections.ElectionsAdapter,
}


@dataclass
class ImportSummary:
    file: str
    format: str
    detected: str
    batch_id: int
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0  # further rows of an event already read in this file
    older: int = 0  # releases older than the stored one (by the source's signal), kept as prior releases
    reformatted: int = 0  # of `unchanged`: a stored record again, differing only in formatting
    release: str | None = None  # the release the file was declared to be (--release)
    reports: int = 0  # distinct reports (events, incidents) the accepted rows make
    reader: str = "rows"  # "columns" when the file was read in column batches (the bulk path)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _choose(table: Table, format: str | None) -> Detection:
    if format is None:
        return detect(table)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; formats are {', '.join(FORMATS)}")
    return Detection(format, f"forced with --format {format} ({table.kind.upper()}, {table.encoding})")


def import_file(
    engine: Engine,
    path: str | Path,
    format: str | None = None,
    actor: str = "cli",
    progress: Callable[[int], None] | None = None,
    bulk: bool = True,
    release: str | None = None,
) -> ImportSummary:
    """Import one file as one batch; returns what happened to every row.

    GED and ACLED exports that are regular CSV are read in columns (`sources.frames`), the
    rest row by row; both give the same store (tests/services/test_importing_bulk.py).
    `bulk=False` forces the row path. `release` names the release the file is (a version such
    as 23.1, or its publication date) for rows that carry no release signal of their own: a
    record older than the one stored is then kept as a prior release (domain/releases.py)."""
    path = Path(path)
    started = time.perf_counter()
    table = open_table(path)
    detection = _choose(table, format)
    if detection.format not in ADAPTERS:
        raise ValueError(f"format {detection.format} is recognised but not importable yet")
    adapter = ADAPTERS[detection.format](path) if detection.format == "hxl" else ADAPTERS[detection.format]()
    digest = file_sha256(path)
    with ExitStack() as scratch:
        records = None
        read_path, read_table = path, table
        if bulk and detection.format in BULK:
            BULK_COLUMNS[detection.format](table.header)  # SourceError, as the row adapter gives, even with no rows
            try:
                folder = scratch_folder(engine.url.render_as_string(hide_password=False), "utf8")
                scratch.callback(shutil.rmtree, folder, True)
                read_path, read_table = scratch.enter_context(frames.utf8(path, table, folder))
                records = frames.check_regular(read_path, read_table)
            except frames.NotRegular as why:
                log.info("%s is read row by row: %s", path.name, why)
        job = _Job(path, table, detection, adapter, digest, actor, progress, read_path, read_table, release)
        try:
            if records is not None:
                try:
                    summary = _import_columns(engine, job, records)
                except frames.NotRegular as why:  # found only part-way: that batch was rolled back
                    log.info("%s is read row by row after all: %s", path.name, why)
                    job.table = open_table(path)
                    summary = _import_rows(engine, job)
            else:
                summary = _import_rows(engine, job)
        except SourceError:
            raise
        except Exception as exc:
            # the batch's transaction is rolled back; keep a record that it was tried and failed
            log.warning("import of %s failed and was rolled back: %s", path.name, type(exc).__name__)
            try:
                with engine.begin() as conn:
                    report_store.record_failed_batch(conn, detection.format, path.name, digest, detection.reason, actor, f"{type(exc).__name__}: {exc}"[:500])
            except Exception:  # noqa: BLE001 - the original error matters more
                log.exception("could not record the failed batch")
            raise
    summary.seconds = round(time.perf_counter() - started, 3)
    if progress:
        progress(summary.read)
    log.info("imported %s as %s: %d read, %d accepted, %d rejected", path.name, detection.format, summary.read, summary.accepted, summary.rejected)
    return summary


@dataclass
class _Job:
    path: Path
    table: Table
    detection: Detection
    adapter: object
    digest: str
    actor: str
    progress: Callable[[int], None] | None
    read_path: Path  # what the column reader reads: the file, or its UTF-8 copy
    read_table: Table
    release: str | None = None  # the release the file is, for rows without a signal of their own


def _import_rows(engine: Engine, job: _Job) -> ImportSummary:
    """The row path: every row through the adapter, written in chunks."""
    with engine.begin() as conn:
        summary, writer = _start(conn, job)
        rejections = _write_rows(conn, job, summary, writer, job.adapter.records(job.table))
        _finish(conn, job, summary, writer, rejections)
    return summary


def _import_columns(engine: Engine, job: _Job, records: int) -> ImportSummary:
    """The bulk path: batches of rows mapped in columns and staged; then, in the batch's
    transaction, new reports written set-wise and the rest (rows the columns cannot certify, ids
    already stored or repeated in the file) through the row adapter, in file order."""
    if engine.dialect.name == "postgresql":
        return _import_columns_direct(engine, job, records)
    map_batch = BULK[job.detection.format]
    header = frames.names(job.table.header)
    with engine.connect() as conn:
        stage = bulk_store.Stage(conn)
        try:
            batches = frames.column_batches(job.read_path, job.read_table, BULK_ROWS, records)
            staged = 0
            for b in frames.ahead(map_batch(frame, header) for frame in batches):
                stage.add(b.reports, b.parties, b.harm, b.irregular, b.irregular_ids)
                staged += b.reports.height + len(b.irregular)
                if job.progress:  # rows read and staged: nothing is written to the store yet
                    job.progress(staged)
            stage.open()
            with conn.begin():
                summary, writer = _start(conn, job)
                new, unchanged, rows = stage.load(summary.batch_id, job.adapter.source, writer.now, writer.ids, header, first_write=writer.fresh_source)
                if new:
                    writer.fresh_source = False  # the row adapter's rows must now look ids up
                writer.counts.new += new
                writer.counts.unchanged += unchanged  # stored already with the same content
                writer.counts.reports += new + unchanged
                summary.read = records
                summary.reader = "columns"
                table = Table(header=job.table.header, rows=rows, encoding=job.table.encoding, kind="csv")
                rejections = _write_rows(conn, job, summary, writer, job.adapter.records(table), count_read=False)
                _finish(conn, job, summary, writer, rejections)
        finally:
            stage.close()
    return summary


def _import_columns_direct(engine: Engine, job: _Job, records: int) -> ImportSummary:
    """The bulk path on PostgreSQL: each column batch's new reports COPYed in, then its other
    rows (uncertified, stored already, repeated) through the row adapter, batch after batch."""
    map_batch = BULK[job.detection.format]
    header = frames.names(job.table.header)
    with engine.begin() as conn:
        summary, writer = _start(conn, job)
        summary.reader = "columns"
        direct = bulk_store.Direct(conn, summary.batch_id, job.adapter.source, writer.now, writer.ids)
        rejections: list[Rejection] = []
        for frame in frames.column_batches(job.read_path, job.read_table, BULK_ROWS, records):
            b = map_batch(frame, header)
            ids = b.reports["source_id"]
            slow = ids.is_duplicated() | ids.is_in(list(b.irregular_ids))
            kept = pl.repeat(False, b.reports.height, eager=True)  # stored already, same content
            if not writer.fresh_source:
                stored = b.reports.select("source_id", "content_sha").join(
                    direct.existing(ids.to_list()), on="source_id", how="left", maintain_order="left")
                known = stored["stored_sha"].is_not_null()
                kept = ~slow & known & (stored["stored_sha"] == stored["content_sha"]).fill_null(False)
                slow = slow | (known & ~kept)
            new = b.reports.filter(~slow & ~kept)
            writer.counts.unchanged += int(kept.sum())
            writer.counts.reports += int(kept.sum())
            direct.write(new, b.parties, b.harm)
            if new.height:
                writer.fresh_source = False  # later batches and the row adapter must look ids up
            writer.counts.new += new.height
            writer.counts.reports += new.height
            rows = b.irregular
            if slow.any():
                lines = b.reports.filter(slow)[frames.LINE].implode()
                rows = sorted(rows + frames.cells(frame, frame[frames.LINE].is_in(lines), header), key=lambda r: r[0])
            table = Table(header=job.table.header, rows=iter(rows), encoding=job.table.encoding, kind="csv")
            rejections += _write_rows(conn, job, summary, writer, job.adapter.records(table), count_read=False)
            if len(rejections) >= CHUNK:
                summary.rejected += report_store.write_rejections(conn, summary.batch_id, rejections)
                rejections = []
            summary.read += frame.height
            if job.progress:
                job.progress(summary.read)
        _finish(conn, job, summary, writer, rejections)
    return summary


def _write_rows(conn, job: _Job, summary: ImportSummary, writer, items, count_read: bool = True) -> list[Rejection]:
    """Hand an adapter's records to the writer in chunks; returns the rejections not yet written."""
    pending: list = []
    rejections: list[Rejection] = []
    for item in items:
        if isinstance(item, Rejection):
            summary.read += count_read
            rejections.append(item)
            if len(rejections) >= CHUNK:
                summary.rejected += report_store.write_rejections(conn, summary.batch_id, rejections)
                rejections = []
            continue
        summary.read += item.rows_in if count_read else 0
        pending.append(item)
        if len(pending) >= CHUNK:
            writer.write(pending)
            pending = []
            if job.progress:
                job.progress(summary.read)
    writer.write(pending)
    return rejections


def _start(conn, job: _Job) -> tuple[ImportSummary, object]:
    d = job.detection
    batch_id = report_store.start_batch(conn, d.format, job.path.name, job.digest, d.reason, job.actor)
    summary = ImportSummary(file=job.path.name, format=d.format, detected=d.reason, batch_id=batch_id, release=job.release)
    if d.format == "ucdp-acd":
        writer = conflicts.ConflictStore(conn, batch_id)
    elif d.format == "elections":
        writer = forecast_store.ElectionStore(conn, batch_id)
    else:
        writer = report_store.ReportStore(conn, batch_id, job.adapter.source, release=job.release)
    return summary, writer


def _finish(conn, job: _Job, summary: ImportSummary, writer, rejections: list[Rejection]) -> None:
    writer.close()
    summary.rejected += report_store.write_rejections(conn, summary.batch_id, rejections)
    c = writer.counts
    summary.new, summary.updated, summary.unchanged, summary.duplicates = c.new, c.updated, c.unchanged, c.duplicates
    summary.older, summary.reformatted = c.older, c.reformatted
    summary.reports = c.reports
    summary.accepted = summary.read - summary.rejected
    if summary.accepted != c.new + c.updated + c.unchanged + c.duplicates + summary.older:
        raise RuntimeError("import lost count of rows: accepted != new + updated + unchanged + duplicates + older")
    report_store.finish_batch(
        conn, summary.batch_id, "done", read=summary.read, accepted=summary.accepted, rejected=summary.rejected,
        updated=summary.updated, unchanged=summary.unchanged,
    )
    audit.append(conn, ImportBatchDone(actor=job.actor, entity_id=str(summary.batch_id), after={
        k: v for k, v in summary.as_dict().items() if k != "seconds"
    }))
    # the party register learns the batch's party names in the same transaction (docs/parties.md)
    parties.build_in(conn, summary.batch_id, job.actor)


def rejections(engine: Engine, batch_id: int, limit: int | None = None) -> list[dict]:
    with engine.connect() as conn:
        if report_store.get_batch(conn, batch_id) is None:
            raise ValueError(f"no import batch {batch_id}")
        return report_store.list_rejections(conn, batch_id, limit)


def already_imported(engine: Engine, sha256: str) -> int | None:
    """The batch that imported a file with this SHA-256 successfully, if any."""
    with engine.connect() as conn:
        return report_store.batch_for_file(conn, sha256)


def batches(engine: Engine, limit: int = 50) -> list[dict]:
    with engine.connect() as conn:
        return report_store.list_batches(conn, limit)

