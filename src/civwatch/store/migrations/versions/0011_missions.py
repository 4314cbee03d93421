"""missions: UN peace operations, deployments, contributors, troop types, HKS months, mandates

Revision ID: 0011_missions
Revises: 0001_core
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011_missions'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def _source_cols() -> list[sa.Column]:
    return [
        sa.Column('batch_id', sa.Integer(), nullable=True),
        sa.Column('line', sa.Integer(), nullable=False),
        sa.Column('raw', sa.Text(), nullable=False),
    ]


def _batch_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f(f'fk_{table}_batch_id_import_batches'))


def _place_cols() -> list[sa.Column]:
    return [
        sa.Column('mission', sa.String(length=32), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('pko_missions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('acronym', sa.String(length=32), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('lead_department', sa.String(length=16), nullable=True),
    sa.Column('active_received', sa.String(length=8), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_date_source', sa.Text(), nullable=True),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('aggregate_of', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('source_updated', sa.String(length=10), nullable=True),
    *_source_cols(),
    _batch_fk('pko_missions'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_missions')),
    sa.UniqueConstraint('acronym', name=op.f('uq_pko_missions_acronym')),
    )
    op.create_table('pko_mission_countries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission', sa.String(length=32), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=True),
    sa.Column('iso3_received', sa.String(length=8), nullable=True),
    *_source_cols(),
    _batch_fk('pko_mission_countries'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_mission_countries')),
    )
    op.create_index(op.f('ix_pko_mission_countries_mission'), 'pko_mission_countries', ['mission'], unique=False)
    op.create_table('pko_deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    *_place_cols(),
    sa.Column('country_name', sa.Text(), nullable=True),
    sa.Column('country_iso3', sa.String(length=3), nullable=True),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    *[sa.Column(c, sa.Integer(), nullable=True) for c in ('infantry', 'no_troops', 'reserve', 'ave_troops', 'hq', 'unpol', 'med', 'aviation', 'unmo')],
    *_source_cols(),
    _batch_fk('pko_deployments'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_deployments')),
    )
    op.create_index('ix_pko_deployments_mission_year', 'pko_deployments', ['mission', 'year'], unique=False)
    op.create_table('pko_contributors',
    sa.Column('id', sa.Integer(), nullable=False),
    *_place_cols(),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    sa.Column('n_tcc', sa.Integer(), nullable=True),
    sa.Column('overview', sa.Text(), nullable=True),
    *_source_cols(),
    _batch_fk('pko_contributors'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_contributors')),
    )
    op.create_index('ix_pko_contributors_mission_year', 'pko_contributors', ['mission', 'year'], unique=False)
    op.create_table('pko_contributions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contributor_id', sa.Integer(), nullable=False),
    *_place_cols(),
    sa.Column('country_name', sa.Text(), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=True),
    sa.Column('size', sa.Integer(), nullable=True),
    sa.Column('size_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contributor_id'], ['pko_contributors.id'], name=op.f('fk_pko_contributions_contributor_id_pko_contributors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_contributions')),
    )
    op.create_index(op.f('ix_pko_contributions_contributor_id'), 'pko_contributions', ['contributor_id'], unique=False)
    op.create_index(op.f('ix_pko_contributions_country_iso3'), 'pko_contributions', ['country_iso3'], unique=False)
    op.create_table('pko_troop_types',
    sa.Column('id', sa.Integer(), nullable=False),
    *_place_cols(),
    sa.Column('location', sa.Text(), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=False),
    sa.Column('longitude', sa.Float(), nullable=False),
    *[sa.Column(c, sa.Integer(), nullable=True) for c in ('infantry', 'eng', 'med', 'sig', 'aviation', 'riv', 'maint', 'trans')],
    *_source_cols(),
    _batch_fk('pko_troop_types'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_troop_types')),
    )
    op.create_index('ix_pko_troop_types_mission_year', 'pko_troop_types', ['mission', 'year'], unique=False)
    op.create_table('pko_hks_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conflict_id', sa.String(length=16), nullable=False),
    sa.Column('episode', sa.String(length=16), nullable=True),
    sa.Column('gwno', sa.String(length=8), nullable=False),
    sa.Column('country_iso3', sa.String(length=3), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('mission', sa.String(length=32), nullable=True),
    sa.Column('pko', sa.Boolean(), nullable=True),
    *[sa.Column(c, sa.Integer(), nullable=True) for c in ('troops_lagged', 'police_lagged', 'observers_lagged', 'civilians_killed')],
    sa.Column('poc_mandate', sa.Boolean(), nullable=True),
    sa.Column('robust_mandate', sa.Boolean(), nullable=True),
    *_source_cols(),
    _batch_fk('pko_hks_months'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_hks_months')),
    )
    op.create_index(op.f('ix_pko_hks_months_mission'), 'pko_hks_months', ['mission'], unique=False)
    op.create_table('pko_mandates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mission', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('line', sa.Integer(), nullable=True),
    sa.Column('raw', sa.Text(), nullable=True),
    _batch_fk('pko_mandates'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pko_mandates')),
    )
    op.create_index(op.f('ix_pko_mandates_mission'), 'pko_mandates', ['mission'], unique=False)


def downgrade() -> None:
    for name in ('pko_mandates', 'pko_hks_months', 'pko_troop_types', 'pko_contributions', 'pko_contributors',
                 'pko_deployments', 'pko_mission_countries', 'pko_missions'):
        op.drop_table(name)
