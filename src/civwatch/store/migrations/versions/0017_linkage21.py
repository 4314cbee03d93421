"""linkage21: the release label of an import (releases ordered by the source's signals)

Revision ID: 0017_linkage21
Revises: 0006_linkage
Create Date: 2026-12-01 22:20:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017_linkage21'
down_revision = '0006_linkage'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_releases',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_releases_batch_id_import_batches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_import_releases'))
    )


def downgrade() -> None:
    op.drop_table('import_releases')
