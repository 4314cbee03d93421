from __future__ import annotations

from sqlalchemy import delete, update

from civwatch.domain.events import GENESIS, IncidentEdited, canonical, entry_hash
from civwatch.store import audit
from civwatch.store.schema import audit_log


def _fill(store, n: int = 5) -> None:
    with store.begin() as conn:
        for i in range(n):
            audit.append(conn, IncidentEdited(actor="alice", entity_id=str(i), before={"deaths": i}, after={"deaths": i + 1}))


def test_chain_verifies_and_each_hash_is_recomputable(store) -> None:
    _fill(store)
    with store.connect() as conn:
        checked, breaches = audit.verify(conn)
        rows = conn.execute(audit_log.select().order_by(audit_log.c.seq)).mappings().all()
    assert (checked, breaches) == (5, [])
    assert rows[0]["prev_hash"] == GENESIS
    # recompute the first hash independently of the store code
    first = rows[0]
    at = first["at"].replace(tzinfo=first["at"].tzinfo or __import__("datetime").UTC).isoformat(timespec="microseconds")
    assert first["before"] == canonical({"deaths": 0})
    assert entry_hash(GENESIS, at, "alice", "incident_edited", "incident", "0", first["before"], first["after"]) == first["hash"]
    assert all(rows[i]["prev_hash"] == rows[i - 1]["hash"] for i in range(1, 5))


def test_an_edited_entry_is_named(store) -> None:
    _fill(store)
    with store.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.seq == 3).values(after=canonical({"deaths": 99})))
    with store.connect() as conn:
        _, breaches = audit.verify(conn)
    assert [b.seq for b in breaches] == [3]
    assert "edited" in breaches[0].problem


def test_a_deleted_entry_is_named(store) -> None:
    _fill(store)
    with store.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.seq == 2))
    with store.connect() as conn:
        _, breaches = audit.verify(conn)
    seqs = {b.seq for b in breaches}
    assert 2 in seqs and 3 in seqs  # the gap, and the entry that no longer follows its predecessor


def test_a_deleted_last_entry_is_not_silently_accepted_when_counted(store) -> None:
    _fill(store, 3)
    with store.connect() as conn:
        assert audit.count(conn) == 3
