"""Multipart uploads streamed straight into a scratch folder: one mechanism for every upload of
the app (the import page, the missing-person lists over the page and the API). The caller checks
the role and the CSRF token (pages) before a byte of the body is read, and removes the folder on
any failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

MAX_UPLOAD_BYTES = 512 * 1024 * 1024


class UploadTooLarge(ValueError):
    pass


class BadUpload(ValueError):
    pass


MAX_FIELD_BYTES = 4096  # the form's other fields (format, csrf) are short


async def receive_upload(chunks: AsyncIterator[bytes], content_type: str, folder: Path,
                         limit: int | None = None, hint: str = "; import it with `civwatch import`") -> tuple[Path, dict[str, str]]:
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
                raise UploadTooLarge(f"the file is larger than {limit // (1024 * 1024)} MB{hint}")
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
