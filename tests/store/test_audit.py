"""The audit chain, checked from outside the code: expected hashes are computed here with hashlib
over the layout docs/access.md documents, every column is tampered with in turn, the tail is
really deleted and the whole chain really re-hashed, and `civwatch audit verify` must exit 3
on each breach."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from civwatch.domain.events import IncidentEdited
from civwatch.services import audit_trail
from civwatch.store import audit
from civwatch.store.schema import audit_log

GENESIS = "0" * 64  # documented: the first entry's prev_hash


def documented_hash(prev: str, at: str, actor: str, event: str, entity: str, entity_id, before, after) -> str:
    """SHA-256 (hex) of the UTF-8 JSON array [prev_hash, at, actor, event, entity, entity_id,
    before, after], keys sorted, no spaces, non-ASCII kept: the layout in docs/access.md."""
    text = json.dumps([prev, at, actor, event, entity, entity_id, before, after], sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def iso(at) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat(timespec="microseconds")


def _fill(store, n: int = 5) -> None:
    with store.begin() as conn:
        for i in range(n):
            audit.append(conn, IncidentEdited(actor="alice", entity_id=str(i), before={"deaths": i}, after={"deaths": i + 1, "note": "é"}))


def _rows(store) -> list[dict]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).order_by(audit_log.c.seq)).mappings()]


def cli_verify(store, anchor: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CIVWATCH_")}
    url = store.url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", "civwatch.cli.main", "--db", url, "audit", "verify", "--anchor", str(anchor)],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def anchor(tmp_path: Path) -> Path:
    return tmp_path / "outside-the-store" / "anchor.json"


def test_every_hash_follows_the_documented_layout(store) -> None:
    _fill(store)
    rows = _rows(store)
    prev = GENESIS
    for row in rows:
        assert row["prev_hash"] == prev
        assert row["before"] == json.dumps({"deaths": row["seq"] - rows[0]["seq"]}, separators=(",", ":"))
        expected = documented_hash(prev, iso(row["at"]), "alice", "incident_edited", "incident", row["entity_id"],
                                   row["before"], row["after"])
        assert row["hash"] == expected
        prev = expected
    with store.connect() as conn:
        assert audit.verify(conn) == (5, [])


TAMPERS = {
    "actor": "mallory",
    "at": "2020-01-01T00:00:00+00:00",
    "event": "incident_created",
    "entity": "case",
    "entity_id": "999",
    "before": json.dumps({"deaths": 0, "x": 1}),
    "after": json.dumps({"deaths": 99}),
    "prev_hash": "f" * 64,
}


@pytest.mark.parametrize("column", list(TAMPERS))
def test_tampering_with_any_column_is_named_and_fails_the_cli(store, anchor: Path, column: str) -> None:
    _fill(store)
    target = _rows(store)[2]["seq"]
    value = TAMPERS[column]
    if column == "at":
        from datetime import datetime

        value = datetime.fromisoformat(value)
    with store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == target).values({column: value}))
    with store.connect() as conn:
        _, breaches = audit.verify(conn)
    assert target in {b.seq for b in breaches}, breaches
    out = cli_verify(store, anchor)
    assert out.returncode == 3, out.stdout + out.stderr
    assert f"entry {target}" in out.stdout and "Traceback" not in out.stderr
    assert not anchor.exists()  # a broken chain never becomes the anchor


def test_a_deleted_entry_in_the_middle_is_named(store) -> None:
    _fill(store)
    middle = _rows(store)[1]["seq"]
    with store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == middle))
    with store.connect() as conn:
        _, breaches = audit.verify(conn)
    assert {middle, middle + 1} <= {b.seq for b in breaches}


def test_a_deleted_tail_is_detected_against_the_anchor(store, anchor: Path) -> None:
    _fill(store)
    first = cli_verify(store, anchor)
    assert first.returncode == 0 and "intact: 5 entries" in first.stdout, first.stdout + first.stderr
    assert json.loads(anchor.read_text())["seq"] == _rows(store)[-1]["seq"]
    newest = [r["seq"] for r in _rows(store)][-2:]
    with store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq.in_(newest)))
    with store.connect() as conn:
        assert audit.verify(conn) == (3, [])  # the chain alone cannot see it: that is why the anchor exists
    out = cli_verify(store, anchor)
    assert out.returncode == 3 and "newest entries were deleted" in out.stdout, out.stdout + out.stderr
    assert json.loads(anchor.read_text())["seq"] == newest[-1]  # the anchor keeps the evidence


def test_a_rehashed_chain_is_detected_against_the_anchor(store, anchor: Path) -> None:
    _fill(store)
    assert audit_trail.verify_anchored(store, anchor=anchor).breaches == []
    rows = _rows(store)
    prev = GENESIS
    with store.begin() as conn:  # rewrite entry 2's content, then re-hash every entry as the layout says
        for i, row in enumerate(rows):
            after = json.dumps({"deaths": 0}) if i == 1 else row["after"]
            digest = documented_hash(prev, iso(row["at"]), row["actor"], row["event"], row["entity"], row["entity_id"], row["before"], after)
            conn.execute(update(audit_log).where(audit_log.c.seq == row["seq"]).values(after=after, prev_hash=prev, hash=digest))
            prev = digest
    with store.connect() as conn:
        assert audit.verify(conn) == (5, [])  # consistent in itself
    out = cli_verify(store, anchor)
    assert out.returncode == 3 and "re-hashed" in out.stdout, out.stdout + out.stderr


def test_a_signed_anchor_cannot_be_moved_without_the_key(store, anchor: Path, monkeypatch) -> None:
    monkeypatch.setenv("CIVWATCH_AUDIT_KEY", "kept-outside-the-store")
    _fill(store, 3)
    assert audit_trail.verify_anchored(store, anchor=anchor).breaches == []
    assert json.loads(anchor.read_text())["mac"]
    with store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == _rows(store)[-1]["seq"]))
    forged = json.loads(anchor.read_text())
    forged.update(seq=forged["seq"] - 1, hash=_rows(store)[-1]["hash"], count=2)  # the attacker moves the anchor back
    anchor.write_text(json.dumps(forged))
    result = audit_trail.verify_anchored(store, anchor=anchor)
    assert [b.problem for b in result.breaches] and "not signed with CIVWATCH_AUDIT_KEY" in result.breaches[0].problem
