"""Imports started from the web page run in a background thread; the page polls their progress.

Uploads are streamed into the store's scratch folder (`services.uploads.receive_upload`), only after the route
has checked the user's role and the CSRF token, and the folder is removed when the import ends,
fails, or the upload is refused. The job only calls `services.importing.import_file` (the same import as the CLI) and keeps what
its progress callback reports. Jobs live in memory for the life of the process; the batch
itself, with its rejected rows, is in the store.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civwatch.services import importing

KEEP_JOBS = 200


@dataclass
class ImportJob:
    id: str
    file: str
    owner: int
    total: int  # rows in the file, estimated from its line count
    status: str = "running"  # running | done | failed
    read: int = 0
    batch_id: int | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "owner"}


_jobs: dict[str, ImportJob] = {}
_lock = threading.Lock()


def _count_rows(path: Path) -> int:
    lines = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            lines += chunk.count(b"\n")
    return max(lines - 1, 1)


def start(engine: Engine, path: Path, fmt: str | None, actor: str, owner: int) -> ImportJob:
    job = ImportJob(id=uuid.uuid4().hex, file=path.name, owner=owner, total=_count_rows(path))
    with _lock:
        _jobs[job.id] = job
        while len(_jobs) > KEEP_JOBS:
            _jobs.pop(next(iter(_jobs)))

    def progress(read: int) -> None:
        job.read = read

    def run() -> None:
        try:
            summary = importing.import_file(engine, path, format=fmt or None, actor=actor, progress=progress)
            job.summary = summary.as_dict()
            job.batch_id = summary.batch_id
            job.read = summary.read
            job.total = max(job.total, summary.read)
            job.status = "done"
        except Exception as exc:  # noqa: BLE001 - shown to the uploader, the batch is rolled back
            job.error = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            job.status = "failed"
        finally:
            shutil.rmtree(path.parent, ignore_errors=True)

    threading.Thread(target=run, name=f"import-{job.id[:8]}", daemon=True).start()
    return job


def get(job_id: str) -> ImportJob | None:
    return _jobs.get(job_id)
