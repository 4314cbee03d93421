"""linkage status: one kept row instead of a scan of every report

Revision ID: 0024_linkage_status
Revises: 0017_linkage21
Create Date: 2026-12-02 02:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0024_linkage_status'
down_revision = '0017_linkage21'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # empty: the next full cube rebuild scans once and keeps the row (store/linkage_status.py)
    op.create_table('linkage_status',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reports', sa.BigInteger(), nullable=False),
    sa.Column('reports_not_linked', sa.BigInteger(), nullable=False),
    sa.Column('last_run_at', sa.String(length=40), nullable=True),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_linkage_status'))
    )


def downgrade() -> None:
    op.drop_table('linkage_status')
