"""indicators: the maintained aggregate (cube) behind every indicator

Revision ID: 0004_indicators
Revises: 0001_core
Create Date: 2026-11-26 14:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_indicators"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_cube",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("sources", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("party_category", sa.String(length=32), nullable=False),
        sa.Column("weapon", sa.String(length=32), nullable=False),
        sa.Column("grade", sa.String(length=12), nullable=False),
        sa.Column("violence_type", sa.String(length=16), nullable=False),
        sa.Column("populated_area", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("n_reports", sa.Integer(), nullable=False),
        sa.Column("n_deaths_known", sa.Integer(), nullable=False),
        sa.Column("deaths_low", sa.Integer(), nullable=False),
        sa.Column("deaths_best", sa.Integer(), nullable=False),
        sa.Column("deaths_high", sa.Integer(), nullable=False),
        sa.Column("n_injuries_known", sa.Integer(), nullable=False),
        sa.Column("injuries_low", sa.Integer(), nullable=False),
        sa.Column("injuries_best", sa.Integer(), nullable=False),
        sa.Column("injuries_high", sa.Integer(), nullable=False),
        sa.Column("n_disaggregated", sa.Integer(), nullable=False),
        sa.Column("casualties_disaggregated", sa.Integer(), nullable=False),
        sa.Column("casualties_women_children", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_cube")),
    )
    op.create_index("ix_indicator_cube_level_year", "indicator_cube", ["level", "year", "country_iso3"], unique=False)
    op.create_index("ix_indicator_cube_level_sources", "indicator_cube", ["level", "sources"], unique=False)
    op.create_index("ix_incidents_date_start_id", "incidents", ["date_start", "id"], unique=False)
    op.create_table(
        "indicator_cube_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_cube_state")),
    )


def downgrade() -> None:
    op.drop_table("indicator_cube_state")
    op.drop_index("ix_incidents_date_start_id", table_name="incidents")
    op.drop_index("ix_indicator_cube_level_sources", table_name="indicator_cube")
    op.drop_index("ix_indicator_cube_level_year", table_name="indicator_cube")
    op.drop_table("indicator_cube")
