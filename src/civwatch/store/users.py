"""Users and API tokens. Passwords arrive here already hashed; tokens as their SHA-256."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, func, or_, select

from civwatch.store.schema import api_tokens, login_attempts, users, web_sessions


def add_user(conn: Connection, username: str, password_hash: str, roles: list[str]) -> int:
    result = conn.execute(
        users.insert().values(
            username=username,
            password_hash=password_hash,
            roles=",".join(sorted(set(roles))),
            active=True,
            created_at=datetime.now(UTC),
        )
    )
    return int(result.inserted_primary_key[0])


def get_user(conn: Connection, username: str) -> dict | None:
    row = conn.execute(select(users).where(users.c.username == username)).mappings().first()
    return dict(row) if row else None


def get_user_by_id(conn: Connection, user_id: int) -> dict | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def list_users(conn: Connection) -> list[dict]:
    q = select(users.c.id, users.c.username, users.c.roles, users.c.active, users.c.created_at)
    return [dict(r) for r in conn.execute(q.order_by(users.c.username)).mappings()]


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(password_hash=password_hash))


def set_roles(conn: Connection, user_id: int, roles: list[str]) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(roles=",".join(sorted(set(roles)))))


def add_token(conn: Connection, user_id: int, name: str, token_sha256: str, expires_at: datetime | None = None) -> int:
    result = conn.execute(
        api_tokens.insert().values(
            user_id=user_id, name=name, token_sha256=token_sha256, created_at=datetime.now(UTC), revoked=False,
            expires_at=expires_at,
        )
    )
    return int(result.inserted_primary_key[0])


def user_for_token(conn: Connection, token_sha256: str, now: datetime | None = None) -> dict | None:
    q = (
        select(users)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_sha256 == token_sha256, api_tokens.c.revoked.is_(False), users.c.active.is_(True),
               or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > (now or datetime.now(UTC))))
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def revoke_tokens(conn: Connection, user_id: int, token_id: int | None = None) -> list[int]:
    """Revoke one token of the user, or all of them; returns the ids revoked now."""
    q = select(api_tokens.c.id).where(api_tokens.c.user_id == user_id, api_tokens.c.revoked.is_(False))
    if token_id is not None:
        q = q.where(api_tokens.c.id == token_id)
    ids = [int(i) for i in conn.execute(q).scalars()]
    if ids:
        conn.execute(api_tokens.update().where(api_tokens.c.id.in_(ids)).values(revoked=True))
    return ids


def tokens_of(conn: Connection, user_id: int) -> list[dict]:
    q = select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at, api_tokens.c.expires_at, api_tokens.c.revoked)
    return [dict(r) for r in conn.execute(q.where(api_tokens.c.user_id == user_id).order_by(api_tokens.c.id)).mappings()]


def set_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(active=active))


# ---- web sessions (the cookie carries a random id; only its SHA-256 is stored) ----------------


def add_session(conn: Connection, sid_sha256: str, user_id: int, now: datetime, expires_at: datetime) -> None:
    conn.execute(web_sessions.insert().values(id=sid_sha256, user_id=user_id, created_at=now, expires_at=expires_at))


def session_user(conn: Connection, sid_sha256: str, now: datetime) -> dict | None:
    """The active user of a live session (not ended, not expired)."""
    q = (
        select(users)
        .join(web_sessions, web_sessions.c.user_id == users.c.id)
        .where(web_sessions.c.id == sid_sha256, web_sessions.c.ended_at.is_(None),
               web_sessions.c.expires_at > now, users.c.active.is_(True))
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def end_sessions(conn: Connection, now: datetime, sid_sha256: str | None = None, user_id: int | None = None) -> int:
    q = web_sessions.update().where(web_sessions.c.ended_at.is_(None))
    q = q.where(web_sessions.c.id == sid_sha256) if sid_sha256 is not None else q.where(web_sessions.c.user_id == user_id)
    return conn.execute(q.values(ended_at=now)).rowcount


# ---- login attempts -----------------------------------------------------------------------------


def add_attempt(conn: Connection, username: str, address: str, ok: bool, now: datetime) -> None:
    conn.execute(login_attempts.insert().values(at=now, username=username[:64], address=address, ok=ok))


def failures_since(conn: Connection, since: datetime, username: str | None = None, address: str | None = None) -> int:
    q = select(func.count()).select_from(login_attempts).where(login_attempts.c.at >= since, login_attempts.c.ok.is_(False))
    if username is not None:
        q = q.where(login_attempts.c.username == username[:64])
    if address is not None:
        q = q.where(login_attempts.c.address == address)
    return int(conn.execute(q).scalar_one())
