"""Evidence files on disk: streamed in, hashed, checked, kept once under their SHA-256.

Layout under the evidence root: `incoming/` (uploads being received, removed on any refusal),
`sha256/ab/cd/<sha256>` (the kept files, read-only), `thumbs/<sha256>.png` (derived, may be
deleted at any time). The media type is detected from the content, never from the name.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import json
import mimetypes
import os
import secrets
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import filetype

from civwatch.domain.evidence import (
    ACCEPTED_TYPES,
    IMAGE_TYPES,
    EvidenceRefused,
    EvidenceTooLarge,
    claim_matches,
)

CHUNK = 1024 * 1024
HEAD = 64 * 1024
ZIP_TYPES = {
    "application/zip", "application/wacz",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
}
MAX_RATIO = 100  # unpacked / packed beyond this (and past MIN_BOMB bytes) is a decompression bomb
MIN_BOMB = 8 * 1024 * 1024
MAX_ENTRIES = 200_000
MAX_PIXELS = 200_000_000
THUMB = 240


def blob_path(root: Path, sha256: str) -> Path:
    return root / "sha256" / sha256[:2] / sha256[2:4] / sha256


@dataclass
class Staged:
    """A received file, hashed and checked, not yet kept."""

    sha256: str
    size: int
    media_type: str
    temp: Path


@dataclass
class Incoming:
    """An upload being received: feed it chunks, then `finish` (checks) or `discard`.

    The size limit is checked before anything is written when the size is declared, and on
    every chunk otherwise; a refused upload leaves no file behind.
    """

    root: Path
    limit: int
    declared_size: int | None = None
    size: int = 0
    _hash: Any = field(default_factory=hashlib.sha256)
    _head: bytearray = field(default_factory=bytearray)
    _fh: BinaryIO | None = None
    temp: Path | None = None

    def __post_init__(self) -> None:
        if self.declared_size is not None and self.declared_size > self.limit:
            raise EvidenceTooLarge(f"the upload is {self.declared_size:,} bytes, over the limit of {self.limit:,} bytes")
        incoming = self.root / "incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        self.temp = incoming / f"{secrets.token_hex(12)}.part"
        self._fh = open(self.temp, "xb")  # noqa: SIM115 - closed in finish/discard

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.size += len(chunk)
        if self.size > self.limit:
            self.discard()
            raise EvidenceTooLarge(f"the upload is over the limit of {self.limit:,} bytes; nothing was kept")
        if len(self._head) < HEAD:
            self._head += chunk[: HEAD - len(self._head)]
        self._hash.update(chunk)
        self._fh.write(chunk)

    def discard(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if self.temp is not None:
            self.temp.unlink(missing_ok=True)

    def finish(self, claimed_type: str | None = None, name: str | None = None) -> Staged:
        """Close, detect the type from the content and check it; refusals remove the file."""
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()
            self._fh = None
            if self.size == 0:
                raise EvidenceRefused("the upload is empty")
            if self.declared_size is not None and self.size != self.declared_size:
                raise EvidenceRefused(f"the upload ended after {self.size:,} of {self.declared_size:,} bytes")
            detected = detect(bytes(self._head), self.temp)
            check_type(detected, claimed_type, name)
            check_bombs(detected, self.temp, self.size)
            return Staged(self._hash.hexdigest(), self.size, detected, self.temp)
        except BaseException:
            self.discard()
            raise


def receive_file(path: Path, root: Path, limit: int, claimed_type: str | None = None) -> Staged:
    """Stream a file from disk into the incoming area (never wholly in memory)."""
    size = path.stat().st_size
    incoming = Incoming(root, limit, declared_size=size)
    try:
        with open(path, "rb") as src:
            while chunk := src.read(CHUNK):
                incoming.feed(chunk)
    except BaseException:
        incoming.discard()
        raise
    return incoming.finish(claimed_type, path.name)


def keep(root: Path, staged: Staged) -> tuple[Path, bool]:
    """Move a staged file to its content address; (path, whether it is new there)."""
    target = blob_path(root, staged.sha256)
    if target.exists():
        staged.temp.unlink(missing_ok=True)
        return target, False
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged.temp, target)
    os.chmod(target, 0o444)
    return target, True


def forget(path: Path) -> None:
    """Remove a file kept by a write that then failed."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, 0o644)
        path.unlink()


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# ---- what the content is -------------------------------------------------------------------


def _text_kind(head: bytes) -> str | None:
    if b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return None
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("warc/1."):
        return "application/warc"
    if start.startswith(("<!doctype html", "<html", "<head", "<body", "<script")) or "<script" in start[:4096]:
        return "text/html"
    if start.startswith("<?xml") or start.startswith("<svg"):
        return "image/svg+xml" if "<svg" in start[:4096] else "application/xml"
    if start.startswith(("{", "[")):
        try:
            json.loads(text)
            return "application/json"
        except ValueError:
            pass
    return "text/plain"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist()[:MAX_ENTRIES])
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EvidenceRefused(f"the content looks like a ZIP archive but cannot be read ({exc})") from None
    if "datapackage.json" in names and any(n.startswith("archive/") for n in names):
        return "application/wacz"
    return "application/zip"


def detect(head: bytes, path: Path) -> str:
    """The media type from the content's first bytes (and, for archives, their directory)."""
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
        if mime == "application/zip":
            return _zip_kind(path)
        if mime == "application/gzip":
            try:
                inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
            except zlib.error:
                inner = b""
            return "application/warc" if inner.startswith(b"WARC/1.") else "application/gzip"
        return mime
    return _text_kind(head) or "application/octet-stream"


def check_type(detected: str, claimed: str | None, name: str | None) -> None:
    if claimed and not claim_matches(claimed, detected):
        raise EvidenceRefused(f"the content is {detected}, not the {claimed} claimed; nothing was kept")
    if name and not claimed:
        by_name = mimetypes.guess_type(name, strict=False)[0]
        if by_name and not claim_matches(by_name, detected):
            raise EvidenceRefused(f"the content is {detected} but the name {name!r} says {by_name}; nothing was kept")
    if detected not in ACCEPTED_TYPES:
        raise EvidenceRefused(f"content of type {detected} is not accepted as evidence; nothing was kept")


def check_bombs(media_type: str, path: Path, size: int) -> None:
    """Refuse archives and images that would unpack to far more than they are."""
    if media_type in ZIP_TYPES:
        _check_zip(path, size)
    elif media_type in ("application/gzip", "application/warc"):
        try:
            _check_gzip(path, size)
        except zlib.error:
            raise EvidenceRefused("the gzip stream is broken; nothing was kept") from None
    elif media_type in IMAGE_TYPES:
        _check_image(path)


def _check_zip(path: Path, size: int) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise EvidenceRefused(f"the ZIP archive cannot be read ({exc}); nothing was kept") from None
    if len(infos) > MAX_ENTRIES:
        raise EvidenceRefused(f"the archive holds {len(infos):,} entries, more than {MAX_ENTRIES:,}; nothing was kept")
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MIN_BOMB and unpacked > MAX_RATIO * size:
        raise EvidenceRefused(
            f"the archive would unpack to {unpacked:,} bytes from {size:,} (a zip bomb); nothing was kept")
    ends = sorted((i.header_offset, i.header_offset + i.compress_size) for i in infos)
    for (_, end), (start, _) in zip(ends, ends[1:], strict=False):
        if start < end:
            raise EvidenceRefused("the archive's entries overlap (a zip bomb); nothing was kept")


def _check_gzip(path: Path, size: int) -> None:
    cap = max(MIN_BOMB, MAX_RATIO * size)
    out = 0
    with open(path, "rb") as fh:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        while chunk := fh.read(CHUNK):
            data = chunk
            while data:
                out += len(d.decompress(data, CHUNK))
                if out > cap:
                    raise EvidenceRefused(f"the gzip stream unpacks to more than {cap:,} bytes (a bomb); nothing was kept")
                if d.eof:  # a further gzip member follows (WARC files have one per record)
                    data = d.unused_data
                    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    data = d.unconsumed_tail


def _check_image(path: Path) -> None:
    from PIL import Image

    try:
        with Image.open(path) as im:
            width, height = im.size
            if width * height > MAX_PIXELS:
                raise EvidenceRefused(f"the image is {width}×{height} pixels (a decompression bomb); nothing was kept")
            im.verify()
    except EvidenceRefused:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for a broken image
        raise EvidenceRefused(f"the image cannot be read ({type(exc).__name__}); nothing was kept") from None


# ---- metadata ------------------------------------------------------------------------------


def metadata(path: Path, media_type: str) -> dict[str, Any]:
    """What the file says about itself: EXIF, PDF info, WARC/WACZ headers. Never trusted as fact."""
    try:
        if media_type in IMAGE_TYPES:
            return _image_meta(path)
        if media_type == "application/pdf":
            return _pdf_meta(path)
        if media_type == "application/warc":
            return _warc_meta(path)
        if media_type == "application/wacz":
            return _wacz_meta(path)
    except Exception as exc:  # noqa: BLE001 - metadata is a courtesy; the file is kept regardless
        return {"error": f"metadata could not be read: {type(exc).__name__}"}
    return {}


def _ratio(value: Any) -> float:
    return float(value)


def _gps(gps: dict) -> dict[str, float] | None:
    try:
        def deg(values: tuple, ref: str) -> float:
            d, m, s = (_ratio(v) for v in values)
            out = d + m / 60 + s / 3600
            return -out if ref in ("S", "W") else out

        return {"latitude": round(deg(gps[2], gps[1]), 6), "longitude": round(deg(gps[4], gps[3]), 6)}
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None


def _image_meta(path: Path) -> dict[str, Any]:
    from PIL import Image

    with Image.open(path) as im:
        out: dict[str, Any] = {"format": im.format, "width": im.width, "height": im.height}
        exif = im.getexif()
        base = {k: exif.get(k) for k in (0x010F, 0x0110, 0x0131, 0x0132)}
        sub = exif.get_ifd(0x8769)
        gps = exif.get_ifd(0x8825)
    make, model, software, changed = (str(v).strip("\x00 ") if v else None for v in base.values())
    original = sub.get(0x9003) if sub else None
    if make or model:
        out["device"] = " ".join(v for v in (make, model) if v)
    if software:
        out["software"] = software
    if original or changed:
        out["capture_date"] = str(original or changed).strip("\x00 ")
    if gps:
        place = _gps(dict(gps))
        if place:
            out["gps"] = place
    return out


def _pdf_meta(path: Path) -> dict[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    out: dict[str, Any] = {"pages": len(reader.pages), "encrypted": reader.is_encrypted}
    info = reader.metadata
    if info:
        for key, label in (("/Title", "title"), ("/Author", "author"), ("/Creator", "creator"),
                           ("/Producer", "producer"), ("/CreationDate", "capture_date"), ("/ModDate", "modified")):
            value = info.get(key)
            if value:
                out[label] = str(value)[:500]
    return out


def _warc_meta(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    if head[:2] == b"\x1f\x8b":
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, HEAD)
    text = head.decode("utf-8", "replace")
    out: dict[str, Any] = {}
    targets = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip()
        if key == "warc-date" and "capture_date" not in out:
            out["capture_date"] = value
        elif key == "warc-target-uri" and value not in targets and len(targets) < 10:
            targets.append(value)
        elif key == "software" and "software" not in out:
            out["software"] = value[:200]
    if targets:
        out["targets"] = targets
    return out


def _wacz_meta(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as zf, zf.open("datapackage.json") as fh:
        data = json.load(io.TextIOWrapper(fh, "utf-8"))
    return {k: str(data[k])[:500] for k in ("title", "created", "software", "wacz_version") if k in data}


def thumbnail(root: Path, sha256: str) -> Path:
    """A small PNG of an image, made on first request and kept under thumbs/."""
    from PIL import Image, ImageOps

    target = root / "thumbs" / f"{sha256}.png"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(blob_path(root, sha256)) as im:
        im = ImageOps.exif_transpose(im)
        im.thumbnail((THUMB, THUMB))
        if im.mode not in ("RGB", "RGBA", "L"):
            im = im.convert("RGBA")
        tmp = target.with_name(target.name + f".{secrets.token_hex(4)}.part")
        im.save(tmp, format="PNG")
    os.replace(tmp, target)
    return target
