"""screening: the embargo and diversion tables users maintain

Revision ID: 0023_screening_embargoes
Revises: 0001_core
Create Date: 2026-12-02 01:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0023_screening_embargoes'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('screening_embargoes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('stated_on', sa.Date(), nullable=False),
    sa.Column('destination_iso3', sa.String(length=3), nullable=False),
    sa.Column('scope', sa.String(length=16), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_screening_embargoes_batch_id'), 'screening_embargoes', ['batch_id'], unique=False)
    op.create_index(op.f('ix_screening_embargoes_destination_iso3'), 'screening_embargoes', ['destination_iso3'], unique=False)
    op.create_table('screening_diversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=True),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_screening_diversion_batch_id'), 'screening_diversion', ['batch_id'], unique=False)
    op.create_index(op.f('ix_screening_diversion_country_iso3'), 'screening_diversion', ['country_iso3'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_screening_diversion_country_iso3'), table_name='screening_diversion')
    op.drop_index(op.f('ix_screening_diversion_batch_id'), table_name='screening_diversion')
    op.drop_table('screening_diversion')
    op.drop_index(op.f('ix_screening_embargoes_destination_iso3'), table_name='screening_embargoes')
    op.drop_index(op.f('ix_screening_embargoes_batch_id'), table_name='screening_embargoes')
    op.drop_table('screening_embargoes')
