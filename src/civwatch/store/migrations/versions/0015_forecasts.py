"""Early warning: election dates, fitted forecast models, forecasts

Revision ID: 0015_forecasts
Revises: 0001_core
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_forecasts"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "elections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("country_received", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("election", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("content_sha", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_elections_batch_id_import_batches")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_elections")),
        sa.UniqueConstraint("country_iso3", "date", "election", name="uq_elections_record"),
    )
    op.create_table(
        "forecast_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("fitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("fitted_by", sa.Text(), nullable=False),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("train_from", sa.String(length=7), nullable=False),
        sa.Column("train_until", sa.String(length=7), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("backtest", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_models")),
    )
    op.create_table(
        "forecast_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("origin", sa.String(length=7), nullable=False),
        sa.Column("target", sa.String(length=7), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("quantiles", sa.Text(), nullable=True),
        sa.Column("p_at_least_1", sa.Float(), nullable=True),
        sa.Column("p_at_least_25", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("made_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["model_id"], ["forecast_models.id"], name=op.f("fk_forecast_values_model_id_forecast_models"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_values")),
    )
    op.create_index(op.f("ix_forecast_values_model_id"), "forecast_values", ["model_id"], unique=False)
    op.create_index("ix_forecast_values_unit", "forecast_values", ["model_id", "unit", "horizon"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_forecast_values_unit", table_name="forecast_values")
    op.drop_index(op.f("ix_forecast_values_model_id"), table_name="forecast_values")
    op.drop_table("forecast_values")
    op.drop_table("forecast_models")
    op.drop_table("elections")
