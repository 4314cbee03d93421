"""parties: the party register (actors, their source names) and the per-actor facts

The tables start empty: `civwatch parties build` (run by itself after every import) fills the
register from the reports already stored, so an existing store is backfilled by one command.

Revision ID: 0009_parties
Revises: 0001_core
Create Date: 2026-12-01 21:10:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_parties'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('canonical_name', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('branch', sa.String(length=16), nullable=True),
    sa.Column('state_iso3', sa.String(length=3), nullable=True),
    sa.Column('countries', sa.Text(), nullable=False),
    sa.Column('auto_key', sa.Text(), nullable=True),
    sa.Column('merged_into', sa.Integer(), nullable=True),
    sa.Column('corrected', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['merged_into'], ['actors.id'], name=op.f('fk_actors_merged_into_actors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actors')),
    sa.UniqueConstraint('auto_key', name=op.f('uq_actors_auto_key'))
    )
    op.create_index(op.f('ix_actors_state_iso3'), 'actors', ['state_iso3'], unique=False)
    op.create_table('actor_names',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('categories', sa.Text(), nullable=False),
    sa.Column('codes', sa.Text(), nullable=False),
    sa.Column('period_from', sa.Integer(), nullable=True),
    sa.Column('period_to', sa.Integer(), nullable=True),
    sa.Column('unit', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], name=op.f('fk_actor_names_actor_id_actors')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actor_names')),
    sa.UniqueConstraint('source', 'name', name='uq_actor_names_source_name')
    )
    op.create_index(op.f('ix_actor_names_actor_id'), 'actor_names', ['actor_id'], unique=False)
    op.create_table('party_incidents',
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('actor_id', 'incident_id', name=op.f('pk_party_incidents'))
    )
    op.create_index(op.f('ix_party_incidents_incident_id'), 'party_incidents', ['incident_id'], unique=False)
    op.create_table('party_facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in (
        'n', 'n_deaths_known', 'deaths_low', 'deaths_best', 'deaths_high',
        'n_injuries_known', 'injuries_low', 'injuries_best', 'injuries_high',
        'casualties_disaggregated', 'casualties_women_children', 'casualties', 'casualties_ewipa',
        'n_explosive', 'n_weapon_known', 'n_populated', 'n_populated_known',
    )],
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_facts'))
    )
    op.create_index('ix_party_facts_actor_year', 'party_facts', ['actor_id', 'year'], unique=False)
    op.create_table('party_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unattributed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_state'))
    )


def downgrade() -> None:
    op.drop_table('party_state')
    op.drop_index('ix_party_facts_actor_year', table_name='party_facts')
    op.drop_table('party_facts')
    op.drop_index(op.f('ix_party_incidents_incident_id'), table_name='party_incidents')
    op.drop_table('party_incidents')
    op.drop_index(op.f('ix_actor_names_actor_id'), table_name='actor_names')
    op.drop_table('actor_names')
    op.drop_index(op.f('ix_actors_state_iso3'), table_name='actors')
    op.drop_table('actors')
