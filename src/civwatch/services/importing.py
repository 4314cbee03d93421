"""Import a file into the store: detect its format, stream its rows, write them in one batch.

One transaction per batch: a failure (or a kill) leaves the store exactly as before; a failed
batch is then recorded as such, with its reason. Every row read is accepted (new, updated,
unchanged, or a further row of an event already read) or rejected with its line and reason.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy import Engine

from civwatch.domain.events import ImportBatchDone
from civwatch.domain.records import Rejection
from civwatch.sources import acled, hxl, ucdp_acd, ucdp_ged, victims
from civwatch.sources.base import SourceError, Table, open_table
from civwatch.sources.detect import FORMATS, Detection, detect
from civwatch.store import audit, conflicts
from civwatch.store import reports as report_store

log = logging.getLogger(__name__)

CHUNK = 10_000
ADAPTERS = {
    "ucdp-ged": ucdp_ged.GedAdapter,
    "ucdp-acd": ucdp_acd.AcdAdapter,
    "acled": acled.AcledAdapter,
    "victims": victims.VictimsAdapter,
    "hxl": hxl.HxlAdapter,
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
    reports: int = 0  # distinct reports (events, incidents) the accepted rows make
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
) -> ImportSummary:
    """Import one file as one batch; returns what happened to every row."""
    path = Path(path)
    started = time.perf_counter()
    table = open_table(path)
    detection = _choose(table, format)
    if detection.format not in ADAPTERS:
        raise ValueError(f"format {detection.format} is recognised but not importable yet")
    adapter = ADAPTERS[detection.format](path) if detection.format == "hxl" else ADAPTERS[detection.format]()
    digest = file_sha256(path)
    try:
        with engine.begin() as conn:
            batch_id = report_store.start_batch(conn, detection.format, path.name, digest, detection.reason, actor)
            summary = ImportSummary(file=path.name, format=detection.format, detected=detection.reason, batch_id=batch_id)
            if detection.format == "ucdp-acd":
                writer = conflicts.ConflictStore(conn, batch_id)
            else:
                writer = report_store.ReportStore(conn, batch_id, adapter.source)
            pending: list = []
            rejections: list[Rejection] = []
            for item in adapter.records(table):
                if isinstance(item, Rejection):
                    summary.read += 1
                    rejections.append(item)
                    if len(rejections) >= CHUNK:
                        summary.rejected += report_store.write_rejections(conn, batch_id, rejections)
                        rejections = []
                    continue
                summary.read += item.rows_in
                pending.append(item)
                if len(pending) >= CHUNK:
                    writer.write(pending)
                    pending = []
                    if progress:
                        progress(summary.read)
            writer.write(pending)
            writer.close()
            summary.rejected += report_store.write_rejections(conn, batch_id, rejections)
            c = writer.counts
            summary.new, summary.updated, summary.unchanged, summary.duplicates = c.new, c.updated, c.unchanged, c.duplicates
            summary.reports = c.reports
            summary.accepted = summary.read - summary.rejected
            if summary.accepted != c.new + c.updated + c.unchanged + c.duplicates:
                raise RuntimeError("import lost count of rows: accepted != new + updated + unchanged + duplicates")
            report_store.finish_batch(
                conn, batch_id, "done", read=summary.read, accepted=summary.accepted, rejected=summary.rejected,
                updated=summary.updated, unchanged=summary.unchanged,
            )
            audit.append(conn, ImportBatchDone(actor=actor, entity_id=str(batch_id), after={
                k: v for k, v in summary.as_dict().items() if k != "seconds"
            }))
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

