"""indicators: the cube keyed by year, country and source, sliced by one further dimension

Revision ID: 0004b_indicator_slices
Revises: 0004_indicators
Create Date: 2026-11-26 14:25:00

The first cube (0004) kept every dimension in one key, which is nearly as many rows as
reports at scale. The cube is derived data: dropping and recreating it loses nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004b_indicator_slices"
down_revision = "0004_indicators"
branch_labels = None
depends_on = None

MEASURES = (
    "n", "n_reports", "n_deaths_known", "deaths_low", "deaths_best", "deaths_high", "n_injuries_known",
    "injuries_low", "injuries_best", "injuries_high", "n_disaggregated", "casualties_disaggregated",
    "casualties_women_children", "casualties", "casualties_ewipa", "casualties_weapon_unknown",
    "casualties_place_unknown", "n_explosive", "n_populated", "n_populated_known",
)


def upgrade() -> None:
    op.drop_index("ix_indicator_cube_level_sources", table_name="indicator_cube")
    op.drop_index("ix_indicator_cube_level_year", table_name="indicator_cube")
    op.drop_table("indicator_cube")
    op.execute("DELETE FROM indicator_cube_state")
    op.create_table(
        "indicator_cube",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("dim", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.Column("sources", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        *[sa.Column(m, sa.Integer(), nullable=False) for m in MEASURES],
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_cube")),
    )
    op.create_index("ix_indicator_cube_slice", "indicator_cube", ["level", "dim", "year", "country_iso3"], unique=False)


def downgrade() -> None:
    raise NotImplementedError("the first cube layout is not restored; rebuild from 0004 instead")
