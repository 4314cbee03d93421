"""screening: SIPRI indexes for the diversion proxies

Revision ID: 0023b_screening_sipri_indexes
Revises: 0020_screening
Create Date: 2026-12-02 01:40:00
"""
from __future__ import annotations

from alembic import op

revision = '0023b_screening_sipri_indexes'
down_revision = '0020_screening'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_sipri_transfers_supplier_iso3', 'sipri_transfers', ['supplier_iso3'], unique=False)
    op.create_index('ix_sipri_transfers_marker_year', 'sipri_transfers', ['recipient_marker', 'order_year'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_sipri_transfers_marker_year', table_name='sipri_transfers')
    op.drop_index('ix_sipri_transfers_supplier_iso3', table_name='sipri_transfers')
