"""Sessions and credentials: throttled and audited logins, token expiry and revocation, disabled
users, server-side sessions; and the access rule itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from civwatch.domain.taxonomy import Role
from civwatch.services import access, auth
from civwatch.store.schema import api_tokens, audit_log, login_attempts

PW = "correct horse battery"


def _events(store, kind: str) -> list[dict]:
    with store.connect() as conn:
        return [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.event == kind)).mappings()]


def test_failed_logins_are_throttled_per_account_and_audited(store) -> None:
    auth.add_user(store, "alice", PW, "recorder")
    for _ in range(auth.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(auth.AuthError, match="wrong username or password"):
            auth.authenticate(store, "alice", "guess-guess-guess", address="203.0.113.7")
    # the right password no longer helps within the window: the account is throttled
    with pytest.raises(auth.Throttled, match="this account"):
        auth.authenticate(store, "alice", PW, address="198.51.100.1")
    failed = _events(store, "login_failed")
    assert len(failed) == auth.MAX_FAILURES_PER_ACCOUNT + 1
    assert all(e["entity_id"] == "alice" for e in failed)
    assert "203.0.113.7" not in "".join(e["after"] for e in failed)  # the address only as a keyed hash
    with store.connect() as conn:
        stored = conn.execute(select(login_attempts.c.address)).scalars().all()
    assert "203.0.113.7" not in stored and len(set(stored)) == 2
    # after the window, the right password works again
    later = datetime.now(UTC) + auth.THROTTLE_WINDOW + timedelta(seconds=1)
    assert auth.authenticate(store, "alice", PW, address="198.51.100.1", now=later).username == "alice"


def test_failed_logins_are_throttled_per_address(store) -> None:
    auth.add_user(store, "bob", PW, "viewer")
    for i in range(auth.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(auth.AuthError):
            auth.authenticate(store, f"user{i}", "nope-nope-nope", address="192.0.2.9")
    with pytest.raises(auth.Throttled, match="this address"):
        auth.authenticate(store, "bob", PW, address="192.0.2.9")
    assert auth.authenticate(store, "bob", PW, address="192.0.2.10").username == "bob"


def test_tokens_expire_and_can_be_revoked(store) -> None:
    auth.add_user(store, "carol", PW, "analyst")
    one, two = auth.issue_token(store, "carol", "a", days=1), auth.issue_token(store, "carol", "b")
    listed = auth.list_tokens(store, "carol")
    expires = [t["expires_at"].replace(tzinfo=t["expires_at"].tzinfo or UTC) for t in listed]
    assert abs(expires[0] - (datetime.now(UTC) + timedelta(days=1))) < timedelta(minutes=1)
    assert abs(expires[1] - (datetime.now(UTC) + timedelta(days=auth.TOKEN_DAYS))) < timedelta(minutes=1)
    with store.begin() as conn:
        conn.execute(update(api_tokens).where(api_tokens.c.id == listed[0]["id"]).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    with pytest.raises(auth.AuthError, match="expired"):
        auth.principal_for_token(store, one)
    assert auth.principal_for_token(store, two).username == "carol"
    assert auth.revoke_tokens(store, "carol", listed[1]["id"]) == [listed[1]["id"]]
    with pytest.raises(auth.AuthError, match="revoked"):
        auth.principal_for_token(store, two)
    with pytest.raises(ValueError, match="no live token"):
        auth.revoke_tokens(store, "carol", listed[1]["id"])
    assert [e["event"] for e in _events(store, "token_revoked")] == ["token_revoked"]
    with pytest.raises(ValueError, match="1 to 3660 days"):
        auth.issue_token(store, "carol", days=0)


def test_a_disabled_user_loses_logins_tokens_and_sessions_at_once(store) -> None:
    p = auth.add_user(store, "dan", PW, "recorder")
    token = auth.issue_token(store, "dan")
    sid = auth.start_session(store, p)
    assert auth.session_principal(store, sid) == p
    done = auth.disable_user(store, "dan", actor="admin")
    assert len(done["tokens_revoked"]) == 1 and done["sessions_ended"] == 1
    assert auth.session_principal(store, sid) is None
    with pytest.raises(auth.AuthError):
        auth.principal_for_token(store, token)
    with pytest.raises(auth.AuthError, match="wrong username or password"):
        auth.authenticate(store, "dan", PW)
    (event,) = _events(store, "user_disabled")
    assert event["actor"] == "admin" and event["entity_id"] == str(p.id)
    auth.enable_user(store, "dan")
    assert auth.authenticate(store, "dan", PW).username == "dan"
    with pytest.raises(auth.AuthError):  # tokens stay revoked after enabling
        auth.principal_for_token(store, token)


def test_logout_ends_the_session_on_the_server(store) -> None:
    p = auth.add_user(store, "eve", PW, "viewer")
    sid = auth.start_session(store, p)
    other = auth.start_session(store, p)
    auth.end_session(store, sid)
    assert auth.session_principal(store, sid) is None and auth.session_principal(store, other) == p


def test_the_access_rule() -> None:
    viewer = auth.Principal(1, "v", frozenset({Role.VIEWER}))
    assessor = auth.Principal(2, "a", frozenset({Role.ASSESSOR}))
    assert access.need("GET", "/incidents.json", private_reads=False) is access.Need.NOTHING
    assert access.need("GET", "/incidents.json", private_reads=True) is access.Need.READER
    assert access.need("GET", "/some/route/added/later.json", private_reads=True) is access.Need.READER
    for path in ("/cases", "/cases.json", "/cases/7.json", "/api/cases/export.csv", "/api/public-reports"):
        assert access.need("GET", path, private_reads=False) is access.Need.CASE_ROLE, path
    assert access.need("GET", "/casestudy", private_reads=False) is access.Need.NOTHING
    assert access.need("POST", "/api/public-reports", private_reads=True) is access.Need.NOTHING
    assert access.refusal(access.Need.CASE_ROLE, None)[0] == 401
    assert access.refusal(access.Need.CASE_ROLE, viewer)[0] == 403
    assert access.refusal(access.Need.CASE_ROLE, assessor) is None
    assert access.refusal(access.Need.READER, viewer) is None
