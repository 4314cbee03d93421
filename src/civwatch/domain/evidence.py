"""Evidence kept for accountability: what an item is, who may handle it, and its custody events.

An item is identified by the SHA-256 of its content. Its chain of custody is the sequence of
its audit entries (`entity == "evidence"`); each custody event also names the hash of the
item's previous custody entry (`prev_custody`), so the item's entries form a chain of their own
inside the audit trail and a bundle that drops one of them no longer links up.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from civwatch.domain.events import AuditEvent
from civwatch.domain.taxonomy import Role

# Who may add and link evidence, and who may bundle it for an inquiry (admin may do all).
WRITE_ROLES = (Role.RECORDER, Role.ANALYST, Role.INVESTIGATOR, Role.ASSESSOR)
BUNDLE_ROLES = (Role.ANALYST, Role.INVESTIGATOR)

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
NAME_LIMIT = 255


class EvidenceRefused(ValueError):
    """An upload or registration was refused; nothing was kept."""


class EvidenceTooLarge(EvidenceRefused):
    """The upload is over the configured size limit."""


class ItemKind(StrEnum):
    UPLOAD = "upload"  # the file is kept under the evidence root
    CAPTURE = "capture"  # an external capture (an archive elsewhere), registered by its hash


class LinkTarget(StrEnum):
    INCIDENT = "incident"
    REPORT = "report"
    CASE = "case"


class CustodyAction(StrEnum):
    ADDED = "added"
    RESUBMITTED = "resubmitted"  # the same content uploaded again: kept once
    VIEWED = "viewed"
    DOWNLOADED = "downloaded"
    LINKED = "linked"
    EXPORTED = "exported"
    TRANSFERRED = "transferred"
    TIMESTAMPED = "timestamped"


# Media types accepted, detected from content. Anything else is refused with its detected type.
ACCEPTED_TYPES = {
    "image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/heic", "image/bmp",
    "video/mp4", "video/webm", "video/x-matroska", "video/quicktime", "video/x-msvideo", "video/mpeg",
    "audio/mpeg", "audio/x-wav", "audio/ogg", "audio/mp4", "audio/x-flac",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/rtf", "application/msword",
    "application/warc", "application/wacz", "application/zip", "application/gzip",
    "text/plain", "text/csv", "text/html", "application/json", "message/rfc822",
}
# Served to browsers only as downloads with this type: never rendered, never run.
ACTIVE_TYPES = {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml",
                "application/javascript", "text/javascript"}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp"}

# Claimed types that a detected type satisfies although the names differ.
_EQUIVALENT = {
    "image/jpg": {"image/jpeg"},
    "application/x-pdf": {"application/pdf"},
    "audio/wav": {"audio/x-wav"},
    "audio/mp3": {"audio/mpeg"},
    "application/x-zip-compressed": {"application/zip"},
    "application/zip": {"application/zip", "application/wacz"},
    "application/x-gzip": {"application/gzip", "application/warc"},
    "application/gzip": {"application/gzip", "application/warc"},
    "text/plain": {"text/plain", "text/csv", "application/json"},
    "text/csv": {"text/csv", "text/plain"},
    "application/json": {"application/json", "text/plain"},
    "text/html": {"text/html"},
    "application/warc": {"application/warc"},
}
UNCLAIMED = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}


def claim_matches(claimed: str | None, detected: str) -> bool:
    """Whether content detected as `detected` is what the uploader said it is."""
    if claimed is None:
        return True
    claimed = claimed.split(";", 1)[0].strip().lower()
    if claimed in UNCLAIMED:
        return True
    return detected == claimed or detected in _EQUIVALENT.get(claimed, set())


def check_name(name: str) -> str:
    """A file name as given, refused when it could name a path or hide characters."""
    if name is None or not name.strip():
        raise EvidenceRefused("a file name is required")
    if "/" in name or "\\" in name:
        raise EvidenceRefused(f"the file name {name!r} contains a path separator: give the bare name")
    if name in (".", "..") or name.startswith("."):
        raise EvidenceRefused(f"the file name {name!r} may not start with a dot")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in name):
        raise EvidenceRefused("the file name contains control or invisible characters")
    if len(name) > NAME_LIMIT:
        raise EvidenceRefused(f"the file name is longer than {NAME_LIMIT} characters")
    return name


def check_sha256(value: str) -> str:
    value = (value or "").strip().lower()
    if not SHA256_HEX.match(value):
        raise EvidenceRefused("a SHA-256 is 64 hexadecimal digits")
    return value


def check_reason(why: str | None, what: str) -> str | None:
    """A reason given for a custody step: optional, bounded, printable."""
    if why is None:
        return None
    why = why.strip()
    if len(why) > 2000:
        raise EvidenceRefused(f"the reason for {what} is longer than 2000 characters")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in why):
        raise EvidenceRefused(f"the reason for {what} contains control characters")
    return why or None


def download_type(media_type: str) -> str:
    """The Content-Type a download is served with: active content only as opaque bytes."""
    return "application/octet-stream" if media_type in ACTIVE_TYPES or media_type not in ACCEPTED_TYPES else media_type


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987)."""
    from urllib.parse import quote

    ascii_name = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\;' else "_" for ch in name) or "evidence"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@dataclass(frozen=True)
class EvidenceCustody(AuditEvent):
    """One step in an item's chain of custody; `after` holds action, why, sha256, prev_custody."""

    kind: ClassVar[str] = "evidence_custody"
    entity: ClassVar[str] = "evidence"


@dataclass(frozen=True)
class EvidenceBundled(AuditEvent):
    kind: ClassVar[str] = "evidence_bundle"
    entity: ClassVar[str] = "evidence_bundle"
