"""A bundle for an inquiry, and its check on any machine with civwatch and no store.

`bundle.zip` holds:
  manifest.json     items (hash, size, type, links, custody entry hashes), decisions, scope
  manifest.tsr      RFC 3161 token over the manifest's SHA-256 (when a TSA is configured)
  files/<sha256>    the items' files
  tokens/<sha256>.tsr  each item's timestamp token
  audit.jsonl       the audit entries of the items' custody and of the decisions, as stored
  tsa/trusted.pem   the TSA certificates the store trusted (CIVWATCH_TSA_CA_FILE), if set
  README.txt        how to check it

`verify` recomputes every file hash, every audit entry hash, each item's custody chain
(`prev_custody`), the tokens, and that manifest and entries agree, and names what differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import Engine

from civwatch import __version__
from civwatch.domain.events import GENESIS, canonical, entry_hash
from civwatch.domain.evidence import BUNDLE_ROLES, CustodyAction, EvidenceBundled, check_reason
from civwatch.services import decisions as decisions_service
from civwatch.services import evidence as items_service
from civwatch.services import evidence_files as files
from civwatch.services import evidence_tsa as tsa
from civwatch.services.auth import AuthError, Principal
from civwatch.store import audit
from civwatch.store import decisions as decision_store
from civwatch.store import evidence as store

FORMAT = "civwatch-evidence-bundle/1"
MAX_MEMBER = 64 * 1024 * 1024  # manifest, audit and token members are read whole: bounded
README = """This is a civwatch evidence bundle.

Check it on any machine with civwatch installed (no store needed):

    civwatch evidence verify bundle.zip [--tsa-ca CA.pem]

Give --tsa-ca the certificate of the time-stamping authority you trust; without it the check
uses tsa/trusted.pem inside the bundle and says so. manifest.json lists every file with its
SHA-256, its RFC 3161 timestamp token (tokens/) and the hashes of its custody entries, whose
full text is in audit.jsonl (one audit-trail entry per line, hash-chained as stored).
Timestamp tokens can also be checked with `openssl ts -verify -token_in -in tokens/X.tsr
-data files/X -CAfile CA.pem`.
"""


def _iso(at: datetime | None) -> str | None:
    if at is None:
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def _entry(row: dict) -> dict:
    return {"seq": row["seq"], "at": _iso(row["at"]), "actor": row["actor"], "event": row["event"],
            "entity": row["entity"], "entity_id": row["entity_id"], "before": row["before"], "after": row["after"],
            "prev_hash": row["prev_hash"], "hash": row["hash"]}


def bundle(engine: Engine, principal: Principal | None, out: str | Path, *, case_id: int | None = None,
           incident_id: int | None = None, why: str | None = None) -> dict:
    """Write the bundle of a case's (or an incident's) evidence and decisions to `out`."""
    if principal is None:
        raise AuthError("give a token: a bundle's export is recorded with who made it")
    if not principal.has(*BUNDLE_ROLES):
        raise PermissionError("only analysts and investigators may bundle evidence for an inquiry")
    if (case_id is None) == (incident_id is None):
        raise ValueError("bundle either --case N or --incident N")
    why = check_reason(why, "the bundle")
    target = Path(out)
    if target.exists() and target.is_dir():
        raise IsADirectoryError(f"{target} is a folder: give the bundle's file name")
    root = items_service.root_of(engine)
    scope = {"case": case_id} if case_id is not None else {"incident": incident_id}
    items = items_service.for_case(engine, case_id) if case_id is not None else items_service.for_incident(engine, incident_id)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    trusted_pem = _trusted_pem()
    try:
        with engine.begin() as conn:
            if case_id is not None and not store.target_exists(conn, "case", case_id):
                raise ValueError(f"no case {case_id}")
            if incident_id is not None and not store.target_exists(conn, "incident", store.resolve_incident(conn, incident_id)):
                raise ValueError(f"no incident {incident_id}")
            for item in items:
                store.append_custody(conn, item["id"], principal.username, {
                    "action": CustodyAction.EXPORTED.value, "sha256": item["sha256"], "why": why,
                    "bundle": target.name, "scope": scope})
            entries: list[dict] = []
            manifest_items = []
            for item in items:
                custody = store.custody(conn, item["id"])
                entries += custody
                row = store.get_item(conn, item["id"])
                manifest_items.append(_manifest_item(row, store.links(conn, item["id"]), custody))
            decision_rows = _decisions(conn, case_id, incident_id, [i["id"] for i in items])
            decision_list = []
            for d in decision_rows:
                entry = store.audit_entry(conn, d["audit_seq"]) if d["audit_seq"] else None
                if entry:
                    entries.append(entry)
                decision_list.append({**decisions_service.content(d), "audit_seq": d["audit_seq"],
                                      "audit_hash": entry["hash"] if entry else None})
            audit_lines = "".join(canonical(_entry(e)) + "\n" for e in sorted(entries, key=lambda e: e["seq"]))
            manifest = {
                "format": FORMAT, "civwatch": __version__, "created_at": _iso(datetime.now(UTC)),
                "created_by": principal.username, "why": why, "scope": scope, "hash_algorithm": "sha256",
                "items": manifest_items, "decisions": decision_list,
                "audit": {"file": "audit.jsonl", "entries": len(entries),
                          "sha256": hashlib.sha256(audit_lines.encode()).hexdigest()},
                "tsa": {"trusted": "tsa/trusted.pem" if trusted_pem else None, "url": tsa.tsa_url()},
            }
            manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True).encode("utf-8")
            manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
            stamp = None
            if tsa.tsa_url():
                stamp = tsa.request_stamp(tsa.tsa_url(), bytes.fromhex(manifest_sha), tsa.trusted_certificates())
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
                zf.writestr("README.txt", README)
                zf.writestr("manifest.json", manifest_bytes)
                if stamp:
                    zf.writestr("manifest.tsr", stamp.token)
                zf.writestr("audit.jsonl", audit_lines)
                if trusted_pem:
                    zf.writestr("tsa/trusted.pem", trusted_pem)
                for m, row in zip(manifest_items, (store.get_item(conn, i["id"]) for i in items), strict=True):
                    if m["file"]:
                        zf.write(files.blob_path(root, m["sha256"]), m["file"], compress_type=zipfile.ZIP_STORED)
                    if row["tsa_token"]:
                        zf.writestr(m["timestamp"]["token"], row["tsa_token"])
            audit.append(conn, EvidenceBundled(actor=principal.username, entity_id=target.name, after={
                "scope": scope, "manifest_sha256": manifest_sha, "items": len(items), "decisions": len(decision_list),
                "why": why}))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return {"bundle": str(target), "items": len(items), "decisions": len(decision_list),
            "manifest_sha256": manifest_sha, "timestamped": stamp is not None}


def _trusted_pem() -> bytes | None:
    path = os.environ.get("CIVWATCH_TSA_CA_FILE")
    return Path(path).read_bytes() if path else None


def _decisions(conn, case_id: int | None, incident_id: int | None, item_ids: list[int]) -> list[dict]:
    incident_ids: list[int] = []
    if incident_id is not None:
        incident_ids = store.redirected_from(conn, store.resolve_incident(conn, incident_id))
    elif case_id is not None and (inc := store.incident_of_case(conn, case_id)):
        incident_ids = store.redirected_from(conn, store.resolve_incident(conn, inc))
    found: dict[int, dict] = {}
    if incident_ids:
        found |= {d["id"]: d for d in decision_store.query(conn, incident_ids=incident_ids, limit=100_000)}
    if case_id is not None:
        found |= {d["id"]: d for d in decision_store.query(conn, case_id=case_id, limit=100_000)}
    wanted = set(item_ids)
    for d in decision_store.query(conn, limit=100_000):
        if wanted & set(json.loads(d["inputs"] or "[]")):
            found[d["id"]] = d
    return [found[k] for k in sorted(found)]


def _manifest_item(row: dict, links: list[dict], custody: list[dict]) -> dict:
    has_file = row["kind"] == "upload"
    return {
        "id": row["id"], "sha256": row["sha256"], "kind": row["kind"], "size": row["size"],
        "media_type": row["media_type"], "name": row["name"], "description": row["description"],
        "source_url": row["source_url"], "captured_at": _iso(row["captured_at"]),
        "meta": json.loads(row["meta"] or "{}"), "added_by": row["added_by"], "added_at": _iso(row["added_at"]),
        "file": f"files/{row['sha256']}" if has_file else None,
        "timestamp": {"token": f"tokens/{row['sha256']}.tsr", "time": _iso(row["tsa_time"]), "tsa_url": row["tsa_url"]}
        if row["tsa_token"] else None,
        "links": [{"target": link["target"], "target_id": link["target_id"], "linked_by": link["linked_by"],
                   "linked_at": _iso(link["linked_at"]), "reason": link["reason"]} for link in links],
        "custody": [{"seq": e["seq"], "hash": e["hash"]} for e in custody],
    }


# ---- verify (no store) ---------------------------------------------------------------------


@dataclass
class Verification:
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "warnings": self.warnings, "checked": self.checked}


def _safe_member(name: str) -> bool:
    p = PurePosixPath(name)
    return not p.is_absolute() and ".." not in p.parts and "\\" not in name and ":" not in name


def _read(zf: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > MAX_MEMBER:
        raise ValueError(f"{name} in the bundle is larger than {MAX_MEMBER:,} bytes")
    return zf.read(info)


def _hash_member(zf: zipfile.ZipFile, name: str) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with zf.open(name) as fh:
        while chunk := fh.read(files.CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def verify(path: str | Path, trusted_file: str | Path | None = None) -> Verification:
    """Check a bundle with nothing but the bundle (and, if given, the TSA certificates trusted)."""
    result = Verification()
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no bundle {path}")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ValueError(f"{path} is not a ZIP file") from None
    with zf:
        bad = [n for n in zf.namelist() if not _safe_member(n)]
        if bad:
            result.problems.append(f"the bundle holds unsafe member names: {', '.join(bad[:5])}")
            return result
        raw = _read(zf, "manifest.json")
        if raw is None:
            raise ValueError(f"{path} is not a civwatch evidence bundle (no manifest.json)")
        try:
            manifest = json.loads(raw)
        except ValueError:
            result.problems.append("manifest.json is not valid JSON (it was altered)")
            return result
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{path} is not a bundle this civwatch can read (format {manifest.get('format')!r})")
        trusted = _trust(zf, trusted_file, result)
        _check_manifest_stamp(zf, raw, trusted, result)
        entries = _check_audit(zf, manifest, result)
        listed = {"README.txt", "manifest.json", "manifest.tsr", "audit.jsonl", "tsa/trusted.pem"}
        for item in manifest.get("items", []):
            listed |= _check_item(zf, item, entries, trusted, result)
        _check_decisions(manifest, entries, result)
        extra = sorted(set(zf.namelist()) - listed)
        if extra:
            result.problems.append(f"files not in the manifest: {', '.join(extra[:5])}")
    return result


def _trust(zf, trusted_file, result: Verification):
    if trusted_file:
        certs = tsa.trusted_certificates(trusted_file)
        result.checked.append(f"timestamps checked against {Path(trusted_file).name} "
                              f"({', '.join(tsa.fingerprint(c)[:16] for c in certs)})")
        return certs
    pem = _read(zf, "tsa/trusted.pem")
    if pem:
        from cryptography import x509

        certs = x509.load_pem_x509_certificates(pem)
        result.warnings.append("timestamps checked against the TSA certificate inside the bundle "
                               f"(SHA-256 {', '.join(tsa.fingerprint(c) for c in certs)}); pass --tsa-ca to use your own")
        return certs
    result.warnings.append("no trusted TSA certificate: token signatures are checked, their signer is not")
    return None


def _check_manifest_stamp(zf, raw: bytes, trusted, result: Verification) -> None:
    token = _read(zf, "manifest.tsr")
    if token is None:
        result.warnings.append("the manifest has no timestamp: a manifest rewritten to match would go unnoticed")
        return
    try:
        stamp = tsa.verify_token(token, hashlib.sha256(raw).digest(), trusted)
    except tsa.TimestampInvalid as exc:
        result.problems.append(f"manifest.json: {exc}")
        return
    result.checked.append(f"manifest timestamped {stamp.time.isoformat()} by {stamp.tsa}")


def _check_audit(zf, manifest: dict, result: Verification) -> dict[int, dict]:
    raw = _read(zf, "audit.jsonl")
    if raw is None:
        result.problems.append("audit.jsonl is missing")
        return {}
    declared = manifest.get("audit", {})
    if hashlib.sha256(raw).hexdigest() != declared.get("sha256"):
        result.problems.append("audit.jsonl differs from the manifest's record of it (entries added, removed or edited)")
    entries: dict[int, dict] = {}
    for n, line in enumerate(raw.decode("utf-8", "replace").splitlines(), 1):
        try:
            e = json.loads(line)
            digest = entry_hash(e["prev_hash"], e["at"], e["actor"], e["event"], e["entity"], e["entity_id"],
                                e["before"], e["after"])
        except (ValueError, KeyError, TypeError):
            result.problems.append(f"audit.jsonl line {n} cannot be read")
            continue
        if digest != e["hash"]:
            result.problems.append(f"audit entry {e.get('seq')} does not match its hash (edited)")
        entries[int(e["seq"])] = e
    result.checked.append(f"{len(entries)} audit entries re-hashed")
    return entries


def _check_item(zf, item: dict, entries: dict[int, dict], trusted, result: Verification) -> set[str]:
    label = f"item {item.get('id')} ({item.get('name')})"
    names: set[str] = set()
    sha = item.get("sha256", "")
    if item.get("file"):
        names.add(item["file"])
        try:
            digest, size = _hash_member(zf, item["file"])
        except KeyError:
            result.problems.append(f"{label}: its file {item['file']} is missing")
            digest, size = None, None
        if digest is not None and (digest != sha or size != item.get("size")):
            result.problems.append(f"{label}: the file's SHA-256 is {digest}, not {sha} (the file was altered)")
    if item.get("timestamp"):
        names.add(item["timestamp"]["token"])
        token = _read(zf, item["timestamp"]["token"])
        if token is None:
            result.problems.append(f"{label}: its timestamp token is missing")
        else:
            try:
                stamp = tsa.verify_token(token, bytes.fromhex(sha), trusted)
                if item["timestamp"]["time"] and stamp.time != datetime.fromisoformat(item["timestamp"]["time"]):
                    result.problems.append(f"{label}: the token's time differs from the manifest's")
            except (tsa.TimestampInvalid, ValueError) as exc:
                result.problems.append(f"{label}: timestamp token: {exc}")
    else:
        result.warnings.append(f"{label}: no trusted timestamp")
    _check_custody(item, label, entries, result)
    return names


def _check_custody(item: dict, label: str, entries: dict[int, dict], result: Verification) -> None:
    listed = item.get("custody", [])
    mine = sorted((e for e in entries.values() if e["entity"] == "evidence" and e["entity_id"] == str(item.get("id"))),
                  key=lambda e: e["seq"])
    present = {e["seq"] for e in mine}
    for step in listed:
        entry = entries.get(step["seq"])
        if entry is None or step["seq"] not in present:
            result.problems.append(f"{label}: custody entry {step['seq']} is missing from audit.jsonl")
        elif entry["hash"] != step["hash"]:
            result.problems.append(f"{label}: custody entry {step['seq']} differs from the manifest")
    unlisted = present - {s["seq"] for s in listed}
    if unlisted:
        result.problems.append(f"{label}: custody entries {sorted(unlisted)} are not in the manifest")
    prev = GENESIS
    for e in mine:
        try:
            after = json.loads(e["after"] or "{}")
        except ValueError:
            after = {}
        if after.get("prev_custody") != prev:
            result.problems.append(f"{label}: custody entry {e['seq']} does not follow the one before it "
                                   "(a custody entry was removed)")
        if after.get("sha256") != item.get("sha256"):
            result.problems.append(f"{label}: custody entry {e['seq']} is about other content")
        prev = e["hash"]
    if mine and json.loads(mine[-1]["after"] or "{}").get("action") != CustodyAction.EXPORTED.value:
        result.problems.append(f"{label}: the custody record does not end with this bundle's export (entries were removed)")
    result.checked.append(f"{label}: {len(mine)} custody entries")


def _check_decisions(manifest: dict, entries: dict[int, dict], result: Verification) -> None:
    for d in manifest.get("decisions", []):
        seq = d.get("audit_seq")
        entry = entries.get(seq) if seq is not None else None
        if entry is None:
            result.problems.append(f"decision {d.get('id')}: its audit entry is missing")
            continue
        content = {k: v for k, v in d.items() if k not in ("audit_seq", "audit_hash")}
        try:
            logged = json.loads(entry["after"] or "{}")
        except ValueError:
            logged = {}
        logged.pop("subjects_sha256", None)
        logged.pop("subjects", None)
        if entry["hash"] != d.get("audit_hash") or canonical(logged) != canonical(content):
            result.problems.append(f"decision {d.get('id')}: differs from its audit entry")
    if manifest.get("decisions"):
        result.checked.append(f"{len(manifest['decisions'])} decisions against their audit entries")
