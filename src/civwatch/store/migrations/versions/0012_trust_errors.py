"""trust-errors: the cube counts records whose weapon is known (the base of the explosive share)

Revision ID: 0012_trust_errors
Revises: 0004b_indicator_slices
Create Date: 2026-12-01 21:10:00

"Unknown is not zero": the share of incidents with explosive weapons is taken over the incidents
whose weapon is known, so the cube keeps that count. The cube is derived data: its rows are
dropped and rebuilt from the base tables on the next read.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_trust_errors"
down_revision = "0004b_indicator_slices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM indicator_cube")
    op.execute("DELETE FROM indicator_cube_state")
    op.add_column("indicator_cube", sa.Column("n_weapon_known", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.execute("DELETE FROM indicator_cube")
    op.execute("DELETE FROM indicator_cube_state")
    with op.batch_alter_table("indicator_cube") as batch:
        batch.drop_column("n_weapon_known")
