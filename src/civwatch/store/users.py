"""Users and API tokens. Passwords arrive here already hashed; tokens as their SHA-256."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select

from civwatch.store.schema import api_tokens, users


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


def add_token(conn: Connection, user_id: int, name: str, token_sha256: str) -> int:
    result = conn.execute(
        api_tokens.insert().values(
            user_id=user_id, name=name, token_sha256=token_sha256, created_at=datetime.now(UTC), revoked=False
        )
    )
    return int(result.inserted_primary_key[0])


def user_for_token(conn: Connection, token_sha256: str) -> dict | None:
    q = (
        select(users)
        .join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_sha256 == token_sha256, api_tokens.c.revoked.is_(False), users.c.active.is_(True))
    )
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def revoke_token(conn: Connection, token_id: int) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(revoked=True))
