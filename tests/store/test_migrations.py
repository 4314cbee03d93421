from __future__ import annotations

from sqlalchemy import inspect, select

from civwatch.store import migrate
from civwatch.store.db import make_engine
from civwatch.store.schema import metadata


def test_upgrade_creates_every_table_and_is_idempotent(store_url: str) -> None:
    engine = make_engine(store_url)
    try:
        assert migrate.is_current(engine)
        names = set(inspect(engine).get_table_names())
        assert set(metadata.tables) <= names
        # a second upgrade changes nothing
        assert migrate.upgrade(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_migrations_match_the_schema(store_url: str) -> None:
    """Autogenerate finds nothing to do: the migrations create exactly schema.py."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(store_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_store_round_trips_dates_and_unicode(store) -> None:
    from datetime import UTC, date, datetime

    from civwatch.store.schema import import_batches, incidents

    now = datetime.now(UTC)
    with store.begin() as conn:
        conn.execute(
            incidents.insert().values(
                id=1, date_start=date(2017, 8, 25), date_end=date(2017, 8, 27), date_precision="week",
                year=2017, month="2017-08", country_iso3="MMR", geo_precision="admin2",
                location="Barisāl — «Tula Toli»", created_at=now, updated_at=now,
            )
        )
        conn.execute(import_batches.insert().values(source_format="ucdp-ged", file_name="x.csv", file_sha256="0" * 64, started_at=now, status="done"))
    with store.connect() as conn:
        row = conn.execute(select(incidents)).mappings().one()
    assert row["date_end"] == date(2017, 8, 27)
    assert row["location"] == "Barisāl — «Tula Toli»"
    assert row["weapon"] == "unknown" and row["grade"] == "ungraded"


def reflected_schema(engine) -> dict:
    """Everything the database says about its tables (not the revision string): columns with
    type, nullability and default, keys, indexes, unique and check constraints."""
    insp = inspect(engine)
    out = {}
    for name in sorted(insp.get_table_names()):
        if name == "alembic_version":
            continue
        out[name] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], str(c.get("default"))) for c in insp.get_columns(name)],
            "pk": insp.get_pk_constraint(name).get("constrained_columns"),
            "fks": sorted(str(sorted(fk.items())) for fk in insp.get_foreign_keys(name)),
            "indexes": sorted(str(sorted(ix.items())) for ix in insp.get_indexes(name)),
            "uniques": sorted(str(sorted(u.items())) for u in insp.get_unique_constraints(name)),
            "checks": sorted(str(sorted(c.items())) for c in insp.get_check_constraints(name)),
        }
    return out


def test_a_second_db_upgrade_changes_nothing_in_the_schema(store_url: str) -> None:
    """`civwatch db upgrade` on a current store: the reflected schema is the same, item by item."""
    from civwatch.services import store as store_service

    engine = make_engine(store_url)
    try:
        first = reflected_schema(engine)
        assert set(metadata.tables) <= set(first)
        before, after = store_service.upgrade(store_url)
        assert before == after
        engine.dispose()
        assert reflected_schema(engine) == first
    finally:
        engine.dispose()
