"""Users, roles, password hashing (Argon2) and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from civwatch.domain.events import LoginFailed, TokenIssued, TokenRevoked, UserChanged, UserDisabled
from civwatch.domain.taxonomy import Role
from civwatch.store import audit
from civwatch.store import users as user_store

_hasher = PasswordHasher()

# What each role may do, on top of reading. Admin may do everything.
WRITE_ROLES = {Role.RECORDER, Role.ANALYST, Role.ADMIN}

TOKEN_DAYS = 90  # an API token expires this long after issue unless told otherwise
SESSION_HOURS = 8  # a web session (the cookie says the same)
# Failed logins within THROTTLE_WINDOW: more than this many for one account, or from one address,
# and further attempts are refused (without checking the password) until the window has passed.
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20


class AuthError(PermissionError):
    """Not authenticated, or not allowed."""


class Throttled(AuthError):
    """Too many failed logins for this account or from this address."""


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


def address_key(address: str) -> str:
    """A keyed hash of a client address: attempts can be counted per address without keeping it."""
    key = (os.environ.get("CIVWATCH_SECRET_KEY") or "civwatch-login-attempts").encode()
    return hmac.new(key, address.encode("utf-8"), hashlib.sha256).hexdigest()


def authenticate(engine: Engine, username: str, password: str, address: str = "cli", now: datetime | None = None) -> Principal:
    """The user with this password. Failures are recorded (and audited) per account and address;
    past the limits a login is refused without looking at the password (`Throttled`)."""
    now = now or datetime.now(UTC)
    where = address_key(address)
    with engine.connect() as conn:
        since = now - THROTTLE_WINDOW
        by_account = user_store.failures_since(conn, since, username=username)
        by_address = user_store.failures_since(conn, since, address=where)
    if by_account >= MAX_FAILURES_PER_ACCOUNT or by_address >= MAX_FAILURES_PER_ADDRESS:
        _failed(engine, username, where, now, "throttled")
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        which = "this account" if by_account >= MAX_FAILURES_PER_ACCOUNT else "this address"
        raise Throttled(f"too many failed logins for {which}; try again in {minutes} minutes")
    with engine.connect() as conn:
        row = user_store.get_user(conn, username)
    ok = False
    if not row or not row["active"]:
        _hasher_dummy_verify()
    else:
        try:
            ok = _hasher.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            ok = False
    if not ok:
        _failed(engine, username, where, now, "wrong username or password")
        raise AuthError("wrong username or password")
    with engine.begin() as conn:
        user_store.add_attempt(conn, username, where, True, now)
    return _principal(row)


def _failed(engine: Engine, username: str, where: str, now: datetime, why: str) -> None:
    with engine.begin() as conn:
        user_store.add_attempt(conn, username, where, False, now)
        audit.append(conn, LoginFailed(actor="login", entity_id=username[:64], after={"address": where[:16], "why": why}, at=now))


def _hasher_dummy_verify() -> None:
    """Spend the same time on unknown users as on known ones."""
    try:
        _hasher.verify(_DUMMY, "not-the-password")
    except VerificationError:
        pass


_DUMMY = _hasher.hash("dummy-password-for-timing")


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(engine: Engine, username: str, name: str = "api", actor: str = "cli", days: int | None = TOKEN_DAYS) -> str:
    """A new API token; only its hash is stored, so it is shown once. It expires after `days`."""
    if days is not None and not 1 <= days <= 3660:
        raise ValueError("a token lasts 1 to 3660 days")
    token = "cw_" + secrets.token_urlsafe(32)
    expires = datetime.now(UTC) + timedelta(days=days) if days is not None else None
    with engine.begin() as conn:
        row = user_store.get_user(conn, username)
        if not row:
            raise ValueError(f"no user {username!r}")
        tid = user_store.add_token(conn, row["id"], name, token_digest(token), expires)
        audit.append(conn, TokenIssued(actor=actor, entity_id=str(row["id"]), after={
            "token_id": tid, "name": name, "expires_at": expires.isoformat() if expires else None}))
    return token


def principal_for_token(engine: Engine, token: str) -> Principal:
    with engine.connect() as conn:
        row = user_store.user_for_token(conn, token_digest(token))
    if not row:
        raise AuthError("invalid, expired or revoked token")
    return _principal(row)


def _user_or_fail(conn, username: str) -> dict:
    row = user_store.get_user(conn, username)
    if not row:
        raise ValueError(f"no user {username!r}")
    return row


def revoke_tokens(engine: Engine, username: str, token_id: int | None = None, actor: str = "cli") -> list[int]:
    """Revoke one of the user's tokens, or all of them; returns the ids revoked."""
    with engine.begin() as conn:
        row = _user_or_fail(conn, username)
        ids = user_store.revoke_tokens(conn, row["id"], token_id)
        if token_id is not None and not ids:
            raise ValueError(f"{username} has no live token {token_id}")
        if ids:
            audit.append(conn, TokenRevoked(actor=actor, entity_id=str(row["id"]), after={"token_ids": ids}))
    return ids


def disable_user(engine: Engine, username: str, actor: str = "cli") -> dict:
    """Disable a user: no more logins, every token revoked, every web session ended, at once."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        row = _user_or_fail(conn, username)
        user_store.set_active(conn, row["id"], False)
        tokens = user_store.revoke_tokens(conn, row["id"])
        sessions = user_store.end_sessions(conn, now, user_id=row["id"])
        after = {"active": False, "tokens_revoked": tokens, "sessions_ended": sessions}
        audit.append(conn, UserDisabled(actor=actor, entity_id=str(row["id"]), before={"active": bool(row["active"])}, after=after, at=now))
    return after


def enable_user(engine: Engine, username: str, actor: str = "cli") -> None:
    with engine.begin() as conn:
        row = _user_or_fail(conn, username)
        user_store.set_active(conn, row["id"], True)
        audit.append(conn, UserChanged(actor=actor, entity_id=str(row["id"]), before={"active": bool(row["active"])}, after={"active": True}))


def list_tokens(engine: Engine, username: str) -> list[dict]:
    with engine.connect() as conn:
        return user_store.tokens_of(conn, _user_or_fail(conn, username)["id"])


# ---- web sessions --------------------------------------------------------------------------------


def start_session(engine: Engine, principal: Principal, now: datetime | None = None) -> str:
    """A new server-side session for a logged-in user; returns the id for the cookie."""
    now = now or datetime.now(UTC)
    sid = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        user_store.add_session(conn, token_digest(sid), principal.id, now, now + timedelta(hours=SESSION_HOURS))
    return sid


def session_principal(engine: Engine, sid: str) -> Principal | None:
    """The user of a live session: None once it was ended (logout, user disabled) or expired."""
    with engine.connect() as conn:
        row = user_store.session_user(conn, token_digest(sid), datetime.now(UTC))
    return _principal(row) if row else None


def end_session(engine: Engine, sid: str) -> None:
    with engine.begin() as conn:
        user_store.end_sessions(conn, datetime.now(UTC), sid_sha256=token_digest(sid))


def list_users(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        return user_store.list_users(conn)


def principal_by_id(engine: Engine, user_id: int) -> Principal | None:
    """The active user with this id, for sessions of the web pages; None when gone or disabled."""
    with engine.connect() as conn:
        row = user_store.get_user_by_id(conn, user_id)
    return _principal(row) if row and row["active"] else None
