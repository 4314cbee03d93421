"""Users, roles, password hashing (Argon2) and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from civwatch.domain.events import TokenIssued, UserChanged
from civwatch.domain.taxonomy import Role
from civwatch.store import audit
from civwatch.store import users as user_store

_hasher = PasswordHasher()

# What each role may do, on top of reading. Admin may do everything.
WRITE_ROLES = {Role.RECORDER, Role.ANALYST, Role.ADMIN}


class AuthError(PermissionError):
    """Not authenticated, or not allowed."""


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    roles: frozenset[Role]

    def has(self, *roles: Role) -> bool:
        return Role.ADMIN in self.roles or any(r in self.roles for r in roles)


def _principal(row: dict) -> Principal:
    roles = frozenset(Role(r) for r in row["roles"].split(",") if r)
    return Principal(id=row["id"], username=row["username"], roles=roles)


def parse_roles(roles: list[str] | str) -> list[Role]:
    items = roles.split(",") if isinstance(roles, str) else roles
    out = []
    for item in items:
        item = item.strip()
        try:
            out.append(Role(item))
        except ValueError:
            raise ValueError(f"unknown role {item!r}; roles are {', '.join(r.value for r in Role)}") from None
    return out


def add_user(engine: Engine, username: str, password: str, roles: list[str] | str, actor: str = "cli") -> Principal:
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    if not username or not username.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise ValueError("a username is letters, digits, '.', '-' or '_'")
    parsed = parse_roles(roles)
    with engine.begin() as conn:
        if user_store.get_user(conn, username):
            raise ValueError(f"user {username!r} exists already")
        uid = user_store.add_user(conn, username, _hasher.hash(password), [r.value for r in parsed])
        audit.append(conn, UserChanged(actor=actor, entity_id=str(uid), after={"username": username, "roles": sorted(r.value for r in parsed)}))
        return _principal(user_store.get_user_by_id(conn, uid))


def authenticate(engine: Engine, username: str, password: str) -> Principal:
    with engine.connect() as conn:
        row = user_store.get_user(conn, username)
    if not row or not row["active"]:
        _hasher_dummy_verify()
        raise AuthError("wrong username or password")
    try:
        _hasher.verify(row["password_hash"], password)
    except (VerificationError, InvalidHashError):
        raise AuthError("wrong username or password") from None
    return _principal(row)


def _hasher_dummy_verify() -> None:
    """Spend the same time on unknown users as on known ones."""
    try:
        _hasher.verify(_DUMMY, "not-the-password")
    except VerificationError:
        pass


_DUMMY = _hasher.hash("dummy-password-for-timing")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(engine: Engine, username: str, name: str = "api", actor: str = "cli") -> str:
    """A new API token; only its hash is stored, so it is shown once."""
    token = "cw_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        row = user_store.get_user(conn, username)
        if not row:
            raise ValueError(f"no user {username!r}")
        tid = user_store.add_token(conn, row["id"], name, token_digest(token))
        audit.append(conn, TokenIssued(actor=actor, entity_id=str(row["id"]), after={"token_id": tid, "name": name}))
    return token


def principal_for_token(engine: Engine, token: str) -> Principal:
    with engine.connect() as conn:
        row = user_store.user_for_token(conn, token_digest(token))
    if not row:
        raise AuthError("invalid or revoked token")
    return _principal(row)


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return user_store.list_users(conn)


def principal_by_id(engine: Engine, user_id: int) -> Principal | None:
    """The active user with this id, for sessions of the web pages; None when gone or disabled."""
    with engine.connect() as conn:
        row = user_store.get_user_by_id(conn, user_id)
    return _principal(row) if row and row["active"] else None
