"""Opening the store and keeping it at the current migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from civwatch.settings import Settings
from civwatch.store import migrate
from civwatch.store.db import engine_for


class StoreNotReady(RuntimeError):
    """The store is behind the code's migrations."""


def open_store(database_url: str | None = None, upgrade: bool = True) -> Engine:
    """The engine for the configured store, upgraded to the latest migration unless told not to."""
    settings = Settings.load(database_url)
    engine = engine_for(settings.database_url)
    check_sqlite_file(engine)
    if upgrade:
        if not migrate.is_current(engine):
            migrate.upgrade(engine)
    elif not migrate.is_current(engine):
        raise StoreNotReady("the store is not at the latest migration: run `civwatch db upgrade`")
    return engine


SQLITE_HEADER = b"SQLite format 3\x00"


def check_sqlite_file(engine: Engine) -> None:
    """A --db path naming an existing file that is not an SQLite database is a mistake to name,
    not a driver error to pass on (nor a file to overwrite)."""
    if engine.url.get_backend_name() != "sqlite":
        return
    path = Path(engine.url.database or "")
    if not engine.url.database or engine.url.database == ":memory:" or not path.is_file():
        return
    with path.open("rb") as fh:
        head = fh.read(len(SQLITE_HEADER))
    if head and head != SQLITE_HEADER:
        raise ValueError(f"{path} is not a civwatch store: the file exists but is not an SQLite database")


def upgrade(database_url: str | None = None) -> tuple[str | None, str | None]:
    """Upgrade in place; returns (revision before, revision after)."""
    settings = Settings.load(database_url)
    engine = engine_for(settings.database_url)
    check_sqlite_file(engine)
    before = migrate.current_revision(engine)
    after = migrate.upgrade(engine)
    return before, after


def describe(engine: Engine) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database}"
    return f"PostgreSQL {url.host}:{url.port or 5432}/{url.database}"


def revisions(engine: Engine) -> tuple[str | None, str | None]:
    """(revision the store is at, latest revision the code knows)."""
    return migrate.current_revision(engine), migrate.head_revision()
