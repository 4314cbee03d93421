"""Engines for the two supported stores, SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA cache_size=-200000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=16)
def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    return make_engine(url)


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
