"""cube: one row per indicator cube cell, so writes add their deltas in place (issue 24)

Revision ID: 0016_cube
Revises: 0012_trust_errors
Create Date: 2026-12-02 01:00:00

The cube is derived data: its rows are dropped (the next read rebuilds them) and the unique
index on a cell's key lets imports, edits and linkage upsert their contributions.
"""
from __future__ import annotations

from alembic import op

revision = "0016_cube"
down_revision = "0012_trust_errors"
branch_labels = None
depends_on = None

CELL = ["level", "dim", "value", "sources", "year", "country_iso3"]


def upgrade() -> None:
    op.execute("DELETE FROM indicator_cube")
    op.execute("DELETE FROM indicator_cube_state")
    op.create_index("uq_indicator_cube_cell", "indicator_cube", CELL, unique=True)
    if op.get_bind().dialect.name == "postgresql":
        # room on each page, so adding a delta updates a cell in place (a HOT update: no new
        # index entries); SQLite updates in place anyway
        op.execute("ALTER TABLE indicator_cube SET (fillfactor = 50)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE indicator_cube RESET (fillfactor)")
    op.drop_index("uq_indicator_cube_cell", table_name="indicator_cube")
