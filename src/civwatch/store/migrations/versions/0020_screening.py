"""screening: SIPRI trade-register rows and screening assessments

Revision ID: 0020_screening
Revises: 0001_core
Create Date: 2026-12-01 22:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020_screening'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sipri_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('recipient_marker', sa.String(length=2), nullable=False),
    sa.Column('recipient_iso3', sa.String(length=3), nullable=True),
    sa.Column('supplier', sa.Text(), nullable=False),
    sa.Column('supplier_marker', sa.String(length=2), nullable=False),
    sa.Column('supplier_iso3', sa.String(length=3), nullable=True),
    sa.Column('order_year', sa.Integer(), nullable=True),
    sa.Column('order_year_uncertain', sa.Boolean(), nullable=False),
    sa.Column('number_ordered', sa.Integer(), nullable=True),
    sa.Column('number_ordered_uncertain', sa.Boolean(), nullable=False),
    sa.Column('designation', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('number_delivered', sa.Integer(), nullable=True),
    sa.Column('number_delivered_uncertain', sa.Boolean(), nullable=False),
    sa.Column('delivery_years', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('tiv_unit', sa.Float(), nullable=True),
    sa.Column('tiv_total', sa.Float(), nullable=True),
    sa.Column('tiv_delivered', sa.Float(), nullable=True),
    sa.Column('content_sha', sa.String(length=64), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_sipri_transfers_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sipri_transfers'))
    )
    op.create_index(op.f('ix_sipri_transfers_recipient_iso3'), 'sipri_transfers', ['recipient_iso3'], unique=False)
    op.create_index(op.f('ix_sipri_transfers_batch_id'), 'sipri_transfers', ['batch_id'], unique=False)
    op.create_table('screening_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.Text(), nullable=False),
    sa.Column('recipient_iso3', sa.String(length=3), nullable=False),
    sa.Column('item', sa.String(length=8), nullable=False),
    sa.Column('application', sa.Text(), nullable=False),
    sa.Column('config', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('evidence_complete', sa.Boolean(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('supersedes', sa.Integer(), nullable=True),
    sa.Column('decision', sa.String(length=32), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=True),
    sa.Column('mitigation', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['supersedes'], ['screening_assessments.id'], name=op.f('fk_screening_assessments_supersedes_screening_assessments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_screening_assessments'))
    )
    op.create_index(op.f('ix_screening_assessments_recipient_iso3'), 'screening_assessments', ['recipient_iso3'], unique=False)
    op.create_index(op.f('ix_screening_assessments_reference'), 'screening_assessments', ['reference'], unique=False)


def downgrade() -> None:
    op.drop_table('screening_assessments')
    op.drop_table('sipri_transfers')
