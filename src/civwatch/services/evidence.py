"""Evidence items as use cases: add (upload or external capture), link, view, download,
transfer, custody report, and what is linked to an incident or a case.

Every step on an item is a custody entry in the audit trail, written in the step's own
transaction. An upload is streamed to the incoming area, hashed, checked (size, type from
content, bombs), timestamped by the configured TSA, then kept under its SHA-256; any refusal
or failure removes what it wrote, so a refused upload leaves nothing behind.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from civwatch.domain.events import GENESIS
from civwatch.domain.evidence import (
    IMAGE_TYPES,
    WRITE_ROLES,
    CustodyAction,
    EvidenceRefused,
    ItemKind,
    LinkTarget,
    check_name,
    check_reason,
    check_sha256,
)
from civwatch.services import evidence_files as files
from civwatch.services import evidence_tsa as tsa
from civwatch.services.auth import AuthError, Principal
from civwatch.settings import evidence_max_bytes, evidence_root
from civwatch.store import evidence as store

__all__ = ["EvidenceRefused", "ItemNotFound", "add_file", "begin_upload", "complete_upload", "register_capture",
           "link", "view", "download", "transfer", "custody_report", "for_incident", "for_case", "root_of"]


class ItemNotFound(LookupError):
    """No evidence item with that id."""


def root_of(engine: Engine) -> Path:
    sqlite_file = engine.url.database if engine.dialect.name == "sqlite" else None
    return evidence_root(sqlite_file)


def _writer(principal: Principal | None) -> Principal:
    if principal is None:
        raise AuthError("log in or give a token: only recorders, analysts, investigators and assessors may add evidence")
    if not principal.has(*WRITE_ROLES):
        raise PermissionError(
            f"your roles ({', '.join(sorted(r.value for r in principal.roles)) or 'none'}) may not add or link evidence")
    return principal


def _handler(principal: Principal | None) -> Principal:
    """Anyone handling an item must be known: custody records who."""
    if principal is None:
        raise AuthError("log in or give a token: every view and download of evidence is recorded with who made it")
    return principal


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LinkRequest:
    target: LinkTarget
    target_id: int


def parse_links(incidents: list[int] | None = None, reports: list[int] | None = None,
                cases: list[int] | None = None) -> list[LinkRequest]:
    out = [LinkRequest(LinkTarget.INCIDENT, i) for i in incidents or []]
    out += [LinkRequest(LinkTarget.REPORT, i) for i in reports or []]
    out += [LinkRequest(LinkTarget.CASE, i) for i in cases or []]
    for request in out:
        if not 1 <= request.target_id <= 2**31 - 1:
            raise EvidenceRefused(f"no {request.target.value} {request.target_id}; nothing was kept")
    return out


def _link(conn, item_id: int, sha256: str, request: LinkRequest, actor: str, why: str | None) -> bool:
    target_id = request.target_id
    if request.target == LinkTarget.INCIDENT:
        target_id = store.resolve_incident(conn, target_id)
    if not store.target_exists(conn, request.target.value, target_id):
        raise EvidenceRefused(f"no {request.target.value} {request.target_id}; nothing was kept")
    added = store.add_link(conn, {"item_id": item_id, "target": request.target.value, "target_id": target_id,
                                  "linked_by": actor, "linked_at": _now(), "reason": why})
    if added:
        store.append_custody(conn, item_id, actor, {"action": CustodyAction.LINKED.value, "sha256": sha256, "why": why,
                                                    "target": request.target.value, "target_id": target_id})
    return added


def _stamp(sha256: str) -> tsa.Stamp | None:
    url = tsa.tsa_url()
    if not url:
        return None
    return tsa.request_stamp(url, bytes.fromhex(sha256), tsa.trusted_certificates())


def _record(engine: Engine, principal: Principal, values: dict[str, Any], links: list[LinkRequest],
            why: str | None) -> tuple[int, bool]:
    """Insert the item (or find it) with its custody entries and links; (item id, whether new)."""
    with engine.connect() as conn:
        existing = store.item_by_sha(conn, values["sha256"])
    stamp = None if existing else _stamp(values["sha256"])
    with engine.begin() as conn:
        existing = store.item_by_sha(conn, values["sha256"])
        if existing:
            item_id = existing["id"]
            store.append_custody(conn, item_id, principal.username, {
                "action": CustodyAction.RESUBMITTED.value, "sha256": values["sha256"], "why": why, "name": values["name"]})
        else:
            if stamp:
                values |= {"tsa_token": stamp.token, "tsa_time": stamp.time, "tsa_url": tsa.tsa_url()}
            item_id = store.insert_item(conn, values)
            store.append_custody(conn, item_id, principal.username, {
                "action": CustodyAction.ADDED.value, "sha256": values["sha256"], "why": why, "name": values["name"],
                "kind": values["kind"], "size": values.get("size"), "media_type": values.get("media_type"),
                "timestamp": stamp.time.isoformat() if stamp else None})
        for request in links:
            _link(conn, item_id, values["sha256"], request, principal.username, why)
    return item_id, existing is None


def begin_upload(engine: Engine, principal: Principal | None, name: str, declared_size: int | None) -> files.Incoming:
    """Check who and what before a single byte is kept; returns the upload to feed."""
    _writer(principal)
    check_name(name)
    return files.Incoming(root_of(engine), evidence_max_bytes(), declared_size=declared_size)


def complete_upload(
    engine: Engine,
    incoming: files.Incoming,
    principal: Principal,
    name: str,
    claimed_type: str | None = None,
    description: str | None = None,
    links: list[LinkRequest] | None = None,
    why: str | None = None,
    source_url: str | None = None,
    captured_at: datetime | None = None,
) -> dict:
    try:
        why = check_reason(why, "adding")
        description = check_reason(description, "the description")
    except EvidenceRefused:
        incoming.discard()
        raise
    staged = incoming.finish(claimed_type, name)
    return _keep(engine, staged, principal, name, description, links or [], why, source_url, captured_at)


def _keep(engine, staged: files.Staged, principal, name, description, links, why, source_url, captured_at) -> dict:
    root = root_of(engine)
    path, new_file = files.keep(root, staged)
    try:
        meta = files.metadata(path, staged.media_type)
        values = {
            "sha256": staged.sha256, "kind": ItemKind.UPLOAD.value, "size": staged.size, "media_type": staged.media_type,
            "name": name, "description": description, "source_url": source_url, "captured_at": _aware(captured_at),
            "meta": json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
            "added_by": principal.username, "added_at": _now(),
        }
        item_id, new_item = _record(engine, principal, values, links, why)
    except BaseException:
        if new_file:
            files.forget(path)
        raise
    return {"id": item_id, "sha256": staged.sha256, "new": new_item, "media_type": staged.media_type, "size": staged.size}


def add_file(engine: Engine, path: str | Path, principal: Principal | None, *, name: str | None = None,
             claimed_type: str | None = None, description: str | None = None, links: list[LinkRequest] | None = None,
             why: str | None = None, source_url: str | None = None, captured_at: datetime | None = None) -> dict:
    """Add a file from disk (the CLI's `evidence add`)."""
    source = Path(path)
    if not source.is_file():
        raise FileNotFoundError(f"no file {source}")
    name = name or source.name
    incoming = begin_upload(engine, principal, name, source.stat().st_size)
    try:
        with open(source, "rb") as fh:
            while chunk := fh.read(files.CHUNK):
                incoming.feed(chunk)
    except BaseException:
        incoming.discard()
        raise
    return complete_upload(engine, incoming, principal, name, claimed_type, description, links, why, source_url, captured_at)


def register_capture(engine: Engine, principal: Principal | None, *, sha256: str, name: str, source_url: str,
                     captured_at: datetime | None = None, description: str | None = None,
                     links: list[LinkRequest] | None = None, why: str | None = None) -> dict:
    """Register a capture kept elsewhere (e.g. by an archiver) by its SHA-256 and address."""
    principal = _writer(principal)
    check_name(name)
    sha256 = check_sha256(sha256)
    if not source_url or not source_url.startswith(("http://", "https://")):
        raise EvidenceRefused("an external capture needs the http(s) address where it is kept")
    values = {"sha256": sha256, "kind": ItemKind.CAPTURE.value, "name": name, "source_url": source_url,
              "description": check_reason(description, "the description"), "captured_at": _aware(captured_at),
              "meta": "{}", "added_by": principal.username, "added_at": _now()}
    item_id, new_item = _record(engine, principal, values, links or [], check_reason(why, "registering"))
    return {"id": item_id, "sha256": sha256, "new": new_item}


def link(engine: Engine, item_id: int, requests: list[LinkRequest], principal: Principal | None, why: str | None) -> int:
    """Link an item to incidents, reports or cases; returns how many links are new."""
    principal = _writer(principal)
    why = check_reason(why, "linking")
    if not requests:
        raise ValueError("name what to link to: --incident, --report or --case")
    with engine.begin() as conn:
        item = _item(conn, item_id)
        return sum(_link(conn, item_id, item["sha256"], r, principal.username, why) for r in requests)


def _item(conn, item_id: int) -> dict:
    item = store.get_item(conn, item_id)
    if item is None:
        raise ItemNotFound(f"no evidence item {item_id}")
    return item


def _public(item: dict) -> dict:
    out = {k: v for k, v in item.items() if k != "tsa_token"}
    out["meta"] = json.loads(item["meta"] or "{}")
    out["timestamped"] = item["tsa_token"] is not None
    out["is_image"] = item["media_type"] in IMAGE_TYPES and item["kind"] == ItemKind.UPLOAD.value
    for key in ("added_at", "captured_at", "tsa_time"):
        out[key] = _aware(out[key])
    return out


def _handle(engine: Engine, item_id: int, principal: Principal | None, action: CustodyAction, why: str | None,
            **extra: Any) -> dict:
    principal = _handler(principal)
    why = check_reason(why, action.value)
    with engine.begin() as conn:
        item = _item(conn, item_id)
        store.append_custody(conn, item_id, principal.username,
                             {"action": action.value, "sha256": item["sha256"], "why": why, **extra})
    return item


def view(engine: Engine, item_id: int, principal: Principal | None, why: str | None = None) -> dict:
    """The item with its links and custody; the view itself is recorded first."""
    _handle(engine, item_id, principal, CustodyAction.VIEWED, why)
    return describe(engine, item_id)


def describe(engine: Engine, item_id: int) -> dict:
    """The item, its links and its custody report, without recording anything (for bundles and tests)."""
    with engine.connect() as conn:
        item = _item(conn, item_id)
        links = store.links(conn, item_id)
    return {"item": _public(item), "links": links, "custody": custody_report(engine, item_id)}


def download(engine: Engine, item_id: int, principal: Principal | None, why: str | None = None) -> tuple[Path, dict]:
    """(the kept file, the item) after recording the download; only items kept here."""
    item = _handle(engine, item_id, principal, CustodyAction.DOWNLOADED, why)
    if item["kind"] != ItemKind.UPLOAD.value:
        raise EvidenceRefused(f"item {item_id} is an external capture kept at {item['source_url']}")
    path = files.blob_path(root_of(engine), item["sha256"])
    if not path.is_file():
        raise FileNotFoundError(f"the file of item {item_id} is missing from the evidence root")
    return path, item


def thumbnail(engine: Engine, item_id: int, principal: Principal | None) -> Path:
    item = _handle(engine, item_id, principal, CustodyAction.VIEWED, "thumbnail")
    if item["kind"] != ItemKind.UPLOAD.value or item["media_type"] not in IMAGE_TYPES:
        raise EvidenceRefused(f"item {item_id} is not an image")
    return files.thumbnail(root_of(engine), item["sha256"])


def transfer(engine: Engine, item_id: int, principal: Principal | None, to: str, why: str | None) -> int:
    """Record that the item (or a copy) passed to someone outside civwatch."""
    principal = _writer(principal)
    to = (to or "").strip()
    if not to or len(to) > 300:
        raise ValueError("say to whom the item was transferred (at most 300 characters)")
    why = check_reason(why, "the transfer")
    if not why:
        raise ValueError("a transfer needs a reason (--why)")
    with engine.begin() as conn:
        item = _item(conn, item_id)
        return store.append_custody(conn, item_id, principal.username, {
            "action": CustodyAction.TRANSFERRED.value, "sha256": item["sha256"], "why": why, "to": to})


def custody_report(engine: Engine, item_id: int) -> dict:
    """Every custody step of the item, and whether the steps still chain."""
    with engine.connect() as conn:
        _item(conn, item_id)
        entries = store.custody(conn, item_id)
    steps, problems, prev = [], [], GENESIS
    for e in entries:
        after = json.loads(e["after"] or "{}")
        if after.get("prev_custody") != prev:
            problems.append(f"entry {e['seq']} does not follow the item's previous custody entry")
        prev = e["hash"]
        steps.append({"seq": e["seq"], "at": _aware(e["at"]), "actor": e["actor"], "action": after.get("action"),
                      "why": after.get("why"), "detail": {k: v for k, v in after.items()
                                                          if k not in ("action", "why", "sha256", "prev_custody")},
                      "hash": e["hash"]})
    return {"item_id": item_id, "steps": steps, "intact": not problems, "problems": problems}


def _targets_of_incident(conn, incident_id: int) -> list[tuple[str, list[int]]]:
    ids = store.redirected_from(conn, store.resolve_incident(conn, incident_id))
    return [("incident", ids), ("report", store.report_ids(conn, ids))]


def for_incident(engine: Engine, incident_id: int) -> list[dict]:
    """Items linked to the incident (or one merged into it) or to one of its reports."""
    with engine.connect() as conn:
        return [_public(i) for i in store.linked_items(conn, _targets_of_incident(conn, incident_id))]


def for_case(engine: Engine, case_id: int) -> list[dict]:
    """Items linked to the case, or to the incident it is about."""
    with engine.connect() as conn:
        pairs = [("case", [case_id])]
        incident_id = store.incident_of_case(conn, case_id)
        if incident_id:
            pairs += _targets_of_incident(conn, incident_id)
        return [_public(i) for i in store.linked_items(conn, pairs)]


def recent(engine: Engine, limit: int = 100) -> list[dict]:
    with engine.connect() as conn:
        return [_public(i) for i in store.list_items(conn, limit)]
