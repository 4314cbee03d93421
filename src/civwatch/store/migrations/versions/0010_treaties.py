"""treaties: actions of states on instruments, forum membership events

Revision ID: 0010_treaties
Revises: 0001_core
Create Date: 2026-12-01 21:30:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_treaties'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('treaty_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=24), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('action_date', sa.Date(), nullable=False),
    sa.Column('name_as_received', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_treaty_actions_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treaty_actions')),
    sa.UniqueConstraint('instrument', 'country_iso3', 'action', 'action_date', name='uq_treaty_actions_action')
    )
    op.create_index('ix_treaty_actions_country', 'treaty_actions', ['country_iso3'], unique=False)
    op.create_table('forum_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forum', sa.String(length=24), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('event', sa.String(length=12), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('name_as_received', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_forum_events_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forum_events')),
    sa.UniqueConstraint('forum', 'country_iso3', 'event', 'event_date', name='uq_forum_events_event')
    )
    op.create_table('treaty_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=24), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('snapshot', sa.Date(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_treaty_snapshots_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treaty_snapshots')),
    sa.UniqueConstraint('instrument', 'source', 'snapshot', name='uq_treaty_snapshots_snapshot')
    )
    op.create_table('treaty_listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=24), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('snapshot', sa.Date(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_treaty_listings_batch_id_import_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_treaty_listings')),
    sa.UniqueConstraint('instrument', 'country_iso3', 'snapshot', name='uq_treaty_listings_listing')
    )


def downgrade() -> None:
    op.drop_table('treaty_listings')
    op.drop_table('treaty_snapshots')
    op.drop_table('forum_events')
    op.drop_index('ix_treaty_actions_country', table_name='treaty_actions')
    op.drop_table('treaty_actions')
