"""Reading and checking the audit trail, and anchoring its head outside the store.

The hash chain alone shows an edited entry and a gap, but not a deleted tail (the newest entries
removed) nor a chain rewritten and re-hashed from the first entry on: both leave a chain that is
consistent in itself. So every verify that finds the chain intact writes its head (sequence
number, hash, entry count) to an anchor file outside the store, signed with HMAC-SHA256 under
CIVWATCH_AUDIT_KEY when that secret is set, and every later verify checks that the entry the
anchor names is still there with the same hash. An attacker who can write to the store but not
to the anchor (or does not hold the key) can no longer hide a deletion or a re-hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from sqlalchemy import Engine

from civwatch.store import audit


@dataclass(frozen=True)
class Verification:
    checked: int
    breaches: list[audit.Breach]
    anchor: Path
    how: list[str]  # what was checked, in words, for `civwatch audit verify`


def default_anchor(engine: Engine) -> Path:
    """CIVWATCH_AUDIT_ANCHOR, else a file per store in the user data folder (not beside the store)."""
    configured = os.environ.get("CIVWATCH_AUDIT_ANCHOR")
    if configured:
        return Path(configured).expanduser()
    store = hashlib.sha256(engine.url.render_as_string(hide_password=True).encode()).hexdigest()[:16]
    return Path(platformdirs.user_data_dir("civwatch", appauthor=False)) / "audit-anchors" / f"{store}.json"


def _key() -> bytes | None:
    key = os.environ.get("CIVWATCH_AUDIT_KEY")
    return key.encode("utf-8") if key else None


def _mac(key: bytes, seq: int, digest: str, count: int) -> str:
    return hmac.new(key, f"{seq}:{digest}:{count}".encode(), hashlib.sha256).hexdigest()


def _check_anchor(conn, path: Path, key: bytes | None, how: list[str]) -> list[audit.Breach]:
    try:
        anchor = json.loads(path.read_text(encoding="utf-8"))
        seq, digest, count = int(anchor["seq"]), str(anchor["hash"]), int(anchor["count"])
    except (OSError, ValueError, KeyError, TypeError):
        return [audit.Breach(0, f"the anchor {path} is unreadable; restore it from a backup or remove it to start anew")]
    if key is not None:
        if not anchor.get("mac") or not hmac.compare_digest(str(anchor["mac"]), _mac(key, seq, digest, count)):
            return [audit.Breach(seq, f"the anchor {path} is not signed with CIVWATCH_AUDIT_KEY: it was edited or written without the key")]
        how.append(f"the anchor's signature was checked with CIVWATCH_AUDIT_KEY ({path})")
    else:
        how.append(f"the anchor is unsigned (set CIVWATCH_AUDIT_KEY to sign it) ({path})")
    how.append(f"the last verify ({anchor.get('at', '?')}) saw {count} entries up to entry {seq}")
    found = audit.hash_at(conn, seq)
    if found is None:
        return [audit.Breach(seq, f"entry {seq}, the newest at the last verify, is gone: the newest entries were deleted")]
    if found != digest:
        return [audit.Breach(seq, f"entry {seq} no longer has the hash the last verify recorded: the chain was rewritten and re-hashed")]
    if audit.count(conn) < count:
        return [audit.Breach(seq, f"fewer entries than the {count} the last verify saw: entries were deleted")]
    return []


def _write_anchor(path: Path, head: tuple[int, str], count: int, key: bytes | None) -> None:
    seq, digest = head
    body = {"seq": seq, "hash": digest, "count": count, "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "mac": _mac(key, seq, digest, count) if key else None}
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".tmp")
    scratch.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def verify(engine: Engine) -> tuple[int, list[audit.Breach]]:
    """The chain alone: (entries checked, breaches). `verify_anchored` also checks the anchor."""
    with engine.connect() as conn:
        return audit.verify(conn)


def verify_anchored(engine: Engine, anchor: Path | None = None, update: bool = True) -> Verification:
    """Walk the chain, check it against the anchor of the last verify, and (when intact) move the
    anchor to the current head. A broken chain never overwrites the anchor."""
    path = anchor or default_anchor(engine)
    key = _key()
    how = ["every entry's SHA-256 over its stored content, and that it names the hash of the entry before it"]
    with engine.connect() as conn:
        checked, breaches = audit.verify(conn)
        if path.exists():
            breaches += _check_anchor(conn, path, key, how)
        else:
            how.append(f"no anchor yet at {path}: a deleted tail or a re-hashed chain cannot be seen until one exists")
        current = audit.head(conn)
    if update and not breaches and current is not None:
        _write_anchor(path, current, checked, key)
        how.append(f"anchor moved to entry {current[0]} ({'signed' if key else 'unsigned'})")
    return Verification(checked, breaches, path, how)


def latest(engine: Engine, limit: int = 20, entity: str | None = None, entity_id: str | None = None) -> list[dict]:
    with engine.connect() as conn:
        return audit.entries(conn, entity=entity, entity_id=entity_id, limit=limit)
