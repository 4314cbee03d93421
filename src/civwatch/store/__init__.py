"""Persistence: SQLAlchemy 2 schema, Alembic migrations, repositories. SQLite or PostgreSQL."""
