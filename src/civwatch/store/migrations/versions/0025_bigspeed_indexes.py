"""speed at 2.5M reports: the forces' incidents kept with the party facts, the largest incidents by index

Revision ID: 0025_bigspeed_indexes
Revises: 0009_parties
Create Date: 2026-12-02 07:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0025_bigspeed_indexes'
down_revision = '0009_parties'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('party_forces_incidents',
    sa.Column('state_iso3', sa.String(length=3), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('weapon', sa.String(length=32), nullable=False),
    sa.Column('grade', sa.String(length=12), nullable=False),
    sa.Column('populated_area', sa.Boolean(), nullable=True),
    sa.Column('civilian_deaths_low', sa.Integer(), nullable=True),
    sa.Column('civilian_deaths_best', sa.Integer(), nullable=True),
    sa.Column('civilian_deaths_high', sa.Integer(), nullable=True),
    sa.Column('civilian_injuries_low', sa.Integer(), nullable=True),
    sa.Column('civilian_injuries_best', sa.Integer(), nullable=True),
    sa.Column('civilian_injuries_high', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('state_iso3', 'date_start', 'incident_id', name=op.f('pk_party_forces_incidents')),
    sqlite_with_rowid=False,
    )
    op.create_table('party_forces_objects',
    sa.Column('state_iso3', sa.String(length=3), nullable=False),
    sa.Column('date_start', sa.Date(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('state_iso3', 'date_start', 'incident_id', 'kind', name=op.f('pk_party_forces_objects')),
    sqlite_with_rowid=False,
    )
    op.create_index('ix_incidents_country_deaths', 'incidents',
                    ['country_iso3', sa.text('coalesce(civilian_deaths_best, -1)'), 'id'], unique=False)
    # the new tables are filled by the next refresh of the party facts: mark those stale
    op.execute("UPDATE party_state SET fingerprint = ''")


def downgrade() -> None:
    op.drop_index('ix_incidents_country_deaths', table_name='incidents')
    op.drop_table('party_forces_objects')
    op.drop_table('party_forces_incidents')
