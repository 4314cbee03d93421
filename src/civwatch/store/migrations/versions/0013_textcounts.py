"""textcounts: harm by sex and age read from a report's own text, kept apart from coded harm

Revision ID: 0013_textcounts
Revises: 0001_core
Create Date: 2026-12-01 21:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013_textcounts'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('harm_extracted',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('sex', sa.String(length=8), nullable=False),
    sa.Column('age_group', sa.String(length=8), nullable=False),
    sa.Column('civilian', sa.Boolean(), nullable=True),
    sa.Column('low', sa.Integer(), nullable=True),
    sa.Column('best', sa.Integer(), nullable=True),
    sa.Column('high', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=False),
    sa.Column('span_end', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_harm_extracted_report_id_reports'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harm_extracted'))
    )
    with op.batch_alter_table('harm_extracted', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_harm_extracted_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('harm_extracted', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_harm_extracted_report_id'))
    op.drop_table('harm_extracted')
