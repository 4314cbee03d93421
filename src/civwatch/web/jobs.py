"""Imports started from the web page run in a background thread; the page polls their progress.

Uploads are streamed into the store's scratch folder (`receive_upload`), only after the route
has checked the user's role and the CSRF token, and the folder is removed when the import ends,
fails, or the upload is refused. The job only calls `services.importing.import_file` (the same import as the CLI) and keeps what
its progress callback reports. Jobs live in memory for the life of the process; the batch
itself, with its rejected rows, is in the store.
"""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy import Engine

from civwatch.services import importing

MAX_UPLOAD_BYTES = 512 * 1024 * 1024
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


class UploadTooLarge(ValueError):
    pass


class BadUpload(ValueError):
    pass


MAX_FIELD_BYTES = 4096  # the form's other fields (format, csrf) are short


async def receive_upload(chunks: AsyncIterator[bytes], content_type: str, folder: Path,
                         limit: int | None = None) -> tuple[Path, dict[str, str]]:
    """Stream a multipart upload straight into `folder` (the store's scratch folder): the file
    part to a file under its base name, the other fields into a dict. Nothing else touches disk;
    past `limit` bytes it stops with UploadTooLarge. The caller removes `folder` on failure."""
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise BadUpload("send the file as multipart/form-data")
    fields: dict[str, str] = {}
    part: dict[str, Any] = {}
    found: list[Path] = []
    header = [b"", b""]

    def on_part_begin() -> None:
        part.clear()
        part.update(headers={}, data=bytearray(), out=None)

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header[0] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header[1] += data[start:end]

    def on_header_end() -> None:
        part["headers"][header[0].decode("latin-1").lower()] = header[1]
        header[0], header[1] = b"", b""

    def on_headers_finished() -> None:
        _, disposition = parse_options_header(part["headers"].get("content-disposition", b""))
        part["name"] = disposition.get(b"name", b"").decode("utf-8", "replace")
        filename = disposition.get(b"filename")
        if filename is not None:
            if found:
                raise BadUpload("send one file at a time")
            safe = Path(filename.decode("utf-8", "replace")).name.replace("\x00", "") or "upload.csv"
            found.append(folder / safe)
            part["out"] = open(found[0], "wb")  # noqa: SIM115 - closed in on_part_end or below

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if part["out"] is not None:
            part["out"].write(data[start:end])
        else:
            part["data"] += data[start:end]
            if len(part["data"]) > MAX_FIELD_BYTES:
                raise BadUpload(f"the field {part['name']!r} is longer than {MAX_FIELD_BYTES} bytes")

    def on_part_end() -> None:
        if part["out"] is not None:
            part["out"].close()
            part["out"] = None
        else:
            fields[part["name"]] = part["data"].decode("utf-8", "replace")

    parser = MultipartParser(options[b"boundary"], {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field, "on_header_value": on_header_value,
        "on_header_end": on_header_end, "on_headers_finished": on_headers_finished,
        "on_part_data": on_part_data, "on_part_end": on_part_end,
    })
    received = 0
    try:
        async for chunk in chunks:
            received += len(chunk)
            if received > limit:
                raise UploadTooLarge(f"the file is larger than {limit // (1024 * 1024)} MB; import it with `civwatch import`")
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        raise BadUpload(f"the upload is not a well-formed form: {exc}") from None
    finally:
        if part.get("out") is not None:
            part["out"].close()
    if not found:
        raise BadUpload("no file in the upload")
    return found[0], fields


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
