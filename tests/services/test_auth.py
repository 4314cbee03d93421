from __future__ import annotations

import pytest

from civwatch.domain.taxonomy import Role
from civwatch.services import auth
from civwatch.store import audit
from civwatch.store.schema import users


def test_users_passwords_and_tokens(store) -> None:
    p = auth.add_user(store, "alice", "correct horse battery", "recorder,analyst")
    assert p.roles == {Role.RECORDER, Role.ANALYST}
    with store.connect() as conn:
        stored = conn.execute(users.select()).mappings().one()
    assert "correct horse" not in stored["password_hash"] and stored["password_hash"].startswith("$argon2")
    assert auth.authenticate(store, "alice", "correct horse battery").username == "alice"
    with pytest.raises(auth.AuthError):
        auth.authenticate(store, "alice", "wrong password!!")
    with pytest.raises(auth.AuthError):
        auth.authenticate(store, "nobody", "whatever12345")
    token = auth.issue_token(store, "alice", "sync")
    assert auth.principal_for_token(store, token).username == "alice"
    with pytest.raises(auth.AuthError):
        auth.principal_for_token(store, token + "x")
    with store.connect() as conn:
        assert audit.verify(conn) == (4, [])  # the user, two failed logins (audited), the token


def test_bad_user_input_is_refused(store) -> None:
    with pytest.raises(ValueError, match="unknown role"):
        auth.add_user(store, "bob", "long enough pw", "general")
    with pytest.raises(ValueError, match="10 characters"):
        auth.add_user(store, "bob", "short", "viewer")
    auth.add_user(store, "bob", "long enough pw", "viewer")
    with pytest.raises(ValueError, match="exists"):
        auth.add_user(store, "bob", "long enough pw", "viewer")
